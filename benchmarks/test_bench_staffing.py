"""pytest-benchmark cases for staffing: Erlang C and A, and shift scheduling.

The staffing group puts one vectorized ``cx.required_agents`` call over two
working weeks of half hours next to pyworkforce's ``ErlangC``, looped over
the same intervals (skipped when pyworkforce is not installed). Every case
checks its answer too, so the CI smoke run (``--benchmark-disable``) catches
a wrong result. The ratio that matters is reported by ``benchmarks/compare.py``
(case ``required-agents``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from cases_staffing import (
    PATIENCE,
    SERVICE_TARGET,
    candidate_shifts,
    interval_profile,
    pyworkforce_schedule,
    shift_costs,
    week_requirements,
)

import cxmetrics as cx

FloatArray = npt.NDArray[np.float64]


@pytest.fixture(scope="module")
def profile() -> tuple[FloatArray, FloatArray]:
    """Calls and handle times of 200 half hours (two working weeks)."""
    return interval_profile(200)


def _staff(calls: FloatArray, aht: FloatArray) -> cx.StaffingResult:
    return cx.required_agents(
        calls,
        aht,
        target_service_level=SERVICE_TARGET["target_service_level"],
        target_time=SERVICE_TARGET["target_time"],
        max_occupancy=SERVICE_TARGET["max_occupancy"],
        shrinkage=SERVICE_TARGET["shrinkage"],
    )


# Staffing a fortnight of half hours -------------------------------------------


@pytest.mark.benchmark(group="required-agents")
def test_required_agents(
    benchmark: Any, profile: tuple[FloatArray, FloatArray]
) -> None:
    calls, aht = profile
    result = benchmark(_staff, calls, aht)
    level = SERVICE_TARGET["target_service_level"]
    target_time = SERVICE_TARGET["target_time"]
    n = result.agents_on_queue
    enough = cx.erlang_c(calls, aht, n, target_time=target_time)
    fewer = cx.erlang_c(calls, aht, n - 1, target_time=target_time)
    assert np.all(enough.service_level >= level)
    assert np.all(enough.occupancy <= SERVICE_TARGET["max_occupancy"] * (1 + 1e-9))
    assert np.all(
        (fewer.service_level < level)
        | (fewer.occupancy > SERVICE_TARGET["max_occupancy"] * (1 + 1e-9))
    )


@pytest.mark.benchmark(group="required-agents")
def test_required_agents_peer_pyworkforce(
    benchmark: Any, profile: tuple[FloatArray, FloatArray]
) -> None:
    pytest.importorskip("pyworkforce")
    from pyworkforce.queuing import ErlangC

    calls, aht = profile

    def loop() -> list[int]:
        return [
            ErlangC(
                transactions=float(c),
                aht=float(h) / 60,
                asa=SERVICE_TARGET["target_time"] / 60,
                interval=30,
                shrinkage=SERVICE_TARGET["shrinkage"],
            ).required_positions(
                service_level=SERVICE_TARGET["target_service_level"],
                max_occupancy=SERVICE_TARGET["max_occupancy"],
            )["raw_positions"]
            for c, h in zip(calls, aht, strict=True)
        ]

    raw = np.array(benchmark(loop))
    ours = _staff(calls, aht).agents_on_queue
    # Equal, or one higher where pyworkforce's search starts past our answer.
    assert np.all((raw == ours) | (raw == ours + 1))


# Erlang C measures -------------------------------------------------------------


@pytest.mark.benchmark(group="erlang-c")
def test_erlang_c_over_intervals(
    benchmark: Any, profile: tuple[FloatArray, FloatArray]
) -> None:
    calls, aht = profile
    agents = _staff(calls, aht).agents_on_queue
    result = benchmark(cx.erlang_c, calls, aht, agents, target_time=20)
    assert np.all((result.prob_wait > 0) & (result.prob_wait < 1))


@pytest.mark.benchmark(group="erlang-c")
def test_erlang_c_five_thousand_agents(benchmark: Any) -> None:
    agents = np.arange(4901, 5201)
    result = benchmark(cx.erlang_c, 4900, 1800, agents, target_time=20)
    assert np.all(np.isfinite(result.prob_wait))
    assert np.all(np.diff(result.service_level) >= 0)


# Per-call overhead --------------------------------------------------------------


@pytest.mark.benchmark(group="staffing-per-call")
def test_erlang_c_one_interval(benchmark: Any) -> None:
    result = benchmark(cx.erlang_c, 100, 180, 14, target_time=20)
    assert round(result.service_level, 3) == 0.888


@pytest.mark.benchmark(group="staffing-per-call")
def test_required_agents_one_interval(benchmark: Any) -> None:
    result = benchmark(
        cx.required_agents, 100, 180, target_service_level=0.8, target_time=20
    )
    assert result.agents_on_queue == 14


# Erlang A staffing and shift scheduling ----------------------------------------


@pytest.mark.benchmark(group="required-agents-erlang-a")
def test_required_agents_erlang_a(
    benchmark: Any, profile: tuple[FloatArray, FloatArray]
) -> None:
    calls, aht = profile
    result = benchmark(
        cx.required_agents, calls, aht, patience=PATIENCE, **SERVICE_TARGET
    )
    n = result.agents_on_queue
    options = {"patience": PATIENCE, "target_time": SERVICE_TARGET["target_time"]}
    enough = cx.erlang_a(calls, aht, n, **options)
    fewer = cx.erlang_a(calls, aht, n - 1, **options)
    level, cap = SERVICE_TARGET["target_service_level"], SERVICE_TARGET["max_occupancy"]
    assert np.all((enough.service_level >= level) & (enough.occupancy <= cap))
    assert np.all((fewer.service_level < level) | (fewer.occupancy > cap))
    # Callers who hang up need fewer agents than Erlang C says.
    assert np.all(n <= _staff(calls, aht).agents_on_queue)


@pytest.mark.benchmark(group="schedule-shifts")
def test_schedule_shifts_a_week_of_half_hours(benchmark: Any) -> None:
    requirements = week_requirements()
    shifts = candidate_shifts()
    plan = benchmark(cx.schedule_shifts, requirements, shifts, cost=shift_costs(shifts))
    assert plan.objective == 4824.5  # the optimum pyworkforce's CP-SAT reaches too
    assert np.all(plan.coverage >= requirements)


@pytest.mark.benchmark(group="schedule-shifts")
def test_schedule_shifts_one_horizon_of_336_periods(benchmark: Any) -> None:
    requirements = week_requirements().reshape(-1)
    plan = benchmark(cx.schedule_shifts, requirements, candidate_shifts())
    assert np.all(plan.coverage >= requirements)
    assert plan.objective == plan.agents


@pytest.mark.benchmark(group="schedule-shifts")
def test_schedule_shifts_peer_pyworkforce(benchmark: Any) -> None:
    pytest.importorskip("pyworkforce")
    requirements = week_requirements()
    shifts = candidate_shifts()
    costs = shift_costs(shifts)

    def solve() -> dict[str, Any]:
        return pyworkforce_schedule(requirements, shifts, costs)

    solution = benchmark(solve)
    assert solution["cost"] / 2 == 4824.5
