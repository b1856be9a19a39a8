"""Tests of cxmetrics.service: fcr_rate, reopen_rate, abandonment_rate,
service_level, average_speed_of_answer, average_handle_time, sla_attainment.

Every expected value comes from outside cxmetrics: counts and arithmetic
written out in the test, statsmodels (``proportion_confint``,
``DescrStatsW``), scipy.stats, or a brute-force loop over the calls.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

import cxmetrics as cx

#: cxmetrics' proportion methods and statsmodels' names for them.
STATSMODELS_METHODS = {
    "wilson": "wilson",
    "agresti_coull": "agresti_coull",
    "clopper_pearson": "beta",
    "jeffreys": "jeffreys",
    "wald": "normal",
}
RATE_CHOICES = "'wilson', 'agresti_coull', 'clopper_pearson', 'jeffreys', 'wald', None"

quick = settings(max_examples=100, deadline=None, database=None)


def exact(message: str) -> str:
    """A regex that matches exactly ``message``."""
    return "^" + re.escape(message) + "$"


def assert_interval(result, successes, n, method="wilson", confidence=0.95):
    low, high = proportion_confint(
        successes, n, alpha=1 - confidence, method=STATSMODELS_METHODS[method]
    )
    assert (result.ci.low, result.ci.high) == pytest.approx((low, high), rel=1e-12)
    assert (result.ci.level, result.ci.method) == (confidence, method)


# ---------------------------------------------------------------------------
# The ten calls used throughout, against a 20-second target
#
#  call  wait  answered   <= 20 s?   abandoned before 5 s?
#     1     5  yes        yes
#     2    12  yes        yes
#     3    20  yes        yes (exactly at the target: counts)
#     4    21  yes        no
#     5    45  yes        no
#     6     3  no                    yes (short abandon)
#     7    60  yes        no
#     8    25  no                    no
#     9     8  yes        yes
#    10    50  no                    no
#
# answered 7 (calls 1-5, 7, 9), of which 4 within 20 s (1, 2, 3, 9);
# abandoned 3 (6, 8, 10), of which 1 short (6) and 2 after 5 s or more (8, 10).

WAIT = [5, 12, 20, 21, 45, 3, 60, 25, 8, 50]
ANSWERED = [True, True, True, True, True, False, True, False, True, False]
ABANDONED = [not a for a in ANSWERED]


def test_service_level_three_variants_side_by_side():
    include = cx.service_level(WAIT, ANSWERED, threshold=20)
    exclude = cx.service_level(WAIT, ANSWERED, threshold=20, abandoned="exclude")
    short = cx.service_level(
        WAIT, ANSWERED, threshold=20, abandoned="exclude_short", short_abandon=5
    )
    # include: 4 / (7 answered + 3 abandoned) = 4 / 10
    assert (include.successes, include.n, include.value) == (4, 10, 0.4)
    # exclude: 4 / 7 answered
    assert (exclude.successes, exclude.n) == (4, 7)
    assert exclude.value == pytest.approx(4 / 7)
    # exclude_short: 4 / (7 answered + 2 abandoned after 5 s or more) = 4 / 9
    assert (short.successes, short.n) == (4, 9)
    assert short.value == pytest.approx(4 / 9)
    assert include.value <= short.value <= exclude.value
    assert include.label == "Service level"
    assert exclude.label == "Service level (abandons excluded)"
    assert short.label == "Service level (abandons under 5 s excluded)"
    for result, n in ((include, 10), (exclude, 7), (short, 9)):
        assert result.n_missing == 0
        assert result.effective_n == n
        assert result.total_weight == n
        assert_interval(result, 4, n)
    assert str(include) == "Service level 40.0% (95% CI 16.8% to 68.7%, Wilson), n=10"


def test_service_level_short_abandon_equal_to_the_threshold():
    # ICMI formula 4: abandons within the threshold do not count.
    # Abandoned waits 3, 25, 50: only 3 is under 20 s -> 4 / (7 + 2)
    result = cx.service_level(
        WAIT, ANSWERED, threshold=20, abandoned="exclude_short", short_abandon=20
    )
    assert (result.successes, result.n) == (4, 9)


def test_service_level_counts_a_wait_equal_to_the_threshold():
    # waits 19, 20, 21, all answered: <= 20 holds for two of three
    result = cx.service_level([19, 20, 21], [1, 1, 1], threshold=20)
    assert (result.successes, result.n) == (2, 3)
    # with a 19.999 s target only the 19 s call is within
    assert cx.service_level([19, 20, 21], [1, 1, 1], threshold=19.999).successes == 1


def test_service_level_an_abandoned_call_within_the_threshold_is_a_miss():
    # one call answered at 10 s, one abandoned at 10 s; target 20 s
    # include: 1 / 2; the abandoned call never counts as a success
    result = cx.service_level([10, 10], [True, False], threshold=20)
    assert (result.successes, result.n) == (1, 2)


@pytest.mark.parametrize("method", list(STATSMODELS_METHODS))
def test_service_level_every_interval_method_equals_statsmodels(method):
    result = cx.service_level(WAIT, ANSWERED, threshold=20, ci=method, confidence=0.9)
    assert_interval(result, 4, 10, method=method, confidence=0.9)


def test_service_level_without_an_interval():
    result = cx.service_level(WAIT, ANSWERED, threshold=20, ci=None)
    assert result.ci is None
    assert result.value == 0.4


@pytest.mark.parametrize(
    "convert",
    [
        lambda w: pd.to_timedelta(w, unit="s"),
        lambda w: pd.Series(pd.to_timedelta(w, unit="s")),
        lambda w: np.array(w, dtype="timedelta64[s]"),
        lambda w: np.array(w, dtype="timedelta64[ms]") * 1000,
        lambda w: [dt.timedelta(seconds=s) for s in w],
        lambda w: [pd.Timedelta(seconds=s) for s in w],
        lambda w: np.array(w, dtype=np.int32),
        lambda w: pd.Series(w, dtype="Int64"),
    ],
    ids=[
        "TimedeltaIndex",
        "Series",
        "timedelta64[s]",
        "timedelta64[ms]",
        "datetime.timedelta",
        "pd.Timedelta",
        "int32",
        "Int64",
    ],
)
def test_waits_as_time_spans_or_numbers_give_the_same_answer(convert):
    wait = convert(WAIT)
    result = cx.service_level(wait, ANSWERED, threshold=20)
    assert (result.successes, result.n) == (4, 10)
    asa = cx.average_speed_of_answer(wait, ANSWERED)
    assert asa.value == pytest.approx(171 / 7)


@pytest.mark.parametrize(
    "threshold",
    [
        20,
        20.0,
        np.int64(20),
        dt.timedelta(seconds=20),
        pd.Timedelta("20s"),
        np.timedelta64(20_000, "ms"),
    ],
)
def test_threshold_as_a_number_or_a_time_span(threshold):
    result = cx.service_level(WAIT, ANSWERED, threshold=threshold)
    assert result.successes == 4


def test_flags_as_zero_one_numbers_or_pandas_booleans():
    as_numbers = [int(a) for a in ANSWERED]
    nullable = pd.Series(ANSWERED, dtype="boolean")
    for flags in (as_numbers, np.array(ANSWERED), nullable, pd.Series(as_numbers)):
        result = cx.service_level(WAIT, flags, threshold=20)
        assert (result.successes, result.n) == (4, 10)


# ---------------------------------------------------------------------------
# Abandonment


def test_abandonment_rate_of_the_ten_calls():
    # abandoned: calls 6, 8 and 10 -> 3 of 10
    result = cx.abandonment_rate(ABANDONED)
    assert (result.successes, result.n, result.value) == (3, 10, 0.3)
    assert result.label == "Abandonment rate"
    assert_interval(result, 3, 10)


def test_abandonment_rate_without_short_abandons():
    # call 6 abandoned after 3 s < 5 s: it leaves numerator and denominator
    # -> (3 - 1) / (10 - 1) = 2 / 9
    result = cx.abandonment_rate(ABANDONED, wait_time=WAIT, short_abandon=5)
    assert (result.successes, result.n) == (2, 9)
    assert result.value == pytest.approx(2 / 9)
    assert result.label == "Abandonment rate (short abandons under 5 s excluded)"
    assert_interval(result, 2, 9)
    # the short abandons removed: offered - n - n_missing = 10 - 9 - 0
    assert len(WAIT) - result.n - result.n_missing == 1


def test_short_abandon_is_strictly_less_than_the_limit():
    # abandoned waits 3, 25, 50; limit 3: 3 < 3 is false -> nothing excluded
    result = cx.abandonment_rate(ABANDONED, wait_time=WAIT, short_abandon=3)
    assert (result.successes, result.n) == (3, 10)
    assert result.label == "Abandonment rate (short abandons under 3 s excluded)"
    # limit 25.5: 3 and 25 are short -> 1 / 8
    result = cx.abandonment_rate(ABANDONED, wait_time=WAIT, short_abandon=25.5)
    assert (result.successes, result.n) == (1, 8)


def test_short_abandon_as_a_time_span():
    result = cx.abandonment_rate(
        ABANDONED,
        wait_time=pd.to_timedelta(WAIT, unit="s"),
        short_abandon=dt.timedelta(seconds=5),
    )
    assert (result.successes, result.n) == (2, 9)


def test_an_answered_call_is_never_a_short_abandon():
    # two answered calls after 1 s and one abandoned after 1 s, limit 5:
    # only the abandoned one leaves -> 0 / 2
    result = cx.abandonment_rate([0, 0, 1], wait_time=[1, 1, 1], short_abandon=5)
    assert (result.successes, result.n) == (0, 2)


def test_wait_time_alone_changes_nothing():
    result = cx.abandonment_rate(ABANDONED, wait_time=WAIT)
    assert (result.successes, result.n, result.label) == (3, 10, "Abandonment rate")


def test_abandonment_results_of_two_halves_merge_into_the_whole():
    whole = cx.abandonment_rate(ABANDONED, wait_time=WAIT, short_abandon=5)
    first = cx.abandonment_rate(ABANDONED[:5], wait_time=WAIT[:5], short_abandon=5)
    second = cx.abandonment_rate(ABANDONED[5:], wait_time=WAIT[5:], short_abandon=5)
    merged = first.merge(second)
    assert (merged.successes, merged.n) == (whole.successes, whole.n)
    assert merged.value == pytest.approx(whole.value)


# ---------------------------------------------------------------------------
# Average speed of answer


ANSWERED_WAITS = [5, 12, 20, 21, 45, 60, 8]  # calls 1-5, 7, 9


def test_asa_of_the_ten_calls_by_hand():
    # (5 + 12 + 20 + 21 + 45 + 60 + 8) / 7 = 171 / 7 = 24.43 s
    result = cx.average_speed_of_answer(WAIT, ANSWERED)
    assert result.value == pytest.approx(171 / 7)
    assert result.n == 7
    assert result.label == "ASA"
    assert str(result) == "ASA 24.43 (95% CI 5.47 to 43.39, Student t), n=7"


def test_asa_equals_scipy_t_interval():
    x = np.array(ANSWERED_WAITS, dtype=float)
    low, high = stats.t.interval(0.9, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    result = cx.average_speed_of_answer(WAIT, ANSWERED, confidence=0.9)
    assert result.std == pytest.approx(np.std(x, ddof=1))
    assert (result.ci.low, result.ci.high) == pytest.approx((low, high), rel=1e-12)
    assert (result.ci.level, result.ci.method) == (0.9, "t")


def test_weighted_asa_equals_descrstatsw_with_weights_summing_to_n_eff():
    w = np.array([1.0, 2.0, 0.5, 1.0, 3.0, 9.0, 1.0, 4.0, 2.0, 0.5])
    answered = np.array(ANSWERED)
    x = np.array(WAIT, dtype=float)[answered]
    wa = w[answered]
    n_eff = wa.sum() ** 2 / (wa**2).sum()
    reference = DescrStatsW(x, weights=wa * n_eff / wa.sum(), ddof=1)
    result = cx.average_speed_of_answer(WAIT, ANSWERED, weights=w)
    assert result.value == pytest.approx(np.average(x, weights=wa))
    assert result.std == pytest.approx(reference.std)
    assert result.effective_n == pytest.approx(n_eff)
    assert result.total_weight == pytest.approx(wa.sum())
    assert (result.ci.low, result.ci.high) == pytest.approx(
        reference.tconfint_mean(alpha=0.05), rel=1e-12
    )


def test_asa_ignores_the_wait_of_abandoned_calls_even_when_missing():
    wait = [10.0, np.nan, 30.0]
    result = cx.average_speed_of_answer(wait, [1, 0, 1], nan_policy="raise")
    # (10 + 30) / 2 = 20; the abandoned call's missing wait is not needed
    assert (result.value, result.n, result.n_missing) == (20.0, 2, 0)


def test_asa_of_one_call_has_no_interval():
    result = cx.average_speed_of_answer([12], [True])
    assert result.value == 12.0
    assert math.isnan(result.std)
    assert math.isnan(result.ci.low)
    assert math.isnan(result.ci.high)


def test_asa_without_an_interval():
    assert cx.average_speed_of_answer(WAIT, ANSWERED, ci=None).ci is None


# ---------------------------------------------------------------------------
# Average handle time


def test_aht_by_hand():
    # contact  talk  hold  wrap  handle
    #       1   240     0    30     270
    #       2   300    60    30     390
    #       3   180     0    30     210
    #       4   420    30    30     480
    # AHT = (270 + 390 + 210 + 480) / 4 = 1350 / 4 = 337.5 s
    result = cx.average_handle_time([240, 300, 180, 420], [0, 60, 0, 30], 30)
    assert result.value == 337.5
    assert (result.n, result.label) == (4, "AHT")
    x = np.array([270.0, 390.0, 210.0, 480.0])
    low, high = stats.t.interval(0.95, 3, loc=x.mean(), scale=stats.sem(x))
    assert (result.ci.low, result.ci.high) == pytest.approx((low, high), rel=1e-12)
    assert result.std == pytest.approx(np.std(x, ddof=1))


def test_aht_defaults_to_talk_only():
    result = cx.average_handle_time([100, 200, 300])
    assert result.value == 200.0


def test_aht_accepts_time_spans_and_scalar_time_spans():
    talk = pd.to_timedelta([240, 300, 180, 420], unit="s")
    hold = [dt.timedelta(seconds=s) for s in (0, 60, 0, 30)]
    result = cx.average_handle_time(talk, hold, pd.Timedelta("30s"))
    assert result.value == 337.5


def test_weighted_aht_equals_descrstatsw():
    talk = np.array([240.0, 300.0, 180.0, 420.0, 200.0])
    w = np.array([1.0, 3.0, 0.5, 2.0, 1.5])
    n_eff = w.sum() ** 2 / (w**2).sum()
    reference = DescrStatsW(talk + 15, weights=w * n_eff / w.sum(), ddof=1)
    result = cx.average_handle_time(talk, wrap=15, weights=w)
    assert result.value == pytest.approx(reference.mean)
    assert (result.ci.low, result.ci.high) == pytest.approx(
        reference.tconfint_mean(alpha=0.05), rel=1e-12
    )


def test_aht_a_missing_part_makes_the_contact_missing():
    # contact 2 has no hold time: (270 + 210) / 2 = 240
    result = cx.average_handle_time([240, 300, 180], [0, None, 0], 30)
    assert (result.value, result.n, result.n_missing) == (240.0, 2, 1)


# ---------------------------------------------------------------------------
# FCR and reopens


def test_fcr_of_ten_tickets_by_hand():
    # contacts: 1 2 1 1 3 1 4 1 2 1 -> six tickets took one contact
    contacts = [1, 2, 1, 1, 3, 1, 4, 1, 2, 1]
    result = cx.fcr_rate(contacts)
    assert (result.successes, result.n, result.value) == (6, 10, 0.6)
    assert result.label == "FCR"
    assert_interval(result, 6, 10)


@pytest.mark.parametrize(
    "flags",
    [
        [True, False, True, True, False, True, False, True, False, True],
        np.array([True, False, True, True, False, True, False, True, False, True]),
        pd.Series([True, False, True, True, False, True, False, True, False, True]),
    ],
    ids=["list", "numpy", "pandas"],
)
def test_fcr_from_first_contact_flags(flags):
    # six True of ten
    result = cx.fcr_rate(flags)
    assert (result.successes, result.n, result.value) == (6, 10, 0.6)


def test_fcr_flags_with_missing_values():
    # True, False, <NA>, True -> 2 of 3, one missing
    for flags in (
        pd.Series([True, False, None, True], dtype="boolean"),
        [True, False, None, True],
        np.array([True, False, None, True], dtype=object),
    ):
        result = cx.fcr_rate(flags)
        assert (result.successes, result.n, result.n_missing) == (2, 3, 1)


@pytest.mark.parametrize("dtype", [np.int64, np.int8, np.uint16])
def test_fcr_counts_as_numpy_integers(dtype):
    # 1 3 1 2 1 -> three first-contact resolutions of five
    result = cx.fcr_rate(np.array([1, 3, 1, 2, 1], dtype=dtype))
    assert (result.successes, result.n) == (3, 5)


def test_fcr_counts_from_pandas_and_floats():
    for contacts in (pd.Series([1, 2, None, 1], dtype="Int64"), [1.0, 2.0, np.nan, 1]):
        result = cx.fcr_rate(contacts)
        assert (result.successes, result.n, result.n_missing) == (2, 3, 1)


def test_reopen_rate_by_hand():
    # reopens: 0 1 0 0 2 0 0 3 0 0 -> tickets 2, 5 and 8 reopened: 3 of 10
    result = cx.reopen_rate([0, 1, 0, 0, 2, 0, 0, 3, 0, 0])
    assert (result.successes, result.n, result.value) == (3, 10, 0.3)
    assert result.label == "Reopen rate"
    assert_interval(result, 3, 10)
    flags = cx.reopen_rate([False, True, False, False, True] + [False] * 5)
    assert (flags.successes, flags.n) == (2, 10)


def test_weighted_fcr_by_hand_and_interval_on_the_effective_n():
    # weights 1, 3, 2, 2 on contacts 1, 2, 1, 3: first-contact weight 1 + 2 = 3
    # of 8 -> 0.375; n_eff = 8^2 / (1 + 9 + 4 + 4) = 64 / 18
    result = cx.fcr_rate([1, 2, 1, 3], weights=[1, 3, 2, 2])
    assert result.value == 0.375
    assert (result.successes, result.total_weight) == (3.0, 8.0)
    assert result.effective_n == pytest.approx(64 / 18)
    n_eff = 64 / 18
    low, high = proportion_confint(0.375 * n_eff, n_eff, method="wilson")
    assert (result.ci.low, result.ci.high) == pytest.approx((low, high), rel=1e-12)


# ---------------------------------------------------------------------------
# SLA attainment


def test_sla_attainment_per_item_targets_by_hand():
    # item  hours  target  met?
    #    1    1.5       4   yes
    #    2    5.0       4   no
    #    3    7.9       8   yes
    #    4    8.0       8   yes (exactly on target)
    #    5   30.0      24   no
    #    6   20.0      24   yes
    # met 4 of 6
    hours = [1.5, 5.0, 7.9, 8.0, 30.0, 20.0]
    targets = [4, 4, 8, 8, 24, 24]
    result = cx.sla_attainment(hours, targets)
    assert (result.successes, result.n, result.n_pending) == (4, 6, 0)
    assert result.label == "SLA attainment"
    assert_interval(result, 4, 6)


def test_sla_attainment_with_pending_items():
    # item  age/duration  target  open?  outcome
    #    1           1.5       4  no     met
    #    2           3.0       4  no     met
    #    3           4.0       4  no     met (on target)
    #    4           6.5       4  no     missed
    #    5           5.0       4  yes    breached already: a miss
    #    6           1.0       4  yes    undecided: pending
    #    7           4.0       4  yes    undecided: may still close on time
    # decided 5 (items 1-5), met 3 -> 3 / 5; pending 2
    hours = [1.5, 3.0, 4.0, 6.5, 5.0, 1.0, 4.0]
    pending = [False, False, False, False, True, True, True]
    result = cx.sla_attainment(hours, 4, pending=pending)
    assert (result.successes, result.n, result.n_pending) == (3, 5, 2)
    assert result.value == 0.6
    assert_interval(result, 3, 5)
    assert str(result).endswith("n=5, 2 pending")


def test_sla_attainment_time_spans_against_a_number_of_seconds():
    durations = pd.to_timedelta(["30min", "2h", "3h59min", "4h01min"])
    result = cx.sla_attainment(durations, 4 * 3600)
    # 30 min, 2 h, 3 h 59 min are within 4 h; 4 h 01 min is not -> 3 / 4
    assert (result.successes, result.n) == (3, 4)
    assert cx.sla_attainment(durations, pd.Timedelta("4h")).successes == 3


def test_sla_attainment_missing_targets_and_pending_flags_are_missing():
    result = cx.sla_attainment([1, 2, 3, 4], [2, None, 2, 2], pending=[0, 0, None, 0])
    # items 2 and 3 are missing; items 1 (1 <= 2) met, 4 (4 > 2) missed
    assert (result.successes, result.n, result.n_missing) == (1, 2, 2)


def test_weighted_sla_attainment_counts_pending_items_not_weights():
    result = cx.sla_attainment([1, 5, 1], 4, pending=[0, 0, 1], weights=[2.0, 1.0, 5.0])
    # decided: item 1 (met, weight 2) and item 2 (missed, weight 1) -> 2 / 3
    assert result.value == pytest.approx(2 / 3)
    assert (result.n, result.n_pending, result.total_weight) == (2, 1, 3.0)


# ---------------------------------------------------------------------------
# nan_policy


def test_service_level_missing_values_and_which_waits_are_needed():
    # call  wait  answered
    #    1     5  yes        within
    #    2   NaN  yes        missing: an answered call needs its wait
    #    3   NaN  no         an abandoned call's wait is needed only to spot
    #                        short abandons
    #    4    30  yes        not within
    #    5    10  <NA>       missing: no flag
    wait = [5, np.nan, np.nan, 30, 10]
    answered = pd.Series([True, True, False, True, None], dtype="boolean")
    include = cx.service_level(wait, answered, threshold=20)
    assert (include.successes, include.n, include.n_missing) == (1, 3, 2)
    short = cx.service_level(
        wait, answered, threshold=20, abandoned="exclude_short", short_abandon=5
    )
    assert (short.successes, short.n, short.n_missing) == (1, 2, 3)


def test_abandonment_missing_wait_matters_only_for_abandoned_calls():
    # abandoned 0, 1, 1, 0 with waits 4, NaN, 2, NaN; limit 5
    # call 2 (abandoned, no wait) is missing; call 4 (answered) is not;
    # call 3 is a short abandon -> 0 / 2
    result = cx.abandonment_rate(
        [0, 1, 1, 0], wait_time=[4, np.nan, 2, np.nan], short_abandon=5
    )
    assert (result.successes, result.n, result.n_missing) == (0, 2, 1)


CASES_WITH_MISSING = {
    "fcr_rate": (lambda **kw: cx.fcr_rate([1, None, 2, 1], **kw), "tickets", 1, 4),
    "reopen_rate": (lambda **kw: cx.reopen_rate([0, 1, None], **kw), "tickets", 1, 3),
    "abandonment_rate": (
        lambda **kw: cx.abandonment_rate([1, None, 0], **kw),
        "calls",
        1,
        3,
    ),
    "service_level": (
        lambda **kw: cx.service_level([5, None, 30], [1, 1, 1], threshold=20, **kw),
        "calls",
        1,
        3,
    ),
    "average_speed_of_answer": (
        lambda **kw: cx.average_speed_of_answer([5, 6, 9], [1, None, 1], **kw),
        "calls",
        1,
        3,
    ),
    "average_handle_time": (
        lambda **kw: cx.average_handle_time([5, None, 9], **kw),
        "contacts",
        1,
        3,
    ),
    "sla_attainment": (
        lambda **kw: cx.sla_attainment([5, None, 9], 6, **kw),
        "items",
        1,
        3,
    ),
}


@pytest.mark.parametrize("func", list(CASES_WITH_MISSING))
def test_nan_policy_omit_counts_the_missing(func):
    call, _, missing, _ = CASES_WITH_MISSING[func]
    result = call()
    assert result.n_missing == missing
    assert not math.isnan(result.value)


@pytest.mark.parametrize("func", list(CASES_WITH_MISSING))
def test_nan_policy_raise_names_the_count(func):
    call, noun, missing, total = CASES_WITH_MISSING[func]
    with pytest.raises(
        cx.InputError,
        match=exact(
            f"{func}: {missing} of {total} {noun} are missing and nan_policy='raise'"
        ),
    ):
        call(nan_policy="raise")


@pytest.mark.parametrize("func", list(CASES_WITH_MISSING))
def test_nan_policy_propagate_gives_nan(func):
    call, _, missing, _ = CASES_WITH_MISSING[func]
    result = call(nan_policy="propagate")
    assert math.isnan(result.value)
    assert math.isnan(result.ci.low)
    assert math.isnan(result.ci.high)
    assert result.n_missing == missing


@pytest.mark.parametrize("func", list(CASES_WITH_MISSING))
def test_unknown_nan_policy(func):
    call = CASES_WITH_MISSING[func][0]
    with pytest.raises(
        cx.InputError,
        match=exact(
            f"{func}: nan_policy='skip' is not one of 'omit', 'raise', 'propagate'"
        ),
    ):
        call(nan_policy="skip")


def test_propagate_with_everything_missing_gives_nan():
    result = cx.fcr_rate([None, None], nan_policy="propagate")
    assert math.isnan(result.value)
    assert (result.n, result.n_missing) == (0, 2)
    asa = cx.average_speed_of_answer([np.nan], [1], nan_policy="propagate")
    assert math.isnan(asa.value)
    assert asa.n == 0


def test_missing_time_spans_are_missing():
    wait = pd.to_timedelta([5, None, 30], unit="s")
    result = cx.service_level(wait, [1, 1, 1], threshold=20)
    assert (result.successes, result.n, result.n_missing) == (1, 2, 1)
    listed = [dt.timedelta(seconds=5), None, pd.NaT, dt.timedelta(seconds=30)]
    result = cx.service_level(listed, [1, 1, 1, 1], threshold=20)
    assert (result.successes, result.n, result.n_missing) == (1, 2, 2)


# ---------------------------------------------------------------------------
# Bad input: exact messages


def raises(call, message):
    with pytest.raises(cx.InputError, match=exact(message)) as info:
        call()
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: cx.fcr_rate([1, 0, 2, 1.5, -1, 1]),
            "fcr_rate: 3 of 6 contact counts are not whole numbers of 1 or more "
            "(0, 1.5, -1)",
        ),
        (
            lambda: cx.fcr_rate(np.array([1, 0, 1])),
            "fcr_rate: 1 of 3 contact counts are not whole numbers of 1 or more (0)",
        ),
        (
            lambda: cx.fcr_rate([1, math.inf]),
            "fcr_rate: 1 of 2 contact counts are not whole numbers of 1 or more (inf)",
        ),
        (lambda: cx.fcr_rate([]), "fcr_rate: contacts_to_resolve is empty"),
        (
            lambda: cx.fcr_rate(["one", "two"]),
            "fcr_rate: contact counts must be numbers; got text such as 'one', 'two'",
        ),
        (
            lambda: cx.fcr_rate(np.array([1, True, 2], dtype=object)),
            "fcr_rate: 1 of 3 contact counts are booleans (True); contact counts "
            "must be numbers",
        ),
        (
            lambda: cx.fcr_rate([None, np.nan]),
            "fcr_rate: no valid tickets: all 2 are missing",
        ),
        (
            lambda: cx.reopen_rate([0, -1, 0.5, 2]),
            "reopen_rate: 2 of 4 reopen counts are not whole numbers of 0 or more "
            "(-1, 0.5)",
        ),
        (lambda: cx.reopen_rate(np.array([])), "reopen_rate: reopens is empty"),
        (
            lambda: cx.abandonment_rate([0, 1, 2, 0.5]),
            "abandonment_rate: 2 of 4 abandoned flags are not booleans or 0/1 (2, 0.5)",
        ),
        (
            lambda: cx.abandonment_rate([0, 1], short_abandon=5),
            "abandonment_rate: short_abandon needs wait_time, the seconds each call "
            "waited, to tell short abandons from the others",
        ),
        (
            lambda: cx.abandonment_rate([0, 1], wait_time=[1, 2, 3]),
            "abandonment_rate: wait_time has 3 values but abandoned has 2; they "
            "must align one to one",
        ),
        (
            lambda: cx.abandonment_rate([0, 1], wait_time=[1, -2], short_abandon=5),
            "abandonment_rate: 1 of 2 wait times are negative (-2)",
        ),
        (
            lambda: cx.abandonment_rate([0, 1], wait_time=[1, 2], short_abandon=-5),
            "abandonment_rate: short_abandon must not be negative; got -5",
        ),
        (
            lambda: cx.abandonment_rate([1, 1], wait_time=[1, 2], short_abandon=5),
            "abandonment_rate: every one of the 2 calls is a short abandon "
            "(abandoned before 5 s); no call is left to rate",
        ),
        (lambda: cx.abandonment_rate([]), "abandonment_rate: abandoned is empty"),
        (
            lambda: cx.service_level([1, 2, 3], [1, 1], threshold=20),
            "service_level: answered has 2 values but wait_time has 3; they must "
            "align one to one",
        ),
        (
            lambda: cx.service_level([], [], threshold=20),
            "service_level: wait_time is empty",
        ),
        (
            lambda: cx.service_level([5, -3, -1.5, 2], [1, 1, 0, 1], threshold=20),
            "service_level: 2 of 4 wait times are negative (-3, -1.5)",
        ),
        (
            lambda: cx.service_level(
                pd.to_timedelta([5, -3], unit="s"), [1, 1], threshold=20
            ),
            "service_level: 1 of 2 wait times are negative (-3)",
        ),
        (
            lambda: cx.service_level([5, math.inf], [1, 1], threshold=20),
            "service_level: 1 of 2 wait times are infinite (inf)",
        ),
        (
            lambda: cx.service_level([5, 6], [1, 2], threshold=20),
            "service_level: 1 of 2 answered flags are not booleans or 0/1 (2)",
        ),
        (
            lambda: cx.service_level([5, 6], [1, 1], threshold=-20),
            "service_level: threshold must not be negative; got -20",
        ),
        (
            lambda: cx.service_level([5, 6], [1, 1], threshold=math.nan),
            "service_level: threshold must be a finite duration; got nan",
        ),
        (
            lambda: cx.service_level([5, 6], [1, 1], threshold="20s"),
            "service_level: threshold must be a number of seconds or a time span; "
            "got '20s'",
        ),
        (
            lambda: cx.service_level([5, 6], [1, 1], threshold=True),
            "service_level: threshold must be a number of seconds or a time span; "
            "got True",
        ),
        (
            lambda: cx.service_level([5, 6], [1, 1], threshold=20, abandoned="drop"),
            "service_level: abandoned='drop' is not one of 'include', 'exclude', "
            "'exclude_short'",
        ),
        (
            lambda: cx.service_level(
                [5, 6], [1, 1], threshold=20, abandoned="exclude_short"
            ),
            "service_level: abandoned='exclude_short' needs short_abandon, the "
            "seconds under which an abandoned call does not count",
        ),
        (
            lambda: cx.service_level([5, 6], [1, 1], threshold=20, short_abandon=5),
            "service_level: short_abandon is used only with "
            "abandoned='exclude_short'; got abandoned='include'",
        ),
        (
            lambda: cx.service_level([5, 6], [0, 0], threshold=20, abandoned="exclude"),
            "service_level: none of the 2 calls was answered, and "
            "abandoned='exclude' counts answered calls only",
        ),
        (
            lambda: cx.service_level(
                [1, 2], [0, 0], threshold=20, abandoned="exclude_short", short_abandon=5
            ),
            "service_level: every one of the 2 calls is a short abandon "
            "(abandoned before 5 s); no call is left to rate",
        ),
        (
            lambda: cx.service_level(
                pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:01"]),
                [1, 1],
                threshold=20,
            ),
            "service_level: wait times must be numbers of seconds or time spans; got "
            "dates or times such as 2026-01-05 09:00:00, 2026-01-05 09:01:00 "
            "(subtract the start times first)",
        ),
        (
            lambda: cx.service_level(
                np.array(["2026-01-05T09:00"], dtype="datetime64[m]"),
                [1],
                threshold=20,
            ),
            "service_level: wait times must be numbers of seconds or time spans; got "
            "dates or times such as 2026-01-05 09:00:00 (subtract the start times "
            "first)",
        ),
        (
            lambda: cx.service_level(
                [dt.datetime(2026, 1, 5, 9), None], [1, 1], threshold=20
            ),
            "service_level: wait times must be numbers of seconds or time spans; got "
            "dates or times such as 2026-01-05 09:00:00 (subtract the start times "
            "first)",
        ),
        (
            lambda: cx.service_level(
                [dt.timedelta(seconds=5), 3], [1, 1], threshold=20
            ),
            "service_level: wait times mix time spans and numbers; give all of them "
            "as time spans or all as numbers of seconds",
        ),
        (
            lambda: cx.service_level([True, False], [1, 1], threshold=20),
            "service_level: wait times must be numbers; got booleans",
        ),
        (
            lambda: cx.service_level([5, 6], [1, 1], threshold=20, ci="exact"),
            f"service_level: ci='exact' is not one of {RATE_CHOICES}",
        ),
        (
            lambda: cx.service_level([5, 6], [1, 1], threshold=20, confidence=95),
            "service_level: confidence must be between 0 and 1 (exclusive); got 95",
        ),
        (
            lambda: cx.service_level([5, 6], [1, 1], threshold=20, weights=[1]),
            "service_level: weights has 1 values but there are 2 calls; they must "
            "align one to one",
        ),
        (
            lambda: cx.service_level([5, 6], [1, 1], threshold=20, weights=[1, -1]),
            "service_level: 1 of 2 weights are negative (-1)",
        ),
        (
            lambda: cx.service_level(
                [5, 6, 7],
                [1, 0, 0],
                threshold=20,
                abandoned="exclude",
                weights=[0, 1, 1],
            ),
            "service_level: weights of the calls counted are all zero",
        ),
        (
            lambda: cx.average_speed_of_answer([5, 6], [0, 0]),
            "average_speed_of_answer: none of the 2 calls was answered; ASA is the "
            "mean wait of answered calls",
        ),
        (
            lambda: cx.average_speed_of_answer([5, 6], [1]),
            "average_speed_of_answer: answered has 1 values but wait_time has 2; "
            "they must align one to one",
        ),
        (
            lambda: cx.average_speed_of_answer([5, -6], [1, 1]),
            "average_speed_of_answer: 1 of 2 wait times are negative (-6)",
        ),
        (
            lambda: cx.average_speed_of_answer([5, 6], [1, 1], ci="wilson"),
            "average_speed_of_answer: ci='wilson' is not one of 't', None",
        ),
        (
            lambda: cx.average_speed_of_answer([5, 6], [1, 0], weights=[0, 1]),
            "average_speed_of_answer: weights of the answered calls are all zero",
        ),
        (
            lambda: cx.average_handle_time([240, 300], hold=[10]),
            "average_handle_time: hold has 1 values but talk has 2; they must align "
            "one to one",
        ),
        (
            lambda: cx.average_handle_time([240, 300], wrap=[10, 20, 30]),
            "average_handle_time: wrap has 3 values but talk has 2; they must align "
            "one to one",
        ),
        (
            lambda: cx.average_handle_time([240, 300], hold=[10, -5]),
            "average_handle_time: 1 of 2 hold times are negative (-5)",
        ),
        (
            lambda: cx.average_handle_time([240, 300], wrap=-5),
            "average_handle_time: wrap must not be negative; got -5",
        ),
        (
            lambda: cx.average_handle_time([-240, 300]),
            "average_handle_time: 1 of 2 talk times are negative (-240)",
        ),
        (lambda: cx.average_handle_time([]), "average_handle_time: talk is empty"),
        (
            lambda: cx.average_handle_time(300),
            "average_handle_time: talk times must be a one-dimensional array-like "
            "of numbers; got a single int",
        ),
        (
            lambda: cx.average_handle_time([300], hold=None),
            "average_handle_time: hold must be a number of seconds or a time span; "
            "got None",
        ),
        (
            lambda: cx.average_handle_time([[1, 2], [3, 4]]),
            "average_handle_time: talk times must be one-dimensional; got shape (2, 2)",
        ),
        (
            lambda: cx.sla_attainment([1, 2], [3, 4, 5]),
            "sla_attainment: targets has 3 values but durations has 2; they must "
            "align one to one",
        ),
        (
            lambda: cx.sla_attainment([1, 2], 3, pending=[True]),
            "sla_attainment: pending has 1 values but durations has 2; they must "
            "align one to one",
        ),
        (
            lambda: cx.sla_attainment([1, 2], 3, pending=[0, 2]),
            "sla_attainment: 1 of 2 pending flags are not booleans or 0/1 (2)",
        ),
        (
            lambda: cx.sla_attainment([1, -2], 3),
            "sla_attainment: 1 of 2 durations are negative (-2)",
        ),
        (
            lambda: cx.sla_attainment([1, 2], [3, -4]),
            "sla_attainment: 1 of 2 targets are negative (-4)",
        ),
        (
            lambda: cx.sla_attainment([1, 2], -3),
            "sla_attainment: targets must not be negative; got -3",
        ),
        (
            lambda: cx.sla_attainment([1, 2], 3, pending=[1, 1]),
            "sla_attainment: all 2 items are pending (open and within their "
            "targets); none has met or missed its SLA yet",
        ),
        (lambda: cx.sla_attainment([], 3), "sla_attainment: durations is empty"),
    ],
)
def test_bad_input(call, message):
    raises(call, message)


def test_ragged_input():
    with pytest.raises(
        cx.InputError,
        match=r"^service_level: wait times could not be read as a one-dimensional",
    ):
        cx.service_level([[1, 2], [3]], [1, 1], threshold=20)


# ---------------------------------------------------------------------------
# Properties (hypothesis)


@st.composite
def calls(draw, min_size=1):
    n = draw(st.integers(min_size, 40))
    wait = draw(st.lists(st.integers(0, 120), min_size=n, max_size=n))
    answered = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return wait, answered


def service_level_by_loop(wait, answered, threshold, abandoned, short=0):
    """Brute-force oracle: walk the calls one by one."""
    hits = counted = 0
    for t, a in zip(wait, answered, strict=True):
        if a:
            counted += 1
            hits += t <= threshold
        elif abandoned == "include" or (abandoned == "exclude_short" and t >= short):
            counted += 1
    return hits, counted


@quick
@given(calls(), st.integers(0, 120), st.integers(0, 120))
def test_service_level_variants_match_a_loop_and_are_ordered(data, threshold, short):
    wait, answered = data
    values = {}
    for variant in ("include", "exclude", "exclude_short"):
        hits, counted = service_level_by_loop(wait, answered, threshold, variant, short)
        kwargs = {"short_abandon": short} if variant == "exclude_short" else {}
        if counted == 0:
            with pytest.raises(cx.InputError):
                cx.service_level(
                    wait, answered, threshold=threshold, abandoned=variant, **kwargs
                )
            continue
        result = cx.service_level(
            wait, answered, threshold=threshold, abandoned=variant, **kwargs
        )
        assert (result.successes, result.n) == (hits, counted)
        assert 0.0 <= result.value <= 1.0
        assert result.ci.low <= result.value <= result.ci.high
        values[variant] = result.value
    if "exclude" in values:
        assert values["exclude"] >= values["include"]
        assert values["exclude"] >= values.get("exclude_short", 0.0)
    if "exclude_short" in values:
        assert values["exclude_short"] >= values["include"]


@quick
@given(calls(min_size=2), st.randoms(use_true_random=False))
def test_permutation_invariance(data, random):
    wait, answered = data
    order = list(range(len(wait)))
    random.shuffle(order)
    shuffled_wait = [wait[i] for i in order]
    shuffled_answered = [answered[i] for i in order]
    a = cx.service_level(wait, answered, threshold=30)
    b = cx.service_level(shuffled_wait, shuffled_answered, threshold=30)
    assert (a.successes, a.n) == (b.successes, b.n)
    abandoned = [not x for x in answered]
    a = cx.abandonment_rate(abandoned, wait_time=wait)
    b = cx.abandonment_rate([abandoned[i] for i in order], wait_time=shuffled_wait)
    assert (a.successes, a.n) == (b.successes, b.n)
    if any(answered):
        asa_a = cx.average_speed_of_answer(wait, answered)
        asa_b = cx.average_speed_of_answer(shuffled_wait, shuffled_answered)
        assert asa_a.value == pytest.approx(asa_b.value)
        assert asa_a.n == asa_b.n


@quick
@given(st.lists(st.integers(1, 6), min_size=1, max_size=50))
def test_fcr_is_the_share_of_ones_and_counts_equal_flags(contacts):
    result = cx.fcr_rate(contacts)
    ones = sum(c == 1 for c in contacts)
    assert (result.successes, result.n) == (ones, len(contacts))
    assert 0.0 <= result.value <= 1.0
    flags = cx.fcr_rate([c == 1 for c in contacts])
    assert (flags.value, flags.ci) == (result.value, result.ci)


@quick
@given(
    st.lists(st.integers(0, 5), min_size=1, max_size=40).flatmap(
        lambda r: st.tuples(
            st.just(r),
            st.lists(st.floats(0.05, 20.0), min_size=len(r), max_size=len(r)),
        )
    )
)
def test_reopen_rate_weights_of_one_equal_unweighted(data):
    reopens, weights = data
    plain = cx.reopen_rate(reopens)
    ones = cx.reopen_rate(reopens, weights=[1.0] * len(reopens))
    assert ones.value == pytest.approx(plain.value)
    assert (ones.ci.low, ones.ci.high) == pytest.approx((plain.ci.low, plain.ci.high))
    weighted = cx.reopen_rate(reopens, weights=weights)
    expected = sum(w for r, w in zip(reopens, weights, strict=True) if r >= 1) / sum(
        weights
    )
    assert weighted.value == pytest.approx(expected)
    assert 0.0 <= weighted.value <= 1.0


@quick
@given(
    st.lists(
        st.tuples(st.integers(0, 900), st.integers(0, 120), st.integers(0, 60)),
        min_size=1,
        max_size=40,
    )
)
def test_aht_is_the_mean_of_the_sums(parts):
    talk, hold, wrap = (list(p) for p in zip(*parts, strict=True))
    result = cx.average_handle_time(talk, hold, wrap)
    totals = [t + h + w for t, h, w in parts]
    assert result.value == pytest.approx(sum(totals) / len(totals))
    assert min(totals) <= result.value <= max(totals)


@quick
@given(
    st.lists(
        st.tuples(st.integers(0, 50), st.integers(0, 50), st.booleans()),
        min_size=1,
        max_size=40,
    )
)
def test_sla_attainment_matches_a_loop(items):
    durations, targets, pending = (list(p) for p in zip(*items, strict=True))
    met = decided = waiting = 0
    for d, t, p in items:
        if p and d <= t:
            waiting += 1
        else:
            decided += 1
            met += (not p) and d <= t
    if decided == 0:
        with pytest.raises(cx.InputError):
            cx.sla_attainment(durations, targets, pending=pending)
        return
    result = cx.sla_attainment(durations, targets, pending=pending)
    assert (result.successes, result.n, result.n_pending) == (met, decided, waiting)
    assert 0.0 <= result.value <= 1.0


# ---------------------------------------------------------------------------
# Less common input kinds


def test_object_series_of_time_spans_and_of_flags():
    wait = pd.Series(
        [pd.Timedelta(seconds=5), None, dt.timedelta(seconds=30)], dtype=object
    )
    result = cx.service_level(wait, [1, 1, 1], threshold=20)
    assert (result.successes, result.n, result.n_missing) == (1, 2, 1)
    flags = pd.Series([True, None, False], dtype=object)
    result = cx.fcr_rate(flags)
    assert (result.successes, result.n, result.n_missing) == (1, 2, 1)


def test_all_missing_waits_are_missing_not_time_spans():
    # an answered call without a wait is missing; the abandoned one counts
    result = cx.service_level([None, None], [1, 0], threshold=20)
    assert (result.successes, result.n, result.n_missing) == (0, 1, 1)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: cx.service_level(
                np.array([1, "a"], dtype=object), [1, 1], threshold=20
            ),
            "service_level: 1 of 2 wait times are not numbers ('a')",
        ),
        (
            lambda: cx.service_level(
                np.array([[1, None]], dtype=object), [1, 1], threshold=20
            ),
            "service_level: wait times must be one-dimensional; got shape (1, 2)",
        ),
        (
            lambda: cx.fcr_rate(pd.Series([1.0, 0.0]).astype("category")),
            "fcr_rate: 1 of 2 contact counts are not whole numbers of 1 or more (0)",
        ),
    ],
)
def test_other_bad_kinds(call, message):
    raises(call, message)


def test_ragged_contact_counts():
    with pytest.raises(
        cx.InputError,
        match=r"^fcr_rate: contact counts could not be read as a one-dimensional",
    ):
        cx.fcr_rate([[1, 2], [1]])


# ---------------------------------------------------------------------------
# The row rules that the segment plans share


def test_call_rules_mark_missing_counted_and_successful_rows():
    from cxmetrics import service

    # Calls: answered with a wait, answered without one, abandoned without a
    # wait, flag missing, abandoned after 3 s.
    calls = service._read_answered(
        "f", [10, None, None, 4, 3], [True, True, False, None, False]
    )
    np.testing.assert_array_equal(calls.flag, [True, True, False, False, False])
    # Only an answered call needs its wait ...
    missing = service._answered_missing(calls, every_wait=False)
    np.testing.assert_array_equal(missing, [False, True, False, True, False])
    # ... unless short abandons are spotted, when every call needs it.
    missing = service._answered_missing(calls, every_wait=True)
    np.testing.assert_array_equal(missing, [False, True, True, True, False])
    # Within 5 s: none answered; "exclude" counts answered calls only, a
    # 2-second short-abandon limit counts the answered and those waiting 2 s+.
    wait = np.array([10.0, np.nan, np.nan, 4.0, 3.0])
    for abandoned, limit, counted in [
        ("include", None, None),
        ("exclude", None, [True, True, False, False, False]),
        ("exclude_short", 2.0, [True, True, False, True, True]),
    ]:
        within, got = service._within_and_counted(
            calls.flag, wait, target=5.0, abandoned=abandoned, limit=limit
        )
        np.testing.assert_array_equal(within, [False] * 5)
        if counted is None:
            assert got is None
        else:
            np.testing.assert_array_equal(got, counted)


def test_abandon_rules_need_the_wait_of_abandoned_calls_only():
    from cxmetrics import service

    calls = service._read_abandoned("f", [1, 0, 1, None], [None, None, 2, 9])
    assert service._abandoned_missing(calls, None) is calls.flag_missing
    np.testing.assert_array_equal(
        service._abandoned_missing(calls, 5.0), [True, False, False, True]
    )
    np.testing.assert_array_equal(
        service._short_abandons(calls.flag, calls.wait, 5.0),
        [False, False, True, False],
    )
    no_wait = service._read_abandoned("f", [0, 1], None)
    assert service._abandoned_missing(no_wait, None) is None


def test_sla_rules_leave_open_items_within_target_undecided():
    from cxmetrics import service

    # Targets of 4: closed met, closed missed, open breached, open within.
    items = service._read_items("f", [1, 6, 5, 2], 4, [0, 0, 1, 1])
    success, counted, undecided = service._sla_outcomes(
        items.taken, items.goal, items.is_open
    )
    np.testing.assert_array_equal(success, [True, False, False, False])
    np.testing.assert_array_equal(counted, [True, True, True, False])
    np.testing.assert_array_equal(undecided, [False, False, False, True])
    closed = service._read_items("f", [1, 6], [4, 4], None)
    success, counted, undecided = service._sla_outcomes(
        closed.taken, closed.goal, closed.is_open
    )
    np.testing.assert_array_equal(success, [True, False])
    assert counted is None
    assert undecided is None


def test_service_level_variants_do_not_merge() -> None:
    waits, answered = [5.0, 30.0, 2.0], [True, True, False]
    include = cx.service_level(waits, answered, threshold=20)
    exclude = cx.service_level(waits, answered, threshold=20, abandoned="exclude")
    with pytest.raises(
        cx.InputError, match="merge only when they measure the same thing"
    ):
        include.merge(exclude)
    assert include.merge(include).n == 6


# ---------------------------------------------------------------------------
# One-touch resolution: added through the statistics kernel alone


TOUCHES = [1, 1, 2, 1, 3, 1, 1, 4, 1, 2]  # six of ten closed with one reply


@pytest.mark.parametrize("method", list(STATSMODELS_METHODS))
def test_one_touch_rate_by_hand_and_statsmodels(method):
    result = cx.one_touch_rate(TOUCHES, ci=method)
    assert (result.value, result.successes, result.n) == (0.6, 6, 10)
    assert result.label == "One-touch rate"
    low, high = proportion_confint(6, 10, method=STATSMODELS_METHODS[method])
    assert (result.ci.low, result.ci.high) == pytest.approx((low, high), rel=1e-12)


def test_one_touch_rate_from_flags_missing_values_and_weights():
    flags = cx.one_touch_rate([True, False, None, True])
    assert (flags.successes, flags.n, flags.n_missing) == (2, 3, 1)
    weights = np.array([2.0, 1.0, 1.0, 3.0, 1.0])
    weighted = cx.one_touch_rate([1, 2, 1, 3, 1], weights=weights)
    assert weighted.value == pytest.approx((2.0 + 1.0 + 1.0) / 8.0)
    assert weighted.effective_n == pytest.approx(8.0**2 / (weights**2).sum())


def test_one_touch_rate_bad_input():
    with pytest.raises(
        cx.InputError,
        match=exact(
            "one_touch_rate: 2 of 4 touch counts are not whole numbers of 1 or "
            "more (0, 1.5)"
        ),
    ):
        cx.one_touch_rate([1, 0, 1.5, 2])
    with pytest.raises(cx.InputError, match=exact("one_touch_rate: touches is empty")):
        cx.one_touch_rate([])
    with pytest.raises(
        cx.InputError,
        match=exact("one_touch_rate: no valid tickets: all 2 are missing"),
    ):
        cx.one_touch_rate([np.nan, None])


def test_one_touch_rate_merges_compares_and_segments_like_every_rate():
    rng = np.random.default_rng(41)
    frame = pd.DataFrame(
        {
            "team": rng.choice(["a", "b", "c"], 600),
            "touches": 1 + rng.poisson(0.8, 600),
            "month": pd.Timestamp("2026-01-01")
            + pd.to_timedelta(rng.integers(0, 90, 600), unit="D"),
        }
    )
    first, second = frame.iloc[:250], frame.iloc[250:]
    whole = cx.one_touch_rate(frame["touches"])
    assert (
        cx.one_touch_rate(first["touches"]).merge(cx.one_touch_rate(second["touches"]))
        == whole
    )
    # compare: Newcombe's interval, the pooled z test by hand
    a, b = (cx.one_touch_rate(part["touches"]) for part in (first, second))
    comparison = cx.compare(a, b)
    pooled = (a.successes + b.successes) / (a.n + b.n)
    z = (a.value - b.value) / math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n))
    assert comparison.statistic == pytest.approx(z, rel=1e-12)
    # by_segment and over_time: each row equals plain pandas counts
    table = cx.by_segment(frame, cx.one_touch_rate, column="touches", by="team")
    ones = (frame["touches"] == 1).groupby(frame["team"]).agg(["sum", "size"])
    np.testing.assert_array_equal(table["successes"], ones["sum"])
    np.testing.assert_array_equal(table["n"], ones["size"])
    trend = cx.over_time(frame, cx.one_touch_rate, column="touches", time="month")
    by_month = (frame["touches"] == 1).groupby(frame["month"].dt.to_period("M"))
    np.testing.assert_allclose(trend["value"], by_month.mean(), rtol=1e-12)
