"""The statistics kernel: additive sufficient statistics and how they combine.

The rate, net-score and mean families each have one statistics type, with
one way to combine and (in `cxmetrics._estimators`) one way to estimate.

Every additive metric is two steps: its rows are summarized into statistics,
and the statistics are estimated. The statistics here are arrays with one
entry per group (one group for a single sample, one per segment or period
for `by_segment` and `over_time`), so one estimate serves them all.

- `RateStats`: successes, the denominator, the sum of squared weights and
  the counts of valid, missing and pending rows (CSAT, FCR, service level,
  conversion, churn, ...).
- `NetStats`: positive, neutral and negative counts (NPS, Net Easy).
- `MomentStats`: the sum of weights, the mean and the sum of squared
  deviations from it, with the lowest and highest value (mean scores, ASA,
  AHT).

Each type adds (``a + b``: the statistics of both samples together),
subtracts (``total - a``: everything but ``a``), sums its groups into one
(``.sum()``), regroups (``.group(codes, groups)``, how partial tables from
the parts of a dask frame combine), and picks groups (``.take(index)``).
Counts are float64 (exact up to 2**53); the row counts ``n`` are int64.
``propagated`` marks groups that saw a missing value under
``nan_policy="propagate"``: their estimates are NaN. ``linear`` carries,
for answers weighted by `cxmetrics.rake`, the additive sums of the
raking-aware variance (`cxmetrics._calibration`); ``effective_n`` then
reads that variance instead of Kish's formula.

The estimate step, and the construction of result records from the
statistics, live in `cxmetrics._estimators`.
"""

from __future__ import annotations

from typing import Any, TypeAlias, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from cxmetrics._calibration import Linearization
from cxmetrics.intervals import effective_sample_size

__all__ = [
    "Codes",
    "MomentStats",
    "NetStats",
    "RateStats",
    "Stats",
    "group_count",
    "group_sum",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
#: Each row's group number, or None when every row is in one group.
Codes: TypeAlias = "npt.NDArray[np.intp] | None"

S = TypeVar("S", bound="_Statistics")


# ---------------------------------------------------------------------------
# Sums by group


def group_sum(
    values: npt.ArrayLike,
    codes: Codes,
    groups: int,
    *,
    mask: BoolArray | None = None,
) -> FloatArray:
    """Sum of ``values`` per group.

    ``mask`` selects the rows that take part. With ``codes`` None every row
    is in the one group and the sum is a plain reduction.
    """
    if codes is None:
        array = np.asarray(values, dtype=np.float64)
        if mask is not None:
            return np.array([float(array.sum(where=mask))])
        return np.array([float(array.sum())])
    if mask is not None:
        codes = codes[mask]
        if values is not None:
            values = np.asarray(values)[mask]
    return np.asarray(
        np.bincount(codes, weights=values, minlength=groups), dtype=np.float64
    )


def group_count(
    codes: Codes, groups: int, mask: BoolArray | None = None, *, size: int = 0
) -> IntArray:
    """Rows per group (of those selected by ``mask``), as int64.

    With ``codes`` None every row is in one group, and ``size`` rows are
    counted when there is no ``mask``.
    """
    if codes is None:
        count = size if mask is None else int(np.count_nonzero(mask))
        return np.array([count], dtype=np.int64)
    if mask is not None:
        codes = codes[mask]
    return np.bincount(codes, minlength=groups).astype(np.int64)


def flagged_count(codes: Codes, groups: int, flags: BoolArray | None) -> IntArray:
    """Rows per group with a flag (missing, pending): zeros when ``flags`` is None."""
    if flags is None:
        return np.zeros(groups, dtype=np.int64)
    return group_count(codes, groups, flags)


def _clipped_rest(total: FloatArray, part: FloatArray, empty: BoolArray) -> FloatArray:
    """``total - part`` for sums of floats: not below 0, and exactly 0 when empty."""
    return np.where(empty, 0.0, np.maximum(total - part, 0.0))


# ---------------------------------------------------------------------------
# The shared machinery: fields that add, counts, the propagation flag


class _Statistics:
    """Behaviour shared by the statistics types.

    Subclasses are attrs classes whose fields are arrays of one length (one
    entry per group) plus the ``weighted`` flag. ``_SUMS`` names the fields
    that add as plain sums.
    """

    __slots__ = ()
    _SUMS: tuple[str, ...] = ()

    n: IntArray
    n_missing: IntArray
    squared: FloatArray
    propagated: BoolArray
    weighted: bool
    linear: Linearization | None

    @property
    def size(self) -> int:
        """The number of groups."""
        return int(self.n.size)

    def _fields(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in attrs.fields(type(self))}  # type: ignore[arg-type]

    def take(self: S, index: Any) -> S:
        """The statistics of the groups at ``index`` (positions or a slice)."""
        fields = {
            name: (value if name == "weighted" else np.asarray(value)[index])
            for name, value in self._fields().items()
            if name != "linear"
        }
        fields["linear"] = None if self.linear is None else self.linear.take(index)
        return type(self)(**fields)

    def sum(self: S) -> S:
        """All groups summed into one."""
        return self.group(np.zeros(self.size, dtype=np.intp), 1)

    def group(self: S, codes: npt.NDArray[np.intp], groups: int) -> S:
        """Groups summed into ``groups`` new ones: group ``i`` goes to ``codes[i]``."""
        fields: dict[str, Any] = {"weighted": self.weighted}
        for name in self._SUMS:
            fields[name] = group_sum(getattr(self, name), codes, groups)
        for name in ("n", "n_missing", *self._EXTRA_COUNTS):
            fields[name] = np.bincount(
                codes, weights=getattr(self, name), minlength=groups
            ).astype(np.int64)
        fields["propagated"] = (
            np.bincount(codes, weights=self.propagated, minlength=groups) > 0
        )
        fields["linear"] = (
            None if self.linear is None else self.linear.group(codes, groups)
        )
        return type(self)(**fields)

    _EXTRA_COUNTS: tuple[str, ...] = ()

    def __add__(self: S, other: S) -> S:
        fields: dict[str, Any] = {"weighted": self.weighted or other.weighted}
        for name in (*self._SUMS, "n", "n_missing", *self._EXTRA_COUNTS):
            fields[name] = getattr(self, name) + getattr(other, name)
        fields["propagated"] = self.propagated | other.propagated
        fields["linear"] = _added(self.linear, other.linear)
        return type(self)(**fields)

    def rest(self: S, total: S) -> S:
        """Everything in ``total`` (one group) but each group: ``total - self``.

        Differences of float sums are clipped at 0, and exactly 0 where the
        rest holds no row.
        """
        empty = (total.n + total.n_missing - self.n - self.n_missing) == 0
        fields: dict[str, Any] = {"weighted": self.weighted}
        for name in self._SUMS:
            fields[name] = _clipped_rest(
                getattr(total, name), getattr(self, name), empty
            )
        for name in ("n", "n_missing", *self._EXTRA_COUNTS):
            fields[name] = getattr(total, name) - getattr(self, name)
        # The rest of a group saw a missing value when any other group did.
        flags = self.propagated.astype(np.int64)
        fields["propagated"] = (int(flags.sum()) - flags) > 0
        fields["linear"] = _rest(self.linear, total.linear)
        return type(self)(**fields)

    @property
    def effective_n(self) -> FloatArray:
        """Each group's effective sample size (``n`` without weights).

        Kish's, from the sums of weights and of squared weights; for raked
        weights, the size at which the family's variance formula gives the
        raking-aware variance (`cxmetrics._calibration`).
        """
        kish = effective_sample_size(self.denominator, self.squared)
        if self.linear is None:
            return kish
        estimate, unit, offset = self._spread()
        return self.linear.effective_n(
            estimate, self.denominator, self.squared, unit, offset, kish
        )

    def _spread(self) -> tuple[FloatArray, FloatArray, float]:
        """The estimate (a mean of per-row values) and the variance of one value.

        With 1 where the interval divides that variance by ``n - 1``, else 0.
        """
        raise NotImplementedError

    @property
    def denominator(self) -> FloatArray:
        """The sum of weights the estimate divides by (the count without weights)."""
        raise NotImplementedError

    def to_columns(self) -> dict[str, npt.NDArray[Any]]:
        """The fields as columns of a table (for partial tables of dask parts)."""
        return {
            name: np.asarray(value)
            for name, value in self._fields().items()
            if name not in ("weighted", "linear")
        }

    @classmethod
    def from_columns(
        cls: type[S], columns: Any, *, weighted: bool
    ) -> S:  # columns: a mapping or a DataFrame
        """The statistics back from `to_columns` (a DataFrame's columns will do)."""
        names = [
            f.name
            for f in attrs.fields(cls)  # type: ignore[arg-type]
            if f.name not in ("weighted", "linear")
        ]
        fields: dict[str, Any] = {"weighted": weighted}
        for name in names:
            values = np.asarray(columns[name])
            if name in ("n", "n_missing", *cls._EXTRA_COUNTS):
                values = values.astype(np.int64)
            elif name == "propagated":
                values = values.astype(bool)
            else:
                values = values.astype(np.float64)
            fields[name] = values
        return cls(**fields)


def _added(a: Linearization | None, b: Linearization | None) -> Linearization | None:
    """The sums of both; None unless both carry them (one raking)."""
    return None if a is None or b is None else a + b


def _rest(
    part: Linearization | None, total: Linearization | None
) -> Linearization | None:
    return None if part is None or total is None else part.rest(total)


def _ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(numerator / denominator, dtype=np.float64)


def _one(value: float | int, dtype: Any = np.float64) -> npt.NDArray[Any]:
    return np.array([value], dtype=dtype)


# ---------------------------------------------------------------------------
# Rates


@attrs.frozen(eq=False)
class RateStats(_Statistics):
    """Successes among counted rows, per group.

    ``successes`` and ``total`` are sums of weights (counts without
    weights), ``squared`` the sum of squared weights of the counted rows
    (equal to ``total`` without weights). ``n`` counts the counted rows,
    ``n_missing`` the rows left out as missing and ``n_pending`` those left
    out as not yet decided (an open ticket within its target).
    """

    _SUMS = ("successes", "total", "squared")
    _EXTRA_COUNTS = ("n_pending",)

    successes: FloatArray
    total: FloatArray
    squared: FloatArray
    n: IntArray
    n_missing: IntArray
    n_pending: IntArray
    propagated: BoolArray
    weighted: bool = False
    linear: Linearization | None = None

    @property
    def denominator(self) -> FloatArray:
        return self.total

    def _spread(self) -> tuple[FloatArray, FloatArray, float]:
        share = _ratio(self.successes, self.total)
        return share, share * (1.0 - share), 0.0

    @classmethod
    def from_rows(
        cls,
        success: BoolArray,
        counted: BoolArray | None,
        missing: BoolArray | None,
        weights: FloatArray | None,
        *,
        codes: Codes = None,
        groups: int = 1,
        pending: BoolArray | None = None,
        propagate: bool = False,
    ) -> RateStats:
        """The statistics of per-row flags.

        ``success`` and ``counted`` are read where ``missing`` is False;
        ``counted`` None counts every such row. ``pending`` marks rows left
        out as undecided. ``weights`` align with the rows. ``propagate``:
        the caller's ``nan_policy`` is ``"propagate"``.
        """
        size = success.size
        kept = None if missing is None else ~missing
        take = (
            kept if counted is None else (counted if kept is None else kept & counted)
        )
        hits = success if take is None else success & take
        if weights is None:
            total_count = group_count(codes, groups, take, size=size)
            total = total_count.astype(np.float64)
            successes = group_count(codes, groups, hits).astype(np.float64)
            squared = total
            n = total_count
        else:
            total = group_sum(weights, codes, groups, mask=take)
            successes = group_sum(weights, codes, groups, mask=hits)
            squared = group_sum(weights * weights, codes, groups, mask=take)
            n = group_count(codes, groups, take, size=size)
        n_missing = flagged_count(codes, groups, missing)
        n_pending = flagged_count(
            codes,
            groups,
            pending if pending is None or kept is None else pending & kept,
        )
        return cls(
            successes=successes,
            total=total,
            squared=squared,
            n=n,
            n_missing=n_missing,
            n_pending=n_pending,
            propagated=(n_missing > 0) & propagate,
            weighted=weights is not None,
        )

    @classmethod
    def of_counts(
        cls,
        successes: float,
        total: float,
        *,
        n: int,
        effective_n: float | None = None,
        n_missing: int = 0,
        n_pending: int = 0,
        propagated: bool = False,
        weighted: bool = False,
    ) -> RateStats:
        """One group from its counts; ``effective_n`` gives the sum of squared weights.

        Without ``effective_n`` the sample size is ``total`` itself.
        """
        squared = total if effective_n is None else _squared(total, effective_n)
        return cls(
            successes=_one(successes),
            total=_one(total),
            squared=_one(squared),
            n=_one(n, np.int64),
            n_missing=_one(n_missing, np.int64),
            n_pending=_one(n_pending, np.int64),
            propagated=_one(propagated, bool),
            weighted=weighted,
        )


def _squared(total: float, effective_n: float) -> float:
    """The sum of squared weights that gives ``effective_n``: ``total**2 / eff``."""
    if not effective_n > 0:
        return 0.0
    return float(total * (total / effective_n))


# ---------------------------------------------------------------------------
# Net scores


@attrs.frozen(eq=False)
class NetStats(_Statistics):
    """Positive, neutral and negative answers per group (sums of weights).

    ``squared`` is the sum of squared weights of the answers (equal to their
    count without weights).
    """

    _SUMS = ("positive", "neutral", "negative", "squared")

    positive: FloatArray
    neutral: FloatArray
    negative: FloatArray
    squared: FloatArray
    n: IntArray
    n_missing: IntArray
    propagated: BoolArray
    weighted: bool = False
    linear: Linearization | None = None

    @property
    def denominator(self) -> FloatArray:
        return np.asarray(self.positive + self.neutral + self.negative)

    def _spread(self) -> tuple[FloatArray, FloatArray, float]:
        # Each answer is +1, 0 or -1: the net score is their mean.
        total = self.denominator
        net = _ratio(self.positive - self.negative, total)
        return net, _ratio(self.positive + self.negative, total) - net * net, 0.0

    @classmethod
    def of_counts(
        cls,
        positive: float,
        neutral: float,
        negative: float,
        *,
        n: int,
        effective_n: float | None = None,
        n_missing: int = 0,
        propagated: bool = False,
        weighted: bool = False,
    ) -> NetStats:
        """One group from its counts (see `RateStats.of_counts`)."""
        total = positive + neutral + negative
        squared = total if effective_n is None else _squared(total, effective_n)
        return cls(
            positive=_one(positive),
            neutral=_one(neutral),
            negative=_one(negative),
            squared=_one(squared),
            n=_one(n, np.int64),
            n_missing=_one(n_missing, np.int64),
            propagated=_one(propagated, bool),
            weighted=weighted,
        )


# ---------------------------------------------------------------------------
# Means


@attrs.frozen(eq=False)
class MomentStats(_Statistics):
    r"""The weight, mean and spread of values per group.

    ``total`` is the sum of the weights (the count without weights),
    ``mean`` the weighted mean (NaN where ``total`` is 0), ``m2`` the
    weighted sum of squared deviations from it, ``squared`` the sum of
    squared weights, ``lowest`` and ``highest`` the extreme values (the mean
    is kept between them against rounding).

    Groups combine by Chan's pairwise update,

    .. math::

        W = W_a + W_b, \quad \bar x = \bar x_a + (\bar x_b - \bar x_a)
        \frac{W_b}{W}, \quad M_2 = M_{2a} + M_{2b} + (\bar x_b - \bar x_a)^2
        \frac{W_a W_b}{W},

    which keeps the digits that sums of values and of squared values lose
    when the spread is small next to the mean.
    """

    _SUMS = ("total", "squared")

    total: FloatArray
    mean: FloatArray
    m2: FloatArray
    squared: FloatArray
    lowest: FloatArray
    highest: FloatArray
    n: IntArray
    n_missing: IntArray
    propagated: BoolArray
    weighted: bool = False
    linear: Linearization | None = None

    @property
    def denominator(self) -> FloatArray:
        return self.total

    def _spread(self) -> tuple[FloatArray, FloatArray, float]:
        return self.mean, _ratio(self.m2, self.total), 1.0

    @property
    def std(self) -> FloatArray:
        """Sample standard deviation, ``sqrt(M2 / W * eff / (eff - 1))``.

        NaN where the effective n is 1 or less.
        """
        eff = self.effective_n
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(
                np.where(
                    eff > 1, np.sqrt(self.m2 / self.total * eff / (eff - 1.0)), np.nan
                ),
                dtype=np.float64,
            )

    @classmethod
    def from_values(
        cls,
        values: FloatArray,
        weights: FloatArray | None,
        *,
        codes: Codes = None,
        groups: int = 1,
        counted: BoolArray | None = None,
        missing: BoolArray | None = None,
        propagate: bool = False,
    ) -> MomentStats:
        """The statistics of per-row values: two passes, the mean then the spread.

        ``values`` are read where ``counted`` (None: every row) and not
        ``missing``; ``weights`` align with the rows.
        """
        size = values.size
        take = None if missing is None else ~missing
        if counted is not None:
            take = counted if take is None else take & counted
        n = group_count(codes, groups, take, size=size)
        n_missing = flagged_count(codes, groups, missing)
        if take is not None:
            values = values[take]
            weights = None if weights is None else weights[take]
            codes = None if codes is None else codes[take]
        if weights is None:
            total = n.astype(np.float64)
            sums = group_sum(values, codes, groups)
            squared = total
        else:
            total = group_sum(weights, codes, groups)
            sums = group_sum(weights * values, codes, groups)
            squared = group_sum(weights * weights, codes, groups)
        lowest, highest = _extremes(values, codes, groups)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.where(total > 0, sums / total, np.nan)
        mean = np.clip(mean, lowest, highest)
        deviations = values - (mean[0] if codes is None else mean[codes])
        spread = deviations * deviations
        if weights is not None:
            spread *= weights
        m2 = group_sum(spread, codes, groups)
        return cls(
            total=total,
            mean=mean,
            m2=np.where(total > 0, m2, 0.0),
            squared=squared,
            lowest=lowest,
            highest=highest,
            n=n,
            n_missing=n_missing,
            propagated=(n_missing > 0) & propagate,
            weighted=weights is not None,
        )

    @classmethod
    def of_moments(
        cls,
        total: float,
        mean: float,
        m2: float,
        *,
        n: int,
        effective_n: float | None = None,
        n_missing: int = 0,
        propagated: bool = False,
        weighted: bool = False,
    ) -> MomentStats:
        """One group from its weight, mean and sum of squared deviations.

        Without the extremes the mean is not clipped (they are -inf and inf).
        """
        squared = total if effective_n is None else _squared(total, effective_n)
        return cls(
            total=_one(total),
            mean=_one(mean),
            m2=_one(m2),
            squared=_one(squared),
            lowest=_one(-np.inf),
            highest=_one(np.inf),
            n=_one(n, np.int64),
            n_missing=_one(n_missing, np.int64),
            propagated=_one(propagated, bool),
            weighted=weighted,
        )

    def group(self, codes: npt.NDArray[np.intp], groups: int) -> MomentStats:
        """Groups combined by Chan's update, generalized to many at once."""
        weight = np.where(self.total > 0, self.total, 0.0)
        total = group_sum(weight, codes, groups)
        with np.errstate(divide="ignore", invalid="ignore"):
            shifted = np.where(weight > 0, self.mean, 0.0)
            mean = group_sum(weight * shifted, codes, groups) / total
            lowest = _group_extreme(self.lowest, codes, groups, np.minimum, np.inf)
            highest = _group_extreme(self.highest, codes, groups, np.maximum, -np.inf)
            mean = np.where(total > 0, np.clip(mean, lowest, highest), np.nan)
            gap = np.where(weight > 0, shifted - mean[codes], 0.0)
        m2 = group_sum(
            np.where(weight > 0, self.m2, 0.0) + weight * gap * gap, codes, groups
        )
        return MomentStats(
            total=total,
            mean=mean,
            m2=m2,
            squared=group_sum(self.squared, codes, groups),
            lowest=lowest,
            highest=highest,
            n=np.bincount(codes, weights=self.n, minlength=groups).astype(np.int64),
            n_missing=np.bincount(
                codes, weights=self.n_missing, minlength=groups
            ).astype(np.int64),
            propagated=np.bincount(codes, weights=self.propagated, minlength=groups)
            > 0,
            weighted=self.weighted,
            linear=None if self.linear is None else self.linear.group(codes, groups),
        )

    def __add__(self, other: MomentStats) -> MomentStats:
        both = _concatenate(self, other)
        codes = np.concatenate(
            [np.arange(self.size, dtype=np.intp), np.arange(other.size, dtype=np.intp)]
        )
        combined = both.group(codes, self.size)
        return attrs.evolve(
            combined,
            weighted=self.weighted or other.weighted,
            linear=_added(self.linear, other.linear),
        )

    def rest(self, total: MomentStats) -> MomentStats:
        """Everything in ``total`` but each group, by Chan's update run backwards."""
        empty = (total.n + total.n_missing - self.n - self.n_missing) == 0
        weight = np.where(self.total > 0, self.total, 0.0)
        left = _clipped_rest(total.total, weight, empty)
        with np.errstate(divide="ignore", invalid="ignore"):
            own = np.where(weight > 0, self.mean, 0.0)
            mean = np.where(
                left > 0, (total.total * total.mean - weight * own) / left, np.nan
            )
            mean = np.clip(mean, total.lowest, total.highest)
            gap = np.where((left > 0) & (weight > 0), own - mean, 0.0)
            between = np.where(total.total > 0, weight * left / total.total, 0.0)
        m2 = np.maximum(
            total.m2 - np.where(weight > 0, self.m2, 0.0) - between * gap * gap, 0.0
        )
        propagated = self.propagated.astype(np.int64)
        return MomentStats(
            total=left,
            mean=mean,
            m2=np.where(left > 0, m2, 0.0),
            squared=_clipped_rest(total.squared, self.squared, empty),
            lowest=np.broadcast_to(total.lowest, left.shape).copy(),
            highest=np.broadcast_to(total.highest, left.shape).copy(),
            n=total.n - self.n,
            n_missing=total.n_missing - self.n_missing,
            propagated=(int(propagated.sum()) - propagated) > 0,
            weighted=self.weighted,
            linear=_rest(self.linear, total.linear),
        )


def _concatenate(a: MomentStats, b: MomentStats) -> MomentStats:
    fields = {
        name: np.concatenate(
            [np.asarray(getattr(a, name)), np.asarray(getattr(b, name))]
        )
        for name in a.to_columns()
    }
    return MomentStats(**fields, weighted=a.weighted or b.weighted)  # type: ignore[arg-type]


def _extremes(
    values: FloatArray, codes: Codes, groups: int
) -> tuple[FloatArray, FloatArray]:
    """The lowest and highest value of each group; inf and -inf for empty ones."""
    if codes is None:
        if not values.size:
            return _one(np.inf), _one(-np.inf)
        return _one(float(values.min())), _one(float(values.max()))
    return (
        _group_extreme(values, codes, groups, np.minimum, np.inf),
        _group_extreme(values, codes, groups, np.maximum, -np.inf),
    )


def _group_extreme(
    values: FloatArray,
    codes: npt.NDArray[np.intp],
    groups: int,
    ufunc: np.ufunc,
    start: float,
) -> FloatArray:
    out = np.full(groups, start)
    ufunc.at(out, codes, values)
    return out


#: Any of the statistics types.
Stats: TypeAlias = RateStats | NetStats | MomentStats
