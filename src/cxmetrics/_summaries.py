"""Summarize and estimate for survey scores: a (weighted) histogram of scale points.

Every survey metric (NPS, CSAT, top-box, mean score, CES) is a function of
how many answers fell on each point of the scale: the histogram, and with
weights also the per-point sums of squared weights, are additive sufficient
statistics. This module validates the raw answers and builds the histogram in
one pass where it can.
"""

from __future__ import annotations

from typing import NoReturn

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics import intervals
from cxmetrics._validation import (
    NAN_POLICIES,
    FloatArray,
    InputError,
    Scale,
    check_confidence,
    check_option,
    check_positive_int,
    check_rng,
    check_scale_values,
    check_weights,
    format_count,
    format_examples,
    format_scale,
    make_rng,
    to_float_array,
    valid_values,
)
from cxmetrics.results import (
    MeanResult,
    RateResult,
    estimate_mean_interval,
    estimate_rate,
)

__all__ = [
    "ScoreHistogram",
    "check_mean_options",
    "check_net_score_options",
    "check_rate_options",
    "check_resampling_options",
    "mean_from_histogram",
    "rate_from_histogram",
    "score_histogram",
]

#: Scales starting at 0 up to this point are counted on the raw values; others
#: subtract their low point first.
_DIRECT_LOW_LIMIT = 1024


@attrs.frozen
class ScoreHistogram:
    """Counts per scale point, ``counts[k]`` for point ``low + k``.

    ``counts`` are sums of weights (plain counts without weights) and
    ``squared`` the sums of squared weights (equal to ``counts`` without
    weights). ``propagate`` is True when a missing value was seen under
    ``nan_policy="propagate"``: the estimate is then NaN.
    """

    scale: Scale
    counts: FloatArray = attrs.field(eq=False)
    squared: FloatArray = attrs.field(eq=False)
    n: int
    n_missing: int
    weighted: bool
    propagate: bool

    @property
    def points(self) -> npt.NDArray[np.int64]:
        """The scale points, low to high."""
        return np.arange(self.scale[0], self.scale[1] + 1, dtype=np.int64)

    @property
    def total_weight(self) -> float:
        """Sum of the weights (n without weights)."""
        return float(self.counts.sum())

    @property
    def effective_n(self) -> float:
        """Kish's effective sample size (n without weights)."""
        if not self.weighted:
            return float(self.n)
        total = self.total_weight
        squared = float(self.squared.sum())
        return total * total / squared if squared > 0 else 0.0

    def total_at(self, mask: npt.NDArray[np.bool_]) -> float:
        """Sum of the counts at the points selected by ``mask``."""
        return float(self.counts[mask].sum())


def _integer_histogram(
    raw: npt.NDArray[np.integer], *, func: str, name: str, scale: Scale
) -> FloatArray:
    """Histogram of an integer array with no missing values.

    ``np.bincount`` allocates ``max + 1`` bins (and fails badly at the int64
    maximum), so one ``max`` reduction bounds the values first. On a scale
    that starts at 0 or above, the raw values are counted as they are, with no
    subtraction pass: points below the scale land in the bins under ``low``
    and negative values make ``bincount`` refuse.
    """
    low, high = scale
    if raw.max() <= high:
        if 0 <= low <= _DIRECT_LOW_LIMIT:
            # Older numpy refuses to cast uint64 to intp; the values fit here.
            values = raw.astype(np.intp) if raw.dtype == np.uint64 else raw
            try:
                counts = np.bincount(values, minlength=high + 1)
            except ValueError:  # a negative value: below the scale
                counts = None
            if counts is not None and not counts[:low].any():
                return counts[low:].astype(np.float64)
        elif raw.min() >= low:  # now raw - low can neither overflow nor go negative
            offsets = raw.astype(np.intp, copy=False) - low
            return np.bincount(offsets, minlength=high - low + 1).astype(np.float64)
    _raise_outside(raw, func=func, name=name, scale=scale)


def _weighted_integer_histogram(
    raw: npt.NDArray[np.integer],
    weights: FloatArray,
    *,
    func: str,
    name: str,
    scale: Scale,
) -> tuple[FloatArray, FloatArray]:
    """Weighted counts and sums of squared weights of an integer array.

    A zero weight must not hide a value outside the scale, so the range is
    checked on the values themselves, with one ``min`` and one ``max``.
    """
    low, high = scale
    if raw.min() < low or raw.max() > high:
        _raise_outside(raw, func=func, name=name, scale=scale)
    offsets = raw.astype(np.intp, copy=False)
    if low:
        offsets = offsets - low
    size = high - low + 1
    counts = np.bincount(offsets, weights=weights, minlength=size)
    squared = np.bincount(offsets, weights=weights * weights, minlength=size)
    return np.asarray(counts, np.float64), np.asarray(squared, np.float64)


def _raise_outside(
    raw: npt.NDArray[np.integer], *, func: str, name: str, scale: Scale
) -> NoReturn:
    low, high = scale
    outside = raw[(raw < low) | (raw > high)]
    raise InputError(
        f"{func}: {format_count(outside.size)} of {format_count(raw.size)} {name} "
        f"are outside the {format_scale(scale)} scale ({format_examples(outside)})"
    )


def _raw_integer_array(values: object) -> npt.NDArray[np.integer] | None:
    """The values as a numpy integer array when they already are one, else None."""
    if isinstance(values, np.ndarray):
        array = values
    elif isinstance(values, pd.Series) and values.dtype.kind in "iu":
        array = values.to_numpy()
    else:
        return None
    if array.ndim == 1 and array.dtype.kind in "iu" and array.size:
        return array
    return None


def score_histogram(
    values: object,
    *,
    func: str,
    name: str,
    scale: Scale,
    nan_policy: object,
    weights: object = None,
) -> ScoreHistogram:
    """Validate survey answers on an integer scale and count them per point.

    Raises `InputError` for non-numbers, values outside the scale,
    non-integers, misaligned or invalid weights, and empty input.
    """
    size = scale[1] - scale[0] + 1
    raw = _raw_integer_array(values)
    if raw is not None:
        # Fast path: integers cannot be missing or fractional.
        check_option(func, "nan_policy", nan_policy, NAN_POLICIES)
        if weights is None:
            counts = _integer_histogram(raw, func=func, name=name, scale=scale)
            squared = counts
        else:
            w = check_weights(weights, raw.size, func=func, name=name)
            if not w.max() > 0:
                raise InputError(f"{func}: weights of the valid {name} are all zero")
            counts, squared = _weighted_integer_histogram(
                raw, w, func=func, name=name, scale=scale
            )
        return ScoreHistogram(
            scale=scale,
            counts=counts,
            squared=squared,
            n=int(raw.size),
            n_missing=0,
            weighted=weights is not None,
            propagate=False,
        )
    array = to_float_array(values, func=func, name=name, allow_bool=False)
    valid = valid_values(
        array, func=func, name=name, nan_policy=nan_policy, weights=weights
    )
    offsets = check_scale_values(valid.kept, func=func, name=name, scale=scale)
    if valid.weights is None:
        counts = np.bincount(offsets, minlength=size).astype(np.float64)
        squared = counts
    else:
        w = valid.weights
        counts = np.asarray(np.bincount(offsets, weights=w, minlength=size), np.float64)
        squared = np.asarray(
            np.bincount(offsets, weights=w * w, minlength=size), np.float64
        )
    return ScoreHistogram(
        scale=scale,
        counts=counts,
        squared=squared,
        n=int(valid.kept.size),
        n_missing=valid.n_missing,
        weighted=valid.weights is not None,
        propagate=valid.propagate,
    )


def check_net_score_options(
    func: str, ci: object, confidence: object, n_resamples: object, rng: object
) -> tuple[str | None, float, int, np.random.Generator | None]:
    """Validate the interval options shared by every net score."""
    check_option(func, "ci", ci, (*intervals.NET_SCORE_METHODS, None))
    level = check_confidence(func, confidence)
    resamples, generator = check_resampling_options(
        func, n_resamples, rng, draws=ci in ("bootstrap", "bayes")
    )
    return ci, level, resamples, generator  # type: ignore[return-value]


def check_resampling_options(
    func: str, n_resamples: object, rng: object, *, draws: bool
) -> tuple[int, np.random.Generator | None]:
    """Validate ``n_resamples`` and ``rng``; make a Generator only if ``draws``.

    A bad option is an error even where the interval draws nothing.
    """
    resamples = check_positive_int(func, "n_resamples", n_resamples)
    if not draws:
        check_rng(func, rng)
        return resamples, None
    return resamples, make_rng(func, rng)


def check_rate_options(
    func: str, ci: object, confidence: object
) -> tuple[str | None, float]:
    """Validate the interval options of a proportion."""
    check_option(func, "ci", ci, (*intervals.PROPORTION_METHODS, None))
    return ci, check_confidence(func, confidence)  # type: ignore[return-value]


def check_mean_options(
    func: str, ci: object, confidence: object
) -> tuple[str | None, float]:
    """Validate the interval options of a mean."""
    check_option(func, "ci", ci, (*intervals.MEAN_METHODS, None))
    return ci, check_confidence(func, confidence)  # type: ignore[return-value]


def rate_from_histogram(
    hist: ScoreHistogram,
    selected: npt.NDArray[np.int64],
    *,
    ci: str | None,
    confidence: float,
    label: str,
) -> RateResult:
    """The share of answers on the ``selected`` scale points, as a RateResult."""
    mask = np.isin(hist.points, selected)
    successes = hist.total_at(mask)
    total = hist.total_weight
    value, interval = estimate_rate(
        successes,
        total,
        hist.effective_n,
        ci=ci,
        confidence=confidence,
        propagate=hist.propagate,
    )
    return RateResult(
        value=value,
        successes=successes if hist.weighted else int(successes),
        n=hist.n,
        ci=interval,
        n_missing=hist.n_missing,
        effective_n=hist.effective_n,
        total_weight=total if hist.weighted else int(total),
        label=label,
    )


def mean_from_histogram(
    hist: ScoreHistogram, *, ci: str | None, confidence: float, label: str
) -> MeanResult:
    """The (weighted) mean of the answers with its Student t interval."""
    points = hist.points.astype(np.float64)
    total = hist.total_weight
    eff = hist.effective_n
    if hist.propagate or total <= 0:
        mean = std = float("nan")
    else:
        # Shares first, so that answers all on one point give exactly that
        # point; and rounding must not take the mean past the extreme answers.
        answered = points[hist.counts > 0]
        mean = float(np.clip(points @ (hist.counts / total), answered[0], answered[-1]))
        deviations = float(hist.counts @ (points - mean) ** 2)
        std = (
            float(np.sqrt(deviations / total * eff / (eff - 1.0)))
            if eff > 1
            else float("nan")
        )
    return MeanResult(
        value=mean,
        n=hist.n,
        std=std,
        ci=estimate_mean_interval(
            mean, std, eff, ci=ci, confidence=confidence, propagate=hist.propagate
        ),
        n_missing=hist.n_missing,
        effective_n=eff,
        total_weight=total if hist.weighted else int(total),
        label=label,
    )
