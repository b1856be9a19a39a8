"""Tests of Erlang A (M/M/N+M), Erlang B and patience estimation.

The references are independent of the closed forms in cxmetrics:

- a brute-force birth-death chain, truncated far out, for the state
  probabilities, P(wait), P(abandon), the mean wait (Little's law) and the
  occupancy (busy agents over agents);
- for the service level and the answered callers' wait, the tagged
  caller's absorbing chain: position j in the queue moves up at rate
  N mu + j theta, is answered from the head at rate N mu and abandons at
  rate theta; the matrix exponential (scipy.linalg.expm) gives P(answered
  by t), the fundamental matrix the expected wait of those answered;
- pyworkforce's published Erlang A regression values (its test suite);
- Erlang B from its recursion in exact rational arithmetic, and the
  textbook 10 Erlangs on 10 lines = 21.46%;
- the patience estimate against a numerical maximization of the censored
  exponential likelihood.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from scipy import linalg, optimize

import cxmetrics as cx

# ---------------------------------------------------------------------------
# Oracles


def chain(calls, aht, agents, patience, target_time, interval=1800.0):
    """Erlang A measures from the truncated birth-death chain and the tagged caller."""
    lam, mu, theta = calls / interval, 1.0 / aht, 1.0 / patience
    n = int(agents)
    spread = lam / theta
    size = n + int(spread + 30.0 * math.sqrt(spread + 1.0) + 60.0)
    k = np.arange(size)
    death = np.minimum(k, n) * mu + np.maximum(k - n, 0) * theta
    log_p = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(death[1:]))])
    p = np.exp(log_p - log_p.max())
    p /= p.sum()
    queue = np.maximum(k - n, 0)
    prob_wait = p[n:].sum()
    prob_abandon = theta * (p * queue).sum() / lam
    mean_wait = (p * queue).sum() / lam  # Little's law over every offered call
    occupancy = (p * np.minimum(k, n)).sum() / n
    # The tagged caller: transient positions 0..m-1 (callers ahead), absorbing
    # "answered" and "abandoned".
    m = size - n
    rates = np.zeros((m + 2, m + 2))
    answered, abandoned = m, m + 1
    for j in range(m):
        ahead = n * mu + j * theta
        if j == 0:
            rates[0, answered] = n * mu
        else:
            rates[j, j - 1] = ahead
        rates[j, abandoned] = theta
        rates[j, j] = -(ahead + theta)
    by_target = linalg.expm(rates * target_time)[:m, answered]
    service_level = p[:n].sum() + (p[n:] * by_target).sum()
    transient = -rates[:m, :m]
    to_answer = np.zeros(m)
    to_answer[0] = n * mu
    ever = linalg.solve(transient, to_answer)  # P(answered | j ahead)
    timed = linalg.solve(transient, ever)  # E[wait; answered | j ahead]
    asa = (p[n:] * timed).sum() / (p[:n].sum() + (p[n:] * ever).sum())
    return {
        "prob_wait": prob_wait,
        "prob_abandon": prob_abandon,
        "service_level": service_level,
        "asa": asa,
        "mean_wait": mean_wait,
        "occupancy": occupancy,
    }


def erlang_b_exact(lines: int, traffic: Fraction) -> Fraction:
    """Erlang B by its recursion B(n) = A B(n-1) / (n + A B(n-1)), exactly."""
    blocking = Fraction(1)
    for n in range(1, lines + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


FIELDS = ("prob_wait", "prob_abandon", "service_level", "asa", "mean_wait", "occupancy")

#: (calls per half hour, aht, agents, patience, target time)
CASES = [
    (100, 180, 14, 300, 20),  # pyworkforce's scenario
    (100, 180, 8, 300, 20),  # overloaded: 10 Erlangs on 8 agents
    (100, 180, 3, 60, 20),  # far overloaded, impatient
    (30, 300, 3, 30, 60),  # patience shorter than the handle time
    (12, 240, 1, 120, 0),  # one agent, target 0
    (400, 270, 62, 900, 30),  # a larger queue, patient callers
    (400, 270, 55, 45, 300),  # target far beyond the patience
    (5, 180, 20, 300, 20),  # nearly idle
    (700, 180, 60, 150, 20),  # 70 Erlangs, overloaded
]


@pytest.mark.parametrize(("calls", "aht", "agents", "patience", "target"), CASES)
def test_erlang_a_matches_the_chain(calls, aht, agents, patience, target):
    expected = chain(calls, aht, agents, patience, target)
    result = cx.erlang_a(calls, aht, agents, patience=patience, target_time=target)
    for name in FIELDS:
        assert getattr(result, name) == pytest.approx(
            expected[name], rel=1e-9, abs=1e-13
        ), name
    assert result.traffic == pytest.approx(calls * aht / 1800)


def test_erlang_a_vectorized_equals_one_at_a_time():
    calls, aht, agents, patience, target = (
        np.array(c, dtype=float) for c in zip(*CASES, strict=True)
    )
    many = cx.erlang_a(calls, aht, agents, patience=patience, target_time=target)
    assert str(many) == f"Erlang A for {len(CASES)} intervals (see .to_frame())"
    frame = many.to_frame()
    assert list(frame.columns) == [
        "arrival_rate",
        "aht",
        "interval",
        "target_time",
        "patience",
        "traffic",
        "agents",
        *FIELDS[:3],
        "asa",
        "mean_wait",
        "occupancy",
    ]
    for i, case in enumerate(CASES):
        one = cx.erlang_a(*case[:3], patience=case[3], target_time=case[4])
        for name in FIELDS:
            assert getattr(many, name)[i] == pytest.approx(
                getattr(one, name), rel=1e-12, abs=1e-15
            )
        assert not many.service_level.flags.writeable


def test_pyworkforce_published_regression_values():
    # pyworkforce's test_erlanga_regression_metrics: 100 calls in 30 minutes,
    # AHT 3 min, patience 5 min, 14 positions, 20 s target (its times in
    # minutes; its "average_speed_of_answer" is the mean wait of all calls).
    result = cx.erlang_a(100, 180, 14, patience=300, target_time=20)
    assert round(result.prob_wait, 5) == 0.14526
    assert round(result.prob_abandon, 6) == 0.013984
    assert round(result.occupancy, 6) == 0.704297
    assert round(result.mean_wait / 60, 6) == 0.069919
    assert round(result.service_level, 6) == 0.916792


def test_pyworkforce_erlang_a_where_installed():
    queuing = pytest.importorskip("pyworkforce.queuing")
    if not hasattr(queuing, "ErlangA"):
        pytest.skip("this pyworkforce has no ErlangA (0.5.4 needs Python >= 3.12)")
    erlang = queuing.ErlangA(
        transactions=100, aht=3, asa=20 / 60, interval=30, patience=5
    )  # pragma: no cover - not installable on every Python
    result = cx.erlang_a(100, 180, 14, patience=300, target_time=20)  # pragma: no cover
    assert result.service_level == pytest.approx(erlang.service_level(14), rel=1e-6)


def test_patient_callers_tend_to_erlang_c():
    agents = np.array([11, 12, 14, 20])
    c = cx.erlang_c(100, 180, agents, target_time=20)
    a = cx.erlang_a(100, 180, agents, patience=1e9, target_time=20)
    np.testing.assert_allclose(a.prob_wait, c.prob_wait, rtol=1e-5)
    np.testing.assert_allclose(a.service_level, c.service_level, rtol=1e-5)
    np.testing.assert_allclose(a.asa, c.asa, rtol=1e-4)
    np.testing.assert_allclose(a.occupancy, c.occupancy, rtol=1e-5)
    assert np.all(a.prob_abandon < 1e-6)


def test_stable_for_thousands_of_agents_and_any_load():
    agents = np.array([1, 100, 2000, 4800, 4900, 5000, 5200, 8000])
    result = cx.erlang_a(4900 * 1800 / 300, 300, agents, patience=120, target_time=20)
    for name in FIELDS:
        values = getattr(result, name)
        assert np.all(np.isfinite(values)), name
    for name in ("prob_wait", "prob_abandon", "service_level", "occupancy"):
        values = getattr(result, name)
        assert np.all((values >= 0) & (values <= 1)), name
    # More agents: less waiting and abandonment, a better service level.
    assert np.all(np.diff(result.prob_wait) <= 1e-15)
    assert np.all(np.diff(result.prob_abandon) <= 1e-15)
    assert np.all(np.diff(result.service_level) >= -1e-15)
    # One agent at 4,900 Erlangs: nearly everybody abandons, and the one
    # agent is always busy.
    assert result.prob_abandon[0] == pytest.approx(1 - 1 / 4900, rel=1e-3)
    assert result.occupancy[0] == pytest.approx(1.0, abs=1e-9)
    # Overloaded by half: the abandonment balances the excess load.
    heavy = cx.erlang_a(2 * 4900 * 1800 / 300, 300, 4900, patience=120, target_time=20)
    assert heavy.prob_abandon == pytest.approx(0.5, abs=0.01)


def test_a_moderately_large_queue_against_the_chain():
    expected = chain(1200, 300, 205, 200, 20)
    result = cx.erlang_a(1200, 300, 205, patience=200, target_time=20)
    for name in FIELDS:
        assert getattr(result, name) == pytest.approx(
            expected[name], rel=1e-8, abs=1e-12
        ), name


def test_no_arrivals_nobody_waits():
    result = cx.erlang_a([0, 100], 180, 14, patience=300, target_time=20)
    assert result.prob_wait[0] == 0
    assert result.prob_abandon[0] == 0
    assert result.service_level[0] == 1
    assert result.asa[0] == 0
    assert result.mean_wait[0] == 0
    assert result.occupancy[0] == 0


def test_erlang_a_str_and_time_spans():
    result = cx.erlang_a(
        100,
        pd.Timedelta(minutes=3),
        14,
        patience=np.timedelta64(5, "m"),
        target_time=pd.Timedelta(seconds=20),
    )
    assert str(result) == (
        "Erlang A: 10 Erlangs on 14 agents, patience 300 s: P(wait) 14.5%, "
        "P(abandon) 1.4%, service level 91.7% in 20 s, ASA 3.878 s, "
        "occupancy 70.4%"
    )
    assert "<table>" in result._repr_html_()


@pytest.mark.parametrize(
    ("patience", "message"),
    [
        (0, "patience must be positive"),
        (-5, "patience must be positive"),
        (
            math.inf,
            "patience is infinite; callers who never hang up make the queue "
            "Erlang C: use erlang_c",
        ),
        ([300, math.inf], "patience is infinite (1 of 2 values)"),
        (math.nan, "patience must be a finite number"),
        ("5 minutes", "patience"),
        (
            pd.Timestamp("2025-01-01"),
            "patience must be numbers of seconds or time spans",
        ),
        ([300, 300, 300], "arrays must have one value per interval"),
        (1e12, "nobody abandons"),
    ],
)
def test_erlang_a_bad_patience(patience, message):
    with pytest.raises(cx.InputError, match=None) as err:
        cx.erlang_a([100, 90], 180, 14, patience=patience, target_time=20)
    assert message in str(err.value)
    assert str(err.value).startswith("erlang_a: ")


# ---------------------------------------------------------------------------
# required_agents with patience


def meets(case, agents, level, max_occupancy=None, max_abandonment=None, slack=0.0):
    calls, aht, patience, target = case
    measures = chain(calls, aht, agents, patience, target)
    ok = measures["service_level"] >= level - slack
    if max_occupancy is not None:
        ok &= measures["occupancy"] <= max_occupancy + slack
    if max_abandonment is not None:
        ok &= measures["prob_abandon"] <= max_abandonment + slack
    return ok


STAFFING = [
    # (calls, aht, patience, target), level, max occupancy, max abandonment
    ((100, 180, 300, 20), 0.8, None, None),
    ((100, 180, 180, 20), 0.8, None, 0.03),
    ((100, 180, 60, 20), 0.9, None, None),
    ((400, 270, 150, 20), 0.8, 0.85, None),
    ((400, 270, 900, 30), 0.95, None, 0.01),
    ((60, 300, 40, 60), 0.5, None, None),  # impatient: fewer agents than Erlangs
    ((12, 240, 120, 0), 0.7, None, None),
    ((700, 180, 150, 20), 0.8, 0.9, 0.02),
]


@pytest.mark.parametrize(("case", "level", "cap", "most_abandon"), STAFFING)
def test_required_agents_with_patience_is_the_least_meeting_every_target(
    case, level, cap, most_abandon
):
    calls, aht, patience, target = case
    result = cx.required_agents(
        calls,
        aht,
        target_service_level=level,
        target_time=target,
        max_occupancy=cap,
        patience=patience,
        max_abandonment=most_abandon,
    )
    n = result.agents_on_queue
    # The chain says n meets every target and n - 1 fails one (a margin of
    # 1e-12 for ties in the last digits).
    assert meets(case, n, level, cap, most_abandon, slack=1e-12)
    assert not meets(case, n - 1, level, cap, most_abandon, slack=-1e-12)
    expected = chain(calls, aht, n, patience, target)
    for name in FIELDS:
        assert getattr(result, name) == pytest.approx(
            expected[name], rel=1e-9, abs=1e-13
        ), name
    assert result.patience == patience
    assert result.max_abandonment == most_abandon


def test_required_agents_with_patience_over_many_intervals_is_least_everywhere():
    rng = np.random.default_rng(7)
    calls = rng.integers(0, 300, size=60).astype(float)
    aht = rng.uniform(120, 400, size=60)
    patience = rng.uniform(20, 900, size=60)
    targets = rng.choice([0.0, 10.0, 20.0, 60.0], size=60)
    result = cx.required_agents(
        calls,
        aht,
        target_service_level=0.8,
        target_time=targets,
        patience=patience,
        max_abandonment=0.05,
        shrinkage=0.25,
    )
    n = result.agents_on_queue
    busy = calls > 0
    assert np.all(n[~busy] == 0)
    measured = cx.erlang_a(
        calls[busy],
        aht[busy],
        n[busy],
        patience=patience[busy],
        target_time=targets[busy],
    )
    fewer = cx.erlang_a(
        calls[busy],
        aht[busy],
        np.maximum(n[busy] - 1, 1),
        patience=patience[busy],
        target_time=targets[busy],
    )
    ok = (measured.service_level >= 0.8) & (measured.prob_abandon <= 0.05)
    ok_fewer = (fewer.service_level >= 0.8) & (fewer.prob_abandon <= 0.05)
    assert np.all(ok)
    assert not np.any(ok_fewer & (n[busy] > 1))
    # The search steps Erlang B up by its recursion, erlang_a starts afresh:
    # the same numbers to the last digit or two.
    np.testing.assert_allclose(
        result.service_level[busy], measured.service_level, rtol=1e-13
    )
    np.testing.assert_allclose(result.asa[busy], measured.asa, rtol=1e-12)
    # Shrinkage as with Erlang C: the headcount to schedule.
    np.testing.assert_array_equal(result.agents, np.ceil(n / 0.75 - 1e-9).astype(int))


def test_required_agents_with_patience_str_and_frame():
    result = cx.required_agents(
        100,
        180,
        target_service_level=0.8,
        target_time=20,
        patience=180,
        max_abandonment=0.03,
        shrinkage=0.3,
    )
    assert str(result) == (
        "Staffing (Erlang A): 20 agents to schedule (14 on the queue) for 10 "
        "Erlangs: service level 92.6% in 20 s, abandonment 1.9%, ASA 2.998 s, "
        "occupancy 70.1%, shrinkage 30%"
    )
    many = cx.required_agents(
        [0, 100, 200], 180, target_service_level=0.8, target_time=20, patience=180
    )
    assert str(many).startswith("Staffing (Erlang A) for 3 intervals: ")
    frame = many.to_frame()
    assert frame["patience"].tolist() == [180.0] * 3
    assert frame["prob_abandon"][0] == 0


def test_erlang_c_staffing_reports_no_abandonment():
    result = cx.required_agents(100, 180, target_service_level=0.8, target_time=20)
    assert result.patience is None
    assert result.prob_abandon == 0
    assert result.mean_wait == result.asa


def test_impatient_callers_need_fewer_agents_than_erlang_c_says():
    c = cx.required_agents(100, 180, target_service_level=0.8, target_time=20)
    a = cx.required_agents(
        100, 180, target_service_level=0.8, target_time=20, patience=120
    )
    assert a.agents_on_queue < c.agents_on_queue


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_abandonment": 0.05}, "max_abandonment needs patience"),
        ({"patience": 120, "max_abandonment": 0}, "max_abandonment must be above 0"),
        ({"patience": 120, "max_abandonment": 1}, "max_abandonment must be above 0"),
        ({"patience": 120, "max_abandonment": "5%"}, "max_abandonment must be a"),
        ({"patience": 0}, "patience must be positive"),
        ({"patience": math.inf}, "leave patience out"),
        ({"patience": [120, 130]}, "arrays must have one value per interval"),
    ],
)
def test_required_agents_bad_patience_options(options, message):
    with pytest.raises(cx.InputError) as err:
        cx.required_agents(
            [100, 90, 80], 180, target_service_level=0.8, target_time=20, **options
        )
    assert message in str(err.value)


# ---------------------------------------------------------------------------
# Erlang B


def test_erlang_b_textbook_value():
    # 10 Erlangs offered to 10 lines: 21.46% blocked (Erlang B tables).
    assert round(cx.erlang_b(10, 10), 4) == 0.2146


@pytest.mark.parametrize(
    ("traffic", "lines"),
    [(1, 1), (2, 2), (5, 10), (10, 10), (12.5, 20), (0.3, 3), (80, 100), (150, 120)],
)
def test_erlang_b_equals_the_exact_recursion(traffic, lines):
    expected = float(erlang_b_exact(lines, Fraction(str(traffic))))
    assert cx.erlang_b(traffic, lines) == pytest.approx(expected, rel=1e-12)


def erlang_b_by_recursion(lines: int, traffic: float) -> float:
    """1 / B(n) = 1 + n / (A B(n - 1)) in floats: positive terms, no loss."""
    inverse = 1.0
    for n in range(1, lines + 1):
        inverse = 1.0 + n / traffic * inverse
    return 1.0 / inverse


def test_erlang_b_thousands_of_lines_and_any_load():
    lines = np.array([1, 10, 500, 4000, 5000, 6000])
    blocking = cx.erlang_b(5000, lines)
    for i, n in enumerate(lines):
        expected = erlang_b_by_recursion(int(n), 5000.0)
        assert blocking[i] == pytest.approx(expected, rel=1e-11)
    assert np.all(np.diff(blocking) < 0)


def test_erlang_b_no_traffic_blocks_nothing_and_arrays_broadcast():
    assert cx.erlang_b(0, 5) == 0.0
    np.testing.assert_allclose(
        cx.erlang_b([1, 2], 2), [float(erlang_b_exact(2, Fraction(1))), 0.4]
    )
    assert isinstance(cx.erlang_b(10, 10), float)


@pytest.mark.parametrize(
    ("traffic", "lines", "message"),
    [
        (-1, 5, "erlang_b: traffic must be 0 or more"),
        (math.inf, 5, "erlang_b: traffic must be a finite number"),
        (10, 0, "erlang_b: lines must be at least 1"),
        (10, 2.5, "erlang_b: lines must be a whole number"),
        ([1, 2], [1, 2, 3], "arrays must have one value per interval"),
        (np.timedelta64(10, "s"), 5, "traffic must be a number"),
        ([], 5, "traffic is empty"),
        (
            pd.Series([10.0, 20.0]),
            pd.Series([10, 20], index=[1, 0]),
            "erlang_b: traffic and lines are pandas objects with different indexes",
        ),
    ],
)
def test_erlang_b_bad_input(traffic, lines, message):
    with pytest.raises(cx.InputError) as err:
        cx.erlang_b(traffic, lines)
    assert message in str(err.value)


# ---------------------------------------------------------------------------
# Patience


def test_estimate_patience_by_hand():
    # Waits 10, 30, 60, 20 s; two abandoned: (10 + 30 + 60 + 20) / 2 = 60 s.
    assert cx.estimate_patience([10, 30, 60, 20], [True, False, True, False]) == 60.0


def test_estimate_patience_maximizes_the_censored_likelihood():
    rng = np.random.default_rng(3)
    waits = rng.exponential(40.0, size=400).round()
    answered = rng.random(400) < 0.7

    def minus_log_likelihood(log_mean: float) -> float:
        rate = math.exp(-log_mean)
        return -(np.sum(~answered) * math.log(rate) - rate * waits.sum())

    best = optimize.minimize_scalar(
        minus_log_likelihood, bounds=(0, 10), method="bounded"
    )
    assert cx.estimate_patience(waits, answered) == pytest.approx(
        math.exp(best.x), rel=1e-6
    )


def test_estimate_patience_recovers_a_simulated_mean():
    # Callers with exponential patience (mean 150 s) wait for an agent who
    # comes after an exponential time (mean 60 s): abandon when patience runs
    # out first, else answered. The estimate is within a few standard errors.
    rng = np.random.default_rng(11)
    patience = rng.exponential(150.0, size=20_000)
    offered = rng.exponential(60.0, size=20_000)
    answered = offered <= patience
    waits = np.minimum(offered, patience)
    estimate = cx.estimate_patience(waits, answered)
    abandons = int((~answered).sum())
    assert abs(estimate - 150.0) < 4 * 150.0 / math.sqrt(abandons)


def test_estimate_patience_time_spans_and_missing_values():
    waits = pd.Series(pd.to_timedelta([10, 30, None, 60, 20], unit="s"))
    answered = pd.Series([True, False, False, True, None], dtype="boolean")
    # Rows with a missing wait or flag are left out: (10 + 30 + 60) / 1.
    assert cx.estimate_patience(waits, answered) == 100.0
    assert math.isnan(cx.estimate_patience(waits, answered, nan_policy="propagate"))
    with pytest.raises(cx.InputError, match="2 of 5 calls are missing"):
        cx.estimate_patience(waits, answered, nan_policy="raise")


def test_estimate_patience_of_the_sample_calls():
    calls = cx.datasets.load_calls()
    estimate = cx.estimate_patience(calls["wait"], calls["answered"])
    assert estimate == pytest.approx(calls["wait"].sum() / calls["abandoned"].sum())


@pytest.mark.parametrize(
    ("waits", "answered", "message"),
    [
        ([10, 20], [True, True], "none of the 2 calls was abandoned"),
        ([10, -20], [True, False], "negative"),
        ([10, 20], [True], "they must align"),
        ([], [], "empty"),
        ([10, 20], [1, 2], "answered flags are not booleans or 0/1"),
        ([None, None], [True, False], "no valid calls"),
        (pd.to_datetime(["2025-01-01", "2025-01-02"]), [True, False], "dates"),
    ],
)
def test_estimate_patience_bad_input(waits, answered, message):
    with pytest.raises(cx.InputError) as err:
        cx.estimate_patience(waits, answered)
    assert message in str(err.value)
    assert str(err.value).startswith("estimate_patience: ")


def test_estimate_patience_refuses_series_with_different_indexes():
    # By label, call b (30 s) abandoned: 40 s of waiting over one abandon.
    # By position the flags would go to the wrong calls (call c, with no
    # wait, took b's flag) and no call would have abandoned.
    waits = pd.Series([10.0, 30.0, np.nan], index=["a", "b", "c"])
    answered = pd.Series([True, True, False], index=["c", "a", "b"])
    with pytest.raises(cx.InputError, match="wait_time and answered are pandas"):
        cx.estimate_patience(waits, answered)
    assert cx.estimate_patience(waits, answered.reindex(waits.index)) == 40.0
    with pytest.raises(cx.InputError):  # what position would have read
        cx.estimate_patience(waits.to_numpy(), answered.to_numpy())


def test_erlang_b_and_erlang_a_refuse_counts_beyond_two_to_the_53():
    at_most = r"^erlang_b: lines must be at most 2\*\*53"
    with pytest.raises(cx.InputError, match=at_most):
        cx.erlang_b(10, 1e19)
    with pytest.raises(cx.InputError, match=r"^erlang_a: 1 of 2 values of agents"):
        cx.erlang_a(100, 180, [1e19, 20], patience=60, target_time=20)
    with pytest.raises(cx.InputError, match="too large for floating point"):
        cx.erlang_b(10**400, 3)


def test_estimate_patience_bad_nan_policy():
    with pytest.raises(cx.InputError, match="nan_policy"):
        cx.estimate_patience([1, 2], [True, False], nan_policy="drop")


def test_the_answered_wait_is_the_same_summed_in_chunks(monkeypatch):
    from cxmetrics import _queueing

    agents = np.array([12, 14, 20, 40, 60])
    whole = cx.erlang_a(400, 180, agents, patience=600, target_time=20)
    monkeypatch.setattr(_queueing, "_WAIT_CELLS", 100)  # a window or two a chunk
    chunked = cx.erlang_a(400, 180, agents, patience=600, target_time=20)
    np.testing.assert_allclose(chunked.asa, whole.asa, rtol=1e-14)


def test_callers_with_no_patience_are_erlang_b():
    # Patience near 0: whoever finds every agent busy leaves at once, as a
    # blocked call in a loss system.
    agents = np.array([1, 5, 10, 15, 20])
    result = cx.erlang_a(100, 180, agents, patience=1e-6, target_time=20)
    blocking = np.array([float(erlang_b_exact(int(n), Fraction(10))) for n in agents])
    np.testing.assert_allclose(result.prob_abandon, blocking, rtol=1e-6)
    np.testing.assert_allclose(result.service_level, 1 - blocking, rtol=1e-6)


@pytest.mark.parametrize("seed", range(8))
def test_the_measures_are_monotone_in_the_agents(seed):
    # The staffing search rests on it: more agents never lower the service
    # level nor raise abandonment or occupancy.
    rng = np.random.default_rng(seed)
    calls = rng.uniform(1, 2000)
    aht = rng.uniform(30, 900)
    patience = 10 ** rng.uniform(0, 4)
    target = rng.choice([0.0, 5.0, 20.0, 120.0, 600.0])
    traffic = calls * aht / 1800
    agents = np.arange(1, int(3 * traffic) + 10)
    result = cx.erlang_a(calls, aht, agents, patience=patience, target_time=target)
    assert np.all(np.diff(result.service_level) >= -1e-12)
    assert np.all(np.diff(result.prob_abandon) <= 1e-12)
    assert np.all(np.diff(result.occupancy) <= 1e-12)
    assert np.all(np.diff(result.prob_wait) <= 1e-12)


def test_required_agents_waits_of_large_queues_are_those_of_erlang_a(monkeypatch):
    # Large, patient queues need more terms than the series sums: the search
    # leaves their mean waits out and fills them in at the answer only.
    # They must be erlang_a's, which computes every wait (and whose windowed
    # sums meet the chain in the overloaded cases above).
    from cxmetrics import _queueing

    windows: list[int] = []
    windowed = _queueing._windowed_delay

    def counted(a, x):
        windows.append(a.size)
        return windowed(a, x)

    monkeypatch.setattr(_queueing, "_windowed_delay", counted)
    calls = np.array([300.0, 2500.0, 9000.0, 30.0])
    aht = np.array([180.0, 300.0, 420.0, 300.0])
    patience = np.array([6000.0, 3000.0, 1800.0, 200.0])
    result = cx.required_agents(
        calls, aht, target_service_level=0.8, target_time=20, patience=patience
    )
    # Only the three large queues, once each, at their answers.
    assert windows == [3]
    n = result.agents_on_queue
    measured = cx.erlang_a(calls, aht, n, patience=patience, target_time=20)
    np.testing.assert_allclose(result.asa, measured.asa, rtol=1e-12)
    np.testing.assert_allclose(result.mean_wait, measured.mean_wait, rtol=1e-12)


def test_required_agents_below_the_load_where_many_abandon(monkeypatch):
    # The efficiency-driven regime: at a thousand Erlangs and more, with a
    # tenth or so abandoning, the least staffing lies below the load. The
    # heavy-traffic guess errs low by hundreds of agents there; the fluid
    # model's guess puts the first window next to the answer, so the search
    # takes a window or two, not dozens.
    from cxmetrics import _queueing

    windows = []
    excess = _queueing.log_erlang_b_excess

    def counted(agents, traffic, most=None):
        windows.append(agents.size)
        return excess(agents, traffic, most)

    monkeypatch.setattr(_queueing, "log_erlang_b_excess", counted)
    rng = np.random.default_rng(3)
    calls = rng.uniform(2000, 3000, 40)
    aht = rng.uniform(600, 900, 40)
    result = cx.required_agents(
        calls, aht, target_service_level=0.5, target_time=60, patience=600
    )
    n = result.agents_on_queue
    traffic = calls * aht / 1800
    assert np.all(n < traffic)
    assert len(windows) <= 3
    measured = cx.erlang_a(calls, aht, n, patience=600, target_time=60)
    fewer = cx.erlang_a(calls, aht, n - 1, patience=600, target_time=60)
    assert np.all(measured.service_level >= 0.5)
    assert np.all(fewer.service_level < 0.5)
    assert np.all(measured.prob_abandon > 0.05)
