"""Raking (`cx.rake`), the raking-aware variance, and `cx.sample_size`.

References, each independent of cxmetrics' code:

* Raked weights with a closed form: two margins of a 2x2 table. Iterative
  proportional fitting keeps the sample's odds ratio and meets both
  margins (Deming and Stephan 1940), so with sample counts n_ij and margins
  r_i, c_j the fitted cell totals m_ij solve a quadratic; with an odds ratio
  of 1 they are r_i c_j / N.
* A plain pandas IPF loop (groupby-sum per margin) for larger samples.
* The raking-aware variance of R's ``survey::rake`` + ``svymean``, built here
  two ways: (1) the calibration (GREG) residuals of the linearized values
  by weighted least squares (``np.linalg.lstsq`` on the full dummy matrix),
  times the final weights, with-replacement variance of the total with
  n / (n - 1), as Lumley (2010, ch. 7) describes; and (2) the loop R's
  ``svyrecvar`` runs for a raking design (ten rounds of removing each
  margin's category means, ``x - w * ave(x / w, margin)``), which equals
  (1) when the design weights are 1.
* Sample sizes: the closed forms written out by hand (Cochran 1977).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import cxmetrics as cx

Z95 = float(stats.norm.ppf(0.975))


# ---------------------------------------------------------------------------
# Raked weights against closed forms and a plain loop


def _two_by_two(counts: list[list[int]]) -> pd.DataFrame:
    rows = [
        (sex, age)
        for (i, sex) in enumerate("FM")
        for (j, age) in enumerate(("young", "old"))
        for _ in range(counts[i][j])
    ]
    return pd.DataFrame(rows, columns=["sex", "age"])


def test_two_margins_with_odds_ratio_one_give_products_of_margins() -> None:
    # Sample 20/30/20/30 (odds ratio 1); population F 60, M 40, young 30,
    # old 70: the fitted cell is r_i c_j / N, the weight that over n_ij.
    frame = _two_by_two([[20, 30], [20, 30]])
    raked = cx.rake(frame, {"sex": {"F": 60, "M": 40}, "age": {"young": 30, "old": 70}})
    expected = {
        ("F", "young"): 60 * 30 / 100 / 20,
        ("F", "old"): 60 * 70 / 100 / 30,
        ("M", "young"): 40 * 30 / 100 / 20,
        ("M", "old"): 40 * 70 / 100 / 30,
    }
    weights = np.asarray(raked)
    for (sex, age), weight in expected.items():
        cell = (frame["sex"] == sex) & (frame["age"] == age)
        np.testing.assert_allclose(weights[cell.to_numpy()], weight, rtol=1e-12)
    assert raked.converged
    assert raked.iterations == 1  # independent margins: one pass meets both


def test_two_margins_keep_the_sample_odds_ratio() -> None:
    # Sample 30/10/20/40 (odds ratio 6), margins 50/50 and 50/50: the fitted
    # table is x, 50 - x, 50 - x, x with x^2 / (50 - x)^2 = 6, so
    # x = 50 sqrt(6) / (1 + sqrt(6)) = 35.5051.
    frame = _two_by_two([[30, 10], [20, 40]])
    raked = cx.rake(
        frame, {"sex": {"F": 0.5, "M": 0.5}, "age": {"young": 0.5, "old": 0.5}}
    )
    x = 50 * math.sqrt(6) / (1 + math.sqrt(6))
    assert round(x, 4) == 35.5051
    expected = {
        ("F", "young"): x / 30,
        ("F", "old"): (50 - x) / 10,
        ("M", "young"): (50 - x) / 20,
        ("M", "old"): x / 40,
    }
    weights = np.asarray(raked)
    for (sex, age), weight in expected.items():
        cell = ((frame["sex"] == sex) & (frame["age"] == age)).to_numpy()
        np.testing.assert_allclose(weights[cell], weight, rtol=1e-9)
    assert raked.converged
    assert raked.max_error <= 1e-10
    # Shares are scaled to the sample size (100 rows, no design weights).
    assert weights.sum() == pytest.approx(100.0)


def _survey(n: int = 400, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    region = rng.choice(["North", "South", "East", "West"], n, p=[0.4, 0.3, 0.2, 0.1])
    age = rng.choice(["18-34", "35-54", "55+"], n, p=[0.5, 0.3, 0.2])
    plan = rng.choice(["basic", "pro"], n, p=[0.7, 0.3])
    base = 6.5 + 1.5 * (region == "North") - 1.0 * (age == "55+") + (plan == "pro")
    score = np.clip(np.round(rng.normal(base, 2.2)), 0, 10).astype(int)
    return pd.DataFrame(
        {
            "region": region,
            "age": age,
            "plan": plan,
            "score": score,
            "rating": np.clip(score // 2, 1, 5),
            "design": rng.uniform(0.5, 2.0, n),
        }
    )


MARGINS = {
    "region": {"North": 0.25, "South": 0.25, "East": 0.3, "West": 0.2},
    "age": {"18-34": 0.3, "35-54": 0.4, "55+": 0.3},
    "plan": {"basic": 0.6, "pro": 0.4},
}


def _pandas_ipf(
    frame: pd.DataFrame, margins: dict, start: np.ndarray, passes: int = 500
) -> np.ndarray:
    """A plain loop: scale each margin's groupby sums to its targets."""
    w = pd.Series(start, index=frame.index, dtype=float)
    total = start.sum()
    for _ in range(passes):
        for column, targets in margins.items():
            shares = pd.Series(targets, dtype=float)
            current = w.groupby(frame[column]).sum()
            w = w * frame[column].map(shares * total / current)
    return w.to_numpy()


@pytest.mark.parametrize("with_design", [False, True])
def test_three_margins_equal_a_plain_pandas_loop(with_design: bool) -> None:
    frame = _survey()
    start = frame["design"].to_numpy() if with_design else np.ones(len(frame))
    raked = cx.rake(frame, MARGINS, weights="design" if with_design else None)
    np.testing.assert_allclose(
        np.asarray(raked), _pandas_ipf(frame, MARGINS, start), rtol=1e-8
    )
    assert raked.converged
    assert raked.max_error <= 1e-10
    table = raked.margins.set_index(["margin", "category"])
    assert table.loc[("region", "East"), "target"] == pytest.approx(0.3 * start.sum())
    assert table.loc[("region", "East"), "respondents"] == int(
        (frame["region"] == "East").sum()
    )
    w = np.asarray(raked)
    assert raked.effective_n == pytest.approx(w.sum() ** 2 / (w**2).sum())
    assert raked.design_effect == pytest.approx(len(frame) / raked.effective_n)
    np.testing.assert_array_equal(raked.design_weights, start)


def test_totals_and_shares_mix_to_one_population() -> None:
    frame = _survey()
    raked = cx.rake(
        frame,
        {
            "region": {"North": 2500, "South": 2500, "East": 3000, "West": 2000},
            "age": {"18-34": 0.3, "35-54": 0.4, "55+": 0.3},
        },
    )
    assert np.asarray(raked).sum() == pytest.approx(10_000)
    table = raked.margins.set_index(["margin", "category"])
    assert table.loc[("age", "35-54"), "achieved"] == pytest.approx(4000)


def test_series_targets_and_zero_targets() -> None:
    frame = _survey()
    raked = cx.rake(
        frame,
        {"region": pd.Series({"North": 0.5, "South": 0.5, "East": 0.0, "West": 0.0})},
    )
    w = np.asarray(raked)
    assert np.all(w[frame["region"].isin(["East", "West"]).to_numpy()] == 0)
    assert raked.converged


def test_already_matching_weights_take_no_pass() -> None:
    frame = _two_by_two([[20, 30], [20, 30]])
    raked = cx.rake(frame, {"sex": {"F": 0.5, "M": 0.5}})
    assert raked.iterations == 0
    assert raked.converged
    np.testing.assert_array_equal(np.asarray(raked), np.ones(100))


def test_margins_that_cannot_be_met_report_their_error() -> None:
    # Every F is young and every M old: sex and age are one variable, so
    # F 50% and young 30% cannot both hold. Raking oscillates; the result
    # says so, with the error it reached, and a warning is raised.
    frame = _two_by_two([[10, 0], [0, 10]])
    with pytest.warns(RuntimeWarning, match="did not converge in 25 iterations"):
        raked = cx.rake(
            frame,
            {"sex": {"F": 0.5, "M": 0.5}, "age": {"young": 0.3, "old": 0.7}},
            max_iter=25,
        )
    assert not raked.converged
    assert raked.iterations == 25
    # After a pass the age margin holds and sex is off by 0.3 / 0.5 = 60%.
    assert raked.max_error == pytest.approx(0.4)
    assert "did not converge in 25 iterations" in str(raked)
    assert raked.to_dict()["converged"] is False


def test_a_loose_tolerance_is_met_and_reported() -> None:
    frame = _survey()
    loose = cx.rake(frame, MARGINS, tol=1e-3)
    tight = cx.rake(frame, MARGINS)
    assert loose.converged
    assert loose.max_error <= 1e-3
    assert loose.iterations < tight.iterations


def test_raked_weights_are_a_read_only_array_like() -> None:
    frame = _survey()
    raked = cx.rake(frame, MARGINS)
    assert len(raked) == len(frame)
    assert np.asarray(raked).flags.writeable is False
    copy = np.array(raked, copy=True)
    copy[0] = 99.0  # a copy may change
    assert np.asarray(raked)[0] != 99.0
    assert np.asarray(raked, dtype=np.float32).dtype == np.float32
    frame["w"] = np.asarray(raked)
    assert frame["w"].sum() == pytest.approx(len(frame))
    text = str(raked)
    assert text.startswith("Raked weights: n=400, 3 margins, converged in")
    assert "<table" in raked._repr_html_()
    record = raked.to_dict()
    assert len(record["margins"]) == 9
    assert record["margins"][0]["margin"] == "region"


# ---------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize(
    ("margins", "options", "message"),
    [
        (
            {"regon": {"North": 1.0}},
            {},
            "rake: 1 column of margins not in frame ('regon'); its columns: 'region'",
        ),
        ({}, {}, "rake: margins must be a non-empty mapping"),
        (
            {"region": {"North": 0.4, "South": 0.3, "East": 0.2, "West": -0.1}},
            {},
            "rake: 1 target of margins['region'] is negative ('West': -0.1)",
        ),
        (
            {"region": {"North": 0.4, "South": 0.3, "East": 0.2, "West": 0.09}},
            {},
            "rake: the shares of margins['region'] sum to 0.99, not 1",
        ),
        (
            {
                "region": {"North": 400, "South": 300, "East": 200, "West": 100},
                "plan": {"basic": 700, "pro": 200},
            },
            {},
            "rake: the margins' totals disagree ('region' sums to 1,000, 'plan' "
            "sums to 900)",
        ),
        (
            {"region": {"North": 0.4, "South": 0.3, "East": 0.3}},
            {},
            "rake: 34 of 400 rows of frame['region'] are not among the categories "
            "of margins['region'] ('West')",
        ),
        (
            {
                "region": {
                    "North": 0.4,
                    "South": 0.3,
                    "East": 0.2,
                    "West": 0.05,
                    "Islands": 0.05,
                }
            },
            {},
            "rake: no row of frame['region'] is in 1 category with a target "
            "('Islands': 20)",
        ),
        (
            {"region": {"North": "0.4", "South": 0.6}},
            {},
            "rake: targets of margins['region'] must be numbers; got '0.4'",
        ),
        (
            {"region": {"North": 0.0}},
            {},
            "rake: the targets of margins['region'] are all 0",
        ),
        ({"region": []}, {}, "rake: margins['region'] must be a non-empty mapping"),
        (MARGINS, {"max_iter": 0}, "rake: max_iter must be at least 1"),
        (MARGINS, {"tol": 0}, "rake: tol must be a positive number"),
        (MARGINS, {"tol": 10**400}, "rake: tol is too large for floating point"),
        (MARGINS, {"weights": "wt"}, "rake: weights 'wt' is not a column of frame"),
        (
            MARGINS,
            {"weights": [1.0, 2.0]},
            "rake: weights has 2 values but there are 400",
        ),
    ],
)
def test_bad_input_is_refused_with_the_fix(
    margins: dict, options: dict, message: str
) -> None:
    frame = _survey()
    with pytest.raises(cx.InputError) as error:
        cx.rake(frame, margins, **options)
    assert str(error.value).startswith(message)


def test_bad_frames_and_unusable_categories() -> None:
    with pytest.raises(cx.InputError, match="frame must be a pandas DataFrame"):
        cx.rake([1, 2], {"a": {1: 1.0}})  # type: ignore[arg-type]
    with pytest.raises(cx.InputError, match="frame has no rows"):
        cx.rake(pd.DataFrame({"a": []}), {"a": {1: 1.0}})
    frame = pd.DataFrame({"a": ["x", "y", None], "d": [1.0, 0.0, 1.0]})
    with pytest.raises(cx.InputError, match=r"1 of 3 rows of frame\['a'\] are not"):
        cx.rake(frame, {"a": {"x": 0.5, "y": 0.5}})
    # A category whose every starting weight is 0 cannot be scaled up.
    with pytest.raises(cx.InputError, match=r"starting weights of every row"):
        cx.rake(frame.iloc[:2], {"a": {"x": 0.5, "y": 0.5}}, weights="d")
    with pytest.raises(cx.InputError, match="names a category twice"):
        cx.rake(frame, {"a": pd.Series([0.5, 0.5], index=["x", "x"])})
    with pytest.raises(cx.InputError, match="must be finite"):
        cx.rake(frame, {"a": {"x": math.inf, "y": 1.0}})
    with pytest.raises(cx.InputError, match="frame and weights"):
        cx.rake(
            frame.iloc[:2],
            {"a": {"x": 0.5, "y": 0.5}},
            weights=pd.Series([1.0, 1.0], index=[5, 6]),
        )


# ---------------------------------------------------------------------------
# The raking-aware variance


def _dummies(frame: pd.DataFrame, margins: dict) -> np.ndarray:
    return np.column_stack(
        [
            (frame[column] == category).to_numpy(dtype=float)
            for column, targets in margins.items()
            for category in targets
        ]
    )


def _greg_variance(
    frame: pd.DataFrame,
    margins: dict,
    y: np.ndarray,
    domain: np.ndarray,
    design: np.ndarray,
    final: np.ndarray,
) -> float:
    """Lumley's recipe with a weighted least squares fit (independent oracle)."""
    x = _dummies(frame, margins)
    total = final[domain].sum()
    theta = (final * y)[domain].sum() / total
    z = np.where(domain, (y - theta) / total, 0.0)
    root = np.sqrt(design)
    beta = np.linalg.lstsq(x * root[:, None], z * root, rcond=None)[0]
    u = final * (z - x @ beta)
    n = len(u)
    return float(n / (n - 1) * ((u - u.mean()) ** 2).sum())


def _r_backfitting_variance(
    frame: pd.DataFrame,
    margins: dict,
    y: np.ndarray,
    domain: np.ndarray,
    final: np.ndarray,
) -> float:
    """What R's svyrecvar does for a raking design: ten rounds of
    ``x <- x - w * ave(x / w, margin)`` on ``x = w z``, then the with-
    replacement variance of the total."""
    total = final[domain].sum()
    theta = (final * y)[domain].sum() / total
    x = final * np.where(domain, (y - theta) / total, 0.0)
    for _ in range(10):
        for column in margins:
            ratio = pd.Series(x / final)
            means = ratio.groupby(frame[column].to_numpy()).transform("mean").to_numpy()
            x = x - final * means
    n = len(x)
    return float(n / (n - 1) * ((x - x.mean()) ** 2).sum())


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return _survey()


def test_nps_variance_equals_greg_residuals_and_r_loop(survey: pd.DataFrame) -> None:
    raked = cx.rake(survey, MARGINS)
    final = np.asarray(raked)
    y = np.where(survey["score"] >= 9, 1.0, np.where(survey["score"] <= 6, -1.0, 0.0))
    everyone = np.ones(len(survey), dtype=bool)
    v_greg = _greg_variance(survey, MARGINS, y, everyone, np.ones(len(y)), final)
    v_r = _r_backfitting_variance(survey, MARGINS, y, everyone, final)
    assert v_r == pytest.approx(v_greg, rel=1e-6)  # R's loop = the projection
    result = cx.nps(survey["score"], weights=raked, ci="wald")
    assert result.ci is not None
    half = (result.ci.high - result.ci.low) / 2
    assert half == pytest.approx(100 * Z95 * math.sqrt(v_greg), rel=1e-9)
    # The equivalent n gives that variance in the trinomial formula.
    p_pos = (final * (y > 0)).sum() / final.sum()
    p_neg = (final * (y < 0)).sum() / final.sum()
    unit = p_pos + p_neg - (p_pos - p_neg) ** 2
    assert result.effective_n == pytest.approx(unit / v_greg, rel=1e-9)
    # Raking on margins that relate to the score beats Kish's n here.
    assert result.effective_n > raked.effective_n


def test_rate_and_mean_variances_with_design_weights(survey: pd.DataFrame) -> None:
    design = survey["design"].to_numpy()
    raked = cx.rake(survey, MARGINS, weights=design)
    final = np.asarray(raked)
    everyone = np.ones(len(survey), dtype=bool)
    satisfied = (survey["rating"] >= 4).to_numpy(dtype=float)
    v_rate = _greg_variance(survey, MARGINS, satisfied, everyone, design, final)
    csat = cx.csat(survey["rating"], weights=raked, ci="wald")
    assert csat.ci is not None
    assert (csat.ci.high - csat.ci.low) / 2 == pytest.approx(
        Z95 * math.sqrt(v_rate), rel=1e-9
    )
    rating = survey["rating"].to_numpy(dtype=float)
    v_mean = _greg_variance(survey, MARGINS, rating, everyone, design, final)
    mean = cx.mean_score(survey["rating"], scale=(1, 5), weights=raked)
    mean_w = (final * rating).sum() / final.sum()
    spread = (final * (rating - mean_w) ** 2).sum() / final.sum()
    assert mean.effective_n == pytest.approx(1 + spread / v_mean, rel=1e-9)
    t = stats.t.ppf(0.975, mean.effective_n - 1)
    assert mean.ci is not None
    assert mean.ci.high - mean.value == pytest.approx(t * math.sqrt(v_mean), rel=1e-9)
    # The same for the other survey metrics that take weights.
    top = cx.top_box(survey["rating"], scale=(1, 5), boxes=2, weights=raked, ci="wald")
    assert top.effective_n == pytest.approx(csat.effective_n)
    effort = cx.ces(
        survey["rating"], scale=(1, 5), method="percent_easy", weights=raked, ci="wald"
    )
    assert effort.effective_n == pytest.approx(csat.effective_n)


def test_missing_answers_are_outside_the_domain(survey: pd.DataFrame) -> None:
    raked = cx.rake(survey, MARGINS)
    final = np.asarray(raked)
    scores = survey["score"].astype(float).to_numpy().copy()
    scores[::7] = np.nan
    answered = ~np.isnan(scores)
    y = np.where(scores >= 9, 1.0, np.where(scores <= 6, -1.0, 0.0))
    v = _greg_variance(survey, MARGINS, y, answered, np.ones(len(y)), final)
    result = cx.nps(scores, weights=raked, ci="wald")
    assert result.n_missing == int((~answered).sum())
    assert result.ci is not None
    assert (result.ci.high - result.ci.low) / 2 == pytest.approx(
        100 * Z95 * math.sqrt(v), rel=1e-9
    )


def test_by_segment_uses_the_domain_variance(survey: pd.DataFrame) -> None:
    raked = cx.rake(survey, MARGINS)
    final = np.asarray(raked)
    y = np.where(survey["score"] >= 9, 1.0, np.where(survey["score"] <= 6, -1.0, 0.0))
    table = cx.by_segment(
        survey, cx.nps, column="score", by="age", weights=raked, ci="wald"
    )
    for row in table.itertuples():
        inside = (survey["age"] == row.age).to_numpy()
        v_seg = _greg_variance(survey, MARGINS, y, inside, np.ones(len(y)), final)
        v_rest = _greg_variance(survey, MARGINS, y, ~inside, np.ones(len(y)), final)
        assert (row.ci_high - row.ci_low) / 2 == pytest.approx(
            100 * Z95 * math.sqrt(v_seg), rel=1e-9
        )
        # Against the rest: the two domain variances add.
        assert (row.difference_ci_high - row.difference_ci_low) / 2 == pytest.approx(
            100 * Z95 * math.sqrt(v_seg + v_rest), rel=1e-9
        )
    # A segment by a raking margin itself: its own domain variance too.
    by_region = cx.by_segment(
        survey, cx.csat, column="rating", by="region", weights=raked, ci="wald"
    )
    satisfied = (survey["rating"] >= 4).to_numpy(dtype=float)
    north = (survey["region"] == "North").to_numpy()
    v = _greg_variance(survey, MARGINS, satisfied, north, np.ones(len(y)), final)
    row = by_region.set_index("region").loc["North"]
    assert (row["ci_high"] - row["ci_low"]) / 2 == pytest.approx(
        Z95 * math.sqrt(v), rel=1e-9
    )


def test_over_time_and_plain_weights(survey: pd.DataFrame) -> None:
    raked = cx.rake(survey, MARGINS)
    frame = survey.assign(
        when=pd.Timestamp("2025-01-01")
        + pd.to_timedelta(np.arange(len(survey)) % 3 * 31, unit="D")
    )
    table = cx.over_time(
        frame, cx.nps, column="score", time="when", weights=raked, ci="wald"
    )
    final = np.asarray(raked)
    y = np.where(survey["score"] >= 9, 1.0, np.where(survey["score"] <= 6, -1.0, 0.0))
    first = np.arange(len(survey)) % 3 == 0
    v = _greg_variance(survey, MARGINS, y, first, np.ones(len(y)), final)
    assert (table["ci_high"].iloc[0] - table["ci_low"].iloc[0]) / 2 == pytest.approx(
        100 * Z95 * math.sqrt(v), rel=1e-9
    )
    # The same weights as a plain array (or a column) mean Kish's n.
    plain = cx.nps(survey["score"], weights=final)
    assert plain.effective_n == pytest.approx(raked.effective_n)
    column = cx.by_segment(
        survey.assign(w=final), cx.nps, column="score", by="age", weights="w"
    )
    for row in column.itertuples():
        w = final[(survey["age"] == row.age).to_numpy()]
        assert row.effective_n == pytest.approx(w.sum() ** 2 / (w**2).sum())


def test_raked_weights_must_fit_the_frame(survey: pd.DataFrame) -> None:
    raked = cx.rake(survey, MARGINS)
    with pytest.raises(
        cx.InputError, match="raked weights of 400 rows but frame has 10"
    ):
        cx.by_segment(survey.head(10), cx.nps, column="score", by="age", weights=raked)
    with pytest.raises(cx.InputError, match="weights has 400 values but there are 10"):
        cx.nps(survey["score"].head(10), weights=raked)


def test_constant_answers_fall_back_to_kish(survey: pd.DataFrame) -> None:
    raked = cx.rake(survey, MARGINS)
    result = cx.nps(np.full(len(survey), 10), weights=raked)
    assert result.effective_n == pytest.approx(raked.effective_n)
    assert result.ci is not None
    assert result.ci.high == 100.0


def test_merge_and_compare_of_raked_results(survey: pd.DataFrame) -> None:
    raked = cx.rake(survey, MARGINS)
    north = survey["region"] == "North"
    table = cx.by_segment(survey, cx.nps, column="score", by="region", weights=raked)
    result = cx.nps(survey["score"], weights=raked)
    # Records keep the equivalent n, so merge and compare read it back.
    assert result.merge(result).effective_n == pytest.approx(2 * result.effective_n)
    assert table.loc[table["region"] == "North", "n"].item() == int(north.sum())


# ---------------------------------------------------------------------------
# Sample size


def test_sample_size_closed_forms() -> None:
    z = Z95
    # Rate within 5 points at p = .5: 1.96^2 * .25 / .05^2 = 384.15 -> 385.
    assert (
        cx.sample_size("rate", margin=0.05) == math.ceil(z * z * 0.25 / 0.0025) == 385
    )
    # NPS worst case (.5/.5, variance 1): 1.96^2 / .05^2 = 1536.6 -> 1537.
    assert cx.sample_size("nps", margin=5) == math.ceil(z * z / 0.0025) == 1537
    # NPS with 40% promoters, 20% detractors: v = .6 - .04 = .56.
    assert cx.sample_size("nps", margin=5, promoters=0.4, detractors=0.2) == math.ceil(
        z * z * 0.56 / 0.0025
    )
    # A mean within 0.1 of a rating with sd 1.2: (1.96 * 1.2 / 0.1)^2 = 553.2.
    assert cx.sample_size("mean", margin=0.1, sd=1.2) == math.ceil((z * 1.2 / 0.1) ** 2)
    # 90% confidence.
    z90 = float(stats.norm.ppf(0.95))
    assert cx.sample_size("rate", margin=0.03, confidence=0.9, proportion=0.8) == (
        math.ceil(z90 * z90 * 0.16 / 0.0009)
    )


def test_sample_size_with_finite_population() -> None:
    z = Z95
    n0 = z * z * 0.25 / 0.0025
    for population in (500, 2_000, 100_000):
        expected = math.ceil(n0 * population / (n0 + population - 1))
        assert cx.sample_size("rate", margin=0.05, population=population) == expected
    # A census of a tiny population: never more than all of it.
    assert cx.sample_size("nps", margin=1, population=50) <= 50


def test_sample_size_for_a_difference() -> None:
    z, zb = Z95, float(stats.norm.ppf(0.8))
    # Rates: 2 p(1-p) (z + z_b)^2 / d^2 per group at p = .5, d = .05.
    assert cx.sample_size("rate", difference=0.05) == math.ceil(
        2 * 0.25 * (z + zb) ** 2 / 0.0025
    )
    # NPS, 10 points, v = .56; 90% power; negative differences alike.
    z90 = float(stats.norm.ppf(0.9))
    expected = math.ceil(2 * 0.56 * (z + z90) ** 2 / 0.01)
    assert (
        cx.sample_size("nps", difference=-10, power=0.9, promoters=0.4, detractors=0.2)
        == expected
    )
    # Means with a population correction per group.
    n0 = 2 * 1.1**2 * (z + zb) ** 2 / 0.3**2
    assert cx.sample_size("mean", difference=0.3, sd=1.1, population=300) == math.ceil(
        n0 * 300 / (n0 + 299)
    )


def test_sample_size_rounds_up_but_not_past_a_whole_answer() -> None:
    # z^2 * v / m^2 with v chosen to give exactly 400: no spurious 401.
    z = Z95
    assert cx.sample_size("mean", margin=z / 20, sd=1.0) == 400


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [
        (("median",), {"margin": 1}, "sample_size: kind='median' is not one of"),
        (("rate",), {}, "sample_size: give margin= (the half-width"),
        (("rate",), {"margin": 0.05, "difference": 0.1}, "sample_size: give margin="),
        (("rate",), {"margin": 0}, "sample_size: margin must be a positive number"),
        (("rate",), {"margin": 5}, "sample_size: a rate's margin is a fraction"),
        (("nps",), {"difference": 0}, "sample_size: difference must not be 0"),
        (("nps",), {"difference": "5"}, "sample_size: difference must be a number"),
        (
            ("nps",),
            {"difference": 5, "power": 1.0},
            "sample_size: power must be between",
        ),
        (("nps",), {"margin": 5, "confidence": 95}, "sample_size: confidence must be"),
        (
            ("nps",),
            {"margin": 5, "promoters": 0.7, "detractors": 0.4},
            "sample_size: promoters and detractors are shares of one sample and sum "
            "to at most 1; got 0.7 + 0.4 = 1.1",
        ),
        (
            ("nps",),
            {"margin": 5, "promoters": 0.7},
            "sample_size: give both promoters=",
        ),
        (
            ("nps",),
            {"margin": 5, "proportion": 0.7},
            "sample_size: proportion= does not",
        ),
        (
            ("rate",),
            {"margin": 0.05, "proportion": 1.5},
            "sample_size: proportion is a share",
        ),
        (("mean",), {"margin": 0.1}, "sample_size: kind='mean' needs sd="),
        (("mean",), {"margin": 0.1, "sd": -1}, "sample_size: sd must be a positive"),
        (
            ("rate",),
            {"margin": 0.05, "population": 0},
            "sample_size: population must be",
        ),
        # Integers beyond floating point are refused, not an OverflowError.
        (("rate",), {"margin": 10**400}, "sample_size: margin is too large for"),
        (
            ("rate",),
            {"margin": 0.05, "proportion": 10**400},
            "sample_size: proportion is too large for",
        ),
        (("nps",), {"difference": 10**400}, "sample_size: difference is too large"),
        (
            ("nps",),
            {"difference": 5, "power": 10**400},
            "sample_size: power is too large for",
        ),
        (
            ("rate",),
            {"margin": 0.05, "population": 10**400},
            "sample_size: population is too large for floating point",
        ),
    ],
)
def test_sample_size_bad_input(args: tuple, options: dict, message: str) -> None:
    with pytest.raises(cx.InputError) as error:
        cx.sample_size(*args, **options)
    assert str(error.value).startswith(message)


def test_no_warning_when_raking_converges(survey: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cx.rake(survey, MARGINS).converged


def test_the_raking_sums_add_take_and_compare_periods(survey: pd.DataFrame) -> None:
    # The kernel's statistics carry the raking sums through +, take and the
    # comparison of each period with the one before.
    from cxmetrics._plans import segmentation_of

    raked = cx.rake(survey, MARGINS)
    plan = segmentation_of(cx.nps).plan_for({})
    codes = (survey["age"] == "55+").to_numpy().astype(np.intp)
    stats = plan.stats({"scores": survey["score"], "weights": raked}, codes, 2)
    both = stats.take([0]) + stats.take([1])
    whole = plan.stats({"scores": survey["score"], "weights": raked})
    assert both.effective_n[0] == pytest.approx(whole.effective_n[0], rel=1e-9)
    frame = survey.assign(
        when=np.where(
            codes == 1, pd.Timestamp("2025-02-01"), pd.Timestamp("2025-01-01")
        )
    )
    table = cx.over_time(
        frame,
        cx.nps,
        column="score",
        time="when",
        weights=raked,
        ci="wald",
        compare_to="previous",
    )
    final = np.asarray(raked)
    y = np.where(survey["score"] >= 9, 1.0, np.where(survey["score"] <= 6, -1.0, 0.0))
    ones = np.ones(len(y))
    later = codes == 1
    v = _greg_variance(survey, MARGINS, y, later, ones, final) + _greg_variance(
        survey, MARGINS, y, ~later, ones, final
    )
    half = (table["change_ci_high"].iloc[1] - table["change_ci_low"].iloc[1]) / 2
    assert half == pytest.approx(100 * Z95 * math.sqrt(v), rel=1e-9)
