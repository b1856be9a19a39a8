"""The bad-input matrix: every public survey function against every kind of bad input.

Each case must raise `cxmetrics.InputError` (a `ValueError`) with one sentence
that names the function and, where it applies, how many values are bad and a
few of them. The messages are matched in full.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pytest

import cxmetrics as cx

NET_CHOICES = "'adjusted_wald', 'wald', 'bootstrap', 'bayes', None"
RATE_CHOICES = "'wilson', 'agresti_coull', 'clopper_pearson', 'jeffreys', 'wald', None"
MEAN_CHOICES = "'t', None"
RNG_RULE = "rng must be None, a non-negative int seed or a numpy.random.Generator"


def exact(message: str) -> str:
    """A regex that matches exactly ``message``."""
    return "^" + re.escape(message) + "$"


def raises_input_error(call: Callable[[], object], message: str) -> None:
    with pytest.raises(cx.InputError, match=exact(message)) as info:
        call()
    assert isinstance(info.value, ValueError)


class Target(NamedTuple):
    """A public survey function as the matrix calls it."""

    label: str
    func: str  # the name the messages start with
    noun: str  # what the data are called in the messages
    scale: tuple[int, int]
    ci_choices: str
    call: Callable[..., Any]

    @property
    def scale_text(self) -> str:
        return f"{self.scale[0]}-{self.scale[1]}"

    def valid(self) -> list[int]:
        return [self.scale[0], self.scale[1], self.scale[1]]


def labels_hint(target: Target) -> str:
    """Rating metrics (not NPS) say how labelled ratings are read."""
    if target.func == "nps":
        return ""
    return (
        "; labelled ratings are read as scale points when they are an ordered "
        "pandas Categorical: pd.Categorical(values, categories=[lowest, ..., "
        "highest], ordered=True)"
    )


TARGETS = [
    Target("nps", "nps", "scores", (0, 10), NET_CHOICES, cx.nps),
    Target("csat", "csat", "ratings", (1, 5), RATE_CHOICES, cx.csat),
    Target(
        "top_box",
        "top_box",
        "ratings",
        (1, 5),
        RATE_CHOICES,
        lambda data, **kw: cx.top_box(data, **{"scale": (1, 5), **kw}),
    ),
    Target(
        "mean_score",
        "mean_score",
        "ratings",
        (1, 5),
        MEAN_CHOICES,
        lambda data, **kw: cx.mean_score(data, **{"scale": (1, 5), **kw}),
    ),
    Target("ces mean", "ces", "ratings", (1, 7), MEAN_CHOICES, cx.ces),
    Target(
        "ces percent_easy",
        "ces",
        "ratings",
        (1, 7),
        RATE_CHOICES,
        lambda data, **kw: cx.ces(data, method="percent_easy", **kw),
    ),
    Target(
        "ces net_easy",
        "ces",
        "ratings",
        (1, 7),
        NET_CHOICES,
        lambda data, **kw: cx.ces(data, method="net_easy", **kw),
    ),
]
SCALED = [t for t in TARGETS if t.func != "nps"]
RESAMPLING = [t for t in TARGETS if t.func in ("nps", "ces")]

all_targets = pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.label)
scaled_targets = pytest.mark.parametrize("target", SCALED, ids=lambda t: t.label)
resampling_targets = pytest.mark.parametrize(
    "target", RESAMPLING, ids=lambda t: t.label
)


# ---------------------------------------------------------------------------
# The data


def _out_of_scale(t: Target) -> tuple[object, str]:
    low, high = t.scale
    data = [high + 1, low - 1, high + 0.5, low]
    return data, (
        f"{t.func}: 3 of 4 {t.noun} are outside the {t.scale_text} scale "
        f"({high + 1}, {low - 1}, {high + 0.5:g})"
    )


def _out_of_scale_integers(t: Target) -> tuple[object, str]:
    low, high = t.scale
    data = np.array([high + 1, low, high + 20, high + 1], dtype=np.int64)
    return data, (
        f"{t.func}: 3 of 4 {t.noun} are outside the {t.scale_text} scale "
        f"({high + 1}, {high + 20})"
    )


def _below_scale_integers(t: Target) -> tuple[object, str]:
    low, high = t.scale
    data = np.array([low, -3, high], dtype=np.int8)
    return data, (
        f"{t.func}: 1 of 3 {t.noun} are outside the {t.scale_text} scale (-3)"
    )


def _extreme_integers(t: Target) -> tuple[object, str]:
    # np.bincount on these would ask for 2^63 bins: they must be caught first
    big, small = np.iinfo(np.int64).max, np.iinfo(np.int64).min
    data = np.array([t.scale[0], big, small])
    return data, (
        f"{t.func}: 2 of 3 {t.noun} are outside the {t.scale_text} scale "
        f"({big}, {small})"
    )


def _huge_unsigned(t: Target) -> tuple[object, str]:
    big = np.iinfo(np.uint64).max
    data = np.array([t.scale[1], big], dtype=np.uint64)
    return data, (
        f"{t.func}: 1 of 2 {t.noun} are outside the {t.scale_text} scale ({big})"
    )


def _not_whole(t: Target) -> tuple[object, str]:
    low = t.scale[0]
    data = [low + 0.5, low, low + 1.25, np.nan]
    return data, (
        f"{t.func}: 2 of 3 {t.noun} are not whole points of the {t.scale_text} "
        f"scale ({low + 0.5:g}, {low + 1.25:g})"
    )


DATA_CASES: dict[str, Callable[[Target], tuple[object, str]]] = {
    "empty list": lambda t: ([], f"{t.func}: {t.noun} is empty"),
    "empty int array": lambda t: (
        np.array([], dtype=np.int64),
        f"{t.func}: {t.noun} is empty",
    ),
    "empty Series": lambda t: (
        pd.Series([], dtype="Float64"),
        f"{t.func}: {t.noun} is empty",
    ),
    "all missing": lambda t: (
        [np.nan, None, float("nan")],
        f"{t.func}: no valid {t.noun}: all 3 are missing",
    ),
    "all missing Int64": lambda t: (
        pd.Series([pd.NA, pd.NA], dtype="Int64"),
        f"{t.func}: no valid {t.noun}: all 2 are missing",
    ),
    "out of scale": _out_of_scale,
    "out of scale, integer array": _out_of_scale_integers,
    "below scale, int8 array": _below_scale_integers,
    "int64 extremes": _extreme_integers,
    "uint64 maximum": _huge_unsigned,
    "infinity": lambda t: (
        [t.scale[0], np.inf],
        f"{t.func}: 1 of 2 {t.noun} are outside the {t.scale_text} scale (inf)",
    ),
    "not whole": _not_whole,
    "strings": lambda t: (
        ["5", "4", "3", "2"],
        f"{t.func}: {t.noun} must be numbers; got text such as '5', '4', '3'"
        + labels_hint(t),
    ),
    "strings among numbers": lambda t: (
        np.array([t.scale[0], "x", None, "y"], dtype=object),
        f"{t.func}: 2 of 4 {t.noun} are not numbers ('x', 'y')" + labels_hint(t),
    ),
    "string dtype": lambda t: (
        pd.Series(["4", None], dtype="string"),
        f"{t.func}: {t.noun} must be numbers; got text such as '4', <NA>"
        + labels_hint(t),
    ),
    "datetime64": lambda t: (
        np.array(["2024-01-01", "2024-01-02"], dtype="datetime64[D]"),
        f"{t.func}: {t.noun} must be numbers; got dates or times such as "
        "2024-01-01, 2024-01-02",
    ),
    "timedelta64": lambda t: (
        np.array([5, 6], dtype="timedelta64[s]"),
        f"{t.func}: {t.noun} must be numbers; got time spans such as 0:00:05, 0:00:06",
    ),
    "pandas dates": lambda t: (
        pd.Series(pd.to_datetime(["2024-03-01"])),
        f"{t.func}: {t.noun} must be numbers; got dates or times such as "
        "2024-03-01 00:00:00",
    ),
    "datetime objects": lambda t: (
        [dt.date(2024, 3, 1), t.scale[0]],
        f"{t.func}: 1 of 2 {t.noun} are not numbers (2024-03-01)",
    ),
    "booleans": lambda t: (
        [True, False, True],
        f"{t.func}: {t.noun} must be numbers; got booleans",
    ),
    "boolean Series": lambda t: (
        pd.Series([True, None], dtype="boolean"),
        f"{t.func}: {t.noun} must be numbers; got booleans",
    ),
    "booleans among numbers": lambda t: (
        np.array([t.scale[0], True, None], dtype=object),
        f"{t.func}: 1 of 3 {t.noun} are booleans (True); {t.noun} must be numbers",
    ),
    "Categorical of text": lambda t: (
        pd.Categorical(["easy", "hard"]),
        f"{t.func}: {t.noun} is a Categorical of non-numbers such as 'easy', 'hard'"
        + labels_hint(t),
    ),
    "complex": lambda t: (
        np.array([1 + 1j]),
        f"{t.func}: {t.noun} must be numbers; got values of type complex128 "
        "such as (1+1j)",
    ),
    "2-D array": lambda t: (
        np.ones((3, 2)),
        f"{t.func}: {t.noun} must be one-dimensional; got shape (3, 2)",
    ),
    "nested lists": lambda t: (
        [[1, 2], [3, 4]],
        f"{t.func}: {t.noun} must be one-dimensional; got shape (2, 2)",
    ),
    "one number": lambda t: (
        5,
        f"{t.func}: {t.noun} must be a one-dimensional array-like of numbers; "
        "got a single int",
    ),
    "None": lambda t: (
        None,
        f"{t.func}: {t.noun} must be a one-dimensional array-like of numbers; "
        "got NoneType",
    ),
    "a string": lambda t: (
        "5,4,3",
        f"{t.func}: {t.noun} must be a one-dimensional array-like of numbers; got str",
    ),
    "a dict": lambda t: (
        {"a": 5},
        f"{t.func}: {t.noun} must be a one-dimensional array-like of numbers; got dict",
    ),
    "a generator": lambda t: (
        (v for v in [5, 4]),
        f"{t.func}: {t.noun} must be a one-dimensional array-like of numbers; "
        "got a single generator",
    ),
}


@all_targets
@pytest.mark.parametrize("case", list(DATA_CASES))
def test_bad_data(target, case):
    data, message = DATA_CASES[case](target)
    raises_input_error(lambda: target.call(data), message)


@all_targets
def test_ragged_data(target):
    with pytest.raises(
        cx.InputError,
        match=rf"^{target.func}: {target.noun} could not be read as a "
        r"one-dimensional array \(",
    ):
        target.call([[1], [2, 3]])


def test_the_design_example_message():
    # DESIGN.md: "nps: 3 of 1,204 scores are outside the 0-10 scale (11, -1, 10.5)"
    scores = [9] * 600 + [11] + [3] * 601 + [-1, 10.5]
    assert len(scores) == 1_204
    raises_input_error(
        lambda: cx.nps(scores),
        "nps: 3 of 1,204 scores are outside the 0-10 scale (11, -1, 10.5)",
    )


def test_out_of_scale_examples_are_distinct_and_at_most_three():
    scores = [11, 11, 11, 12, 13, 14, 15]
    raises_input_error(
        lambda: cx.nps(scores),
        "nps: 7 of 7 scores are outside the 0-10 scale (11, 12, 13)",
    )


def test_a_scale_below_zero_reads_low_to_high():
    raises_input_error(
        lambda: cx.csat([-3, 4, 3], scale=(-3, 3)),
        "csat: 1 of 3 ratings are outside the -3 to 3 scale (4)",
    )
    raises_input_error(
        lambda: cx.csat(np.array([-4, 0]), scale=(-3, 3)),
        "csat: 1 of 2 ratings are outside the -3 to 3 scale (-4)",
    )


def test_integer_ratings_on_a_scale_far_from_zero():
    # 1999 is below the 2000-2005 scale; the fast path must not count it
    raises_input_error(
        lambda: cx.csat(np.array([1999, 2004]), scale=(2000, 2005)),
        "csat: 1 of 2 ratings are outside the 2000-2005 scale (1999)",
    )
    raises_input_error(
        lambda: cx.csat(np.array([1, 2], dtype=np.int8), scale=(200, 205)),
        "csat: 2 of 2 ratings are outside the 200-205 scale (1, 2)",
    )
    # uint8 0 - 1 wraps to 255: on a 300-point scale it must still be refused
    raises_input_error(
        lambda: cx.top_box(np.array([0, 200], dtype=np.uint8), scale=(1, 300)),
        "top_box: 1 of 2 ratings are outside the 1-300 scale (0)",
    )


# ---------------------------------------------------------------------------
# Weights


WEIGHT_CASES: dict[str, tuple[object, str]] = {
    "misaligned": (
        [1.0, 2.0],
        "{func}: weights has 2 values but there are 3 {noun}; they must align "
        "one to one",
    ),
    "negative": ([1.0, -0.5, -2.0], "{func}: 2 of 3 weights are negative (-0.5, -2)"),
    "NaN": ([1.0, np.nan, 1.0], "{func}: 1 of 3 weights are missing or infinite (nan)"),
    "pd.NA": (
        pd.array([1.0, None, 1.0], dtype="Float64"),
        "{func}: 1 of 3 weights are missing or infinite (nan)",
    ),
    "infinite": (
        [np.inf, 1.0, 1.0],
        "{func}: 1 of 3 weights are missing or infinite (inf)",
    ),
    "all zero": ([0.0, 0, 0], "{func}: weights of the valid {noun} are all zero"),
    "text": (
        ["1", "2", "3"],
        "{func}: weights must be numbers; got text such as '1', '2', '3'",
    ),
    "booleans": ([True, True, False], "{func}: weights must be numbers; got booleans"),
    "2-D": (
        np.ones((3, 1)),
        "{func}: weights must be one-dimensional; got shape (3, 1)",
    ),
    "one number": (
        2.0,
        "{func}: weights must be a one-dimensional array-like of numbers; "
        "got a single float",
    ),
}


@all_targets
@pytest.mark.parametrize("case", list(WEIGHT_CASES))
def test_bad_weights(target, case):
    weights, template = WEIGHT_CASES[case]
    message = template.format(func=target.func, noun=target.noun)
    raises_input_error(lambda: target.call(target.valid(), weights=weights), message)


@all_targets
def test_weights_all_zero_among_the_valid_answers(target):
    # the only positive weight belongs to a missing answer
    data = [target.scale[1], np.nan, target.scale[0]]
    raises_input_error(
        lambda: target.call(data, weights=[0.0, 5.0, 0.0]),
        f"{target.func}: weights of the valid {target.noun} are all zero",
    )


# ---------------------------------------------------------------------------
# Options


@all_targets
@pytest.mark.parametrize("ci", ["bogus", "Wilson", "normal", "", 0, ["wilson"]])
def test_unknown_ci(target, ci):
    raises_input_error(
        lambda: target.call(target.valid(), ci=ci),
        f"{target.func}: ci={ci!r} is not one of {target.ci_choices}",
    )


@all_targets
@pytest.mark.parametrize("policy", ["drop", "OMIT", None, ("omit",)])
def test_unknown_nan_policy(target, policy):
    raises_input_error(
        lambda: target.call(target.valid(), nan_policy=policy),
        f"{target.func}: nan_policy={policy!r} is not one of 'omit', 'raise', "
        "'propagate'",
    )


def test_unknown_nan_policy_on_the_integer_fast_path():
    raises_input_error(
        lambda: cx.nps(np.array([10, 9]), nan_policy="skip"),
        "nps: nan_policy='skip' is not one of 'omit', 'raise', 'propagate'",
    )


def test_unknown_ces_method():
    raises_input_error(
        lambda: cx.ces([5, 6], method="median"),
        "ces: method='median' is not one of 'mean', 'percent_easy', 'net_easy'",
    )
    raises_input_error(
        lambda: cx.ces([5, 6], method=None),
        "ces: method=None is not one of 'mean', 'percent_easy', 'net_easy'",
    )


def test_a_ci_of_another_ces_variant_is_refused():
    raises_input_error(
        lambda: cx.ces([5, 6], method="mean", ci="wilson"),
        f"ces: ci='wilson' is not one of {MEAN_CHOICES}",
    )
    raises_input_error(
        lambda: cx.ces([5, 6], method="percent_easy", ci="adjusted_wald"),
        f"ces: ci='adjusted_wald' is not one of {RATE_CHOICES}",
    )


@all_targets
@pytest.mark.parametrize(
    ("confidence", "shown"),
    [(0, "0"), (1, "1"), (1.5, "1.5"), (-0.95, "-0.95"), (95, "95"), (np.nan, "nan")],
)
def test_confidence_out_of_range(target, confidence, shown):
    raises_input_error(
        lambda: target.call(target.valid(), confidence=confidence),
        f"{target.func}: confidence must be between 0 and 1 (exclusive); got {shown}",
    )


@all_targets
@pytest.mark.parametrize("confidence", ["0.95", True, None, [0.95]])
def test_confidence_not_a_number(target, confidence):
    raises_input_error(
        lambda: target.call(target.valid(), confidence=confidence),
        f"{target.func}: confidence must be a number between 0 and 1; "
        f"got {confidence!r}",
    )


# ---------------------------------------------------------------------------
# Scales and scale points


@scaled_targets
@pytest.mark.parametrize(
    ("scale", "message"),
    [
        ((5, 1), "scale must have low < high; got (5, 1)"),
        ((3, 3), "scale must have low < high; got (3, 3)"),
        ((1.5, 5), "scale must be a pair of whole numbers (low, high); got (1.5, 5)"),
        (
            (1.0, 5.0),
            "scale must be a pair of whole numbers (low, high); got (1.0, 5.0)",
        ),
        ("1-5", "scale must be a pair of whole numbers (low, high); got '1-5'"),
        ((1, 3, 5), "scale must be a pair of whole numbers (low, high); got (1, 3, 5)"),
        ((True, 5), "scale must be a pair of whole numbers (low, high); got (True, 5)"),
        (
            np.array([1.0, 5.0]),
            "scale must be a pair of whole numbers (low, high); got (1.0, 5.0)",
        ),
    ],
)
def test_bad_scale(target, scale, message):
    raises_input_error(
        lambda: target.call([1, 2], scale=scale), f"{target.func}: {message}"
    )


@scaled_targets
@pytest.mark.parametrize("scale", [[1, 5], np.array([1, 5]), (np.int64(1), 5)])
def test_a_scale_as_a_list_or_array_is_accepted(target, scale):
    assert target.call([1, 5, 4], scale=scale).n == 3


@pytest.mark.parametrize(
    ("satisfied", "message"),
    [
        ({6}, "csat: 1 of 1 satisfied points are outside the 1-5 scale (6)"),
        (
            [0, 4, 5, 7],
            "csat: 2 of 4 satisfied points are outside the 1-5 scale (0, 7)",
        ),
        ([], "csat: satisfied must name at least one scale point"),
        ("45", "csat: satisfied must be a collection of scale points; got '45'"),
        (4.5, "csat: satisfied must be a collection of scale points; got 4.5"),
        ([4.0, 5.0], "csat: satisfied must be whole numbers; got 4.0, 5.0"),
        ([True], "csat: satisfied must be whole numbers; got True"),
        (["5"], "csat: satisfied must be whole numbers; got '5'"),
    ],
)
def test_bad_satisfied_points(satisfied, message):
    raises_input_error(lambda: cx.csat([4, 5], satisfied=satisfied), message)


@pytest.mark.parametrize("method", ["mean", "percent_easy", "net_easy"])
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"easy": [7, 8]}, "ces: 1 of 2 easy points are outside the 1-7 scale (8)"),
        (
            {"difficult": 0},
            "ces: 1 of 1 difficult points are outside the 1-7 scale (0)",
        ),
        (
            {"easy": [6, 7], "difficult": [1, 2], "scale": (1, 5)},
            "ces: 2 of 2 easy points are outside the 1-5 scale (6, 7)",
        ),
        (
            {"easy": [4, 5, 6, 7], "difficult": [1, 2, 3, 4]},
            "ces: easy and difficult must not overlap; both contain 4",
        ),
        # an explicit easy set that overlaps the default difficult points (1-3)
        (
            {"easy": [2, 3, 6, 7]},
            "ces: easy and difficult must not overlap; both contain 2, 3",
        ),
        ({"easy": []}, "ces: easy must name at least one scale point"),
        ({"difficult": [1.0]}, "ces: difficult must be whole numbers; got 1.0"),
    ],
)
def test_bad_easy_and_difficult_points(method, options, message):
    raises_input_error(lambda: cx.ces([5, 6], method=method, **options), message)


@pytest.mark.parametrize(
    ("boxes", "message"),
    [
        (0, "top_box: boxes must be at least 1; got 0"),
        (-1, "top_box: boxes must be at least 1; got -1"),
        (6, "top_box: boxes=6 is more than the 5 points of the 1-5 scale"),
        (1.5, "top_box: boxes must be a whole number; got 1.5"),
        (2.0, "top_box: boxes must be a whole number; got 2.0"),
        (True, "top_box: boxes must be a whole number; got True"),
        ("2", "top_box: boxes must be a whole number; got '2'"),
    ],
)
def test_bad_boxes(boxes, message):
    raises_input_error(lambda: cx.top_box([5, 4], scale=(1, 5), boxes=boxes), message)


def test_too_many_boxes_on_a_scale_below_zero():
    raises_input_error(
        lambda: cx.top_box([0], scale=(-2, 2), boxes=6),
        "top_box: boxes=6 is more than the 5 points of the -2 to 2 scale",
    )


def test_top_box_and_mean_score_need_a_scale():
    for call, func in ((cx.top_box, "top_box"), (cx.mean_score, "mean_score")):
        for scale in ({}, {"scale": None}):
            raises_input_error(
                lambda call=call, scale=scale: call([5, 4], **scale),
                f"{func}: scale is required, e.g. scale=(1, 5)",
            )


def test_csat_and_ces_take_their_default_scale_for_none():
    assert cx.csat([5, 4, 1], scale=None) == cx.csat([5, 4, 1], scale=(1, 5))
    assert cx.ces([7, 4, 1], scale=None) == cx.ces([7, 4, 1], scale=(1, 7))


# ---------------------------------------------------------------------------
# Resampling options: n_resamples and rng


@resampling_targets
@pytest.mark.parametrize(
    ("n_resamples", "message"),
    [
        (0, "n_resamples must be at least 1; got 0"),
        (-10, "n_resamples must be at least 1; got -10"),
        (1.5, "n_resamples must be a whole number; got 1.5"),
        (1e4, "n_resamples must be a whole number; got 10000.0"),
        (None, "n_resamples must be a whole number; got None"),
        (True, "n_resamples must be a whole number; got True"),
    ],
)
def test_bad_n_resamples(target, n_resamples, message):
    raises_input_error(
        lambda: target.call(target.valid(), n_resamples=n_resamples),
        f"{target.func}: {message}",
    )


BAD_RNGS = [
    pytest.param("seed", id="str"),
    pytest.param(1.5, id="float"),
    pytest.param(True, id="bool"),
    pytest.param(-1, id="negative"),
    pytest.param(np.random.RandomState(0), id="RandomState"),
    pytest.param([1, 2], id="list"),
]


@resampling_targets
@pytest.mark.parametrize("rng", BAD_RNGS)
def test_bad_rng_whatever_the_interval(target, rng):
    # refused even when the chosen interval draws no random numbers
    raises_input_error(
        lambda: target.call(target.valid(), rng=rng),
        f"{target.func}: {RNG_RULE}; got {rng!r}",
    )


@pytest.mark.parametrize("rng", BAD_RNGS)
@pytest.mark.parametrize("ci", ["bootstrap", "bayes", "wald", None])
def test_bad_rng_for_nps(rng, ci):
    raises_input_error(
        lambda: cx.nps([10, 3], ci=ci, rng=rng), f"nps: {RNG_RULE}; got {rng!r}"
    )


@pytest.mark.parametrize(
    "rng", [None, 0, np.int64(3), np.random.default_rng(1), np.random.SeedSequence(2)]
)
def test_good_rngs(rng):
    result = cx.nps([10, 9, 3, 7], ci="bootstrap", rng=rng, n_resamples=100)
    assert result.ci.low <= result.ci.high


# ---------------------------------------------------------------------------
# nps_from_counts


COUNT_CASES = [
    (-1, "promoters must be a non-negative whole number; got -1"),
    (2.5, "promoters must be a non-negative whole number; got 2.5"),
    (np.nan, "promoters must be a non-negative whole number; got nan"),
    (np.inf, "promoters must be a non-negative whole number; got inf"),
    (True, "promoters must be a whole number; got True"),
    (np.bool_(True), "promoters must be a whole number; got np.True_"),
    ("3", "promoters must be a whole number; got '3'"),
    (None, "promoters must be a whole number; got None"),
    ([3], "promoters must be a whole number; got [3]"),
]


@pytest.mark.parametrize(("count", "message"), COUNT_CASES)
def test_nps_from_counts_bad_count(count, message):
    raises_input_error(
        lambda: cx.nps_from_counts(count, 1, 1), f"nps_from_counts: {message}"
    )


def test_nps_from_counts_names_the_bad_argument():
    raises_input_error(
        lambda: cx.nps_from_counts(1, -2, 1),
        "nps_from_counts: passives must be a non-negative whole number; got -2",
    )
    raises_input_error(
        lambda: cx.nps_from_counts(1, 1, 0.5),
        "nps_from_counts: detractors must be a non-negative whole number; got 0.5",
    )


def test_nps_from_counts_all_zero():
    raises_input_error(
        lambda: cx.nps_from_counts(0, 0, 0),
        "nps_from_counts: the counts are all zero; there is no response to score",
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"ci": "wilson"}, f"ci='wilson' is not one of {NET_CHOICES}"),
        ({"confidence": 1}, "confidence must be between 0 and 1 (exclusive); got 1"),
        (
            {"confidence": "95%"},
            "confidence must be a number between 0 and 1; got '95%'",
        ),
        ({"n_resamples": 0}, "n_resamples must be at least 1; got 0"),
        ({"rng": "seed"}, f"{RNG_RULE}; got 'seed'"),
        ({"rng": 2.0, "ci": "bayes"}, f"{RNG_RULE}; got 2.0"),
    ],
)
def test_nps_from_counts_bad_options(options, message):
    raises_input_error(
        lambda: cx.nps_from_counts(5, 3, 2, **options), f"nps_from_counts: {message}"
    )


# ---------------------------------------------------------------------------
# nps_category: element-wise, so empty in gives empty out and missing stays missing


NPS_CATEGORY_CASES = [
    (
        [11, -1, 10.5, 9],
        "nps_category: 3 of 4 scores are outside the 0-10 scale (11, -1, 10.5)",
    ),
    (np.array([3, 12]), "nps_category: 1 of 2 scores are outside the 0-10 scale (12)"),
    (11, "nps_category: 1 of 1 scores are outside the 0-10 scale (11)"),
    (
        [8.5, np.nan, 2],
        "nps_category: 1 of 2 scores are not whole points of the 0-10 scale (8.5)",
    ),
    (9.5, "nps_category: 1 of 1 scores are not whole points of the 0-10 scale (9.5)"),
    (["9", "10"], "nps_category: scores must be numbers; got text such as '9', '10'"),
    (
        "9",
        "nps_category: scores must be a one-dimensional array-like of numbers; got str",
    ),
    (
        np.array(["2024-01-01"], dtype="datetime64[D]"),
        "nps_category: scores must be numbers; got dates or times such as 2024-01-01",
    ),
    (
        np.datetime64("2024-01-01"),
        "nps_category: scores must be numbers; got dates or times such as 2024-01-01",
    ),
    ([True, False], "nps_category: scores must be numbers; got booleans"),
    (True, "nps_category: scores must be numbers; got booleans"),
    (np.ones((2, 2)), "nps_category: scores must be one-dimensional; got shape (2, 2)"),
]


@pytest.mark.parametrize(("scores", "message"), NPS_CATEGORY_CASES)
def test_nps_category_bad_scores(scores, message):
    raises_input_error(lambda: cx.nps_category(scores), message)


def test_nps_category_ragged_scores():
    with pytest.raises(
        cx.InputError,
        match=r"^nps_category: scores could not be read as a one-dimensional array",
    ):
        cx.nps_category([[9], [9, 10]])


@pytest.mark.parametrize(
    "empty", [[], (), np.array([], dtype=np.int64), pd.Series([], dtype="Int64")]
)
def test_nps_category_of_empty_input_is_empty(empty):
    result = cx.nps_category(empty)
    assert isinstance(result, pd.Categorical)
    assert len(result) == 0
    assert list(result.categories) == ["detractor", "passive", "promoter"]


def test_nps_category_of_all_missing_input_is_all_missing():
    result = cx.nps_category(pd.Series([pd.NA, pd.NA, pd.NA], dtype="Int64"))
    assert len(result) == 3
    assert result.isna().all()
