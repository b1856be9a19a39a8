"""Tests of cxmetrics._periods: one set of ``freq=`` aliases for every function.

Each alias is checked against a brute-force definition of its periods
written here with Python dates (the last day of the week, quarter or year
that holds a date), and every function with ``freq=`` is checked to accept
the same aliases and to put the same dates in the same periods.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cxmetrics as cx
from cxmetrics import segments
from cxmetrics._periods import FREQUENCIES, check_freq, period_ordinals
from cxmetrics._timestamps import DAY_NS

quick = settings(max_examples=40, deadline=None, database=None)
MONTHS = (
    "JAN",
    "FEB",
    "MAR",
    "APR",
    "MAY",
    "JUN",
    "JUL",
    "AUG",
    "SEP",
    "OCT",
    "NOV",
    "DEC",
)
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


def last_day_of_period(alias: str, day: dt.date) -> dt.date:
    """The last day of the period that holds ``day``, from the alias' meaning."""
    head, _, anchor = alias.partition("-")
    if head == "D":
        return day
    if head == "W":
        end = WEEKDAYS.index(anchor or "SUN")
        return day + dt.timedelta(days=(end - day.weekday()) % 7)
    months = {"M": 1, "ME": 1, "MS": 1, "Q": 3, "QE": 3, "QS": 3}.get(head, 12)
    if head in ("M", "ME", "MS"):
        last_month = day.month
    else:
        if anchor:
            named = MONTHS.index(anchor) + 1
            # Start anchors name the first month of the period, end anchors
            # the last.
            last_month = named - 1 if head in ("QS", "YS") else named
        else:
            last_month = 12
        last_month = (last_month - 1) % 12 + 1
        # The period's last month: the first month from day.month on that
        # is last_month plus a multiple of the period's length.
        step = 0
        while (day.month + step - last_month) % months != 0:
            step += 1
        last_month = day.month + step
    year = day.year + (last_month - 1) // 12
    month = (last_month - 1) % 12 + 1
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


DAYS = [
    dt.date(2024, 2, 29),
    dt.date(2024, 12, 31),
    dt.date(2025, 1, 1),
    dt.date(2025, 1, 31),
    dt.date(2025, 3, 30),
    dt.date(2025, 6, 15),
    dt.date(2025, 7, 1),
    dt.date(2025, 9, 30),
    dt.date(2025, 11, 2),
]


@pytest.mark.parametrize("alias", FREQUENCIES)
def test_every_alias_puts_days_in_the_periods_its_name_says(alias):
    pfreq = check_freq("f", alias)
    walls = np.array(
        [(day - dt.date(1970, 1, 1)).days * DAY_NS for day in DAYS], dtype=np.int64
    )
    ordinals = period_ordinals(walls, pfreq)
    for day, ordinal in zip(DAYS, ordinals, strict=True):
        period = pd.Period(ordinal=int(ordinal), freq=pfreq)
        assert period.end_time.date() == last_day_of_period(alias, day), (alias, day)


@pytest.mark.parametrize(
    ("aliases", "period"),
    [
        (("M", "ME", "MS"), "M"),
        (("Q", "QE", "QS", "Q-DEC", "QE-DEC", "QS-JAN"), "Q"),
        (("Y", "YE", "YS", "A", "Y-DEC", "YE-DEC", "A-DEC", "YS-JAN"), "Y"),
        (("W", "W-SUN"), "W"),
        (("QS-FEB", "Q-JAN", "QE-JAN"), "Q-JAN"),
        (("YS-JUL", "Y-JUN", "A-JUN"), "Y-JUN"),
    ],
)
def test_spellings_of_one_period(aliases, period):
    assert {check_freq("f", alias) for alias in aliases} == {period}


def test_the_accepted_aliases():
    assert len(FREQUENCIES) == len(set(FREQUENCIES)) == 2 + 7 + 3 + 3 + 36 + 4 + 48
    for alias in ("D", "W", "W-MON", "M", "ME", "MS", "Q", "QE", "Y", "YE", "A"):
        assert alias in FREQUENCIES
    assert segments.FREQUENCIES == FREQUENCIES


@pytest.mark.parametrize(
    "freq", ["H", "min", "m", "d", "W-MONDAY", "Q-13", "2M", 5, None]
)
def test_unknown_aliases_list_the_accepted_ones(freq):
    with pytest.raises(cx.InputError) as info:
        check_freq("f", freq)
    assert str(info.value) == (
        f"f: freq={freq!r} is not a period frequency; use 'D' (days), 'W' or "
        "'W-MON' ... 'W-SUN' (weeks ending on that day), 'M', 'ME' or 'MS' (months), "
        "'Q', 'QE' or 'QS' (quarters; 'Q-JAN' ... 'Q-DEC' end in that month, "
        "'QS-JAN' ... 'QS-DEC' start in it), or 'Y', 'YE', 'YS' or 'A' (years, "
        "anchored the same way)"
    )


@quick
@given(
    st.lists(
        st.datetimes(
            min_value=dt.datetime(1700, 1, 1), max_value=dt.datetime(2250, 1, 1)
        ),
        min_size=1,
        max_size=30,
    ),
    st.sampled_from(["D", "W", "W-WED", "M", "Q", "Q-MAR", "QS-FEB", "Y", "YS-JUL"]),
)
def test_ordinals_equal_pandas_one_by_one(moments, alias):
    # Both the table path (dates close together) and the sparse path (far
    # apart) give each timestamp its pandas Period.
    pfreq = check_freq("f", alias)
    walls = np.array([pd.Timestamp(m).value for m in moments], dtype=np.int64)
    expected = [pd.Period(m, freq=pfreq).ordinal for m in moments]
    assert period_ordinals(walls, pfreq).tolist() == expected


# ---------------------------------------------------------------------------
# Every function with freq= takes the same aliases and the same periods


DATES = ["2024-12-30", "2025-01-31", "2025-02-01", "2025-05-15", "2025-11-30"]


@pytest.mark.parametrize(
    "alias", ["D", "W-MON", "ME", "MS", "QS", "QE-JAN", "YE", "A", "YS-JUL"]
)
def test_every_function_accepts_the_alias_and_agrees_on_the_periods(alias):
    frame = pd.DataFrame({"when": DATES, "score": [10, 9, 0, 7, 10]})
    trend = cx.over_time(frame, cx.nps, column="score", time="when", freq=alias)
    flows = cx.customer_flows(DATES, [None] * 5, freq=alias)
    cohorts = cx.cohort_retention(list("abcde"), DATES, freq=alias)
    moves = cx.mrr_movements(list("abcde"), DATES, [1.0] * 5, freq=alias)
    # One period per day, by the brute-force definition, for every function.
    pfreq = check_freq("f", alias)
    expected = {
        pd.Period(last_day_of_period(alias, dt.date.fromisoformat(d)), freq=pfreq)
        for d in DATES
    }
    assert set(trend.index[trend["n"] > 0]) == expected
    assert set(flows.index[flows["new"] > 0]) == expected
    assert set(cohorts.sizes.index) == expected
    assert set(moves.index[moves["ending"] > 0]) == expected
    assert trend.index.equals(flows.index.rename("period"))
    assert moves.index.equals(flows.index)
    assert cohorts.freq == pfreq


def test_unknown_alias_is_refused_by_every_function():
    frame = pd.DataFrame({"when": DATES, "score": [10, 9, 0, 7, 10]})
    calls = {
        "over_time": lambda: cx.over_time(
            frame, cx.nps, column="score", time="when", freq="fortnight"
        ),
        "customer_flows": lambda: cx.customer_flows(
            DATES, [None] * 5, freq="fortnight"
        ),
        "cohort_retention": lambda: cx.cohort_retention(
            list("abcde"), DATES, freq="fortnight"
        ),
        "mrr_movements": lambda: cx.mrr_movements(
            list("abcde"), DATES, [1.0] * 5, freq="fortnight"
        ),
    }
    for func, call in calls.items():
        with pytest.raises(
            cx.InputError,
            match="^"
            + re.escape(f"{func}: freq='fortnight' is not a period frequency"),
        ):
            call()


# ---------------------------------------------------------------------------
# Periods of aware timestamps: their own zone's wall clock


def test_periods_follow_the_values_own_zone():
    # 23:30 on 31 January in New York is 04:30 on 1 February UTC.
    new_york = pd.Series(
        pd.to_datetime(["2025-01-31 23:30"]).tz_localize("America/New_York")
    )
    frame = pd.DataFrame({"when": new_york, "score": [10]})
    assert cx.over_time(frame, cx.nps, column="score", time="when").index.tolist() == [
        pd.Period("2025-01", "M")
    ]
    assert cx.customer_flows(new_york, [None]).index.tolist() == [
        pd.Period("2025-01", "M")
    ]
    # The same instant as text with its offset: the offset is the zone.
    text = ["2025-01-31T23:30-05:00"]
    assert cx.customer_flows(text, [None]).index.tolist() == [pd.Period("2025-01", "M")]
    # In UTC it is February.
    utc = new_york.dt.tz_convert("UTC")
    assert cx.customer_flows(utc, [None]).index.tolist() == [pd.Period("2025-02", "M")]


def test_mixed_offsets_take_periods_in_utc():
    # 00:30 at +01:00 is 23:30 UTC the day before; the +02:00 one is the
    # same day in UTC too.
    texts = ["2025-03-01T00:30+01:00", "2025-04-01T01:30+02:00"]
    flows = cx.customer_flows(texts, [None, None])
    assert flows.index.tolist() == [
        pd.Period("2025-02", "M"),
        pd.Period("2025-03", "M"),
    ]
    frame = pd.DataFrame({"when": texts, "score": [10, 0]})
    trend = cx.over_time(frame, cx.nps, column="score", time="when")
    assert trend.index.equals(flows.index)
