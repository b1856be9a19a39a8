"""Write the sample data shipped in ``src/cxmetrics/data/``.

The files are generated once from fixed seeds and committed; the package
reads them and never regenerates them. Run this script again only to change
the data on purpose:

    python scripts/make_sample_data.py

Each data set has its own seed, so changing one leaves the others as they
are. ``SAMPLE_FILES`` maps every file name to the function that builds its
table; the tests rebuild each table and compare it with the shipped file byte
for byte.

Survey
------
Each response has one latent satisfaction ``u ~ Normal(shift, 1)``. The shift
is the sum of a region effect, a channel effect and a slow trend over the
year, so segments and months genuinely differ. The three answers are read off
correlated copies of ``u`` by an ordered-probit model: the cut-points are
chosen so that, at ``shift = 0``, each score has the probability given in
``NPS_PROBS``, ``CSAT_PROBS`` and ``CES_PROBS``. CES also depends on the
channel (phone is harder, chat easier). A small share of CSAT and CES answers
is left blank.

Five driver ratings (1-5: product, agent, speed, ease, value) follow, drawn
after everything above so that adding them changed no earlier value. Each is
an ordered-probit reading of its own mix of the NPS latent (with the loading
in ``DRIVER_LOADINGS``), a halo shared by all five (respondents who rate one
thing high tend to rate everything high) and noise, so the drivers explain
NPS to different degrees and are correlated with one another, as real
driver questions are.

Tickets
-------
Tickets arrive from March to November 2025 (both DST changes, six German
public holidays), mostly on working days between 08:00 and 18:00 Berlin time,
with an hourly profile; evenings, weekends and holidays get a few. The support
team works the sample business calendar (08:00-18:00, Monday to Friday, no
public holidays): first response and resolution times are drawn as lognormal
amounts of *business* time, by priority and channel, and added on that clock,
except urgent tickets, which an on-call rota handles around the clock. The
data are extracted at midnight on 1 December 2025: whatever had not happened
by then is missing (still waiting for a reply, still open), and a few older
tickets are stuck open.

Calls
-----
Two weeks of a phone queue (Monday 3 to Friday 14 November 2025, open
08:00-18:00). Arrivals are Poisson per half hour with a two-peaked intraday
profile and busier Mondays; agents are rostered per half hour a little below
what the peaks need. The queue is simulated first come, first served: each
caller waits for the first rostered agent to be free and hangs up when the
wait exceeds their patience (exponential, plus a few who hang up within
seconds), so waits, abandons and service level follow the load through the
day.

Subscriptions and MRR
---------------------
1,500 customers start between January 2023 and December 2025, more each
month as the business grows. Lifetimes are Weibull (shape below 1: churn is
highest early) with a scale per plan, so basic customers leave soonest and
enterprise customers last longest; whoever has not left by 1 January 2026 is
still active. Each subscribed month has one MRR row: the plan's price per seat
times the seats, which drift up (expansion) and down (contraction) from month
to month; a few customers pause for one to three months at zero MRR and come
back (reactivations).

Funnel
------
10,000 visitors, each with an acquisition source; sign-up, activation and
subscription follow with probabilities per source. A few rows are out of
order (activated without a recorded sign-up, subscribed without activating)
to show that the funnel is counted strictly.

Weekly survey
-------------
A year of post-contact surveys, 52 weeks from Monday 6 January 2025, about
140 answers a week (Poisson, busier in winter), each rating the agent who
handled the contact: 24 agents with very different volumes. The answers come
from the survey's ordered-probit model; the agents are alike but two, planted
below and above the rest (``AGENT_EFFECTS``), and the process has one real
change: from Monday 1 September 2025 (``WEEKLY_SHIFT_START``) the latent
satisfaction of every answer drops by ``WEEKLY_SHIFT`` standard deviations (a
product change gone wrong, about 9 NPS points) and stays down. The monitoring
guide charts it.

Transactions
------------
3,000 customers make their first purchase on a day of the first twelve
weeks of 2025 and are observed to 31 December 2025. Each buys by the BG/NBD
model with known parameters (``PURCHASE_PARAMS``, rates per week): a
purchase rate drawn from a gamma distribution and, after every repeat
purchase, a drop-out probability drawn from a beta distribution. Every
purchase is worth a gamma-distributed amount with the customer's own mean,
drawn by the Gamma-Gamma model (``SPEND_PARAMS``). Purchases are recorded
by day, so two on one day are one purchase day to `cxmetrics.rfm_summary`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from cxmetrics.datasets import (
    BUSINESS_DAYS,
    BUSINESS_HOURS,
    CALL_QUEUES,
    FUNNEL_STAGES,
    HOLIDAYS,
    PLANS,
    PRIORITIES,
    PURCHASE_PARAMS,
    SOURCES,
    SPEND_PARAMS,
    TICKET_CHANNELS,
    TIMEZONE,
    TRANSACTIONS_END,
    WEEKLY_AGENTS,
    WEEKLY_SHIFT_START,
)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "cxmetrics" / "data"

# ---------------------------------------------------------------------------
# Survey

SEED = 20250101
N_RESPONSES = 3_000
YEAR = 2025

# Segment mix and effects on the latent satisfaction (in standard deviations).
REGION_MIX = {"North": 0.30, "South": 0.25, "East": 0.25, "West": 0.20}
REGION_SHIFT = {"North": 0.15, "South": 0.0, "East": 0.05, "West": -0.15}
CHANNEL_MIX = {"email": 0.35, "web": 0.25, "chat": 0.20, "phone": 0.20}
CES_CHANNEL_SHIFT = {"email": 0.0, "web": 0.05, "chat": 0.25, "phone": -0.35}
TREND_PER_YEAR = 0.15

# Baseline answer distributions (shift = 0), lowest score first.
NPS_PROBS = [0.02, 0.01, 0.02, 0.03, 0.03, 0.06, 0.07, 0.12, 0.18, 0.20, 0.26]
CSAT_PROBS = [0.05, 0.06, 0.10, 0.37, 0.42]
CES_PROBS = [0.04, 0.05, 0.08, 0.13, 0.22, 0.26, 0.22]

# Correlation of the CSAT and CES latents with the NPS latent.
CSAT_LOADING = 0.75
CES_LOADING = 0.60
MISSING_SHARE = {"csat": 0.015, "ces": 0.02}

# Driver ratings: loading on the NPS latent, the halo they share, answers.
DRIVER_LOADINGS = {
    "product": 0.55,
    "agent": 0.45,
    "speed": 0.40,
    "ease": 0.35,
    "value": 0.25,
}
DRIVER_HALO = 0.35
DRIVER_PROBS = [0.05, 0.10, 0.22, 0.35, 0.28]


def ordered_probit(
    latent: npt.NDArray[np.float64], probs: list[float], low: int
) -> npt.NDArray[np.int64]:
    """Scores ``low, low + 1, ...`` from a latent normal and baseline probabilities."""
    cuts = stats.norm.ppf(np.cumsum(probs)[:-1])
    return low + np.searchsorted(cuts, latent).astype(np.int64)


def correlated(
    latent: npt.NDArray[np.float64], loading: float, rng: np.random.Generator
) -> npt.NDArray[np.float64]:
    """A latent with correlation ``loading`` to ``latent`` (unit noise variance)."""
    noise = rng.standard_normal(latent.size)
    return loading * latent + np.sqrt(1.0 - loading**2) * noise


def with_missing(
    scores: npt.NDArray[np.int64], share: float, rng: np.random.Generator
) -> pd.Series:
    """Scores as a nullable integer Series with about ``share`` of them blank."""
    series = pd.Series(scores, dtype="Int64")
    return series.mask(rng.random(scores.size) < share)


def make_survey(rng: np.random.Generator) -> pd.DataFrame:
    """The sample survey, one row per response, sorted by date."""
    n = N_RESPONSES
    region = rng.choice(list(REGION_MIX), size=n, p=list(REGION_MIX.values()))
    channel = rng.choice(list(CHANNEL_MIX), size=n, p=list(CHANNEL_MIX.values()))
    start = np.datetime64(f"{YEAR}-01-01")
    days = (np.datetime64(f"{YEAR + 1}-01-01") - start).astype(int)
    offset = np.sort(rng.integers(0, days, size=n))
    date = start + offset.astype("timedelta64[D]")

    region_shift = pd.Series(region).map(REGION_SHIFT)
    trend = TREND_PER_YEAR * (offset / days - 0.5)
    latent = rng.standard_normal(n) + region_shift.to_numpy() + trend
    ces_shift = pd.Series(channel).map(CES_CHANNEL_SHIFT).to_numpy()

    nps = ordered_probit(latent, NPS_PROBS, 0)
    csat = ordered_probit(correlated(latent, CSAT_LOADING, rng), CSAT_PROBS, 1)
    ces = ordered_probit(correlated(latent, CES_LOADING, rng) + ces_shift, CES_PROBS, 1)
    frame = pd.DataFrame(
        {
            "response_id": np.arange(1, n + 1),
            "date": pd.to_datetime(date).strftime("%Y-%m-%d"),
            "region": region,
            "channel": channel,
            "nps": nps,
            "csat": with_missing(csat, MISSING_SHARE["csat"], rng),
            "ces": with_missing(ces, MISSING_SHARE["ces"], rng),
        }
    )
    # Drawn last, so that every column above keeps its values.
    halo = rng.standard_normal(n)
    for name, loading in DRIVER_LOADINGS.items():
        noise = rng.standard_normal(n)
        rest = np.sqrt(1.0 - loading**2 - DRIVER_HALO**2)
        driver = loading * latent + DRIVER_HALO * halo + rest * noise
        frame[name] = ordered_probit(driver, DRIVER_PROBS, 1)
    return frame


# ---------------------------------------------------------------------------
# The business clock of the sample calendar, in whole seconds since the epoch


def parse_hours(text: str) -> tuple[int, int]:
    """``"08:00-18:00"`` as (opening, closing) seconds after midnight."""
    start, end = text.split("-")
    to_seconds = [
        int(h) * 3600 + int(m) * 60 for h, m in (t.split(":") for t in (start, end))
    ]
    return to_seconds[0], to_seconds[1]


def working_days(first: str, last: str) -> pd.DatetimeIndex:
    """The days from ``first`` to ``last`` that the sample calendar is open."""
    assert BUSINESS_DAYS == "Mon-Fri"
    days = pd.date_range(first, last, freq="D")
    return days[(days.day_of_week < 5) & ~days.isin(pd.to_datetime(list(HOLIDAYS)))]


def epoch_seconds(local: pd.DatetimeIndex) -> IntArray:
    """Naive Berlin wall-clock times (never in a DST gap) as UTC epoch seconds."""
    aware = local.tz_localize(TIMEZONE)
    return np.asarray(aware.as_unit("s").asi8, dtype=np.int64)


class BusinessClock:
    """Business seconds of the sample calendar: B(t) and its inverse.

    The open intervals are exact in UTC, so the 23- and 25-hour days of the
    DST changes are handled by construction.
    """

    def __init__(self, first: str, last: str) -> None:
        days = working_days(first, last)
        open_at, close_at = parse_hours(BUSINESS_HOURS)
        self.opens = epoch_seconds(days + pd.Timedelta(seconds=open_at))
        self.closes = epoch_seconds(days + pd.Timedelta(seconds=close_at))
        lengths = self.closes - self.opens
        self.before = np.concatenate(([0], np.cumsum(lengths)))

    def business_seconds(self, t: IntArray) -> IntArray:
        """Business seconds from the first opening to each ``t``."""
        k = np.searchsorted(self.opens, t, side="right") - 1
        safe = np.maximum(k, 0)
        inside = np.clip(t - self.opens[safe], 0, self.closes[safe] - self.opens[safe])
        return np.where(k >= 0, self.before[safe] + inside, 0)

    def add(self, t: IntArray, seconds: IntArray) -> IntArray:
        """The time at which ``seconds`` of business time after ``t`` have passed."""
        target = self.business_seconds(t) + seconds
        k = np.searchsorted(self.before, target, side="right") - 1
        assert (k < self.opens.size).all(), "the business clock is too short"
        return self.opens[k] + (target - self.before[k])


def to_berlin(seconds: IntArray) -> pd.Series:
    """UTC epoch seconds (NaT where negative) as Berlin times."""
    utc = pd.to_datetime(
        np.where(seconds >= 0, seconds, np.iinfo(np.int64).min), unit="s"
    )
    return pd.Series(utc.tz_localize("UTC").tz_convert(TIMEZONE))


def lognormal_seconds(
    rng: np.random.Generator, median: FloatArray, sigma: float
) -> IntArray:
    """Whole seconds (at least 30) from a lognormal with the given medians."""
    draws = median * np.exp(sigma * rng.standard_normal(median.size))
    return np.maximum(np.rint(draws), 30).astype(np.int64)


# ---------------------------------------------------------------------------
# Tickets

TICKETS_SEED = 20250301
N_TICKETS = 2_000
TICKETS_FIRST, TICKETS_LAST = "2025-03-01", "2025-11-30"
EXTRACTED = "2025-12-01 00:00"  # Berlin time; later events are not yet known

# Arrivals per hour of the day (Berlin), on working and on closed days. No
# arrivals between 01:00 and 06:00, so none falls in a DST gap or overlap.
HOURLY_WORKING = [0.3, 0, 0, 0, 0, 0, 0.5, 1.5, 6, 10, 11, 10, 7, 8, 9, 8, 7, 5]
HOURLY_WORKING += [2, 1.5, 1.2, 1, 0.7, 0.4]
HOURLY_CLOSED = [0.2, 0, 0, 0, 0, 0, 0, 0.5] + [1] * 14 + [0.5, 0.3]
CLOSED_DAY_WEIGHT = 0.12
WEEKDAY_WEIGHT = [1.25, 1.05, 1.0, 0.95, 0.85]
GROWTH_PER_MONTH = 0.02

TICKET_CHANNEL_MIX = {"in_hours": [0.50, 0.30, 0.20], "off_hours": [0.90, 0.07, 0.03]}
PRIORITY_MIX = [0.20, 0.55, 0.18, 0.07]
# Median first response, business minutes, by priority (email); chat and phone
# are answered within minutes whatever the priority.
FIRST_RESPONSE_MEDIAN_MIN = {
    "email": [360, 180, 90, 30],
    "chat": [4] * 4,
    "phone": [1] * 4,
}
# Median time from first response to resolution, business minutes, by priority.
RESOLUTION_MEDIAN_MIN = [1200, 480, 240, 120]
FCR_SHARE = {"email": 0.65, "chat": 0.75, "phone": 0.72}
REOPEN_SHARE = 0.06
STUCK_SHARE = 0.01  # answered but never resolved
UNANSWERED_SHARE = 0.004  # never answered


def ticket_arrivals(
    rng: np.random.Generator, n: int
) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """Creation times (UTC epoch seconds) and whether each is in business hours."""
    days = pd.date_range(TICKETS_FIRST, TICKETS_LAST, freq="D")
    working = days.isin(working_days(TICKETS_FIRST, TICKETS_LAST))
    weekday = np.minimum(days.day_of_week, 4)
    weight = np.where(working, np.asarray(WEEKDAY_WEIGHT)[weekday], CLOSED_DAY_WEIGHT)
    weight = weight * (1 + GROWTH_PER_MONTH) ** (days.month.to_numpy() - 3)
    day = rng.choice(days.size, size=n, p=weight / weight.sum())
    on_working = working[day]
    profiles = np.array([HOURLY_WORKING, HOURLY_CLOSED], dtype=np.float64)
    profiles /= profiles.sum(axis=1, keepdims=True)
    cumulative = np.cumsum(profiles, axis=1)
    u = rng.random(n)
    row = np.where(on_working, 0, 1)
    hour = (u[:, None] > cumulative[row]).sum(axis=1)
    second = rng.integers(0, 3600, size=n)
    local = days[day] + pd.to_timedelta(hour * 3600 + second, unit="s")
    open_at, close_at = parse_hours(BUSINESS_HOURS)
    in_hours = on_working & (hour * 3600 >= open_at) & (hour * 3600 < close_at)
    order = np.argsort(local.to_numpy(), kind="stable")
    return epoch_seconds(pd.DatetimeIndex(local[order])), in_hours[order]


def make_tickets(rng: np.random.Generator) -> pd.DataFrame:
    """The sample tickets, one row per ticket, sorted by creation time."""
    n = N_TICKETS
    created, in_hours = ticket_arrivals(rng, n)
    channel_codes = np.where(
        in_hours,
        rng.choice(3, size=n, p=TICKET_CHANNEL_MIX["in_hours"]),
        rng.choice(3, size=n, p=TICKET_CHANNEL_MIX["off_hours"]),
    )
    channel = np.asarray(TICKET_CHANNELS)[channel_codes]
    priority_codes = rng.choice(len(PRIORITIES), size=n, p=PRIORITY_MIX)
    urgent = priority_codes == PRIORITIES.index("urgent")

    medians = np.array(
        [
            FIRST_RESPONSE_MEDIAN_MIN[c][p] * 60.0
            for c, p in zip(channel, priority_codes, strict=True)
        ]
    )
    to_response = lognormal_seconds(rng, medians, sigma=0.9)
    resolution_median = (
        np.asarray(RESOLUTION_MEDIAN_MIN, dtype=np.float64)[priority_codes] * 60
    )
    fcr = rng.random(n) < pd.Series(channel).map(FCR_SHARE).to_numpy()
    contacts = np.where(fcr, 1, 2 + rng.poisson(0.6, size=n))
    reopens = np.where(
        rng.random(n) < REOPEN_SHARE * np.where(fcr, 0.6, 1.8),
        1 + (rng.random(n) < 0.15),
        0,
    )
    # Every extra contact and every reopening adds to the work.
    effort = contacts**0.8 * (1 + 1.5 * reopens)
    to_resolution = lognormal_seconds(rng, resolution_median * effort, sigma=1.0)

    clock = BusinessClock(TICKETS_FIRST, "2026-06-30")
    first_response = np.where(
        urgent, created + to_response, clock.add(created, to_response)
    )
    resolved = np.where(
        urgent, first_response + to_resolution, clock.add(first_response, to_resolution)
    )

    extracted = int(pd.Timestamp(EXTRACTED, tz=TIMEZONE).timestamp())
    unanswered = (first_response >= extracted) | (rng.random(n) < UNANSWERED_SHARE)
    still_open = unanswered | (resolved >= extracted) | (rng.random(n) < STUCK_SHARE)
    first_response = np.where(unanswered, -1, first_response)
    resolved = np.where(still_open, -1, resolved)
    reopens = np.where(unanswered, 0, reopens)
    return pd.DataFrame(
        {
            "ticket_id": np.arange(1, n + 1),
            "created": to_berlin(created),
            "first_response": to_berlin(first_response),
            "resolved": to_berlin(resolved),
            "contacts": pd.Series(contacts, dtype="Int64").mask(still_open),
            "reopens": reopens,
            "channel": channel,
            "priority": np.asarray(PRIORITIES)[priority_codes],
        }
    )


# ---------------------------------------------------------------------------
# Calls

CALLS_SEED = 20251103
CALLS_FIRST, CALLS_LAST = "2025-11-03", "2025-11-14"
EXPECTED_CALLS = 5_000
INTERVAL = 1800  # seconds
# Expected share of a day's calls per half hour, 08:00 to 17:30.
HALF_HOURLY = [2.0, 3.5, 5.0, 6.0, 6.5, 6.2, 5.5, 4.5, 3.8, 4.0]
HALF_HOURLY += [4.8, 5.2, 5.0, 4.6, 4.0, 3.4, 2.8, 2.2, 1.6, 1.0]
DAY_FACTOR = [1.20, 1.05, 1.00, 0.95, 0.85]  # Monday to Friday
QUEUE_MIX = [0.35, 0.45, 0.20]
TALK_MEDIAN = [200.0, 330.0, 260.0]  # seconds, by queue
PLANNED_AHT = 380.0  # the planners' handle time, seconds
STAFFING_MARGIN = 1.0  # agents above the load, in square roots of the load
PATIENCE_MEAN = 150.0  # seconds
QUICK_HANG_UP_SHARE = 0.05  # callers who give up within 5 seconds


def roster(expected: FloatArray) -> IntArray:
    """Agents per half hour by square-root staffing on the load of an average day.

    Planned on the average day, the roster is short on busy Mondays and
    generous on quiet Fridays.
    """
    traffic = expected * PLANNED_AHT / INTERVAL
    agents = np.rint(traffic + STAFFING_MARGIN * np.sqrt(traffic))
    return np.maximum(agents, 2).astype(np.int64)


def simulate_day(
    arrival: FloatArray,
    service: FloatArray,
    patience: FloatArray,
    agents: IntArray,
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """First come, first served queue of one day; times in seconds after opening.

    Agent ``j`` takes calls in the half hours where ``agents > j``; after the
    last half hour the last roster stays until the queue is empty. A caller
    hangs up when the wait would exceed their patience. Returns each call's
    wait (time to answer, or to hanging up) and whether it was answered.
    """
    n_slots = int(agents.max())
    last = agents.size - 1
    # next_on[j, i]: the first half hour from i on in which agent j works.
    on_duty = agents[None, :] > np.arange(n_slots)[:, None]
    next_on = np.full(
        (n_slots, agents.size + 1), np.iinfo(np.int64).max, dtype=np.int64
    )
    for i in range(last, -1, -1):
        next_on[:, i] = np.where(on_duty[:, i], i, next_on[:, i + 1])
    free = np.zeros(n_slots)
    wait = np.empty(arrival.size)
    answered = np.empty(arrival.size, dtype=bool)
    big = np.iinfo(np.int64).max
    for c in range(arrival.size):
        start = np.maximum(free, arrival[c])
        interval = np.minimum((start // INTERVAL).astype(np.int64), last)
        first_on = next_on[np.arange(n_slots), interval]
        start = np.where(
            first_on == interval,
            start,
            np.where(first_on == big, np.inf, first_on * INTERVAL),
        )
        j = int(np.argmin(start))
        if start[j] - arrival[c] > patience[c]:
            wait[c], answered[c] = patience[c], False
        else:
            wait[c], answered[c] = start[j] - arrival[c], True
            free[j] = start[j] + service[c]
    return wait, answered


def make_calls(rng: np.random.Generator) -> pd.DataFrame:
    """The sample calls, one row per call, sorted by arrival."""
    days = pd.date_range(CALLS_FIRST, CALLS_LAST, freq="D")
    days = days[days.day_of_week < 5]
    profile = np.asarray(HALF_HOURLY) / np.sum(HALF_HOURLY)
    factor = np.asarray(DAY_FACTOR)[days.day_of_week]
    expected = EXPECTED_CALLS * (factor / factor.sum())[:, None] * profile[None, :]
    agents = roster(expected.mean(axis=0))
    open_at, _ = parse_hours(BUSINESS_HOURS)
    frames = []
    for d, day in enumerate(days):
        counts = rng.poisson(expected[d])
        offset = np.repeat(np.arange(profile.size) * INTERVAL, counts)
        arrival = np.sort(offset + rng.integers(0, INTERVAL, size=offset.size)).astype(
            float
        )
        n = arrival.size
        queue = rng.choice(len(CALL_QUEUES), size=n, p=QUEUE_MIX)
        talk = np.rint(
            np.asarray(TALK_MEDIAN)[queue] * np.exp(0.55 * rng.standard_normal(n))
        )
        hold = np.where(
            rng.random(n) < 0.35, np.rint(rng.exponential(50.0, size=n)), 0.0
        )
        wrap = np.rint(10.0 + rng.gamma(4.0, 10.0, size=n))
        quick = rng.random(n) < QUICK_HANG_UP_SHARE
        patience = np.where(
            quick, rng.uniform(0.0, 5.0, size=n), rng.exponential(PATIENCE_MEAN, size=n)
        )
        wait, answered = simulate_day(arrival, talk + hold + wrap, patience, agents)
        local = day + pd.to_timedelta(open_at + arrival, unit="s")
        frames.append(
            pd.DataFrame(
                {
                    "arrival": epoch_seconds(pd.DatetimeIndex(local)),
                    "queue": np.asarray(CALL_QUEUES)[queue],
                    "wait": np.rint(wait),
                    "answered": answered.astype(np.int64),
                    "abandoned": (~answered).astype(np.int64),
                    "talk": np.where(answered, talk, np.nan),
                    "hold": np.where(answered, hold, np.nan),
                    "wrap": np.where(answered, wrap, np.nan),
                }
            )
        )
    calls = pd.concat(frames, ignore_index=True)
    calls["arrival"] = to_berlin(calls["arrival"].to_numpy())
    calls.insert(0, "call_id", np.arange(1, len(calls) + 1))
    return calls


# ---------------------------------------------------------------------------
# Subscriptions and MRR

SUBSCRIPTIONS_SEED = 20230101
N_CUSTOMERS = 1_500
FIRST_MONTH, LAST_MONTH = "2023-01", "2025-12"
OBSERVED_UNTIL = "2026-01-01"  # customers without an end before this are active
START_GROWTH = 0.025  # per month
PLAN_MIX = [0.55, 0.33, 0.12]
WEIBULL_SHAPE = 0.85
MEDIAN_LIFETIME_MONTHS = [14.0, 30.0, 60.0]  # by plan
DAYS_PER_MONTH = 365.25 / 12
PRICE_PER_SEAT = [29.0, 49.0, 89.0]  # by plan, per month
SEATS_START = [(1, 0.6), (3, 3.0), (15, 12.0)]  # (minimum, Poisson mean) by plan
EXPANSION_SHARE, CONTRACTION_SHARE = 0.05, 0.025  # per customer-month
PAUSE_SHARE = 0.04  # of customers with a year or more, pause once


def customer_lifetimes(rng: np.random.Generator, plan: IntArray) -> FloatArray:
    """Lifetimes in days: Weibull with the plan's median."""
    medians = np.asarray(MEDIAN_LIFETIME_MONTHS)[plan] * DAYS_PER_MONTH
    scale = medians / np.log(2.0) ** (1.0 / WEIBULL_SHAPE)
    return scale * rng.weibull(WEIBULL_SHAPE, size=plan.size)


def make_subscriptions_and_mrr(
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The subscriptions (one row per customer) and their MRR (one row per month)."""
    n = N_CUSTOMERS
    months = pd.period_range(FIRST_MONTH, LAST_MONTH, freq="M")
    weight = np.exp(START_GROWTH * np.arange(months.size))
    start_month = np.sort(rng.choice(months.size, size=n, p=weight / weight.sum()))
    month_start = months[start_month].to_timestamp()
    start = month_start + pd.to_timedelta(
        np.floor(rng.random(n) * months[start_month].days_in_month), unit="D"
    )
    order = np.argsort(start.to_numpy(), kind="stable")
    start = pd.DatetimeIndex(start[order])
    plan = rng.choice(len(PLANS), size=n, p=PLAN_MIX)
    lifetime = np.maximum(np.ceil(customer_lifetimes(rng, plan)), 1)
    end = start + pd.to_timedelta(lifetime, unit="D")
    end = end.where(end < pd.Timestamp(OBSERVED_UNTIL))
    subscriptions = pd.DataFrame(
        {
            "customer_id": np.arange(1, n + 1),
            "plan": np.asarray(PLANS)[plan],
            "start": start.strftime("%Y-%m-%d"),
            "end": pd.Series(end.strftime("%Y-%m-%d")).where(end.notna()),
        }
    )

    # One row per month that overlaps [start, end), up to December 2025.
    first = start.to_period("M")
    last_day = end.fillna(pd.Timestamp(OBSERVED_UNTIL)) - pd.Timedelta(days=1)
    last = last_day.to_period("M")
    length = (last - first).map(lambda offset: offset.n).to_numpy() + 1
    customer = np.repeat(np.arange(n), length)
    within = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
    month = first.to_numpy()[customer] + within

    minimum, mean = (np.asarray(x)[plan] for x in zip(*SEATS_START, strict=True))
    seats0 = minimum + rng.poisson(mean)
    u = rng.random(customer.size)
    step = np.where(
        u < EXPANSION_SHARE,
        rng.integers(1, 4, size=customer.size),
        np.where(
            u < EXPANSION_SHARE + CONTRACTION_SHARE,
            -rng.integers(1, 3, size=customer.size),
            0,
        ),
    )
    step[within == 0] = 0
    seats = np.maximum(
        seats0[customer] + pd.Series(step).groupby(customer).cumsum().to_numpy(), 1
    )
    mrr = np.asarray(PRICE_PER_SEAT)[plan][customer] * seats

    # A few long-standing customers pause for one to three months at zero MRR.
    pausing = (length >= 12) & (rng.random(n) < PAUSE_SHARE)
    pause_from = np.where(pausing, 3 + np.floor(rng.random(n) * (length - 6)), -1)
    pause_length = rng.integers(1, 4, size=n)
    paused = (within >= pause_from[customer]) & (
        within < pause_from[customer] + pause_length[customer]
    )
    mrr = np.where(paused & pausing[customer], 0.0, mrr)
    mrr_rows = pd.DataFrame(
        {
            "customer_id": customer + 1,
            "month": pd.PeriodIndex(month, freq="M").strftime("%Y-%m"),
            "mrr": mrr,
        }
    )
    return subscriptions, mrr_rows


# ---------------------------------------------------------------------------
# Funnel

FUNNEL_SEED = 20250601
N_VISITORS = 10_000
SOURCE_MIX = [0.40, 0.30, 0.10, 0.20]  # organic, paid, referral, social
SIGN_UP = [0.22, 0.15, 0.35, 0.10]  # by source
ACTIVATE = [0.55, 0.50, 0.65, 0.55]  # of those who signed up
SUBSCRIBE = [0.30, 0.25, 0.40, 0.30]  # of those who activated
ACTIVATED_WITHOUT_SIGN_UP = 0.003  # of those without a sign-up (a tracking gap)
SUBSCRIBED_WITHOUT_ACTIVATING = 0.02  # of sign-ups who did not activate (sales-led)


def make_funnel(rng: np.random.Generator) -> pd.DataFrame:
    """The sample funnel, one row per visitor."""
    n = N_VISITORS
    source = rng.choice(len(SOURCES), size=n, p=SOURCE_MIX)
    u = rng.random((3, n))
    signed_up = u[0] < np.asarray(SIGN_UP)[source]
    activated = signed_up & (u[1] < np.asarray(ACTIVATE)[source])
    subscribed = activated & (u[2] < np.asarray(SUBSCRIBE)[source])
    gap = ~signed_up & (rng.random(n) < ACTIVATED_WITHOUT_SIGN_UP)
    sales_led = signed_up & ~activated & (rng.random(n) < SUBSCRIBED_WITHOUT_ACTIVATING)
    stages = {
        "visited": np.ones(n, dtype=bool),
        "signed_up": signed_up,
        "activated": activated | gap,
        "subscribed": subscribed | sales_led,
    }
    assert tuple(stages) == FUNNEL_STAGES
    frame = pd.DataFrame({"person_id": np.arange(1, n + 1)})
    frame["source"] = np.asarray(SOURCES)[source]
    for name, flags in stages.items():
        frame[name] = flags.astype(np.int64)
    return frame


# ---------------------------------------------------------------------------
# Weekly survey (a planted shift, agents for a funnel plot)

WEEKLY_SEED = 20250106
WEEKLY_FIRST = "2025-01-06"  # a Monday
WEEKLY_WEEKS = 52
WEEKLY_ANSWERS = 140  # mean answers per week
WEEKLY_SEASON = 0.2  # relative swing of the weekly volume over the year
WEEKLY_SHIFT = -0.12  # latent standard deviations, from WEEKLY_SHIFT_START on
AGENT_EFFECTS = {"A07": -0.3, "A19": 0.3}  # latent shifts; other agents 0
WEEKLY_CSAT_MISSING = 0.01


def make_weekly_survey(rng: np.random.Generator) -> pd.DataFrame:
    """The weekly survey, one row per answer, sorted by date."""
    weeks = np.arange(WEEKLY_WEEKS)
    season = 1.0 + WEEKLY_SEASON * np.cos(2.0 * np.pi * weeks / WEEKLY_WEEKS)
    per_week = rng.poisson(WEEKLY_ANSWERS * season)
    n = int(per_week.sum())
    week = np.repeat(weeks, per_week)
    day = np.sort(week * 7 + rng.integers(0, 7, size=n))
    date = np.datetime64(WEEKLY_FIRST) + day.astype("timedelta64[D]")
    agents = len(WEEKLY_AGENTS)
    volume = 1.0 / np.arange(1, agents + 1) ** 0.8
    volume = rng.permutation(volume / volume.sum())
    agent = rng.choice(agents, size=n, p=volume)
    effect = np.zeros(agents)
    for name, shift in AGENT_EFFECTS.items():
        effect[WEEKLY_AGENTS.index(name)] = shift
    shifted = date >= np.datetime64(WEEKLY_SHIFT_START)
    latent = rng.standard_normal(n) + effect[agent] + WEEKLY_SHIFT * shifted
    nps = ordered_probit(latent, NPS_PROBS, 0)
    csat = ordered_probit(correlated(latent, CSAT_LOADING, rng), CSAT_PROBS, 1)
    return pd.DataFrame(
        {
            "response_id": np.arange(1, n + 1),
            "date": pd.to_datetime(date).strftime("%Y-%m-%d"),
            "agent": np.asarray(WEEKLY_AGENTS)[agent],
            "nps": nps,
            "csat": with_missing(csat, WEEKLY_CSAT_MISSING, rng),
        }
    )


# ---------------------------------------------------------------------------
# Transactions (BG/NBD purchases, Gamma-Gamma spend)

TRANSACTIONS_SEED = 20250601
N_BUYERS = 3_000
ACQUISITION_DAYS = 84  # first purchases over the first twelve weeks of 2025


def make_transactions(rng: np.random.Generator) -> pd.DataFrame:
    """The sample purchase log, one row per purchase, in date order."""
    n = N_BUYERS
    r, alpha, a, b = (PURCHASE_PARAMS[k] for k in ("r", "alpha", "a", "b"))
    p, q, v = (SPEND_PARAMS[k] for k in ("p", "q", "v"))
    start = np.datetime64("2025-01-01")
    end_day = (np.datetime64(TRANSACTIONS_END) - start).astype(np.int64)
    first_day = np.sort(rng.integers(0, ACQUISITION_DAYS, size=n))
    rate = rng.gamma(r, 1.0 / alpha, size=n)  # purchases per week
    drop = rng.beta(a, b, size=n)
    spend_rate = rng.gamma(q, 1.0 / v, size=n)  # nu: mean spend p / nu
    customers: list[int] = []
    days: list[int] = []
    for i in range(n):
        horizon = (end_day + 1 - first_day[i]) / 7.0  # weeks to the end of the data
        customers.append(i)
        days.append(int(first_day[i]))
        elapsed = 0.0
        while True:
            elapsed += rng.exponential(1.0 / rate[i])
            if elapsed >= horizon:
                break
            customers.append(i)
            days.append(int(first_day[i] + np.floor(elapsed * 7.0)))
            if rng.random() < drop[i]:
                break
    who = np.asarray(customers)
    amount = rng.gamma(p, 1.0 / spend_rate[who])
    frame = pd.DataFrame(
        {
            "customer_id": who + 1,
            "date": (start + np.asarray(days)).astype(str),
            "amount": np.round(amount, 2),
        }
    )
    return frame.sort_values(["date", "customer_id"], kind="stable").reset_index(
        drop=True
    )


# ---------------------------------------------------------------------------
# Files


def _subscriptions() -> tuple[pd.DataFrame, pd.DataFrame]:
    return make_subscriptions_and_mrr(np.random.default_rng(SUBSCRIPTIONS_SEED))


SAMPLE_FILES: dict[str, Callable[[], pd.DataFrame]] = {
    "survey.csv": lambda: make_survey(np.random.default_rng(SEED)),
    "tickets.csv": lambda: make_tickets(np.random.default_rng(TICKETS_SEED)),
    "calls.csv": lambda: make_calls(np.random.default_rng(CALLS_SEED)),
    "subscriptions.csv": lambda: _subscriptions()[0],
    "mrr.csv": lambda: _subscriptions()[1],
    "funnel.csv": lambda: make_funnel(np.random.default_rng(FUNNEL_SEED)),
    "transactions.csv": lambda: make_transactions(
        np.random.default_rng(TRANSACTIONS_SEED)
    ),
    "weekly_survey.csv": lambda: make_weekly_survey(np.random.default_rng(WEEKLY_SEED)),
}


def csv_text(frame: pd.DataFrame) -> str:
    """The table as the shipped CSV text: no index, ``\\n`` line ends."""
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.15g")


def main() -> None:
    """Generate every sample file from its fixed seed and write it as CSV."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for name, build in SAMPLE_FILES.items():
        frame = build()
        path = OUTPUT / name
        path.write_text(csv_text(frame), encoding="utf-8", newline="\n")
        print(f"wrote {len(frame):,} rows to {path}")


if __name__ == "__main__":
    main()
