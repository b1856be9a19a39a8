"""One duration rule (DESIGN §10.2): every duration argument takes time spans.

Each duration argument of each public function is called once with numbers
of seconds and once with each time-span form (``datetime.timedelta``,
``pandas.Timedelta``, ``numpy.timedelta64``), one value or an array of them;
the results must be identical. Dates, negative and infinite durations raise
`InputError` naming the function and the argument. And where a plain number
is expected, a ``numpy.timedelta64`` (which numpy counts among its integers)
is refused.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import cxmetrics as cx
from cxmetrics import _seconds

Call = Callable[[Any], Any]

WAITS = [3.0, 40.0, 7.0, 90.0, 0.0, 25.0]
ANSWERED = [0, 1, 0, 1, 1, 1]
ABANDONED = [1, 0, 1, 0, 0, 0]
TALK = [120.0, 300.0, 45.0, 600.0]
DURATIONS = [3600.0, 7200.0, 1800.0, 9000.0]
CALLS = [0.0, 12.0, 48.0, 95.0]
AHT = [240.0, 240.0, 300.0, 180.0]


def _staffing(**changes: Any) -> Any:
    options: dict[str, Any] = {"target_time": 20.0, "interval": 1800.0}
    options.update(changes)
    aht = options.pop("aht", AHT)
    return cx.required_agents(CALLS, aht, target_service_level=0.8, **options)


def _erlang_a(**changes: Any) -> Any:
    options: dict[str, Any] = {"target_time": 20.0, "interval": 1800.0}
    options.update(changes)
    aht = options.pop("aht", 180.0)
    patience = options.pop("patience", 240.0)
    return cx.erlang_a(
        [90.0, 100.0, 110.0, 120.0], aht, 14, patience=patience, **options
    )


class _Value:
    """A number with ``to_dict``, to compare like the result records."""

    def __init__(self, value: float) -> None:
        self.value = value

    def to_dict(self) -> dict[str, float]:
        return {"value": self.value}


def _erlang(**changes: Any) -> Any:
    options: dict[str, Any] = {"target_time": 20.0, "interval": 1800.0}
    options.update(changes)
    aht = options.pop("aht", 180.0)
    return cx.erlang_c([90.0, 100.0, 110.0, 120.0], aht, 14, **options)


#: (case id, seconds, the call with the duration put in, what errors name)
CASES: list[tuple[str, Any, Call, str]] = [
    (
        "abandonment_rate wait_time",
        WAITS,
        lambda v: cx.abandonment_rate(ABANDONED, wait_time=v, short_abandon=5),
        "wait times",
    ),
    (
        "abandonment_rate short_abandon",
        5.0,
        lambda v: cx.abandonment_rate(ABANDONED, wait_time=WAITS, short_abandon=v),
        "short_abandon",
    ),
    (
        "service_level wait_time",
        WAITS,
        lambda v: cx.service_level(v, ANSWERED, threshold=20),
        "wait times",
    ),
    (
        "service_level threshold",
        20.0,
        lambda v: cx.service_level(WAITS, ANSWERED, threshold=v),
        "threshold",
    ),
    (
        "service_level short_abandon",
        5.0,
        lambda v: cx.service_level(
            WAITS, ANSWERED, threshold=20, abandoned="exclude_short", short_abandon=v
        ),
        "short_abandon",
    ),
    (
        "average_speed_of_answer wait_time",
        WAITS,
        lambda v: cx.average_speed_of_answer(v, ANSWERED),
        "wait times",
    ),
    (
        "average_handle_time talk",
        TALK,
        lambda v: cx.average_handle_time(v, hold=10, wrap=[30, 30, 20, 60]),
        "talk times",
    ),
    (
        "average_handle_time hold",
        10.0,
        lambda v: cx.average_handle_time(TALK, hold=v),
        "hold",
    ),
    (
        "average_handle_time wrap",
        [30.0, 30.0, 20.0, 60.0],
        lambda v: cx.average_handle_time(TALK, wrap=v),
        "wrap",
    ),
    (
        "sla_attainment durations",
        DURATIONS,
        lambda v: cx.sla_attainment(v, 7200),
        "durations",
    ),
    (
        "sla_attainment targets",
        [3600.0, 3600.0, 7200.0, 7200.0],
        lambda v: cx.sla_attainment(DURATIONS, v),
        "targets",
    ),
    ("erlang_c aht", 180.0, lambda v: _erlang(aht=v), "aht"),
    ("erlang_c aht per interval", AHT, lambda v: _erlang(aht=v), "aht"),
    ("erlang_c target_time", 20.0, lambda v: _erlang(target_time=v), "target_time"),
    (
        "erlang_c target_time per interval",
        [20.0, 20.0, 30.0, 10.0],
        lambda v: _erlang(target_time=v),
        "target_time",
    ),
    ("erlang_c interval", 1800.0, lambda v: _erlang(interval=v), "interval"),
    (
        "erlang_c interval per interval",
        [1800.0, 1800.0, 900.0, 3600.0],
        lambda v: _erlang(interval=v),
        "interval",
    ),
    ("required_agents aht", AHT, lambda v: _staffing(aht=v), "aht"),
    ("required_agents aht one", 240.0, lambda v: _staffing(aht=v), "aht"),
    (
        "required_agents target_time",
        20.0,
        lambda v: _staffing(target_time=v),
        "target_time",
    ),
    (
        "required_agents interval",
        [1800.0, 1800.0, 900.0, 3600.0],
        lambda v: _staffing(interval=v),
        "interval",
    ),
    (
        "required_agents patience",
        [60.0, 120.0, 300.0, 600.0],
        lambda v: _staffing(patience=v),
        "patience",
    ),
    (
        "required_agents patience one",
        180.0,
        lambda v: _staffing(patience=v),
        "patience",
    ),
    ("erlang_a aht", AHT, lambda v: _erlang_a(aht=v), "aht"),
    ("erlang_a target_time", 20.0, lambda v: _erlang_a(target_time=v), "target_time"),
    ("erlang_a interval", 1800.0, lambda v: _erlang_a(interval=v), "interval"),
    ("erlang_a patience", 300.0, lambda v: _erlang_a(patience=v), "patience"),
    (
        "erlang_a patience per interval",
        [30.0, 300.0, 900.0, 60.0],
        lambda v: _erlang_a(patience=v),
        "patience",
    ),
    (
        "estimate_patience wait_time",
        WAITS,
        lambda v: _Value(cx.estimate_patience(v, ANSWERED)),
        "wait times",
    ),
]


def _timedelta(seconds: Any) -> Any:
    if isinstance(seconds, list):
        return [dt.timedelta(seconds=s) for s in seconds]
    return dt.timedelta(seconds=seconds)


def _pandas(seconds: Any) -> Any:
    if isinstance(seconds, list):
        return pd.Series(pd.to_timedelta(seconds, unit="s"))
    return pd.Timedelta(seconds=seconds)


def _pandas_index(seconds: Any) -> Any:
    if isinstance(seconds, list):
        return pd.to_timedelta(seconds, unit="s")  # a TimedeltaIndex
    return pd.Timedelta(seconds, unit="s")


def _numpy(seconds: Any) -> Any:
    # Milliseconds: a unit other than seconds, to show the unit is read.
    if isinstance(seconds, list):
        return (np.asarray(seconds) * 1000).astype("timedelta64[ms]")
    return np.timedelta64(int(seconds * 1000), "ms")


FORMS = {
    "timedelta": _timedelta,
    "Timedelta": _pandas,
    "TimedeltaIndex": _pandas_index,
    "timedelta64": _numpy,
}


def _plain(result: Any) -> Any:
    return result.to_dict()


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize(
    ("seconds", "call"), [case[1:3] for case in CASES], ids=[c[0] for c in CASES]
)
def test_time_spans_give_what_seconds_give(seconds: Any, call: Call, form: str) -> None:
    expected = _plain(call(seconds))
    assert _plain(call(FORMS[form](seconds))) == expected


def _dates(seconds: Any) -> Any:
    if isinstance(seconds, list):
        return pd.to_datetime(["2025-11-03 08:00"] * len(seconds))
    return pd.Timestamp("2025-11-03 08:00")


def _numpy_dates(seconds: Any) -> Any:
    if isinstance(seconds, list):
        return np.full(len(seconds), np.datetime64("2025-11-03T08:00"))
    return np.datetime64("2025-11-03T08:00")


def _negative(seconds: Any) -> Any:
    if isinstance(seconds, list):
        return [dt.timedelta(seconds=-5), *_timedelta(seconds[1:])]
    return -dt.timedelta(seconds=5)


def _infinite(seconds: Any) -> Any:
    if isinstance(seconds, list):
        return [math.inf, *seconds[1:]]
    return math.inf


#: How to make each bad form, and the words its message may use.
BAD_FORMS = {
    "dates": (_dates, ("dates or times",)),
    "numpy dates": (_numpy_dates, ("dates or times",)),
    "negative": (_negative, ("negative", "positive", "0 or more")),
    "infinite": (_infinite, ("inf",)),
}


@pytest.mark.parametrize("bad", list(BAD_FORMS))
@pytest.mark.parametrize(
    ("seconds", "call", "name"),
    [(c[1], c[2], c[3]) for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_bad_durations_name_the_argument(
    seconds: Any, call: Call, name: str, bad: str
) -> None:
    make, problems = BAD_FORMS[bad]
    with pytest.raises(cx.InputError) as err:
        call(make(seconds))
    message = str(err.value)
    assert name in message
    assert any(problem in message for problem in problems), message


def test_a_missing_time_span_is_missing() -> None:
    waits = pd.Series(pd.to_timedelta([3, None, 40], unit="s"))
    result = cx.service_level(waits, [0, 1, 1], threshold=20)
    assert result.n_missing == 1
    assert result.n == 2


def test_time_spans_mixed_with_numbers_are_refused() -> None:
    with pytest.raises(cx.InputError, match="mix time spans and numbers"):
        cx.service_level([dt.timedelta(seconds=3), 40], [1, 1], threshold=20)


def test_a_not_a_time_duration_is_refused() -> None:
    with pytest.raises(cx.InputError, match="aht must be a finite number"):
        cx.erlang_c(100, np.timedelta64("NaT", "s"), 14, target_time=20)
    with pytest.raises(cx.InputError, match="threshold must be a finite duration"):
        cx.service_level([3], [1], threshold=np.timedelta64("NaT", "s"))


def test_text_and_booleans_are_not_durations() -> None:
    with pytest.raises(cx.InputError, match="aht must be a number"):
        cx.erlang_c(100, True, 14, target_time=20)
    with pytest.raises(cx.InputError, match="aht"):
        cx.erlang_c(100, "3 minutes", 14, target_time=20)
    with pytest.raises(cx.InputError, match="threshold must be a number of seconds"):
        cx.service_level([3], [1], threshold="20s")


def test_duration_values_keeps_the_shape_of_the_argument() -> None:
    assert _seconds.duration_values(np.array(20), func="f", name="x") == 20.0
    spans = _seconds.duration_values(
        np.array([1, 2], dtype="m8[m]"), func="f", name="x"
    )
    np.testing.assert_array_equal(spans, [60.0, 120.0])
    numbers = _seconds.duration_values([1, 2.5], func="f", name="x")
    np.testing.assert_array_equal(numbers, [1.0, 2.5])


# --------------------------------------------------------------------------
# numpy.timedelta64 is a time span, never a plain number

SPAN = np.timedelta64(5, "s")


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: cx.nps([10, 9], confidence=SPAN), "confidence"),
        (lambda: cx.nps([10, 9], ci="bootstrap", rng=SPAN), "rng"),
        (lambda: cx.nps([10, 9], ci="bootstrap", n_resamples=SPAN), "n_resamples"),
        (lambda: cx.csat([5, 4], scale=(1, SPAN)), "scale"),
        (lambda: cx.csat([5, 4], satisfied=[SPAN]), "satisfied"),
        (lambda: cx.csat(np.array([SPAN, SPAN], dtype=object)), "not numbers"),
        (lambda: cx.nps_from_counts(SPAN, 1, 1), "promoters"),
        (
            lambda: cx.resolution_time(
                ["2025-01-06"], ["2025-01-07"], percentiles=SPAN
            ),
            "percentiles",
        ),
        (lambda: cx.funnel({"visit": SPAN, "buy": 1}), "not numbers"),
        (lambda: cx.erlang_c(SPAN, 180, 14, target_time=20), "arrival_rate"),
        (lambda: cx.erlang_c(100, 180, SPAN, target_time=20), "agents"),
        (
            lambda: cx.required_agents(
                100, 180, target_service_level=SPAN, target_time=20
            ),
            "target_service_level",
        ),
        (
            lambda: cx.required_agents(
                100, 180, target_service_level=0.8, target_time=20, shrinkage=SPAN
            ),
            "shrinkage",
        ),
    ],
)
def test_timedelta64_is_not_a_plain_number(call: Callable[[], Any], name: str) -> None:
    with pytest.raises(cx.InputError, match=name):
        call()
