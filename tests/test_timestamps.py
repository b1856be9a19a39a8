"""Tests of cxmetrics._timestamps: the one rule for timestamps, in every function.

References independent of cxmetrics: dateutil's ISO 8601 parser and pandas'
general parser (``pd.Timestamp``) on the same strings, UTC instants worked
out by hand from the written offsets, Python's zoneinfo for wall clocks, and
the functions themselves called on the same instants given as pandas
datetimes (the rule must not depend on the form of the input).
"""

from __future__ import annotations

import datetime as dt
import warnings
import zoneinfo

import numpy as np
import pandas as pd
import pytest
from dateutil import parser as dateutil_parser
from hypothesis import given, settings
from hypothesis import strategies as st
from test_business_hours import raises

import cxmetrics as cx
from cxmetrics._timestamps import (
    EARLIEST,
    LATEST,
    check_same_awareness,
    to_index,
    to_timestamps,
    wall_clock,
    zone_of_parts,
)

UTC = dt.timezone.utc
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
quick = settings(max_examples=60, deadline=None, database=None)


def epoch_ns(moment: dt.datetime) -> int:
    """Nanoseconds since 1970-01-01 00:00 (UTC for aware, the wall for naive)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    delta = moment - dt.datetime(1970, 1, 1)
    return (delta.days * 86_400 + delta.seconds) * 10**9 + delta.microseconds * 1000


# ---------------------------------------------------------------------------
# Reading strings: the same instants as dateutil and pandas


NAIVE_TEXTS = [
    "2025-01-06",
    "2025-01-06 09:30",
    "2025-01-06T09:30:15",
    "2025-01-06T09:30:15.250",
    "2025-12-31T23:59:59.999999",
    "1999-02-28T00:00",
]
AWARE_TEXTS = [
    "2025-03-29T10:00+01:00",
    "2025-03-31T10:00+02:00",
    "2025-01-06T09:30:00Z",
    "2025-01-06T09:30:00-05:00",
    "2025-01-06T09:30:00.5+05:30",
    "2025-10-26T02:30:00+01:00",
]


@pytest.mark.parametrize("text", NAIVE_TEXTS + AWARE_TEXTS)
def test_strings_read_as_dateutil_and_pandas_read_them(text):
    stamps = to_timestamps([text], func="f", name="x")
    by_dateutil = dateutil_parser.isoparse(text)
    assert stamps.aware is (by_dateutil.tzinfo is not None)
    assert stamps.ns[0] == epoch_ns(by_dateutil)
    by_pandas = pd.Timestamp(text)
    if by_pandas.tzinfo is not None:
        by_pandas = by_pandas.tz_convert("UTC")
    assert stamps.ns[0] == by_pandas.as_unit("ns").value


def test_offsets_across_a_clock_change_are_instants_in_utc():
    # Berlin's summer time began on 30 March 2025 at 02:00 local (01:00 UTC).
    texts = ["2025-03-29T10:00+01:00", "2025-03-31T10:00+02:00", "null", ""]
    stamps = to_timestamps(texts, func="f", name="x")
    # 10:00 at +01:00 is 09:00 UTC; 10:00 at +02:00 is 08:00 UTC.
    expected = [
        epoch_ns(dt.datetime(2025, 3, 29, 9, tzinfo=UTC)),
        epoch_ns(dt.datetime(2025, 3, 31, 8, tzinfo=UTC)),
    ]
    assert stamps.ns[:2].tolist() == expected
    assert stamps.missing.tolist() == [False, False, True, True]
    assert stamps.n_missing == 2
    assert stamps.aware is True
    # Mixed offsets: periods are taken in UTC.
    assert stamps.zone == UTC
    # The same instants as pandas reads them with utc=True.
    assert (
        stamps.ns[:2].tolist()
        == pd.to_datetime(texts[:2], utc=True).as_unit("ns").asi8.tolist()
    )


def test_one_offset_is_the_values_own_zone():
    stamps = to_timestamps(
        ["2025-01-31T23:30-05:00", "2025-02-01T08:00-05:00"], func="f", name="x"
    )
    assert stamps.zone.utcoffset(None) == dt.timedelta(hours=-5)
    # On their own clock the first is 31 January; in UTC it is 1 February.
    walls = wall_clock(stamps, stamps.zone)
    assert walls[0] == epoch_ns(dt.datetime(2025, 1, 31, 23, 30))
    assert stamps.ns[0] == epoch_ns(dt.datetime(2025, 2, 1, 4, 30))


def test_the_offset_spellings_of_one_offset_are_one_zone():
    stamps = to_timestamps(
        ["2025-01-06T09:00+0100", "2025-01-06T10:00+01:00", "2025-01-06T11:00+01"],
        func="f",
        name="x",
    )
    assert stamps.zone.utcoffset(None) == dt.timedelta(hours=1)


def test_zulu_and_plus_zero_are_both_utc():
    stamps = to_timestamps(
        ["2025-01-06T09:00Z", "2025-01-06T10:00+00:00"], func="f", name="x"
    )
    assert stamps.zone.utcoffset(None) == dt.timedelta(0)


@quick
@given(
    st.lists(
        st.tuples(
            st.datetimes(
                min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2060, 1, 1)
            ),
            st.integers(min_value=-14 * 4, max_value=14 * 4),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_any_offsets_give_the_hand_computed_instants(pairs):
    texts, expected = [], []
    for wall, quarters in pairs:
        offset = dt.timedelta(minutes=15 * quarters)
        sign = "-" if quarters < 0 else "+"
        minutes = abs(quarters) * 15
        texts.append(
            f"{wall.isoformat(timespec='microseconds')}{sign}"
            f"{minutes // 60:02d}:{minutes % 60:02d}"
        )
        expected.append(epoch_ns(wall - offset))
    stamps = to_timestamps(texts, func="f", name="x")
    assert stamps.ns.tolist() == expected
    offsets = {q for _, q in pairs}
    if len(offsets) == 1:
        assert stamps.zone.utcoffset(None) == dt.timedelta(minutes=15 * offsets.pop())
    else:
        assert stamps.zone == UTC


# ---------------------------------------------------------------------------
# Other forms


def test_datetimes_in_a_named_zone_keep_it():
    moments = [
        dt.datetime(2025, 3, 29, 10, tzinfo=BERLIN),
        dt.datetime(2025, 3, 31, 10, tzinfo=BERLIN),
    ]
    stamps = to_timestamps(moments, func="f", name="x")
    assert stamps.zone is BERLIN
    assert stamps.ns.tolist() == [epoch_ns(m) for m in moments]
    walls = wall_clock(stamps, stamps.zone)
    assert walls.tolist() == [epoch_ns(m.replace(tzinfo=None)) for m in moments]


def test_datetimes_in_different_zones_are_read_in_utc():
    moments = [
        dt.datetime(2025, 1, 6, 10, tzinfo=BERLIN),
        dt.datetime(2025, 1, 6, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo")),
    ]
    stamps = to_timestamps(moments, func="f", name="x")
    assert stamps.zone == UTC
    assert stamps.ns.tolist() == [epoch_ns(m) for m in moments]


def test_aware_series_keep_their_zone_and_round_trip():
    series = pd.Series(
        pd.date_range("2025-03-29 10:00", periods=3, freq="D", tz=BERLIN)
    )
    stamps = to_timestamps(series, func="f", name="x")
    assert str(stamps.zone) == "Europe/Berlin"
    back = to_index(stamps)
    assert back.equals(pd.DatetimeIndex(series))


def test_periods_are_read_as_their_start():
    periods = pd.PeriodIndex(["2025-01", "2025-02", None], freq="M")
    stamps = to_timestamps(periods, func="f", name="x")
    assert stamps.ns[:2].tolist() == [
        epoch_ns(dt.datetime(2025, 1, 1)),
        epoch_ns(dt.datetime(2025, 2, 1)),
    ]
    assert stamps.missing.tolist() == [False, False, True]


@pytest.mark.parametrize(
    "values",
    [
        [np.nan, np.nan],
        np.array([np.nan, np.nan]),
        pd.Series([np.nan, np.nan]),
        pd.Series([None, None], dtype="Float64"),
        ["", "null"],
        [None, pd.NaT],
    ],
    ids=["nan list", "nan array", "nan Series", "Float64 NA", "blank text", "None NaT"],
)
def test_nothing_but_missing_values_is_all_missing(values):
    stamps = to_timestamps(values, func="f", name="x")
    assert stamps.missing.tolist() == [True, True]
    assert stamps.n_missing == 2
    assert stamps.aware is None


def test_numbers_with_a_nan_are_still_numbers():
    raises(
        lambda: to_timestamps([np.nan, 1.5], func="f", name="x"),
        "f: x must be timestamps; got numbers such as nan, 1.5",
    )


def test_the_fast_path_makes_no_mask():
    stamps = to_timestamps(
        pd.Series(pd.date_range("2025-01-01", periods=5)), func="f", name="x"
    )
    assert stamps.n_missing == 0
    assert not stamps.missing.any()
    assert stamps.missing.strides == (0,)  # a view of one False
    with_nat = to_timestamps(
        pd.Series([pd.Timestamp("2025-01-01"), pd.NaT]), func="f", name="x"
    )
    assert with_nat.missing.tolist() == [False, True]
    assert with_nat.ns.tolist() == [epoch_ns(dt.datetime(2025, 1, 1)), 0]


# ---------------------------------------------------------------------------
# Refusals: naive with aware, unreadable values, the range


def test_naive_and_aware_in_one_argument_says_so_everywhere():
    values = ["2025-01-06T10:00+01:00", "2025-01-07"]
    message = (
        "mixes 1 time-zone aware timestamps ('2025-01-06T10:00+01:00') with 1 naive "
        "ones ('2025-01-07'); give all of them a time zone or none"
    )
    frame = pd.DataFrame({"t": values, "s": [10, 9]})
    calls = {
        "elapsed: start": lambda: cx.elapsed(values, ["2025-01-08"] * 2),
        "customer_flows: start_dates": lambda: cx.customer_flows(values, [None] * 2),
        "cohort_retention: activity_dates": lambda: cx.cohort_retention(
            ["a", "b"], values
        ),
        "mrr_movements: periods": lambda: cx.mrr_movements(["a", "b"], values, [1, 2]),
        "over_time: time column 't'": lambda: cx.over_time(
            frame, cx.nps, column="s", time="t"
        ),
    }
    for prefix, call in calls.items():
        raises(call, f"{prefix} {message}")


def test_unreadable_values_are_named_and_no_warning_leaks():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(cx.InputError) as info:
            cx.customer_flows(["2025-01-06", "2025-13-45", "soon"], [None] * 3)
    message = str(info.value)
    assert message == (
        "customer_flows: 2 of 3 strings in start_dates are not ISO 8601 timestamps "
        "('2025-13-45', 'soon')"
    )
    assert "Warning" not in message


def test_words_for_the_clock_are_not_timestamps():
    """pandas reads "now" and "today" as the time of the call; the rule refuses."""
    with pytest.raises(cx.InputError) as info:
        cx.customer_flows(["2025-01-06", "now", "today"], [None] * 3)
    assert str(info.value) == (
        "customer_flows: 2 of 3 strings in start_dates are not ISO 8601 timestamps "
        "('now', 'today')"
    )


def test_mixed_zones_message_has_no_pandas_text():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = cx.cohort_retention(
            ["a", "a"], ["2025-01-06T10:00+01:00", "2025-04-06T10:00+02:00"]
        )
    assert result.counts.index.tolist() == [pd.Period("2025-01", "M")]


def test_supported_range_edges():
    first = dt.datetime.combine(EARLIEST, dt.time())
    last = dt.datetime.combine(LATEST, dt.time(23, 59, 59))
    stamps = to_timestamps([first.isoformat(), last.isoformat()], func="f", name="x")
    assert stamps.ns.tolist() == [epoch_ns(first), epoch_ns(last)]
    raises(
        lambda: to_timestamps(
            [(first - dt.timedelta(seconds=1)).isoformat()], func="f", name="x"
        ),
        "f: 1 of 1 values in x are outside the supported range 1677-09-26 to "
        "2262-04-06 ('1677-09-25 23:59:59')",
    )
    raises(
        lambda: to_timestamps(
            [dt.datetime.combine(LATEST, dt.time()) + dt.timedelta(days=1)],
            func="f",
            name="x",
        ),
        "f: 1 of 1 values in x are outside the supported range 1677-09-26 to "
        "2262-04-06 ('2262-04-07 00:00:00')",
    )


def test_timestamps_near_1677_in_a_zone_are_refused_not_overflowed():
    cal = cx.BusinessCalendar(tz="Europe/Berlin")
    raises(
        lambda: cx.elapsed(["1677-09-22"], ["1677-09-23"], calendar=cal),
        "elapsed: 1 of 1 values in start are outside the supported range 1677-09-26 "
        "to 2262-04-06 ('1677-09-22 00:00:00')",
    )
    # At the first supported day the clock works, in every zone.
    for zone in ("Europe/Berlin", "Pacific/Kiritimati", "Pacific/Pago_Pago"):
        hours = cx.elapsed(
            ["1677-09-26T00:00Z"],
            ["1677-09-27T00:00Z"],
            calendar=cx.BusinessCalendar(hours="00:00-24:00", days="Mon-Sun", tz=zone),
        )
        assert hours.tolist() == [24.0]


# ---------------------------------------------------------------------------
# Arguments together


def test_naive_argument_with_an_aware_one_raises():
    naive = to_timestamps(["2025-01-06"], func="f", name="starts")
    aware = to_timestamps(["2025-01-06T00:00Z"], func="f", name="ends")
    blank = to_timestamps([None], func="f", name="blank")
    assert check_same_awareness("f", aware, blank) is True
    assert check_same_awareness("f", naive, blank) is False
    raises(
        lambda: check_same_awareness("f", naive, aware),
        "f: ends is time-zone aware but starts is naive; give both a time zone or "
        "neither",
    )


def test_zone_of_an_argument_read_in_parts():
    plus_one = dt.timezone(dt.timedelta(hours=1))
    assert zone_of_parts("f", "x", [(None, None), (False, None)]) is None
    assert zone_of_parts("f", "x", [(True, plus_one), (True, plus_one)]) == plus_one
    two = dt.timezone(dt.timedelta(hours=2))
    assert zone_of_parts("f", "x", [(True, plus_one), (True, two)]) == UTC
    raises(
        lambda: zone_of_parts("f", "x", [(True, plus_one), (False, None)]),
        "f: x mixes time-zone aware timestamps with naive ones; give all of them a "
        "time zone or none",
    )


def test_every_form_gives_every_function_the_same_answer():
    # The same instants as text with offsets, as datetimes and as a UTC
    # Series: elapsed, customer_flows and over_time agree on each form.
    texts = ["2025-03-29T23:30+01:00", "2025-03-31T00:30+02:00"]
    instants = pd.to_datetime(texts, utc=True)
    forms = {
        "text": texts,
        "datetimes": [t.to_pydatetime() for t in instants],
        "utc series": pd.Series(instants),
    }
    ends = ["2025-04-02T00:00Z", None]
    answers = []
    for form in forms.values():
        frame = pd.DataFrame({"t": form, "s": [10, 0]})
        answers.append(
            (
                cx.elapsed(form, ["2025-04-01T00:00Z"] * 2).tolist(),
                cx.customer_flows(form, ends, freq="D")["new"].to_dict(),
                cx.over_time(frame, cx.nps, column="s", time="t", freq="D")[
                    "n"
                ].to_dict(),
            )
        )
    assert answers[0] == answers[1] == answers[2]
    # In UTC: 22:30 on 29 March and 22:30 on 30 March.
    assert list(answers[0][1]) == [
        pd.Period("2025-03-29", "D"),
        pd.Period("2025-03-30", "D"),
        pd.Period("2025-03-31", "D"),
        pd.Period("2025-04-01", "D"),
        pd.Period("2025-04-02", "D"),
    ]
    assert answers[0][0] == [49.5, 25.5]


def test_an_empty_text_array_is_empty():
    stamps = to_timestamps(np.array([], dtype=str), func="f", name="x")
    assert (stamps.size, stamps.aware) == (0, None)


def test_a_week_date_that_does_not_exist_is_refused_as_a_week_date():
    raises(
        lambda: to_timestamps(["2025-W60-1"], func="f", name="x"),
        "f: 1 of 1 strings in x are ISO week dates ('2025-W60-1'); week dates are "
        "not supported: give calendar dates, in the form YYYY-MM-DD",
    )


def test_zones_from_other_libraries_compare_by_what_they_are():
    from dateutil import tz

    plus_one = tz.tzoffset(None, 3600)
    moments = [dt.datetime(2025, 1, 6, 9, tzinfo=plus_one)] * 2
    stamps = to_timestamps(moments, func="f", name="x")
    assert stamps.zone is plus_one
    walls = wall_clock(stamps, stamps.zone)
    assert walls[0] == epoch_ns(dt.datetime(2025, 1, 6, 9))
    other = [moments[0], dt.datetime(2025, 1, 6, 9, tzinfo=tz.tzoffset(None, 7200))]
    assert to_timestamps(other, func="f", name="x").zone == UTC
