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
from collections.abc import Iterable, Sequence
from typing import Any, Literal, TypeAlias, TypeGuard

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
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
    "check_rng",
    "check_scale",
    "check_scale_values",
    "check_weights",
    "format_count",
    "format_examples",
    "format_scale",
    "integer_array",
    "is_integer",
    "is_number",
    "make_rng",
    "one_dimensional_array",
    "to_float_array",
    "valid_values",
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


def is_number(
    value: object,
) -> TypeGuard[int | float | np.integer[Any] | np.floating[Any]]:
    """Whether ``value`` is one real number: an int or a float, Python or numpy.

    Booleans are not numbers here, nor are ``numpy.timedelta64`` values,
    which numpy counts among its integers but which are time spans: a
    duration argument reads them as seconds (`cxmetrics._seconds`), and
    every other number refuses them.
    """
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_, np.timedelta64)
    )


def is_integer(value: object) -> TypeGuard[int | np.integer[Any]]:
    """Whether ``value`` is one whole number of an integer type (not a bool)."""
    return isinstance(value, (int, np.integer)) and not isinstance(
        value, (bool, np.bool_, np.timedelta64)
    )


def format_count(n: int) -> str:
    """Format a count with thousands separators: ``1204 -> '1,204'``."""
    return f"{n:,}"


def _format_value(value: Any) -> str:
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


def check_option(func: str, name: str, value: object, allowed: Sequence[Any]) -> None:
    """Raise `InputError` unless ``value`` is one of ``allowed``, listing them."""
    if not (value is None or isinstance(value, str)) or value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise InputError(f"{func}: {name}={value!r} is not one of {choices}")


def check_confidence(func: str, confidence: object) -> float:
    """Return ``confidence`` as a float strictly between 0 and 1."""
    if not is_number(confidence):
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
    if not is_integer(value):
        raise InputError(f"{func}: {name} must be a whole number; got {value!r}")
    if value < 1:
        raise InputError(f"{func}: {name} must be at least 1; got {value}")
    return int(value)


def check_rng(func: str, rng: object) -> None:
    """Raise `InputError` unless ``rng`` is None, a seed or a Generator.

    Checked even where the interval method draws no random numbers, so a bad
    ``rng`` is an error whatever ``ci`` is.
    """
    valid = rng is None or isinstance(
        rng, (np.random.Generator, np.random.SeedSequence)
    )
    if is_integer(rng):
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


def check_scale(func: str, scale: object) -> Scale:
    """Return ``scale`` as ``(low, high)``, two integers with low < high."""
    if (
        not isinstance(scale, (tuple, list, np.ndarray))
        or len(scale) != 2
        or not all(is_integer(s) for s in scale)
    ):
        shown = tuple(scale.tolist()) if isinstance(scale, np.ndarray) else scale
        raise InputError(
            f"{func}: scale must be a pair of whole numbers (low, high); got {shown!r}"
        )
    low, high = int(scale[0]), int(scale[1])
    if low >= high:
        raise InputError(f"{func}: scale must have low < high; got ({low}, {high})")
    return low, high


def check_points(
    func: str, name: str, points: object, scale: Scale
) -> npt.NDArray[np.int64]:
    """Return scale points (``satisfied=``, ``easy=``) as sorted unique ints."""
    if is_integer(points):
        points = [points]
    if not isinstance(points, Iterable) or isinstance(points, (str, bytes)):
        raise InputError(
            f"{func}: {name} must be a collection of scale points; got {points!r}"
        )
    items = list(points)
    if not items:
        raise InputError(f"{func}: {name} must name at least one scale point")
    not_whole = [p for p in items if not is_integer(p)]
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


def check_count(func: str, name: str, value: object) -> int:
    """A non-negative whole number given as an int or a whole float."""
    if not is_number(value):
        raise InputError(f"{func}: {name} must be a whole number; got {value!r}")
    if not np.isfinite(value) or value != int(value) or value < 0:
        raise InputError(
            f"{func}: {name} must be a non-negative whole number; got {value!r}"
        )
    return int(value)


def boolean_array(values: object) -> npt.NDArray[np.bool_] | None:
    """The values as a one-dimensional numpy bool array when they are one, else None.

    Booleans cannot be missing, so callers may use them as they are.
    """
    if isinstance(values, pd.Series) and values.dtype == np.bool_:
        values = values.to_numpy()
    if isinstance(values, np.ndarray) and values.dtype == np.bool_ and values.ndim == 1:
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
        isinstance(values, np.ndarray)
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
    is_real = np.fromiter(
        (
            isinstance(v, (numbers.Real, decimal.Decimal))
            and not isinstance(v, np.timedelta64)  # a time span, not a number
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
    bad = present[~(is_real | is_bool)]
    if bad.size:
        raise InputError(
            f"{func}: {format_count(bad.size)} of {format_count(array.size)} {name} "
            f"are not numbers ({format_examples(bad.tolist())})"
        )
    out = np.full(array.shape, np.nan)
    out[~missing] = present.astype(np.float64)
    return out


@attrs.frozen
class ValidValues:
    """Values left after the missing ones are handled, with their weights."""

    kept: FloatArray
    weights: FloatArray | None
    n_missing: int
    propagate: bool  # a missing value was seen under nan_policy="propagate"


def valid_values(
    values: FloatArray,
    *,
    func: str,
    name: str,
    nan_policy: object,
    weights: object = None,
) -> ValidValues:
    """Apply ``nan_policy`` and check ``weights``; refuse empty input.

    Weights must align with the values, be finite and non-negative, and not
    all be zero among the values that remain. A missing value takes its
    weight with it.
    """
    check_option(func, "nan_policy", nan_policy, NAN_POLICIES)
    w = (
        None
        if weights is None
        else check_weights(weights, values.size, func=func, name=name)
    )
    if values.size == 0:
        raise InputError(f"{func}: {name} is empty")
    missing = np.isnan(values)
    n_missing = int(np.count_nonzero(missing))
    propagate = False
    if n_missing:
        if nan_policy == "raise":
            raise InputError(
                f"{func}: {format_count(n_missing)} of {format_count(values.size)} "
                f"{name} are missing and nan_policy='raise'"
            )
        propagate = nan_policy == "propagate"
        keep = ~missing
        values = values[keep]
        if w is not None:
            w = w[keep]
    if values.size == 0 and not propagate:
        raise InputError(
            f"{func}: no valid {name}: all {format_count(n_missing)} are missing"
        )
    if w is not None and values.size and not w.max() > 0:
        raise InputError(f"{func}: weights of the valid {name} are all zero")
    return ValidValues(kept=values, weights=w, n_missing=n_missing, propagate=propagate)


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
        return w  # NaN fails both comparisons above and falls through
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
