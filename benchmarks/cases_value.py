"""Benchmark cases of customer value: the BG/NBD fit and its predictions.

* ``bgnbd-fit``: `cx.fit_bgnbd` on a million simulated customers, compressed
  to their distinct histories with ``weights``, against lifetimes'
  ``BetaGeoFitter`` fitting the same million customers row by row, as it is
  usually called. The compression (a pandas group-by) is timed as part of
  ours.
* ``bgnbd-fit-same-rows``: both fits on the same compressed rows with
  weights: the optimizer against the optimizer (reported, no target).
* ``bgnbd-loglik``: one evaluation of our log-likelihood (value, gradient
  and Hessian) on the compressed rows against one ``scipy.special.gammaln``
  pass over the same number of values.
* ``bgnbd-p-alive`` and ``bgnbd-expected``: P(alive) and the conditional
  expectation of ten million customers against one ``gammaln`` pass over
  ten million values.
"""

from __future__ import annotations

import importlib
import warnings
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from harness import Case, Pair, Sizes, require, time_in_process
from scipy import special

import cxmetrics as cx
from cxmetrics.value import BGNBDModel

__all__ = ["CASES", "simulate_histories"]

FloatArray = npt.NDArray[np.float64]

#: BG/NBD parameters of the simulated customers (weekly rates).
TRUTH = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}


def simulate_histories(
    size: int, seed: int = 20_250_601
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """BG/NBD histories in weeks, with recency and T in whole days.

    Customers are acquired over 12 weeks and observed to week 39; their
    purchases are recorded by day, as `cx.rfm_summary` records them, so
    many customers share a history.
    """
    rng = np.random.default_rng(seed)
    r, alpha, a, b = TRUTH.values()
    lam = rng.gamma(r, 1 / alpha, size)
    p = rng.beta(a, b, size)
    T_days = rng.integers(27 * 7, 39 * 7 + 1, size)
    T = T_days / 7
    events = rng.poisson(lam * T)
    x = np.minimum(events, rng.geometric(p))
    tx_days = np.zeros(size)
    repeat = x > 0
    exact = T[repeat] * rng.beta(x[repeat], events[repeat] - x[repeat] + 1)
    tx_days[repeat] = np.clip(np.ceil(exact * 7), 1, T_days[repeat])
    return x.astype(np.float64), tx_days / 7, T


def compress(
    x: FloatArray, tx: FloatArray, T: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """The distinct histories and how many customers share each."""
    rows = (
        pd.DataFrame({"x": x, "tx": tx, "T": T})
        .groupby(["x", "tx", "T"], sort=False)
        .size()
        .reset_index()
    )
    return (
        rows["x"].to_numpy(),
        rows["tx"].to_numpy(),
        rows["T"].to_numpy(),
        rows[0].to_numpy(dtype=np.float64),
    )


def _fit_sizes(sizes: Sizes) -> dict[str, Any]:
    return {"customers": 100_000 if sizes.quick else 1_000_000}


def _predict_sizes(sizes: Sizes) -> dict[str, Any]:
    return {"customers": 1_000_000 if sizes.quick else 10_000_000}


def _lifetimes() -> Any:
    module = importlib.import_module("lifetimes")
    return module.BetaGeoFitter


def _check_fits(ours: Any, theirs: Any) -> None:
    for name in ("r", "alpha", "a", "b"):
        mine, peer = ours.params[name], float(theirs.params_[name])
        require(
            abs(mine - peer) <= 1e-3 * abs(peer) + 0.5 * ours.standard_errors[name],
            f"{name}: cxmetrics {mine:.5g}, lifetimes {peer:.5g}",
        )
    require(ours.converged, f"the fit did not converge: {ours.message}")


def _peer_fit(fitter_class: Any, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fitter_class().fit(*args, **kwargs)


def _prepare_fit(sizes: Sizes) -> Pair:
    fitter_class = _lifetimes()
    x, tx, T = simulate_histories(_fit_sizes(sizes)["customers"])

    def ours() -> Any:
        rows = compress(x, tx, T)
        return cx.fit_bgnbd(rows[0], rows[1], rows[2], weights=rows[3])

    return Pair(
        ours=ours,
        peer=lambda: _peer_fit(fitter_class, x, tx, T),
        check=_check_fits,
    )


def _prepare_fit_same_rows(sizes: Sizes) -> Pair:
    fitter_class = _lifetimes()
    x, tx, T, w = compress(*simulate_histories(_fit_sizes(sizes)["customers"]))
    return Pair(
        ours=lambda: cx.fit_bgnbd(x, tx, T, weights=w),
        peer=lambda: _peer_fit(fitter_class, x, tx, T, weights=w),
        check=_check_fits,
    )


def _prepare_loglik(sizes: Sizes) -> Pair:
    from cxmetrics.value import bgnbd

    x, tx, T, w = compress(*simulate_histories(_fit_sizes(sizes)["customers"]))
    objective = bgnbd._objective(bgnbd._group(x, tx, T, w))
    theta = np.log(list(TRUTH.values()))
    values = np.linspace(0.5, 50.0, x.size)

    def check(ours: Any, peer: Any) -> None:
        require(np.isfinite(ours[0]), "the log-likelihood is not finite")
        require(np.isfinite(peer).all(), "gammaln gave a non-finite value")

    return Pair(
        ours=lambda: objective(theta, 2),
        peer=lambda: special.gammaln(values),
        check=check,
    )


def _prepare_predictions(sizes: Sizes, method: str) -> Pair:
    x, tx, T = simulate_histories(_predict_sizes(sizes)["customers"], seed=7)
    model = BGNBDModel.from_params(**TRUTH)
    values = np.linspace(0.5, 50.0, x.size)
    if method == "p_alive":

        def ours() -> Any:
            return model.p_alive(x, tx, T)

    else:

        def ours() -> Any:
            return model.expected_purchases(26.0, x, tx, T)

    def check(result: Any, peer: Any) -> None:
        del peer
        sample = np.arange(0, x.size, max(1, x.size // 1000))
        direct = getattr(model, method)(
            *((26.0,) if method == "expected_purchases" else ()),
            x[sample],
            tx[sample],
            T[sample],
        )
        gap = float(np.max(np.abs(result[sample] - direct)))
        require(gap < 1e-12, f"{method} differs on a sample by {gap:.3g}")

    return Pair(ours=ours, peer=lambda: special.gammaln(values), check=check)


CASES: tuple[Case, ...] = (
    Case(
        name="bgnbd-fit",
        ours_label="`cx.fit_bgnbd` on {customers:,} customers compressed by `weights`",
        peer_label="lifetimes `BetaGeoFitter().fit` on the {customers:,} customers",
        target=0.05,
        prepare=_prepare_fit,
        timer=time_in_process,
        params=_fit_sizes,
        about="BG/NBD histories in weeks with days as the clock; ours includes the "
        "group-by that compresses the customers to their distinct histories. Both "
        "fits must agree on every parameter (within 0.1% plus half a standard error)",
    ),
    Case(
        name="bgnbd-fit-same-rows",
        ours_label="`cx.fit_bgnbd`, distinct histories of {customers:,} customers",
        peer_label="lifetimes `BetaGeoFitter().fit` on the same rows and weights",
        target=None,
        prepare=_prepare_fit_same_rows,
        timer=time_in_process,
        params=_fit_sizes,
        about="the optimizers compared on the same weighted rows; the parameters "
        "are checked as in bgnbd-fit",
    ),
    Case(
        name="bgnbd-loglik",
        ours_label="one BG/NBD log-likelihood, gradient and Hessian, distinct "
        "histories of {customers:,} customers",
        peer_label="one `scipy.special.gammaln` pass over as many values",
        target=None,
        prepare=_prepare_loglik,
        timer=time_in_process,
        params=_fit_sizes,
        about="the cost of one step of the fit in units of a gammaln pass over the "
        "rows fitted",
    ),
    Case(
        name="bgnbd-p-alive",
        ours_label="`model.p_alive`, {customers:,} customers",
        peer_label="one `scipy.special.gammaln` pass over {customers:,} values",
        target=5.0,
        prepare=lambda sizes: _prepare_predictions(sizes, "p_alive"),
        timer=time_in_process,
        params=_predict_sizes,
        about="P(alive) of every customer, input checks included; checked on a "
        "sample against the same method on the sample alone",
    ),
    Case(
        name="bgnbd-expected",
        ours_label="`model.expected_purchases(26, ...)`, {customers:,} customers",
        peer_label="one `scipy.special.gammaln` pass over {customers:,} values",
        target=5.0,
        prepare=lambda sizes: _prepare_predictions(sizes, "expected_purchases"),
        timer=time_in_process,
        params=_predict_sizes,
        about="the conditional expectation of every customer; the hypergeometric "
        "factor is computed once per distinct (frequency, T). Checked on a sample "
        "against the direct computation",
    ),
)
