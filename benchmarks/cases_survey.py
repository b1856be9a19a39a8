"""Benchmark cases of the survey family: NPS counting, bootstrap, weights, import."""

from __future__ import annotations

import compileall
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from harness import (
    Case,
    Pair,
    Sizes,
    require,
    run_python,
    time_fresh_imports,
    time_import,
    time_in_process,
)

import cxmetrics as cx

__all__ = ["CASES"]

IntArray = npt.NDArray[np.int64]


def _sizes(sizes: Sizes) -> dict[str, Any]:
    """Rows of the single-pass cases and the two samples of the bootstrap case."""
    if sizes.quick:
        return {"rows": 200_000, "bootstrap_rows": 100_000, "bootstrap_small": 1_000}
    return {"rows": 10_000_000, "bootstrap_rows": 1_000_000, "bootstrap_small": 1_000}


# --------------------------------------------------------------------------
# Checks


def _counts(scores: IntArray) -> tuple[int, int, int]:
    """Promoters, passives, detractors by np.bincount."""
    hist = np.bincount(scores, minlength=11)
    return int(hist[9:].sum()), int(hist[7:9].sum()), int(hist[:7].sum())


def _check_nps_counts(result: cx.NPSResult, counts: tuple[int, int, int]) -> None:
    ours = (result.promoters, result.passives, result.detractors)
    require(ours == counts, f"cx.nps counts {ours} != np.bincount counts {counts}")
    pro, _, det = counts
    value = 100.0 * (pro - det) / sum(counts)
    require(
        bool(np.isclose(result.value, value, rtol=1e-12, atol=0.0)),
        f"cx.nps value {result.value} != {value} from np.bincount",
    )


def _scores(size: int, seed: int = 20_240_101) -> IntArray:
    """Survey-like 0-10 scores, int64, skewed towards the top as real NPS data is."""
    rng = np.random.default_rng(seed)
    probabilities = np.array([2, 1, 1, 2, 2, 5, 6, 12, 18, 22, 29], dtype=np.float64)
    return rng.choice(11, size=size, p=probabilities / probabilities.sum())


# --------------------------------------------------------------------------
# Cases


def _prepare_nps_bincount(sizes: Sizes) -> Pair:
    scores = _scores(_sizes(sizes)["rows"])

    def check(ours: cx.NPSResult, peer: npt.NDArray[np.intp]) -> None:
        hist = np.asarray(peer)
        counts = int(hist[9:].sum()), int(hist[7:9].sum()), int(hist[:7].sum())
        require(ours.n == scores.size, f"cx.nps n {ours.n} != {scores.size}")
        _check_nps_counts(ours, counts)

    return Pair(
        ours=lambda: cx.nps(scores),
        peer=lambda: np.bincount(scores),
        check=check,
    )


def _prepare_nps_bootstrap(sizes: Sizes) -> Pair:
    large = _scores(_sizes(sizes)["bootstrap_rows"])
    small = large[: _sizes(sizes)["bootstrap_small"]]

    def peer() -> tuple[cx.NPSResult, cx.NPSResult]:
        return cx.nps(small, ci="bootstrap", rng=0), cx.nps(large)

    def check(ours: cx.NPSResult, both: tuple[cx.NPSResult, cx.NPSResult]) -> None:
        small_result, plain = both
        _check_nps_counts(ours, _counts(large))
        _check_nps_counts(small_result, _counts(small))
        require(ours.value == plain.value, "bootstrap and plain NPS differ")
        for result in (ours, small_result):
            ci = result.ci
            require(
                ci is not None
                and ci.method == "bootstrap"
                and ci.low <= result.value <= ci.high,
                f"bootstrap interval {ci} does not hold NPS {result.value}",
            )
        again = cx.nps(large, ci="bootstrap", rng=0)
        require(again.ci == ours.ci, "bootstrap with rng=0 is not reproducible")

    return Pair(
        ours=lambda: cx.nps(large, ci="bootstrap", rng=0),
        peer=peer,
        check=check,
    )


def _prepare_nps_weighted(sizes: Sizes) -> Pair:
    scores = _scores(_sizes(sizes)["rows"])
    weights = np.random.default_rng(7).uniform(0.5, 2.0, size=scores.size)

    # numpy's stubs type bincount as integer even with float weights.
    def peer() -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        return (
            np.bincount(scores, weights=weights),
            np.bincount(scores, weights=weights * weights),
        )

    def check(
        ours: cx.NPSResult,
        sums: tuple[npt.NDArray[Any], npt.NDArray[Any]],
    ) -> None:
        total, squared = sums
        expected = {
            "promoters": total[9:].sum(),
            "passives": total[7:9].sum(),
            "detractors": total[:7].sum(),
            "effective_n": total.sum() ** 2 / squared.sum(),
        }
        for name, value in expected.items():
            got = getattr(ours, name)
            require(
                bool(np.isclose(got, value, rtol=1e-9, atol=0.0)),
                f"cx.nps weighted {name} {got} != {value} from np.bincount",
            )

    return Pair(
        ours=lambda: cx.nps(scores, weights=weights),
        peer=peer,
        check=check,
    )


#: Packages that ``import cxmetrics`` must leave for the functions that need them.
LAZY_IMPORTS = ("scipy", "matplotlib", "dask")


def _compile_package() -> None:
    """Write cxmetrics' bytecode, as installing a wheel does.

    pip compiles the packages it installs, pandas included, but an editable
    install leaves that to the first import, and with PYTHONDONTWRITEBYTECODE
    set (as on some CI machines) every import would compile the sources
    again. Timing that against a compiled pandas would measure the compiler.
    """
    compileall.compile_dir(
        str(Path(cx.__file__).parent), quiet=1, legacy=False, force=False
    )


def _prepare_imports(sizes: Sizes) -> Pair:
    del sizes
    _compile_package()
    probe = (
        "import sys, cxmetrics; "
        "top = {name.split('.')[0] for name in sys.modules}; "
        f"print(','.join(sorted(top & {set(LAZY_IMPORTS)!r})))"
    )

    def check(ours: Any, peer: Any) -> None:
        del ours, peer
        done = run_python(probe)
        require(done.returncode == 0, f"import cxmetrics failed: {done.stderr}")
        eager = done.stdout.strip()
        require(not eager, f"import cxmetrics also imports {eager}; keep it lazy")

    return Pair(
        ours=lambda: time_import("cxmetrics"),
        peer=lambda: time_import("pandas"),
        check=check,
    )


CASES: tuple[Case, ...] = (
    Case(
        name="nps-bincount",
        ours_label="`cx.nps(x)`, {rows:,} int64 scores",
        peer_label="`np.bincount(x)`, the same array",
        target=2.0,
        prepare=_prepare_nps_bincount,
        timer=time_in_process,
        params=_sizes,
        about="the single-pass limit: no implementation can skip counting the "
        "scores, so the ratio is what validation and the estimate add to it",
    ),
    Case(
        name="nps-bootstrap",
        ours_label='`cx.nps(x, ci="bootstrap", rng=0)`, {bootstrap_rows:,} scores',
        peer_label="the same at {bootstrap_small:,} scores + `cx.nps(x)` at "
        "{bootstrap_rows:,}",
        target=2.0,
        prepare=_prepare_nps_bootstrap,
        timer=time_in_process,
        params=_sizes,
        about="the bootstrap resamples the three counts, not the rows, so its "
        "cost does not grow with the number of scores",
    ),
    Case(
        name="import",
        ours_label="`import cxmetrics`, fresh process",
        peer_label="`import pandas`, fresh process",
        target=1.3,
        prepare=_prepare_imports,
        timer=time_fresh_imports("cxmetrics", "pandas"),
        about="cxmetrics depends on pandas, so the ratio is what it adds on top; "
        "scipy must be imported only by the functions that need it, and the "
        "comparison, segment and sample-data modules load on first use; "
        "cxmetrics' bytecode is written first, as installing a wheel does",
    ),
    Case(
        name="nps-weighted",
        ours_label="`cx.nps(x, weights=w)`, {rows:,} int64 scores",
        peer_label="`np.bincount(x, weights=w)` + `np.bincount(x, weights=w*w)`",
        target=None,
        prepare=_prepare_nps_weighted,
        timer=time_in_process,
        params=_sizes,
        about="weighted counts and sums of squared weights, the statistics "
        "behind the weighted estimate and Kish's effective n",
    ),
)
