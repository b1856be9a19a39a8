"""Kaplan-Meier customer lifetime and the log-rank test.

A customer's lifetime is the time from signup (or any origin) to churn. Many
customers have not churned yet when the data are pulled: their lifetimes are
right-censored, known only to exceed the time observed so far. The
Kaplan-Meier estimator uses them for as long as they were seen, where an
average of observed lifetimes would either drop them or count their
unfinished lifetimes as finished, and so come out too short.

The estimate is one vectorized pass: the subjects are counted per distinct
time (``np.bincount`` straight on whole-number durations such as days or
months, otherwise on the codes of the sorted distinct times), the numbers at
risk are reverse cumulative sums of those counts, and the curve, Greenwood's
variance and the log(-log) bounds are cumulative products and sums over the
distinct times only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics import intervals
from cxmetrics._life_tables import (
    LifeTables,
    first_time_at_or_below_half,
    kaplan_meier,
    median_interval,
    reverse_cumsum,
)
from cxmetrics._plans import segmentable
from cxmetrics._stats import flagged_count, group_count
from cxmetrics._validation import (
    NAN_POLICIES,
    InputError,
    NanPolicy,
    boolean_array,
    check_confidence,
    check_option,
    check_same_index,
    check_weights,
    format_count,
    format_examples,
    integer_array,
    to_float_array,
)
from cxmetrics.results import Comparison, Interval, SurvivalCurve

__all__ = ["logrank_test", "survival_curve"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

#: Whole-number durations are counted on the grid 0, 1, ..., max when the grid
#: has at most this many points, or at most four per subject if that is more;
#: sparser durations (say, seconds over years) go through their distinct values.
_GRID_FLOOR = 1 << 16
_GRID_PER_SUBJECT = 4
#: Durations off the grid are sorted directly unless fewer than one in this many
#: of the first values are distinct; then they are hashed first.
_FEW_DISTINCT = 4
_CARDINALITY_SAMPLE = 10_000
#: The method name of the median's interval.
MEDIAN_CI_METHOD = "brookmeyer_crowley"


@attrs.frozen
class _Names:
    """The caller's names for its arguments, for the error messages."""

    func: str
    durations: str = "durations"
    observed: str = "observed"


@attrs.frozen
class _Subjects:
    """Validated subjects: no missing values, durations >= 0, entry <= duration.

    ``codes`` index ``times``, the grid the subjects are counted on: every
    whole number from 0 to the largest duration, or the sorted distinct
    durations. Subjects with a zero weight are left out. ``observed`` is None
    when every subject's event was observed; ``entry`` is None without left
    truncation.
    """

    times: FloatArray
    codes: IntArray
    on_grid: bool
    observed: BoolArray | None
    entry: FloatArray | None
    weights: FloatArray | None
    n: int
    n_missing: int
    propagate: bool
    groups: npt.NDArray[np.intp] | None = None  # each subject's group
    #: The durations themselves, when they are counted by sorting (no codes).
    durations: npt.NDArray[Any] | None = None
    n_by_group: IntArray | None = None
    missing_by_group: IntArray | None = None


@attrs.frozen
class _Table:
    """The life table: at-risk, event and censoring counts per distinct time.

    Counts are sums of weights when weighted.
    """

    times: FloatArray
    at_risk: FloatArray
    events: FloatArray
    censored: FloatArray


#: Groups x times of one dense life table at most; beyond it the groups are
#: estimated a block at a time (8 bytes a cell, a few arrays at once).
_TABLE_CELLS = 1 << 22


@attrs.frozen(kw_only=True)
class SurvivalPlan:
    """`survival_curve` by segment or period: life tables, medians, log-rank tests.

    Life tables add (without delayed entry), so the plan also runs on the
    partitions of a dask DataFrame when the durations are whole numbers
    (`long_table` and `from_long_table`).
    """

    confidence: float
    nan_policy: str
    func: str = "survival_curve"

    def subjects(
        self,
        data: Mapping[str, Any],
        codes: npt.NDArray[np.intp],
        groups: int,
        *,
        whole: bool = True,
    ) -> _Subjects:
        """Validate the rows as `survival_curve` does, keeping each one's group."""
        return _check_subjects(
            _Names(self.func),
            data["durations"],
            data.get("observed"),
            weights=data.get("weights"),
            nan_policy=self.nan_policy,
            codes=codes,
            groups=groups,
            whole=whole,
        )

    def columns(
        self, subjects: _Subjects, groups: int, *, previous: int = 0
    ) -> dict[str, npt.NDArray[Any]]:
        """n, events, median and its interval per group, and the log-rank p-value.

        The p-value tests each group against all the others, or with
        ``previous`` (the number of dated groups, in time order) each of
        those against the one before. Dense tables of groups x times are
        bounded: beyond `_TABLE_CELLS` cells the groups go a block at a time.
        """
        codes = subjects.groups
        assert codes is not None
        assert subjects.missing_by_group is not None
        if groups * subjects.times.size <= _TABLE_CELLS:
            # One dense block on the subjects' own grid; pooled = its sum.
            tables = _tables(subjects, codes, groups)
            block = attrs.evolve(
                tables,
                n=_subject_counts(subjects, tables, slice(None)),
                n_missing=subjects.missing_by_group,
                propagated=(subjects.missing_by_group > 0)
                & (self.nan_policy == "propagate"),
            )
            pooled = attrs.evolve(
                block.sum(), propagated=np.array([subjects.propagate])
            )
            z = intervals.z_critical(self.confidence)
            return _block_columns(block, pooled, z, 0, 0, previous)
        pooled = _tables(subjects, None, 1)
        times = pooled.times
        position = np.searchsorted(times, subjects.times)  # grid -> table time
        step = max(1, _TABLE_CELLS // max(times.size, 1))
        sorted_codes: npt.NDArray[np.intp] | None = None
        order: npt.NDArray[np.intp] | None = None
        if groups > step:  # several blocks: each block's rows are one slice
            order = np.argsort(codes, kind="stable")
            sorted_codes = codes[order]
        z = intervals.z_critical(self.confidence)
        out: dict[str, list[npt.NDArray[Any]]] = {}
        for start in range(0, groups, step):
            stop = min(start + step, groups)
            first = start - 1 if previous and start > 0 else start
            rows: Any = slice(None)
            if order is not None and sorted_codes is not None:
                low, high = np.searchsorted(sorted_codes, [first, stop])
                rows = order[low:high]
            tables = self._block(subjects, position, times, codes, rows, first, stop)
            block = attrs.evolve(
                tables,
                n=_subject_counts(subjects, tables, slice(first, stop)),
                n_missing=subjects.missing_by_group[first:stop],
                propagated=(subjects.missing_by_group[first:stop] > 0)
                & (self.nan_policy == "propagate"),
            )
            columns = _block_columns(block, pooled, z, start, first, previous)
            for name, values in columns.items():
                out.setdefault(name, []).append(np.asarray(values))
        return {name: np.concatenate(values) for name, values in out.items()}

    def columns_of_tables(
        self, tables: LifeTables, *, previous: int = 0
    ) -> dict[str, npt.NDArray[Any]]:
        """The columns of `columns` from life tables already counted (dask parts)."""
        z = intervals.z_critical(self.confidence)
        return _block_columns(tables, tables.sum(), z, 0, 0, previous)

    def _block(
        self,
        subjects: _Subjects,
        position: IntArray,
        times: FloatArray,
        codes: npt.NDArray[np.intp],
        rows: Any,
        first: int,
        stop: int,
    ) -> LifeTables:
        observed = subjects.observed
        weights = subjects.weights
        return LifeTables.from_codes(
            times,
            position[subjects.codes[rows]],
            None if observed is None else observed[rows],
            None if weights is None else weights[rows],
            groups=codes[rows] - first,
            size=stop - first,
            n=np.zeros(stop - first, np.int64),
            n_missing=np.zeros(stop - first, np.int64),
            propagated=np.zeros(stop - first, bool),
            cut=False,
        )


def _block_columns(
    block: LifeTables,
    pooled: LifeTables,
    z: float,
    start: int,
    first: int,
    previous: int,
) -> dict[str, npt.NDArray[Any]]:
    """Columns of the groups ``start`` on of a block that begins at group ``first``.

    With ``previous`` the block also holds the group before ``start`` (when
    there is one), for the test of ``start`` against it.
    """
    at_risk = block.at_risk
    skip = start - first
    mine = block.take(slice(skip, None))
    columns = {
        "n": mine.n,
        **mine.estimate(z, at_risk[skip:]),
        "n_missing": mine.n_missing,
    }
    if previous:
        p_value = np.full(mine.size, np.nan)
        later = first + 1 + np.arange(block.size - 1)
        if later.size:
            dated = later < previous
            p_value[later[dated] - start] = block.versus_previous(at_risk)[dated]
        columns["p_value"] = p_value
    else:
        columns["p_value"] = _versus_rest(mine, pooled, at_risk[skip:])
    return columns


def _subject_counts(subjects: _Subjects, tables: LifeTables, groups: slice) -> IntArray:
    """Subjects per group: counted on the tables, unless zero weights left some out."""
    if subjects.n_by_group is not None:
        counts: IntArray = subjects.n_by_group[groups]
        return counts
    held = np.rint((tables.events + tables.censored).sum(axis=1))
    return np.asarray(held, dtype=np.int64)


def part_life_tables(subjects: _Subjects, groups: int) -> LifeTables:
    """Life tables by group of validated subjects (one part of a dask frame)."""
    assert subjects.missing_by_group is not None
    tables = LifeTables.from_codes(
        subjects.times,
        subjects.codes,
        subjects.observed,
        subjects.weights,
        groups=subjects.groups,
        size=groups,
        n=np.zeros(groups, np.int64),
        n_missing=subjects.missing_by_group,
        propagated=np.zeros(groups, bool),
    )
    return attrs.evolve(tables, n=_subject_counts(subjects, tables, slice(None)))


def _versus_rest(
    tables: LifeTables, pooled: LifeTables, at_risk: FloatArray
) -> FloatArray:
    """Log-rank p-value of each group against everything else in ``pooled``."""
    from cxmetrics._life_tables import logrank_on_grid

    total = pooled.at_risk
    _, p_value = logrank_on_grid(
        at_risk, tables.events, total - at_risk, pooled.events - tables.events
    )
    return np.where(pooled.propagated.any(), np.nan, p_value)


def _survival_plan(
    *, entry: object, confidence: object, nan_policy: object
) -> SurvivalPlan:
    func = "survival_curve"
    if entry is not None:
        raise InputError(
            f"{func}: entry= (delayed entry) does not run by segment: the numbers "
            "at risk of such life tables do not add; estimate each segment's "
            "curve on its own rows"
        )
    level = check_confidence(func, confidence)
    check_option(func, "nan_policy", nan_policy, NAN_POLICIES)
    return SurvivalPlan(confidence=level, nan_policy=str(nan_policy))


@segmentable(
    _survival_plan,
    data=("durations", "observed"),
    required=1,
    additive=False,
)
def survival_curve(
    durations: npt.ArrayLike,
    observed: npt.ArrayLike | None = None,
    *,
    entry: npt.ArrayLike | None = None,
    weights: npt.ArrayLike | None = None,
    confidence: float = 0.95,
    nan_policy: NanPolicy = "omit",
) -> SurvivalCurve:
    r"""Kaplan-Meier survival curve of customer lifetimes, with its interval.

    Parameters
    ----------
    durations : array_like
        Time from each customer's origin (signup, first purchase) to churn
        or, for customers still active, to the end of observation. Numbers
        of any unit (days, months); not negative. Whole numbers take a
        counting fast path. Missing values follow ``nan_policy``.
    observed : array_like, optional
        Booleans or 0/1 aligned with ``durations``: 1 (True) when the
        customer churned at that duration, 0 (False) when still active
        (right-censored). By default every churn was observed.
    entry : array_like, optional
        Left truncation (delayed entry): the duration at which each customer
        came under observation, e.g. the tenure a customer already had when
        the data begin. A customer is counted at risk at time ``t`` when
        ``entry < t <= duration``; those entering at the earliest entry time
        count from that time itself, so ``entry`` of all zeros is the same as
        no ``entry``. Not negative, not after the duration.
    weights : array_like, optional
        Non-negative frequency weights aligned with ``durations``: a customer
        with weight 3 counts as three identical customers. A zero weight
        leaves the customer out.
    confidence : float
        Confidence level of the pointwise bounds and of the median's
        interval, in (0, 1).
    nan_policy : {'omit', 'raise', 'propagate'}
        A customer whose duration, observed flag or entry is missing is
        missing. ``'omit'`` leaves them out and counts them in
        ``n_missing``; ``'raise'`` raises `InputError`; ``'propagate'``
        returns NaN for the curve, its bounds and the median.

    Returns
    -------
    SurvivalCurve
        ``timeline`` (the distinct durations, sorted), ``survival``,
        ``ci_low``, ``ci_high``, ``at_risk``, ``events``, ``censored``,
        ``median``, ``median_ci`` (an `Interval` with method
        ``"brookmeyer_crowley"``; its bounds may be inf), ``confidence``,
        ``n`` (customers with valid values, zero weights included) and
        ``n_missing``. ``at(t)`` reads the curve at any time and
        ``to_frame()`` gives the life table.

    Raises
    ------
    InputError
        Durations that are not numbers, negative or infinite; observed flags
        other than booleans or 0/1; entry times that are negative or after
        the duration, or equal to it after the earliest entry (such a
        customer is never at risk); bad weights; arrays of different
        lengths; no valid customers; an unknown option.

    Notes
    -----
    At each distinct duration :math:`t_j`, with :math:`n_j` customers at
    risk just before it and :math:`d_j` churns at it, the Kaplan-Meier
    estimator [1]_ and Greenwood's variance of its logarithm [2]_ are

    .. math::

        \hat S(t) = \prod_{t_j \le t} \left(1 - \frac{d_j}{n_j}\right),
        \qquad
        V(t) = \sum_{t_j \le t} \frac{d_j}{n_j (n_j - d_j)}.

    The pointwise bounds are those of the log(-log) transform (Kalbfleisch
    and Prentice's exponential Greenwood interval [3]_, lifelines'
    ``confidence_interval_``, R's ``conf.type="log-log"``), which stay in
    [0, 1]:

    .. math::

        \hat S(t)^{\exp(\pm z \sqrt{V(t)} / \log \hat S(t))},

    with :math:`z` the normal critical value; they are 1 before the first
    churn and 0 where :math:`\hat S = 0`. The median is the first time with
    :math:`\hat S(t) \le 1/2` (inf when the curve never gets there); its
    interval runs from the first time the lower bound is at or below 1/2 to
    the first time the upper bound is, the times at which the test of
    :math:`S(t) = 1/2` is not rejected, after Brookmeyer and Crowley [4]_.

    The timeline holds the distinct durations only (churn or censoring
    times), without a row at time 0: ``at(t)`` is 1 before the first of them.

    References
    ----------
    .. [1] Kaplan, E. L. and Meier, P. (1958). Nonparametric estimation from
       incomplete observations. *Journal of the American Statistical
       Association*, 53(282), 457-481.
    .. [2] Greenwood, M. (1926). The natural duration of cancer. *Reports on
       Public Health and Medical Subjects*, 33, 1-26.
    .. [3] Kalbfleisch, J. D. and Prentice, R. L. (2002). *The Statistical
       Analysis of Failure Time Data*, 2nd ed., section 1.4. Wiley.
    .. [4] Brookmeyer, R. and Crowley, J. (1982). A confidence interval for
       the median survival time. *Biometrics*, 38(1), 29-41.

    Examples
    --------
    Eight customers followed for up to nine months; two are still active.

    >>> import cxmetrics as cx
    >>> months = [2, 3, 3, 5, 6, 6, 8, 9]
    >>> churned = [1, 1, 0, 1, 1, 1, 0, 1]
    >>> curve = cx.survival_curve(months, churned)
    >>> print(curve)
    Kaplan-Meier: median 6 (95% CI 2 to 9), n=8, events=6
    >>> curve.survival.round(3).tolist()
    [0.875, 0.75, 0.6, 0.3, 0.3, 0.0]
    >>> curve.at([1, 4.5, 6])
    array([1.  , 0.75, 0.3 ])
    """
    names = _Names("survival_curve")
    level = check_confidence(names.func, confidence)
    subjects = _check_subjects(
        names,
        durations,
        observed,
        entry=entry,
        weights=weights,
        nan_policy=nan_policy,
        coded=False,
    )
    return _curve(subjects, level)


def logrank_test(
    durations_a: npt.ArrayLike,
    durations_b: npt.ArrayLike,
    *,
    observed_a: npt.ArrayLike | None = None,
    observed_b: npt.ArrayLike | None = None,
) -> Comparison:
    r"""Log-rank test of equal survival in two groups of customers.

    Parameters
    ----------
    durations_a, durations_b : array_like
        Lifetimes in the two groups, as for `survival_curve`. Missing values
        are left out and counted on the curves.
    observed_a, observed_b : array_like, optional
        Booleans or 0/1: whether each churn was observed (1) or the customer
        is still active (0). By default every churn was observed.

    Returns
    -------
    Comparison
        ``statistic`` (chi-squared, one degree of freedom), ``p_value``,
        ``method`` ``"logrank"``, ``a`` and ``b`` the two Kaplan-Meier
        curves (`SurvivalCurve`), ``label`` ``"Survival"``. The test has no
        effect size: ``difference`` is NaN and ``ci`` None.

    Raises
    ------
    InputError
        Bad durations or observed flags (as for `survival_curve`), or no
        observed churn in either group.

    Notes
    -----
    At each distinct churn time :math:`t_j` of the two groups pooled, with
    :math:`n_j = n_{aj} + n_{bj}` at risk and :math:`d_j` churns, of which
    :math:`d_{aj}` in group a, the expected churns in group a under equal
    survival and their hypergeometric variance are

    .. math::

        E_j = d_j \frac{n_{aj}}{n_j}, \qquad
        V_j = d_j \frac{n_{aj}}{n_j} \frac{n_{bj}}{n_j}
              \frac{n_j - d_j}{n_j - 1},

    and the statistic [1]_ is

    .. math::

        \chi^2 = \frac{\left(\sum_j d_{aj} - \sum_j E_j\right)^2}{\sum_j V_j},

    referred to the chi-squared distribution with one degree of freedom.
    When :math:`\sum_j V_j = 0` (at every churn time one group has nobody
    at risk, or everyone at risk churns) the churns are fixed by the numbers
    at risk, observed equals expected, and the statistic is 0 with p = 1.
    The test weighs every churn time alike, so it is most powerful when one
    group's hazard is a constant multiple of the other's; curves that cross
    can differ without the test noticing.

    References
    ----------
    .. [1] Mantel, N. (1966). Evaluation of survival data and two new rank
       order statistics arising in its consideration. *Cancer Chemotherapy
       Reports*, 50(3), 163-170.

    Examples
    --------
    Months to churn on the monthly plan and on the annual plan:

    >>> import cxmetrics as cx
    >>> monthly = [1, 2, 2, 3, 4, 5, 6, 8]
    >>> annual = [3, 6, 9, 12, 12, 14, 15, 18]
    >>> test = cx.logrank_test(
    ...     monthly, annual, observed_b=[1, 1, 1, 0, 1, 1, 0, 0])
    >>> print(test)
    Survival: log-rank statistic 10.27, p=0.00135
    >>> test.a.median, test.b.median
    (3.0, 12.0)
    """
    func = "logrank_test"
    level = 0.95
    curve_a = _curve(
        _check_subjects(
            _Names(func, "durations_a", "observed_a"),
            durations_a,
            observed_a,
            nan_policy="omit",
        ),
        level,
    )
    curve_b = _curve(
        _check_subjects(
            _Names(func, "durations_b", "observed_b"),
            durations_b,
            observed_b,
            nan_policy="omit",
        ),
        level,
    )
    if not (curve_a.events.any() or curve_b.events.any()):
        raise InputError(
            f"{func}: neither group has an observed churn; the test compares "
            "churn times, so at least one observed value must be 1"
        )
    from cxmetrics._two_sample import logrank_from_tables

    statistic, p_value = logrank_from_tables(
        curve_a.timeline,
        curve_a.at_risk,
        curve_a.events,
        curve_b.timeline,
        curve_b.at_risk,
        curve_b.events,
    )
    return Comparison(
        difference=math.nan,
        ci=None,
        p_value=float(p_value),
        statistic=float(statistic),
        method="logrank",
        a=curve_a,
        b=curve_b,
        label="Survival",
    )


# ---------------------------------------------------------------------------
# Input validation and standardization


def _check_subjects(
    names: _Names,
    durations: object,
    observed: object,
    *,
    entry: object = None,
    weights: object = None,
    nan_policy: object,
    codes: npt.NDArray[np.intp] | None = None,
    groups: int = 1,
    whole: bool = True,
    coded: bool = True,
) -> _Subjects:
    """Validate the subjects and put their durations on a counting grid.

    Pandas objects passed together must share one index. With ``codes``
    (each subject's group among ``groups``) the counts of valid and missing
    subjects are kept per group too. Without ``coded`` (one sample, no
    weights) durations off the whole-number grid are kept as they are, to
    be counted by sorting. Without ``whole``
    (one part of a larger input) no valid subject at all is no error.
    """
    func = names.func
    check_option(func, "nan_policy", nan_policy, NAN_POLICIES)
    check_same_index(
        func,
        {
            names.durations: durations,
            names.observed: observed,
            "entry": entry,
            "weights": weights,
        },
    )
    raw = integer_array(durations)
    values = (
        raw
        if raw is not None
        else to_float_array(
            durations, func=func, name=names.durations, allow_bool=False
        )
    )
    size = values.size
    if size == 0:
        raise InputError(f"{func}: {names.durations} is empty")
    flags = None if observed is None else _flags(names, observed, size)
    entries = (
        None
        if entry is None
        else _aligned(names, entry, "entry", size, allow_bool=False)
    )
    w = (
        None
        if weights is None
        else check_weights(weights, size, func=func, name=names.durations)
    )

    missing = _missing_mask(raw is None, values, flags, entries)
    n_missing = 0 if missing is None else int(np.count_nonzero(missing))
    propagate = False
    missing_by_group = flagged_count(codes, groups, missing)
    if missing is not None and n_missing:
        _check_missing(names, missing, values, flags, entries, nan_policy, whole)
        propagate = nan_policy == "propagate"
        keep = ~missing
        values, flags, entries, w, codes = _subset(
            keep, values, flags, entries, w, codes
        )
    n = int(values.size)
    # Without weights each group's count is its life table's, counted there.
    n_by_group = None if w is None else group_count(codes, groups, size=n)
    if n == 0:  # every subject missing, under nan_policy="propagate"
        return attrs.evolve(
            _no_subjects(n_missing),
            groups=codes,
            n_by_group=n_by_group,
            missing_by_group=missing_by_group,
            propagate=propagate,
        )

    _check_durations(names, values)
    observed_mask = None if flags is None else _check_flags(names, flags)
    if entries is not None:
        _check_entry(names, entries, values)
    if w is not None:
        if not w.max() > 0:
            raise InputError(
                f"{func}: weights of the valid {names.durations} are all zero"
            )
        positive = w > 0
        if not positive.all():
            values, observed_mask, entries, w, codes = _subset(
                positive, values, observed_mask, entries, w, codes
            )
    if entries is not None:
        _check_never_at_risk(names, entries, values)
    if observed_mask is not None and observed_mask.all():
        observed_mask = None
    grid = _whole_grid(values)
    if grid is None and not coded and w is None and _mostly_distinct(values):
        return _Subjects(
            times=np.empty(0),
            codes=np.empty(0, dtype=np.intp),
            on_grid=False,
            observed=observed_mask,
            entry=entries,
            weights=None,
            n=n,
            n_missing=n_missing,
            propagate=propagate,
            durations=values,
        )
    times, time_codes = _distinct(values) if grid is None else grid
    return _Subjects(
        times=times,
        codes=time_codes,
        on_grid=grid is not None,
        observed=observed_mask,
        entry=entries,
        weights=w,
        n=n,
        n_missing=n_missing,
        propagate=propagate,
        groups=codes,
        n_by_group=n_by_group,
        missing_by_group=missing_by_group,
    )


def _no_subjects(n_missing: int) -> _Subjects:
    return _Subjects(
        times=np.empty(0),
        codes=np.empty(0, dtype=np.intp),
        on_grid=False,
        observed=None,
        entry=None,
        weights=None,
        n=0,
        n_missing=n_missing,
        propagate=True,
    )


def _aligned(
    names: _Names, values: object, name: str, size: int, *, allow_bool: bool = True
) -> FloatArray:
    """An array aligned one to one with the durations, as floats."""
    array = to_float_array(values, func=names.func, name=name, allow_bool=allow_bool)
    if array.size != size:
        raise InputError(
            f"{names.func}: {name} has {format_count(array.size)} values but "
            f"there are {format_count(size)} {names.durations}; they must align "
            "one to one"
        )
    return array


def _flags(names: _Names, observed: object, size: int) -> FloatArray | BoolArray:
    """The observed flags: a numpy boolean array as it is, anything else as floats."""
    flags = boolean_array(observed)
    if flags is not None:
        if flags.size != size:
            _aligned(names, flags, names.observed, size)  # raises
        return flags
    return _aligned(names, observed, names.observed, size)


def _missing_mask(
    durations_can_miss: bool,
    durations: npt.NDArray[Any],
    flags: FloatArray | BoolArray | None,
    entries: FloatArray | None,
) -> BoolArray | None:
    """Subjects with a missing duration, flag or entry; None when none can be."""
    masks = [
        np.isnan(array)
        for array, can_miss in (
            (durations, durations_can_miss),
            (flags, flags is not None and flags.dtype != np.bool_),
            (entries, entries is not None),
        )
        if can_miss and array is not None
    ]
    if not masks:
        return None
    missing = masks[0]
    for mask in masks[1:]:
        missing = missing | mask
    return missing


def _check_missing(
    names: _Names,
    missing: BoolArray,
    durations: npt.NDArray[Any],
    flags: FloatArray | BoolArray | None,
    entries: FloatArray | None,
    nan_policy: object,
    whole: bool = True,
) -> None:
    """Raise for missing values under 'raise', or when no subject is left."""
    n_missing = int(np.count_nonzero(missing))
    if nan_policy != "raise" and (
        nan_policy == "propagate" or n_missing < missing.size or not whole
    ):
        return
    arrays = [(names.durations, durations), (names.observed, flags), ("entry", entries)]
    where = ", ".join(
        name
        for name, array in arrays
        if array is not None and array.dtype.kind == "f" and bool(np.isnan(array).any())
    )
    if nan_policy == "raise":
        raise InputError(
            f"{names.func}: {format_count(n_missing)} of {format_count(missing.size)} "
            f"subjects have missing values ({where}) and nan_policy='raise'"
        )
    raise InputError(
        f"{names.func}: no valid subjects: all {format_count(n_missing)} have "
        f"missing values ({where})"
    )


def _subset(keep: BoolArray, *arrays: npt.NDArray[Any] | None) -> tuple[Any, ...]:
    return tuple(None if array is None else array[keep] for array in arrays)


def _check_durations(names: _Names, values: npt.NDArray[Any]) -> None:
    """Durations must be finite and not negative (two reductions when they are)."""
    low, high = values.min(), values.max()
    if low >= 0 and (values.dtype.kind in "iu" or np.isfinite(high)):
        return
    infinite = np.isinf(values) if values.dtype.kind == "f" else np.zeros(0, bool)
    if infinite.any():
        _raise_some(names, values[infinite], values.size, names.durations, "infinite")
    _raise_some(names, values[values < 0], values.size, names.durations, "negative")


def _check_flags(names: _Names, flags: FloatArray | BoolArray) -> BoolArray:
    """The observed flags as booleans; anything but 0 and 1 raises."""
    if flags.dtype == np.bool_:
        return flags.astype(np.bool_, copy=False)
    event: BoolArray = np.equal(flags, 1)
    bad = ~event & (flags != 0)
    if bad.any():
        _raise_some(
            names,
            flags[bad],
            flags.size,
            f"{names.observed} values",
            "not booleans or 0/1",
        )
    return event


def _check_entry(
    names: _Names, entries: FloatArray, durations: npt.NDArray[Any]
) -> None:
    """Entry times are finite, not negative and not after the duration."""
    if not np.isfinite(entries).all():
        _raise_some(
            names,
            entries[~np.isfinite(entries)],
            entries.size,
            "entry times",
            "infinite",
        )
    if entries.min() < 0:
        _raise_some(
            names, entries[entries < 0], entries.size, "entry times", "negative"
        )
    late = entries > durations
    if late.any():
        pairs = [
            f"{_text(e)} > {_text(d)}"
            for e, d in zip(entries[late][:3], durations[late][:3], strict=True)
        ]
        raise InputError(
            f"{names.func}: {format_count(int(late.sum()))} of "
            f"{format_count(entries.size)} subjects enter after they leave "
            f"(entry > duration: {', '.join(pairs)})"
        )


def _check_never_at_risk(
    names: _Names, entries: FloatArray, durations: npt.NDArray[Any]
) -> None:
    """Refuse subjects that leave at their entry time after the earliest entry.

    Such a subject is never at risk (entry < t <= duration is empty), so its
    churn could not be counted against anyone at risk.
    """
    never = (entries == durations) & (entries > entries.min())
    if never.any():
        raise InputError(
            f"{names.func}: {format_count(int(never.sum()))} of "
            f"{format_count(entries.size)} subjects leave at their entry time "
            f"({format_examples(entries[never])}) and so are never at risk; a "
            "subject is at risk after its entry (entry < t <= duration)"
        )


def _text(value: float) -> str:
    return format_examples([value])


def _raise_some(
    names: _Names, bad: npt.NDArray[Any], total: int, noun: str, rule: str
) -> None:
    raise InputError(
        f"{names.func}: {format_count(bad.size)} of {format_count(total)} {noun} "
        f"are {rule} ({format_examples(bad)})"
    )


def _whole_grid(values: npt.NDArray[Any]) -> tuple[FloatArray, IntArray] | None:
    """The grid 0..max and each duration's code on it, or None off that grid.

    Whole numbers whose largest value is not far above the number of
    subjects are their own codes on the grid 0..max (``np.bincount`` then
    counts them in one pass); other durations are coded by their sorted
    distinct values (`_distinct`) or, for one sample, sorted as they are.
    """
    high = values.max()
    if high >= max(_GRID_FLOOR, _GRID_PER_SUBJECT * values.size):
        return None
    codes = values.astype(np.intp, copy=False)
    if values.dtype.kind not in "iu" and not np.array_equal(codes, values):
        return None
    return np.arange(int(high) + 1, dtype=np.float64), codes


def _mostly_distinct(values: npt.NDArray[Any]) -> bool:
    """Whether the first values are distinct enough that sorting them all pays."""
    sample = values[:_CARDINALITY_SAMPLE]
    return bool(pd.unique(sample).size * _FEW_DISTINCT > sample.size)


def _distinct(values: npt.NDArray[Any]) -> tuple[FloatArray, IntArray]:
    """Sorted distinct values and the code of each value among them.

    Sorting every value costs O(n log n); hashing first and sorting only the
    distinct values is much cheaper when there are few of them (durations in
    half months, say), and dearer when nearly all differ (durations from
    timestamps). A look at the first values picks the cheaper way.
    """
    if _mostly_distinct(values):
        times, codes = np.unique(values, return_inverse=True)
        return times.astype(np.float64, copy=False), codes.astype(np.intp, copy=False)
    hashed, distinct = pd.factorize(values)
    order = np.argsort(distinct)
    rank = np.empty(order.size, dtype=np.intp)
    rank[order] = np.arange(order.size)
    return np.asarray(distinct[order], dtype=np.float64), rank[hashed]


# ---------------------------------------------------------------------------
# The estimate


def _life_table(subjects: _Subjects) -> _Table:
    """Counts per time a subject leaves at; at-risk numbers by reverse cumulative sums.

    At risk at ``t_j``: durations at or after ``t_j`` minus entries at or
    after it, leaving out the entries at the earliest entry time, which are
    at risk from that time itself.
    """
    tables = _tables(subjects, None, 1)
    at_risk = tables.at_risk[0]
    if subjects.entry is not None:
        entry, w = subjects.entry, subjects.weights
        late = entry > entry.min()
        # Times at or before each late entry: the entrant is at risk after them.
        positions = np.searchsorted(tables.times, entry[late], side="right")
        entered = np.bincount(
            positions,
            weights=None if w is None else w[late],
            minlength=tables.times.size + 1,
        )
        at_risk = at_risk - reverse_cumsum(entered.astype(np.float64))[1:]
        if w is not None:
            np.maximum(at_risk, 0.0, out=at_risk)  # rounding of summed weights
    return _Table(
        times=tables.times,
        at_risk=at_risk,
        events=tables.events[0],
        censored=tables.censored[0],
    )


def _tables(
    subjects: _Subjects, groups: npt.NDArray[np.intp] | None, size: int
) -> LifeTables:
    """The subjects' events and censorings by group, on the times they leave at."""
    if subjects.durations is not None:
        return _sorted_table(subjects)
    return LifeTables.from_codes(
        subjects.times,
        subjects.codes,
        subjects.observed,
        subjects.weights,
        groups=groups,
        size=size,
        n=np.array([subjects.n], dtype=np.int64),
        n_missing=np.array([subjects.n_missing], dtype=np.int64),
        propagated=np.array([subjects.propagate]),
    )


def _sorted_table(subjects: _Subjects) -> LifeTables:
    """One sample's table by sorting: distinct times with their counts.

    One sort counts the subjects leaving and churning at each time: no codes
    (which would need a slower argsort) and no weights.
    """
    values = subjects.durations
    assert values is not None
    observed = subjects.observed
    # One sort of 64-bit keys: a non-negative double's bits order as the
    # number does, and the low bit carries the churn flag along.
    keys = (np.asarray(values, dtype=np.float64) + 0.0).view(np.uint64)  # -0 is 0
    keys <<= np.uint64(1)
    if observed is not None:
        keys |= observed
    keys.sort()
    distinct = np.empty(keys.size, dtype=bool)
    distinct[:1] = True
    # Neighbours differ in time when their keys differ beyond the churn bit.
    np.greater(keys[1:] ^ keys[:-1], np.uint64(1), out=distinct[1:])
    starts = np.flatnonzero(distinct)
    del distinct
    if starts.size == keys.size:  # all distinct: one subject at each time
        leaving = np.ones(keys.size)
        events = leaving if observed is None else (keys & np.uint64(1)).astype(float)
    else:
        ends = np.empty_like(starts)
        ends[:-1] = starts[1:]
        ends[-1:] = keys.size
        leaving = (ends - starts).astype(np.float64)
        events = leaving if observed is None else _churned_between(keys, starts, ends)
    times = (keys[starts] >> np.uint64(1)).view(np.float64)
    return LifeTables(
        times=times,
        events=events[None, :],
        censored=(leaving - events)[None, :],
        n=np.array([subjects.n], dtype=np.int64),
        n_missing=np.array([subjects.n_missing], dtype=np.int64),
        propagated=np.array([subjects.propagate]),
    )


def _churned_between(
    keys: npt.NDArray[np.uint64],
    starts: npt.NDArray[np.intp],
    ends: npt.NDArray[np.intp],
) -> FloatArray:
    """How many sorted keys in each ``[start, end)`` carry the churn bit."""
    churned_before = np.zeros(keys.size + 1, dtype=np.int64)
    np.cumsum((keys & np.uint64(1)).view(np.int64), out=churned_before[1:])
    return (churned_before[ends] - churned_before[starts]).astype(np.float64)


def _curve(subjects: _Subjects, confidence: float) -> SurvivalCurve:
    return _curve_from_table(
        _life_table(subjects),
        confidence,
        n=subjects.n,
        n_missing=subjects.n_missing,
        propagate=subjects.propagate,
        weighted=subjects.weights is not None,
        left_truncated=subjects.entry is not None,
    )


def _curve_from_table(
    table: _Table,
    confidence: float,
    *,
    n: int,
    n_missing: int,
    propagate: bool,
    weighted: bool,
    left_truncated: bool,
) -> SurvivalCurve:
    """The Kaplan-Meier curve of a life table, with its bounds and median."""
    z = intervals.z_critical(confidence)
    survival, low, high = kaplan_meier(table.at_risk, table.events, z)
    times = table.times
    if propagate:
        survival = low = high = np.full(times.size, np.nan)
        median = math.nan
        median_ci = Interval(math.nan, math.nan, confidence, MEDIAN_CI_METHOD)
    else:
        median = first_time_at_or_below_half(times, survival)
        median_ci = Interval(
            *median_interval(times, low, high),
            confidence,
            MEDIAN_CI_METHOD,
        )
    return SurvivalCurve(
        timeline=_read_only(times),
        survival=_read_only(survival),
        ci_low=_read_only(low),
        ci_high=_read_only(high),
        at_risk=_read_only(table.at_risk),
        events=_read_only(table.events),
        censored=_read_only(table.censored),
        median=median,
        median_ci=median_ci,
        confidence=confidence,
        n=n,
        n_missing=n_missing,
        weighted=weighted,
        left_truncated=left_truncated,
    )


def _read_only(values: FloatArray) -> FloatArray:
    """The array (float64, not copied when it is one), its writeable flag off."""
    array: FloatArray = np.asarray(values, dtype=np.float64).view()  # flag a view
    array.flags.writeable = False
    return array


# ---------------------------------------------------------------------------
# Merging curves


def merge_curves(a: SurvivalCurve, b: object) -> SurvivalCurve:
    """The curve of both samples pooled, from the sum of their life tables.

    See `SurvivalCurve.merge`.
    """
    func = "merge"
    if not isinstance(b, SurvivalCurve):
        raise InputError(
            f"{func}: SurvivalCurve merges only with SurvivalCurve; got "
            f"{type(b).__name__}"
        )
    for name, curve in (("a", a), ("b", b)):
        if curve.left_truncated:
            raise InputError(
                f"{func}: curve {name} was estimated with entry= (delayed entry); "
                "its numbers at risk depend on when subjects entered, so curves "
                "with delayed entry do not merge: estimate the pooled rows instead"
            )
    if a.weighted != b.weighted:
        raise InputError(
            f"{func}: one curve is weighted and the other is not; weighted counts "
            "and plain counts do not add"
        )
    if a.confidence != b.confidence:
        raise InputError(
            f"{func}: the curves have different confidence levels "
            f"({a.confidence:g} and {b.confidence:g}); estimate both at one level"
        )
    pooled = _as_tables(a) + _as_tables(b)
    return _curve_from_table(
        _Table(
            times=pooled.times,
            at_risk=pooled.at_risk[0],
            events=pooled.events[0],
            censored=pooled.censored[0],
        ),
        a.confidence,
        n=a.n + b.n,
        n_missing=a.n_missing + b.n_missing,
        propagate=_propagated(a) or _propagated(b),
        weighted=a.weighted,
        left_truncated=False,
    )


def _propagated(curve: SurvivalCurve) -> bool:
    """A curve made NaN by a missing value under ``nan_policy="propagate"``."""
    return bool(curve.n_missing > 0 and math.isnan(curve.median))


def _as_tables(curve: SurvivalCurve) -> LifeTables:
    return LifeTables(
        times=np.asarray(curve.timeline, dtype=np.float64),
        events=np.asarray(curve.events, dtype=np.float64)[None, :],
        censored=np.asarray(curve.censored, dtype=np.float64)[None, :],
        n=np.array([curve.n], dtype=np.int64),
        n_missing=np.array([curve.n_missing], dtype=np.int64),
        propagated=np.array([_propagated(curve)]),
        weighted=curve.weighted,
    )
