"""pytest-benchmark cases for customer value: the BG/NBD fit and its predictions.

Each case checks its result, so the CI smoke run (``--benchmark-disable``:
each case runs once) catches a wrong answer too. The ratios that matter are
reported by ``benchmarks/compare.py`` (cases ``bgnbd-*``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from cases_value import TRUTH, compress, simulate_histories
from scipy import special

import cxmetrics as cx
from cxmetrics.value import BGNBDModel


@pytest.fixture(scope="module")
def histories(size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return simulate_histories(size)


@pytest.fixture(scope="module")
def rows(histories) -> tuple[np.ndarray, ...]:
    return compress(*histories)


@pytest.mark.benchmark(group="bgnbd-fit")
def test_fit_bgnbd_compressed(benchmark: Any, rows, histories) -> None:
    x, tx, T, w = rows
    model = benchmark(cx.fit_bgnbd, x, tx, T, weights=w)
    assert model.converged
    assert model.n == histories[0].size
    for name, value in TRUTH.items():
        assert abs(model.params[name] - value) < 5 * model.standard_errors[name]


@pytest.mark.benchmark(group="bgnbd-fit")
def test_fit_bgnbd_peer_lifetimes(benchmark: Any, rows) -> None:
    lifetimes = pytest.importorskip("lifetimes")
    x, tx, T, w = rows

    def fit() -> Any:
        return lifetimes.BetaGeoFitter().fit(x, tx, T, weights=w)

    fitter = benchmark(fit)
    ours = cx.fit_bgnbd(x, tx, T, weights=w)
    assert float(fitter.params_["r"]) == pytest.approx(ours.params["r"], rel=1e-2)


@pytest.mark.benchmark(group="bgnbd-predict")
def test_p_alive(benchmark: Any, histories) -> None:
    model = BGNBDModel.from_params(**TRUTH)
    alive = benchmark(model.p_alive, *histories)
    assert ((alive >= 0) & (alive <= 1)).all()
    assert (alive[histories[0] == 0] == 1).all()


@pytest.mark.benchmark(group="bgnbd-predict")
def test_expected_purchases(benchmark: Any, histories) -> None:
    model = BGNBDModel.from_params(**TRUTH)
    expected = benchmark(model.expected_purchases, 26.0, *histories)
    assert np.isfinite(expected).all()
    assert (expected >= 0).all()


@pytest.mark.benchmark(group="bgnbd-predict")
def test_peer_gammaln(benchmark: Any, size: int) -> None:
    values = np.linspace(0.5, 50.0, size)
    out = benchmark(special.gammaln, values)
    assert out[0] == pytest.approx(special.gammaln(0.5))
