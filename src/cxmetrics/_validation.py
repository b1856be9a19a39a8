"""Input validation and standardization: the one door every public function uses.

Each check takes the public function's name (``func``) and the caller's
parameter name (``name``) so that a message reads like
``nps: 3 of 1,204 scores are outside the 0-10 scale (11, -1, 10.5)``.
The functions return cleaned numpy arrays; code after them may assume clean
input.
"""

from __future__ import annotations

import decimal
import numbers
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, Literal, TypeAlias, TypeGuard

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "MAX_COUNT",
    "NAN_POLICIES",
    "InputError",
    "NanPolicy",
    "Scale",
    "as_array",
    "boolean_array",
    "check_array_like",
    "check_confidence",
    "check_count",
    "check_one_dimensional",
    "check_option",
    "check_points",
    "check_positive_int",
    "check_resamples",
    "check_rng",
    "check_same_index",
    "check_scale",
    "check_scale_values",
    "check_weights",
    "format_count",
    "format_examples",
    "format_scale",
    "integer_array",
    "is_real",
    "is_whole",
    "make_rng",
    "missing_rows",
    "one_dimensional_array",
    "to_float_array",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
NanPolicy: TypeAlias = Literal["omit", "raise", "propagate"]
Scale: TypeAlias = tuple[int, int]

NAN_POLICIES = ("omit", "raise", "propagate")
_MAX_EXAMPLES = 3


class InputError(ValueError):
    """Bad input to a cxmetrics function.

    The message names the function, the parameter, the rule that was broken,
    how many values break it and a few of them. It subclasses `ValueError`,
    so ``except ValueError`` catches it too.

    Examples
    --------
    >>> import cxmetrics as cx
    >>> try:
    ...     cx.nps([10, 9, 11])
    ... except cx.InputError as err:
    ...     print(err)
    nps: 1 of 3 scores are outside the 0-10 scale (11)
    """


def format_count(n: int) -> str:
    """Format a count with thousands separators: ``1204 -> '1,204'``."""
    return f"{n:,}"


def _format_value(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**16:
        digits = str(abs(value))  # too many digits to show, maybe too big for float
        sign = "-" if value < 0 else ""
        return f"{sign}{digits[0]}.{digits[1:4]}e+{len(digits) - 1}"
    if isinstance(value, (float, np.floating)):
        if np.isfinite(value) and float(value).is_integer():
            return str(int(value))
        return f"{float(value):g}"
    if isinstance(value, (np.integer, np.bool_)):
        return str(value.item())
    if isinstance(value, str):
        return repr(value)
    return str(value)


def format_scale(scale: Scale) -> str:
    """A scale as text: ``(0, 10) -> '0-10'``, ``(-3, 3) -> '-3 to 3'``."""
    low, high = scale
    return f"{low}-{high}" if low >= 0 else f"{low} to {high}"


def format_examples(values: Iterable[Any]) -> str:
    """Up to three distinct example values, comma separated, in first-seen order."""
    seen: list[str] = []
    for value in values:
        text = _format_value(value)
        if text not in seen:
            seen.append(text)
            if len(seen) == _MAX_EXAMPLES:
                break
    return ", ".join(seen)


def is_real(
    value: object,
) -> TypeGuard[int | float | np.integer[Any] | np.floating[Any]]:
    """A real number: a Python or numpy int or float, not a bool nor a time span.

    numpy's ``timedelta64`` is an integer type to numpy; it is no number to a
    caller, and neither is a ``datetime64`` or a bool.
    """
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_, np.timedelta64, np.datetime64)
    )


def real_float(
    func: str, name: str, value: int | float | np.integer[Any] | np.floating[Any]
) -> float:
    """A real number (see `is_real`) as a float, refusing a Python int beyond it."""
    try:
        return float(value)
    except OverflowError:
        raise InputError(
            f"{func}: {name} is too large for floating point "
            f"({format_examples([value])})"
        ) from None


def is_whole(value: object) -> TypeGuard[int | np.integer[Any]]:
    """A Python or numpy int (not a bool nor a time span)."""
    return is_real(value) and isinstance(value, (int, np.integer))


def check_option(func: str, name: str, value: object, allowed: Sequence[Any]) -> None:
    """Raise `InputError` unless ``value`` is one of ``allowed``, listing them."""
    if not (value is None or isinstance(value, str)) or value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise InputError(f"{func}: {name}={value!r} is not one of {choices}")


def check_confidence(func: str, confidence: object) -> float:
    """Return ``confidence`` as a float strictly between 0 and 1."""
    if not is_real(confidence):
        raise InputError(
            f"{func}: confidence must be a number between 0 and 1; got {confidence!r}"
        )
    level = float(confidence)
    if not 0.0 < level < 1.0:
        raise InputError(
            f"{func}: confidence must be between 0 and 1 (exclusive); got {level:g}"
        )
    return level


def check_positive_int(func: str, name: str, value: object) -> int:
    """Return ``value`` as an int of at least 1."""
    if not is_whole(value):
        raise InputError(f"{func}: {name} must be a whole number; got {value!r}")
    if value < 1:
        raise InputError(f"{func}: {name} must be at least 1; got {value}")
    return int(value)


#: The most resamples a randomized interval draws: the draws are held in
#: memory, 8 bytes each (10**7 take 80 MB per sample compared).
MAX_RESAMPLES = 10_000_000


def check_resamples(func: str, n_resamples: object) -> int:
    """Return ``n_resamples`` as an int from 1 to `MAX_RESAMPLES`."""
    count = check_positive_int(func, "n_resamples", n_resamples)
    if count > MAX_RESAMPLES:
        raise InputError(
            f"{func}: n_resamples={count:,} is more than {MAX_RESAMPLES:,}; the "
            "draws are held in memory (8 bytes each), and beyond 10**5 the "
            "interval's Monte Carlo error is already far below its width"
        )
    return count


def check_rng(func: str, rng: object) -> None:
    """Raise `InputError` unless ``rng`` is None, a seed or a Generator.

    Checked even where the interval method draws no random numbers, so a bad
    ``rng`` is an error whatever ``ci`` is.
    """
    valid = rng is None or isinstance(
        rng, (np.random.Generator, np.random.SeedSequence)
    )
    if is_whole(rng):
        valid = bool(rng >= 0)
    if not valid:
        raise InputError(
            f"{func}: rng must be None, a non-negative int seed or a "
            f"numpy.random.Generator; got {rng!r}"
        )


def make_rng(func: str, rng: object) -> np.random.Generator:
    """Turn ``rng`` (None, an int seed, a SeedSequence, a Generator) into one."""
    check_rng(func, rng)
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)  # type: ignore[arg-type]


#: The most points a rating scale may have: answers are counted per point, in
#: a histogram per segment (a 0-100 slider has 101 points).
MAX_SCALE_POINTS = 10_001


def check_scale(func: str, scale: object) -> Scale:
    """Return ``scale`` as ``(low, high)``, two integers with low < high."""
    if (
        not isinstance(scale, (tuple, list, np.ndarray))
        or len(scale) != 2
        or not all(is_whole(s) for s in scale)
    ):
        shown = tuple(scale.tolist()) if isinstance(scale, np.ndarray) else scale
        raise InputError(
            f"{func}: scale must be a pair of whole numbers (low, high); got {shown!r}"
        )
    low, high = int(scale[0]), int(scale[1])
    if low >= high:
        raise InputError(f"{func}: scale must have low < high; got ({low}, {high})")
    points = high - low + 1
    if points > MAX_SCALE_POINTS or max(abs(low), abs(high)) > 2**53:
        raise InputError(
            f"{func}: scale ({low}, {high}) has {points:,} points, more than the "
            f"{MAX_SCALE_POINTS:,} a rating scale may have (answers are counted "
            "per point); for values that are not ratings use a mean of the "
            "values, e.g. mean_from_sums"
        )
    return low, high


def check_points(
    func: str, name: str, points: object, scale: Scale
) -> npt.NDArray[np.int64]:
    """Return scale points (``satisfied=``, ``easy=``) as sorted unique ints."""
    if is_whole(points):
        points = [points]
    if not isinstance(points, Iterable) or isinstance(points, (str, bytes)):
        raise InputError(
            f"{func}: {name} must be a collection of scale points; got {points!r}"
        )
    items = list(points)
    if not items:
        raise InputError(f"{func}: {name} must name at least one scale point")
    not_whole = [p for p in items if not is_whole(p)]
    if not_whole:
        raise InputError(
            f"{func}: {name} must be whole numbers; got "
            f"{', '.join(repr(p) for p in not_whole[:_MAX_EXAMPLES])}"
        )
    low, high = scale
    outside = [p for p in items if not low <= p <= high]
    if outside:
        raise InputError(
            f"{func}: {len(outside)} of {len(items)} {name} points are outside the "
            f"{format_scale(scale)} scale ({format_examples(outside)})"
        )
    return np.unique(np.asarray(items, dtype=np.int64))


def _describe_kind(values: npt.NDArray[Any]) -> str:
    kind = values.dtype.kind
    if kind in "Mm":
        return "dates or times" if kind == "M" else "time spans"
    if kind in "US":
        return "text"
    return f"values of type {values.dtype}"


def check_array_like(values: object, *, func: str, name: str, what: str) -> None:
    """Refuse text, mappings and None where an array-like of ``what`` belongs."""
    if isinstance(values, (str, bytes, dict)) or values is None:
        raise InputError(
            f"{func}: {name} must be a one-dimensional array-like of {what}; "
            f"got {type(values).__name__}"
        )


def as_array(
    values: object, *, func: str, name: str, what: str = "a one-dimensional array"
) -> npt.NDArray[Any]:
    """``np.asarray(values)``; input numpy cannot read (ragged lists) raises."""
    try:
        return np.asarray(values)
    except (ValueError, TypeError) as err:
        raise InputError(
            f"{func}: {name} could not be read as {what} ({err})"
        ) from None


def check_one_dimensional(array: npt.NDArray[Any], *, func: str, name: str) -> None:
    """Refuse an array of more (or fewer) than one dimension, naming its shape."""
    if array.ndim != 1:
        raise InputError(
            f"{func}: {name} must be one-dimensional; got shape {array.shape}"
        )


def one_dimensional_array(
    values: object, *, func: str, name: str, what: str
) -> npt.NDArray[Any]:
    """``values`` as a one-dimensional numpy array of anything (not yet checked).

    A single value is refused as not an array-like of ``what``.
    """
    array = as_array(values, func=func, name=name)
    if array.ndim == 0:
        raise InputError(
            f"{func}: {name} must be a one-dimensional array-like of {what}; "
            f"got a single {type(values).__name__}"
        )
    check_one_dimensional(array, func=func, name=name)
    return array


#: The largest count float64 holds exactly (2**53); counts above it are refused.
MAX_COUNT = 2**53


def check_count(func: str, name: str, value: object) -> int:
    """A non-negative whole number given as an int or a whole float, at most 2**53.

    Counts are summed and divided in float64, which holds every whole number
    up to 2**53 exactly and none much beyond without rounding.
    """
    if not is_real(value):
        raise InputError(f"{func}: {name} must be a whole number; got {value!r}")
    if isinstance(value, (float, np.floating)) and (
        not np.isfinite(value) or value != int(value)
    ):
        raise InputError(
            f"{func}: {name} must be a non-negative whole number; got {value!r}"
        )
    count = int(value)
    if count < 0:
        raise InputError(
            f"{func}: {name} must be a non-negative whole number; got {value!r}"
        )
    if count > MAX_COUNT:
        raise InputError(
            f"{func}: {name} is {count:.4g}, more than {MAX_COUNT:,} (2**53), the "
            "largest count that floating point holds exactly"
        )
    return count


def boolean_array(values: object) -> npt.NDArray[np.bool_] | None:
    """The values as a one-dimensional numpy bool array when they are one, else None.

    Booleans cannot be missing, so callers may use them as they are.
    """
    if isinstance(values, pd.Series) and values.dtype == np.bool_:
        values = values.to_numpy()
    if type(values) is np.ndarray and values.dtype == np.bool_ and values.ndim == 1:
        return values
    return None


def integer_array(values: object) -> npt.NDArray[np.integer[Any]] | None:
    """The values as a numpy integer array when they already are one, else None.

    Integers cannot be missing or fractional, so callers may skip the float
    copy and the checks for missing values. A pandas Series of integers
    counts when it holds no missing value (with one, ``to_numpy`` gives
    objects).
    """
    if isinstance(values, pd.Series) and values.dtype.kind in "iu":
        values = values.to_numpy()
    if (
        type(values) is np.ndarray  # not a masked array: its mask must be read
        and values.ndim == 1
        and values.dtype.kind in "iu"
    ):
        return values
    return None


def to_float_array(
    values: object,
    *,
    func: str,
    name: str,
    allow_bool: bool = True,
) -> FloatArray:
    """Coerce a one-dimensional array-like of numbers to float64, missing as NaN.

    Accepts lists, tuples, numpy arrays, pandas Series (numpy or nullable
    dtypes, ``pd.NA`` becomes NaN) and Categoricals of numbers. Text, dates
    and other non-numbers raise `InputError`, naming a few of them.
    """
    check_array_like(values, func=func, name=name, what="numbers")
    if isinstance(values, np.ma.MaskedArray):
        return _unmasked(values, func=func, name=name, allow_bool=allow_bool)
    if isinstance(
        values, (pd.Series, pd.Index, pd.Categorical, pd.api.extensions.ExtensionArray)
    ):
        return _pandas_to_float(values, func=func, name=name, allow_bool=allow_bool)
    array = one_dimensional_array(values, func=func, name=name, what="numbers")
    kind = array.dtype.kind
    if kind in "iuf":
        return array.astype(np.float64, copy=False)
    if kind == "b":
        if not allow_bool:
            raise InputError(f"{func}: {name} must be numbers; got booleans")
        return array.astype(np.float64)
    if kind == "O":
        return _object_to_float(array, func=func, name=name, allow_bool=allow_bool)
    raise InputError(
        f"{func}: {name} must be numbers; got {_describe_kind(array)} such as "
        f"{format_examples(array[:_MAX_EXAMPLES].tolist())}"
    )


def _unmasked(
    values: np.ma.MaskedArray[Any, Any], *, func: str, name: str, allow_bool: bool
) -> FloatArray:
    """A masked array as floats, its masked entries missing (NaN)."""
    mask = np.ma.getmaskarray(values)
    data = to_float_array(
        np.ma.getdata(values), func=func, name=name, allow_bool=allow_bool
    )
    out: FloatArray = data.copy()
    out[mask] = np.nan
    return out


def _pandas_to_float(
    values: pd.Series[Any]
    | pd.Index[Any]
    | pd.Categorical
    | pd.api.extensions.ExtensionArray,
    *,
    func: str,
    name: str,
    allow_bool: bool,
) -> FloatArray:
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = dtype.categories
        if not pd.api.types.is_numeric_dtype(
            categories.dtype
        ) or pd.api.types.is_bool_dtype(categories.dtype):
            raise InputError(
                f"{func}: {name} is a Categorical of non-numbers such as "
                f"{format_examples(categories[:_MAX_EXAMPLES].tolist())}"
            )
        series = pd.Series(values, copy=False)
        return np.asarray(series.astype("float64"), dtype=np.float64)
    if pd.api.types.is_bool_dtype(dtype):
        if not allow_bool:
            raise InputError(f"{func}: {name} must be numbers; got booleans")
        booleans = pd.Series(values, copy=False).astype("boolean")
        return np.asarray(
            booleans.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64
        )
    if pd.api.types.is_numeric_dtype(dtype):
        numbers = pd.Series(values, copy=False)
        return np.asarray(
            numbers.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64
        )
    array = np.asarray(values, dtype=object)
    if pd.api.types.is_object_dtype(dtype):
        return _object_to_float(array, func=func, name=name, allow_bool=allow_bool)
    raise InputError(
        f"{func}: {name} must be numbers; got {_describe_pandas_kind(dtype)} "
        f"such as {format_examples(array[:_MAX_EXAMPLES].tolist())}"
    )


def _describe_pandas_kind(dtype: Any) -> str:
    """Name a non-numeric pandas dtype by what it holds, not by its unit."""
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "dates or times"
    if pd.api.types.is_timedelta64_dtype(dtype):
        return "time spans"
    if pd.api.types.is_string_dtype(dtype):
        return "text"
    return f"values of type {dtype}"


def _object_to_float(
    array: npt.NDArray[Any], *, func: str, name: str, allow_bool: bool
) -> FloatArray:
    missing = np.asarray(pd.isna(array), dtype=bool)
    present = array[~missing]
    is_bool = np.fromiter(
        (isinstance(v, (bool, np.bool_)) for v in present),
        dtype=bool,
        count=present.size,
    )
    is_number = np.fromiter(
        (
            isinstance(v, (numbers.Real, decimal.Decimal))
            and not isinstance(v, (np.timedelta64, np.datetime64))  # time, not number
            for v in present
        ),
        dtype=bool,
        count=present.size,
    )
    if not allow_bool and is_bool.any():
        raise InputError(
            f"{func}: {format_count(int(is_bool.sum()))} of {format_count(array.size)} "
            f"{name} are booleans ({format_examples(present[is_bool])}); "
            f"{name} must be numbers"
        )
    bad = present[~(is_number | is_bool)]
    if bad.size:
        raise InputError(
            f"{func}: {format_count(bad.size)} of {format_count(array.size)} {name} "
            f"are not numbers ({format_examples(bad.tolist())})"
        )
    out = np.full(array.shape, np.nan)
    try:
        out[~missing] = present.astype(np.float64)
    except OverflowError:
        huge = [v for v in present if isinstance(v, int) and abs(v) > 2**1023]
        raise InputError(
            f"{func}: {format_count(len(huge))} of {format_count(array.size)} "
            f"{name} are too large for floating point ({format_examples(huge)})"
        ) from None
    return out


def missing_rows(
    values: FloatArray, *, func: str, name: str, nan_policy: object
) -> npt.NDArray[np.bool_] | None:
    """Where ``values`` are missing (None when none is), after ``nan_policy``.

    ``nan_policy="raise"`` raises when any is missing; the other policies
    return the mask (the caller leaves the rows out, and with
    ``"propagate"`` makes the estimate NaN).
    """
    check_option(func, "nan_policy", nan_policy, NAN_POLICIES)
    missing = np.isnan(values)
    count = int(np.count_nonzero(missing))
    if not count:
        return None
    if nan_policy == "raise":
        raise InputError(
            f"{func}: {format_count(count)} of {format_count(values.size)} "
            f"{name} are missing and nan_policy='raise'"
        )
    return missing


def check_weights(weights: object, n: int, *, func: str, name: str) -> FloatArray:
    """Return ``weights`` as float64: aligned with ``n`` values, finite, >= 0.

    ``name`` is the caller's word for the values ("scores", "ratings").
    Valid weights cost two reductions; the masks that name the bad values
    are built only when a check fails.
    """
    w = to_float_array(weights, func=func, name="weights", allow_bool=False)
    if w.size != n:
        raise InputError(
            f"{func}: weights has {format_count(w.size)} values but there are "
            f"{format_count(n)} {name}; they must align one to one"
        )
    if w.size == 0 or (w.min() >= 0 and np.isfinite(w.max())):
        return _rescaled(w)  # NaN fails both comparisons above and falls through
    bad = ~np.isfinite(w)
    if bad.any():
        raise InputError(
            f"{func}: {format_count(int(bad.sum()))} of {format_count(n)} weights are "
            f"missing or infinite ({format_examples(w[bad])})"
        )
    negative = w < 0
    raise InputError(
        f"{func}: {format_count(int(negative.sum()))} of {format_count(n)} weights "
        f"are negative ({format_examples(w[negative])})"
    )


#: Weights whose largest value lies outside [2**-450, 2**450] are rescaled.
_WEIGHT_EXPONENT_LIMIT = 450


def _rescaled(weights: FloatArray) -> FloatArray:
    """Weights divided by a power of two when their squares could overflow.

    Only the ratios of weights matter to an estimate, and a power of two
    changes no digit; it keeps sums of weights and of squared weights finite
    (weights of 1e200 square to infinity) and away from underflow.
    """
    if not weights.size:
        return weights
    top = float(weights.max())
    if top == 0.0:
        return weights
    exponent = int(np.frexp(top)[1])
    if -_WEIGHT_EXPONENT_LIMIT <= exponent <= _WEIGHT_EXPONENT_LIMIT:
        return weights
    return np.ldexp(weights, -exponent)


#: Columns of a frame named in a message before "and N more".
_MAX_COLUMNS_SHOWN = 10


def format_columns(columns: Sequence[Hashable]) -> str:
    """A frame's columns for a message: ``'a', 'b' and 12 more``."""
    shown = ", ".join(repr(c) for c in list(columns)[:_MAX_COLUMNS_SHOWN])
    more = len(columns) - _MAX_COLUMNS_SHOWN
    return shown + (f" and {format_count(more)} more" if more > 0 else "")


def column_list(func: str, name: str, value: object) -> list[Hashable]:
    """Column labels given as one label or as an ordered collection of them.

    One label (text, a number) gives a list of one; a list, tuple, array or
    Index gives its items in order. None, and sets or dicts (which have no
    order to keep), raise `InputError`.
    """
    if value is None:
        raise InputError(f"{func}: {name} must name at least one column; got None")
    if isinstance(value, (set, frozenset, dict)):
        raise InputError(
            f"{func}: {name} must be a list of column names, in the order "
            f"wanted; got a {type(value).__name__}, which has no order"
        )
    if isinstance(value, str) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def check_columns(
    func: str, frame: pd.DataFrame, names: Sequence[object], role: str
) -> None:
    """Refuse ``names`` that are not columns of ``frame``, listing its columns.

    A name that cannot be a label (a list, say) is refused as such.
    """
    unlabelled = [name for name in names if not isinstance(name, Hashable)]
    if unlabelled:
        raise InputError(
            f"{func}: a {role} must be named by a column label; got a "
            f"{type(unlabelled[0]).__name__} ({format_examples(unlabelled)})"
        )
    absent = [name for name in names if name not in frame.columns]
    if absent:
        raise InputError(
            f"{func}: {format_count(len(absent))} {role}"
            f"{'s' * (len(absent) != 1)} not in frame ({format_examples(absent)}); "
            f"its columns: {format_columns(list(frame.columns))}"
        )


def weights_of_frame(func: str, frame: pd.DataFrame, weights: object) -> object:
    """Weights given next to a frame: None, a column's name, or one per row.

    None is 1 for every row; a name is looked up among the frame's columns
    (text that names none is an error); a Series must carry the frame's
    index. Returns the weights as given, for `check_weights`.
    """
    if weights is None:
        return np.ones(len(frame.index))
    if isinstance(weights, Hashable) and not isinstance(weights, tuple):
        if weights in frame.columns:
            return frame[weights]
        if isinstance(weights, str):
            raise InputError(
                f"{func}: weights {weights!r} is not a column of frame; give a "
                "column name or one weight per row"
            )
    if isinstance(weights, pd.Series):
        check_same_index(func, {"frame": frame, "weights": weights})
    return weights


def check_same_index(func: str, named: dict[str, object]) -> None:
    """Pandas objects passed together must carry one index (same labels, same order).

    Arrays and lists go by position; a Series or Index passed beside another
    pandas object is matched by position too, so their indexes must agree
    or the rows would pair up by accident.
    """
    indexed = [
        (name, value.index)
        for name, value in named.items()
        if isinstance(value, (pd.Series, pd.DataFrame))
    ]
    if len(indexed) < 2:
        return
    first_name, first = indexed[0]
    for name, index in indexed[1:]:
        if not first.equals(index):
            raise InputError(
                f"{func}: {first_name} and {name} are pandas objects with different "
                "indexes; rows are matched by position, so give them the same "
                f"index (e.g. {name}.reindex({first_name}.index)) or pass arrays"
            )


def check_scale_values(
    values: FloatArray, *, func: str, name: str, scale: Scale
) -> npt.NDArray[np.intp]:
    """Check that every value is a whole point of ``scale``; return ``value - low``.

    The returned offsets index a histogram of the scale's points.
    """
    low, high = scale
    if values.size == 0:
        return np.empty(0, dtype=np.intp)
    lo, hi = values.min(), values.max()
    if lo < low or hi > high:
        outside = values[(values < low) | (values > high)]
        raise InputError(
            f"{func}: {format_count(outside.size)} of {format_count(values.size)} "
            f"{name} are outside the {format_scale(scale)} scale "
            f"({format_examples(outside)})"
        )
    shifted = values - low if low else values
    offsets = shifted.astype(np.intp)
    fractional = offsets != shifted
    if fractional.any():
        bad = values[fractional]
        raise InputError(
            f"{func}: {format_count(bad.size)} of {format_count(values.size)} {name} "
            f"are not whole points of the {format_scale(scale)} scale "
            f"({format_examples(bad)})"
        )
    return offsets
