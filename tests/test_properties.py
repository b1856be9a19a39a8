"""Properties of the survey metrics that must hold for every sample (hypothesis).

NPS stays in [-100, 100]; intervals contain the estimate where the method
guarantees it; results merge into the result on the whole; order does not
matter; weights of one, and weights scaled by a constant, change nothing;
counts give what raw scores give; CSAT is the brute-force share.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cxmetrics as cx

# Modest and reproducible: no example database is written to the working tree.
quick = settings(max_examples=100, deadline=None, database=None)

NET_METHODS = ["adjusted_wald", "wald", "bootstrap", "bayes"]
RATE_METHODS = ["wilson", "agresti_coull", "clopper_pearson", "jeffreys", "wald"]

nps_scores = st.lists(st.integers(0, 10), min_size=1, max_size=60)
confidences = st.sampled_from([0.8, 0.9, 0.95, 0.99])


@st.composite
def weighted_scores(draw, low=0, high=10):
    scores = draw(st.lists(st.integers(low, high), min_size=1, max_size=40))
    weights = draw(
        st.lists(
            st.floats(0.05, 20.0, allow_nan=False),
            min_size=len(scores),
            max_size=len(scores),
        )
    )
    return scores, weights


@st.composite
def rated_on_a_scale(draw):
    """A scale anywhere from -3 up, ratings on it, and a set of satisfied points."""
    low = draw(st.integers(-3, 3))
    high = low + draw(st.integers(1, 10))
    ratings = draw(st.lists(st.integers(low, high), min_size=1, max_size=50))
    satisfied = draw(
        st.sets(st.integers(low, high), min_size=1, max_size=high - low + 1)
    )
    return (low, high), ratings, satisfied


def close(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == pytest.approx(b, rel=1e-9, abs=1e-9)


def same_interval(a: cx.Interval | None, b: cx.Interval | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return (
        close(a.low, b.low)
        and close(a.high, b.high)
        and (a.level, a.method) == (b.level, b.method)
    )


def nps_counts(scores: list[int]) -> tuple[int, int, int]:
    promoters = sum(s >= 9 for s in scores)
    passives = sum(7 <= s <= 8 for s in scores)
    return promoters, passives, len(scores) - promoters - passives


# ---------------------------------------------------------------------------
# Ranges and containment


@quick
@given(nps_scores, st.sampled_from(NET_METHODS), confidences)
def test_nps_and_its_interval_lie_in_minus_100_to_100(scores, method, confidence):
    result = cx.nps(scores, ci=method, confidence=confidence, n_resamples=200, rng=0)
    assert -100.0 <= result.value <= 100.0
    assert -100.0 <= result.ci.low <= result.ci.high <= 100.0


@quick
@given(weighted_scores(), st.sampled_from(NET_METHODS))
def test_weighted_nps_lies_in_minus_100_to_100(data, method):
    scores, weights = data
    result = cx.nps(scores, weights=weights, ci=method, n_resamples=200, rng=0)
    assert -100.0 <= result.value <= 100.0
    assert -100.0 <= result.ci.low <= result.ci.high <= 100.0
    assert 1.0 - 1e-9 <= result.effective_n <= len(scores) + 1e-9


def test_weighted_nps_of_one_category_is_exact():
    # A hypothesis find: one detractor with weight 3.034989181041361.
    assert cx.nps([0], weights=[3.034989181041361]).value == -100.0


@quick
@given(
    st.lists(st.floats(0.05, 20.0), min_size=2, max_size=20),
    st.integers(1, 5),
)
def test_weighted_mean_of_equal_ratings_is_that_rating(weights, rating):
    result = cx.mean_score([rating] * len(weights), scale=(1, 5), weights=weights)
    assert result.value == rating
    assert result.std == 0.0
    assert (result.ci.low, result.ci.high) == (rating, rating)


@quick
@given(weighted_scores(low=1, high=5))
def test_weighted_mean_stays_on_the_scale(data):
    ratings, weights = data
    result = cx.mean_score(ratings, scale=(1, 5), weights=weights, ci=None)
    assert min(ratings) <= result.value <= max(ratings)
    assert result.value == pytest.approx(np.average(ratings, weights=weights))


@quick
@given(nps_scores, confidences)
def test_wald_nps_interval_contains_the_estimate(scores, confidence):
    result = cx.nps(scores, ci="wald", confidence=confidence)
    assert result.ci.low - 1e-9 <= result.value <= result.ci.high + 1e-9


@quick
@given(nps_scores, confidences)
def test_adjusted_wald_contains_its_adjusted_centre(scores, confidence):
    # Adjusted Wald is centred on 100 (P - D) / (n + 3), not on the estimate.
    promoters, _, detractors = nps_counts(scores)
    centre = 100.0 * (promoters - detractors) / (len(scores) + 3)
    result = cx.nps(scores, confidence=confidence)
    assert result.ci.low - 1e-9 <= centre <= result.ci.high + 1e-9


def test_adjusted_wald_need_not_contain_an_extreme_estimate():
    # Not a property of the method: one promoter gives NPS 100, but the
    # interval is centred on 100 * 1 / 4 = 25 with half width
    # 1.96 * sqrt((7/16 + 3/16 - 1/16) / 4) = 0.735, so it ends at 98.5.
    result = cx.nps([10])
    assert result.value == 100.0
    assert result.ci.high == pytest.approx(100 * (0.25 + 1.959964 * 0.375), abs=1e-4)
    assert not result.ci.contains(result.value)


@quick
@given(
    st.integers(1, 200).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.sampled_from(["wilson", "agresti_coull", "clopper_pearson", "wald"]),
    confidences,
)
def test_proportion_intervals_contain_the_share(counts, method, confidence):
    successes, n = counts
    ratings = [5] * successes + [1] * (n - successes)
    result = cx.csat(ratings, ci=method, confidence=confidence)
    assert 0.0 <= result.ci.low <= result.ci.high <= 1.0
    assert result.ci.low - 1e-12 <= result.value <= result.ci.high + 1e-12


@quick
@given(
    st.integers(2, 200).flatmap(lambda n: st.tuples(st.integers(1, n - 1), st.just(n)))
)
def test_jeffreys_contains_the_share_away_from_0_and_n(counts):
    # At 0 successes the Jeffreys lower bound is above 0 (and at n the upper
    # bound below 1), as in statsmodels; between them it covers the share.
    successes, n = counts
    result = cx.csat([5] * successes + [1] * (n - successes), ci="jeffreys")
    assert result.ci.low <= result.value <= result.ci.high


def test_jeffreys_at_zero_and_all_successes_holds_the_estimate():
    none = cx.csat([1, 2, 3], ci="jeffreys")
    assert (none.value, none.ci.low) == (0.0, 0.0)
    every = cx.csat([5] * 26, ci="jeffreys", confidence=0.99)
    assert (every.value, every.ci.high) == (1.0, 1.0)


@quick
@given(st.lists(st.integers(1, 7), min_size=2, max_size=60), confidences)
def test_t_interval_is_centred_on_the_mean(ratings, confidence):
    result = cx.ces(ratings, confidence=confidence)
    assert result.value == pytest.approx(np.mean(ratings))
    assert result.ci.low <= result.value <= result.ci.high
    assert result.value - result.ci.low == pytest.approx(
        result.ci.high - result.value, abs=1e-9
    )


# ---------------------------------------------------------------------------
# Merge, order, counts


@quick
@given(nps_scores, nps_scores, st.sampled_from(["adjusted_wald", "wald", None]))
def test_nps_merge_equals_the_whole(first, second, method):
    merged = cx.nps(first, ci=method).merge(cx.nps(second, ci=method))
    whole = cx.nps(first + second, ci=method)
    assert (merged.promoters, merged.passives, merged.detractors) == (
        whole.promoters,
        whole.passives,
        whole.detractors,
    )
    assert (merged.n, merged.n_missing) == (whole.n, whole.n_missing)
    assert close(merged.value, whole.value)
    assert close(merged.effective_n, whole.effective_n)
    assert same_interval(merged.ci, whole.ci)


@quick
@given(weighted_scores(), weighted_scores())
def test_weighted_nps_merge_equals_the_whole(first, second):
    a = cx.nps(first[0], weights=first[1], ci="wald")
    b = cx.nps(second[0], weights=second[1], ci="wald")
    whole = cx.nps(first[0] + second[0], weights=first[1] + second[1], ci="wald")
    merged = a.merge(b)
    assert close(merged.promoters, whole.promoters)
    assert close(merged.detractors, whole.detractors)
    assert close(merged.value, whole.value)
    assert close(merged.effective_n, whole.effective_n)
    assert same_interval(merged.ci, whole.ci)


@quick
@given(
    st.lists(st.integers(1, 5), min_size=1, max_size=40),
    st.lists(st.integers(1, 5), min_size=1, max_size=40),
    st.sampled_from(RATE_METHODS),
)
def test_csat_merge_equals_the_whole(first, second, method):
    merged = cx.csat(first, ci=method).merge(cx.csat(second, ci=method))
    whole = cx.csat(first + second, ci=method)
    assert (merged.successes, merged.n, merged.total_weight) == (
        whole.successes,
        whole.n,
        whole.total_weight,
    )
    assert close(merged.value, whole.value)
    assert same_interval(merged.ci, whole.ci)


@quick
@given(
    st.lists(st.integers(1, 5), min_size=1, max_size=40),
    st.lists(st.integers(1, 5), min_size=1, max_size=40),
)
def test_mean_score_merge_equals_the_whole(first, second):
    merged = cx.mean_score(first, scale=(1, 5)).merge(
        cx.mean_score(second, scale=(1, 5))
    )
    whole = cx.mean_score(first + second, scale=(1, 5))
    assert merged.n == whole.n
    assert close(merged.value, whole.value)
    assert close(merged.std, whole.std)
    assert same_interval(merged.ci, whole.ci)


@quick
@given(weighted_scores(low=1, high=7), st.randoms(use_true_random=False))
def test_permutation_invariance(data, random):
    scores, weights = data
    order = list(range(len(scores)))
    random.shuffle(order)
    shuffled = [scores[i] for i in order]
    shuffled_weights = [weights[i] for i in order]
    assert cx.nps(shuffled) == cx.nps(scores)
    assert cx.ces(shuffled, method="net_easy") == cx.ces(scores, method="net_easy")
    for call in (
        lambda s, w: cx.nps(s, weights=w),
        lambda s, w: cx.csat(s, scale=(1, 7), weights=w),
        lambda s, w: cx.ces(s, weights=w),
    ):
        a, b = call(shuffled, shuffled_weights), call(scores, weights)
        assert close(a.value, b.value)
        assert close(a.effective_n, b.effective_n)
        assert same_interval(a.ci, b.ci)


@quick
@given(nps_scores, st.sampled_from(NET_METHODS))
def test_nps_from_counts_equals_nps_on_raw_scores(scores, method):
    promoters, passives, detractors = nps_counts(scores)
    counted = cx.nps_from_counts(
        promoters, passives, detractors, ci=method, n_resamples=200, rng=3
    )
    assert counted == cx.nps(scores, ci=method, n_resamples=200, rng=3)
    assert counted.value == pytest.approx(100 * (promoters - detractors) / len(scores))


@quick
@given(nps_scores)
def test_nps_category_agrees_with_nps(scores):
    categories = list(cx.nps_category(scores))
    result = cx.nps(scores, ci=None)
    assert categories.count("promoter") == result.promoters
    assert categories.count("passive") == result.passives
    assert categories.count("detractor") == result.detractors


# ---------------------------------------------------------------------------
# Weights


@quick
@given(
    st.lists(st.integers(1, 7), min_size=2, max_size=50),
    st.sampled_from(["nps", "csat", "top_box", "mean", "percent_easy", "net_easy"]),
)
def test_weights_of_one_equal_unweighted(ratings, metric):
    call = {
        "nps": lambda **kw: cx.nps(ratings, ci="wald", **kw),
        "csat": lambda **kw: cx.csat(ratings, scale=(1, 7), **kw),
        "top_box": lambda **kw: cx.top_box(ratings, scale=(1, 7), boxes=3, **kw),
        "mean": lambda **kw: cx.ces(ratings, **kw),
        "percent_easy": lambda **kw: cx.ces(ratings, method="percent_easy", **kw),
        "net_easy": lambda **kw: cx.ces(ratings, method="net_easy", **kw),
    }[metric]
    plain = call()
    ones = call(weights=np.ones(len(ratings)))
    assert close(ones.value, plain.value)
    assert close(ones.effective_n, plain.effective_n)
    assert plain.effective_n == len(ratings)
    assert same_interval(ones.ci, plain.ci)


@quick
@given(
    weighted_scores(low=1, high=5),
    st.floats(1e-3, 1e3),
    st.sampled_from(["nps", "csat", "mean_score"]),
)
def test_scaling_every_weight_changes_nothing(data, factor, metric):
    scores, weights = data
    call = {
        "nps": lambda w: cx.nps(scores, weights=w, ci="wald"),
        "csat": lambda w: cx.csat(scores, weights=w),
        "mean_score": lambda w: cx.mean_score(scores, scale=(1, 5), weights=w),
    }[metric]
    base = call(weights)
    scaled = call([w * factor for w in weights])
    assert scaled.value == pytest.approx(base.value, rel=1e-9, abs=1e-9)
    assert scaled.effective_n == pytest.approx(base.effective_n, rel=1e-9)
    if not math.isnan(base.ci.low):
        assert scaled.ci.low == pytest.approx(base.ci.low, rel=1e-7, abs=1e-7)
        assert scaled.ci.high == pytest.approx(base.ci.high, rel=1e-7, abs=1e-7)


# ---------------------------------------------------------------------------
# Brute force


@quick
@given(rated_on_a_scale())
def test_csat_value_is_the_brute_force_share(sample):
    scale, ratings, satisfied = sample
    result = cx.csat(ratings, scale=scale, satisfied=satisfied, ci=None)
    hits = sum(r in satisfied for r in ratings)
    assert result.successes == hits
    assert result.value == pytest.approx(hits / len(ratings))
    # the integer fast path agrees with the general one
    fast = cx.csat(np.array(ratings), scale=scale, satisfied=satisfied, ci=None)
    assert fast == result


@quick
@given(weighted_scores(low=1, high=5), st.sets(st.integers(1, 5), min_size=1))
def test_weighted_csat_is_the_brute_force_weighted_share(data, satisfied):
    ratings, weights = data
    result = cx.csat(ratings, weights=weights, satisfied=satisfied, ci=None)
    hit_weight = sum(w for r, w in zip(ratings, weights, strict=True) if r in satisfied)
    assert result.value == pytest.approx(hit_weight / sum(weights))
    n_eff = sum(weights) ** 2 / sum(w * w for w in weights)
    assert result.effective_n == pytest.approx(n_eff)


@quick
@given(rated_on_a_scale())
def test_net_easy_is_the_brute_force_net_share(sample):
    (low, high), ratings, _ = sample
    middle = (low + high) / 2
    easy = sum(r > middle for r in ratings)
    difficult = sum(r < middle for r in ratings)
    result = cx.ces(ratings, scale=(low, high), method="net_easy", ci=None)
    assert (result.positive, result.negative) == (easy, difficult)
    assert result.value == pytest.approx(100 * (easy - difficult) / len(ratings))
    assert -100.0 <= result.value <= 100.0
