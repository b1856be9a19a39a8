"""pytest-benchmark cases for survey design: score interval, raking, key drivers.

Each case checks its result, so the CI smoke run (``--benchmark-disable``:
each case runs once) catches a wrong answer too. The ratios that matter are
reported by ``benchmarks/compare.py`` (cases ``nps-score``, ``rake`` and
``key-drivers``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from cases_survey_design import DRIVERS, RAKE_MARGINS, driver_data, raking_data

import cxmetrics as cx


@pytest.mark.benchmark(group="nps-score")
def test_nps_score(benchmark: Any, nps_scores: npt.NDArray[np.int64]) -> None:
    result = benchmark(cx.nps, nps_scores, ci="score")
    assert result.ci is not None
    assert result.ci.low <= result.value <= result.ci.high


@pytest.mark.benchmark(group="nps-score")
def test_nps_score_peer_wald(benchmark: Any, nps_scores: npt.NDArray[np.int64]) -> None:
    result = benchmark(cx.nps, nps_scores, ci="wald")
    assert result.ci is not None


@pytest.fixture(scope="module")
def raking_frame(size: int) -> pd.DataFrame:
    return raking_data(size)


@pytest.mark.benchmark(group="rake")
def test_rake(benchmark: Any, raking_frame: pd.DataFrame) -> None:
    raked = benchmark(cx.rake, raking_frame, RAKE_MARGINS)
    assert raked.converged
    shares = pd.Series(np.asarray(raked)).groupby(raking_frame["region"].to_numpy())
    assert shares.sum()["East"] == pytest.approx(0.3 * len(raking_frame))


@pytest.mark.benchmark(group="rake")
def test_rake_peer_groupby_sums(benchmark: Any, raking_frame: pd.DataFrame) -> None:
    passes = cx.rake(raking_frame, RAKE_MARGINS).iterations
    weights = pd.Series(np.ones(len(raking_frame)))

    def sums() -> int:
        for _ in range(passes):
            for column in RAKE_MARGINS:
                weights.groupby(raking_frame[column].to_numpy()).sum()
        return passes

    assert benchmark(sums) == passes


@pytest.fixture(scope="module")
def drivers_frame(size: int) -> pd.DataFrame:
    return driver_data(min(size, 20_000))


@pytest.mark.benchmark(group="key-drivers")
def test_key_drivers(benchmark: Any, drivers_frame: pd.DataFrame) -> None:
    table = benchmark(cx.key_drivers, drivers_frame, "y", DRIVERS, n_resamples=100)
    assert table["importance"].sum() == pytest.approx(table.attrs["r_squared"])
    assert table.loc[0, "rank"] == 1
