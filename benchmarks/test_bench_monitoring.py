"""pytest-benchmark cases for monitoring: a control chart next to its trend.

The chart reads the rows once, as `cx.over_time` does, then computes its
limits from the weekly statistics; ``benchmarks/compare.py`` reports the
ratio of the two.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from cases_monitoring import weekly_frame

import cxmetrics as cx


@pytest.fixture(scope="module")
def frame(size: int) -> pd.DataFrame:
    """Scores on the days of 520 weeks."""
    return weekly_frame(size)


@pytest.mark.benchmark(group="control-chart")
def test_control_chart_nps_weekly(benchmark: Any, frame: pd.DataFrame) -> None:
    chart = benchmark(
        cx.control_chart, frame, cx.nps, column="score", time="date", freq="W"
    )
    assert int(chart["n"].sum()) == len(frame)
    assert chart["signal"].dtype == bool


@pytest.mark.benchmark(group="control-chart")
def test_control_chart_cusum_weekly(benchmark: Any, frame: pd.DataFrame) -> None:
    chart = benchmark(
        cx.control_chart,
        frame,
        cx.nps,
        column="score",
        time="date",
        freq="W",
        chart="cusum",
    )
    assert (chart["cusum_upper"] >= 0).all()


@pytest.mark.benchmark(group="control-chart")
def test_control_chart_peer_over_time(benchmark: Any, frame: pd.DataFrame) -> None:
    trend = benchmark(
        cx.over_time, frame, cx.nps, column="score", time="date", freq="W"
    )
    assert int(trend["n"].sum()) == len(frame)
