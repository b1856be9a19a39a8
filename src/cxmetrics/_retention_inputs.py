"""Input handling shared by the retention modules: numbers, dates, customers.

Every table-shaped retention metric (flows, cohorts, MRR movements) reads
its dates through `cxmetrics._timestamps` and maps each to an integer period
ordinal once (`cxmetrics._periods`); the helpers here put the date arguments
of a call on one wall clock, code the customers and apply the missing-value
policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics._timestamps import Timestamps, check_same_awareness, wall_clock
from cxmetrics._validation import (
    InputError,
    as_array,
    check_array_like,
    format_count,
    format_examples,
    one_dimensional_array,
    to_float_array,
)
from cxmetrics.results import RateResult

__all__ = [
    "TABLE_NAN_POLICIES",
    "Log",
    "apply_nan_policy",
    "check_aligned",
    "check_amounts",
    "check_within",
    "compact_codes",
    "customer_codes",
    "one_dimensional",
    "read_log",
    "to_numbers",
    "wall_clocks",
    "weighted_bincount",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
DateArray: TypeAlias = npt.NDArray[np.datetime64]

#: Missing-value policies of the table-shaped functions ("propagate" would
#: turn a whole table into NaN, which no analysis wants).
TABLE_NAN_POLICIES = ("omit", "raise")


def to_numbers(func: str, name: str, value: object) -> tuple[FloatArray, bool]:
    """``value`` as a float array of any shape and whether it was a scalar."""
    if isinstance(value, RateResult):
        value = value.value
    if isinstance(value, (str, bytes, dict)) or value is None:
        raise InputError(
            f"{func}: {name} must be a number or an array of numbers; "
            f"got {type(value).__name__}"
        )
    array = as_array(value, func=func, name=name, what="an array of numbers")
    if array.dtype.kind not in "iuf" and array.dtype.kind != "O":
        raise InputError(
            f"{func}: {name} must be numbers; got "
            f"{format_examples(array.ravel()[:3].tolist())}"
        )
    if array.dtype.kind == "O":
        flat = to_float_array(array.ravel(), func=func, name=name, allow_bool=False)
        array = flat.reshape(array.shape)
    return array.astype(np.float64, copy=False), array.ndim == 0


def check_within(
    func: str, name: str, values: FloatArray, low: float, high: float = np.inf
) -> None:
    """Raise unless every value is a finite number in [low, high]."""
    missing = np.isnan(values)
    infinite = np.isinf(values)
    outside = ~missing & ~infinite & ((values < low) | (values > high))
    rule = f"outside {low:g}-{high:g}" if np.isfinite(high) else f"below {low:g}"
    if low == 0 and not np.isfinite(high):
        rule = "negative"
    for mask, broken in ((missing, "missing"), (infinite, "infinite"), (outside, rule)):
        if mask.any():
            if values.ndim == 0:
                raise InputError(f"{func}: {name} is {broken}; got {float(values):g}")
            raise InputError(
                f"{func}: {format_count(int(mask.sum()))} of "
                f"{format_count(values.size)} {name} values are {broken} "
                f"({format_examples(values[mask].ravel())})"
            )


@attrs.frozen(eq=False)
class Log:
    """A customer log's rows, those with a missing value left out.

    ``codes`` are the customers' codes (as `customer_codes` gave them, not
    renumbered), ``walls`` the wall-clock readings of each date argument,
    ``amounts`` the amounts by argument name, ``n_missing`` the rows left
    out.
    """

    codes: IntArray
    walls: list[IntArray]
    amounts: dict[str, FloatArray]
    n_missing: int


def read_log(
    func: str,
    nan_policy: str,
    codes: IntArray,
    stamps: list[Timestamps],
    amounts: Mapping[str, Any],
) -> Log:
    """The rows of a customer log (customers, dates, amounts), checked together.

    ``amounts`` maps argument names to amounts (None: not given), read as
    numbers. The arguments must align; no rows is an error; the dates are
    read on their wall clocks (`wall_clocks`); rows with a missing customer,
    date or amount are left out and counted, or raise under
    ``nan_policy='raise'``.
    """
    numbers = {
        name: to_float_array(values, func=func, name=name, allow_bool=False)
        for name, values in amounts.items()
        if values is not None
    }
    check_aligned(
        func,
        ("customer_ids", codes.size),
        *((s.name, s.size) for s in stamps),
        *((name, values.size) for name, values in numbers.items()),
    )
    if codes.size == 0:
        raise InputError(f"{func}: customer_ids is empty")
    walls = wall_clocks(func, *stamps)
    masks = [
        ("customer_ids", codes < 0),
        *((s.name, s.missing) for s in stamps),
        *((name, np.isnan(values)) for name, values in numbers.items()),
    ]
    n_missing = apply_nan_policy(func, nan_policy, *masks)
    if n_missing:
        kept = ~np.logical_or.reduce([mask for _, mask in masks])
        codes, walls = codes[kept], [wall[kept] for wall in walls]
        numbers = {name: values[kept] for name, values in numbers.items()}
    return Log(codes=codes, walls=walls, amounts=numbers, n_missing=n_missing)


def wall_clocks(func: str, *stamps: Timestamps) -> list[IntArray]:
    """Wall-clock readings of a call's date arguments, for their periods.

    Naive dates as they are; aware ones on the clock of their own zone. A
    naive argument with an aware one raises.
    """
    check_same_awareness(func, *stamps)
    return [wall_clock(s, s.zone) for s in stamps]


def one_dimensional(func: str, name: str, values: Any, what: str) -> Any:
    """``values`` as a one-dimensional numpy or pandas array, or an InputError."""
    check_array_like(values, func=func, name=name, what=what)
    if isinstance(values, (pd.Series, pd.Index)):
        is_numpy = isinstance(values.dtype, np.dtype)
        return values.to_numpy() if is_numpy else values.array
    if isinstance(values, pd.api.extensions.ExtensionArray):
        return values
    return one_dimensional_array(values, func=func, name=name, what=what)


def check_aligned(func: str, first: tuple[str, int], *others: tuple[str, int]) -> None:
    """Every array has as many values as the first."""
    name, size = first
    for other, other_size in others:
        if other_size != size:
            raise InputError(
                f"{func}: {other} has {format_count(other_size)} values but there "
                f"are {format_count(size)} {name}; they must align one to one"
            )


def apply_nan_policy(func: str, nan_policy: str, *masks: tuple[str, BoolArray]) -> int:
    """Rows to leave out for a missing value; raise under ``'raise'``."""
    for name, mask in masks:
        missing = int(np.count_nonzero(mask))
        if missing and nan_policy == "raise":
            raise InputError(
                f"{func}: {format_count(missing)} of {format_count(mask.size)} "
                f"{name} are missing and nan_policy='raise'"
            )
    dropped = int(np.count_nonzero(np.logical_or.reduce([m for _, m in masks])))
    if dropped == masks[0][1].size:
        names = [name for name, _ in masks]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1])
        if len(names) > 1:
            listed += f" or {names[-1]}"
        raise InputError(
            f"{func}: no valid rows: all {format_count(dropped)} have a missing "
            f"value in {listed}"
        )
    return dropped


def customer_codes(
    func: str, name: str, customer_ids: Any
) -> tuple[IntArray, npt.NDArray[Any]]:
    """Integer codes 0..k-1 per customer (-1 where missing) and the customers."""
    array = one_dimensional(func, name, customer_ids, "customers")
    try:
        codes, uniques = pd.factorize(array)
    except TypeError:
        unhashable = [value for value in array if not _hashable(value)]
        raise InputError(
            f"{func}: {format_count(len(unhashable))} of {format_count(len(array))} "
            f"{name} are not hashable ({format_examples(unhashable)}); give each "
            "customer an id such as a number or a text"
        ) from None
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def compact_codes(
    codes: IntArray, uniques: npt.NDArray[Any]
) -> tuple[IntArray, npt.NDArray[Any]]:
    """Renumber the codes of the customers left after rows were omitted."""
    present = np.bincount(codes, minlength=uniques.size) > 0
    renumber = np.cumsum(present) - 1
    return renumber[codes].astype(np.int64), uniques[present]


def check_amounts(func: str, name: str, values: FloatArray) -> None:
    """Refuse infinite and negative amounts (revenue); NaN is the caller's."""
    for broken, rule in ((np.isinf(values), "infinite"), (values < 0, "negative")):
        if broken.any():
            raise InputError(
                f"{func}: {format_count(int(broken.sum()))} of "
                f"{format_count(values.size)} {name} are {rule} "
                f"({format_examples(values[broken])})"
            )


def weighted_bincount(codes: IntArray, weights: FloatArray, size: int) -> FloatArray:
    """Sums of ``weights`` per code 0..size-1."""
    return np.asarray(
        np.bincount(codes, weights=weights, minlength=size), dtype=np.float64
    )
