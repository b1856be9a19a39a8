"""Survey answers on an integer scale: validated, then counted per scale point.

Every survey metric (NPS, CSAT, top-box, mean score, CES) is a function of
how many answers fell on each point of the scale. The histogram of scale
points (sums of weights with weights, and the sums of squared weights) is
the additive summary; `ScaleCounts` turns it into the statistics of the
metric's family: a net score, a share of points or a mean.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NoReturn, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics._calibration import Linearization, ScaleCalibration, scale_calibration
from cxmetrics._estimators import MeanEstimator, NetEstimator, RateEstimator
from cxmetrics._plans import Plan
from cxmetrics._stats import (
    Codes,
    MomentStats,
    NetStats,
    RateStats,
    flagged_count,
    group_count,
    group_sum,
)
from cxmetrics._validation import (
    NAN_POLICIES,
    FloatArray,
    InputError,
    Scale,
    check_option,
    check_scale,
    check_scale_values,
    check_weights,
    format_count,
    format_examples,
    format_scale,
    integer_array,
    missing_rows,
    to_float_array,
)
from cxmetrics.results import RakedWeights

__all__ = [
    "ScaleCounts",
    "SurveyReader",
    "count_points",
    "describe_points",
    "labelled_points",
    "mean_plan",
    "net_plan",
    "points_mask",
    "points_text",
    "rating_scale",
    "scale_from_ratings",
    "share_plan",
]

IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

#: Scales starting at 0 up to this point are counted on the raw values; others
#: subtract their low point first.
_DIRECT_LOW_LIMIT = 1024


def _labels(values: object) -> pd.Index | None:
    """The categories of an ordered Categorical of text (labelled ratings).

    None for anything else.
    """
    dtype = getattr(values, "dtype", None)
    if not isinstance(dtype, pd.CategoricalDtype) or dtype.categories is None:
        return None
    categories = dtype.categories
    numeric = pd.api.types.is_numeric_dtype(categories.dtype) and not (
        pd.api.types.is_bool_dtype(categories.dtype)
    )
    if numeric:
        return None  # a Categorical of numbers holds the points themselves
    if not dtype.ordered:
        return None  # refused as text by the reader, with the way to order it
    return categories


def labelled_points(values: object) -> FloatArray | None:
    """Labelled ratings as points 1..k in category order (missing as NaN), else None."""
    if _labels(values) is None:
        return None
    codes = np.asarray(pd.Series(values, copy=False).cat.codes)
    points = codes.astype(np.float64) + 1.0
    points[codes < 0] = np.nan
    return points


def rating_scale(
    func: str, ratings: object, scale: object, default: Scale | None
) -> object:
    """The scale the ratings are on.

    Labelled ratings (an ordered Categorical of text with k categories) are
    points 1..k, so their scale is (1, k); a ``scale`` given with them must
    be that. Other ratings take ``scale``, or ``default`` when it is None
    (no default: ``scale`` is required).
    """
    labels = _labels(ratings)
    if labels is not None:
        own = (1, len(labels))
        if scale is None:
            return own
        if check_scale(func, scale) != own:
            raise InputError(
                f"{func}: ratings are {len(labels)} ordered labels "
                f"({format_examples(labels)} ...), read as the points 1-{len(labels)}; "
                f"scale={tuple(scale)!r} does not match (leave scale out)"  # type: ignore[arg-type]
            )
        return own
    if scale is None:
        if default is None:
            raise InputError(f"{func}: scale is required, e.g. scale=(1, 5)")
        return default
    return scale


def scale_from_ratings(
    func: str, default: Scale | None
) -> Callable[[dict[str, Any], Mapping[str, Any]], dict[str, Any]]:
    """A segment metric's ``prepare``: the scale its ratings column is on."""

    def prepare(options: dict[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
        scale = rating_scale(func, data.get("ratings"), options.get("scale"), default)
        return {**options, "scale": scale}

    return prepare


#: What a rating metric adds to the message for text it cannot read.
_LABELS_HINT = (
    "; labelled ratings are read as scale points when they are an ordered "
    "pandas Categorical: pd.Categorical(values, categories=[lowest, ..., "
    "highest], ordered=True)"
)


def _looks_like_labels(values: object) -> bool:
    """Text, or a Categorical of text: what labelled ratings look like unordered."""
    if isinstance(values, (str, bytes, dict)):
        return False  # one value, not an array-like: its own message says so
    dtype = getattr(values, "dtype", None)
    if isinstance(dtype, pd.CategoricalDtype):
        return not pd.api.types.is_numeric_dtype(dtype.categories.dtype)
    kind = getattr(dtype, "kind", "")
    if dtype is None or kind == "O":
        items = list(values)[:1_000] if hasattr(values, "__iter__") else []
        return any(isinstance(v, str) for v in items)
    return kind in "US" or pd.api.types.is_string_dtype(dtype)


def points_mask(scale: Scale, points: npt.ArrayLike) -> BoolArray:
    """Which of the scale's points, low to high, are among ``points``."""
    return np.isin(np.arange(scale[0], scale[1] + 1), np.asarray(points))


@attrs.frozen(eq=False)
class ScaleCounts:
    """Answers per scale point and group: ``counts[g, k]`` for point ``low + k``.

    ``counts`` are sums of weights (counts without weights), ``squared`` the
    sums of squared weights of each group's answers (their counts without
    weights). ``calibration`` holds the answers by margin category when the
    weights are raked (`cxmetrics.rake`), for the raking-aware variance.
    """

    scale: Scale
    counts: FloatArray
    squared: FloatArray
    n: IntArray
    n_missing: IntArray
    propagated: BoolArray
    weighted: bool
    calibration: ScaleCalibration | None = None

    def _linear(self, values: npt.ArrayLike) -> Linearization | None:
        """The raking-aware sums for the answer ``values[point]``, if raked."""
        if self.calibration is None:
            return None
        return self.calibration.linearization(values)

    def net(self, positive: BoolArray, negative: BoolArray) -> NetStats:
        """A net score: the points in ``positive`` against those in ``negative``."""
        pos = self.counts[:, positive].sum(axis=1)
        neg = self.counts[:, negative].sum(axis=1)
        return NetStats(
            positive=pos,
            neutral=self.counts[:, ~(positive | negative)].sum(axis=1),
            negative=neg,
            squared=self.squared,
            n=self.n,
            n_missing=self.n_missing,
            propagated=self.propagated,
            weighted=self.weighted,
            linear=self._linear(positive.astype(np.float64) - negative),
        )

    def share(self, selected: BoolArray) -> RateStats:
        """The share of answers on the ``selected`` points."""
        return RateStats(
            successes=self.counts[:, selected].sum(axis=1),
            total=self.counts.sum(axis=1),
            squared=self.squared,
            n=self.n,
            n_missing=self.n_missing,
            n_pending=np.zeros(self.n.size, dtype=np.int64),
            propagated=self.propagated,
            weighted=self.weighted,
            linear=self._linear(selected.astype(np.float64)),
        )

    def moments(self) -> MomentStats:
        """The mean and spread of the points.

        Shares first, so answers all on one point give exactly that point,
        and the mean is kept between the lowest and highest point answered.
        """
        points = np.arange(self.scale[0], self.scale[1] + 1, dtype=np.float64)
        counts = self.counts
        total = counts.sum(axis=1)
        answered = counts > 0
        has_any = answered.any(axis=1)
        lowest = np.where(has_any, points[np.argmax(answered, axis=1)], np.inf)
        highest = np.where(
            has_any,
            points[points.size - 1 - np.argmax(answered[:, ::-1], axis=1)],
            -np.inf,
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.clip((counts / total[:, None]) @ points, lowest, highest)
            m2 = ((points[None, :] - mean[:, None]) ** 2 * counts).sum(axis=1)
        usable = has_any & (total > 0)
        return MomentStats(
            total=total,
            mean=np.where(usable, mean, np.nan),
            m2=np.where(usable, m2, 0.0),
            squared=self.squared,
            lowest=lowest,
            highest=highest,
            n=self.n,
            n_missing=self.n_missing,
            propagated=self.propagated,
            weighted=self.weighted,
            linear=self._linear(points),
        )


def count_points(
    values: object,
    weights: object,
    *,
    func: str,
    name: str,
    scale: Scale,
    nan_policy: object,
    codes: Codes = None,
    groups: int = 1,
    whole: bool = True,
    labels: bool = False,
) -> ScaleCounts:
    """Validate answers on ``scale`` and count them per point and group.

    Raises `InputError` for non-numbers, values outside the scale,
    non-integers, bad weights and, when ``values`` are the ``whole`` input
    (not one part of a dask frame), for empty input, no valid answer or
    weights all zero among the valid answers.
    """
    check_option(func, "nan_policy", nan_policy, NAN_POLICIES)
    labelled = labelled_points(values) if labels else None
    if labelled is not None:
        values = labelled
    raw = integer_array(values)
    size = scale[1] - scale[0] + 1
    if raw is not None:
        # Integers cannot be missing or fractional: one min and one max check them.
        w = (
            None
            if weights is None
            else check_weights(weights, raw.size, func=func, name=name)
        )
        if whole:
            _check_some(func, name, raw.size, 0, w, propagate=False)
        if w is None and codes is None:
            counts = _direct_histogram(raw, func=func, name=name, scale=scale)[None, :]
            return ScaleCounts(
                scale=scale,
                counts=counts,
                squared=counts.sum(axis=1),
                n=np.array([raw.size], dtype=np.int64),
                n_missing=np.zeros(1, dtype=np.int64),
                propagated=np.zeros(1, dtype=bool),
                weighted=False,
            )
        if raw.size and (raw.min() < scale[0] or raw.max() > scale[1]):
            _raise_outside(raw, func=func, name=name, scale=scale)
        offsets = raw.astype(np.intp, copy=False)
        if scale[0]:
            offsets = offsets - scale[0]
        missing = None
    else:
        try:
            array = to_float_array(values, func=func, name=name, allow_bool=False)
        except InputError as error:
            if labels and _looks_like_labels(values):
                raise InputError(f"{error}{_LABELS_HINT}") from None
            raise
        w = (
            None
            if weights is None
            else check_weights(weights, array.size, func=func, name=name)
        )
        missing = missing_rows(array, func=func, name=name, nan_policy=nan_policy)
        n_missing = 0 if missing is None else int(np.count_nonzero(missing))
        if whole:
            kept_w = None if w is None or missing is None else w[~missing]
            _check_some(
                func,
                name,
                array.size,
                n_missing,
                w if kept_w is None else kept_w,
                propagate=nan_policy == "propagate",
            )
        kept = array if missing is None else array[~missing]
        offsets = check_scale_values(kept, func=func, name=name, scale=scale)
        if missing is not None and w is not None:
            w = w[~missing]
    valid_codes = codes if codes is None or missing is None else codes[~missing]
    cells = offsets if valid_codes is None else valid_codes * size + offsets
    counts = np.asarray(
        np.bincount(cells, weights=w, minlength=groups * size), dtype=np.float64
    ).reshape(groups, size)
    squared = counts.sum(axis=1) if w is None else group_sum(w * w, valid_codes, groups)
    n = group_count(valid_codes, groups, size=offsets.size)
    n_missing_groups = flagged_count(codes, groups, missing)
    calibration = None
    if isinstance(weights, RakedWeights):
        calibration = scale_calibration(
            weights,
            offsets,
            valid_codes,
            groups,
            size,
            None if missing is None else ~missing,
        )
    return ScaleCounts(
        scale=scale,
        counts=counts,
        squared=squared,
        n=n,
        n_missing=n_missing_groups,
        propagated=(n_missing_groups > 0) & (nan_policy == "propagate"),
        weighted=w is not None,
        calibration=calibration,
    )


def _check_some(
    func: str,
    name: str,
    size: int,
    n_missing: int,
    weights: FloatArray | None,
    *,
    propagate: bool,
) -> None:
    """Refuse empty input, no valid answer, and weights all zero among the valid."""
    if size == 0:
        raise InputError(f"{func}: {name} is empty")
    if n_missing == size and not propagate:
        raise InputError(
            f"{func}: no valid {name}: all {format_count(n_missing)} are missing"
        )
    if weights is not None and weights.size and not weights.max() > 0:
        raise InputError(f"{func}: weights of the valid {name} are all zero")


def _direct_histogram(
    raw: npt.NDArray[np.integer[Any]], *, func: str, name: str, scale: Scale
) -> FloatArray:
    """Histogram of an integer array with no missing values, in one pass.

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


def _raise_outside(
    raw: npt.NDArray[np.integer[Any]], *, func: str, name: str, scale: Scale
) -> NoReturn:
    low, high = scale
    outside = raw[(raw < low) | (raw > high)]
    raise InputError(
        f"{func}: {format_count(outside.size)} of {format_count(raw.size)} {name} "
        f"are outside the {format_scale(scale)} scale ({format_examples(outside)})"
    )


def points_text(points: npt.ArrayLike) -> str:
    """Scale points as text: ``"4, 5"``, or ``"5-7"`` for a run of three or more."""
    chosen = np.unique(np.asarray(points, dtype=np.int64))
    if chosen.size > 2 and chosen[-1] - chosen[0] + 1 == chosen.size:
        return f"{chosen[0]}-{chosen[-1]}"
    return ", ".join(str(int(p)) for p in chosen)


def describe_points(points: npt.ArrayLike, scale: Scale) -> str:
    """A definition for a result: ``"4, 5 of 1-5"``; ``"4-7 of 1-7"`` for a run."""
    return f"{points_text(points)} of {format_scale(scale)}"


@attrs.frozen(kw_only=True)
class SurveyReader:
    """Reads survey answers (and ``weights``) into the statistics of one family.

    ``view`` turns the counts per point into the family's statistics: a net
    score, a share of points or the moments.
    """

    func: str
    name: str  # the data parameter, also what messages call the answers
    scale: Scale
    nan_policy: object
    view: Callable[[ScaleCounts], Any]
    labels: bool = True

    def __call__(
        self, data: Mapping[str, Any], codes: Codes, groups: int, whole: bool
    ) -> Any:
        counts = count_points(
            data[self.name],
            data.get("weights"),
            func=self.func,
            name=self.name,
            scale=self.scale,
            nan_policy=self.nan_policy,
            codes=codes,
            groups=groups,
            whole=whole,
            labels=self.labels,
        )
        return self.view(counts)


# ---------------------------------------------------------------------------
# The plans of the survey metrics: a net score, a share of points, a mean


def net_plan(
    func: str,
    nan_policy: object,
    scale: Scale,
    positive: npt.ArrayLike,
    negative: npt.ArrayLike,
    estimator: NetEstimator,
    *,
    name: str = "ratings",
    labels: bool = True,
) -> Plan:
    """Share on the ``positive`` points minus share on the ``negative`` ones."""
    positive_mask = points_mask(scale, positive)
    negative_mask = points_mask(scale, negative)
    reader = SurveyReader(
        func=func,
        name=name,
        scale=scale,
        nan_policy=nan_policy,
        view=lambda counts: counts.net(positive_mask, negative_mask),
        labels=labels,
    )
    return Plan(func=func, read=reader, estimator=estimator)


def share_plan(
    func: str,
    nan_policy: object,
    scale: Scale,
    points: npt.NDArray[np.int64],
    estimator: RateEstimator,
) -> Plan:
    """The share of answers on ``points`` of ``scale``: CSAT, top box, CES easy."""
    selected = points_mask(scale, points)
    estimator = attrs.evolve(estimator, definition=describe_points(points, scale))
    reader = SurveyReader(
        func=func,
        name="ratings",
        scale=scale,
        nan_policy=nan_policy,
        view=lambda counts: counts.share(selected),
    )
    return Plan(func=func, read=reader, estimator=estimator)


def mean_plan(
    func: str, nan_policy: object, scale: Scale, estimator: MeanEstimator
) -> Plan:
    """The mean of answers on ``scale``: mean score, CES mean."""
    estimator = attrs.evolve(estimator, definition=f"{format_scale(scale)} scale")
    reader = SurveyReader(
        func=func,
        name="ratings",
        scale=scale,
        nan_policy=nan_policy,
        view=ScaleCounts.moments,
    )
    return Plan(func=func, read=reader, estimator=estimator)
