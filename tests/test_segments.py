"""Tests of cxmetrics.segments: by_segment and over_time.

Two references. The independent one (at the end) computes each family's
segments with plain pandas sums, statsmodels and scipy. The consistency one
calls the metric on the segment's (or the period's) rows alone, and
`cxmetrics.compare` of those rows against the rest's (or the previous
period's), with a Python loop: the one-sample path and the grouped path run
the same kernel but sum and split the rows differently, so every metric and
option is covered. p-value adjustment is checked against statsmodels'
``multipletests``.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

import cxmetrics as cx

RTOL = 1e-9
ATOL = 1e-12
SEGMENTS = 40


def exact(message: str) -> str:
    """A regex that matches exactly ``message``."""
    return "^" + re.escape(message) + "$"


# ---------------------------------------------------------------------------
# Random frames


def _with_missing(
    values: np.ndarray, rng: np.random.Generator, share: float
) -> np.ndarray:
    out = values.astype(np.float64)
    out[rng.random(out.size) < share] = np.nan
    return out


def random_frame(
    seed: int, rows: int = 4_000, segments: int = SEGMENTS
) -> pd.DataFrame:
    """Many segments, every kind of data column, a few missing values in each."""
    rng = np.random.default_rng(seed)
    seg = rng.integers(0, segments, rows)
    skew = np.linspace(0.5, 1.5, segments)[seg]  # segments differ a little
    answered = rng.random(rows) < 0.8
    wait = rng.exponential(25.0 * skew)
    duration = rng.exponential(3.0 * skew)
    frame = pd.DataFrame(
        {
            "seg": seg,
            "score": _with_missing(
                np.clip(
                    np.rint(rng.normal(7.5, 2.5, rows) * skew / skew.mean() + 0.5),
                    0,
                    10,
                ),
                rng,
                0.03,
            ),
            "rating5": _with_missing(rng.integers(1, 6, rows), rng, 0.03),
            "rating7": _with_missing(rng.integers(1, 8, rows), rng, 0.03),
            "contacts": _with_missing(1 + rng.poisson(0.6 * skew), rng, 0.03),
            "reopens": _with_missing(rng.poisson(0.3 * skew), rng, 0.03),
            "converted": _with_missing(rng.random(rows) < 0.2 * skew, rng, 0.03),
            "abandoned": _with_missing(~answered, rng, 0.03),
            "answered": _with_missing(answered, rng, 0.03),
            "wait": _with_missing(wait, rng, 0.03),
            "duration": _with_missing(duration, rng, 0.03),
            "target": rng.choice([2.0, 4.0, 8.0], rows),
            "open": _with_missing(rng.random(rows) < 0.1, rng, 0.02),
            "talk": _with_missing(rng.gamma(4.0, 60.0 * skew), rng, 0.03),
            "hold": rng.choice([0.0, 30.0, 90.0], rows),
            "wrap": rng.gamma(2.0, 15.0, rows),
            "w": rng.uniform(0.2, 3.0, rows),
        }
    )
    return frame


class Case(NamedTuple):
    """A metric call as by_segment takes it, and as the oracle makes it."""

    id: str
    metric: Callable[..., Any]
    column: str | tuple[str, ...]
    options: dict[str, Any]
    columns_in_options: tuple[str, ...] = ()  # options that name a column

    def call(self, rows: pd.DataFrame) -> Any:
        """The metric on ``rows`` alone: the oracle."""
        names = (self.column,) if isinstance(self.column, str) else self.column
        options = {
            key: rows[value] if key in self.columns_in_options else value
            for key, value in self.options.items()
        }
        return self.metric(*(rows[name] for name in names), **options)


CASES = [
    Case("nps", cx.nps, "score", {}),
    Case("nps-wald", cx.nps, "score", {"ci": "wald"}),
    Case("nps-weighted", cx.nps, "score", {"weights": "w"}, ("weights",)),
    Case("csat", cx.csat, "rating5", {}),
    Case("csat-weighted", cx.csat, "rating5", {"weights": "w"}, ("weights",)),
    Case(
        "csat-satisfied-jeffreys",
        cx.csat,
        "rating5",
        {"satisfied": [5], "ci": "jeffreys"},
    ),
    Case(
        "top-two-box",
        cx.top_box,
        "rating5",
        {"scale": (1, 5), "boxes": 2, "ci": "clopper_pearson"},
    ),
    Case("mean-score", cx.mean_score, "rating5", {"scale": (1, 5)}),
    Case(
        "mean-score-weighted",
        cx.mean_score,
        "rating5",
        {"scale": (1, 5), "weights": "w"},
        ("weights",),
    ),
    Case("ces-mean", cx.ces, "rating7", {}),
    Case(
        "ces-percent-easy",
        cx.ces,
        "rating7",
        {"method": "percent_easy", "ci": "agresti_coull"},
    ),
    Case("ces-net-easy", cx.ces, "rating7", {"method": "net_easy"}),
    Case(
        "ces-net-easy-weighted",
        cx.ces,
        "rating7",
        {"method": "net_easy", "weights": "w", "ci": "wald"},
        ("weights",),
    ),
    Case("fcr", cx.fcr_rate, "contacts", {}),
    Case(
        "fcr-weighted",
        cx.fcr_rate,
        "contacts",
        {"weights": "w", "ci": "wald"},
        ("weights",),
    ),
    Case("reopen", cx.reopen_rate, "reopens", {}),
    Case("conversion", cx.conversion_rate, "converted", {}),
    Case(
        "conversion-weighted",
        cx.conversion_rate,
        "converted",
        {"weights": "w"},
        ("weights",),
    ),
    Case("abandonment", cx.abandonment_rate, "abandoned", {}),
    Case(
        "abandonment-short",
        cx.abandonment_rate,
        "abandoned",
        {"wait_time": "wait", "short_abandon": 5},
        ("wait_time",),
    ),
    Case("service-level", cx.service_level, ("wait", "answered"), {"threshold": 20}),
    Case(
        "service-level-exclude",
        cx.service_level,
        ("wait", "answered"),
        {"threshold": 20, "abandoned": "exclude", "weights": "w"},
        ("weights",),
    ),
    Case(
        "service-level-exclude-short",
        cx.service_level,
        ("wait", "answered"),
        {"threshold": 30, "abandoned": "exclude_short", "short_abandon": 10},
    ),
    Case(
        "sla",
        cx.sla_attainment,
        ("duration", "target"),
        {"pending": "open"},
        ("pending",),
    ),
    Case("sla-one-target", cx.sla_attainment, "duration", {"targets": 4.0}),
    Case("asa", cx.average_speed_of_answer, ("wait", "answered"), {}),
    Case(
        "asa-weighted",
        cx.average_speed_of_answer,
        ("wait", "answered"),
        {"weights": "w"},
        ("weights",),
    ),
    Case("aht", cx.average_handle_time, ("talk", "hold", "wrap"), {}),
    Case(
        "aht-hold-scalar",
        cx.average_handle_time,
        "talk",
        {"hold": 30, "wrap": "wrap"},
        ("wrap",),
    ),
    Case("nps-propagate", cx.nps, "score", {"nan_policy": "propagate"}),
]

#: The columns that hold each kind of result's own counts.
COUNT_FIELDS = {
    cx.NPSResult: ("promoters", "passives", "detractors", "effective_n"),
    cx.NetScoreResult: ("positive", "neutral", "negative", "effective_n"),
    cx.RateResult: ("successes", "total_weight", "effective_n"),
    cx.MeanResult: ("std", "effective_n"),
}


def close(actual: float, expected: float) -> bool:
    if math.isnan(expected):
        return math.isnan(actual)
    return math.isclose(actual, expected, rel_tol=RTOL, abs_tol=ATOL)


def assert_row_is(row: pd.Series, result: Any) -> None:
    """One table row against the metric's result on the segment's rows."""
    assert row["n"] == result.n
    assert row["n_missing"] == result.n_missing
    assert close(row["value"], result.value), (row["value"], result.value)
    if result.ci is not None:
        assert close(row["ci_low"], result.ci.low), (row["ci_low"], result.ci.low)
        assert close(row["ci_high"], result.ci.high), (row["ci_high"], result.ci.high)
    for name in COUNT_FIELDS[type(result)]:
        assert close(row[name], getattr(result, name)), (
            name,
            row[name],
            getattr(result, name),
        )
    if isinstance(result, cx.RateResult) and "n_pending" in row:
        assert row["n_pending"] == result.n_pending


def assert_comparison_is(
    diff: float, low: float, high: float, p_value: float, comparison: Any
) -> None:
    assert close(diff, comparison.difference), (diff, comparison.difference)
    assert close(low, comparison.ci.low), (low, comparison.ci.low)
    assert close(high, comparison.ci.high), (high, comparison.ci.high)
    assert close(p_value, comparison.p_value), (p_value, comparison.p_value)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return random_frame(seed=11)


# ---------------------------------------------------------------------------
# The oracle: every segment against the metric and compare on its own rows


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_segment_equals_the_metric_on_its_rows(frame, case):
    table = cx.by_segment(
        frame, case.metric, column=case.column, by="seg", **case.options
    )
    assert table["seg"].tolist() == sorted(frame["seg"].unique())
    for row in table.itertuples(index=False):
        row = pd.Series(row._asdict())
        inside = frame["seg"] == row["seg"]
        mine, rest = case.call(frame[inside]), case.call(frame[~inside])
        assert_row_is(row, mine)
        assert_comparison_is(
            row["difference"],
            row["difference_ci_low"],
            row["difference_ci_high"],
            row["p_value"],
            cx.compare(mine, rest),
        )


@pytest.mark.parametrize("case", CASES[:3], ids=[c.id for c in CASES[:3]])
def test_holm_equals_statsmodels(frame, case):
    table = cx.by_segment(
        frame, case.metric, column=case.column, by="seg", **case.options
    )
    expected = multipletests(table["p_value"], method="holm")[1]
    np.testing.assert_allclose(table["p_adjusted"], expected, rtol=1e-12)
    np.testing.assert_array_equal(table["significant"], expected < 0.05)


@pytest.mark.parametrize("method", ["holm", "bonferroni", "fdr_bh"])
def test_every_correction_equals_statsmodels(frame, method):
    table = cx.by_segment(frame, cx.csat, column="rating5", by="seg", correction=method)
    expected = multipletests(table["p_value"], method=method)[1]
    np.testing.assert_allclose(table["p_adjusted"], expected, rtol=1e-12)


def test_no_correction_leaves_the_p_values(frame):
    table = cx.by_segment(frame, cx.csat, column="rating5", by="seg", correction=None)
    np.testing.assert_array_equal(table["p_adjusted"], table["p_value"])


def test_significant_and_low_n_follow_confidence_and_min_n(frame):
    table = cx.by_segment(
        frame, cx.nps, column="score", by="seg", confidence=0.9, min_n=100
    )
    np.testing.assert_array_equal(table["significant"], table["p_adjusted"] < 0.1)
    np.testing.assert_array_equal(table["low_n"], table["n"] < 100)
    assert table["low_n"].any()
    assert not table["low_n"].all()
    # The interval is at 90% too: the metric on one segment's rows agrees.
    first = frame[frame["seg"] == 0]
    assert close(table["ci_low"].iloc[0], cx.nps(first["score"], confidence=0.9).ci.low)


def test_the_table_has_its_columns_in_order(frame):
    table = cx.by_segment(frame, cx.nps, column="score", by="seg")
    assert table.columns.tolist() == [
        "seg",
        "n",
        "value",
        "ci_low",
        "ci_high",
        "promoters",
        "passives",
        "detractors",
        "n_missing",
        "effective_n",
        "difference",
        "difference_ci_low",
        "difference_ci_high",
        "p_value",
        "p_adjusted",
        "significant",
        "low_n",
    ]
    assert table["promoters"].dtype == np.int64
    assert table["n"].dtype == np.int64
    assert table["significant"].dtype == bool


@pytest.mark.parametrize(
    ("metric", "column", "options"),
    [
        (cx.nps, "score", {}),
        (cx.csat, "rating5", {}),
        (cx.mean_score, "rating5", {"scale": (1, 5)}),
        (cx.average_handle_time, "talk", {}),
    ],
)
def test_no_interval_leaves_out_the_interval_columns(frame, metric, column, options):
    table = cx.by_segment(frame, metric, column=column, by="seg", ci=None, **options)
    assert "ci_low" not in table.columns
    assert "ci_high" not in table.columns
    assert table["p_value"].notna().all()
    with_interval = cx.by_segment(frame, metric, column=column, by="seg", **options)
    np.testing.assert_array_equal(table["value"], with_interval["value"])
    np.testing.assert_array_equal(table["p_value"], with_interval["p_value"])


# ---------------------------------------------------------------------------
# A worked example


def test_worked_example_nps_wald():
    # A: 10, 10, 9, 7, 3 -> 3 promoters, 1 passive, 1 detractor: NPS 40.
    # B: 10, 6, 5, 8     -> 1 promoter, 1 passive, 2 detractors: NPS -25.
    frame = pd.DataFrame(
        {"team": list("AAAAABBBB"), "score": [10, 10, 9, 7, 3, 10, 6, 5, 8]}
    )
    table = cx.by_segment(frame, cx.nps, column="score", by="team", ci="wald")
    a, b = table.iloc[0], table.iloc[1]
    assert (a["promoters"], a["passives"], a["detractors"]) == (3, 1, 1)
    assert a["value"] == pytest.approx(40.0)
    assert b["value"] == pytest.approx(-25.0)
    # Trinomial variances: A 0.6 + 0.2 - 0.4^2 = 0.64; B 0.25 + 0.5 - 0.25^2 = 0.6875.
    se = math.sqrt(0.64 / 5 + 0.6875 / 4)
    z = 0.65 / se
    p_value = math.erfc(z / math.sqrt(2))
    assert a["difference"] == pytest.approx(65.0)
    assert b["difference"] == pytest.approx(-65.0)
    assert a["p_value"] == pytest.approx(p_value, rel=1e-12)
    assert b["p_value"] == pytest.approx(p_value, rel=1e-12)
    half = 1.959963984540054 * se * 100
    assert a["difference_ci_low"] == pytest.approx(65.0 - half, rel=1e-12)
    assert a["difference_ci_high"] == pytest.approx(65.0 + half, rel=1e-12)
    # Holm over two equal p-values: 2p for both.
    assert a["p_adjusted"] == pytest.approx(min(1.0, 2 * p_value), rel=1e-12)
    assert a["low_n"]
    assert b["low_n"]


# ---------------------------------------------------------------------------
# Against the whole


@pytest.mark.parametrize("case", [CASES[0], CASES[2], CASES[4], CASES[9], CASES[26]])
def test_against_the_whole_is_the_rest_scaled(frame, case):
    """segment - whole = W_rest / W_whole * (segment - rest), with the same test."""
    table = cx.by_segment(
        frame,
        case.metric,
        column=case.column,
        by="seg",
        compare_to="overall",
        **case.options,
    )
    whole = case.call(frame)
    for row in table.itertuples(index=False):
        row = pd.Series(row._asdict())
        inside = frame["seg"] == row["seg"]
        mine, rest = case.call(frame[inside]), case.call(frame[~inside])
        versus_rest = cx.compare(mine, rest)
        share = weight_of(rest) / weight_of(whole)
        assert close(row["difference"], mine.value - whole.value)
        assert close(row["difference_ci_low"], share * versus_rest.ci.low)
        assert close(row["difference_ci_high"], share * versus_rest.ci.high)
        assert close(row["p_value"], versus_rest.p_value)


def weight_of(result: Any) -> float:
    """The (weighted) size a result's value is an average over."""
    if isinstance(result, (cx.NPSResult, cx.NetScoreResult)):
        return result.total_weight
    return float(result.total_weight)


# ---------------------------------------------------------------------------
# Keys: several columns, missing keys, categories


def test_several_keys_and_a_missing_key_segment(frame):
    keyed = frame.assign(
        region=np.where(frame["seg"] % 3 == 0, "north", "south"),
        channel=pd.Series(np.where(frame["seg"] % 4 == 0, None, "web"), dtype=object),
    )
    table = cx.by_segment(keyed, cx.csat, column="rating5", by=["region", "channel"])
    assert table.columns[:2].tolist() == ["region", "channel"]
    # Four combinations; rows with a missing channel are one more segment
    # per region, listed after that region's channels.
    assert table["region"].tolist() == ["north", "north", "south", "south"]
    assert table["channel"].iloc[0] == "web"
    assert pd.isna(table["channel"].iloc[1])
    for row in table.itertuples(index=False):
        inside = (keyed["region"] == row.region) & (
            keyed["channel"].isna()
            if pd.isna(row.channel)
            else keyed["channel"] == row.channel
        )
        result = cx.csat(keyed.loc[inside, "rating5"])
        assert row.n == result.n
        assert close(row.value, result.value)


def test_rows_with_a_missing_key_form_the_last_segment(frame):
    keyed = frame.assign(key=frame["seg"].where(frame["seg"] % 7 != 0))  # float, NaN
    table = cx.by_segment(keyed, cx.nps, column="score", by="key")
    assert pd.isna(table["key"].iloc[-1])
    assert table["key"].iloc[:-1].notna().all()
    missing = keyed[keyed["key"].isna()]
    result = cx.nps(missing["score"])
    last = table.iloc[-1]
    assert last["n"] == result.n
    assert close(last["value"], result.value)
    comparison = cx.compare(result, cx.nps(keyed.loc[keyed["key"].notna(), "score"]))
    assert close(last["p_value"], comparison.p_value)
    # Every row is in exactly one segment.
    assert int(table["n"].sum() + table["n_missing"].sum()) == len(keyed)


def keyed_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Three keys: a categorical with a missing value, text with None, floats."""
    rng = np.random.default_rng(9)
    rows = len(frame)
    return frame.assign(
        tier=pd.Categorical(
            rng.choice(["gold", "silver", None], rows),
            categories=["silver", "gold", "x"],
        ),
        city=pd.Series(rng.choice(["Oslo", "Rome", None], rows), dtype=object),
        zone=np.where(rng.random(rows) < 0.1, np.nan, rng.integers(0, 250, rows)),
    )


def test_several_keys_are_ordered_as_pandas_groups_them(frame):
    keyed = keyed_frame(frame)
    keys = ["tier", "city", "zone"]
    table = cx.by_segment(keyed, cx.nps, column="score", by=keys)
    groups = keyed.groupby(keys, sort=True, observed=True, dropna=False)
    expected = groups.size()
    pd.testing.assert_frame_equal(table[keys], expected.index.to_frame(index=False))
    np.testing.assert_array_equal(table["n"] + table["n_missing"], expected.to_numpy())


def test_a_huge_key_space_is_grouped_by_pandas(frame, monkeypatch):
    from cxmetrics import segments

    keyed = keyed_frame(frame)
    keys = ["zone", "seg"]  # about 250 x 40 combinations, more than the rows
    dense = cx.by_segment(keyed, cx.csat, column="rating5", by=keys)
    monkeypatch.setattr(segments, "_DENSE_COMBINATIONS", 1)
    sparse = cx.by_segment(keyed, cx.csat, column="rating5", by=keys)
    pd.testing.assert_frame_equal(sparse, dense)


def test_unused_categories_have_no_row_and_order_follows_the_categories():
    frame = pd.DataFrame(
        {
            "region": pd.Categorical(
                ["west", "east", "west", "east", "west"],
                categories=["west", "north", "east"],
            ),
            "score": [10, 3, 9, 8, 10],
        }
    )
    table = cx.by_segment(frame, cx.nps, column="score", by="region")
    assert table["region"].tolist() == ["west", "east"]
    assert table["n"].tolist() == [3, 2]


def test_a_segment_without_valid_rows_has_n_0_and_no_test(frame):
    holed = frame.assign(score=frame["score"].where(frame["seg"] != 5))
    table = cx.by_segment(holed, cx.nps, column="score", by="seg")
    empty = table[table["seg"] == 5].iloc[0]
    assert empty["n"] == 0
    assert empty["n_missing"] == int((frame["seg"] == 5).sum())
    assert math.isnan(empty["value"])
    assert math.isnan(empty["ci_low"])
    assert math.isnan(empty["p_value"])
    assert not empty["significant"]
    # The other segments are tested, and the correction counts them only.
    others = table[table["seg"] != 5]
    assert others["p_value"].notna().all()
    expected = multipletests(others["p_value"], method="holm")[1]
    np.testing.assert_allclose(others["p_adjusted"], expected, rtol=1e-12)


def test_one_segment_has_no_rest_to_compare_with(frame):
    table = cx.by_segment(frame.assign(one=1), cx.nps, column="score", by="one")
    assert len(table) == 1
    assert math.isnan(table["difference"].iloc[0])
    assert math.isnan(table["p_value"].iloc[0])
    assert close(table["value"].iloc[0], cx.nps(frame["score"]).value)


def test_the_survey_sample_by_region():
    survey = cx.datasets.load_survey()
    table = cx.by_segment(survey, cx.ces, column="ces", by="channel")
    assert table["channel"].tolist() == list(cx.datasets.CHANNELS)
    for row in table.itertuples(index=False):
        inside = survey["channel"] == row.channel
        result = cx.ces(survey.loc[inside, "ces"])
        assert row.n == result.n
        assert row.n_missing == result.n_missing
        assert close(row.value, result.value)


# ---------------------------------------------------------------------------
# Randomized intervals


def test_bootstrap_intervals_are_reproducible_and_hold_the_value(frame):
    first = cx.by_segment(
        frame,
        cx.nps,
        column="score",
        by="seg",
        ci="bootstrap",
        n_resamples=2_000,
        rng=3,
    )
    again = cx.by_segment(
        frame,
        cx.nps,
        column="score",
        by="seg",
        ci="bootstrap",
        n_resamples=2_000,
        rng=3,
    )
    pd.testing.assert_frame_equal(first, again)
    assert (first["ci_low"] <= first["value"]).all()
    assert (first["value"] <= first["ci_high"]).all()
    # The test is the adjusted Wald one, as compare does for bootstrap results.
    plain = cx.by_segment(frame, cx.nps, column="score", by="seg")
    np.testing.assert_array_equal(first["p_value"], plain["p_value"])


def test_bayes_intervals_are_close_to_the_single_sample_ones(frame):
    table = cx.by_segment(frame, cx.nps, column="score", by="seg", ci="bayes", rng=0)
    rows = frame[frame["seg"] == 0]["score"]
    alone = cx.nps(rows, ci="bayes", rng=0)
    assert table["ci_low"].iloc[0] == pytest.approx(alone.ci.low, abs=2.0)
    assert table["ci_high"].iloc[0] == pytest.approx(alone.ci.high, abs=2.0)


# ---------------------------------------------------------------------------
# Durations


def duration_frame(seed: int, rows: int = 3_000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    seg = rng.integers(0, 15, rows)
    created = pd.Series(
        pd.Timestamp("2026-01-05")
        + pd.to_timedelta(rng.integers(0, 120 * 24 * 60, rows), unit="min")
    )
    # Whole minutes, so that many durations tie, as real ones do.
    taken = np.round(rng.exponential(300.0 * (1 + seg / 10)))
    resolved = created + pd.to_timedelta(taken, unit="min")
    resolved[rng.random(rows) < 0.05] = pd.NaT  # still open
    created[rng.random(rows) < 0.02] = pd.NaT  # missing start
    backwards = rng.random(rows) < 0.01
    resolved[backwards] = created[backwards] - pd.Timedelta("1h")
    # Segment 14 is small: too few values for a 95% median interval.
    keep = (seg != 14) | (rng.random(rows) < 0.02)
    return pd.DataFrame({"seg": seg, "created": created, "resolved": resolved})[keep]


@pytest.fixture(scope="module")
def tickets() -> pd.DataFrame:
    return duration_frame(seed=4)


@pytest.mark.parametrize("metric", [cx.resolution_time, cx.first_response_time])
def test_each_segment_equals_the_duration_metric(tickets, metric):
    options = {"percentiles": (10, 50, 90, 99), "unit": "min"}
    table = cx.by_segment(
        tickets, metric, column=("created", "resolved"), by="seg", **options
    )
    assert {"mean", "p10", "p50", "p90", "p99", "n_pending"} <= set(table.columns)
    for row in table.itertuples(index=False):
        row = pd.Series(row._asdict())
        inside = tickets["seg"] == row["seg"]
        mine = metric(
            tickets.loc[inside, "created"], tickets.loc[inside, "resolved"], **options
        )
        rest = metric(
            tickets.loc[~inside, "created"], tickets.loc[~inside, "resolved"], **options
        )
        assert row["n"] == mine.n
        assert row["n_pending"] == mine.n_pending
        assert row["n_missing"] == mine.n_missing
        assert close(row["value"], mine.median)
        assert close(row["mean"], mine.mean)
        assert close(row["ci_low"], mine.median_ci.low)
        assert close(row["ci_high"], mine.median_ci.high)
        for p, q in mine.percentiles.items():
            assert close(row[f"p{p:g}"], q)
        comparison = cx.compare(mine, rest, rng=0)
        assert close(row["difference"], comparison.difference)
        assert close(row["p_value"], comparison.p_value)
        assert math.isnan(row["difference_ci_low"])
    assert math.isnan(table["ci_low"].iloc[-1])  # the small segment


def test_durations_under_propagate(tickets):
    options = {"column": ("created", "resolved"), "nan_policy": "propagate"}
    table = cx.by_segment(tickets, cx.resolution_time, by="seg", **options)
    for row in table.itertuples(index=False):
        inside = tickets["seg"] == row.seg
        alone = cx.resolution_time(
            tickets.loc[inside, "created"],
            tickets.loc[inside, "resolved"],
            nan_policy="propagate",
        )
        assert close(row.value, alone.median)
        assert row.n_missing == alone.n_missing
    # Every rest holds a missing created time: no test is possible.
    assert table["p_value"].isna().all()
    overall = cx.by_segment(
        tickets, cx.resolution_time, by="seg", compare_to="overall", **options
    )
    assert overall["difference"].isna().all()
    nothing = tickets.assign(created=pd.NaT)
    table = cx.by_segment(nothing, cx.resolution_time, by="seg", **options)
    assert table["value"].isna().all()
    assert table["ci_low"].isna().all()


def test_durations_over_time_without_a_comparison(tickets):
    trend = cx.over_time(
        tickets,
        cx.resolution_time,
        column=("created", "resolved"),
        time="created",
        freq="Y",
        compare_to="previous",
    )
    assert trend.index[0] == pd.Period("2026", "Y")
    assert math.isnan(trend["change"].iloc[0])
    plain = cx.over_time(
        tickets, cx.resolution_time, column=("created", "resolved"), time="created"
    )
    assert "change" not in plain.columns
    assert (
        int(plain["n"].sum())
        == cx.resolution_time(tickets["created"], tickets["resolved"]).n
    )


def test_durations_against_the_whole(tickets):
    table = cx.by_segment(
        tickets,
        cx.resolution_time,
        column=("created", "resolved"),
        by="seg",
        compare_to="overall",
    )
    whole = cx.resolution_time(tickets["created"], tickets["resolved"])
    np.testing.assert_allclose(table["difference"], table["value"] - whole.median)


def test_durations_over_time_against_the_previous_period(tickets):
    trend = cx.over_time(
        tickets,
        cx.resolution_time,
        column=("created", "resolved"),
        time="created",
        freq="M",
        compare_to="previous",
    )
    months = tickets["created"].dt.to_period("M")
    dated = trend.index[trend.index.notna()]
    assert pd.isna(trend.index[-1])  # rows without a created time
    for before, now in itertools.pairwise(dated):
        a = cx.resolution_time(
            tickets.loc[months == now, "created"],
            tickets.loc[months == now, "resolved"],
        )
        b = cx.resolution_time(
            tickets.loc[months == before, "created"],
            tickets.loc[months == before, "resolved"],
        )
        comparison = cx.compare(a, b, rng=0)
        assert close(trend.loc[now, "value"], a.median)
        assert close(trend.loc[now, "change"], comparison.difference)
        assert close(trend.loc[now, "p_value"], comparison.p_value)


# ---------------------------------------------------------------------------
# Over time


def dated_frame(seed: int, rows: int = 3_000) -> pd.DataFrame:
    """Two years of rows with an empty month (2025-03) and a few without a date."""
    rng = np.random.default_rng(seed)
    frame = random_frame(seed, rows=rows)
    days = rng.integers(0, 730, rows)
    dates = pd.Series(pd.Timestamp("2024-06-01") + pd.to_timedelta(days, unit="D"))
    dates[dates.dt.to_period("M") == pd.Period("2025-03", "M")] = pd.NaT
    dates[rng.random(rows) < 0.01] = pd.NaT
    return frame.assign(date=dates)


@pytest.fixture(scope="module")
def dated() -> pd.DataFrame:
    return dated_frame(seed=21)


@pytest.mark.parametrize(
    "case",
    [CASES[0], CASES[1], CASES[5], CASES[8], CASES[13], CASES[20], CASES[25]],
    ids=lambda c: c.id,
)
def test_each_period_equals_the_metric_and_compare(dated, case):
    trend = cx.over_time(
        dated,
        case.metric,
        column=case.column,
        time="date",
        compare_to="previous",
        **case.options,
    )
    months = dated["date"].dt.to_period("M")
    assert isinstance(trend.index, pd.PeriodIndex)
    assert trend.index.name == "period"
    dated_index = trend.index[trend.index.notna()]
    expected = pd.period_range(months.min(), months.max(), freq="M")
    assert dated_index.equals(pd.PeriodIndex(expected, name="period"))
    assert pd.isna(trend.index[-1])
    previous = None
    for period in dated_index:
        row = trend.loc[period]
        rows = dated[months == period]
        if period == pd.Period("2025-03", "M"):
            assert len(rows) == 0
            assert row["n"] == 0
            assert row["n_missing"] == 0
            assert math.isnan(row["value"])
            assert math.isnan(row["change"])
            previous = None
            continue
        result = case.call(rows)
        assert_row_is(row, result)
        if previous is None:
            assert math.isnan(row["change"])
        else:
            comparison = cx.compare(result, previous)
            assert_comparison_is(
                row["change"],
                row["change_ci_low"],
                row["change_ci_high"],
                row["p_value"],
                comparison,
            )
        previous = result
    missing = trend.iloc[-1]
    assert_row_is(missing, case.call(dated[dated["date"].isna()]))
    assert math.isnan(missing["change"])


def test_over_time_without_comparison_has_no_change_columns(dated):
    trend = cx.over_time(dated, cx.nps, column="score", time="date", freq="Q")
    assert trend.columns.tolist() == [
        "n",
        "value",
        "ci_low",
        "ci_high",
        "promoters",
        "passives",
        "detractors",
        "n_missing",
        "effective_n",
    ]
    assert trend.index.freqstr.startswith("Q")


@pytest.mark.parametrize(
    ("freq", "first"),
    [
        ("D", pd.Period("2025-01-30", "D")),
        ("W", pd.Period("2025-01-27/2025-02-02", "W-SUN")),
        ("M", pd.Period("2025-01", "M")),
        ("Q", pd.Period("2025Q1", "Q")),
        ("Y", pd.Period("2025", "Y")),
    ],
)
def test_frequencies(freq, first):
    frame = pd.DataFrame(
        {
            "when": pd.to_datetime(
                ["2025-01-30", "2025-02-03", "2025-02-04", "2026-03-01"]
            ),
            "score": [10, 9, 0, 7],
        }
    )
    trend = cx.over_time(frame, cx.nps, column="score", time="when", freq=freq)
    assert trend.index[0] == first
    assert int(trend["n"].sum()) == 4
    # Every period between the first and the last is there, empty or not.
    assert len(trend) == trend.index[-1].ordinal - trend.index[0].ordinal + 1


def test_time_zones_and_text_times():
    utc = pd.to_datetime(["2025-01-31 23:30", "2025-02-01 10:00"]).tz_localize("UTC")
    frame = pd.DataFrame({"when": utc.tz_convert("Europe/Berlin"), "score": [10, 0]})
    trend = cx.over_time(frame, cx.nps, column="score", time="when")
    # 23:30 UTC is 00:30 on 1 February in Berlin: both fall in February.
    assert trend.index.tolist() == [pd.Period("2025-02", "M")]
    as_text = frame.assign(when=["2025-01-31T23:30:00", "2025-02-01T10:00:00"])
    trend = cx.over_time(as_text, cx.nps, column="score", time="when")
    assert trend.index.tolist() == [
        pd.Period("2025-01", "M"),
        pd.Period("2025-02", "M"),
    ]
    assert trend["n"].tolist() == [1, 1]


def test_text_times_with_offsets_across_a_clock_change():
    # The sweep's case: ISO text with +01:00 and +02:00 (Berlin before and
    # after 30 March 2025), and a "null". Mixed offsets are instants, with
    # periods taken in UTC; the table equals the one of the same instants
    # given as UTC datetimes.
    texts = ["2025-03-29T10:00+01:00", "2025-03-31T10:00+02:00", "null"]
    frame = pd.DataFrame({"t": texts, "s": [10, 9, 0]})
    trend = cx.over_time(frame, cx.nps, column="s", time="t", freq="D")
    utc = pd.to_datetime(["2025-03-29 09:00", "2025-03-31 08:00", None]).tz_localize(
        "UTC"
    )
    expected = cx.over_time(frame.assign(t=utc), cx.nps, column="s", time="t", freq="D")
    pd.testing.assert_frame_equal(trend, expected)
    assert trend["n"].tolist() == [1, 0, 1, 1]  # 29, 30 (empty), 31 March, NaT
    assert pd.isna(trend.index[-1])
    monthly = cx.over_time(frame, cx.nps, column="s", time="t", freq="ME")
    assert monthly.index[0] == pd.Period("2025-03", "M")
    assert monthly["n"].tolist() == [2, 1]


@pytest.mark.parametrize(
    ("freq", "periods"),
    [
        ("W-MON", ["2025-01-28/2025-02-03", "2025-02-04/2025-02-10"]),
        ("MS", ["2025-01", "2025-02"]),
        ("QS-FEB", ["2025Q4", "2026Q1"]),
        ("YE", ["2025"]),
    ],
)
def test_over_time_takes_the_period_aliases_of_customer_flows(freq, periods):
    frame = pd.DataFrame({"when": ["2025-01-30", "2025-02-05"], "score": [10, 0]})
    trend = cx.over_time(frame, cx.nps, column="score", time="when", freq=freq)
    flows = cx.customer_flows(frame["when"], [None, None], freq=freq)
    assert [str(p) for p in trend.index] == periods
    assert trend.index.equals(flows.index)


def test_all_times_missing_leave_one_nat_row():
    frame = pd.DataFrame({"when": pd.to_datetime([None, None]), "score": [10, 3]})
    trend = cx.over_time(
        frame, cx.nps, column="score", time="when", compare_to="previous"
    )
    assert len(trend) == 1
    assert pd.isna(trend.index[0])
    assert trend["value"].iloc[0] == pytest.approx(0.0)


# ---------------------------------------------------------------------------
# nan_policy across segments


def test_nan_policy_raise_raises_with_the_metric_message(frame):
    expected = cx.nps(frame["score"], nan_policy="omit").n_missing
    with pytest.raises(
        cx.InputError,
        match=exact(
            f"by_segment: cx.nps on 'score': {expected} of {len(frame):,} scores are "
            "missing and nan_policy='raise'"
        ),
    ):
        cx.by_segment(frame, cx.nps, column="score", by="seg", nan_policy="raise")


def test_nan_policy_raise_without_missing_values_changes_nothing(frame):
    complete = frame.assign(score=frame["score"].fillna(8))
    raising = cx.by_segment(
        complete, cx.nps, column="score", by="seg", nan_policy="raise"
    )
    pd.testing.assert_frame_equal(
        raising, cx.by_segment(complete, cx.nps, column="score", by="seg")
    )


def test_all_missing_under_propagate_gives_nan_without_error():
    frame = pd.DataFrame({"seg": [1, 2], "score": [np.nan, np.nan]})
    table = cx.by_segment(
        frame, cx.nps, column="score", by="seg", nan_policy="propagate"
    )
    assert table["value"].isna().all()
    assert table["n_missing"].tolist() == [1, 1]


# ---------------------------------------------------------------------------
# Re-exports


def test_compare_and_adjust_pvalues_are_reexported():
    from cxmetrics import segments

    assert segments.compare is cx.compare
    assert segments.adjust_pvalues is cx.adjust_pvalues
    assert {"by_segment", "over_time", "compare", "adjust_pvalues"} <= set(
        segments.__all__
    )


# ---------------------------------------------------------------------------
# Bad input: exact messages

SMALL = pd.DataFrame(
    {
        "seg": [1, 1, 2, 2],
        "score": [10, 9, 3, 7],
        "text": ["a", "b", "c", "d"],
        "when": [1, 2, 3, 4],
        "value": [1, 2, 3, 4],
    }
)
COLUMNS = "'seg', 'score', 'text', 'when', 'value'"
#: Metrics every table of supported metrics must name (the list grows with
#: each metric added; the message lists them all, sorted).
SOME_SUPPORTED = ("cx.csat", "cx.nps", "cx.resolution_time", "cx.service_level")


def segments(**changes: Any) -> Callable[[], Any]:
    arguments = {"frame": SMALL, "metric": cx.nps, "column": "score", "by": "seg"}
    arguments.update(changes)
    frame, metric = arguments.pop("frame"), arguments.pop("metric")
    return lambda: cx.by_segment(frame, metric, **arguments)


def periods(**changes: Any) -> Callable[[], Any]:
    dated = SMALL.assign(date=pd.date_range("2025-01-01", periods=4, freq="MS"))
    arguments = {"frame": dated, "metric": cx.nps, "column": "score", "time": "date"}
    arguments.update(changes)
    frame, metric = arguments.pop("frame"), arguments.pop("metric")
    return lambda: cx.over_time(frame, metric, **arguments)


BAD_INPUT = [
    (
        "not a frame",
        segments(frame=[1, 2]),
        "by_segment: frame must be a pandas or dask DataFrame; got list",
    ),
    (
        "a Series",
        segments(frame=SMALL["score"]),
        "by_segment: frame must be a pandas or dask DataFrame; got Series",
    ),
    ("empty frame", segments(frame=SMALL.iloc[:0]), "by_segment: frame has no rows"),
    (
        "empty frame over time",
        periods(frame=SMALL.iloc[:0]),
        "over_time: frame has no rows",
    ),
    (
        "unknown column",
        segments(column="scor"),
        f"by_segment: column 'scor' is not a column of frame (its columns: {COLUMNS})",
    ),
    (
        "unknown key",
        segments(by="region"),
        f"by_segment: by 'region' is not a column of frame (its columns: {COLUMNS})",
    ),
    (
        "one of the keys unknown",
        segments(by=["seg", "region"]),
        f"by_segment: by 'region' is not a column of frame (its columns: {COLUMNS})",
    ),
    ("no key", segments(by=[]), "by_segment: by must name at least one column"),
    (
        "a key twice",
        segments(by=["seg", "seg"]),
        "by_segment: by names a column twice ('seg')",
    ),
    (
        "a key named like an output column",
        segments(by="value"),
        "by_segment: the key column 'value' has the name of an output column of "
        "cx.nps (n, value, ci_low, ci_high, promoters, passives, detractors, "
        "n_missing, effective_n, difference, difference_ci_low, "
        "difference_ci_high, p_value, p_adjusted, significant, low_n); rename it "
        "first, e.g. frame.rename(columns={'value': 'value_key'})",
    ),
    (
        "unknown time column",
        periods(time="day"),
        "over_time: time 'day' is not a column of frame (its columns: 'seg', 'score', "
        "'text', 'when', 'value', 'date')",
    ),
    (
        "numbers as times",
        periods(time="when"),
        "over_time: time column 'when' must be timestamps; got numbers such as 1, 2, 3",
    ),
    (
        "text as times",
        periods(time="text"),
        "over_time: 4 of 4 strings in time column 'text' are not ISO 8601 "
        "timestamps ('a', 'b', 'c')",
    ),
    (
        "an option the metric lacks",
        segments(scale=(1, 5)),
        "by_segment: 'scale' is not an option of cx.nps (its options: ci, nan_policy, "
        "n_resamples, rng)",
    ),
    (
        "too many columns",
        segments(column=("score", "text")),
        "by_segment: column names 2 columns but cx.nps takes 1 (scores)",
    ),
    (
        "too many columns for AHT",
        segments(metric=cx.average_handle_time, column=("score",) * 4),
        "by_segment: column names 4 columns but cx.average_handle_time takes 1 to 3 "
        "(talk, hold, wrap)",
    ),
    (
        "a data column missing",
        segments(metric=cx.service_level, column="score", threshold=20),
        "by_segment: cx.service_level needs answered: name its column in column=(...) "
        "or pass answered=...",
    ),
    (
        "a data column twice",
        segments(scores="score"),
        "by_segment: scores is given twice, in column= and as scores=",
    ),
    (
        "weights not a column",
        segments(weights=[1, 2, 3, 4]),
        "by_segment: weights [1, 2, 3, 4] is not a column of frame (its columns: "
        f"{COLUMNS})",
    ),
    (
        "weights an unknown column",
        segments(weights="w"),
        f"by_segment: weights 'w' is not a column of frame (its columns: {COLUMNS})",
    ),
    ("min_n 0", segments(min_n=0), "by_segment: min_n must be at least 1; got 0"),
    (
        "min_n not whole",
        segments(min_n=2.5),
        "by_segment: min_n must be a whole number; got 2.5",
    ),
    (
        "unknown correction",
        segments(correction="hochberg"),
        "by_segment: correction='hochberg' is not one of 'holm', 'bonferroni', "
        "'fdr_bh', None",
    ),
    (
        "unknown compare_to",
        segments(compare_to="previous"),
        "by_segment: compare_to='previous' is not one of 'rest', 'overall'",
    ),
    (
        "unknown compare_to over time",
        periods(compare_to="rest"),
        "over_time: compare_to='rest' is not one of None, 'previous'",
    ),
    (
        "unknown freq",
        periods(freq="H"),
        "over_time: freq='H' is not a period frequency; use 'D' (days), 'W' or "
        "'W-MON' ... 'W-SUN' (weeks ending on that day), 'M', 'ME' or 'MS' (months), "
        "'Q', 'QE' or 'QS' (quarters; 'Q-JAN' ... 'Q-DEC' end in that month, "
        "'QS-JAN' ... 'QS-DEC' start in it), or 'Y', 'YE', 'YS' or 'A' (years, "
        "anchored the same way)",
    ),
    (
        "confidence 1.5",
        segments(confidence=1.5),
        "by_segment: confidence must be between 0 and 1 (exclusive); got 1.5",
    ),
    (
        "confidence over time",
        periods(confidence="high"),
        "over_time: confidence must be a number between 0 and 1; got 'high'",
    ),
    (
        "top_box without scale",
        segments(metric=cx.top_box),
        "by_segment: cx.top_box on 'score': scale is required, e.g. scale=(1, 5)",
    ),
    (
        "mean_score without scale",
        segments(metric=cx.mean_score),
        "by_segment: cx.mean_score on 'score': scale is required, e.g. scale=(1, 5)",
    ),
    (
        "service level without threshold",
        segments(metric=cx.service_level, column=("score", "score")),
        "by_segment: cx.service_level on 'score', 'score': threshold is required, "
        "e.g. threshold=20 (seconds)",
    ),
    (
        "short abandons without waits",
        segments(metric=cx.abandonment_rate, short_abandon=5),
        "by_segment: cx.abandonment_rate on 'score': short_abandon needs wait_time, "
        "the seconds each call waited, to tell short abandons from the others",
    ),
    (
        "no valid value",
        segments(frame=SMALL.assign(score=np.nan)),
        "by_segment: cx.nps on 'score': no valid scores: all 4 are missing",
    ),
]


@pytest.mark.parametrize(
    ("call", "message"), [c[1:] for c in BAD_INPUT], ids=[c[0] for c in BAD_INPUT]
)
def test_bad_input(call, message):
    with pytest.raises(cx.InputError, match=exact(message)) as info:
        call()
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("call", "func", "got"),
    [
        (segments(metric=lambda x: x), "by_segment", "<lambda>"),
        (segments(metric=np.mean), "by_segment", "mean"),
        (segments(metric=cx.nps_from_counts), "by_segment", "nps_from_counts"),
        (segments(metric="nps"), "by_segment", "str"),
        (periods(metric=sum), "over_time", "sum"),
    ],
    ids=["a lambda", "numpy", "not a row metric", "a string", "over time"],
)
def test_a_function_that_is_no_segment_metric_is_refused(call, func, got):
    with pytest.raises(cx.InputError) as info:
        call()
    message = str(info.value)
    pattern = (
        rf"^{func}: metric must be one of the cxmetrics metric functions "
        rf"\((?P<names>cx\.\w+(, cx\.\w+)*)\); got {re.escape(got)}$"
    )
    match = re.match(pattern, message)
    assert match is not None, message
    names = match["names"].split(", ")
    assert names == sorted(names)
    assert set(SOME_SUPPORTED) <= set(names)
    assert "cx.nps_from_counts" not in names


def test_a_long_column_list_is_cut_short():
    wide = pd.DataFrame({f"c{k}": [1] for k in range(13)})
    with pytest.raises(
        cx.InputError,
        match=exact(
            "by_segment: column 'x' is not a column of frame (its columns: 'c0', 'c1', "
            "'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9' and 3 more)"
        ),
    ):
        cx.by_segment(wide, cx.nps, column="x", by="c0")


# ---------------------------------------------------------------------------
# The metric's own errors, word for word


class Bad(NamedTuple):
    """Bad data or options, which the metric refuses on its own."""

    id: str
    case: Case
    data: dict[str, list[Any]]


def _bad(
    id: str,
    metric: Callable[..., Any],
    column: Any,
    data: dict[str, list[Any]],
    **options: Any,
) -> Bad:
    columns_in_options = tuple(
        key
        for key, value in options.items()
        if isinstance(value, str) and value in data
    )
    return Bad(id, Case(id, metric, column, options, columns_in_options), data)


STAMPS = [
    "2026-01-05 09:00",
    "2026-01-05 10:00",
    "2026-01-05 11:00",
    "2026-01-05 12:00",
]
PARITY = [
    _bad("nps outside the scale", cx.nps, "x", {"x": [10, 11, 3, -1]}),
    _bad("nps text", cx.nps, "x", {"x": ["10", "a", 3, 4]}),
    _bad("nps booleans", cx.nps, "x", {"x": [True, False, True, True]}),
    _bad("nps fractions", cx.nps, "x", {"x": [9.5, 3.0, 3.0, 2.0]}),
    _bad(
        "nps negative weights",
        cx.nps,
        "x",
        {"x": [10, 9, 3, 7], "w": [1, -1, 1, 1]},
        weights="w",
    ),
    _bad(
        "nps missing weights",
        cx.nps,
        "x",
        {"x": [10, 9, 3, 7], "w": [1, None, 1, 1]},
        weights="w",
    ),
    _bad("nps bad ci", cx.nps, "x", {"x": [10, 9, 3, 7]}, ci="exact"),
    _bad("nps bad rng", cx.nps, "x", {"x": [10, 9, 3, 7]}, rng=-1),
    _bad(
        "nps bad nan_policy",
        cx.nps,
        "x",
        {"x": [10.0, 9.0, None, 7.0]},
        nan_policy="skip",
    ),
    _bad("csat outside the scale", cx.csat, "x", {"x": [5, 4, 6, 1]}),
    _bad("csat satisfied outside", cx.csat, "x", {"x": [5, 4, 2, 1]}, satisfied=[5, 6]),
    _bad("csat bad scale", cx.csat, "x", {"x": [5, 4, 2, 1]}, scale=(5, 1)),
    _bad(
        "top box too many boxes",
        cx.top_box,
        "x",
        {"x": [5, 4, 2, 1]},
        scale=(1, 5),
        boxes=6,
    ),
    _bad(
        "mean score bad ci",
        cx.mean_score,
        "x",
        {"x": [5, 4, 2, 1]},
        scale=(1, 5),
        ci="z",
    ),
    _bad(
        "ces overlap", cx.ces, "x", {"x": [5, 4, 2, 1]}, easy=[4, 5], difficult=[1, 4]
    ),
    _bad("ces bad method", cx.ces, "x", {"x": [5, 4, 2, 1]}, method="median"),
    _bad(
        "ces net easy bad ci",
        cx.ces,
        "x",
        {"x": [5, 4, 2, 1]},
        method="net_easy",
        ci="wilson",
    ),
    _bad("fcr zero contacts", cx.fcr_rate, "x", {"x": [1, 0, 2, 1]}),
    _bad("fcr fractions", cx.fcr_rate, "x", {"x": [1, 1.5, 2, 1]}),
    _bad("reopen negative", cx.reopen_rate, "x", {"x": [0, -1, 2, 1]}),
    _bad("conversion twos", cx.conversion_rate, "x", {"x": [0, 1, 2, 1]}),
    _bad("abandonment flags", cx.abandonment_rate, "x", {"x": [0, 1, 2, 1]}),
    _bad(
        "abandonment negative waits",
        cx.abandonment_rate,
        "x",
        {"x": [0, 1, 0, 1], "wait": [1, -2, 3, 4]},
        wait_time="wait",
        short_abandon=5,
    ),
    _bad(
        "service level negative waits",
        cx.service_level,
        ("wait", "ok"),
        {"wait": [1, -2, 3, 4], "ok": [1, 1, 0, 1]},
        threshold=20,
    ),
    _bad(
        "service level flags",
        cx.service_level,
        ("wait", "ok"),
        {"wait": [1, 2, 3, 4], "ok": [1, 3, 0, 1]},
        threshold=20,
    ),
    _bad(
        "service level negative threshold",
        cx.service_level,
        ("wait", "ok"),
        {"wait": [1, 2, 3, 4], "ok": [1, 1, 0, 1]},
        threshold=-20,
    ),
    _bad(
        "service level exclude_short alone",
        cx.service_level,
        ("wait", "ok"),
        {"wait": [1, 2, 3, 4], "ok": [1, 1, 0, 1]},
        threshold=20,
        abandoned="exclude_short",
    ),
    _bad(
        "service level none answered",
        cx.service_level,
        ("wait", "ok"),
        {"wait": [1, 2, 3, 4], "ok": [0, 0, 0, 0]},
        threshold=20,
        abandoned="exclude",
    ),
    _bad(
        "service level dates as waits",
        cx.service_level,
        ("wait", "ok"),
        {"wait": pd.to_datetime(STAMPS).tolist(), "ok": [1, 1, 0, 1]},
        threshold=20,
    ),
    _bad(
        "sla negative durations",
        cx.sla_attainment,
        ("d", "t"),
        {"d": [1, -2, 3, 4], "t": [4, 4, 4, 4]},
    ),
    _bad(
        "sla pending flags",
        cx.sla_attainment,
        "d",
        {"d": [1, 2, 3, 4], "open": [0, 5, 0, 1]},
        targets=4,
        pending="open",
    ),
    _bad(
        "sla all pending",
        cx.sla_attainment,
        "d",
        {"d": [1, 2, 3, 4], "open": [1, 1, 1, 1]},
        targets=8,
        pending="open",
    ),
    _bad(
        "asa infinite waits",
        cx.average_speed_of_answer,
        ("wait", "ok"),
        {"wait": [1, np.inf, 3, 4], "ok": [1, 1, 0, 1]},
    ),
    _bad(
        "asa none answered",
        cx.average_speed_of_answer,
        ("wait", "ok"),
        {"wait": [1, 2, 3, 4], "ok": [0, 0, 0, 0]},
    ),
    _bad(
        "aht negative talk", cx.average_handle_time, "talk", {"talk": [60, -1, 30, 20]}
    ),
    _bad(
        "aht negative hold",
        cx.average_handle_time,
        "talk",
        {"talk": [60, 1, 30, 20]},
        hold=-5,
    ),
    _bad(
        "aht zero weights",
        cx.average_handle_time,
        "talk",
        {"talk": [60, 1, 30, 20], "w": [0, 0, 0, 0]},
        weights="w",
    ),
    _bad(
        "resolution before created",
        cx.resolution_time,
        ("c", "r"),
        {"c": STAMPS, "r": [*STAMPS[1:], "2026-01-05 08:00"]},
        nan_policy="raise",
    ),
    _bad(
        "resolution bad unit",
        cx.resolution_time,
        ("c", "r"),
        {"c": STAMPS, "r": STAMPS},
        unit="weeks",
    ),
    _bad(
        "first response bad percentiles",
        cx.first_response_time,
        ("c", "r"),
        {"c": STAMPS, "r": STAMPS},
        percentiles=[50, 150],
    ),
    _bad(
        "first response not times",
        cx.first_response_time,
        ("c", "r"),
        {"c": [1.5, 2, 3, 4], "r": STAMPS},
    ),
    _bad(
        "resolution none valid",
        cx.resolution_time,
        ("c", "r"),
        {"c": STAMPS, "r": [None] * 4},
    ),
]


@pytest.mark.parametrize("bad", PARITY, ids=[b.id for b in PARITY])
def test_the_metric_errors_come_through_word_for_word(bad):
    frame = pd.DataFrame({"seg": [1, 1, 2, 2], **bad.data})
    case = bad.case
    with pytest.raises(cx.InputError) as direct:
        case.call(frame)
    own = str(direct.value)
    name = case.metric.__name__
    assert own.startswith(f"{name}: ")
    names = (case.column,) if isinstance(case.column, str) else case.column
    on = ", ".join(repr(n) for n in names)
    expected = f"by_segment: cx.{name} on {on}: {own[len(name) + 2 :]}"
    with pytest.raises(cx.InputError, match=exact(expected)):
        cx.by_segment(frame, case.metric, column=case.column, by="seg", **case.options)


# ---------------------------------------------------------------------------
# An oracle outside cxmetrics: plain pandas sums, statsmodels and scipy


def _wilson(successes, n, confidence=0.95):
    from statsmodels.stats.proportion import proportion_confint

    return proportion_confint(successes, n, alpha=1 - confidence, method="wilson")


def _newcombe(x1, n1, x2, n2):
    """Newcombe's hybrid score interval of p1 - p2 from two Wilson intervals."""
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = _wilson(x1, n1)
    l2, u2 = _wilson(x2, n2)
    d = p1 - p2
    return (
        d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )


def test_rates_by_segment_equal_pandas_counts_and_statsmodels(frame):
    from statsmodels.stats.proportion import proportions_ztest

    table = cx.by_segment(frame, cx.csat, column="rating5", by="seg")
    valid = frame.dropna(subset=["rating5"])
    satisfied = (valid["rating5"] >= 4).groupby(valid["seg"]).sum()
    answered = valid.groupby("seg").size()
    missing = frame["rating5"].isna().groupby(frame["seg"]).sum()
    np.testing.assert_array_equal(table["successes"], satisfied)
    np.testing.assert_array_equal(table["n"], answered)
    np.testing.assert_array_equal(table["n_missing"], missing)
    low, high = _wilson(satisfied.to_numpy(), answered.to_numpy())
    np.testing.assert_allclose(table["ci_low"], low, rtol=1e-12)
    np.testing.assert_allclose(table["ci_high"], high, rtol=1e-12)
    rest_x = satisfied.sum() - satisfied.to_numpy()
    rest_n = answered.sum() - answered.to_numpy()
    d_low, d_high = _newcombe(satisfied.to_numpy(), answered.to_numpy(), rest_x, rest_n)
    np.testing.assert_allclose(table["difference_ci_low"], d_low, rtol=1e-10)
    np.testing.assert_allclose(table["difference_ci_high"], d_high, rtol=1e-10)
    for i, (x, n) in enumerate(zip(satisfied, answered, strict=True)):
        _, p_value = proportions_ztest([x, rest_x[i]], [n, rest_n[i]])
        assert table["p_value"].iloc[i] == pytest.approx(p_value, rel=1e-10)


def test_nps_by_segment_equals_the_trinomial_formulas_by_hand(frame):
    from scipy.special import ndtr, ndtri

    table = cx.by_segment(frame, cx.nps, column="score", by="seg", ci="wald")
    valid = frame.dropna(subset=["score"])
    groups = valid.groupby("seg")["score"]
    pro = groups.apply(lambda s: (s >= 9).sum()).to_numpy(float)
    det = groups.apply(lambda s: (s <= 6).sum()).to_numpy(float)
    n = groups.size().to_numpy(float)
    z = -ndtri(0.025)
    p, q = pro / n, det / n
    value = 100 * (p - q)
    half = 100 * z * np.sqrt((p + q - (p - q) ** 2) / n)
    np.testing.assert_allclose(table["value"], value, rtol=1e-12)
    np.testing.assert_allclose(table["ci_low"], value - half, rtol=1e-12)
    np.testing.assert_allclose(table["ci_high"], value + half, rtol=1e-12)
    # Against the rest: the unpooled Wald z of two independent trinomials.
    rn, rp, rq = (
        n.sum() - n,
        (pro.sum() - pro) / (n.sum() - n),
        (det.sum() - det) / (n.sum() - n),
    )
    se = np.sqrt((p + q - (p - q) ** 2) / n + (rp + rq - (rp - rq) ** 2) / rn)
    diff = (p - q) - (rp - rq)
    np.testing.assert_allclose(table["difference"], 100 * diff, rtol=1e-10)
    np.testing.assert_allclose(table["p_value"], 2 * ndtr(-abs(diff / se)), rtol=1e-9)


def test_means_by_segment_equal_statsmodels_and_welch(frame):
    from scipy import stats
    from statsmodels.stats.weightstats import DescrStatsW

    table = cx.by_segment(
        frame, cx.mean_score, column="rating5", by="seg", scale=(1, 5)
    )
    for i, seg in enumerate(table["seg"]):
        inside = frame.loc[frame["seg"] == seg, "rating5"].dropna()
        outside = frame.loc[frame["seg"] != seg, "rating5"].dropna()
        low, high = DescrStatsW(inside.to_numpy()).tconfint_mean()
        assert table["value"].iloc[i] == pytest.approx(inside.mean(), rel=1e-12)
        assert table["std"].iloc[i] == pytest.approx(inside.std(), rel=1e-10)
        assert table["ci_low"].iloc[i] == pytest.approx(low, rel=1e-10)
        assert table["ci_high"].iloc[i] == pytest.approx(high, rel=1e-10)
        welch = stats.ttest_ind(inside, outside, equal_var=False)
        assert table["p_value"].iloc[i] == pytest.approx(welch.pvalue, rel=1e-9)


def test_weighted_rates_by_segment_use_kish_n_by_hand(frame):
    table = cx.by_segment(frame, cx.csat, column="rating5", by="seg", weights="w")
    valid = frame.dropna(subset=["rating5"])
    w = valid["w"]
    total = w.groupby(valid["seg"]).sum()
    hits = w.where(valid["rating5"] >= 4, 0.0).groupby(valid["seg"]).sum()
    kish = total**2 / (w**2).groupby(valid["seg"]).sum()
    np.testing.assert_allclose(table["value"], hits / total, rtol=1e-12)
    np.testing.assert_allclose(table["effective_n"], kish, rtol=1e-12)
    low, high = _wilson((hits / total * kish).to_numpy(), kish.to_numpy())
    np.testing.assert_allclose(table["ci_low"], low, rtol=1e-10)
    np.testing.assert_allclose(table["ci_high"], high, rtol=1e-10)


def test_service_level_and_asa_by_segment_equal_pandas(frame):
    from scipy import stats

    level = cx.by_segment(
        frame, cx.service_level, column=("wait", "answered"), by="seg", threshold=20
    )
    calls = frame.dropna(subset=["answered"])
    calls = calls[~((calls["answered"] == 1) & calls["wait"].isna())]
    within = ((calls["answered"] == 1) & (calls["wait"] <= 20)).groupby(calls["seg"])
    np.testing.assert_array_equal(level["successes"], within.sum())
    np.testing.assert_array_equal(level["n"], within.size())
    asa = cx.by_segment(
        frame, cx.average_speed_of_answer, column=("wait", "answered"), by="seg"
    )
    answered = calls[calls["answered"] == 1]
    for i, seg in enumerate(asa["seg"]):
        inside = answered.loc[answered["seg"] == seg, "wait"]
        outside = answered.loc[answered["seg"] != seg, "wait"]
        assert asa["value"].iloc[i] == pytest.approx(inside.mean(), rel=1e-12)
        welch = stats.ttest_ind(inside, outside, equal_var=False)
        assert asa["p_value"].iloc[i] == pytest.approx(welch.pvalue, rel=1e-9)


def test_integer_keys_from_zero_are_read_but_never_written():
    # Keys 0..k-1 serve as their own group codes without a copy: the
    # caller's column must come back unchanged and still writable.
    frame = pd.DataFrame({"seg": np.array([2, 0, 1, 2, 0]), "score": [9, 3, 10, 7, 10]})
    before = frame["seg"].to_numpy().copy()
    table = cx.by_segment(frame, cx.nps, column="score", by="seg")
    assert table["seg"].tolist() == [0, 1, 2]
    assert table["n"].tolist() == [2, 1, 2]
    assert np.array_equal(frame["seg"].to_numpy(), before)
    frame.loc[0, "seg"] = 1  # still the caller's to change
    assert frame["seg"].tolist() == [1, 0, 1, 2, 0]
