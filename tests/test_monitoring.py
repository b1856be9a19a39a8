"""Control charts and funnel plots against hand computations and textbook examples.

References: Montgomery (2019), Example 7.1 (the p chart of 30 samples of 50
orange-juice cans, p-bar = 0.2313, limits 0.0524 to 0.4102, samples 15 and
23 out); the trinomial, pooled-sd, Laney, EWMA and CUSUM formulas written
out here in plain Python, one period at a time; `cx.by_segment` and
`cx.over_time` for the counts the charts are built on.
"""

from __future__ import annotations

import datetime
import math
import re

import numpy as np
import pandas as pd
import pytest

import cxmetrics as cx
from cxmetrics import monitoring

#: Nonconforming cans in 30 samples of 50 (Montgomery 2019, Table 7.1).
CANS = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22]
CANS += [8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6]
MONDAY = pd.Timestamp("2025-01-06")


def exact(message: str) -> str:
    return "^" + re.escape(message) + "$"


def weekly(counts, size=50, column="bad") -> pd.DataFrame:
    """One row per item: ``counts[i]`` true among ``size`` in week ``i``."""
    rows = []
    for week, count in enumerate(counts):
        day = MONDAY + pd.Timedelta(weeks=week)
        rows += [(day, True)] * count + [(day, False)] * (size - count)
    return pd.DataFrame(rows, columns=["date", column])


@pytest.fixture(scope="module")
def cans() -> pd.DataFrame:
    return weekly(CANS)


def chart_of(frame, metric=cx.conversion_rate, column="bad", **options):
    return cx.control_chart(frame, metric, column=column, time="date", **options)


# ---------------------------------------------------------------------------
# Shewhart


def test_montgomery_p_chart(cans):
    table = chart_of(cans)
    assert table["center"].iloc[0] == pytest.approx(347 / 1500)
    assert table["center"].round(4).iloc[0] == 0.2313
    assert table["lower"].round(4).unique().tolist() == [0.0524]
    assert table["upper"].round(4).unique().tolist() == [0.4102]
    # Samples 15 and 23 are above the upper limit.
    assert (np.flatnonzero(table["signal"]) + 1).tolist() == [15, 23]
    assert table.index.name == "period"
    assert isinstance(table.index, pd.PeriodIndex)
    assert list(table.columns) == [
        "n",
        "n_missing",
        "effective_n",
        "value",
        "center",
        "lower",
        "upper",
        "signal",
    ]
    assert table["signal"].dtype == bool
    assert table.attrs["sd"] == pytest.approx(math.sqrt(0.2313333 * 0.7686667))


def test_limits_follow_each_periods_size():
    counts, sizes = [5, 30, 2, 12], [20, 200, 10, 60]
    frame = pd.concat(
        [
            weekly([c], size=n).assign(date=MONDAY + pd.Timedelta(weeks=i))
            for i, (c, n) in enumerate(zip(counts, sizes, strict=True))
        ]
    )
    table = chart_of(frame)
    p = sum(counts) / sum(sizes)
    half = 3 * np.sqrt(p * (1 - p) / np.array(sizes))
    np.testing.assert_allclose(table["upper"], p + half)
    np.testing.assert_allclose(table["lower"], np.maximum(p - half, 0.0))
    assert table["n"].tolist() == sizes


def test_a_negative_lower_limit_of_a_share_is_zero():
    table = chart_of(weekly([1, 2, 0, 1], size=10))
    assert (table["lower"] == 0.0).all()


def test_nps_limits_are_trinomial_in_points():
    # (promoters, passives, detractors) per week
    weeks = [(30, 10, 10), (20, 20, 20), (25, 15, 10)]
    rows = []
    for week, counts in enumerate(weeks):
        day = MONDAY + pd.Timedelta(weeks=week)
        for score, count in zip((10, 7, 3), counts, strict=True):
            rows += [(day, score)] * count
    frame = pd.DataFrame(rows, columns=["date", "score"])
    table = cx.control_chart(frame, cx.nps, column="score", time="date")
    # By hand: 75 promoters, 40 detractors of 160.
    p_pos, p_neg = 75 / 160, 40 / 160
    center = 100 * (p_pos - p_neg)  # 21.875
    sd = 100 * math.sqrt(p_pos + p_neg - (p_pos - p_neg) ** 2)  # 81.908
    sizes = np.array([50, 60, 50])
    assert table["center"].iloc[0] == pytest.approx(21.875)
    assert table.attrs["sd"] == pytest.approx(sd)
    np.testing.assert_allclose(table["upper"], center + 3 * sd / np.sqrt(sizes))
    np.testing.assert_allclose(table["lower"], center - 3 * sd / np.sqrt(sizes))
    np.testing.assert_allclose(table["value"], [40.0, 0.0, 30.0])
    # The first week's limits: 21.875 -/+ 34.751.
    assert table["upper"].iloc[0] == pytest.approx(56.626, abs=1e-3)


def test_means_use_the_pooled_within_period_sd():
    rng = np.random.default_rng(7)
    sizes = [12, 30, 7, 21, 16]
    values = [rng.normal(300 + 40 * week, 60, n) for week, n in enumerate(sizes)]
    frame = pd.DataFrame(
        {
            "date": np.repeat(
                [MONDAY + pd.Timedelta(weeks=w) for w in range(len(sizes))], sizes
            ),
            "talk": np.concatenate(values),
        }
    )
    groups = [g["talk"].to_numpy() for _, g in frame.groupby("date")]
    pooled = math.sqrt(
        sum((len(g) - 1) * g.var(ddof=1) for g in groups)
        / sum(len(g) - 1 for g in groups)
    )
    grand = frame["talk"].mean()
    table = cx.control_chart(frame, cx.average_handle_time, column="talk", time="date")
    assert table.attrs["sd"] == pytest.approx(pooled)
    # The spread between the weeks' means is left out: far below the total sd.
    assert pooled < frame["talk"].std() * 0.9
    assert table["center"].iloc[0] == pytest.approx(grand)
    np.testing.assert_allclose(
        table["upper"], grand + 3 * pooled / np.sqrt(sizes), rtol=1e-12
    )
    np.testing.assert_allclose(table["value"], [g.mean() for g in groups])


def test_weighted_periods_use_kishs_effective_n():
    rng = np.random.default_rng(8)
    frame = weekly([12, 20, 9, 15], size=60).assign(w=rng.uniform(0.5, 3.0, 240))
    table = chart_of(frame, weights="w")
    by_week = frame.groupby("date")
    eff = by_week["w"].sum() ** 2 / (by_week["w"].apply(lambda w: (w**2).sum()))
    p = (frame["w"] * frame["bad"]).sum() / frame["w"].sum()
    np.testing.assert_allclose(table["effective_n"], eff.to_numpy())
    np.testing.assert_allclose(
        table["upper"], p + 3 * np.sqrt(p * (1 - p) / eff.to_numpy())
    )
    assert (table["n"] == 60).all()


def test_values_and_counts_are_those_of_over_time(cans):
    table = chart_of(cans)
    trend = cx.over_time(cans, cx.conversion_rate, column="bad", time="date", freq="W")
    pd.testing.assert_series_equal(table["value"], trend["value"])
    pd.testing.assert_series_equal(table["n"], trend["n"])


# ---------------------------------------------------------------------------
# Laney


def overdispersed(seed=9, weeks=40, size=5_000) -> pd.DataFrame:
    """Large weeks whose true share wanders more than sampling explains."""
    rng = np.random.default_rng(seed)
    shares = np.clip(rng.normal(0.3, 0.02, weeks), 0.01, 0.99)
    return weekly(rng.binomial(size, shares).tolist(), size=size)


def laney_by_hand(counts, sizes, sigma=3.0):
    p = sum(counts) / sum(sizes)
    se = [math.sqrt(p * (1 - p) / n) for n in sizes]
    z = [(c / n - p) / s for c, n, s in zip(counts, sizes, se, strict=True)]
    ranges = [abs(z[i] - z[i - 1]) for i in range(1, len(z))]
    sigma_z = sum(ranges) / len(ranges) / (2 / math.sqrt(math.pi))
    upper = [p + sigma * sigma_z * s for s in se]
    lower = [max(0.0, p - sigma * sigma_z * s) for s in se]
    return p, sigma_z, lower, upper


def test_laney_p_prime_by_hand():
    rng = np.random.default_rng(10)
    sizes = rng.integers(2_000, 9_000, 30).tolist()
    shares = np.clip(rng.normal(0.12, 0.012, 30), 0, 1)
    counts = rng.binomial(sizes, shares).tolist()
    frame = pd.concat(
        [
            weekly([c], size=n).assign(date=MONDAY + pd.Timedelta(weeks=i))
            for i, (c, n) in enumerate(zip(counts, sizes, strict=True))
        ]
    )
    table = chart_of(frame, chart="laney")
    p, sigma_z, lower, upper = laney_by_hand(counts, sizes)
    assert table["center"].iloc[0] == pytest.approx(p)
    assert table.attrs["sigma_z"] == pytest.approx(sigma_z, rel=1e-12)
    assert sigma_z > 1.5  # overdispersed
    np.testing.assert_allclose(table["upper"], upper, rtol=1e-12)
    np.testing.assert_allclose(table["lower"], lower, rtol=1e-12)
    shewhart = chart_of(frame)
    assert table["signal"].sum() < shewhart["signal"].sum()


def test_laney_on_montgomerys_cans(cans):
    # The cans' two out-of-control samples make large moving ranges.
    table = chart_of(cans, chart="laney")
    _, sigma_z, lower, upper = laney_by_hand(CANS, [50] * 30)
    assert table.attrs["sigma_z"] == pytest.approx(sigma_z)
    assert sigma_z == pytest.approx(1.660, abs=1e-3)
    np.testing.assert_allclose(table["upper"], upper)
    np.testing.assert_allclose(table["lower"], lower)


def test_laney_for_a_net_score_uses_the_trinomial_spread():
    rng = np.random.default_rng(11)
    weeks = 12
    scores = rng.choice([0, 7, 10], size=(weeks, 400), p=[0.25, 0.3, 0.45])
    frame = pd.DataFrame(
        {
            "date": np.repeat(
                [MONDAY + pd.Timedelta(weeks=w) for w in range(weeks)], 400
            ),
            "score": scores.ravel(),
        }
    )
    table = cx.control_chart(frame, cx.nps, column="score", time="date", chart="laney")
    pos = (scores == 10).mean(axis=1)
    neg = (scores == 0).mean(axis=1)
    p_pos, p_neg = pos.mean(), neg.mean()
    center = 100 * (p_pos - p_neg)
    se = 100 * math.sqrt(p_pos + p_neg - (p_pos - p_neg) ** 2) / 20
    z = (100 * (pos - neg) - center) / se
    sigma_z = np.abs(np.diff(z)).mean() / (2 / math.sqrt(math.pi))
    np.testing.assert_allclose(table["upper"], center + 3 * sigma_z * se)
    assert table.attrs["sigma_z"] == pytest.approx(sigma_z)


def test_laney_moving_ranges_come_from_the_baseline_periods(cans):
    table = chart_of(cans, chart="laney", baseline=10)
    _, sigma_z, _, _ = laney_by_hand(CANS[:10], [50] * 10)
    # The center is that of the first ten; so is sigma_z's standardization.
    p = sum(CANS[:10]) / 500
    se = math.sqrt(p * (1 - p) / 50)
    z = [(c / 50 - p) / se for c in CANS[:10]]
    expected = np.abs(np.diff(z)).mean() / (2 / math.sqrt(math.pi))
    assert table.attrs["sigma_z"] == pytest.approx(expected)
    assert sigma_z == pytest.approx(expected)


# ---------------------------------------------------------------------------
# EWMA and CUSUM against the recursions


def varied() -> pd.DataFrame:
    rng = np.random.default_rng(12)
    sizes = rng.integers(20, 120, 25)
    shares = np.where(np.arange(25) < 15, 0.3, 0.42)
    counts = rng.binomial(sizes, shares)
    return pd.concat(
        [
            weekly([c], size=n).assign(date=MONDAY + pd.Timedelta(weeks=i))
            for i, (c, n) in enumerate(zip(counts, sizes, strict=True))
        ]
    )


def test_ewma_by_the_recursion_with_sizes_that_change():
    frame = varied()
    table = chart_of(frame, chart="ewma", baseline=15, lam=0.3, sigma=2.7)
    base = frame[frame["date"] < MONDAY + pd.Timedelta(weeks=15)]
    center = base["bad"].mean()
    sd = math.sqrt(center * (1 - center))
    z, v, upper, fired = center, 0.0, [], []
    for value, n in zip(table["value"], table["n"], strict=True):
        z = 0.3 * value + 0.7 * z
        v = 0.09 * sd**2 / n + 0.49 * v
        upper.append(center + 2.7 * math.sqrt(v))
        fired.append(abs(z - center) > 2.7 * math.sqrt(v))
    np.testing.assert_allclose(table["upper"], upper, rtol=1e-12)
    np.testing.assert_allclose(
        table["ewma"], _ewma(table["value"], center, 0.3), rtol=1e-12
    )
    assert table["signal"].tolist() == fired
    assert table["signal"].any()
    assert list(table.columns)[:5] == ["n", "n_missing", "effective_n", "value", "ewma"]


def _ewma(values, start, lam):
    z, out = start, []
    for value in values:
        z = lam * value + (1 - lam) * z
        out.append(z)
    return out


def test_ewma_with_one_size_has_the_textbook_limits(cans):
    table = chart_of(cans, chart="ewma")
    p = 347 / 1500
    s = math.sqrt(p * (1 - p) / 50)
    t = np.arange(1, 31)
    textbook = p + 3 * s * np.sqrt(0.2 / 1.8 * (1 - 0.8 ** (2 * t)))
    np.testing.assert_allclose(table["upper"], textbook)
    np.testing.assert_allclose(table["ewma"], _ewma(table["value"], p, 0.2))


def test_cusum_by_the_recursion():
    frame = varied()
    table = chart_of(frame, chart="cusum", baseline=15, k=0.25, h=4.0)
    base = frame[frame["date"] < MONDAY + pd.Timedelta(weeks=15)]
    center = base["bad"].mean()
    sd = math.sqrt(center * (1 - center))
    high = low = 0.0
    highs, lows, fired, upper = [], [], [], []
    for value, n in zip(table["value"], table["n"], strict=True):
        se = sd / math.sqrt(n)
        upper.append(min(1.0, center + se * (4.0 + 0.25 - high)))
        z = (value - center) / se
        high = max(0.0, high + z - 0.25)
        low = max(0.0, low - z - 0.25)
        highs.append(high)
        lows.append(low)
        fired.append(high > 4.0 or low > 4.0)
    np.testing.assert_allclose(table["cusum_upper"], highs, atol=1e-12)
    np.testing.assert_allclose(table["cusum_lower"], lows, atol=1e-12)
    np.testing.assert_allclose(table["upper"], upper, rtol=1e-12)
    assert table["signal"].tolist() == fired
    # A signal is a value outside the values that would signal.
    outside = (table["value"] > table["upper"]) | (table["value"] < table["lower"])
    assert outside.tolist() == fired
    # The sums do not restart after a signal.
    first = fired.index(True)
    assert table["cusum_upper"].iloc[first + 1] > 0


# ---------------------------------------------------------------------------
# Run rules


def test_run_rules_add_one_column_per_rule(cans):
    table = chart_of(cans, rules="western_electric")
    rules = [f"rule_{i}" for i in range(1, 5)]
    assert list(table.columns)[-5:] == ["signal", *rules]
    assert table["rule_1"].tolist() == chart_of(cans)["signal"].tolist()
    expected = table[rules].any(axis=1)
    assert table["signal"].tolist() == expected.tolist()
    nelson = chart_of(cans, rules="nelson")
    assert [c for c in nelson.columns if c.startswith("rule_")] == [
        f"rule_{i}" for i in range(1, 9)
    ]


def test_run_rules_find_a_run_below_the_center():
    # Eight weeks in a row below a center of 0.3, never beyond 2 sigma.
    frame = weekly([15] * 10 + [13] * 8, size=50)
    table = chart_of(frame, baseline=10, rules="western_electric")
    assert not table["rule_1"].any()
    assert np.flatnonzero(table["rule_4"]).tolist() == [17]
    assert table["signal"].iloc[17]


def test_run_rules_on_a_laney_chart_use_its_wider_zones():
    frame = overdispersed()
    laney = cx.control_chart(
        frame,
        cx.conversion_rate,
        column="bad",
        time="date",
        chart="laney",
        rules="western_electric",
    )
    shewhart = cx.control_chart(
        frame,
        cx.conversion_rate,
        column="bad",
        time="date",
        rules="western_electric",
    )
    assert laney["signal"].sum() < shewhart["signal"].sum()
    assert (
        laney["rule_1"].tolist()
        == (
            (laney["value"] > laney["upper"]) | (laney["value"] < laney["lower"])
        ).tolist()
    )


# ---------------------------------------------------------------------------
# Baseline


def test_baseline_as_the_first_k_periods(cans):
    table = chart_of(cans, baseline=10)
    assert table["center"].iloc[0] == pytest.approx(sum(CANS[:10]) / 500)
    everything = chart_of(cans, baseline=30)
    pd.testing.assert_frame_equal(everything, chart_of(cans))


def test_baseline_as_a_slice_of_labels(cans):
    # Weeks 2025-01-06 ... : January's and February's weeks are the first 8.
    table = chart_of(cans, baseline=slice("2025-01", "2025-02"))
    assert table["center"].iloc[0] == pytest.approx(sum(CANS[:8]) / 400)
    by_period = chart_of(
        cans, baseline=slice(pd.Period("2025-01", "M"), pd.Period("2025-02", "M"))
    )
    pd.testing.assert_frame_equal(table, by_period)
    by_dates = chart_of(
        cans, baseline=slice(datetime.date(2025, 1, 6), pd.Timestamp("2025-02-24"))
    )
    pd.testing.assert_frame_equal(table, by_dates)
    aware = pd.Timestamp("2025-02-24 10:00", tz="Europe/Berlin")
    by_aware = chart_of(cans, baseline=slice(np.datetime64("2025-01-06"), aware))
    pd.testing.assert_frame_equal(table, by_aware)
    own_labels = chart_of(
        cans, baseline=slice("2025-01-06/2025-01-12", "2025-02-24/2025-03-02")
    )
    pd.testing.assert_frame_equal(table, own_labels)
    open_start = chart_of(cans, baseline=slice(None, "2025-02"))
    pd.testing.assert_frame_equal(table, open_start)
    open_end = chart_of(cans, baseline=slice("2025-07-28", None))
    assert open_end["center"].iloc[0] == pytest.approx(sum(CANS[29:]) / 50)


def test_baseline_fixes_center_and_spread_for_every_chart(cans):
    for chart in monitoring.CHARTS:
        table = chart_of(cans, chart=chart, baseline=12)
        p = sum(CANS[:12]) / 600
        assert table["center"].iloc[0] == pytest.approx(p)
        assert table.attrs["sd"] == pytest.approx(math.sqrt(p * (1 - p)))


# ---------------------------------------------------------------------------
# Periods without data, missing times, nan_policy


def test_an_empty_week_is_skipped():
    frame = weekly([10, 12, 0, 9, 30], size=50)
    frame = frame[frame["date"] != MONDAY + pd.Timedelta(weeks=2)]
    for chart in monitoring.CHARTS:
        table = chart_of(frame, chart=chart)
        assert table["n"].tolist() == [50, 50, 0, 50, 50]
        assert math.isnan(table["value"].iloc[2])
        assert not table["signal"].iloc[2]
    ewma = chart_of(frame, chart="ewma")
    assert ewma["ewma"].iloc[2] == ewma["ewma"].iloc[1]
    assert math.isnan(chart_of(frame)["upper"].iloc[2])
    cusum = chart_of(frame, chart="cusum")
    assert cusum["cusum_upper"].iloc[2] == cusum["cusum_upper"].iloc[1]


def test_rows_without_a_time_are_left_out(cans):
    frame = cans.copy()
    frame.loc[frame.index[:5], "date"] = pd.NaT
    table = chart_of(frame)
    assert len(table) == 30
    assert not table.index.isna().any()
    assert table["n"].iloc[0] == 45
    assert table.attrs["n_without_time"] == 5
    assert chart_of(cans).attrs["n_without_time"] == 0


def test_omitted_missing_values_are_counted():
    # 3 missing in week 2 and 1 in week 4, omitted: counted, not lost.
    frame = weekly([10, 12, 11, 9], size=50).assign(
        bad=lambda f: f["bad"].astype(float)
    )
    frame.loc[frame.index[[50, 60, 70, 199]], "bad"] = np.nan
    table = chart_of(frame, nan_policy="omit")
    assert table["n_missing"].tolist() == [0, 3, 0, 1]
    assert table["n"].tolist() == [50, 47, 50, 49]
    frame["team"] = np.where(np.arange(len(frame)) % 2 == 0, "A", "B")
    funnel = cx.funnel_plot(
        frame, cx.conversion_rate, column="bad", by="team", nan_policy="omit"
    )
    # Rows 50, 60, 70 are even (team A), 199 odd (team B).
    assert funnel["n_missing"].tolist() == [3, 1]
    assert funnel["n"].tolist() == [97, 99]


def test_propagated_missing_values():
    frame = weekly([10, 12, 11, 9], size=50).assign(
        bad=lambda f: f["bad"].astype(float)
    )
    frame.loc[frame.index[-1], "bad"] = np.nan
    table = chart_of(frame, nan_policy="propagate", baseline=3)
    assert math.isnan(table["value"].iloc[3])
    assert not table["signal"].iloc[3]
    with pytest.raises(cx.InputError, match="no spread"):
        chart_of(frame, nan_policy="propagate")


def test_other_frequencies_and_metrics(cans):
    monthly = chart_of(cans, freq="M")
    assert len(monthly) == 7
    survey = cx.datasets.load_survey()
    table = cx.control_chart(
        survey, cx.ces, column="ces", time="date", freq="M", method="net_easy"
    )
    assert len(table) == 12
    assert table.attrs["sd"] > 0


# ---------------------------------------------------------------------------
# Funnel plots


def teams() -> pd.DataFrame:
    counts = {"a": (30, 100), "b": (8, 40), "c": (90, 200), "d": (1, 25)}
    rows = []
    for team, (hits, size) in counts.items():
        rows += [(team, True)] * hits + [(team, False)] * (size - hits)
    return pd.DataFrame(rows, columns=["team", "resolved"])


def test_funnel_by_hand():
    table = cx.funnel_plot(teams(), cx.fcr_rate, column="resolved", by="team")
    # 129 of 365 overall
    p = 129 / 365
    sizes = np.array([100, 40, 200, 25])
    half = 3 * math.sqrt(p * (1 - p)) / np.sqrt(sizes)
    assert table["team"].tolist() == ["a", "b", "c", "d"]
    np.testing.assert_allclose(table["value"], [0.3, 0.2, 0.45, 0.04])
    np.testing.assert_allclose(table["center"], p)
    np.testing.assert_allclose(table["upper"], p + half)
    np.testing.assert_allclose(table["lower"], np.maximum(p - half, 0.0))
    assert table["signal"].tolist() == [False, False, False, True]
    assert table.attrs == {
        "center": pytest.approx(p),
        "sd": pytest.approx(math.sqrt(p * (1 - p))),
        "sigma": 3.0,
        "bounds": (0.0, 1.0),
        "label": "FCR",
    }
    assert list(table.columns) == [
        "team",
        "n",
        "n_missing",
        "effective_n",
        "value",
        "center",
        "lower",
        "upper",
        "signal",
    ]


def resolved_frame() -> pd.DataFrame:
    frame = teams()
    return frame.assign(contacts=np.where(frame["resolved"], 1, 2))


def test_funnel_agrees_with_by_segment():
    survey = cx.datasets.load_weekly_survey()
    funnel = cx.funnel_plot(survey, cx.nps, column="nps", by="agent")
    segments = cx.by_segment(survey, cx.nps, column="nps", by="agent")
    pd.testing.assert_series_equal(funnel["value"], segments["value"])
    pd.testing.assert_series_equal(funnel["n"], segments["n"])
    assert funnel["agent"].tolist() == segments["agent"].tolist()
    overall = cx.nps(survey["nps"])
    assert funnel["center"].iloc[0] == pytest.approx(overall.value)
    # The two planted agents stand out, and only they.
    assert funnel.loc[funnel["signal"], "agent"].tolist() == ["A07", "A19"]


def test_funnel_of_a_mean_and_several_keys():
    survey = cx.datasets.load_survey()
    table = cx.funnel_plot(
        survey,
        cx.mean_score,
        column="csat",
        by=["region", "channel"],
        sigma=2,
        scale=(1, 5),
    )
    assert list(table.columns[:2]) == ["region", "channel"]
    assert len(table) == 16
    assert table.attrs["sigma"] == 2.0


def test_funnel_sigma_widens_the_limits():
    narrow = cx.funnel_plot(teams(), cx.fcr_rate, column="resolved", by="team", sigma=1)
    wide = cx.funnel_plot(teams(), cx.fcr_rate, column="resolved", by="team")
    assert (narrow["upper"] < wide["upper"]).all()
    assert narrow["signal"].sum() > wide["signal"].sum()


# ---------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"chart": "xbar"},
            "control_chart: chart='xbar' is not one of 'shewhart', "
            "'laney', 'ewma', 'cusum'",
        ),
        (
            {"rules": "weco"},
            "control_chart: rules='weco' is not one of None, "
            "'western_electric', 'nelson'",
        ),
        ({"sigma": 0}, "control_chart: sigma must be above 0; got 0"),
        ({"sigma": -1.5}, "control_chart: sigma must be above 0; got -1.5"),
        ({"sigma": "3"}, "control_chart: sigma must be a number above 0; got '3'"),
        (
            {"sigma": float("nan")},
            "control_chart: sigma must be a number above 0; got nan",
        ),
        ({"lam": 0}, "control_chart: lam must be in (0, 1]; got 0"),
        ({"lam": 1.2}, "control_chart: lam must be in (0, 1]; got 1.2"),
        ({"k": -0.1}, "control_chart: k must be 0 or more; got -0.1"),
        ({"h": 0}, "control_chart: h must be above 0; got 0"),
        (
            {"chart": "ewma", "rules": "nelson"},
            "control_chart: rules apply to the "
            "'shewhart' and 'laney' charts; the 'ewma' chart already weighs runs of "
            "periods: leave out rules=",
        ),
        (
            {"ci": "wald"},
            "control_chart: ci= sets a confidence interval, which "
            "control_chart does not draw; the width of its limits is set by sigma= "
            "(3 by default)",
        ),
        (
            {"confidence": 0.9},
            "control_chart: confidence= sets a confidence "
            "interval, which control_chart does not draw; the width of its limits is "
            "set by sigma= (3 by default)",
        ),
        (
            {"baseline": 0},
            "control_chart: baseline=0 must be a number of periods "
            "from 1 to 30, the periods of the chart (2025-01-06/2025-01-12 to "
            "2025-07-28/2025-08-03)",
        ),
        (
            {"baseline": 31},
            "control_chart: baseline=31 must be a number of periods "
            "from 1 to 30, the periods of the chart (2025-01-06/2025-01-12 to "
            "2025-07-28/2025-08-03)",
        ),
        (
            {"baseline": slice("2026-01", "2026-03")},
            "control_chart: "
            "baseline=slice('2026-01', '2026-03', None) holds none of the chart's "
            "periods (2025-01-06/2025-01-12 to 2025-07-28/2025-08-03); give labels "
            "within that range, both ends included",
        ),
        (
            {"baseline": slice("2025-03", "2025-01")},
            "control_chart: "
            "baseline=slice('2025-03', '2025-01', None) holds none of the chart's "
            "periods (2025-01-06/2025-01-12 to 2025-07-28/2025-08-03); give labels "
            "within that range, both ends included",
        ),
        (
            {"baseline": slice("spring", None)},
            "control_chart: baseline labels must "
            "be periods, dates or text such as '2025-03' or '2025-03-15'; got "
            "'spring'",
        ),
        (
            {"baseline": slice(1, 3)},
            "control_chart: baseline labels must be "
            "periods, dates or text such as '2025-03' or '2025-03-15'; got 1",
        ),
        (
            {"baseline": slice(0, 10, 2)},
            "control_chart: baseline must be None "
            "(every period), a number of periods (the first k) or a slice of period "
            "labels such as slice('2025-01', '2025-03'); got slice(0, 10, 2)",
        ),
        (
            {"baseline": True},
            "control_chart: baseline must be None (every period), "
            "a number of periods (the first k) or a slice of period labels such as "
            "slice('2025-01', '2025-03'); got True",
        ),
        (
            {"baseline": [1, 2]},
            "control_chart: baseline must be None (every "
            "period), a number of periods (the first k) or a slice of period labels "
            "such as slice('2025-01', '2025-03'); got [1, 2]",
        ),
        (
            {"freq": "fortnight"},
            "control_chart: freq='fortnight' is not a period frequency; use 'D' "
            "(days), 'W' or 'W-MON' ... 'W-SUN' (weeks ending on that day), 'M', "
            "'ME' or 'MS' (months), 'Q', 'QE' or 'QS' (quarters; 'Q-JAN' ... "
            "'Q-DEC' end in that month, 'QS-JAN' ... 'QS-DEC' start in it), or "
            "'Y', 'YE', 'YS' or 'A' (years, anchored the same way)",
        ),
        (
            {"scale": (1, 5)},
            "control_chart: 'scale' is not an option of "
            "cx.conversion_rate (its options: ci, nan_policy)",
        ),
    ],
)
def test_bad_options(cans, options, message):
    with pytest.raises(cx.InputError, match=exact(message)):
        chart_of(cans, **options)


def test_fewer_than_two_periods(cans):
    one_week = cans[cans["date"] == MONDAY]
    with pytest.raises(
        cx.InputError,
        match=exact(
            "control_chart: the data span 1 period (freq='W'); a control chart "
            "needs at least two: use shorter periods (freq='D' or 'W') or more data"
        ),
    ):
        chart_of(one_week)
    with pytest.raises(cx.InputError, match="the data span 1 period"):
        chart_of(cans, freq="Y")


def test_a_baseline_without_data():
    frame = weekly([10, 12, 0, 0, 9, 30], size=50)
    gap = frame["date"].isin([MONDAY + pd.Timedelta(weeks=w) for w in (2, 3)])
    with pytest.raises(
        cx.InputError,
        match=exact(
            "control_chart: the baseline holds no valid rows; choose periods with data"
        ),
    ):
        chart_of(frame[~gap], baseline=slice("2025-01-20", "2025-01-27"))


def test_a_baseline_without_spread():
    frame = weekly([50, 50, 3], size=50)
    with pytest.raises(
        cx.InputError,
        match=exact(
            "control_chart: every row of the baseline has the same answer (value "
            "1), so the limits would have no width; use a longer baseline"
        ),
    ):
        chart_of(frame, baseline=2)
    one_each = pd.DataFrame(
        {"date": MONDAY + pd.to_timedelta([0, 7, 14], unit="D"), "x": [3, 4, 5]}
    )
    with pytest.raises(cx.InputError, match="no period with two rows"):
        cx.control_chart(one_each, cx.mean_score, column="x", time="date", scale=(1, 5))


def test_laney_needs_two_baseline_periods(cans):
    with pytest.raises(
        cx.InputError,
        match=exact(
            "control_chart: chart='laney' needs a baseline with at least two "
            "periods with data (one moving range); use a longer baseline"
        ),
    ):
        chart_of(cans, chart="laney", baseline=1)


@pytest.mark.parametrize(
    ("metric", "column", "what"),
    [
        (
            cx.resolution_time,
            ("created", "resolved"),
            "not additive (a median or percentile of the whole is no combination "
            "of those of its parts)",
        ),
        (
            cx.survival_curve,
            ("days", "churned"),
            "a survival curve, not one additive value per group",
        ),
    ],
)
def test_metrics_that_are_not_additive(metric, column, what):
    frame = pd.DataFrame(
        {
            "date": MONDAY + pd.to_timedelta([0, 7, 14], unit="D"),
            "created": pd.to_datetime(["2025-01-06", "2025-01-13", "2025-01-20"]),
            "resolved": pd.to_datetime(["2025-01-07", "2025-01-14", "2025-01-22"]),
            "days": [3, 5, 8],
            "churned": [True, False, True],
            "team": ["a", "b", "a"],
        }
    )
    name = metric.__name__
    fix = (
        "use a rate or a mean of the same rows instead, such as cx.sla_attainment "
        "(the share within a target) or cx.churn_rate"
    )
    with pytest.raises(
        cx.InputError,
        match=exact(
            f"control_chart: cx.{name} is {what}, so it has no control chart; {fix}"
        ),
    ):
        cx.control_chart(frame, metric, column=column, time="date")
    with pytest.raises(
        cx.InputError,
        match=exact(
            f"funnel_plot: cx.{name} is {what}, so it has no funnel plot; {fix}"
        ),
    ):
        cx.funnel_plot(frame, metric, column=column, by="team")


def test_funnel_bad_input():
    frame = teams()
    with pytest.raises(
        cx.InputError, match=exact("funnel_plot: sigma must be above 0; got -2")
    ):
        cx.funnel_plot(frame, cx.fcr_rate, column="resolved", by="team", sigma=-2)
    with pytest.raises(
        cx.InputError,
        match=exact("funnel_plot: sigma is too large for floating point (1.000e+400)"),
    ):
        cx.funnel_plot(frame, cx.fcr_rate, column="resolved", by="team", sigma=10**400)
    with pytest.raises(cx.InputError, match="funnel_plot: ci= sets a confidence"):
        cx.funnel_plot(frame, cx.fcr_rate, column="resolved", by="team", ci="wald")
    with pytest.raises(
        cx.InputError,
        match=exact(
            "funnel_plot: the key column 'value' has the name of an output column "
            "(n, n_missing, effective_n, value, center, lower, upper, signal); "
            "rename it first, e.g. frame.rename(columns={'value': 'value_key'})"
        ),
    ):
        cx.funnel_plot(
            frame.rename(columns={"team": "value"}),
            cx.fcr_rate,
            column="resolved",
            by="value",
        )
    with pytest.raises(
        cx.InputError,
        match=exact(
            "funnel_plot: every row of the data has the same answer (value 1), so "
            "the limits would have no width; use a longer baseline"
        ),
    ):
        cx.funnel_plot(
            frame.assign(resolved=True), cx.fcr_rate, column="resolved", by="team"
        )
    with pytest.raises(cx.InputError, match="funnel_plot: by must name at least"):
        cx.funnel_plot(frame, cx.fcr_rate, column="resolved", by=[])


# ---------------------------------------------------------------------------
# Dask


def test_control_chart_and_funnel_on_dask_equal_pandas(cans):
    dd = pytest.importorskip("dask.dataframe")
    survey = cx.datasets.load_weekly_survey()
    parts = dd.from_pandas(survey, npartitions=5)
    for chart in monitoring.CHARTS:
        expected = cx.control_chart(
            survey, cx.nps, column="nps", time="date", chart=chart, baseline=26
        )
        table = cx.control_chart(
            parts, cx.nps, column="nps", time="date", chart=chart, baseline=26
        )
        pd.testing.assert_frame_equal(table, expected)
    expected = cx.funnel_plot(survey, cx.csat, column="csat", by="agent")
    table = cx.funnel_plot(parts, cx.csat, column="csat", by="agent")
    pd.testing.assert_frame_equal(table, expected)


def test_import_is_lazy():
    import subprocess
    import sys

    code = (
        "import sys, cxmetrics as cx; assert 'cxmetrics.monitoring' not in "
        "sys.modules; cx.control_chart; assert 'cxmetrics.monitoring' in "
        "sys.modules; assert 'matplotlib' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    assert {"control_chart", "funnel_plot"} <= set(cx.__all__)
    assert cx.funnel_plot is monitoring.funnel_plot


def test_spread_of_one_row_without_rows_or_after_a_propagated_value():
    from cxmetrics._estimators import MeanEstimator, NetEstimator, RateEstimator
    from cxmetrics._stats import MomentStats, NetStats, RateStats

    net = NetEstimator(ci=None, confidence=0.95, nps=True)
    assert math.isnan(net.process_sd(NetStats.of_counts(0, 0, 0, n=0)))
    assert math.isnan(
        net.process_sd(NetStats.of_counts(5, 3, 2, n=10, n_missing=1, propagated=True))
    )
    assert net.process_sd(NetStats.of_counts(5, 3, 2, n=10)) == pytest.approx(
        100 * math.sqrt(0.7 - 0.09)
    )
    rate = RateEstimator(ci=None, confidence=0.95, label="x")
    assert rate.process_sd(RateStats.of_counts(3, 12, n=12)) == pytest.approx(
        math.sqrt(0.25 * 0.75)
    )
    mean = MeanEstimator(ci=None, confidence=0.95, label="x")
    one_each = MomentStats.of_moments(1.0, 3.0, 0.0, n=1)
    assert math.isnan(mean.process_sd(one_each))
    propagated = MomentStats.of_moments(4.0, 3.0, 2.0, n=4, propagated=True)
    assert math.isnan(mean.process_sd(propagated))


def test_frame_column_and_time_errors_name_the_function(cans):
    with pytest.raises(
        cx.InputError,
        match=exact(
            "control_chart: frame must be a pandas or dask DataFrame; got list"
        ),
    ):
        cx.control_chart([1, 2], cx.nps, column="x", time="date")
    with pytest.raises(
        cx.InputError,
        match=exact(
            "control_chart: column 'nope' is not a column of frame (its columns: "
            "'date', 'bad')"
        ),
    ):
        chart_of(cans, column="nope")
    with pytest.raises(cx.InputError, match=r"^control_chart: time column 'bad' must"):
        cx.control_chart(cans, cx.conversion_rate, column="bad", time="bad")
    with pytest.raises(
        cx.InputError,
        match=exact(
            "funnel_plot: by 'nope' is not a column of frame (its columns: "
            "'team', 'resolved')"
        ),
    ):
        cx.funnel_plot(teams(), cx.fcr_rate, column="resolved", by="nope")
    frame = pd.DataFrame(
        {"score": [10, 11, 3], "date": pd.date_range("2025-01-06", periods=3)}
    )
    with pytest.raises(
        cx.InputError, match=r"^control_chart: cx\.nps on 'score': 1 of 3 scores"
    ):
        cx.control_chart(frame, cx.nps, column="score", time="date", freq="D")


def test_misaligned_weights_are_refused(cans):
    # Weights as a Series must carry the frame's index: rows are never
    # paired with another row's weight.
    backwards = pd.Series(1.0, index=cans.index[::-1])
    with pytest.raises(
        cx.InputError,
        match="control_chart: the Series given as weights does not have the frame's "
        "index",
    ):
        chart_of(cans, weights=backwards)
    frame = teams()
    with pytest.raises(
        cx.InputError,
        match="funnel_plot: the Series given as weights does not have the frame's "
        "index",
    ):
        cx.funnel_plot(
            frame,
            cx.fcr_rate,
            column="resolved",
            by="team",
            weights=pd.Series(1.0, index=frame.index[::-1]),
        )
