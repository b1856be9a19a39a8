"""Tests of cxmetrics.staffing: erlang_c and required_agents.

Every expected value comes from outside cxmetrics: Erlang C summed from its
definition in exact rational arithmetic (the oracles below), a brute-force
search over agents on that oracle, closed forms of the M/M/1 and M/M/2
queues worked by hand, published worked examples, and pyworkforce where it
is installed.
"""

from __future__ import annotations

import math
import re
import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cxmetrics as cx

# Modest and reproducible: no example database is written to the working tree.
quick = settings(max_examples=100, deadline=None, database=None)


# ---------------------------------------------------------------------------
# Oracles: exact rational arithmetic, slow and obviously right


def erlang_c_by_summation(n: int, a: Fraction) -> Fraction:
    """Erlang C(N, A) straight from the textbook formula, as an exact fraction.

    C = (A^N / N! * N / (N - A)) / (sum_{k<N} A^k / k! + A^N / N! * N / (N - A))
    """
    top = a**n / math.factorial(n) * Fraction(n) / (n - a)
    bottom = sum(a**k / math.factorial(k) for k in range(n)) + top
    return top / bottom


def erlang_c_by_integers(n: int, a: Fraction) -> Fraction:
    """The same fraction in integer arithmetic only, fast enough for N = 5,000.

    With A = p / q, multiply numerator and denominator by q^N (N - 1)! (N - A):
    with T_m = sum_{k<=m} p^k q^(m-k) m! / k!, which obeys
    T_m = m q T_(m-1) + p^m, C = p^N / ((N q - p) T_(N-1) + p^N).
    """
    p, q = a.numerator, a.denominator
    total, power = 1, 1  # T_0 and p^0
    for m in range(1, n):
        power *= p
        total = m * q * total + power
    top = p**n
    return Fraction(top, (n * q - p) * total + top)


def service_level_by_oracle(
    n: int, a: Fraction, target_time: float, aht: float
) -> float:
    """1 - C e^{-(N - A) t / h} with C exact; 0 for an unstable queue."""
    if n <= a:
        return 0.0
    wait = erlang_c_by_integers(n, a)
    return 1.0 - float(wait) * math.exp(-float(n - a) * target_time / aht)


def least_agents_by_search(
    a: Fraction,
    aht: float,
    target_time: float,
    level: float,
    max_occupancy: Fraction | None = None,
) -> int:
    """The least N meeting both targets, trying N = 1, 2, 3, ... one by one."""
    if a == 0:
        return 0
    n = 1
    while True:
        occupancy_ok = max_occupancy is None or a / n <= max_occupancy
        if occupancy_ok and service_level_by_oracle(n, a, target_time, aht) >= level:
            return n
        n += 1


def traffic_of(arrival_rate: float, aht: float, interval: float = 1800) -> Fraction:
    """Traffic in Erlangs as the exact decimal fraction the inputs stand for."""
    return Fraction(str(arrival_rate)) * Fraction(str(aht)) / Fraction(str(interval))


def exact(message: str) -> str:
    return "^" + re.escape(message) + "$"


# ---------------------------------------------------------------------------
# The oracles agree with each other


@pytest.mark.parametrize("a", [Fraction(1, 3), Fraction(2), Fraction(97, 10)])
@pytest.mark.parametrize("extra", [1, 2, 5, 20])
def test_the_two_oracles_agree(a, extra):
    n = math.floor(a) + extra
    assert erlang_c_by_integers(n, a) == erlang_c_by_summation(n, a)


# ---------------------------------------------------------------------------
# erlang_c against the oracle


TRAFFIC_GRID = [0.05, 0.5, 1.0, 2.5, 7.3, 10.0, 19.99, 33.3, 50.5, 99.9]


@pytest.mark.parametrize("traffic", TRAFFIC_GRID)
def test_prob_wait_service_level_and_asa_match_the_exact_oracle(traffic):
    # aht = interval, so the arrival rate is the traffic itself.
    agents = np.arange(math.floor(traffic) + 1, math.floor(traffic) + 16)
    result = cx.erlang_c(traffic, 1800, agents, target_time=20, interval=1800)
    assert result.traffic == traffic
    a = Fraction(traffic)
    for n, wait, service, asa in zip(
        agents, result.prob_wait, result.service_level, result.asa, strict=True
    ):
        c = erlang_c_by_summation(int(n), a)
        assert wait == pytest.approx(float(c), rel=1e-12)
        assert service == pytest.approx(
            1.0 - float(c) * math.exp(-float(n - a) * 20 / 1800), rel=1e-12
        )
        assert asa == pytest.approx(float(c * 1800 / (n - a)), rel=1e-12)
    assert result.occupancy == pytest.approx(traffic / agents, rel=1e-15)


@pytest.mark.parametrize(
    ("n", "traffic"), [(60, 0.05), (60, 59.9), (200, 150.0), (3, 2.999999)]
)
def test_far_from_and_close_to_the_traffic(n, traffic):
    # Very light load (C is about 1e-160) and queues on the edge of stability.
    result = cx.erlang_c(traffic, 1800, n, target_time=0)
    exact_wait = erlang_c_by_summation(n, Fraction(result.traffic))
    assert result.prob_wait > 0
    assert result.prob_wait == pytest.approx(float(exact_wait), rel=1e-12)


def test_five_thousand_agents_agree_with_exact_integer_arithmetic():
    agents = np.array([4901, 4950, 5000, 5100, 5200])
    result = cx.erlang_c(4900, 1800, agents, target_time=20, interval=1800)
    assert result.traffic == 4900
    assert np.all(np.isfinite(result.prob_wait))
    assert np.all((result.prob_wait >= 0) & (result.prob_wait <= 1))
    for n, wait, service in zip(
        agents, result.prob_wait, result.service_level, strict=True
    ):
        c = erlang_c_by_integers(int(n), Fraction(4900))
        assert wait == pytest.approx(float(c), rel=1e-12)
        assert service == pytest.approx(
            service_level_by_oracle(int(n), Fraction(4900), 20, 1800), rel=1e-12
        )
    # The same staffing given as numbers rather than arrays.
    single = cx.erlang_c(4900, 1800, 5000, target_time=20, interval=1800)
    exact_wait = erlang_c_by_integers(5000, Fraction(4900))
    assert single.prob_wait == pytest.approx(float(exact_wait), rel=1e-12)
    assert 0.0999 < single.prob_wait < 0.1


def test_tens_of_thousands_of_agents_stay_finite():
    result = cx.erlang_c(49_990, 1800, [50_000, 50_500, 60_000], target_time=20)
    assert np.all(np.isfinite(result.prob_wait))
    assert result.prob_wait[0] == pytest.approx(
        float(erlang_c_by_integers(50_000, Fraction(49_990))), rel=1e-12
    )
    assert result.prob_wait[2] == 0.0  # below the smallest double
    assert result.service_level[2] == 1.0


# ---------------------------------------------------------------------------
# Published worked examples


def test_call_centre_helper_worked_example_by_hand():
    # Call Centre Helper, "Erlang C Formula - Made Simple With an Easy Worked
    # Example" (callcentrehelper.com): 100 calls in 30 minutes, AHT 180 s,
    # 80% in 20 s. Traffic = 100 * 180 / 1800 = 10 Erlangs. With 11 agents:
    #   A^N / N! = 10^11 / 39,916,800 = 2,505.21;  N / (N - A) = 11
    #   top = 2,505.21 * 11 = 27,557.3
    #   sum_{k<11} 10^k / k! = 12,842.3
    #   P(wait) = 27,557.3 / (12,842.3 + 27,557.3) = 0.6821
    #   SL = 1 - 0.6821 * e^(-(11 - 10) * 20 / 180) = 1 - 0.6821 * 0.8948 = 0.3896
    #   ASA = 0.6821 * 180 / (11 - 10) = 122.8 s;  occupancy = 10 / 11 = 90.9%
    top = 10**11 / math.factorial(11) * 11
    below = sum(10**k / math.factorial(k) for k in range(11))
    wait = top / (below + top)
    result = cx.erlang_c(100, 180, 11, target_time=20)
    assert result.traffic == 10.0
    assert result.prob_wait == pytest.approx(wait, rel=1e-13)
    assert result.service_level == pytest.approx(
        1 - wait * math.exp(-20 / 180), rel=1e-13
    )
    assert result.asa == pytest.approx(wait * 180, rel=1e-13)
    assert round(result.prob_wait, 4) == 0.6821
    assert round(result.service_level, 4) == 0.3896
    assert round(result.asa, 1) == 122.8
    assert round(result.occupancy, 3) == 0.909


def test_call_centre_helper_table_of_agents():
    # The same article steps N up until 80% in 20 s is met: service level
    # 39.0%, 64.0%, 79.6%, 88.8% with 11 to 14 agents; at 14 agents P(wait)
    # is 17.4%, ASA 7.8 s and occupancy 71.4%.
    result = cx.erlang_c(100, 180, [11, 12, 13, 14], target_time=20)
    assert list(np.round(100 * result.service_level, 1)) == [39.0, 64.0, 79.6, 88.8]
    assert round(result.prob_wait[-1], 3) == 0.174
    assert round(result.asa[-1], 1) == 7.8
    assert round(result.occupancy[-1], 3) == 0.714


def test_call_centre_helper_staffing_with_occupancy_cap_and_shrinkage():
    # The article's answer: 14 agents on the phones (13 give 79.6% < 80%),
    # occupancy 71.4% under the 85% cap, and 14 / (1 - 0.3) = 20 to schedule.
    result = cx.required_agents(
        100,
        180,
        target_service_level=0.8,
        target_time=20,
        max_occupancy=0.85,
        shrinkage=0.3,
    )
    assert result.agents_on_queue == 14
    assert result.agents == 20
    assert round(result.service_level, 3) == 0.888
    assert round(result.occupancy, 3) == 0.714
    assert str(result) == (
        "Staffing: 20 agents to schedule (14 on the queue) for 10 Erlangs: "
        "service level 88.8% in 20 s, ASA 7.836 s, occupancy 71.4%, shrinkage 30%"
    )


def test_county_hospital_emergency_room_by_hand():
    # Hillier and Lieberman, Introduction to Operations Research, the County
    # Hospital emergency room (M/M/s): 2 patients an hour, 20 minutes each
    # (mu = 3 an hour), so A = 2/3 Erlang.
    # One doctor (M/M/1): P(wait) = rho = 2/3; Wq = rho / (mu - lambda) = 2/3 h.
    # Two doctors: P0 = 1 / (1 + A + A^2 / (2 (1 - A / 2))) = 1/2,
    #   P(wait) = A^2 / (2 (1 - A / 2)) * P0 = (4/9) / (4/3) / 2 = 1/6,
    #   Wq = P(wait) / (s mu - lambda) = (1/6) / 4 = 1/24 h = 150 s,
    #   P(Wq > t) = (1/6) e^{-4t}: within half an hour 1 - (1/6) e^{-2}.
    result = cx.erlang_c(2, 1200, [1, 2], target_time=1800, interval=3600)
    assert result.traffic == pytest.approx(2 / 3, rel=1e-15)
    assert result.prob_wait == pytest.approx([2 / 3, 1 / 6], rel=1e-14)
    assert result.asa == pytest.approx([2400.0, 150.0], rel=1e-13)
    assert result.service_level == pytest.approx(
        [1 - (2 / 3) * math.exp(-0.5), 1 - math.exp(-2) / 6], rel=1e-14
    )
    assert result.occupancy == pytest.approx([2 / 3, 1 / 3], rel=1e-15)


@given(
    rho=st.floats(0.001, 0.999),
    aht=st.floats(10, 3600),
    target=st.floats(0, 600),
)
@quick
def test_one_agent_is_the_m_m_1_queue(rho, aht, target):
    # M/M/1: P(wait) = rho, SL = 1 - rho e^{-(1 - rho) t / h}, ASA = rho h / (1 - rho)
    result = cx.erlang_c(rho, aht, 1, target_time=target, interval=aht)
    rho = result.traffic  # rho * aht / aht, as rounded
    assert result.prob_wait == pytest.approx(rho, rel=1e-12)
    assert result.service_level == pytest.approx(
        1 - rho * math.exp(-(1 - rho) * target / aht), rel=1e-12, abs=1e-15
    )
    assert result.asa == pytest.approx(rho * aht / (1 - rho), rel=1e-11)


# ---------------------------------------------------------------------------
# Unstable and empty queues, shapes and types


def test_unstable_queue_reports_without_raising():
    # 10 Erlangs on 9 and on exactly 10 agents: the queue grows without bound.
    result = cx.erlang_c(100, 180, [9, 10, 11], target_time=20)
    assert list(result.prob_wait[:2]) == [1.0, 1.0]
    assert list(result.service_level[:2]) == [0.0, 0.0]
    assert list(result.asa[:2]) == [math.inf, math.inf]
    assert list(result.occupancy[:2]) == [1.0, 1.0]
    assert 0 < result.prob_wait[2] < 1


def test_no_arrivals_means_no_wait():
    result = cx.erlang_c(0, 180, 3, target_time=20)
    assert (result.prob_wait, result.service_level, result.asa) == (0.0, 1.0, 0.0)
    assert result.occupancy == 0.0
    assert result.traffic == 0.0


def test_scalars_in_give_python_numbers_out():
    result = cx.erlang_c(100, 180, 14, target_time=20)
    for name in ("traffic", "prob_wait", "service_level", "asa", "occupancy"):
        assert type(getattr(result, name)) is float
    assert type(result.agents) is int
    staffing = cx.required_agents(100, 180, target_service_level=0.8, target_time=20)
    assert type(staffing.agents) is int
    assert type(staffing.agents_on_queue) is int
    assert type(staffing.service_level) is float


def test_arrays_in_give_arrays_out():
    calls = pd.Series([80, 100, 120])
    result = cx.erlang_c(calls, 180, 14, target_time=20)
    assert isinstance(result.prob_wait, np.ndarray)
    assert result.prob_wait.shape == (3,)
    assert result.agents == 14  # a number given stays a number
    staffing = cx.required_agents(
        [80, 100, 120], 180, target_service_level=0.8, target_time=20
    )
    assert staffing.agents.dtype == np.int64
    assert staffing.agents_on_queue.dtype == np.int64
    assert staffing.prob_wait.shape == (3,)


def test_one_array_among_numbers_sets_the_shape():
    one = cx.erlang_c([100], 180, 14, target_time=20)
    assert one.prob_wait.shape == (1,)
    per_target = cx.erlang_c(100, 180, 14, target_time=[0, 20, 60])
    assert per_target.service_level[0] == pytest.approx(1 - per_target.prob_wait[0])
    assert np.all(np.diff(per_target.service_level) > 0)


@given(
    st.lists(
        st.tuples(
            st.floats(0, 500),  # arrival rate
            st.floats(30, 900),  # aht
            st.integers(1, 120),  # agents
            st.floats(0, 120),  # target time
        ),
        min_size=1,
        max_size=12,
    )
)
@quick
def test_vectorized_equals_elementwise(rows):
    rate, aht, agents, target = (list(column) for column in zip(*rows, strict=True))
    together = cx.erlang_c(rate, aht, agents, target_time=target)
    for i, row in enumerate(rows):
        alone = cx.erlang_c(row[0], row[1], row[2], target_time=row[3])
        for name in ("prob_wait", "service_level", "asa", "occupancy", "traffic"):
            assert getattr(together, name)[i] == getattr(alone, name)


@given(
    traffic=st.floats(0.01, 300),
    aht=st.floats(30, 900),
    target=st.floats(0, 120),
    extra=st.integers(0, 60),
)
@quick
def test_service_level_grows_with_agents_and_probabilities_stay_in_range(
    traffic, aht, target, extra
):
    agents = np.arange(1, math.floor(traffic) + 2 + extra)
    result = cx.erlang_c(traffic, aht, agents, target_time=target, interval=aht)
    for name in ("prob_wait", "service_level", "occupancy"):
        values = getattr(result, name)
        assert np.all((values >= 0) & (values <= 1))
    assert np.all(np.diff(result.service_level) >= 0)
    assert np.all(np.diff(result.prob_wait) <= 0)
    stable = agents > result.traffic
    assert np.all(np.isfinite(result.asa[stable]))
    assert np.all(np.diff(result.asa[stable]) <= 0)


def test_to_frame_has_one_row_per_interval():
    frame = cx.erlang_c([80, 100, 120], 180, [12, 14, 16], target_time=20).to_frame()
    assert list(frame.columns) == [
        "arrival_rate",
        "aht",
        "interval",
        "target_time",
        "traffic",
        "agents",
        "prob_wait",
        "service_level",
        "asa",
        "occupancy",
    ]
    assert len(frame) == 3
    assert list(frame["aht"]) == [180.0] * 3
    assert list(frame["traffic"]) == [8.0, 10.0, 12.0]


def test_str_reads_like_the_docs():
    assert str(cx.erlang_c(100, 180, 14, target_time=20)) == (
        "Erlang C: 10 Erlangs on 14 agents: P(wait) 17.4%, service level 88.8% "
        "in 20 s, ASA 7.836 s, occupancy 71.4%"
    )
    assert str(cx.erlang_c([100, 90], 180, 14, target_time=20)) == (
        "Erlang C for 2 intervals (see .to_frame())"
    )


@pytest.mark.parametrize(
    "result",
    [
        # Numbers for the queue, an array only for the agents or the target:
        # the measures are arrays although the traffic is a number.
        cx.erlang_c(100, 180, [14, 20], target_time=20),
        cx.erlang_c(100, 180, 14, target_time=[20, 30]),
    ],
)
def test_str_and_html_of_arrays_when_only_some_inputs_are_arrays(result):
    assert str(result) == "Erlang C for 2 intervals (see .to_frame())"
    assert "Erlang C for 2 intervals" in result._repr_html_()


def test_staffing_str_when_only_the_target_is_an_array():
    result = cx.required_agents(
        100, 180, target_service_level=0.8, target_time=[20, 30]
    )
    assert str(result) == (
        f"Staffing for 2 intervals: {int(result.agents.sum())} agent-intervals "
        "to schedule (see .to_frame())"
    )
    assert "<table>" in result._repr_html_()


def test_array_fields_are_read_only_and_the_callers_arrays_are_not():
    calls = np.array([80.0, 100.0, 120.0])
    result = cx.erlang_c(calls, 180, [14, 15, 16], target_time=20)
    staffing = cx.required_agents(calls, 180, target_service_level=0.8, target_time=20)
    for record in (result, staffing):
        for name in ("arrival_rate", "traffic", "agents", "prob_wait", "asa"):
            field = getattr(record, name)
            assert not field.flags.writeable, name
            with pytest.raises(ValueError, match="read-only"):
                field[0] = 0
    assert calls.flags.writeable
    calls[0] = 1.0  # the caller's array is not the result's
    assert result.arrival_rate[0] == 80.0


def test_inputs_kept_on_results_never_share_the_callers_data():
    # A Series' values are a view of its data: the record keeps a copy. A
    # list is converted afresh: the record keeps that array, read-only.
    calls = pd.Series([80.0, 100.0, 120.0])
    aht = [180.0, 190.0, 200.0]
    result = cx.required_agents(calls, aht, target_service_level=0.8, target_time=20)
    calls.iloc[0] = 1.0
    assert result.arrival_rate[0] == 80.0
    assert not result.arrival_rate.flags.writeable
    assert not result.aht.flags.writeable
    assert result.aht.tolist() == aht


# ---------------------------------------------------------------------------
# required_agents: minimality


def _random_intervals(seed: int, size: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "rate": rng.integers(1, 500, size).astype(float),
        "aht": rng.integers(30, 900, size).astype(float),
        "target": rng.choice([0.0, 10.0, 20.0, 30.0, 60.0, 180.0], size),
    }


def _meets(rate, aht, agents, target, level, cap):
    """Whether ``agents`` meet both targets, judged by erlang_c."""
    result = cx.erlang_c(rate, aht, np.maximum(agents, 1), target_time=target)
    ok = result.service_level >= level
    if cap is not None:
        ok &= result.occupancy <= cap * (1 + 1e-9)
    return ok & (agents >= 1)


@pytest.mark.parametrize("level", [0.5, 0.8, 0.9, 0.99])
@pytest.mark.parametrize("cap", [None, 0.7, 0.85, 1.0])
def test_required_agents_is_the_least_that_meets_the_targets(level, cap):
    data = _random_intervals(seed=int(level * 100) + int((cap or 0) * 1000), size=300)
    result = cx.required_agents(
        data["rate"],
        data["aht"],
        target_service_level=level,
        target_time=data["target"],
        max_occupancy=cap,
    )
    n = result.agents_on_queue
    assert np.all(_meets(data["rate"], data["aht"], n, data["target"], level, cap))
    assert not np.any(
        _meets(data["rate"], data["aht"], n - 1, data["target"], level, cap)
    )
    # The measures reported are erlang_c's at that staffing.
    again = cx.erlang_c(data["rate"], data["aht"], n, target_time=data["target"])
    for name in ("prob_wait", "service_level", "asa", "occupancy"):
        assert getattr(result, name) == pytest.approx(getattr(again, name), rel=1e-11)


@pytest.mark.parametrize("cap", [None, "0.85"])
def test_required_agents_equals_a_brute_force_search_on_the_oracle(cap):
    data = _random_intervals(seed=7, size=40)
    occupancy = None if cap is None else Fraction(cap)
    result = cx.required_agents(
        data["rate"],
        data["aht"],
        target_service_level=0.8,
        target_time=data["target"],
        max_occupancy=None if cap is None else float(cap),
    )
    expected = [
        least_agents_by_search(
            traffic_of(int(rate), int(aht)), aht, target, 0.8, occupancy
        )
        for rate, aht, target in zip(
            data["rate"], data["aht"], data["target"], strict=True
        )
    ]
    assert list(result.agents_on_queue) == expected


def test_required_agents_at_five_thousand_agents_is_minimal_on_the_oracle():
    result = cx.required_agents(
        4900, 1800, target_service_level=0.8, target_time=20, interval=1800
    )
    n = result.agents_on_queue
    a = Fraction(4900)
    assert service_level_by_oracle(n, a, 20, 1800) >= 0.8
    assert service_level_by_oracle(n - 1, a, 20, 1800) < 0.8


@pytest.mark.parametrize("cap", [None, "0.8"])
def test_service_levels_so_high_that_the_search_needs_more_than_one_window(cap):
    # At 99.99% with no time allowed, small queues need more agents above
    # the traffic than square-root staffing suggests (7 Erlangs: 20 agents),
    # so those intervals go on past their first window. Each answer is the
    # oracle's search, one agent at a time.
    rates = [1, 4, 7, 10, 13, 16, 40]
    result = cx.required_agents(
        rates,
        1800,
        target_service_level=0.9999,
        target_time=0,
        max_occupancy=None if cap is None else float(cap),
    )
    occupancy = None if cap is None else Fraction(cap)
    expected = [
        least_agents_by_search(Fraction(rate), 1800, 0, 0.9999, occupancy)
        for rate in rates
    ]
    assert list(result.agents_on_queue) == expected
    assert expected[2] == 20


def test_a_long_batch_gives_every_interval_the_oracles_answer():
    # 100,000 intervals are more candidate staffings than the search judges
    # at once, so it takes many short windows; the answers do not change.
    rates = [3, 40, 250, 900]
    result = cx.required_agents(
        np.tile(np.array(rates, dtype=float), 25_000),
        180,
        target_service_level=0.9,
        target_time=10,
    )
    expected = [
        least_agents_by_search(traffic_of(rate, 180), 180, 10, 0.9) for rate in rates
    ]
    assert np.array_equal(
        result.agents_on_queue.reshape(-1, len(rates)),
        np.tile(expected, (25_000, 1)),
    )


@given(
    rate=st.integers(0, 2000),
    aht=st.integers(20, 1200),
    target=st.integers(0, 300),
    level=st.floats(0.05, 0.995),
    cap=st.one_of(st.none(), st.floats(0.5, 1.0)),
)
@quick
def test_required_agents_meets_and_one_fewer_does_not(rate, aht, target, level, cap):
    result = cx.required_agents(
        rate, aht, target_service_level=level, target_time=target, max_occupancy=cap
    )
    n = result.agents_on_queue
    if rate == 0:
        assert n == 0
        return
    assert _meets(rate, aht, np.array([n]), target, level, cap)[0]
    assert not _meets(rate, aht, np.array([n - 1]), target, level, cap)[0]


def test_zero_arrivals_need_nobody():
    result = cx.required_agents(
        [0, 100, 0], 180, target_service_level=0.8, target_time=20, shrinkage=0.3
    )
    assert list(result.agents_on_queue) == [0, 14, 0]
    assert list(result.agents) == [0, 20, 0]
    assert list(result.prob_wait[[0, 2]]) == [0.0, 0.0]
    assert list(result.service_level[[0, 2]]) == [1.0, 1.0]
    assert list(result.asa[[0, 2]]) == [0.0, 0.0]
    assert list(result.occupancy[[0, 2]]) == [0.0, 0.0]


# ---------------------------------------------------------------------------
# required_agents: the ceilings of occupancy and shrinkage


def test_shrinkage_ceiling_is_not_fooled_by_floating_point():
    # 164 calls at 3 minutes need 21 agents on the phones (brute force on the
    # oracle); with 30% shrinkage 21 / (1 - 3/10) = 30 exactly, but in floating
    # point 21 / (1 - 0.3) is 30.000000000000004, whose plain ceiling is 31.
    assert 21 / (1 - 0.3) > 30
    assert least_agents_by_search(traffic_of(164, 180), 180, 20, 0.8) == 21
    result = cx.required_agents(
        164, 180, target_service_level=0.8, target_time=20, shrinkage=0.3
    )
    assert result.agents_on_queue == 21
    assert result.agents == 30


@pytest.mark.parametrize("shrinkage", ["0.05", "0.1", "0.2", "0.25", "0.3", "0.35"])
def test_headcount_is_the_exact_decimal_ceiling(shrinkage):
    data = _random_intervals(seed=11, size=200)
    result = cx.required_agents(
        data["rate"],
        data["aht"],
        target_service_level=0.8,
        target_time=data["target"],
        shrinkage=float(shrinkage),
    )
    on_duty = 1 - Fraction(shrinkage)
    expected = [math.ceil(Fraction(int(n)) / on_duty) for n in result.agents_on_queue]
    assert list(result.agents) == expected


def test_occupancy_ceiling_is_not_fooled_by_floating_point():
    # 221 calls at 90 s are 11.05 Erlangs. 80% in 20 s... here only 40%: 12
    # agents would do (brute force), but the 85% cap needs 11.05 / 0.85 = 13
    # exactly, which floating point makes 13.000000000000002 (plain ceiling 14).
    assert 11.05 / 0.85 > 13
    a = traffic_of(221, 90)
    assert a == Fraction(1105, 100)
    assert least_agents_by_search(a, 90, 20, 0.4) == 12
    assert least_agents_by_search(a, 90, 20, 0.4, Fraction("0.85")) == 13
    result = cx.required_agents(
        221, 90, target_service_level=0.4, target_time=20, max_occupancy=0.85
    )
    assert result.agents_on_queue == 13
    assert result.occupancy == pytest.approx(0.85, rel=1e-15)


def test_occupancy_cap_binds_above_the_service_target():
    # 10 Erlangs, 80/20 needs 14 (occupancy 71.4%); a 70% cap needs 10 / 0.7 =
    # 14.29, so 15 agents (occupancy 66.7%, service level higher still).
    result = cx.required_agents(
        100, 180, target_service_level=0.8, target_time=20, max_occupancy=0.7
    )
    assert result.agents_on_queue == 15
    assert result.occupancy == pytest.approx(10 / 15)
    assert result.service_level == pytest.approx(
        service_level_by_oracle(15, Fraction(10), 20, 180), rel=1e-12
    )


def test_staffing_to_frame_and_str():
    result = cx.required_agents(
        [80, 100, 120], 180, target_service_level=0.8, target_time=20
    )
    frame = result.to_frame()
    assert len(frame) == 3
    assert {"agents_on_queue", "agents", "target_service_level"} <= set(frame.columns)
    assert list(frame["agents"]) == list(result.agents)
    assert str(result) == (
        f"Staffing for 3 intervals: {int(result.agents.sum()):,} agent-intervals "
        "to schedule (see .to_frame())"
    )


# ---------------------------------------------------------------------------
# pyworkforce: a cross-check where it is right, and where it is not


def _pyworkforce_erlang_c():
    pytest.importorskip("pyworkforce")
    from pyworkforce.queuing import ErlangC

    return ErlangC


def test_pyworkforce_agrees_where_its_search_starts_low_enough():
    erlang = _pyworkforce_erlang_c()
    data = _random_intervals(seed=3, size=120)
    data["target"] = np.maximum(data["target"], 5.0)  # pyworkforce needs asa > 0
    ours = cx.required_agents(
        data["rate"],
        data["aht"],
        target_service_level=0.8,
        target_time=data["target"],
        max_occupancy=0.9,
    )
    compared = 0
    for i, (rate, aht, target) in enumerate(
        zip(data["rate"], data["aht"], data["target"], strict=True)
    ):
        # pyworkforce takes aht, target ("asa") and interval in one unit:
        # minutes in its documentation.
        theirs = erlang(
            transactions=rate, aht=aht / 60, asa=target / 60, interval=30
        ).required_positions(service_level=0.8, max_occupancy=0.9)
        start = round(ours.traffic[i] + 1)  # where its search begins
        if start > ours.agents_on_queue[i]:
            continue  # see the next test
        compared += 1
        assert theirs["raw_positions"] == ours.agents_on_queue[i]
        assert theirs["service_level"] == pytest.approx(ours.service_level[i], rel=1e-9)
        assert theirs["waiting_probability"] == pytest.approx(
            ours.prob_wait[i], rel=1e-9
        )
        assert theirs["occupancy"] == pytest.approx(ours.occupancy[i], rel=1e-12)
    assert compared > 100


def test_pyworkforce_starts_one_agent_too_high_when_traffic_ends_in_half_or_more():
    erlang = _pyworkforce_erlang_c()
    # An email queue: 53 a half hour, 6 minutes each (10.6 Erlangs), 90% to be
    # answered within the hour. pyworkforce begins its search at
    # round(10.6 + 1) = 12 and never tries 11.
    theirs = erlang(transactions=53, aht=6, asa=60, interval=30).required_positions(
        service_level=0.9
    )
    assert theirs["raw_positions"] == 12
    # The oracle: 10 agents are unstable (SL 0); 11 already meet the target.
    a = traffic_of(53, 360)
    assert a == Fraction(106, 10)
    assert service_level_by_oracle(10, a, 3600, 360) == 0.0
    assert service_level_by_oracle(11, a, 3600, 360) > 0.98
    assert least_agents_by_search(a, 360, 3600, 0.9) == 11
    ours = cx.required_agents(53, 360, target_service_level=0.9, target_time=3600)
    assert ours.agents_on_queue == 11


def test_pyworkforce_shrinkage_ceiling_adds_an_agent():
    erlang = _pyworkforce_erlang_c()
    # 21 on the phones at 30% shrinkage: 30 people exactly; pyworkforce takes
    # the plain float ceiling of 30.000000000000004 and asks for 31.
    theirs = erlang(
        transactions=164, aht=3, asa=20 / 60, interval=30, shrinkage=0.3
    ).required_positions(service_level=0.8)
    assert (theirs["raw_positions"], theirs["positions"]) == (21, 31)
    ours = cx.required_agents(
        164, 180, target_service_level=0.8, target_time=20, shrinkage=0.3
    )
    assert (ours.agents_on_queue, ours.agents) == (21, 30)


# ---------------------------------------------------------------------------
# Bad input: the exact messages


ERLANG_C_BAD = [
    ({"arrival_rate": -5}, "erlang_c: arrival_rate must be 0 or more; got -5"),
    (
        {"arrival_rate": [10, -5, -1.5, 3]},
        "erlang_c: 2 of 4 values of arrival_rate are negative (-5, -1.5)",
    ),
    ({"aht": 0}, "erlang_c: aht must be positive; got 0"),
    ({"aht": [180, 0, -3]}, "erlang_c: 2 of 3 values of aht are not positive (0, -3)"),
    ({"agents": 0}, "erlang_c: agents must be at least 1; got 0"),
    ({"agents": 12.5}, "erlang_c: agents must be a whole number; got 12.5"),
    (
        {"agents": [12, 12.5, 1.5, 14]},
        "erlang_c: 2 of 4 values of agents are not whole numbers (12.5, 1.5)",
    ),
    (
        {"agents": [12, 0, -1]},
        "erlang_c: 2 of 3 values of agents are less than 1 (0, -1)",
    ),
    ({"target_time": -20}, "erlang_c: target_time must be 0 or more; got -20"),
    ({"interval": 0}, "erlang_c: interval must be positive; got 0"),
    (
        {"interval": [1800, -1800]},
        "erlang_c: 1 of 2 values of interval are not positive (-1800)",
    ),
    (
        {"arrival_rate": math.nan},
        "erlang_c: arrival_rate must be a finite number; got nan",
    ),
    ({"aht": math.inf}, "erlang_c: aht must be a finite number; got inf"),
    (
        {"arrival_rate": [100, np.nan, None, math.inf]},
        "erlang_c: 3 of 4 values of arrival_rate are missing or infinite (nan, inf)",
    ),
    ({"agents": []}, "erlang_c: agents is empty"),
    ({"agents": True}, "erlang_c: agents must be a number; got True"),
    (
        {"arrival_rate": "100"},
        "erlang_c: arrival_rate must be a one-dimensional array-like of numbers; "
        "got str",
    ),
    (
        {"aht": None},
        "erlang_c: aht must be a one-dimensional array-like of numbers; got NoneType",
    ),
    (
        {"agents": [[12, 13], [14, 15]]},
        "erlang_c: agents must be one-dimensional; got shape (2, 2)",
    ),
    (
        {"arrival_rate": [100, 120, 90], "agents": [12, 14]},
        "erlang_c: arrival_rate has 3 values but agents has 2; arrays must have one "
        "value per interval",
    ),
    # Beyond 2**53 agents a count wrapped to a negative int64.
    (
        {"agents": [1e19, 20]},
        "erlang_c: 1 of 2 values of agents are more than 2**53 "
        "(9,007,199,254,740,992), where floating point stops counting one by one "
        "(10000000000000000000)",
    ),
    (
        {"agents": 2**53 + 2},
        "erlang_c: agents must be at most 2**53 (9,007,199,254,740,992); "
        "got 9007199254740994",
    ),
    # Python ints beyond floating point raised OverflowError.
    (
        {"arrival_rate": 10**400},
        "erlang_c: arrival_rate is too large for floating point (1.000e+400)",
    ),
    ({"aht": 10**400}, "erlang_c: aht is too large for floating point (1.000e+400)"),
    (
        {"agents": -(10**400)},
        "erlang_c: agents is too large for floating point (-1.000e+400)",
    ),
    (
        {"arrival_rate": pd.Series([100.0, 90.0]), "aht": pd.Series([180.0, 200.0])},
        None,  # same default index: fine
    ),
    (
        {
            "arrival_rate": pd.Series([100.0, 90.0], index=["09:00", "09:30"]),
            "agents": pd.Series([14, 13], index=["09:30", "09:00"]),
        },
        "erlang_c: arrival_rate and agents are pandas objects with different "
        "indexes; rows are matched by position, so give them the same index (e.g. "
        "agents.reindex(arrival_rate.index)) or pass arrays",
    ),
]


@pytest.mark.parametrize(("changes", "message"), ERLANG_C_BAD)
def test_erlang_c_bad_input(changes, message):
    arguments = {
        "arrival_rate": 100,
        "aht": 180,
        "agents": 14,
        "target_time": 20,
        "interval": 1800,
        **changes,
    }

    def call():
        return cx.erlang_c(
            arguments["arrival_rate"],
            arguments["aht"],
            arguments["agents"],
            target_time=arguments["target_time"],
            interval=arguments["interval"],
        )

    if message is None:
        call()
        return
    with pytest.raises(cx.InputError, match=exact(message)) as info:
        call()
    assert isinstance(info.value, ValueError)


REQUIRED_AGENTS_BAD = [
    ({"arrival_rate": -1}, "required_agents: arrival_rate must be 0 or more; got -1"),
    ({"aht": -180}, "required_agents: aht must be positive; got -180"),
    ({"target_time": -1}, "required_agents: target_time must be 0 or more; got -1"),
    ({"interval": 0}, "required_agents: interval must be positive; got 0"),
    (
        {"arrival_rate": [10, math.nan]},
        "required_agents: 1 of 2 values of arrival_rate are missing or infinite (nan)",
    ),
    (
        {"arrival_rate": [10, 20, 30], "aht": [180, 200]},
        "required_agents: arrival_rate has 3 values but aht has 2; arrays must have "
        "one value per interval",
    ),
    (
        {"target_service_level": 1},
        "required_agents: target_service_level must be above 0 and below 1; got 1",
    ),
    (
        {"target_service_level": 0},
        "required_agents: target_service_level must be above 0 and below 1; got 0",
    ),
    (
        {"target_service_level": 80},
        "required_agents: target_service_level must be above 0 and below 1; got 80",
    ),
    (
        {"target_service_level": math.nan},
        "required_agents: target_service_level must be above 0 and below 1; got nan",
    ),
    (
        {"target_service_level": "80%"},
        "required_agents: target_service_level must be a number above 0 and below 1; "
        "got '80%'",
    ),
    (
        {"max_occupancy": 0},
        "required_agents: max_occupancy must be above 0 and at most 1; got 0",
    ),
    (
        {"max_occupancy": 1.2},
        "required_agents: max_occupancy must be above 0 and at most 1; got 1.2",
    ),
    (
        {"shrinkage": 1},
        "required_agents: shrinkage must be at least 0 and below 1; got 1",
    ),
    (
        {"shrinkage": -0.1},
        "required_agents: shrinkage must be at least 0 and below 1; got -0.1",
    ),
    (
        {"shrinkage": None},
        "required_agents: shrinkage must be a number at least 0 and below 1; got None",
    ),
    (
        {"shrinkage": True},
        "required_agents: shrinkage must be a number at least 0 and below 1; got True",
    ),
    # A cap so low that the staffing is beyond counting (it raised "cannot
    # convert float NaN to integer").
    (
        {"max_occupancy": 5e-324},
        "required_agents: max_occupancy=4.94066e-324 is too low for the traffic: "
        "10 Erlangs at that occupancy need traffic / max_occupancy agents, more "
        "than 2**53 (9,007,199,254,740,992)",
    ),
    (
        {"max_occupancy": 5e-324, "patience": 120},
        "required_agents: max_occupancy=4.94066e-324 is too low for the traffic: "
        "10 Erlangs at that occupancy need traffic / max_occupancy agents, more "
        "than 2**53 (9,007,199,254,740,992)",
    ),
    (
        {"max_occupancy": float("nan")},
        "required_agents: max_occupancy must be above 0 and at most 1; got nan",
    ),
    (
        {"max_occupancy": np.nan, "patience": 120},
        "required_agents: max_occupancy must be above 0 and at most 1; got nan",
    ),
    (
        {"target_service_level": 10**400},
        "required_agents: target_service_level is too large for floating point "
        "(1.000e+400)",
    ),
    (
        {"patience": 10**400},
        "required_agents: patience is too large for floating point (1.000e+400)",
    ),
    (
        {
            "arrival_rate": pd.Series([100.0, 90.0], index=[0, 1]),
            "target_time": pd.Series([20.0, 30.0], index=[1, 0]),
        },
        "required_agents: arrival_rate and target_time are pandas objects with "
        "different indexes; rows are matched by position, so give them the same "
        "index (e.g. target_time.reindex(arrival_rate.index)) or pass arrays",
    ),
]


@pytest.mark.parametrize(("changes", "message"), REQUIRED_AGENTS_BAD)
def test_required_agents_bad_input(changes, message):
    arguments = {
        "arrival_rate": 100,
        "aht": 180,
        "target_service_level": 0.8,
        "target_time": 20,
        "interval": 1800,
        "max_occupancy": None,
        "shrinkage": 0.0,
        **changes,
    }
    with pytest.raises(cx.InputError, match=exact(message)):
        cx.required_agents(
            arguments.pop("arrival_rate"), arguments.pop("aht"), **arguments
        )


def test_a_tiny_occupancy_cap_is_met_to_the_last_agent():
    # traffic / cap is 1e13 agents: the ceiling used to read a relative 1e-9
    # as "whole" and gave 9,999,999,990,000, ten thousand agents too few.
    result = cx.required_agents(
        100, 180, target_service_level=0.8, target_time=20, max_occupancy=1e-12
    )
    assert result.agents_on_queue == 10**13
    assert result.occupancy <= 1e-12


def test_to_frame_keeps_the_index_of_series_inputs():
    index = pd.date_range("2026-01-05 09:00", periods=3, freq="30min", name="start")
    calls = pd.Series([0.0, 100.0, 200.0], index=index)
    aht = pd.Series([180.0, 180.0, 200.0], index=index)
    staffing = cx.required_agents(calls, aht, target_service_level=0.8, target_time=20)
    frame = staffing.to_frame()
    assert frame.index.equals(index)
    # The values are those of the same call on plain arrays.
    plain = cx.required_agents(
        calls.to_numpy(), aht.to_numpy(), target_service_level=0.8, target_time=20
    ).to_frame()
    pd.testing.assert_frame_equal(frame.reset_index(drop=True), plain)
    erlang = cx.erlang_c(calls, 180, [1, 14, 25], target_time=20).to_frame()
    assert erlang.index.equals(index)
    erlang_a = cx.erlang_a(100, aht, 14, patience=120, target_time=20).to_frame()
    assert erlang_a.index.equals(index)
    # A one-value Series sets no index for three intervals; to_dict leaves it out.
    assert (
        cx.erlang_c(pd.Series([100.0]), 180, [12, 13, 14], target_time=20)
        .to_frame()
        .index.equals(pd.RangeIndex(3))
    )
    assert "index" not in staffing.to_dict()
    assert staffing.index.equals(index)


def test_traffic_that_overflows_is_refused():
    # Each rate is finite (their sum is not); their traffic is not finite.
    message = (
        "erlang_c: the traffic arrival_rate * aht / interval overflows; measure "
        "the inputs in other units"
    )
    with pytest.raises(cx.InputError, match=exact(message)):
        cx.erlang_c([1e308, 1e308], 180, 10, target_time=20)


def test_huge_but_finite_inputs_pass():
    # The sum of the rates overflows, yet each value and each traffic is finite.
    result = cx.erlang_c([1e308, 1e308], 1, 10, target_time=20, interval=1e10)
    assert list(result.traffic) == [1e298, 1e298]
    assert list(result.prob_wait) == [1.0, 1.0]  # 10 agents: unstable


@pytest.mark.parametrize(
    ("arrival_rate", "message"),
    [
        (
            5e7,
            "required_agents: traffic (arrival_rate * aht / interval) must be at "
            "most 10,000,000 Erlangs; got 25000000",
        ),
        (
            [100, 5e7, 3e7],
            "required_agents: 2 of 3 values of traffic (arrival_rate * aht / "
            "interval) are above 10,000,000 Erlangs (25000000, 15000000)",
        ),
    ],
)
def test_required_agents_refuses_traffic_beyond_its_search(arrival_rate, message):
    with pytest.raises(cx.InputError, match=exact(message)):
        cx.required_agents(arrival_rate, 900, target_service_level=0.8, target_time=20)


def test_vanishing_traffic_is_the_m_m_1_limit():
    # Traffic of 5.6e-304 Erlangs: (k - traffic) / traffic is 1.8e303, near
    # the top of the double range; with one agent P(wait) = rho exactly.
    result = cx.erlang_c([1e-300, 100], 1, 1, target_time=20)
    tiny = 1e-300 / 1800
    assert result.prob_wait[0] == pytest.approx(tiny, rel=1e-12)
    assert result.service_level[0] == 1.0
    assert result.prob_wait[1] == pytest.approx(100 / 1800, rel=1e-12)
    staffing = cx.required_agents(1e-300, 1, target_service_level=0.8, target_time=20)
    assert staffing.agents_on_queue == 1
    assert staffing.prob_wait == pytest.approx(tiny, rel=1e-12)


def test_an_overstaffed_queue_keeps_the_digits_of_a_tiny_wait():
    # 1815 Erlangs capped at 50% occupancy: 3630 agents, where P(wait) is
    # 4.2e-307, and 1 / B times N - A would overflow a double.
    result = cx.required_agents(
        1815, 1800, target_service_level=0.5, target_time=20, max_occupancy=0.5
    )
    assert result.agents_on_queue == 3630
    exact_wait = float(erlang_c_by_integers(3630, Fraction(1815)))
    assert 1e-307 < exact_wait < 1e-306
    assert result.prob_wait == pytest.approx(exact_wait, rel=1e-12)


def test_traffic_below_the_smallest_normal_double_waits_for_nobody():
    # 1e-310 Erlangs on one agent: P(wait) = rho = 1e-310 is below the
    # smallest normal double (2.2e-308), and is reported as 0, silently.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = cx.erlang_c(1e-310, 1, [1, 2], target_time=20, interval=1)
        staffing = cx.required_agents(
            1e-310, 1, target_service_level=0.8, target_time=20, interval=1
        )
    assert list(result.prob_wait) == [0.0, 0.0]
    assert list(result.service_level) == [1.0, 1.0]
    assert (staffing.agents_on_queue, staffing.prob_wait) == (1, 0.0)


def test_a_long_target_against_a_short_handle_time():
    # e^{t / h} = e^3600 overflows: every extra agent would clear the target.
    result = cx.required_agents(100, 1, target_service_level=0.99, target_time=3600)
    assert result.agents_on_queue == 1  # 0.056 Erlangs
    assert result.service_level == pytest.approx(1.0)


def test_numpy_scalars_and_zero_dimensional_arrays_are_numbers():
    result = cx.erlang_c(np.int64(100), np.float32(180), np.array(14), target_time=20)
    assert type(result.prob_wait) is float
    assert result.prob_wait == cx.erlang_c(100, 180, 14, target_time=20).prob_wait
