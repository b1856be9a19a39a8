"""Benchmark cases of monitoring: a control chart against the trend it is built on."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from harness import Case, Pair, Sizes, require, time_in_process

import cxmetrics as cx

__all__ = ["CASES", "weekly_frame"]

#: Ten years of weeks.
WEEKS = 520


def _sizes(sizes: Sizes) -> dict[str, Any]:
    """Rows of the control-chart case."""
    return {"rows": 200_000 if sizes.quick else 10_000_000, "weeks": WEEKS}


def weekly_frame(rows: int, weeks: int = WEEKS, seed: int = 20_260_401) -> pd.DataFrame:
    """0-10 scores (int64) on a day of ``weeks`` weeks from Monday 2016-01-04."""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 7 * weeks, rows)
    base = np.array([2, 1, 1, 2, 2, 5, 6, 12, 18, 22, 29], dtype=np.float64)
    scores = rng.choice(11, size=rows, p=base / base.sum())
    return pd.DataFrame(
        {
            "date": pd.Timestamp("2016-01-04") + pd.to_timedelta(days, unit="D"),
            "score": scores.astype(np.int64),
        }
    )


def _prepare_control_chart(sizes: Sizes) -> Pair:
    frame = weekly_frame(_sizes(sizes)["rows"])

    def check(chart: pd.DataFrame, trend: pd.DataFrame) -> None:
        require(len(chart.index) == WEEKS, "cx.control_chart has a row per week")
        require(
            chart.index.equals(trend.index),
            "cx.control_chart's weeks differ from cx.over_time's",
        )
        require(
            chart["n"].tolist() == trend["n"].tolist(),
            "cx.control_chart's counts per week differ from cx.over_time's",
        )
        require(
            bool(np.allclose(chart["value"], trend["value"], rtol=1e-12, atol=0.0)),
            "cx.control_chart's weekly NPS differs from cx.over_time's",
        )

    return Pair(
        ours=lambda: cx.control_chart(
            frame, cx.nps, column="score", time="date", freq="W"
        ),
        peer=lambda: cx.over_time(frame, cx.nps, column="score", time="date", freq="W"),
        check=check,
    )


CASES: tuple[Case, ...] = (
    Case(
        name="control-chart",
        ours_label='`cx.control_chart(df, cx.nps, column="score", time="date", '
        'freq="W")`, {rows:,} rows x {weeks:,} weeks',
        peer_label='`cx.over_time(df, cx.nps, column="score", time="date", '
        'freq="W")` on the same frame',
        target=1.5,
        prepare=_prepare_control_chart,
        timer=time_in_process,
        params=_sizes,
        about="the weekly Shewhart chart of NPS against the weekly NPS trend it "
        "shares its one pass over the rows with: the chart's own work (the "
        "baseline, the trinomial spread, the limits) must stay small next to "
        "reading the rows; the check compares the weeks, their counts and "
        "their NPS",
    ),
)
