"""How a metric reads its rows and how it segments: plans and their declaration.

A `Plan` is a metric with its options checked and fixed: ``read`` turns the
metric's data into statistics (one group for a single sample, one per
segment or period), and its estimator (`cxmetrics._estimators`) turns
statistics into a result or a table. The public function is the plan run on
one group:

>>> import cxmetrics as cx
>>> plan = segmentation_of(cx.csat).plan_for({})
>>> print(plan.result({"ratings": [5, 4, 2]}))
CSAT 66.7% (95% CI 20.8% to 93.9%, Wilson), n=3

A metric declares how it segments where it is defined, with the
`segmentable` decorator: which parameters hold data (and so name columns of
a frame in `cxmetrics.by_segment`), and the function that makes its plan
from its options. `by_segment` and `over_time` find that declaration on the
function they are given; nothing else lists the metrics.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeAlias, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from cxmetrics._estimators import Estimator
from cxmetrics._stats import Codes, MomentStats, RateStats, Stats
from cxmetrics._validation import (
    NAN_POLICIES,
    FloatArray,
    InputError,
    check_option,
    check_same_index,
    check_weights,
    format_count,
)

__all__ = [
    "Plan",
    "Reader",
    "RowNouns",
    "Rows",
    "Segmentation",
    "rows_plan",
    "segmentable",
    "segmentable_names",
    "segmentation_of",
]

BoolArray: TypeAlias = npt.NDArray[np.bool_]
F = TypeVar("F", bound=Callable[..., Any])

#: The attribute that carries a metric's `Segmentation`.
_ATTRIBUTE = "__cxmetrics_segmentation__"


class Reader(Protocol):
    """Reads a metric's data into statistics per group.

    ``data`` maps the metric's data parameters to values (``weights``
    included when given); ``codes`` gives each row's group (None: one
    group); ``whole`` is False for one part of a larger input (a dask
    partition), where the checks that need all the rows (no valid row at
    all) are left to the caller.
    """

    def __call__(
        self, data: Mapping[str, Any], codes: Codes, groups: int, whole: bool
    ) -> Stats: ...


@attrs.frozen(kw_only=True)
class Plan:
    """An additive metric with its options fixed: read, then estimate."""

    func: str
    read: Reader
    estimator: Estimator

    @property
    def interval(self) -> str | None:
        """The interval method, None when no interval was asked for."""
        return self.estimator.interval

    def stats(
        self,
        data: Mapping[str, Any],
        codes: Codes = None,
        groups: int = 1,
        *,
        whole: bool = True,
    ) -> Stats:
        """The statistics of every group; pandas arguments must share one index."""
        check_same_index(self.func, dict(data))
        return self.read(data, codes, groups, whole)

    def result(self, data: Mapping[str, Any]) -> Any:
        """The metric on one sample: its result record."""
        return self.estimator.result(self.stats(data))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# The declaration


@attrs.frozen(kw_only=True)
class Segmentation:
    """How `by_segment` and `over_time` call one public metric.

    ``data`` are the metric's data parameters in positional order: the
    ``column=`` argument names columns for them in that order (the first
    ``required`` are needed). ``column_options`` are keyword parameters that
    name a column (``weights``, ``wait_time``, ``pending``);
    ``scalar_or_column`` data parameters may also be one value for every row
    (``targets``, ``hold``, ``wrap``). ``plan`` makes the metric's plan from
    its other options, by keyword, each with the metric's own default.
    """

    function: Callable[..., Any]
    plan: Callable[..., Any]
    data: tuple[str, ...]
    required: int
    column_options: tuple[str, ...] = ("weights",)
    scalar_or_column: tuple[str, ...] = ()
    additive: bool = True
    examples: Mapping[str, str] = attrs.field(factory=dict)
    prepare: Callable[[dict[str, Any], Mapping[str, Any]], dict[str, Any]] | None = None

    def prepared(
        self, options: dict[str, Any], data: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Options completed from the data (the scale of labelled ratings)."""
        return options if self.prepare is None else self.prepare(options, data)

    @property
    def name(self) -> str:
        return str(self.function.__name__)

    @property
    def options(self) -> tuple[str, ...]:
        """The metric's own options: its parameters that hold no data."""
        return tuple(self.defaults)

    @property
    def defaults(self) -> dict[str, Any]:
        """Each option's default (``inspect.Parameter.empty`` for none)."""
        return _option_defaults(self.function, (*self.data, *self.column_options))

    def plan_for(self, options: Mapping[str, Any]) -> Any:
        """The plan for ``options``; the others take the metric's defaults."""
        chosen = {
            name: options.get(name, default) for name, default in self.defaults.items()
        }
        missing = [
            name for name, value in chosen.items() if value is inspect.Parameter.empty
        ]
        if missing:
            name = missing[0]
            example = self.examples.get(name, f"{name}=...")
            raise InputError(f"{self.name}: {name} is required, e.g. {example}")
        return self.plan(**chosen)


@functools.cache
def _option_defaults(
    function: Callable[..., Any], taken: tuple[str, ...]
) -> dict[str, Any]:
    """A function's parameters other than ``taken``, with their defaults (cached)."""
    parameters = inspect.signature(function).parameters
    return {
        name: parameter.default
        for name, parameter in parameters.items()
        if name not in taken
    }


def segmentable(
    plan: Callable[..., Any],
    *,
    data: tuple[str, ...],
    required: int | None = None,
    column_options: tuple[str, ...] = ("weights",),
    scalar_or_column: tuple[str, ...] = (),
    additive: bool = True,
    examples: Mapping[str, str] | None = None,
    prepare: Callable[[dict[str, Any], Mapping[str, Any]], dict[str, Any]]
    | None = None,
) -> Callable[[F], F]:
    """Declare that a metric runs by segment and over time, and how.

    ``plan`` takes the metric's options (every parameter that is not data)
    by keyword and returns its plan; the decorator checks that the two
    signatures agree, so an option added to one cannot be forgotten in the
    other. ``additive`` is False for metrics whose statistics do not add
    (medians), which need a pandas frame. ``examples`` show how to give an
    option that has no default, for the message when it is left out.
    ``prepare`` completes the options from the data before the plan is
    made (the data's columns, or a dask frame's, whose dtypes are known).
    """

    def attach(function: F) -> F:
        segmentation = Segmentation(
            function=function,
            plan=plan,
            data=data,
            required=len(data) if required is None else required,
            column_options=column_options,
            scalar_or_column=scalar_or_column,
            additive=additive,
            examples=dict(examples or {}),
            prepare=prepare,
        )
        expected = set(segmentation.options)
        accepted = set(inspect.signature(plan).parameters)
        if expected != accepted:
            raise TypeError(
                f"the plan of {function.__name__} takes {sorted(accepted)} but the "
                f"metric's options are {sorted(expected)}"
            )
        setattr(function, _ATTRIBUTE, segmentation)
        return function

    return attach


def segmentation_of(metric: object) -> Segmentation | None:
    """The declaration a metric function carries, or None."""
    found = getattr(metric, _ATTRIBUTE, None)
    return found if isinstance(found, Segmentation) else None


def segmentable_names() -> list[str]:
    """The public metrics that run by segment, as ``cx.<name>``, for messages."""
    import cxmetrics

    return sorted(
        f"cx.{name}"
        for name in cxmetrics.__all__
        if segmentation_of(getattr(cxmetrics, name, None)) is not None
    )


# ---------------------------------------------------------------------------
# Metrics of per-row values: the rules each row follows, then the statistics


@attrs.frozen(eq=False)
class Rows:
    """What a metric's own rules say of each row.

    ``missing`` rows are left out (per ``nan_policy``); of the others,
    ``counted`` ones (None: every one) enter the denominator, and for a rate
    ``flags`` marks the successes, for a mean ``values`` holds the values.
    ``pending`` marks rows left out as undecided (SLA attainment).
    """

    size: int
    missing: BoolArray | None = None
    counted: BoolArray | None = None
    flags: BoolArray | None = None
    values: FloatArray | None = None
    pending: BoolArray | None = None


@attrs.frozen(kw_only=True)
class RowNouns:
    """How messages name the rows of a metric.

    ``noun`` names them all ("calls"), ``counted`` those in the denominator
    ("answered calls"); ``empty`` gives the message when none is counted,
    from how many rows were kept.
    """

    noun: str
    counted: str
    empty: Callable[[int], str]


def _row_weights(
    rows: Rows,
    weights: object,
    *,
    func: str,
    nouns: RowNouns,
    nan_policy: object,
    whole: bool,
) -> tuple[FloatArray | None, bool]:
    """Check the weights and apply ``nan_policy`` to whole rows.

    Returns the weights (aligned with every row) and whether a missing value
    propagates. With ``whole``, no valid row at all, or weights all zero
    among the valid rows, is an error, as for every metric.
    """
    check_option(func, "nan_policy", nan_policy, NAN_POLICIES)
    w = (
        None
        if weights is None
        else check_weights(weights, rows.size, func=func, name=nouns.noun)
    )
    missing = rows.missing
    count = 0 if missing is None else int(np.count_nonzero(missing))
    if count and nan_policy == "raise":
        raise InputError(
            f"{func}: {format_count(count)} of {format_count(rows.size)} "
            f"{nouns.noun} are missing and nan_policy='raise'"
        )
    propagate = bool(count) and nan_policy == "propagate"
    if whole:
        if count == rows.size and not propagate:
            raise InputError(
                f"{func}: no valid {nouns.noun}: all {format_count(count)} are missing"
            )
        if w is not None:
            kept = w if missing is None else w[~missing]
            if kept.size and not kept.max() > 0:
                raise InputError(
                    f"{func}: weights of the valid {nouns.noun} are all zero"
                )
    return w, propagate


def _check_counted(
    stats: RateStats | MomentStats, rows: Rows, *, func: str, nouns: RowNouns
) -> None:
    """No counted row, or counted rows whose weights are all zero, is an error."""
    if bool(stats.propagated[0]):
        return
    if int(stats.n[0]) == 0:
        kept = rows.size - int(stats.n_missing[0])
        raise InputError(f"{func}: {nouns.empty(kept)}")
    if not float(stats.denominator[0]) > 0:
        raise InputError(f"{func}: weights of the {nouns.counted} are all zero")


def _rows_stats(
    rows: Rows,
    weights: FloatArray | None,
    *,
    codes: Codes,
    groups: int,
    propagate: bool,
) -> RateStats | MomentStats:
    """A rate's statistics when the rows carry flags, a mean's when values."""
    if rows.values is not None:
        return MomentStats.from_values(
            rows.values,
            weights,
            codes=codes,
            groups=groups,
            counted=rows.counted,
            missing=rows.missing,
            propagate=propagate,
        )
    assert rows.flags is not None
    return RateStats.from_rows(
        rows.flags,
        rows.counted,
        rows.missing,
        weights,
        codes=codes,
        groups=groups,
        pending=rows.pending,
        propagate=propagate,
    )


def rows_plan(
    func: str,
    estimator: Estimator,
    rows: Callable[[Mapping[str, Any]], Rows],
    *,
    nouns: RowNouns,
    nan_policy: object,
) -> Plan:
    """The plan of a rate or a mean whose rows a metric's own rules judge.

    ``rows`` validates the metric's data (``weights`` aside) and says of
    each row whether it is missing, counted and a success (or its value);
    the weights, ``nan_policy`` and the checks that some row counts are the
    same for every such metric.
    """

    def read(data: Mapping[str, Any], codes: Codes, groups: int, whole: bool) -> Stats:
        judged = rows(data)
        w, propagate = _row_weights(
            judged,
            data.get("weights"),
            func=func,
            nouns=nouns,
            nan_policy=nan_policy,
            whole=whole,
        )
        stats = _rows_stats(judged, w, codes=codes, groups=groups, propagate=propagate)
        if whole:
            _check_counted(
                stats if codes is None else stats.sum(), judged, func=func, nouns=nouns
            )
        return stats

    return Plan(func=func, read=read, estimator=estimator)
