"""pytest-benchmark cases for customer lifetime: Kaplan-Meier and the log-rank test.

Each group puts a cxmetrics call next to lifelines doing the same work, and
every case checks its result, so the CI smoke run (``--benchmark-disable``:
each case runs once) catches a wrong answer too. The ratio that matters is
reported by ``benchmarks/compare.py`` (case ``kaplan-meier``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from cases_survival import customer_lifetimes

import cxmetrics as cx

Days = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]


@pytest.fixture(scope="module")
def lifetimes(size: int) -> tuple[Days, Flags]:
    """``size`` customer lifetimes in whole days, just under half censored."""
    return customer_lifetimes(size)


@pytest.fixture(scope="module")
def lifelines() -> Any:
    return pytest.importorskip("lifelines")


def _survival_at(fitter: Any, times: npt.NDArray[np.float64]) -> Any:
    return fitter.survival_function_.iloc[:, 0].loc[times].to_numpy()


# Kaplan-Meier ------------------------------------------------------------------


@pytest.mark.benchmark(group="kaplan-meier")
def test_survival_curve(
    benchmark: Any, lifetimes: tuple[Days, Flags], lifelines: Any
) -> None:
    days, observed = lifetimes
    curve = benchmark(cx.survival_curve, days, observed)
    assert curve.n == days.size
    assert curve.events.sum() == observed.sum()
    fitter = lifelines.KaplanMeierFitter().fit(days, observed)
    np.testing.assert_allclose(
        curve.survival, _survival_at(fitter, curve.timeline), rtol=1e-9, atol=1e-12
    )


@pytest.mark.benchmark(group="kaplan-meier")
def test_survival_curve_float_days(
    benchmark: Any, lifetimes: tuple[Days, Flags]
) -> None:
    # Whole numbers stored as floats (as read from a CSV) take the counting path.
    days, observed = lifetimes
    curve = benchmark(cx.survival_curve, days.astype(np.float64), observed)
    np.testing.assert_array_equal(
        curve.survival, cx.survival_curve(days, observed).survival
    )


@pytest.mark.benchmark(group="kaplan-meier")
def test_survival_curve_continuous(
    benchmark: Any, lifetimes: tuple[Days, Flags]
) -> None:
    # Durations from timestamps: nearly all distinct, so they are sorted.
    days, observed = lifetimes
    jitter = np.random.default_rng(21).uniform(0.0, 1.0, days.size)
    curve = benchmark(cx.survival_curve, days - jitter, observed)
    assert curve.timeline.size > days.size // 2


@pytest.mark.benchmark(group="kaplan-meier")
def test_survival_curve_with_entry(
    benchmark: Any, lifetimes: tuple[Days, Flags]
) -> None:
    days, observed = lifetimes
    entry = np.floor(days * 0.3)
    curve = benchmark(cx.survival_curve, days, observed, entry=entry)
    assert curve.at_risk[0] <= days.size


@pytest.mark.benchmark(group="kaplan-meier")
def test_survival_curve_peer_lifelines(
    benchmark: Any, lifetimes: tuple[Days, Flags], lifelines: Any
) -> None:
    days, observed = lifetimes

    def fit() -> Any:
        return lifelines.KaplanMeierFitter().fit(days, observed)

    fitter = benchmark(fit)
    assert fitter.median_survival_time_ == cx.survival_curve(days, observed).median


# Log-rank test ------------------------------------------------------------------


@pytest.mark.benchmark(group="logrank")
def test_logrank(benchmark: Any, lifetimes: tuple[Days, Flags], lifelines: Any) -> None:
    days, observed = lifetimes
    half = days.size // 2
    test = benchmark(
        cx.logrank_test,
        days[:half],
        days[half:],
        observed_a=observed[:half],
        observed_b=observed[half:],
    )
    reference = lifelines.statistics.logrank_test(
        days[:half], days[half:], observed[:half], observed[half:]
    )
    assert test.statistic == pytest.approx(reference.test_statistic, rel=1e-8)


@pytest.mark.benchmark(group="logrank")
def test_logrank_peer_lifelines(
    benchmark: Any, lifetimes: tuple[Days, Flags], lifelines: Any
) -> None:
    days, observed = lifetimes
    half = days.size // 2
    statistics = pytest.importorskip("lifelines.statistics")
    result = benchmark(
        statistics.logrank_test,
        days[:half],
        days[half:],
        observed[:half],
        observed[half:],
    )
    assert 0.0 <= result.p_value <= 1.0
