"""pytest-benchmark cases for the survey metrics: NPS, CSAT and CES.

Each group puts a cxmetrics call next to the plain numpy or pandas idiom that
does the least work for the same answer, so ``pytest benchmarks`` shows both
side by side. Every case also checks its result, so the CI smoke run
(``--benchmark-disable``: each case runs once) catches a wrong answer too.
The ratios that matter are reported by ``benchmarks/compare.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

import cxmetrics as cx

Scores = npt.NDArray[np.int64]
Weights = npt.NDArray[np.float64]


def _nps_from_bincount(scores: Scores) -> float:
    counts = np.bincount(scores, minlength=11)
    return float(100.0 * (counts[9:].sum() - counts[:7].sum()) / scores.size)


# NPS on large integer arrays -------------------------------------------------


@pytest.mark.benchmark(group="nps")
def test_nps(benchmark: Any, nps_scores: Scores) -> None:
    result = benchmark(cx.nps, nps_scores)
    assert result.n == nps_scores.size
    assert result.value == pytest.approx(_nps_from_bincount(nps_scores))


@pytest.mark.benchmark(group="nps")
def test_nps_without_interval(benchmark: Any, nps_scores: Scores) -> None:
    result = benchmark(cx.nps, nps_scores, ci=None)
    assert result.ci is None


@pytest.mark.benchmark(group="nps")
def test_nps_peer_bincount(benchmark: Any, nps_scores: Scores) -> None:
    counts = benchmark(np.bincount, nps_scores)
    assert counts.sum() == nps_scores.size


@pytest.mark.benchmark(group="nps")
def test_nps_series_with_missing(
    benchmark: Any, nps_scores_with_missing: pd.Series[float]
) -> None:
    result = benchmark(cx.nps, nps_scores_with_missing)
    assert result.n_missing == int(nps_scores_with_missing.isna().sum())


@pytest.mark.benchmark(group="nps")
def test_nps_peer_pandas_idiom(
    benchmark: Any, nps_scores_with_missing: pd.Series[float]
) -> None:
    def pandas_nps(scores: pd.Series[float]) -> float:
        valid = scores.dropna()
        return float(100.0 * ((valid >= 9).mean() - (valid <= 6).mean()))

    value = benchmark(pandas_nps, nps_scores_with_missing)
    assert value == pytest.approx(cx.nps(nps_scores_with_missing).value)


# NPS with weights -------------------------------------------------------------


@pytest.mark.benchmark(group="nps-weighted")
def test_nps_weighted(
    benchmark: Any, nps_scores: Scores, survey_weights: Weights
) -> None:
    result = benchmark(cx.nps, nps_scores, weights=survey_weights)
    total = np.bincount(nps_scores, weights=survey_weights, minlength=11)
    assert result.promoters == pytest.approx(total[9:].sum())
    assert result.effective_n <= nps_scores.size


@pytest.mark.benchmark(group="nps-weighted")
def test_nps_weighted_peer_bincount(
    benchmark: Any, nps_scores: Scores, survey_weights: Weights
) -> None:
    def weighted_counts(
        scores: Scores, weights: Weights
    ) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        return (
            np.bincount(scores, weights=weights),
            np.bincount(scores, weights=weights * weights),
        )

    total, squared = benchmark(weighted_counts, nps_scores, survey_weights)
    assert total.sum() >= squared.sum() / 2.0


# NPS intervals ----------------------------------------------------------------


@pytest.mark.benchmark(group="nps-bootstrap")
def test_nps_bootstrap(benchmark: Any, nps_scores: Scores) -> None:
    result = benchmark(cx.nps, nps_scores, ci="bootstrap", rng=0)
    assert result.ci is not None
    assert result.ci.low <= result.value <= result.ci.high


@pytest.mark.benchmark(group="nps-bootstrap")
def test_nps_bootstrap_small_sample(benchmark: Any, nps_scores: Scores) -> None:
    # The bootstrap draws the three counts, not the rows: its cost should
    # match the large-sample case above less the cost of the counting pass.
    result = benchmark(cx.nps, nps_scores[:1_000], ci="bootstrap", rng=0)
    assert result.ci is not None


@pytest.mark.benchmark(group="nps-bootstrap")
def test_nps_bayes(benchmark: Any, nps_scores: Scores) -> None:
    result = benchmark(cx.nps, nps_scores, ci="bayes", rng=0)
    assert result.ci is not None
    assert result.ci.low <= result.value <= result.ci.high


# Per-call overhead -------------------------------------------------------------


@pytest.mark.benchmark(group="per-call")
def test_nps_few_scores(benchmark: Any) -> None:
    scores = [10, 9, 8, 6, 10, 9, 3, 7]
    result = benchmark(cx.nps, scores)
    assert result.value == pytest.approx(25.0)


@pytest.mark.benchmark(group="per-call")
def test_nps_from_counts(benchmark: Any) -> None:
    result = benchmark(cx.nps_from_counts, 90, 60, 50)
    assert result.value == pytest.approx(20.0)


# CSAT -------------------------------------------------------------------------


@pytest.mark.benchmark(group="csat")
def test_csat(benchmark: Any, csat_ratings: Scores) -> None:
    result = benchmark(cx.csat, csat_ratings)
    assert result.value == pytest.approx(float(np.mean(csat_ratings >= 4)))


@pytest.mark.benchmark(group="csat")
def test_csat_weighted(
    benchmark: Any, csat_ratings: Scores, survey_weights: Weights
) -> None:
    result = benchmark(cx.csat, csat_ratings, weights=survey_weights)
    expected = np.average(csat_ratings >= 4, weights=survey_weights)
    assert result.value == pytest.approx(float(expected))


@pytest.mark.benchmark(group="csat")
def test_csat_peer_mean(benchmark: Any, csat_ratings: Scores) -> None:
    share = benchmark(lambda ratings: float(np.mean(ratings >= 4)), csat_ratings)
    assert 0.0 <= share <= 1.0


# CES --------------------------------------------------------------------------


@pytest.mark.benchmark(group="ces")
@pytest.mark.parametrize("method", ["mean", "percent_easy", "net_easy"])
def test_ces(benchmark: Any, ces_ratings: Scores, method: str) -> None:
    result = benchmark(cx.ces, ces_ratings, method=method)
    assert result.n == ces_ratings.size
    if method == "mean":
        assert result.value == pytest.approx(float(ces_ratings.mean()))


@pytest.mark.benchmark(group="ces")
def test_ces_peer_mean(benchmark: Any, ces_ratings: Scores) -> None:
    mean = benchmark(np.mean, ces_ratings)
    assert 1.0 <= mean <= 7.0
