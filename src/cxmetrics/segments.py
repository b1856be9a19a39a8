"""Metrics by segment and over time, with tests against the rest and corrections.

Both functions run a metric's two steps on many groups at once: the rows are
validated by the metric's own rules and their sufficient statistics summed
per group in one pass (one ``groupby`` and one ``bincount`` per statistic),
then every group's value, interval and two-sample test come from one
vectorized call. No Python loop runs per segment or per period.

`compare` and `adjust_pvalues` live in `cxmetrics.comparisons` and are
re-exported here, with the functions that use them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from typing import Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics import _dask
from cxmetrics._life_tables import LifeTables
from cxmetrics._order_stats import DurationPlan, GroupedDurations
from cxmetrics._periods import FREQUENCIES as PERIOD_ALIASES
from cxmetrics._periods import check_freq, period_ordinals
from cxmetrics._plans import (
    Plan,
    Segmentation,
    segmentable_names,
    segmentation_of,
)
from cxmetrics._stats import Stats
from cxmetrics._timestamps import to_timestamps, wall_clock, zone_of_parts
from cxmetrics._validation import (
    InputError,
    check_confidence,
    check_option,
    check_positive_int,
    format_columns,
    format_count,
    format_examples,
)
from cxmetrics.comparisons import adjust_pvalues, compare
from cxmetrics.results import RakedWeights
from cxmetrics.survival import SurvivalPlan, part_life_tables

__all__ = [
    "CORRECTIONS",
    "FREQUENCIES",
    "adjust_pvalues",
    "by_segment",
    "compare",
    "over_time",
]

#: Multiple-testing corrections `by_segment` accepts (None: no correction).
CORRECTIONS = ("holm", "bonferroni", "fdr_bh", None)
#: Period frequencies (``freq=``) `over_time` accepts: pandas period aliases
#: (see `cxmetrics._periods`).
FREQUENCIES = PERIOD_ALIASES

Frame: TypeAlias = Any  # a pandas DataFrame, or a dask DataFrame
Columns: TypeAlias = dict[str, npt.NDArray[Any]]
#: The frame that holds a part's key columns.
KeysOf: TypeAlias = Callable[[pd.DataFrame], pd.DataFrame]


# ---------------------------------------------------------------------------
# The request: which metric, on which columns, with which options


@contextlib.contextmanager
def _reraised(func: str, spec: Segmentation, label: str) -> Iterator[None]:
    """Re-raise the metric's own `InputError` under the caller's name.

    ``nps: 1 of 9 scores are outside the 0-10 scale (11)`` becomes
    ``by_segment: cx.nps on 'score': 1 of 9 scores are outside ...``.
    """
    try:
        yield
    except InputError as err:
        text = str(err)
        own = f"{spec.name}: "
        if text.startswith(own):
            text = text[len(own) :]
        raise InputError(f"{func}: {label}: {text}") from None


@attrs.frozen(kw_only=True)
class _Request:
    """A metric call resolved against a frame's columns, its options checked."""

    func: str
    spec: Segmentation
    plan: Plan | DurationPlan
    columns: dict[str, Hashable]  # data parameter -> column of the frame
    scalars: dict[str, Any]  # data parameter -> one value for every row
    options: dict[str, Any]  # the metric's own options
    label: str  # "cx.nps on 'score'"

    def data(self, part: pd.DataFrame) -> dict[str, Any]:
        """The metric's data arguments from the rows of ``part``."""
        return {
            **{param: part[name] for param, name in self.columns.items()},
            **self.scalars,
        }

    @property
    def weighted(self) -> bool:
        """Whether the metric is given weights."""
        return "weights" in self.columns or "weights" in self.scalars

    def errors(self) -> contextlib.AbstractContextManager[None]:
        """Report the metric's own errors under the caller's name."""
        return _reraised(self.func, self.spec, self.label)


def _check_frame(func: str, frame: object) -> bool:
    """Whether ``frame`` is a dask DataFrame; raise unless it is a DataFrame."""
    if isinstance(frame, pd.DataFrame):
        if not len(frame.index):
            raise InputError(f"{func}: frame has no rows")
        return False
    if _dask.is_dask_frame(frame):
        return True
    raise InputError(
        f"{func}: frame must be a pandas or dask DataFrame; got {type(frame).__name__}"
    )


def _check_column(func: str, frame: Frame, role: str, name: object) -> Hashable:
    columns = list(frame.columns)
    if name not in columns:
        raise InputError(
            f"{func}: {role} {name!r} is not a column of frame (its columns: "
            f"{format_columns(columns)})"
        )
    return name


def _names(value: object) -> list[Any]:
    """One column name, or several as a list or tuple."""
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _is_values(value: object) -> bool:
    """A Series or a numpy array given where a column name may stand."""
    return isinstance(value, (pd.Series, pd.Index, np.ndarray))


def _attached(
    func: str,
    frame: Frame,
    role: str,
    value: Any,
    taken: set[Hashable],
    *,
    dask: bool,
    default: str,
) -> tuple[Hashable, pd.Series[Any] | None]:
    """A Series or array for ``role``, checked against the frame, and its name.

    A Series must carry the frame's index (rows pair up by label and there
    is one right answer); an array must have one value per row. The name is
    the Series' own, else ``default``, made unique among ``taken``. A Series
    equal to the frame's column of its name is that column (no new one).
    """
    if dask:
        raise InputError(
            f"{func}: on a dask DataFrame {role} must name a column of it; got a "
            f"{type(value).__name__}"
        )
    if isinstance(value, pd.Series):
        if not value.index.equals(frame.index):
            raise InputError(
                f"{func}: the Series given as {role} does not have the frame's "
                "index; rows are matched by label, so give it frame.index "
                "(e.g. values.reindex(frame.index)) or pass an array"
            )
        series = value
        name: Hashable = value.name if value.name is not None else default
    else:
        array = np.asarray(value)
        if array.ndim != 1 or array.size != len(frame.index):
            raise InputError(
                f"{func}: {role} has {format_count(array.size)} values but frame "
                f"has {format_count(len(frame.index))} rows; they must align one "
                "to one"
            )
        series = pd.Series(array, index=frame.index)
        name = default
    if name in frame.columns and frame[name].equals(series):
        return name, None  # the frame's own column, given as a Series
    base, number = name, 1
    while name in taken:
        name = f"{base}_{number}"
        number += 1
    taken.add(name)
    renamed: pd.Series[Any] = series.copy(deep=False)
    renamed.name = name
    return name, renamed


def _with_given_values(
    func: str,
    frame: Frame,
    spec: Segmentation,
    keys: list[Any],
    keys_role: str,
    options: dict[str, Any],
    *,
    dask: bool,
) -> tuple[Frame, list[Hashable], dict[str, Any]]:
    """Turn Series and arrays given for keys and column options into columns.

    Returns the frame (with the new columns, when there are any), the key
    names and the options with names in place of the values. Column names
    are left as they are.
    """
    taken: set[Hashable] = set(frame.columns)
    extra: dict[Hashable, pd.Series[Any]] = {}
    names: list[Hashable] = []
    for key in keys:
        if _is_values(key):
            default = "key" if keys_role == "by" else keys_role
            name, series = _attached(
                func, frame, keys_role, key, taken, dask=dask, default=default
            )
            if series is not None:
                extra[name] = series
            names.append(name)
        else:
            names.append(key)
    chosen = dict(options)
    for param in spec.column_options:
        value = chosen.get(param)
        if isinstance(value, RakedWeights):
            _check_raked(func, frame, param, value, dask=dask)
        elif param not in spec.scalar_or_column and _is_values(value):
            name, series = _attached(
                func, frame, param, value, taken, dask=dask, default=param
            )
            if series is not None:
                extra[name] = series
            chosen[param] = name
    if extra:
        frame = pd.concat([frame, pd.DataFrame(extra, index=frame.index)], axis=1)
    return frame, names, chosen


def _check_raked(
    func: str, frame: Frame, param: str, raked: RakedWeights, *, dask: bool
) -> None:
    """Raked weights go with the rows they were raked on, of a pandas frame.

    They stay whole (not a column), so that each segment's variance is that
    of a domain of the raked sample.
    """
    if dask:
        raise InputError(
            f"{func}: raked weights (cx.rake) need a pandas DataFrame: the "
            "raking-aware variance uses every row at once; compute the frame first"
        )
    if len(raked) != len(frame.index):
        raise InputError(
            f"{func}: {param} are raked weights of {format_count(len(raked))} rows "
            f"but frame has {format_count(len(frame.index))}; rake the frame you "
            "segment (a segment is a domain of the whole raked sample)"
        )


def _find_spec(func: str, metric: object) -> Segmentation:
    spec = segmentation_of(metric)
    if spec is None:
        shown = getattr(metric, "__name__", None) or type(metric).__name__
        raise InputError(
            f"{func}: metric must be one of the cxmetrics metric functions "
            f"({', '.join(segmentable_names())}); got {shown}"
        )
    return spec


def _data_columns(
    func: str, frame: Frame, spec: Segmentation, column: object, options: dict[str, Any]
) -> tuple[dict[str, Hashable], dict[str, Any], int]:
    """Map ``column`` and the column options onto the metric's data parameters.

    Returns the columns and the single values by parameter, and how many
    parameters ``column`` named. Pops the data options from ``options``.
    """
    names = _names(column)
    if not names or len(names) > len(spec.data):
        takes = str(spec.required)
        if len(spec.data) > spec.required:
            takes += f" to {len(spec.data)}"
        raise InputError(
            f"{func}: column names {format_count(len(names))} columns but "
            f"cx.{spec.name} takes {takes} ({', '.join(spec.data)})"
        )
    columns = {
        param: _check_column(func, frame, "column", name)
        for param, name in zip(spec.data, names, strict=False)
    }
    twice = [param for param in spec.data[: len(names)] if param in options]
    if twice:
        raise InputError(
            f"{func}: {twice[0]} is given twice, in column= and as {twice[0]}="
        )
    scalars: dict[str, Any] = {}
    for param in (*spec.data[len(names) :], *spec.column_options):
        value = options.pop(param, None)
        if value is None:
            continue
        if isinstance(value, RakedWeights) or (
            param in spec.scalar_or_column and not isinstance(value, str)
        ):
            scalars[param] = value
        else:
            columns[param] = _check_column(func, frame, param, value)
    for param in spec.data[: spec.required]:
        if param not in columns and param not in scalars:
            raise InputError(
                f"{func}: cx.{spec.name} needs {param}: name its column in "
                f"column=(...) or pass {param}=..."
            )
    return columns, scalars, len(names)


def _request(
    func: str,
    frame: Frame,
    metric: object,
    column: object,
    metric_options: dict[str, Any],
    confidence: float,
) -> _Request:
    """Resolve the columns, then check the metric's options as it would."""
    spec = _find_spec(func, metric)
    options = dict(metric_options)
    columns, scalars, named = _data_columns(func, frame, spec, column, options)
    unknown = sorted(set(options) - set(spec.options), key=str)
    if unknown:
        raise InputError(
            f"{func}: {unknown[0]!r} is not an option of cx.{spec.name} (its "
            f"options: {', '.join(o for o in spec.options if o != 'confidence')})"
        )
    options["confidence"] = confidence
    label = f"cx.{spec.name} on " + ", ".join(
        repr(columns[param]) for param in spec.data[:named]
    )
    with _reraised(func, spec, label):
        options = spec.prepared(
            options, {param: frame[name] for param, name in columns.items()}
        )
        plan = spec.plan_for(options)
    return _Request(
        func=func,
        spec=spec,
        plan=plan,
        columns=columns,
        scalars=scalars,
        options=options,
        label=label,
    )


def _not_additive(request: _Request) -> InputError:
    return InputError(
        f"{request.func}: cx.{request.spec.name} is not additive (medians and "
        "percentiles of parts do not add up to those of the whole), so it "
        "cannot run on a dask DataFrame; compute it to a pandas DataFrame first"
    )


# ---------------------------------------------------------------------------
# Summing per group: one frame, or one dask partition


#: Key combinations up to this many (or as many as there are rows) are coded
#: with one bincount over the dense space of combinations; beyond it, with
#: pandas' groupby.
_DENSE_COMBINATIONS = 1 << 22


def _group_rows(
    frame: pd.DataFrame, keys: list[Hashable], *, compact: bool = True
) -> tuple[npt.NDArray[np.intp], pd.DataFrame]:
    """Each row's group number, and one row of keys per group, in key order.

    Each key is factorized on its own (sorted, the missing value last) and
    the codes are combined in mixed radix; one ``bincount`` over the space
    of combinations finds those that occur, already in key order. This is
    what pandas' grouping on several keys does, without sorting the rows.

    Without ``compact``, one integer key of a small range may come back as
    every value of its range, some of them holding no row (`_present` drops
    those from a finished table): it saves a pass over the rows.
    """
    rows = len(frame.index)
    if len(keys) == 1:
        # One key: its sorted codes are the groups already.
        whole = None if compact else _whole_number_range(frame[keys[0]])
        codes, uniques = whole or _factorized(frame[keys[0]], keys[0])
        table = pd.DataFrame({keys[0]: pd.Series(uniques, name=keys[0])})
        return np.asarray(codes, dtype=np.intp), table
    combined = np.zeros(rows, dtype=np.int64)
    levels: list[pd.Index] = []
    space = 1
    for key in keys:
        codes, uniques = _factorized(frame[key], key)
        space *= max(len(uniques), 1)
        if space > max(_DENSE_COMBINATIONS, rows):
            grouped = frame.groupby(keys, sort=True, observed=True, dropna=False)
            numbers = np.asarray(grouped.ngroup(), dtype=np.intp)
            return numbers, grouped.size().index.to_frame(index=False)
        combined = combined * len(uniques) + codes
        levels.append(uniques)
    present = np.flatnonzero(np.bincount(combined, minlength=space))
    rank = np.zeros(space, dtype=np.intp)
    rank[present] = np.arange(present.size)
    columns: dict[Hashable, pd.Series[Any]] = {}
    rest = present
    for key, uniques in zip(reversed(keys), reversed(levels), strict=True):
        rest, digit = np.divmod(rest, max(len(uniques), 1))
        columns[key] = pd.Series(uniques.take(digit), name=key)
    table = pd.DataFrame({key: columns[key] for key in keys})
    return rank[combined], table


#: The widest range of integer keys taken whole, empty values included.
_RANGE_KEYS = 4_096


def _whole_number_range(
    values: pd.Series[Any],
) -> tuple[npt.NDArray[np.intp], pd.Index] | None:
    """Integer keys as offsets from the smallest: every value of the range a group.

    Some groups may hold no row. None when the range is wide or the keys are
    not integers.
    """
    found = _integer_offsets(values, _RANGE_KEYS - 1)
    if found is None:
        return None
    offsets, low, high = found
    return offsets, pd.Index(np.arange(low, high + 1), dtype=values.dtype)


def _integer_offsets(
    values: pd.Series[Any], widest: int
) -> tuple[npt.NDArray[np.intp], int, int] | None:
    """Integer keys as ``value - min``, with the min and max; None past ``widest``.

    None too for keys that are not integers. Keys counted from 0 are their
    own offsets, a read-only view of the column: no pass over the rows.
    """
    if values.dtype.kind not in "iu" or not len(values):
        return None
    array = values.to_numpy()
    low, high = int(array.min()), int(array.max())
    if high - low > widest:
        return None
    offsets = (array if low == 0 else array - low).astype(np.intp, copy=False)
    if offsets is array:  # the caller's own data: a view that cannot write it
        offsets = offsets.view()
        offsets.flags.writeable = False
    return offsets, low, high


def _present(
    keys_table: pd.DataFrame, columns: Columns
) -> tuple[pd.DataFrame, Columns]:
    """The groups that hold rows (valid or missing), and their columns.

    Groups of a key's range that no row has (see `_group_rows`) are dropped.
    """
    held = np.asarray(columns["n"]) > 0
    if "n_missing" in columns:
        held |= np.asarray(columns["n_missing"]) > 0
    if held.all():
        return keys_table, columns
    kept: pd.DataFrame = keys_table[held].reset_index(drop=True)
    return kept, {name: np.asarray(values)[held] for name, values in columns.items()}


def _whole_number_codes(
    values: pd.Series[Any],
) -> tuple[npt.NDArray[np.intp], pd.Index] | None:
    """Sorted codes of integer keys by counting, when their range is small.

    Segment numbers and period ordinals span few values: one ``bincount``
    over ``value - min`` finds those present, sorted, with no hashing. None
    for other keys (pandas factorizes them).
    """
    found = _integer_offsets(values, max(2 * len(values), 1 << 16))
    if found is None:
        return None
    offsets, low, _ = found
    counts = np.bincount(offsets)
    present = np.flatnonzero(counts)
    uniques = pd.Index(present + low, dtype=values.dtype)
    if present.size == counts.size:  # every value in the range occurs
        return offsets, uniques
    rank = np.zeros(counts.size, dtype=np.intp)
    rank[present] = np.arange(present.size)
    return rank[offsets], uniques


def _factorized(values: pd.Series[Any], key: Hashable) -> tuple[Any, pd.Index]:
    """Codes of a key column, its values sorted and the missing key last.

    Keys must be hashable and of types that sort together; anything else is
    an `InputError` naming the column and the types found (only the keys of
    `by_segment` can be either: periods are numbers).
    """
    whole = _whole_number_codes(values)
    if whole is not None:
        return whole
    try:
        return pd.factorize(values, sort=True, use_na_sentinel=False)
    except TypeError as error:
        present = values[values.notna()] if values.dtype == object else values
        kinds = sorted({type(v).__name__ for v in present.head(1_000)})
        if "unhashable" in str(error):
            raise InputError(
                f"by_segment: key column {key!r} holds values that cannot be keys "
                f"({', '.join(kinds)}); keys must be hashable, such as text or "
                "numbers"
            ) from None
        raise InputError(
            f"by_segment: key column {key!r} mixes values that cannot be sorted "
            "together "
            f"({', '.join(kinds)}); make them one type first, e.g. "
            f"frame[{key!r}].astype(str)"
        ) from None


def _summarize_part(
    part: pd.DataFrame,
    request: _Request,
    plan: Plan,
    keys: list[Hashable],
    keys_of: KeysOf,
    *,
    whole: bool,
) -> tuple[pd.DataFrame, Stats]:
    """The keys of each group of ``part`` and their statistics, in key order.

    A whole frame (not a dask part) may keep empty groups of an integer key
    (see `_group_rows`); `by_segment` drops them from its table.
    """
    codes, table = _group_rows(keys_of(part), keys, compact=not whole)
    with request.errors():
        stats = plan.stats(request.data(part), codes, len(table.index), whole=whole)
    return table, stats


def _dask_stats(
    frame: Frame,
    request: _Request,
    plan: Plan,
    keys: list[Hashable],
    keys_of: KeysOf,
) -> tuple[pd.DataFrame, Stats]:
    """Statistics per group of a dask DataFrame, by a tree reduction.

    Each partition's statistics are summarized per group where it lies;
    the partial tables are combined level by level with the statistics' own
    rule (sums for counts, Chan's update for means), and the small table of
    groups never needs a shuffle.
    """
    stats_type = plan.estimator.STATS
    names = [f.name for f in attrs.fields(stats_type) if f.name != "weighted"]

    def part_table(part: pd.DataFrame) -> pd.DataFrame:
        if not len(part.index):  # an empty partition, or dask's meta
            table = _group_rows(keys_of(part), keys)[1]
            columns: dict[str, Any] = {name: np.zeros(0) for name in names}
        else:
            table, stats = _summarize_part(
                part, request, plan, keys, keys_of, whole=False
            )
            columns = stats.to_columns()
        result: pd.DataFrame = table.assign(**columns)
        return result

    def combine(tables: pd.DataFrame) -> pd.DataFrame:
        codes, table = _group_rows(tables[keys], keys)
        stats = stats_type.from_columns(tables, weighted=request.weighted)
        result: pd.DataFrame = table.assign(
            **stats.group(codes, len(table.index)).to_columns()
        )
        return result

    combined = _dask.reduced(frame, part_table, combine)
    table = combined[keys].reset_index(drop=True)
    return table, stats_type.from_columns(combined, weighted=request.weighted)


def _grouped_stats(
    frame: Frame,
    request: _Request,
    plan: Plan,
    keys: list[Hashable],
    keys_of: KeysOf,
    *,
    dask: bool,
) -> tuple[Stats, pd.DataFrame]:
    """Statistics per group and the groups' keys, in key order, the missing key last."""
    if dask:
        table, stats = _dask_stats(frame, request, plan, keys, keys_of)
    else:
        table, stats = _summarize_part(frame, request, plan, keys, keys_of, whole=True)
    if not len(table.index):
        raise InputError(f"{request.func}: frame has no rows")
    return stats, table


def _check_some_valid(request: _Request, stats: Stats) -> None:
    """Refuse data without any usable row (checked here for dask frames).

    A group without valid rows is no error (its value is NaN); data without
    any is. A pandas frame is read whole, and the metric's own reader raises
    its own message; a dask frame is read part by part, so the check waits
    for the totals.
    """
    total = stats.sum()
    if bool(total.propagated[0]):
        return
    n = int(total.n[0])
    if n > 0 and float(total.denominator[0]) > 0:
        return
    reason = "the weights of the valid rows are all zero" if n else "no valid rows"
    raise InputError(f"{request.func}: {request.label}: {reason}")


# ---------------------------------------------------------------------------
# Tables


def _table(stats: Stats, estimates: Mapping[str, npt.NDArray[Any]]) -> Columns:
    """n, value, interval, the metric's counts, n_missing, effective_n."""
    columns: Columns = {"n": np.asarray(stats.n, np.int64)}
    columns.update(estimates)
    effective = columns.pop("effective_n")
    columns["n_missing"] = np.asarray(stats.n_missing, np.int64)
    columns["effective_n"] = effective
    return columns


def _without_interval(columns: Columns, interval: str | None) -> Columns:
    if interval is None:
        columns.pop("ci_low", None)
        columns.pop("ci_high", None)
    return columns


def _significance(
    p_value: npt.NDArray[np.float64], correction: str | None, confidence: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    if correction is None:
        adjusted = np.array(p_value, dtype=np.float64)
    else:
        adjusted = np.asarray(adjust_pvalues(p_value, method=correction), np.float64)
    with np.errstate(invalid="ignore"):
        significant = adjusted < 1.0 - confidence
    return adjusted, np.asarray(significant, dtype=bool)


def _segments_additive(
    plan: Plan, stats: Stats, compare_to: str, confidence: float
) -> Columns:
    """Estimates of every segment and its test against the rest (or the whole)."""
    estimator: Any = plan.estimator
    total = stats.sum()
    columns = _table(stats, estimator.columns(stats))
    rest = stats.rest(total)  # type: ignore[arg-type]
    diff, low, high, _, p_value = estimator.difference(stats, rest, confidence)
    if compare_to == "overall":
        overall = estimator.estimate(total)[0]
        with np.errstate(divide="ignore", invalid="ignore"):
            # segment - whole = W_rest / W_whole * (segment - rest), exactly.
            share = rest.denominator / total.denominator
        diff = np.asarray(columns["value"] - overall, dtype=np.float64)
        low, high = share * low, share * high
    columns.update(
        {
            "difference": diff,
            "difference_ci_low": low,
            "difference_ci_high": high,
            "p_value": p_value,
        }
    )
    return _without_interval(columns, plan.interval)


def _duration_columns(plan: DurationPlan, grouped: GroupedDurations) -> Columns:
    columns: Columns = {"n": grouped.n}
    columns.update(plan.estimate(grouped))
    columns["n_missing"] = grouped.n_missing
    return columns


def _segments_durations(
    plan: DurationPlan, grouped: GroupedDurations, compare_to: str
) -> Columns:
    """Medians of every segment, and Mood's median test against the rest."""
    columns = _duration_columns(plan, grouped)
    medians, rest_medians, p_value = plan.versus_rest(grouped)
    if compare_to == "overall":
        everything = np.sort(grouped.sorted_values)
        overall = float(np.median(everything)) if everything.size else np.nan
        if grouped.propagated.any():
            overall = np.nan
        diff = medians - overall
    else:
        diff = medians - rest_medians
    nothing = np.full(diff.size, np.nan)
    columns.update(
        {
            "difference": diff,
            "difference_ci_low": nothing,
            "difference_ci_high": nothing.copy(),
            "p_value": p_value,
        }
    )
    return columns


# ---------------------------------------------------------------------------
# Survival: life tables by group


_LONG = ("time", "events", "censored", "n", "n_missing")


def _survival_columns(
    frame: Frame,
    request: _Request,
    plan: SurvivalPlan,
    keys: list[Hashable],
    keys_of: KeysOf,
    *,
    dask: bool,
    previous: int = 0,
) -> tuple[pd.DataFrame, Columns]:
    """The groups' keys and their columns: n, events, median, interval, p-value."""
    if dask:
        keys_table, tables = _dask_life_tables(frame, request, plan, keys, keys_of)
        _check_some_subjects(request, tables.n, tables.propagated)
        return keys_table, plan.columns_of_tables(tables, previous=previous)
    codes, keys_table = _group_rows(keys_of(frame), keys, compact=previous > 0)
    groups = len(keys_table.index)
    with request.errors():
        subjects = plan.subjects(request.data(frame), codes, groups)
    return keys_table, plan.columns(subjects, groups, previous=previous)


def _check_some_subjects(
    request: _Request, n: npt.NDArray[np.int64], propagated: npt.NDArray[np.bool_]
) -> None:
    if int(n.sum()) == 0 and not bool(propagated.any()):
        raise InputError(f"{request.func}: {request.label}: no valid rows")


def _dask_life_tables(
    frame: Frame,
    request: _Request,
    plan: SurvivalPlan,
    keys: list[Hashable],
    keys_of: KeysOf,
) -> tuple[pd.DataFrame, LifeTables]:
    """Life tables per group of a dask DataFrame, by a tree reduction.

    Each partition sends its nonzero cells (group, time, events, censored)
    and one row per group with its counts (time -1); the partial tables add
    by key and time. Whole-number durations keep the table of times small.
    """
    columns = [*keys, *_LONG]

    def part_table(part: pd.DataFrame) -> pd.DataFrame:
        codes, table = _group_rows(keys_of(part), keys)
        if not len(part.index):
            empty = {name: np.zeros(0) for name in _LONG}
            result: pd.DataFrame = table.assign(**empty)[columns]
            return result
        groups = len(table.index)
        with request.errors():
            subjects = plan.subjects(request.data(part), codes, groups, whole=False)
            _check_whole_durations(request, subjects.times)
        tables = part_life_tables(subjects, groups)
        group, position = np.nonzero((tables.events + tables.censored) > 0)
        cells = (
            table.iloc[group]
            .reset_index(drop=True)
            .assign(
                time=tables.times[position],
                events=tables.events[group, position],
                censored=tables.censored[group, position],
                n=0,
                n_missing=0,
            )
        )
        counts = table.assign(
            time=-1.0, events=0.0, censored=0.0, n=tables.n, n_missing=tables.n_missing
        )
        result = pd.concat([counts, cells], ignore_index=True)[columns]
        return result

    def combine(tables: pd.DataFrame) -> pd.DataFrame:
        codes, table = _group_rows(tables[[*keys, "time"]], [*keys, "time"])
        size = len(table.index)
        sums = {
            name: np.bincount(codes, weights=tables[name], minlength=size)
            for name in _LONG[1:]
        }
        result: pd.DataFrame = table.assign(**sums)[columns]
        return result

    long = _dask.reduced(frame, part_table, combine)
    counted = long["time"].to_numpy() < 0
    codes, keys_table = _group_rows(long[keys], keys)
    groups = len(keys_table.index)
    cells = ~counted
    times = np.unique(long["time"].to_numpy()[cells])
    at = np.searchsorted(times, long["time"].to_numpy()[cells])
    place = codes[cells] * times.size + at

    def dense(name: str) -> npt.NDArray[np.float64]:
        values = long[name].to_numpy(dtype=np.float64)[cells]
        return np.asarray(
            np.bincount(place, weights=values, minlength=groups * times.size),
            np.float64,
        ).reshape(groups, times.size)

    n = np.bincount(
        codes[counted], weights=long["n"].to_numpy()[counted], minlength=groups
    )
    missing = np.bincount(
        codes[counted], weights=long["n_missing"].to_numpy()[counted], minlength=groups
    )
    tables = LifeTables(
        times=times,
        events=dense("events"),
        censored=dense("censored"),
        n=n.astype(np.int64),
        n_missing=missing.astype(np.int64),
        propagated=(missing > 0) & (plan.nan_policy == "propagate"),
        weighted=request.weighted,
    )
    return keys_table, tables


def _check_whole_durations(request: _Request, times: npt.NDArray[np.float64]) -> None:
    fractional = times[times != np.floor(times)]
    if fractional.size:
        raise InputError(
            f"{request.func}: cx.survival_curve on a dask DataFrame needs durations "
            "in whole numbers (days, months), so that the life tables of the "
            f"partitions stay small; got {format_examples(fractional)}: round them "
            "first, or compute the frame to pandas"
        )


def _survival_over_time(
    frame: Frame,
    request: _Request,
    plan: SurvivalPlan,
    ordinals_of: Callable[[pd.DataFrame], npt.NDArray[np.float64]],
    freq: str,
    compare_to: str | None,
    *,
    dask: bool,
) -> pd.DataFrame:
    """Survival per period, as `_survival_columns` gives it by segment.

    With ``compare_to="previous"``: the change of the median and the
    log-rank test of each period against the one before.
    """

    def keys_of(part: pd.DataFrame) -> pd.DataFrame:
        periods: pd.DataFrame = pd.DataFrame({"period": ordinals_of(part)})
        return periods

    if dask:
        table, tables = _dask_life_tables(frame, request, plan, ["period"], keys_of)
        _check_some_subjects(request, tables.n, tables.propagated)
        position, index = _period_index(table["period"].to_numpy(np.float64), freq)
        tables = _on_every_period_tables(tables, position, len(index))
    else:
        position, index = _period_index(ordinals_of(frame), freq)
        tables = None
    dated = int(np.count_nonzero(~np.asarray(index.isna())))
    previous = dated if compare_to == "previous" else 0
    if tables is not None:
        columns = plan.columns_of_tables(tables, previous=previous)
    else:
        with request.errors():
            subjects = plan.subjects(
                request.data(frame), position.astype(np.intp), len(index)
            )
        columns = plan.columns(subjects, len(index), previous=previous)
    p_value = columns.pop("p_value")
    if compare_to == "previous":
        change = np.full(len(index), np.nan)
        medians = columns["median"]
        change[1:dated] = medians[1:dated] - medians[: dated - 1]
        columns["change"] = change
        columns["p_value"] = p_value
    trend: pd.DataFrame = pd.DataFrame(columns, index=index)
    return trend


def _on_every_period_tables(
    tables: LifeTables, position: npt.NDArray[np.int64], size: int
) -> LifeTables:
    """Life tables placed on every period; an empty period's are all zero."""
    events = np.zeros((size, tables.times.size))
    censored = np.zeros((size, tables.times.size))
    n = np.zeros(size, np.int64)
    missing = np.zeros(size, np.int64)
    propagated = np.zeros(size, bool)
    events[position] = tables.events
    censored[position] = tables.censored
    n[position] = tables.n
    missing[position] = tables.n_missing
    propagated[position] = tables.propagated
    return LifeTables(
        times=tables.times,
        events=events,
        censored=censored,
        n=n,
        n_missing=missing,
        propagated=propagated,
        weighted=tables.weighted,
    )


def by_segment(
    frame: Frame,
    metric: Callable[..., Any],
    *,
    column: Hashable | Sequence[Hashable],
    by: Hashable | Sequence[Hashable],
    compare_to: str = "rest",
    correction: str | None = "holm",
    min_n: int = 30,
    confidence: float = 0.95,
    **metric_options: Any,
) -> pd.DataFrame:
    r"""A metric for each segment, tested against the rest, with a correction.

    Parameters
    ----------
    frame : pandas.DataFrame or dask.dataframe.DataFrame
        One row per response, ticket, call or visitor. A dask DataFrame is
        accepted for every metric but the durations (see Notes).
    metric : callable
        The public metric function itself: any net score, rate, mean or
        duration metric of cxmetrics (`cxmetrics.nps`, `cxmetrics.csat`,
        `cxmetrics.ces`, `cxmetrics.fcr_rate`, `cxmetrics.service_level`,
        `cxmetrics.average_handle_time`, `cxmetrics.resolution_time`, ...).
        A metric declares how it runs by segment where it is defined; a
        function that does not is refused with the list of those that do.
    column : column name or tuple of column names
        The metric's data, in the order of its data arguments: ``"score"``
        for ``cx.nps(scores)``; ``("wait", "answered")`` for
        ``cx.service_level(wait_time, answered)``; ``("created",
        "resolved")`` for ``cx.resolution_time(created, resolved)``.
    by : column name or list of column names
        The segment keys; each distinct combination of their values is a
        segment.
    compare_to : {'rest', 'overall'}
        What each segment's ``difference`` is measured from: all the other
        rows (the default), or all the rows. Both use the same test (see
        Notes).
    correction : {'holm', 'bonferroni', 'fdr_bh', None}
        How the p-values of all segments are adjusted together.
    min_n : int
        Segments with fewer valid rows than this are flagged ``low_n``.
    confidence : float
        Confidence level of every interval; an adjusted p-value below
        ``1 - confidence`` is ``significant``.
    **metric_options
        The metric's own options (``ci``, ``scale``, ``method``,
        ``nan_policy``, ``threshold``, ...), with its defaults and its
        checks. Options that hold data name a column: ``weights="w"``;
        ``wait_time="wait"`` for ``cx.abandonment_rate``; ``pending="open"``
        for ``cx.sla_attainment``. The ``targets`` of
        ``cx.sla_attainment`` and the ``hold`` and ``wrap`` of
        ``cx.average_handle_time`` are a column name or one value for every
        row.

    Returns
    -------
    pandas.DataFrame
        One row per segment, in key order, the key columns first (named
        after ``by``). Then ``n`` (valid rows), ``value``, ``ci_low``,
        ``ci_high`` (left out when ``ci=None``), the metric's own columns,
        ``n_missing``, ``effective_n`` (additive metrics), ``difference``
        (segment minus the rest, or minus the whole), ``difference_ci_low``,
        ``difference_ci_high``, ``p_value``, ``p_adjusted`` (after
        ``correction``), ``significant`` and ``low_n``. The metric's own
        columns: ``promoters``, ``passives``, ``detractors`` (NPS);
        ``positive``, ``neutral``, ``negative`` (Net Easy); ``successes``
        and ``total_weight`` (rates), with ``n_pending`` for SLA
        attainment; ``std`` (means); ``mean``, one ``p50``-style column per
        percentile and ``n_pending`` (durations, whose ``value`` is the
        median).

    Raises
    ------
    InputError
        ``frame`` not a DataFrame, or empty; a column or key that is not in
        it; a metric that is not a cxmetrics metric, or an option it does
        not take; ``min_n`` below 1; an unknown ``compare_to`` or
        ``correction``; a duration metric on a dask DataFrame; and every
        error of the metric itself on these rows, with its own message
        after the call's name and columns, e.g. ``by_segment: cx.nps on
        'score': 1 of 200 scores are outside the 0-10 scale (11)``.

    Notes
    -----
    **One pass.** The rows are validated once, their sufficient statistics
    (weighted counts, sums of squared weights, sums of values and of
    squares) are summed per segment, and each segment's rest is the total
    less the segment. Each row of the table equals the metric called on the
    segment's rows alone, and each test equals `cxmetrics.compare` of those
    rows against all the others: the adjusted Wald difference of net scores
    (Wald when ``ci="wald"``), Newcombe's interval with the pooled z test
    for rates, Welch's t for means. For durations the p-value is Mood's
    median test, as in `cxmetrics.compare`, whose bootstrap interval of the
    difference of medians has no counterpart here (``difference_ci_low``
    and ``difference_ci_high`` are NaN). The bootstrap and Bayesian NPS
    intervals draw for all segments at once, so their bounds differ from
    separate calls with the same seed.

    **Against the rest.** A segment is part of the whole, so the segment
    and the whole are not independent samples and a two-sample test
    between them would be wrong. With :math:`W_s` and :math:`W_r` the
    (weighted) sizes of the segment and of the rest, the whole's value is
    their weighted mean, so

    .. math::

        \hat\theta_s - \hat\theta = \frac{W_r}{W_s + W_r}\,
        (\hat\theta_s - \hat\theta_r).

    ``compare_to="overall"`` reports :math:`\hat\theta_s - \hat\theta`
    with the interval of the segment against the rest scaled by
    :math:`W_r / (W_s + W_r)`, and the p-value of the segment against the
    rest: the two questions have one answer. (For durations the median is
    no weighted mean; the difference is from the overall median and the
    test is still Mood's against the rest.)

    **Many segments.** With 20 segments and no real difference, about one
    would pass a 5% test by chance. The p-values are adjusted together:
    Holm (the default) keeps the chance of any false alarm at
    ``1 - confidence`` like Bonferroni, and rejects at least as often;
    ``'fdr_bh'`` controls the expected share of false alarms instead. A
    NaN p-value (a segment or rest with nothing to compare) is not counted
    as a test and is never significant. ``low_n`` flags segments with
    ``n < min_n``: their value, interval and test are still computed, but
    read them as a hint.

    **Keys.** Rows whose key is missing are not dropped: they form one more
    segment, last, with the missing key (NaN, None or NaT) in the key
    column. Unused categories of a categorical key hold no rows and get no
    row. A segment whose rows are all missing has ``n = 0`` and NaN values;
    no valid row in the whole frame is an error, as for the metric.

    **Dask.** With a dask DataFrame (the ``dask`` extra), each partition's
    statistics are summed per segment where the partition lies, dask adds
    the partial sums by key, and the estimate runs on the result: the table
    equals the pandas one (counts exactly, sums of weights to the last bits
    of floating-point addition). A bad value raises with the counts of the
    partition it is in. Medians are not additive, so the duration metrics
    need a pandas DataFrame.

    Examples
    --------
    NPS by region of the sample survey, each region against the other three:

    >>> import cxmetrics as cx
    >>> survey = cx.datasets.load_survey()
    >>> table = cx.by_segment(survey, cx.nps, column="nps", by="region")
    >>> columns = ["region", "n", "value", "difference", "p_adjusted", "significant"]
    >>> table[columns].round(2)
      region    n  value  difference  p_adjusted  significant
    0  North  890  35.96       17.23        0.00         True
    1  South  754  22.81       -1.36        0.68        False
    2   East  765  19.61       -5.67        0.18        False
    3   West  591  12.35      -14.30        0.00         True

    North's NPS is 17 points above the other regions' together, West's 14
    below; both stay significant after the Holm correction. Measured from
    the whole survey instead, the same test gives smaller differences:

    >>> overall = cx.by_segment(
    ...     survey, cx.nps, column="nps", by="region", compare_to="overall")
    >>> overall[["region", "difference", "p_value"]].round(2)
      region  difference  p_value
    0  North       12.12     0.00
    1  South       -1.02     0.68
    2   East       -4.23     0.09
    3   West      -11.48     0.00
    """
    func = "by_segment"
    check_option(func, "compare_to", compare_to, ("rest", "overall"))
    check_option(func, "correction", correction, CORRECTIONS)
    minimum = check_positive_int(func, "min_n", min_n)
    level = check_confidence(func, confidence)
    keyed = _keyed_request(func, frame, metric, column, by, level, metric_options)
    frame, keys, request, dask = keyed.frame, keyed.keys, keyed.request, keyed.dask
    plan = request.plan
    if isinstance(plan, SurvivalPlan):
        keys_table, columns = _survival_columns(
            frame, request, plan, keys, _rows_of, dask=dask
        )
    elif isinstance(plan, DurationPlan):
        if dask:
            raise _not_additive(request)
        codes, keys_table = _group_rows(frame, keys, compact=False)
        with request.errors():
            grouped = plan.group(request.data(frame), codes, len(keys_table.index))
            plan.check_some_valid(grouped)
        columns = _segments_durations(plan, grouped, compare_to)
    else:
        stats, keys_table = _additive_segments(keyed, plan)
        columns = _segments_additive(plan, stats, compare_to, level)
    outputs = [*columns, "p_adjusted", "significant", "low_n"]
    check_keys_free(func, keys, outputs, of=f"cx.{request.spec.name}")
    keys_table, columns = _present(keys_table, columns)
    adjusted, significant = _significance(columns["p_value"], correction, level)
    columns["p_adjusted"] = adjusted
    columns["significant"] = significant
    columns["low_n"] = np.asarray(columns["n"]) < minimum
    data: dict[Hashable, Any] = {key: keys_table[key].array for key in keys_table}
    data.update(columns)
    table: pd.DataFrame = pd.DataFrame(data)
    return table


def _key_columns(func: str, frame: Frame, keys: list[Hashable]) -> list[Hashable]:
    for key in keys:
        _check_column(func, frame, "by", key)
    if len(set(keys)) < len(keys):
        raise InputError(f"{func}: by names a column twice ({format_examples(keys)})")
    return keys


@attrs.frozen(kw_only=True)
class _Keyed:
    """A metric call by segment: the frame (with any given keys), keys, request."""

    frame: Frame
    keys: list[Hashable]
    request: _Request
    dask: bool


def _keyed_request(
    func: str,
    frame: Frame,
    metric: object,
    column: object,
    by: object,
    confidence: float,
    metric_options: dict[str, Any],
) -> _Keyed:
    """Check the frame and the keys ``by``, then resolve the metric's request."""
    dask = _check_frame(func, frame)
    given = _names(by)
    if not given:
        raise InputError(f"{func}: by must name at least one column")
    frame, by_names, options = _with_given_values(
        func, frame, _find_spec(func, metric), given, "by", metric_options, dask=dask
    )
    keys = _key_columns(func, frame, by_names)
    request = _request(func, frame, metric, column, options, confidence)
    return _Keyed(frame=frame, keys=keys, request=request, dask=dask)


def _rows_of(part: pd.DataFrame) -> pd.DataFrame:
    """The key columns of a part are its own columns."""
    return part


def _additive_segments(keyed: _Keyed, plan: Plan) -> tuple[Stats, pd.DataFrame]:
    """Statistics per segment and the segments' keys (one pass over the rows)."""
    stats, keys_table = _grouped_stats(
        keyed.frame, keyed.request, plan, keyed.keys, _rows_of, dask=keyed.dask
    )
    if keyed.dask:
        _check_some_valid(keyed.request, stats)
    return stats, keys_table


def _additive_plan(request: _Request, fix: str) -> Plan:
    """The request's plan, or an `InputError` when the metric is not additive."""
    plan = request.plan
    if isinstance(plan, Plan):
        return plan
    if isinstance(plan, SurvivalPlan):
        what = "a survival curve, not one additive value per group"
    else:
        what = (
            "not additive (a median or percentile of the whole is no combination "
            "of those of its parts)"
        )
    raise InputError(
        f"{request.func}: cx.{request.spec.name} is {what}, so it has no {fix}; "
        "use a rate or a mean of the same rows instead, such as cx.sla_attainment "
        "(the share within a target) or cx.churn_rate"
    )


def check_keys_free(
    func: str, keys: Sequence[Hashable], outputs: Sequence[Hashable], *, of: str = ""
) -> None:
    """Refuse a key column named like an output column (``of``: whose outputs)."""
    clash = [key for key in keys if key in outputs]
    if clash:
        whose = f" of {of}" if of else ""
        raise InputError(
            f"{func}: the key column {clash[0]!r} has the name of an output column"
            f"{whose} ({', '.join(map(str, outputs))}); rename it first, e.g. "
            f"frame.rename(columns={{{clash[0]!r}: {str(clash[0]) + '_key'!r}}})"
        )


def segment_statistics(
    func: str,
    frame: Frame,
    metric: object,
    *,
    column: object,
    by: object,
    metric_options: dict[str, Any],
    fix: str,
) -> tuple[Stats, pd.DataFrame, Any]:
    """Statistics of an additive metric per segment, the keys, and its estimator.

    The machinery of `by_segment` (checks, one pass, pandas or dask) for
    callers that estimate the segments their own way (`cxmetrics.monitoring`).
    Segments are in key order; groups without rows are left out. ``fix``
    names what the caller makes, for the error of a metric that is not
    additive.
    """
    keyed = _keyed_request(func, frame, metric, column, by, 0.95, metric_options)
    plan = _additive_plan(keyed.request, fix)
    stats, keys_table = _additive_segments(keyed, plan)
    held = np.asarray((stats.n > 0) | (stats.n_missing > 0))
    if not held.all():
        stats = stats.take(held)
        keys_table = keys_table[held].reset_index(drop=True)
    return stats, keys_table, plan.estimator


# ---------------------------------------------------------------------------
# Over time


def _check_time_dtype(func: str, dtype: Any, name: object) -> None:
    """Refuse a dask time column of numbers before reading it (`_timestamps`)."""
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        raise InputError(
            f"{func}: time column {name!r} must be timestamps; got values of type "
            f"{dtype}"
        )


def _time_label(name: object) -> str:
    return f"time column {name!r}"


def _dask_time_zone(frame: Frame, func: str, name: object) -> dt.tzinfo | None:
    """The zone of a dask time column of text or objects, read part by part.

    A datetime64 column carries its zone in its dtype; text is read in every
    partition first, so that the periods follow the whole column's zone.
    """
    column = frame[[name]]
    if pd.api.types.is_datetime64_any_dtype(column.dtypes.iloc[0]):
        return None

    def part_table(part: pd.DataFrame) -> pd.DataFrame:
        stamps = to_timestamps(part[name], func=func, name=_time_label(name))
        reading = {"aware": [stamps.aware], "zone": [stamps.zone]}
        table: pd.DataFrame = pd.DataFrame(reading, dtype=object)
        return table

    def combine(tables: pd.DataFrame) -> pd.DataFrame:
        distinct: pd.DataFrame = tables.drop_duplicates()
        return distinct

    parts = _dask.reduced(column, part_table, combine)
    readings = zip(parts["aware"], parts["zone"], strict=True)
    return zone_of_parts(func, _time_label(name), readings)


def _period_ordinals(
    values: pd.Series[Any],
    freq: str,
    *,
    func: str,
    name: object,
    zone: dt.tzinfo | None = None,
) -> npt.NDArray[np.float64]:
    """The period of each time as its ordinal, a float, NaN where missing.

    Aware times are read on the wall clock of their zone (``zone``, when the
    column is read in parts, or their own).
    """
    stamps = to_timestamps(values, func=func, name=_time_label(name))
    walls = wall_clock(stamps, zone or stamps.zone)
    ordinals = np.full(stamps.size, np.nan)
    present = ~stamps.missing
    ordinals[present] = period_ordinals(walls[present], freq)
    return ordinals


def _period_index(
    ordinals: npt.NDArray[np.float64], freq: str
) -> tuple[npt.NDArray[np.int64], pd.PeriodIndex]:
    """Every period from the first to the last, NaT last if a time is missing.

    Returns each given ordinal's position in that index, and the index.
    """
    known = ~np.isnan(ordinals)
    first = int(ordinals[known].min()) if known.any() else 0
    span = int(ordinals[known].max()) - first + 1 if known.any() else 0
    position = np.where(known, np.nan_to_num(ordinals) - first, span).astype(np.int64)
    codes = np.arange(first, first + span, dtype=np.int64)
    if not known.all():
        codes = np.append(codes, np.iinfo(np.int64).min)  # NaT
    periods = pd.arrays.PeriodArray(codes, dtype=pd.PeriodDtype(freq))
    return position, pd.PeriodIndex(periods, name="period")


def _on_every_period(stats: Stats, position: npt.NDArray[np.int64], size: int) -> Stats:
    """Statistics placed on every period; an empty period's are those of no row."""
    return stats.group(position.astype(np.intp), size)


def _changes_additive(
    plan: Plan, stats: Stats, dated: int, confidence: float
) -> Columns:
    size = stats.size
    out = {
        name: np.full(size, np.nan)
        for name in ("change", "change_ci_low", "change_ci_high", "p_value")
    }
    if dated > 1:
        later = stats.take(slice(1, dated))
        earlier = stats.take(slice(0, dated - 1))
        estimator: Any = plan.estimator
        diff, low, high, _, p_value = estimator.difference(later, earlier, confidence)
        for name, values in zip(out, (diff, low, high, p_value), strict=True):
            out[name][1:dated] = values
    return out


def _changes_durations(
    plan: DurationPlan, grouped: GroupedDurations, dated: int
) -> Columns:
    size = grouped.n.size
    out = {
        name: np.full(size, np.nan)
        for name in ("change", "change_ci_low", "change_ci_high", "p_value")
    }
    if dated > 1:
        change, p_value = plan.versus_previous(grouped, dated)
        out["change"][1:dated] = change
        out["p_value"][1:dated] = p_value
    return out


@attrs.frozen(kw_only=True)
class _Timed:
    """A metric call over time: the frame (with any given times), request, periods."""

    frame: Frame
    request: _Request
    ordinals_of: Callable[[pd.DataFrame], npt.NDArray[np.float64]]
    dask: bool
    freq: str  # the period alias, as `check_freq` spells it


def _timed_request(
    func: str,
    frame: Frame,
    metric: object,
    column: object,
    time: object,
    freq: str,
    confidence: float,
    metric_options: dict[str, Any],
) -> _Timed:
    """Check ``freq``, the frame and the time column; resolve the metric's request."""
    freq = check_freq(func, freq)
    dask = _check_frame(func, frame)
    frame, given, options = _with_given_values(
        func, frame, _find_spec(func, metric), [time], "time", metric_options, dask=dask
    )
    time_column = _check_column(func, frame, "time", given[0])
    zone = None
    if dask:
        _check_time_dtype(func, frame[time_column].dtype, time_column)
        zone = _dask_time_zone(frame, func, time_column)
    request = _request(func, frame, metric, column, options, confidence)

    def ordinals_of(part: pd.DataFrame) -> npt.NDArray[np.float64]:
        return _period_ordinals(
            part[time_column], freq, func=func, name=time_column, zone=zone
        )

    return _Timed(
        frame=frame, request=request, ordinals_of=ordinals_of, dask=dask, freq=freq
    )


def _additive_periods(timed: _Timed, plan: Plan) -> tuple[Stats, pd.PeriodIndex]:
    """Statistics on every period from the first to the last (one pass)."""

    def keys_of(part: pd.DataFrame) -> pd.DataFrame:
        periods: pd.DataFrame = pd.DataFrame({"period": timed.ordinals_of(part)})
        return periods

    stats, groups = _grouped_stats(
        timed.frame, timed.request, plan, ["period"], keys_of, dask=timed.dask
    )
    if timed.dask:
        _check_some_valid(timed.request, stats)
    position, index = _period_index(
        groups["period"].to_numpy(dtype=np.float64), timed.freq
    )
    return _on_every_period(stats, position, len(index)), index


def period_statistics(
    func: str,
    frame: Frame,
    metric: object,
    *,
    column: object,
    time: object,
    freq: str,
    metric_options: dict[str, Any],
    fix: str,
) -> tuple[Stats, pd.PeriodIndex, Any]:
    """Statistics of an additive metric per period, the periods, and its estimator.

    The machinery of `over_time` (checks, one pass, pandas or dask) for
    callers that estimate the periods their own way
    (`cxmetrics.monitoring`). Every period from the first to the last is
    present (empty ones hold no rows); rows without a time make a last
    period, NaT. ``fix`` names what the caller makes, for the error of a
    metric that is not additive.
    """
    timed = _timed_request(
        func, frame, metric, column, time, freq, 0.95, metric_options
    )
    plan = _additive_plan(timed.request, fix)
    stats, index = _additive_periods(timed, plan)
    return stats, index, plan.estimator


def over_time(
    frame: Frame,
    metric: Callable[..., Any],
    *,
    column: Hashable | Sequence[Hashable],
    time: Hashable,
    freq: str = "M",
    compare_to: str | None = None,
    confidence: float = 0.95,
    **metric_options: Any,
) -> pd.DataFrame:
    r"""A metric for each period (day, week, month, quarter, year), in time order.

    Parameters
    ----------
    frame : pandas.DataFrame or dask.dataframe.DataFrame
        One row per response, ticket, call or visitor, with a time column.
    metric : callable
        The public metric function itself, as for `by_segment`.
    column : column name or tuple of column names
        The metric's data columns, as for `by_segment`.
    time : column name
        When each row happened: datetime64, naive or time-zone aware, or ISO
        8601 text. Aware times fall in the periods of their own wall clock
        (UTC for text whose offsets differ, as across a clock change);
        convert them first (``.dt.tz_convert("Europe/Berlin")``) to count
        the periods of another zone.
    freq : str
        Period length (default ``'M'``), with the aliases of
        `cxmetrics.customer_flows`: ``'D'``, ``'W'`` (Monday to Sunday) or
        ``'W-MON'`` ... ``'W-SUN'``, ``'M'``/``'ME'``/``'MS'``,
        ``'Q'``/``'QE'``/``'QS'`` (and anchored quarters), ``'Y'``/``'YE'``/
        ``'YS'``/``'A'``.
    compare_to : {None, 'previous'}
        With ``'previous'``, each period is tested against the one before.
    confidence : float
        Confidence level of the intervals.
    **metric_options
        The metric's own options, as for `by_segment`.

    Returns
    -------
    pandas.DataFrame
        Indexed by a PeriodIndex named ``"period"``: one row per period
        from the first to the last, empty periods included with ``n = 0``
        and NaN values. The columns of `by_segment` up to ``effective_n``:
        ``n``, ``value``, ``ci_low``, ``ci_high``, the metric's own
        columns, ``n_missing``, ``effective_n``. With
        ``compare_to="previous"`` also ``change`` (this period's value
        minus the one before), ``change_ci_low``, ``change_ci_high`` and
        ``p_value``.

    Raises
    ------
    InputError
        As `by_segment`; also a time column that holds no dates, and an
        unknown ``freq`` or ``compare_to``.

    Notes
    -----
    Two periods hold different rows, so the change is the two-sample
    comparison of independent samples, by the methods of
    `cxmetrics.compare` (for durations: the change of the median and
    Mood's median test, without an interval). The p-value is not adjusted:
    a trend is read one step at a time; pass the column to
    `cxmetrics.adjust_pvalues` when scanning many periods for any change.
    The change into or out of an empty period is NaN.

    Rows with a missing time are not dropped: they form a last row whose
    period is NaT, outside the changes.

    Examples
    --------
    CSAT of the sample survey by quarter, each quarter against the one
    before:

    >>> import cxmetrics as cx
    >>> survey = cx.datasets.load_survey()
    >>> trend = cx.over_time(
    ...     survey, cx.csat, column="csat", time="date", freq="Q",
    ...     compare_to="previous")
    >>> trend[["n", "value", "change", "p_value"]].round(3)
              n  value  change  p_value
    period
    2025Q1  728  0.790     NaN      NaN
    2025Q2  713  0.802   0.012    0.559
    2025Q3  740  0.793  -0.009    0.669
    2025Q4  770  0.809   0.016    0.440
    """
    func = "over_time"
    check_option(func, "compare_to", compare_to, (None, "previous"))
    level = check_confidence(func, confidence)
    timed = _timed_request(
        func, frame, metric, column, time, freq, level, metric_options
    )
    frame, request, dask, freq = timed.frame, timed.request, timed.dask, timed.freq
    plan = request.plan
    if isinstance(plan, SurvivalPlan):
        return _survival_over_time(
            frame, request, plan, timed.ordinals_of, freq, compare_to, dask=dask
        )
    if isinstance(plan, DurationPlan):
        if dask:
            raise _not_additive(request)
        position, index = _period_index(timed.ordinals_of(frame), freq)
        with request.errors():
            grouped = plan.group(
                request.data(frame), position.astype(np.intp), len(index)
            )
            plan.check_some_valid(grouped)
        columns = _duration_columns(plan, grouped)
        if compare_to == "previous":
            dated = int(np.count_nonzero(~np.asarray(index.isna())))
            columns.update(_changes_durations(plan, grouped, dated))
        table: pd.DataFrame = pd.DataFrame(columns, index=index)
        return table

    stats, index = _additive_periods(timed, plan)
    estimator: Any = plan.estimator
    columns = _without_interval(_table(stats, estimator.columns(stats)), plan.interval)
    if compare_to == "previous":
        dated = int(np.count_nonzero(~np.asarray(index.isna())))
        columns.update(_changes_additive(plan, stats, dated, level))
    trend: pd.DataFrame = pd.DataFrame(columns, index=index)
    return trend
