"""Benchmark cases of segments and trends: NPS by segment against pandas."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from harness import Case, Pair, Sizes, require, time_in_process

import cxmetrics as cx

__all__ = ["CASES"]


def _sizes(sizes: Sizes) -> dict[str, Any]:
    """Rows and segments of the by-segment case."""
    if sizes.quick:
        return {"rows": 200_000, "segments": 100}
    return {"rows": 5_000_000, "segments": 1_000}


def survey_frame(rows: int, segments: int, seed: int = 20_260_301) -> pd.DataFrame:
    """0-10 scores (int64, skewed to the top) and an int64 segment key per row.

    The segments differ in loyalty, so the tests have something to find.
    """
    rng = np.random.default_rng(seed)
    seg = rng.integers(0, segments, rows)
    base = np.array([2, 1, 1, 2, 2, 5, 6, 12, 18, 22, 29], dtype=np.float64)
    # Two kinds of segment: one a little more loyal than the other.
    tilted = base * np.linspace(0.8, 1.2, 11)
    loyal = rng.random(segments) < 0.5
    draws = rng.random(rows)
    scores = np.where(
        loyal[seg],
        np.searchsorted(np.cumsum(tilted) / tilted.sum(), draws, side="right"),
        np.searchsorted(np.cumsum(base) / base.sum(), draws, side="right"),
    )
    return pd.DataFrame({"seg": seg, "score": np.minimum(scores, 10).astype(np.int64)})


def _category_counts(counts: pd.Series[Any]) -> pd.DataFrame:
    """Promoters, passives and detractors per segment from value_counts."""
    table = counts.unstack(fill_value=0).reindex(columns=range(11), fill_value=0)
    return pd.DataFrame(
        {
            "promoters": table.loc[:, 9:10].sum(axis=1),
            "passives": table.loc[:, 7:8].sum(axis=1),
            "detractors": table.loc[:, 0:6].sum(axis=1),
        }
    )


def _prepare_by_segment(sizes: Sizes) -> Pair:
    size = _sizes(sizes)
    frame = survey_frame(size["rows"], size["segments"])

    def check(ours: pd.DataFrame, peer: pd.Series[Any]) -> None:
        expected = _category_counts(peer)
        require(
            ours["seg"].tolist() == expected.index.tolist(),
            "cx.by_segment segments differ from the groupby's",
        )
        for name in ("promoters", "passives", "detractors"):
            require(
                ours[name].tolist() == expected[name].tolist(),
                f"cx.by_segment {name} per segment differ from value_counts",
            )
        pro, det = expected["promoters"], expected["detractors"]
        value = 100.0 * (pro - det) / expected.sum(axis=1)
        require(
            bool(np.allclose(ours["value"], value, rtol=1e-12, atol=0.0)),
            "cx.by_segment NPS per segment differs from value_counts",
        )
        require(
            bool(ours["p_adjusted"].notna().all()),
            "cx.by_segment left a segment without a test",
        )

    return Pair(
        ours=lambda: cx.by_segment(frame, cx.nps, column="score", by="seg"),
        peer=lambda: frame.groupby("seg")["score"].value_counts(),
        check=check,
    )


def _survival_sizes(sizes: Sizes) -> dict[str, Any]:
    """Customers and segments of the survival-by-segment case."""
    if sizes.quick:
        return {"rows": 100_000, "segments": 100}
    return {"rows": 1_000_000, "segments": 100}


def lifetime_frame(rows: int, segments: int, seed: int = 20_261_201) -> pd.DataFrame:
    """Whole-day lifetimes (up to about three years), churned or still active.

    Segments differ in their churn hazard; about 40% of customers are censored.
    """
    rng = np.random.default_rng(seed)
    seg = rng.integers(0, segments, rows)
    hazard = np.linspace(1 / 500, 1 / 250, segments)[seg]
    lifetime = rng.exponential(1.0 / hazard)
    followed = rng.uniform(30.0, 1_100.0, rows)
    days = np.minimum(lifetime, followed).astype(np.int64)
    return pd.DataFrame({"seg": seg, "days": days, "churned": lifetime <= followed})


def _prepare_survival(sizes: Sizes) -> Pair:
    size = _survival_sizes(sizes)
    frame = lifetime_frame(size["rows"], size["segments"])
    seg = frame["seg"].to_numpy()
    days = frame["days"].to_numpy()
    churned = frame["churned"].to_numpy()
    span = int(days.max()) + 1

    def peer() -> Any:
        # One pass over segment x day x (censored, churned): the counting
        # every life table by segment needs, and nothing more.
        return np.bincount(
            (seg * span + days) * 2 + churned, minlength=2 * span * size["segments"]
        )

    def check(ours: pd.DataFrame, counts: Any) -> None:
        table = counts.reshape(size["segments"], span, 2)
        require(
            ours["events"].tolist() == table[..., 1].sum(axis=1).tolist(),
            "by_segment(survival_curve): events per segment differ from the bincount",
        )
        require(
            ours["n"].tolist() == table.sum(axis=(1, 2)).tolist(),
            "by_segment(survival_curve): customers per segment differ",
        )
        # The median of one segment, from its own curve: the first day S <= 1/2.
        first = frame[frame["seg"] == 0]
        one = cx.survival_curve(first["days"], first["churned"])
        require(
            float(ours.loc[0, "median"]) == one.median,
            "by_segment(survival_curve): segment 0's median differs from its curve",
        )

    return Pair(
        ours=lambda: cx.by_segment(
            frame, cx.survival_curve, column=("days", "churned"), by="seg"
        ),
        peer=peer,
        check=check,
    )


CASES: tuple[Case, ...] = (
    Case(
        name="by-segment",
        ours_label='`cx.by_segment(df, cx.nps, column="score", by="seg")`, '
        "{rows:,} rows x {segments:,} segments",
        peer_label='`df.groupby("seg")["score"].value_counts()` alone',
        target=3.0,
        prepare=_prepare_by_segment,
        timer=time_in_process,
        params=_sizes,
        about="NPS, its adjusted Wald interval and the test of each segment "
        "against the rest with the Holm correction, against pandas counting the "
        "scores per segment and nothing more; the check compares the promoters, "
        "passives and detractors of every segment",
    ),
    Case(
        name="survival-by-segment",
        ours_label='`cx.by_segment(df, cx.survival_curve, column=("days", '
        '"churned"), by="seg")`, {rows:,} customers x {segments:,} segments',
        peer_label="one `np.bincount` over segment x day x churned",
        target=3.0,
        prepare=_prepare_survival,
        timer=time_in_process,
        params=_survival_sizes,
        about="Kaplan-Meier by segment on whole-day lifetimes: each segment's "
        "median and its interval, and the log-rank test of each against the "
        "rest with the Holm correction, against the one counting pass every "
        "life table needs; the check compares the events and customers of "
        "every segment and the median of one with its own curve",
    ),
)
