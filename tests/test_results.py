"""Tests of the result records in ``cxmetrics.results``.

How each result prints (exact strings, with the numbers worked out or taken
from statsmodels), what ``to_dict`` and ``_repr_html_`` give, that results are
frozen, and that ``merge`` of two samples equals the result on the two
samples together, for every result class and interval method, with and
without weights.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any

import attrs
import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

import cxmetrics as cx
from cxmetrics import InputError, Interval

# ---------------------------------------------------------------------------
# Printing


def test_nps_str_worked_example() -> None:
    # 90 / 60 / 50: NPS 20, adjusted Wald 8.544 to 30.865 (worked in
    # test_intervals.py), printed to one decimal.
    assert str(cx.nps_from_counts(90, 60, 50)) == (
        "NPS 20.0 (95% CI 8.5 to 30.9, adjusted Wald), n=200"
    )


def test_nps_str_names_level_and_method() -> None:
    # Wald at 90%: 20 -+ 1.644854 * 100 * sqrt(0.66 / 200) = 20 -+ 9.449.
    assert str(cx.nps_from_counts(90, 60, 50, ci="wald", confidence=0.9)) == (
        "NPS 20.0 (90% CI 10.6 to 29.4, Wald), n=200"
    )


def test_nps_str_without_interval_and_thousands_separator() -> None:
    # (600 - 200) / 1,204 = 33.22 points.
    assert str(cx.nps_from_counts(600, 404, 200, ci=None)) == "NPS 33.2, n=1,204"


def test_nps_str_weighted_with_missing() -> None:
    # Promoters weigh 1+2+1+2+1 = 7, passives 2+1+2 = 5, detractors 1+3.5 = 4.5;
    # NPS = 100 (7 - 4.5) / 16.5 = 15.15. Kish: n_eff = 16.5^2 / 33.25 = 8.188.
    # Adjusted Wald at n_eff: p+ = (7/16.5 * 8.188 + 0.75) / 11.188 = 0.37752,
    # p- = (4.5/16.5 * 8.188 + 0.75) / 11.188 = 0.26663, diff = 0.11089,
    # half = 1.959964 * sqrt((0.64415 - 0.01230) / 11.188) = 0.46578:
    # 11.089 -+ 46.578 = -35.5 to 57.7.
    scores = [10] * 5 + [8] * 3 + [2] * 2 + [np.nan]
    weights = [1, 2, 1, 2, 1, 2, 1, 2, 1, 3.5, 1]
    assert str(cx.nps(scores, weights=weights)) == (
        "NPS 15.2 (95% CI -35.5 to 57.7, adjusted Wald), "
        "n=10, effective n=8.2, 1 missing"
    )


def test_nps_str_randomized_methods() -> None:
    assert str(cx.nps([10, 10, 9], ci="bootstrap", rng=1)) == (
        "NPS 100.0 (95% CI 100.0 to 100.0, bootstrap), n=3"
    )
    assert str(cx.nps([10, 9, 0], ci="bayes", rng=1)).endswith(", Bayesian), n=3")


def test_nps_str_propagated_missing() -> None:
    assert str(cx.nps([10, 9, np.nan], nan_policy="propagate")) == (
        "NPS nan (95% CI nan to nan, adjusted Wald), n=2, 1 missing"
    )


def test_net_easy_str() -> None:
    # Ratings 1..7: easy 5-7 (3), neutral 4 (1), difficult 1-3 (3): Net Easy 0.
    # Adjusted Wald: 3.75 / 2.5 / 3.75 of n = 10, p+ = p- = 0.375,
    # variance 0.75, half = 1.959964 * sqrt(0.075) = 0.5368, i.e. 53.7 points.
    assert str(cx.ces([7, 6, 5, 4, 3, 2, 1], method="net_easy")) == (
        "Net Easy 0.0 (95% CI -53.7 to 53.7, adjusted Wald), n=7"
    )


def test_rate_str_equals_statsmodels_bounds() -> None:
    # 3 satisfied of 5; statsmodels' Wilson interval is 0.2307 to 0.8824.
    low, high = proportion_confint(3, 5, method="wilson")
    assert (f"{100 * low:.1f}", f"{100 * high:.1f}") == ("23.1", "88.2")
    assert str(cx.csat([5, 4, 4, 3, 1, np.nan])) == (
        "CSAT 60.0% (95% CI 23.1% to 88.2%, Wilson), n=5, 1 missing"
    )


def test_top_box_and_percent_easy_str() -> None:
    # 6 of 8 in the top two boxes; statsmodels' beta (Clopper-Pearson):
    # 0.3491 to 0.9681. 3 of 7 easy; statsmodels' Jeffreys: 0.1389 to 0.7655.
    assert str(
        cx.top_box(
            [5, 5, 4, 3, 5, 2, 4, 5], scale=(1, 5), boxes=2, ci="clopper_pearson"
        )
    ) == ("Top 2 box 75.0% (95% CI 34.9% to 96.8%, Clopper-Pearson), n=8")
    assert str(cx.ces([7, 6, 5, 4, 3, 2, 1], method="percent_easy", ci="jeffreys")) == (
        "CES easy 42.9% (95% CI 13.9% to 76.5%, Jeffreys), n=7"
    )


def test_mean_str() -> None:
    # Ratings 1..7: mean 4, s = sqrt(28 / 6) = 2.1602, se = s / sqrt(7) = 0.8165,
    # t(6, 0.975) = 2.446912, half = 1.9979: 2.00 to 6.00.
    assert str(cx.ces([7, 6, 5, 4, 3, 2, 1])) == (
        "CES 4.00 (95% CI 2.00 to 6.00, Student t), n=7"
    )
    assert str(cx.mean_score([4, 5, 3, 4, 5, 2], scale=(1, 5), confidence=0.99)) == (
        "Mean score 3.83 (99% CI 1.91 to 5.76, Student t), n=6"
    )


def test_interval_str_and_label() -> None:
    assert str(Interval(0.72, 0.87, 0.95, "wilson")) == "95% CI 0.72 to 0.87, Wilson"
    assert str(Interval(8.5439, 30.8650, 0.9, "adjusted_wald")) == (
        "90% CI 8.544 to 30.86, adjusted Wald"
    )
    labels = {
        "adjusted_wald": "adjusted Wald",
        "wald": "Wald",
        "bootstrap": "bootstrap",
        "bayes": "Bayesian",
        "wilson": "Wilson",
        "agresti_coull": "Agresti-Coull",
        "clopper_pearson": "Clopper-Pearson",
        "jeffreys": "Jeffreys",
        "t": "Student t",
    }
    for method, label in labels.items():
        assert Interval(0.0, 1.0, 0.95, method).label == label
    assert Interval(0.0, 1.0, 0.95, "custom").label == "custom"


def test_interval_width_and_contains() -> None:
    ci = Interval(8.5, 30.9, 0.95, "adjusted_wald")
    assert ci.width == pytest.approx(22.4)
    assert ci.contains(20.0)
    assert ci.contains(8.5)  # the bounds belong to the interval
    assert ci.contains(30.9)
    assert not ci.contains(8.49)
    assert not ci.contains(31.0)
    assert not ci.contains(math.nan)
    assert not Interval(math.nan, math.nan, 0.95, "wald").contains(0.0)


# ---------------------------------------------------------------------------
# to_dict and _repr_html_


def _plain_types_only(value: Any) -> bool:
    if isinstance(value, dict):
        return all(
            isinstance(k, str) and _plain_types_only(v) for k, v in value.items()
        )
    return type(value) in (int, float, str, bool, type(None))


def test_nps_to_dict() -> None:
    result = cx.nps_from_counts(90, 60, 50)
    assert result.ci is not None
    assert result.to_dict() == {
        "value": 20.0,
        "n": 200,
        "promoters": 90,
        "passives": 60,
        "detractors": 50,
        "ci": {
            "low": result.ci.low,
            "high": result.ci.high,
            "level": 0.95,
            "method": "adjusted_wald",
        },
        "n_missing": 0,
        "effective_n": 200.0,
    }
    assert round(result.to_dict()["ci"]["low"], 3) == 8.544
    assert _plain_types_only(result.to_dict())


@pytest.mark.parametrize(
    "result",
    [
        cx.nps(np.array([10, 9, 8, 3, 0, 10])),
        cx.nps([10, 9, 8, 3, np.nan], weights=[1.5, 2, 1, 0.5, 1]),
        cx.nps([10, 9, 0], ci="bayes", rng=2),
        cx.nps([10, 9, 0], ci=None),
        cx.ces(np.array([7, 6, 5, 4, 1]), method="net_easy"),
        cx.csat(np.array([5, 4, 3, 1])),
        cx.csat([5, 4, 3, 1], weights=[1, 2, 3, 4]),
        cx.mean_score(np.array([5, 4, 3, 1]), scale=(1, 5)),
        cx.mean_score([5, 4, 3, 1], scale=(1, 5), weights=[1, 2, 3, 4]),
    ],
    ids=lambda r: str(r),
)
def test_to_dict_holds_plain_python_types(result: Any) -> None:
    as_dict = result.to_dict()
    assert _plain_types_only(as_dict)
    assert list(as_dict) == [f.name for f in attrs.fields(type(result))]
    if result.ci is not None:
        assert as_dict["ci"] == {
            "low": result.ci.low,
            "high": result.ci.high,
            "level": result.ci.level,
            "method": result.ci.method,
        }
    else:
        assert as_dict["ci"] is None


def test_rate_and_mean_to_dict() -> None:
    rate = cx.csat([5, 4, 4, 3, 1])
    assert {k: v for k, v in rate.to_dict().items() if k != "ci"} == {
        "value": 0.6,
        "successes": 3,
        "n": 5,
        "n_missing": 0,
        "effective_n": 5.0,
        "total_weight": 5,
        "label": "CSAT",
        "n_pending": 0,
        "definition": "4, 5 of 1-5",
    }
    mean = cx.ces([7, 6, 5, 4, 3, 2, 1])
    as_dict = mean.to_dict()
    assert as_dict["value"] == 4.0
    assert as_dict["std"] == pytest.approx(math.sqrt(28 / 6))
    assert as_dict["label"] == "CES"
    assert as_dict["ci"]["method"] == "t"


def test_interval_to_dict() -> None:
    ci = Interval(np.float64(0.25), np.float64(0.75), 0.95, "wilson")
    assert ci.to_dict() == {
        "low": 0.25,
        "high": 0.75,
        "level": 0.95,
        "method": "wilson",
    }
    assert type(ci.to_dict()["low"]) is float


def test_repr_html_contains_the_values() -> None:
    result = cx.nps_from_counts(90, 60, 50)
    page = result._repr_html_()
    assert page.startswith("<table><caption>")
    assert page.endswith("</table>")
    assert f"<caption>{result}</caption>" in page
    for field, shown in [
        ("value", "20"),
        ("n", "200"),
        ("promoters", "90"),
        ("passives", "60"),
        ("detractors", "50"),
        ("ci", "8.544 to 30.86 (adjusted_wald)"),
        ("effective_n", "200"),
    ]:
        assert f">{field}</th><td style='text-align:right'>{shown}</td>" in page


def test_repr_html_escapes_and_shows_rates() -> None:
    page = cx.RateResult(
        value=0.5,
        successes=2,
        n=4,
        ci=Interval(0.15, 0.85, 0.95, "wilson"),
        effective_n=4.0,
        total_weight=4,
        label="CSAT <web & app>",
    )._repr_html_()
    assert "CSAT &lt;web &amp; app&gt; 50.0%" in page
    assert "<web" not in page
    assert "0.15 to 0.85 (wilson)" in page


# ---------------------------------------------------------------------------
# Frozen, slotted records


@pytest.mark.parametrize(
    ("result", "field"),
    [
        (cx.nps_from_counts(90, 60, 50), "value"),
        (cx.ces([7, 6, 1], method="net_easy"), "positive"),
        (cx.csat([5, 4, 1]), "successes"),
        (cx.mean_score([5, 4, 1], scale=(1, 5)), "std"),
        (Interval(0.1, 0.2, 0.95, "wilson"), "low"),
    ],
)
def test_results_are_frozen(result: Any, field: str) -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(result, field, 0.0)
    assert not hasattr(result, "__dict__")  # slotted: no stray attributes
    # A changed copy is made with attrs.evolve; the original is untouched.
    changed = attrs.evolve(result, **{field: 0.0})
    assert getattr(changed, field) == 0.0
    assert getattr(result, field) != 0.0


def test_interval_of_a_result_is_frozen() -> None:
    result = cx.nps_from_counts(90, 60, 50)
    assert result.ci is not None
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result.ci.low = 0.0  # type: ignore[misc]


def test_nps_shares() -> None:
    result = cx.nps_from_counts(90, 60, 50)
    assert (result.promoter_share, result.passive_share, result.detractor_share) == (
        0.45,
        0.3,
        0.25,
    )
    net = cx.ces([7, 6, 5, 4, 1], method="net_easy")
    assert (net.positive_share, net.neutral_share, net.negative_share) == (
        0.6,
        0.2,
        0.2,
    )


# ---------------------------------------------------------------------------
# merge equals the whole

RNG = np.random.default_rng(2016)
NPS_A = RNG.choice(11, size=137, p=[0.03] * 7 + [0.14, 0.16, 0.24, 0.25])
NPS_B = RNG.choice(11, size=64, p=[0.08] * 7 + [0.1, 0.1, 0.12, 0.12])
W_A = RNG.gamma(2.0, 0.5, size=NPS_A.size)
W_B = RNG.lognormal(0.0, 0.7, size=NPS_B.size)
RATINGS_A = RNG.integers(1, 8, size=90)
RATINGS_B = RNG.integers(3, 8, size=45)
WR_A = RNG.gamma(2.0, 0.5, size=RATINGS_A.size)
WR_B = RNG.gamma(5.0, 0.2, size=RATINGS_B.size)


def _assert_same_result(merged: Any, whole: Any, rel: float = 0.0) -> None:
    """Field by field: exactly equal when ``rel`` is 0, else to ``rel``."""
    assert type(merged) is type(whole)
    got, want = merged.to_dict(), whole.to_dict()
    assert got.keys() == want.keys()
    for key, value in want.items():
        if isinstance(value, dict):
            for sub, sub_value in value.items():
                if isinstance(sub_value, float):
                    assert got[key][sub] == pytest.approx(sub_value, rel=rel), (
                        key,
                        sub,
                    )
                else:
                    assert got[key][sub] == sub_value, (key, sub)
        elif isinstance(value, float):
            assert got[key] == pytest.approx(value, rel=rel, nan_ok=True), key
        else:
            assert got[key] == value, key
        assert type(got[key]) is type(value), key
    if rel == 0.0:
        assert merged == whole


@pytest.mark.parametrize("confidence", [0.9, 0.95])
@pytest.mark.parametrize("ci", ["adjusted_wald", "wald", None])
def test_nps_merge_equals_whole(ci: str | None, confidence: float) -> None:
    a = cx.nps(NPS_A, ci=ci, confidence=confidence)
    b = cx.nps(NPS_B, ci=ci, confidence=confidence)
    whole = cx.nps(np.concatenate([NPS_A, NPS_B]), ci=ci, confidence=confidence)
    _assert_same_result(a.merge(b), whole)
    _assert_same_result(b.merge(a), whole)


@pytest.mark.parametrize("ci", ["bootstrap", "bayes"])
def test_nps_merge_equals_whole_with_a_seed(ci: str) -> None:
    a = cx.nps(NPS_A, ci=ci, rng=1, n_resamples=2_000)
    b = cx.nps(NPS_B, ci=ci, rng=2, n_resamples=2_000)
    whole = cx.nps(np.concatenate([NPS_A, NPS_B]), ci=ci, rng=3, n_resamples=2_000)
    _assert_same_result(a.merge(b, rng=3, n_resamples=2_000), whole)
    # Another seed gives another (close) interval: the seed is really used.
    other = a.merge(b, rng=4, n_resamples=2_000)
    assert other.ci != whole.ci
    assert other.value == whole.value


def test_nps_merge_from_counts_and_missing() -> None:
    a = cx.nps([10, 9, np.nan, 3])
    b = cx.nps_from_counts(90, 60, 50)
    whole = cx.nps_from_counts(92, 60, 51)
    merged = a.merge(b)
    assert merged.n_missing == 1
    _assert_same_result(attrs.evolve(merged, n_missing=0), whole)


def test_nps_running_total_of_many_merges() -> None:
    chunks = np.array_split(np.concatenate([NPS_A, NPS_B]), 7)
    total = functools.reduce(
        lambda acc, chunk: acc.merge(cx.nps(chunk, ci="wald")),
        chunks[1:],
        cx.nps(chunks[0], ci="wald"),
    )
    _assert_same_result(total, cx.nps(np.concatenate(chunks), ci="wald"))


@pytest.mark.parametrize("ci", ["adjusted_wald", "wald", "bootstrap", "bayes", None])
def test_nps_weighted_merge_equals_whole(ci: str | None) -> None:
    a = cx.nps(NPS_A, weights=W_A, ci=ci, rng=5, n_resamples=2_000)
    b = cx.nps(NPS_B, weights=W_B, ci=ci, rng=6, n_resamples=2_000)
    whole = cx.nps(
        np.concatenate([NPS_A, NPS_B]),
        weights=np.concatenate([W_A, W_B]),
        ci=ci,
        rng=7,
        n_resamples=2_000,
    )
    merged = a.merge(b, rng=7, n_resamples=2_000)
    _assert_same_result(merged, whole, rel=1e-12)
    # Independent check of the pooled Kish effective n.
    w = np.concatenate([W_A, W_B])
    assert merged.effective_n == pytest.approx(w.sum() ** 2 / (w**2).sum(), rel=1e-12)


def test_nps_weighted_merge_with_whole_number_weights_keeps_float_counts() -> None:
    # Weights of 1 and 2 give whole weighted counts; the merged counts stay
    # floats, like those of the whole weighted sample.
    a = cx.nps([10, 9, 3], weights=[1.0, 2.0, 1.0])
    b = cx.nps([10, 7], weights=[2.0, 1.0])
    whole = cx.nps([10, 9, 3, 10, 7], weights=[1.0, 2.0, 1.0, 2.0, 1.0])
    _assert_same_result(a.merge(b), whole, rel=1e-12)


@pytest.mark.parametrize("ci", ["adjusted_wald", "wald", None])
def test_net_easy_merge_equals_whole(ci: str | None) -> None:
    a = cx.ces(RATINGS_A, method="net_easy", ci=ci)
    b = cx.ces(RATINGS_B, method="net_easy", ci=ci)
    whole = cx.ces(np.concatenate([RATINGS_A, RATINGS_B]), method="net_easy", ci=ci)
    _assert_same_result(a.merge(b), whole)


@pytest.mark.parametrize("ci", ["bootstrap", "bayes"])
def test_net_easy_merge_equals_whole_with_a_seed(ci: str) -> None:
    kwargs: dict[str, Any] = {"method": "net_easy", "ci": ci, "n_resamples": 2_000}
    a = cx.ces(RATINGS_A, rng=1, **kwargs)
    b = cx.ces(RATINGS_B, rng=2, **kwargs)
    whole = cx.ces(np.concatenate([RATINGS_A, RATINGS_B]), rng=3, **kwargs)
    _assert_same_result(a.merge(b, rng=3, n_resamples=2_000), whole)


def test_net_easy_weighted_merge_equals_whole() -> None:
    a = cx.ces(RATINGS_A, method="net_easy", weights=WR_A)
    b = cx.ces(RATINGS_B, method="net_easy", weights=WR_B)
    whole = cx.ces(
        np.concatenate([RATINGS_A, RATINGS_B]),
        method="net_easy",
        weights=np.concatenate([WR_A, WR_B]),
    )
    _assert_same_result(a.merge(b), whole, rel=1e-12)


@pytest.mark.parametrize(
    "ci", ["wilson", "agresti_coull", "clopper_pearson", "jeffreys", "wald", None]
)
def test_csat_merge_equals_whole(ci: str | None) -> None:
    a = cx.csat(RATINGS_A, scale=(1, 7), ci=ci)
    b = cx.csat(RATINGS_B, scale=(1, 7), ci=ci)
    whole = cx.csat(np.concatenate([RATINGS_A, RATINGS_B]), scale=(1, 7), ci=ci)
    _assert_same_result(a.merge(b), whole)
    if ci is not None:
        # And the merged interval is statsmodels' on the summed counts.
        satisfied = int(np.isin(np.concatenate([RATINGS_A, RATINGS_B]), [6, 7]).sum())
        ref = proportion_confint(
            satisfied,
            RATINGS_A.size + RATINGS_B.size,
            method={"clopper_pearson": "beta", "wald": "normal"}.get(ci, ci),
        )
        merged = a.merge(b)
        assert merged.ci is not None
        assert (merged.ci.low, merged.ci.high) == pytest.approx(ref, rel=1e-12)


@pytest.mark.parametrize("ci", ["wilson", "clopper_pearson"])
def test_csat_weighted_merge_equals_whole(ci: str) -> None:
    a = cx.csat(RATINGS_A, scale=(1, 7), weights=WR_A, ci=ci)
    b = cx.csat(RATINGS_B, scale=(1, 7), weights=WR_B, ci=ci)
    whole = cx.csat(
        np.concatenate([RATINGS_A, RATINGS_B]),
        scale=(1, 7),
        weights=np.concatenate([WR_A, WR_B]),
        ci=ci,
    )
    _assert_same_result(a.merge(b), whole, rel=1e-12)


def test_csat_merge_with_whole_number_weights_keeps_float_counts() -> None:
    a = cx.csat([5, 4, 1], weights=[1.0, 2.0, 1.0])
    b = cx.csat([5, 2], weights=[2.0, 1.0])
    whole = cx.csat([5, 4, 1, 5, 2], weights=[1.0, 2.0, 1.0, 2.0, 1.0])
    _assert_same_result(a.merge(b), whole, rel=1e-12)


@pytest.mark.parametrize("confidence", [0.9, 0.95])
def test_mean_merge_equals_whole(confidence: float) -> None:
    a = cx.mean_score(RATINGS_A, scale=(1, 7), confidence=confidence)
    b = cx.mean_score(RATINGS_B, scale=(1, 7), confidence=confidence)
    both = np.concatenate([RATINGS_A, RATINGS_B])
    whole = cx.mean_score(both, scale=(1, 7), confidence=confidence)
    merged = a.merge(b)
    # Chan's pairwise update sums in another order: equal to rounding.
    _assert_same_result(merged, whole, rel=1e-12)
    # And equal to scipy's t interval on the concatenated ratings.
    ref = stats.t.interval(
        confidence, both.size - 1, loc=both.mean(), scale=stats.sem(both)
    )
    assert merged.ci is not None
    assert (merged.ci.low, merged.ci.high) == pytest.approx(ref, rel=1e-12)


def test_mean_merge_with_a_single_rating() -> None:
    # One rating has no spread (std NaN) but still moves the pooled mean and
    # variance: [4] with [2, 5] is [4, 2, 5], mean 11/3, s^2 = (1/9+25/9+16/9)/2.
    merged = cx.mean_score([4], scale=(1, 5)).merge(cx.mean_score([2, 5], scale=(1, 5)))
    assert merged.value == pytest.approx(11 / 3, rel=1e-14)
    assert merged.std == pytest.approx(math.sqrt(21 / 9), rel=1e-14)
    _assert_same_result(merged, cx.mean_score([4, 2, 5], scale=(1, 5)), rel=1e-12)


def test_mean_weighted_merge_equals_whole_and_descrstatsw() -> None:
    a = cx.mean_score(RATINGS_A, scale=(1, 7), weights=WR_A)
    b = cx.mean_score(RATINGS_B, scale=(1, 7), weights=WR_B)
    x = np.concatenate([RATINGS_A, RATINGS_B]).astype(float)
    w = np.concatenate([WR_A, WR_B])
    whole = cx.mean_score(x, scale=(1, 7), weights=w)
    merged = a.merge(b)
    _assert_same_result(merged, whole, rel=1e-12)
    n_eff = w.sum() ** 2 / (w**2).sum()
    ref = DescrStatsW(x, weights=w * n_eff / w.sum())
    assert merged.value == pytest.approx(ref.mean, rel=1e-12)
    assert merged.ci is not None
    assert (merged.ci.low, merged.ci.high) == pytest.approx(
        ref.tconfint_mean(), rel=1e-12
    )


def test_ces_mean_merge_equals_whole() -> None:
    a = cx.ces(RATINGS_A)
    b = cx.ces(RATINGS_B)
    whole = cx.ces(np.concatenate([RATINGS_A, RATINGS_B]))
    _assert_same_result(a.merge(b), whole, rel=1e-12)


# ---------------------------------------------------------------------------
# merge refuses what does not belong together


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (cx.nps([10, 9, 3]), cx.csat([5, 4, 3])),
        (cx.nps([10, 9, 3]), cx.ces([7, 6, 3], method="net_easy")),
        (cx.ces([7, 6, 3], method="net_easy"), cx.nps([10, 9, 3])),
        (cx.csat([5, 4, 3]), cx.mean_score([5, 4, 3], scale=(1, 5))),
        (cx.mean_score([5, 4, 3], scale=(1, 5)), cx.csat([5, 4, 3])),
    ],
    ids=["nps+csat", "nps+net_easy", "net_easy+nps", "csat+mean", "mean+csat"],
)
def test_merge_refuses_another_kind(a: Any, b: Any) -> None:
    kind, other = type(a).__name__, type(b).__name__
    message = rf"^merge: {kind} merges only with {kind}; got {other}$"
    with pytest.raises(InputError, match=message):
        a.merge(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (cx.csat([5, 4, 3]), cx.top_box([5, 4, 3], scale=(1, 5))),
        (
            cx.top_box([5, 4, 3], scale=(1, 5)),
            cx.top_box([5, 4], scale=(1, 5), boxes=2),
        ),
        (cx.ces([7, 6, 3], method="percent_easy"), cx.csat([5, 4, 3])),
        (cx.mean_score([5, 4, 3], scale=(1, 5)), cx.ces([7, 6, 3])),
    ],
    ids=["csat+top_box", "top_box+top2", "ces_easy+csat", "mean+ces"],
)
def test_merge_refuses_another_label(a: Any, b: Any) -> None:
    message = (
        rf"^merge: {type(a).__name__} results merge only when they measure the same "
        rf"thing; got '{re.escape(a.label)}' \({re.escape(a.definition)}\) and "
        rf"'{re.escape(b.label)}' \({re.escape(b.definition)}\)$"
    )
    with pytest.raises(InputError, match=message):
        a.merge(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (cx.nps([10, 9, 3]), cx.nps([10, 9, 3], ci="wald")),
        (cx.nps([10, 9, 3]), cx.nps([10, 9, 3], confidence=0.9)),
        (cx.nps([10, 9, 3]), cx.nps([10, 9, 3], ci=None)),
        (cx.nps([10, 9, 3], ci=None), cx.nps([10, 9, 3])),
        (cx.nps([10, 9, 3], ci="bootstrap", rng=1), cx.nps([10, 9], ci="bayes", rng=1)),
        (
            cx.ces([7, 6, 3], method="net_easy"),
            cx.ces([7, 6, 3], method="net_easy", ci="wald"),
        ),
        (cx.csat([5, 4, 3]), cx.csat([5, 4, 3], ci="jeffreys")),
        (cx.csat([5, 4, 3]), cx.csat([5, 4, 3], confidence=0.99)),
        (
            cx.mean_score([5, 4, 3], scale=(1, 5)),
            cx.mean_score([5, 4, 3], scale=(1, 5), confidence=0.9),
        ),
        (
            cx.mean_score([5, 4, 3], scale=(1, 5)),
            cx.mean_score([5, 4, 3], scale=(1, 5), ci=None),
        ),
    ],
    ids=[
        "nps-method",
        "nps-level",
        "nps-ci-none",
        "nps-none-ci",
        "nps-bootstrap-bayes",
        "net-easy-method",
        "csat-method",
        "csat-level",
        "mean-level",
        "mean-ci-none",
    ],
)
def test_merge_refuses_another_interval(a: Any, b: Any) -> None:
    with pytest.raises(
        InputError, match="must use the same interval method and confidence"
    ):
        a.merge(b)


def test_merge_error_message_names_both_intervals() -> None:
    with pytest.raises(InputError) as caught:
        cx.nps([10, 9, 3]).merge(cx.nps([10, 9, 3], ci="wald", confidence=0.9))
    assert str(caught.value) == (
        "merge: both results must use the same interval method and confidence; "
        "got adjusted_wald at 0.95 and wald at 0.9"
    )
    assert isinstance(caught.value, ValueError)
