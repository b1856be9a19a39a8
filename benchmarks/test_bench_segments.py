"""pytest-benchmark cases for metrics by segment and over time.

Each group puts a cxmetrics call next to the pandas idiom that does the least
work towards the same table, so ``pytest benchmarks`` shows both side by
side; every case checks its result, so the CI smoke run catches a wrong
answer too. The ratio that matters is reported by ``benchmarks/compare.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from cases_segments import survey_frame

import cxmetrics as cx


@pytest.fixture(scope="module")
def segment_frame(size: int) -> pd.DataFrame:
    """Scores and a segment key, one segment per 5,000 rows (10 to 1,000)."""
    return survey_frame(size, segments=min(1_000, max(10, size // 5_000)))


@pytest.fixture(scope="module")
def dated_frame(segment_frame: pd.DataFrame) -> pd.DataFrame:
    """The same rows with a day in 2025 each, and weights."""
    rng = np.random.default_rng(8)
    days = rng.integers(0, 365, len(segment_frame))
    return segment_frame.assign(
        date=pd.Timestamp("2025-01-01") + pd.to_timedelta(days, unit="D"),
        w=rng.uniform(0.5, 2.0, len(segment_frame)),
    )


def _counts(frame: pd.DataFrame) -> pd.DataFrame:
    table = frame.groupby("seg")["score"].value_counts().unstack(fill_value=0)
    table = table.reindex(columns=range(11), fill_value=0)
    return pd.DataFrame(
        {
            "promoters": table.loc[:, 9:10].sum(axis=1),
            "detractors": table.loc[:, 0:6].sum(axis=1),
        }
    )


# NPS by segment -----------------------------------------------------------------


@pytest.mark.benchmark(group="by-segment")
def test_by_segment_nps(benchmark: Any, segment_frame: pd.DataFrame) -> None:
    table = benchmark(cx.by_segment, segment_frame, cx.nps, column="score", by="seg")
    expected = _counts(segment_frame)
    assert table["promoters"].tolist() == expected["promoters"].tolist()
    assert table["detractors"].tolist() == expected["detractors"].tolist()
    assert table["p_adjusted"].notna().all()


@pytest.mark.benchmark(group="by-segment")
def test_by_segment_peer_value_counts(
    benchmark: Any, segment_frame: pd.DataFrame
) -> None:
    counts = benchmark(
        lambda df: df.groupby("seg")["score"].value_counts(), segment_frame
    )
    assert int(counts.sum()) == len(segment_frame)


@pytest.mark.benchmark(group="by-segment")
def test_by_segment_nps_weighted(benchmark: Any, dated_frame: pd.DataFrame) -> None:
    table = benchmark(
        cx.by_segment, dated_frame, cx.nps, column="score", by="seg", weights="w"
    )
    assert (table["effective_n"] <= table["n"]).all()


# Trends ------------------------------------------------------------------------


@pytest.mark.benchmark(group="over-time")
def test_over_time_nps_weekly(benchmark: Any, dated_frame: pd.DataFrame) -> None:
    trend = benchmark(
        cx.over_time,
        dated_frame,
        cx.nps,
        column="score",
        time="date",
        freq="W",
        compare_to="previous",
    )
    assert int(trend["n"].sum()) == len(dated_frame)


@pytest.mark.benchmark(group="over-time")
def test_over_time_peer_resample(benchmark: Any, dated_frame: pd.DataFrame) -> None:
    def weekly_share_of_promoters(frame: pd.DataFrame) -> pd.Series[float]:
        promoters = (frame["score"] >= 9).astype(float)
        return promoters.groupby(frame["date"].dt.to_period("W")).mean()

    shares = benchmark(weekly_share_of_promoters, dated_frame)
    assert shares.between(0, 1).all()
