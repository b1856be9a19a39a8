"""Journey metrics: conversion rate and multi-stage funnels.

A conversion rate is a share of successes like CSAT, so it uses the same
estimate step (`cxmetrics.results.estimate_rate`). A funnel is a sequence of
such shares: the count at each stage against the stage before (the step
rate) and against the first stage (the overall rate), every interval computed
in one vectorized call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics import intervals
from cxmetrics._estimators import rate_estimator
from cxmetrics._plans import Plan, RowNouns, Rows, rows_plan, segmentable
from cxmetrics._validation import (
    MAX_COUNT,
    FloatArray,
    InputError,
    NanPolicy,
    boolean_array,
    format_count,
    format_examples,
    is_real,
    to_float_array,
)
from cxmetrics.results import RateResult

__all__ = ["conversion_rate", "funnel"]

#: The columns of the table `funnel` returns, in order (without the interval
#: columns when ``ci=None``).
FUNNEL_COLUMNS = (
    "stage",
    "count",
    "step_rate",
    "step_ci_low",
    "step_ci_high",
    "overall_rate",
    "overall_ci_low",
    "overall_ci_high",
    "drop_off",
)
_INTERVAL_COLUMNS = frozenset(
    ("step_ci_low", "step_ci_high", "overall_ci_low", "overall_ci_high")
)
_MAX_EXAMPLES = 3


# ---------------------------------------------------------------------------
# Conversion rate


def _plain_booleans(values: object) -> npt.NDArray[np.bool_] | None:
    """The values as a non-empty numpy bool array when they are one, else None."""
    flags = boolean_array(values)
    return flags if flags is not None and flags.size else None


_CONVERTED = RowNouns(noun="converted", counted="converted", empty=lambda kept: "")


def _conversion_plan(*, ci: object, confidence: object, nan_policy: object) -> Plan:
    func = "conversion_rate"
    estimator = rate_estimator(func, ci, confidence, label="Conversion")

    def rows(data: Mapping[str, Any]) -> Rows:
        converted = data["converted"]
        flags = _plain_booleans(converted)
        if flags is not None:  # booleans cannot be missing or out of range
            return Rows(size=flags.size, flags=flags)
        values = to_float_array(converted, func=func, name="converted", allow_bool=True)
        if values.size == 0:
            raise InputError(f"{func}: converted is empty")
        missing = np.isnan(values)
        _check_conversions(values[~missing])
        return Rows(
            size=values.size,
            missing=missing if missing.any() else None,
            flags=values == 1.0,
        )

    return rows_plan(func, estimator, rows, nouns=_CONVERTED, nan_policy=nan_policy)


def _check_conversions(kept: FloatArray) -> None:
    """Refuse outcomes other than 0 and 1 among the values kept."""
    bad = (kept != 0.0) & (kept != 1.0)
    if bad.any():
        raise InputError(
            f"conversion_rate: {format_count(int(bad.sum()))} of "
            f"{format_count(kept.size)} converted values are not booleans or 0/1 "
            f"({format_examples(kept[bad])})"
        )


@segmentable(_conversion_plan, data=("converted",))
def conversion_rate(
    converted: npt.ArrayLike,
    *,
    ci: str | None = "wilson",
    confidence: float = 0.95,
    weights: npt.ArrayLike | None = None,
    nan_policy: NanPolicy = "omit",
) -> RateResult:
    r"""Conversion rate: the share of visitors, leads or trials that converted.

    Parameters
    ----------
    converted : array_like
        One outcome per visitor, lead or trial: booleans, or the numbers 0
        and 1 (a list, numpy array, or pandas Series with a numpy or
        nullable dtype). Missing values follow ``nan_policy``.
    ci : {'wilson', 'agresti_coull', 'clopper_pearson', 'jeffreys', 'wald', None}
        Interval method (see `cxmetrics.intervals.proportion_interval`);
        None for no interval.
    confidence : float
        Confidence level in (0, 1).
    weights : array_like, optional
        Non-negative weights aligned with ``converted`` (e.g. to correct a
        sample for its traffic mix). The rate is weighted and the interval
        uses Kish's effective sample size.
    nan_policy : {'omit', 'raise', 'propagate'}
        ``'omit'`` leaves missing outcomes out and counts them in
        ``n_missing``; ``'raise'`` raises `InputError`; ``'propagate'``
        returns NaN for the value and the interval.

    Returns
    -------
    RateResult
        ``value`` (fraction converted), ``successes``, ``n``, ``ci``,
        ``n_missing``, ``effective_n``, ``total_weight``; ``label`` is
        ``"Conversion"``.

    Raises
    ------
    InputError
        Outcomes other than booleans, 0 and 1; bad weights; no valid
        outcomes; an unknown option.

    See Also
    --------
    funnel : conversion through several stages.

    Notes
    -----
    .. math:: \hat p = \frac{\sum_i w_i x_i}{\sum_i w_i}, \qquad
              x_i \in \{0, 1\}

    with :math:`w_i = 1` without weights. The Wilson interval is the default:
    conversion rates are often a few percent, where the Wald interval is too
    narrow and can reach below zero, while Wilson keeps close to its nominal
    coverage [1]_. With weights, the interval is computed for
    :math:`\hat p` with :math:`n_\mathrm{eff} = (\sum w_i)^2 / \sum w_i^2`
    trials.

    References
    ----------
    .. [1] Brown, L. D., Cai, T. T. and DasGupta, A. (2001). Interval
       estimation for a binomial proportion. *Statistical Science*, 16(2),
       101-133.

    Examples
    --------
    Twelve trials, three of which became paying customers:

    >>> import cxmetrics as cx
    >>> trials = [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]
    >>> print(cx.conversion_rate(trials))
    Conversion 25.0% (95% CI 8.9% to 53.2%, Wilson), n=12
    >>> cx.conversion_rate([True, False, None, True]).n_missing
    1
    """
    plan = _conversion_plan(ci=ci, confidence=confidence, nan_policy=nan_policy)
    result: RateResult = plan.result({"converted": converted, "weights": weights})
    return result


# ---------------------------------------------------------------------------
# Funnel


def funnel(
    stages: Mapping[Any, Any] | pd.Series[Any] | pd.DataFrame,
    *,
    ci: str | None = "wilson",
    confidence: float = 0.95,
) -> pd.DataFrame:
    r"""A conversion funnel: how many reach each stage, step by step and overall.

    Parameters
    ----------
    stages : mapping, pandas.Series or pandas.DataFrame
        Either the count at each stage, in funnel order: a mapping such as
        ``{"visited": 10_000, "signed_up": 2_400, ...}`` or a Series indexed
        by stage; or one row per person with one column per stage, in funnel
        order, holding booleans or 0/1 (True = the person did it). Per-person
        data are counted strictly: a person counts at a stage only when every
        earlier stage is true as well.
    ci : {'wilson', 'agresti_coull', 'clopper_pearson', 'jeffreys', 'wald', None}
        Interval method for the step and overall rates; None leaves the
        interval columns out.
    confidence : float
        Confidence level in (0, 1).

    Returns
    -------
    pandas.DataFrame
        One row per stage, in funnel order, with the columns

        ``stage``
            The stage's name (the mapping key or column name).
        ``count`` : int64
            People at the stage.
        ``step_rate`` : float64
            ``count`` divided by the count of the stage before; NaN for the
            first stage, which has no stage before, and after a stage of 0.
        ``step_ci_low``, ``step_ci_high`` : float64
            Interval for ``step_rate`` (NaN where the rate is NaN).
        ``overall_rate`` : float64
            ``count`` divided by the count of the first stage; 1 for the first.
        ``overall_ci_low``, ``overall_ci_high`` : float64
            Interval for ``overall_rate``; NaN for the first stage, whose
            rate is 1 by definition, not an estimate.
        ``drop_off`` : int64
            People lost since the stage before, ``count[i-1] - count[i]``;
            0 for the first stage, so the column sums to first minus last.

    Raises
    ------
    InputError
        Fewer than two stages; stage names that repeat; counts that are
        negative, not whole, missing, zero at the first stage, or that grow
        from a stage to the next; per-person columns that hold anything but
        booleans or 0/1, or missing values; a frame with no rows; an unknown
        option.

    See Also
    --------
    conversion_rate : one conversion from per-person outcomes, with weights
        and missing values.

    Notes
    -----
    With :math:`c_1 \ge c_2 \ge \dots \ge c_K` people at the stages,

    .. math::

        \text{step}_k = \frac{c_k}{c_{k-1}}, \qquad
        \text{overall}_k = \frac{c_k}{c_1}
        = \prod_{j=2}^{k} \text{step}_j, \qquad
        \text{drop off}_k = c_{k-1} - c_k,

    and each interval is the binomial interval of ``ci`` for :math:`c_k`
    successes in :math:`c_{k-1}` (step) or :math:`c_1` (overall) trials,
    equal to statsmodels' ``proportion_confint``.

    From per-person data the count at stage :math:`k` is the number of rows
    whose first :math:`k` columns are all true, a running logical AND along
    each row. A person who subscribed without having activated (an import, a
    sales-led deal, a tracking gap) counts at the stages up to the first one
    missed and not after it, so the counts can never grow and every step
    rate is a real share of the people at the stage before. Compare
    ``frame.sum()`` with the ``count`` column to see how many rows skip a
    stage. Missing values raise rather than count as "did not": fill them
    first (``frame.fillna(False)``) if that is what they mean.

    Examples
    --------
    >>> import cxmetrics as cx
    >>> table = cx.funnel({"visited": 2000, "signed_up": 400, "subscribed": 100})
    >>> table[["stage", "count", "step_rate", "overall_rate", "drop_off"]]
            stage  count  step_rate  overall_rate  drop_off
    0     visited   2000        NaN          1.00         0
    1   signed_up    400       0.20          0.20      1600
    2  subscribed    100       0.25          0.05       300
    >>> table[["step_ci_low", "step_ci_high"]].iloc[2].round(4).tolist()
    [0.2101, 0.2947]

    Per-person data, one column per stage; the third person subscribed
    without signing up and so counts only as a visit:

    >>> import pandas as pd
    >>> people = pd.DataFrame({
    ...     "visited": [True, True, True, True],
    ...     "signed_up": [True, True, False, False],
    ...     "subscribed": [True, False, True, False],
    ... })
    >>> cx.funnel(people)["count"].tolist()
    [4, 2, 1]
    """
    func = "funnel"
    options = rate_estimator(func, ci, confidence, label="Funnel")
    names, counts = _funnel_counts(stages)
    return _funnel_table(names, counts, ci=options.ci, confidence=options.confidence)


def _funnel_table(
    names: list[Any],
    counts: npt.NDArray[np.int64],
    *,
    ci: str | None,
    confidence: float,
) -> pd.DataFrame:
    """The funnel table from validated counts (non-increasing, first > 0)."""
    previous = counts[:-1].astype(np.float64)
    later = counts[1:].astype(np.float64)
    first = float(counts[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.concatenate(([np.nan], later / previous))
    overall = counts / first
    columns: dict[str, Any] = {
        "stage": names,
        "count": counts,
        "step_rate": step,
        "overall_rate": overall,
        "drop_off": np.concatenate((np.zeros(1, np.int64), counts[:-1] - counts[1:])),
    }
    if ci is not None:
        # One vectorized interval call for the steps and one for the overall
        # rates; the first stage has neither a step nor an uncertain overall rate.
        step_low, step_high = intervals.proportion_interval(
            later, previous, method=ci, confidence=confidence
        )
        all_low, all_high = intervals.proportion_interval(
            later, first, method=ci, confidence=confidence
        )
        columns["step_ci_low"] = np.concatenate(([np.nan], step_low))
        columns["step_ci_high"] = np.concatenate(([np.nan], step_high))
        columns["overall_ci_low"] = np.concatenate(([np.nan], all_low))
        columns["overall_ci_high"] = np.concatenate(([np.nan], all_high))
    order = [c for c in FUNNEL_COLUMNS if c in columns]
    table: pd.DataFrame = pd.DataFrame({name: columns[name] for name in order})
    return table


def _funnel_counts(stages: object) -> tuple[list[Any], npt.NDArray[np.int64]]:
    """Input validation: stage names and their counts, checked to never grow."""
    if isinstance(stages, pd.DataFrame):
        names = list(stages.columns)
        _check_stage_names(names)
        if len(stages) == 0:
            raise InputError("funnel: stages has no rows; give one row per person")
        counts = _strict_counts(stages)
    elif isinstance(stages, (Mapping, pd.Series)):
        if isinstance(stages, pd.Series):
            names, values = stages.index.tolist(), stages.tolist()
        else:
            names, values = list(stages.keys()), list(stages.values())
        _check_stage_names(names)
        counts = _stage_counts(names, values)
        _check_not_growing(names, counts)
    else:
        raise InputError(
            "funnel: stages must be a mapping of stage to count or a DataFrame "
            f"with one boolean column per stage; got {type(stages).__name__}"
        )
    if counts[0] == 0:
        raise InputError(
            f"funnel: the first stage ({names[0]!r}) has a count of 0; "
            "a funnel needs someone to start with"
        )
    return names, counts


def _check_stage_names(names: list[Any]) -> None:
    if not names:
        raise InputError("funnel: stages is empty; give at least two stages")
    if len(names) == 1:
        raise InputError(
            f"funnel: a funnel needs at least two stages; got one ({names[0]!r})"
        )
    repeated = pd.Index(names)
    if repeated.has_duplicates:
        dupes = repeated[repeated.duplicated()].unique().tolist()
        raise InputError(
            f"funnel: stage names must be unique; {format_examples(dupes)} "
            f"{'appears' if len(dupes) == 1 else 'appear'} more than once"
        )


def _stage_examples(names: list[Any], values: list[Any], mask: Any) -> str:
    """Up to three ``'stage': value`` pairs where ``mask`` is true."""
    picked = [(n, v) for n, v, m in zip(names, values, mask, strict=True) if m]
    return ", ".join(
        f"{n!r}: {format_examples([v])}" for n, v in picked[:_MAX_EXAMPLES]
    )


def _stage_counts(names: list[Any], values: list[Any]) -> npt.NDArray[np.int64]:
    """The counts of a mapping as int64, each a non-negative whole number."""
    total = format_count(len(values))
    numeric = [is_real(v) for v in values]
    if not all(numeric):
        bad = [not ok for ok in numeric]
        raise InputError(
            f"funnel: {format_count(sum(bad))} of {total} stage counts are not "
            f"numbers ({_stage_examples(names, values, bad)})"
        )
    counts = np.array([_as_float(v) for v in values], dtype=np.float64)
    for problem, mask in (
        ("missing or infinite", ~np.isfinite(counts)),
        ("negative", counts < 0),
        ("not whole numbers", counts != np.floor(counts)),
        (
            f"more than {format_count(MAX_COUNT)} (2**53, the largest count "
            "floating point holds exactly)",
            counts > MAX_COUNT,
        ),
    ):
        if mask.any():
            raise InputError(
                f"funnel: {format_count(int(mask.sum()))} of {total} stage counts "
                f"are {problem} ({_stage_examples(names, values, mask)})"
            )
    return counts.astype(np.int64)


def _as_float(value: Any) -> float:
    """A number as a float; a Python int too large for floating point is the largest."""
    try:
        return float(value)
    except OverflowError:
        return float(np.finfo(np.float64).max)


def _check_not_growing(names: list[Any], counts: npt.NDArray[np.int64]) -> None:
    grows = np.flatnonzero(counts[1:] > counts[:-1])
    if grows.size:
        shown = ", ".join(
            f"{names[i]!r} {format_count(int(counts[i]))} to "
            f"{names[i + 1]!r} {format_count(int(counts[i + 1]))}"
            for i in grows[:_MAX_EXAMPLES]
        )
        raise InputError(
            "funnel: counts must not grow from a stage to the next; "
            f"{format_count(grows.size)} of {format_count(counts.size - 1)} "
            f"steps grow ({shown})"
        )


def _strict_counts(frame: pd.DataFrame) -> npt.NDArray[np.int64]:
    """People at each stage: rows whose columns up to that stage are all true."""
    flags = _stage_flags(frame)
    counts = np.empty(len(flags), dtype=np.int64)
    reached = flags[0].copy()
    counts[0] = np.count_nonzero(reached)
    for j in range(1, len(flags)):  # a running AND, one stage at a time
        reached &= flags[j]
        counts[j] = np.count_nonzero(reached)
    return counts


def _stage_flags(frame: pd.DataFrame) -> list[npt.NDArray[np.bool_]]:
    """Each column as a boolean array; every value True, False, 0 or 1."""
    n_rows, n_stages = frame.shape
    flags: list[npt.NDArray[np.bool_]] = []
    missing = np.zeros(n_stages, dtype=np.int64)
    any_missing = np.zeros(n_rows, dtype=bool)
    for j in range(n_stages):
        column = frame.iloc[:, j]
        if column.dtype == np.bool_:
            flags.append(column.to_numpy())
            continue
        is_missing = column.isna().to_numpy()
        is_binary = column.isin([0, 1]).to_numpy()
        bad = ~(is_binary | is_missing)
        if bad.any():
            raise InputError(
                f"funnel: {format_count(int(bad.sum()))} of {format_count(n_rows)} "
                f"values in column {frame.columns[j]!r} are not booleans or 0/1 "
                f"({format_examples(column[bad].tolist())})"
            )
        missing[j] = np.count_nonzero(is_missing)
        any_missing |= is_missing
        flags.append(column.isin([1]).to_numpy())
    if any_missing.any():
        where = ", ".join(
            f"{frame.columns[j]!r}: {format_count(int(missing[j]))}"
            for j in np.flatnonzero(missing)[:_MAX_EXAMPLES]
        )
        raise InputError(
            f"funnel: {format_count(int(any_missing.sum()))} of "
            f"{format_count(n_rows)} people have missing stage values ({where}); "
            "fill them (e.g. with False) or drop those rows first"
        )
    return flags
