"""Deterministic sample data shipped with the package.

The data sets are small CSV files in ``cxmetrics/data``, generated once from
fixed seeds (``scripts/make_sample_data.py``) and read here with explicit
dtypes. Loading is pure: every call reads the file again and returns a new
DataFrame, identical from call to call and from machine to machine.

Timestamps of tickets and calls are time-zone aware, in Europe/Berlin (the
files store them as ISO 8601 text with the UTC offset), so that durations
across the changes to and from daylight saving time are right;
`sample_calendar` is the support team's business calendar in the same zone.
Dates of subscriptions and MRR months are naive (a date has no time zone).
"""

from __future__ import annotations

from importlib import resources
from types import MappingProxyType
from typing import TypeAlias

import pandas as pd

from cxmetrics.business_hours import BusinessCalendar

__all__ = [
    "BUSINESS_DAYS",
    "BUSINESS_HOURS",
    "CALL_AGENTS",
    "CALL_QUEUES",
    "CHANNELS",
    "FUNNEL_STAGES",
    "HOLIDAYS",
    "PLANS",
    "PRIORITIES",
    "PURCHASE_PARAMS",
    "REGIONS",
    "SOURCES",
    "SPEND_PARAMS",
    "TICKET_CHANNELS",
    "TIMEZONE",
    "TRANSACTIONS_END",
    "load_calls",
    "load_funnel",
    "load_mrr",
    "load_subscriptions",
    "load_survey",
    "load_tickets",
    "load_transactions",
    "sample_calendar",
]

#: Regions of the sample survey, in the order of the ``region`` categories.
REGIONS = ("North", "South", "East", "West")
#: Contact channels of the sample survey, in the order of the ``channel`` categories.
CHANNELS = ("email", "phone", "chat", "web")
#: Channels of the sample tickets, in the order of the ``channel`` categories.
TICKET_CHANNELS = ("email", "chat", "phone")
#: Ticket priorities, lowest first (the ordered ``priority`` categories).
PRIORITIES = ("low", "normal", "high", "urgent")
#: Queues of the sample calls, in the order of the ``queue`` categories.
CALL_QUEUES = ("billing", "technical", "sales")
#: Agents rostered on the sample phone line per half hour, 08:00 to 17:30, the
#: same every day: square-root staffing on an average day's load at a planned
#: handle time of 380 s (after 18:00 the last roster stays until the queue is
#: empty).
CALL_AGENTS = (4, 7, 9, 11, 11, 11, 10, 8, 7, 7, 9, 9, 9, 8, 7, 6, 6, 5, 4, 2)
#: Subscription plans, smallest first (the ordered ``plan`` categories).
PLANS = ("basic", "pro", "enterprise")
#: Stages of the sample funnel, in funnel order.
FUNNEL_STAGES = ("visited", "signed_up", "activated", "subscribed")
#: Acquisition sources of the sample funnel, in the order of the ``source`` categories.
SOURCES = ("organic", "paid", "referral", "social")
#: Time zone of the ticket and call timestamps and of `sample_calendar`.
TIMEZONE = "Europe/Berlin"
#: Opening hours of the sample support team and phone line.
BUSINESS_HOURS = "08:00-18:00"
#: Working days of the sample support team and phone line.
BUSINESS_DAYS = "Mon-Fri"
#: Public holidays observed in all of Germany in 2025 (ISO dates).
HOLIDAYS = (
    "2025-01-01",  # New Year's Day
    "2025-04-18",  # Good Friday
    "2025-04-21",  # Easter Monday
    "2025-05-01",  # Labour Day
    "2025-05-29",  # Ascension Day
    "2025-06-09",  # Whit Monday
    "2025-10-03",  # Day of German Unity
    "2025-12-25",  # Christmas Day
    "2025-12-26",  # St Stephen's Day
)

#: BG/NBD parameters the sample transactions were drawn with (rates per week).
PURCHASE_PARAMS = MappingProxyType({"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5})
#: Gamma-Gamma parameters of the sample transactions' amounts (mean 30 euros).
SPEND_PARAMS = MappingProxyType({"p": 6.0, "q": 4.0, "v": 15.0})
#: The last day of the sample transactions (ISO date).
TRANSACTIONS_END = "2025-12-31"

_DtypeMap: TypeAlias = dict[str, str | pd.CategoricalDtype]

_SURVEY_DTYPES: _DtypeMap = {
    "response_id": "int64",
    "region": pd.CategoricalDtype(list(REGIONS)),
    "channel": pd.CategoricalDtype(list(CHANNELS)),
    "nps": "int64",
    "csat": "Int64",
    "ces": "Int64",
}
_TICKET_DTYPES: _DtypeMap = {
    "ticket_id": "int64",
    "created": "str",
    "first_response": "str",
    "resolved": "str",
    "contacts": "Int64",
    "reopens": "int64",
    "channel": pd.CategoricalDtype(list(TICKET_CHANNELS)),
    "priority": pd.CategoricalDtype(list(PRIORITIES), ordered=True),
}
_CALL_DTYPES: _DtypeMap = {
    "call_id": "int64",
    "arrival": "str",
    "queue": pd.CategoricalDtype(list(CALL_QUEUES)),
    "wait": "float64",
    "answered": "bool",
    "abandoned": "bool",
    "talk": "float64",
    "hold": "float64",
    "wrap": "float64",
}
_SUBSCRIPTION_DTYPES: _DtypeMap = {
    "customer_id": "int64",
    "plan": pd.CategoricalDtype(list(PLANS), ordered=True),
    "start": "str",
    "end": "str",
}
_MRR_DTYPES: _DtypeMap = {"customer_id": "int64", "month": "str", "mrr": "float64"}
_TRANSACTION_DTYPES: _DtypeMap = {
    "customer_id": "int64",
    "date": "str",
    "amount": "float64",
}
_FUNNEL_DTYPES: _DtypeMap = {
    "person_id": "int64",
    "source": pd.CategoricalDtype(list(SOURCES)),
    **dict.fromkeys(FUNNEL_STAGES, "bool"),
}


def _read_csv(
    name: str, dtypes: _DtypeMap, dates: list[str] | None = None
) -> pd.DataFrame:
    """Read ``cxmetrics/data/<name>`` with the given dtypes and ISO date columns."""
    resource = resources.files("cxmetrics") / "data" / name
    with resource.open("rb") as handle:
        return pd.read_csv(
            handle,
            dtype=dtypes,
            parse_dates=dates or False,
            date_format="ISO8601",
        )


def _to_local_times(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """ISO 8601 text with UTC offsets as Europe/Berlin timestamps (NaT when blank)."""
    for column in columns:
        utc = pd.to_datetime(frame[column], utc=True, format="ISO8601")
        frame[column] = utc.dt.tz_convert(TIMEZONE).dt.as_unit("ns")
    return frame


def _to_dates(
    frame: pd.DataFrame, columns: list[str], text_format: str
) -> pd.DataFrame:
    """Date text (blank for missing) as naive datetime64[ns] at midnight."""
    for column in columns:
        dates = pd.to_datetime(frame[column], format=text_format)
        frame[column] = dates.dt.as_unit("ns")
    return frame


def load_survey() -> pd.DataFrame:
    """A sample customer survey: 3,000 responses over the twelve months of 2025.

    Each response answers the three classic questions: likelihood to
    recommend (NPS), satisfaction (CSAT) and effort (CES). The regions differ
    in loyalty and the channels in effort, so breakdowns by segment and over
    time have something to find; a few CSAT and CES answers are blank.

    Returns
    -------
    pandas.DataFrame
        One row per response, sorted by date, with the columns

        ``response_id`` : int64
            1 to 3,000.
        ``date`` : datetime64
            Day of the response (naive, at midnight), 2025-01-01 to 2025-12-31.
        ``region`` : category
            ``'North'``, ``'South'``, ``'East'`` or ``'West'`` (see `REGIONS`).
        ``channel`` : category
            ``'email'``, ``'phone'``, ``'chat'`` or ``'web'`` (see `CHANNELS`).
        ``nps`` : int64
            Likelihood to recommend, 0 to 10; never missing.
        ``csat`` : Int64
            Satisfaction, 1 to 5; ``<NA>`` where the question was skipped.
        ``ces`` : Int64
            Ease, 1 to 7 (7 = very easy); ``<NA>`` where skipped.

    Notes
    -----
    ``csat`` and ``ces`` use pandas' nullable integer dtype, so the scores
    stay whole numbers and a skipped answer is ``<NA>`` rather than a float
    NaN. Every cxmetrics function accepts these columns as they are and
    reports the blanks as ``n_missing``; use ``.astype("float64")`` for a
    plain float column with NaN.

    ``region`` and ``channel`` are categoricals with a fixed order of
    categories; group them with ``observed=True``.

    The answers come from an ordered-probit model of one latent
    satisfaction per response, shifted by region, channel and a slow trend
    over the year (``scripts/make_sample_data.py`` in the source tree).

    Examples
    --------
    >>> import cxmetrics as cx
    >>> from cxmetrics.datasets import load_survey
    >>> survey = load_survey()
    >>> survey.shape
    (3000, 7)
    >>> list(survey.columns)
    ['response_id', 'date', 'region', 'channel', 'nps', 'csat', 'ces']
    >>> print(cx.nps(survey["nps"]))
    NPS 23.8 (95% CI 20.9 to 26.7, adjusted Wald), n=3,000
    >>> survey.groupby("region", observed=True)["nps"].size()
    region
    North    890
    South    754
    East     765
    West     591
    Name: nps, dtype: int64
    """
    return _read_csv("survey.csv", _SURVEY_DTYPES, ["date"])


def load_tickets() -> pd.DataFrame:
    """Sample support tickets: 2,000 tickets from March to November 2025.

    The tickets span both changes of daylight saving time (30 March and
    26 October 2025) and six public holidays. Most arrive on working days
    between 08:00 and 18:00, some in the evening, at weekends or on holidays.
    The team replies and resolves within business hours (`sample_calendar`),
    except for urgent tickets, which are handled around the clock. The data
    were extracted at midnight on 1 December 2025: tickets still waiting for
    a reply have no ``first_response``, and open tickets have no
    ``resolved``.

    Returns
    -------
    pandas.DataFrame
        One row per ticket, sorted by ``created``, with the columns

        ``ticket_id`` : int64
            1 to 2,000.
        ``created`` : datetime64[ns, Europe/Berlin]
            When the ticket was opened.
        ``first_response`` : datetime64[ns, Europe/Berlin]
            First reply by an agent; ``NaT`` when none had been sent yet.
        ``resolved`` : datetime64[ns, Europe/Berlin]
            Resolution (the last one, after any reopening); ``NaT`` while the
            ticket is open. Never earlier than ``first_response``, which is
            never earlier than ``created``.
        ``contacts`` : Int64
            Contacts it took to resolve the ticket, at least 1 (1 = resolved
            on first contact); ``<NA>`` while the ticket is open.
        ``reopens`` : int64
            How often the ticket was reopened, 0 or more.
        ``channel`` : category
            ``'email'``, ``'chat'`` or ``'phone'`` (see `TICKET_CHANNELS`).
        ``priority`` : category (ordered)
            ``'low' < 'normal' < 'high' < 'urgent'`` (see `PRIORITIES`).

    See Also
    --------
    sample_calendar : the business calendar the team works to.

    Notes
    -----
    The timestamps are time-zone aware (Europe/Berlin). cxmetrics reads them
    in the calendar's zone; to work in UTC use ``.dt.tz_convert("UTC")``,
    and for naive wall-clock times ``.dt.tz_localize(None)``.

    Response and resolution times are lognormal amounts of business time by
    channel and priority; every extra contact and every reopening makes the
    resolution longer (``scripts/make_sample_data.py`` in the source tree).

    Examples
    --------
    >>> from cxmetrics.datasets import load_tickets
    >>> tickets = load_tickets()
    >>> tickets.shape
    (2000, 8)
    >>> str(tickets["created"].dt.tz)
    'Europe/Berlin'
    >>> missing = tickets[["first_response", "resolved"]].isna().sum()
    >>> missing.to_dict()
    {'first_response': 16, 'resolved': 55}
    >>> tickets["priority"].value_counts(sort=False).to_dict()
    {'low': 447, 'normal': 1043, 'high': 359, 'urgent': 151}
    """
    tickets = _read_csv("tickets.csv", _TICKET_DTYPES)
    return _to_local_times(tickets, ["created", "first_response", "resolved"])


def load_calls() -> pd.DataFrame:
    """Sample phone calls: two weeks of one queue, about 5,000 calls.

    The line is open from 08:00 to 18:00, Monday 3 to Friday 14 November
    2025. Calls arrive with a two-peaked profile over the day (mid-morning
    and early afternoon) and more on Mondays; agents are rostered per half
    hour a little below what the peaks need, so waits, abandonment and
    service level vary through the day, and a table of half-hour intervals
    is ready for staffing (`CALL_AGENTS` is the roster). Some callers hang
    up within seconds (short abandons).

    Returns
    -------
    pandas.DataFrame
        One row per call, sorted by ``arrival``, with the columns

        ``call_id`` : int64
            1 to the number of calls.
        ``arrival`` : datetime64[ns, Europe/Berlin]
            When the call entered the queue.
        ``queue`` : category
            ``'billing'``, ``'technical'`` or ``'sales'`` (see `CALL_QUEUES`).
        ``wait`` : float64
            Seconds in the queue until an agent answered or the caller hung
            up; 0 or more, whole seconds.
        ``answered`` : bool
            An agent took the call.
        ``abandoned`` : bool
            The caller hung up while waiting; always ``not answered``.
        ``talk``, ``hold``, ``wrap`` : float64
            Seconds of talk, of hold and of after-call work; NaN for
            abandoned calls. ``hold`` is 0 for calls without hold.

    Notes
    -----
    The queue was simulated first come, first served with the roster, each
    caller hanging up when the wait exceeds their patience
    (``scripts/make_sample_data.py`` in the source tree). Handle time is
    ``talk + hold + wrap``.

    Examples
    --------
    >>> from cxmetrics.datasets import load_calls
    >>> calls = load_calls()
    >>> calls.shape
    (5032, 9)
    >>> short = calls["abandoned"] & (calls["wait"] < 5)
    >>> int(calls["abandoned"].sum()), int(short.sum())
    (368, 65)
    >>> per_half_hour = calls.groupby(calls["arrival"].dt.floor("30min")).size()
    >>> int(per_half_hour.max())
    53
    """
    calls = _read_csv("calls.csv", _CALL_DTYPES)
    return _to_local_times(calls, ["arrival"])


def sample_calendar() -> BusinessCalendar:
    """The business calendar of the sample tickets and calls.

    Open 08:00 to 18:00 (`BUSINESS_HOURS`), Monday to Friday
    (`BUSINESS_DAYS`), closed on the German public holidays of 2025
    (`HOLIDAYS`), in Europe/Berlin time (`TIMEZONE`).

    Returns
    -------
    BusinessCalendar
        A new calendar on every call.

    Examples
    --------
    >>> import cxmetrics as cx
    >>> from cxmetrics.datasets import load_tickets, sample_calendar
    >>> tickets = load_tickets()
    >>> calendar = sample_calendar()
    >>> hours = cx.elapsed(tickets["created"], tickets["first_response"],
    ...                    calendar=calendar)
    >>> hours.shape
    (2000,)
    """
    return BusinessCalendar(
        hours=BUSINESS_HOURS,
        days=BUSINESS_DAYS,
        holidays=list(HOLIDAYS),
        tz=TIMEZONE,
    )


def load_subscriptions() -> pd.DataFrame:
    """Sample subscriptions: 1,500 customers who started from 2023 to 2025.

    More customers start each month as the business grows. Churn depends on
    the plan (basic customers leave soonest, enterprise customers last
    longest) and is highest in the first months. Customers without an
    ``end`` were still subscribed on 1 January 2026, the end of the data, so
    their lifetimes are censored there. The Kaplan-Meier curve of all
    customers falls below one half within the data, so the median lifetime
    is estimable.

    Returns
    -------
    pandas.DataFrame
        One row per customer, sorted by ``start``, with the columns

        ``customer_id`` : int64
            1 to 1,500.
        ``plan`` : category (ordered)
            ``'basic' < 'pro' < 'enterprise'`` (see `PLANS`), the plan at
            sign-up.
        ``start`` : datetime64[ns]
            First day of the subscription (a naive date at midnight),
            2023-01-01 to 2025-12-31.
        ``end`` : datetime64[ns]
            First day without the subscription, after ``start``; ``NaT``
            for customers still active on 2026-01-01.

    See Also
    --------
    load_mrr : the monthly recurring revenue of the same customers.

    Notes
    -----
    The customer is subscribed on the days ``start <= day < end``; a
    lifetime is ``end - start`` (in days), or ``2026-01-01 - start`` for
    censored customers. Lifetimes are Weibull with shape 0.85 and a median
    of 14, 30 and 60 months for the three plans
    (``scripts/make_sample_data.py`` in the source tree).

    Examples
    --------
    >>> from cxmetrics.datasets import load_subscriptions
    >>> subs = load_subscriptions()
    >>> subs.shape
    (1500, 4)
    >>> subs["plan"].value_counts(sort=False).to_dict()
    {'basic': 833, 'pro': 480, 'enterprise': 187}
    >>> int(subs["end"].isna().sum())
    910
    """
    subscriptions = _read_csv("subscriptions.csv", _SUBSCRIPTION_DTYPES)
    return _to_dates(subscriptions, ["start", "end"], "%Y-%m-%d")


def load_mrr() -> pd.DataFrame:
    """Sample monthly recurring revenue of the customers in `load_subscriptions`.

    One row for every month a customer was subscribed, January 2023 to
    December 2025. MRR is the plan's price per seat times the seats, and the
    seats change from month to month: up (expansion) more often than down
    (contraction). A few customers pause for one to three months with an MRR
    of 0 and then pay again (reactivations).

    Returns
    -------
    pandas.DataFrame
        One row per customer and month, sorted by customer and month, with
        the columns

        ``customer_id`` : int64
            The customer, as in `load_subscriptions`.
        ``month`` : datetime64[ns]
            The month, as its first day (a naive date at midnight); use
            ``.dt.to_period("M")`` for monthly periods.
        ``mrr`` : float64
            Monthly recurring revenue in euros, 0 or more (0 in a paused
            month).

    Notes
    -----
    A customer has a row for each month that overlaps its subscription
    (``start <= day < end``), the first and the last month included, at the
    full monthly rate: MRR is a rate, not the revenue booked in the month.
    So a customer's first row is the month of its ``start`` and, for a
    customer who left, its last row is the month of the day before its
    ``end``.

    Examples
    --------
    >>> from cxmetrics.datasets import load_mrr
    >>> mrr = load_mrr()
    >>> mrr.shape
    (16443, 3)
    >>> december = mrr[mrr["month"] == "2025-12-01"]
    >>> len(december), float(december["mrr"].sum())
    (940, 535121.0)
    """
    return _to_dates(_read_csv("mrr.csv", _MRR_DTYPES), ["month"], "%Y-%m")


def load_funnel() -> pd.DataFrame:
    """A sample conversion funnel: 10,000 visitors and what each went on to do.

    The stages, in order, are ``visited``, ``signed_up``, ``activated`` and
    ``subscribed`` (`FUNNEL_STAGES`); conversion differs by acquisition
    source. A few rows are out of order on purpose: some people are recorded
    as activated without a sign-up (a tracking gap) and some subscribed
    without activating (deals closed by sales). `cxmetrics.funnel` counts
    strictly, so those rows count only up to the first stage they missed.

    Returns
    -------
    pandas.DataFrame
        One row per visitor, with the columns

        ``person_id`` : int64
            1 to 10,000.
        ``source`` : category
            ``'organic'``, ``'paid'``, ``'referral'`` or ``'social'`` (see
            `SOURCES`).
        ``visited``, ``signed_up``, ``activated``, ``subscribed`` : bool
            Whether the person reached the stage; ``visited`` is True for
            everyone.

    Examples
    --------
    >>> import cxmetrics as cx
    >>> from cxmetrics.datasets import FUNNEL_STAGES, load_funnel
    >>> people = load_funnel()
    >>> people.shape
    (10000, 6)
    >>> cx.funnel(people[list(FUNNEL_STAGES)])["count"].tolist()
    [10000, 1862, 1069, 353]
    >>> people[list(FUNNEL_STAGES)].sum().tolist()
    [10000, 1862, 1098, 368]
    """
    return _read_csv("funnel.csv", _FUNNEL_DTYPES)


def load_transactions() -> pd.DataFrame:
    """A sample purchase log: 3,000 customers of a shop in 2025, one row per purchase.

    Customers make their first purchase in the first twelve weeks of 2025;
    the log runs to 31 December 2025 (`TRANSACTIONS_END`). Nobody cancels:
    customers buy again, at their own pace, or quietly stop. It was drawn
    from the BG/NBD model with the parameters `PURCHASE_PARAMS` (weekly
    rates) and its amounts from the Gamma-Gamma model with `SPEND_PARAMS`,
    so the fits of `cxmetrics.fit_bgnbd` and `cxmetrics.fit_gamma_gamma`
    can be checked against the truth.

    Returns
    -------
    pandas.DataFrame
        One row per purchase, sorted by date, with the columns

        ``customer_id`` : int64
            1 to 3,000, in the order of the first purchase.
        ``date`` : datetime64[ns]
            Day of the purchase (naive, at midnight).
        ``amount`` : float64
            Value of the purchase in euros, above 0.

    See Also
    --------
    cxmetrics.rfm_summary : one row per customer from this log.

    Notes
    -----
    A customer's purchase rate (per week) is gamma with shape ``r`` and
    rate ``alpha``; after each repeat purchase it drops out with a
    probability drawn from a beta distribution with ``a`` and ``b``. Each
    amount is gamma with shape ``p`` and the customer's own rate, itself
    gamma with shape ``q`` and rate ``v`` (``scripts/make_sample_data.py``
    in the source tree).

    Examples
    --------
    >>> from cxmetrics.datasets import load_transactions
    >>> log = load_transactions()
    >>> log.shape
    (7455, 3)
    >>> int(log["customer_id"].nunique())
    3000
    """
    log = _read_csv("transactions.csv", _TRANSACTION_DTYPES)
    return _to_dates(log, ["date"], "%Y-%m-%d")
