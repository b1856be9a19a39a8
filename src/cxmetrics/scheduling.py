"""Shift scheduling: from agents needed per period to agents on each shift.

`schedule_shifts` takes the agents needed in each period (for example the
``agents`` of `cxmetrics.required_agents` over a week of half hours) and a
set of candidate shifts, each a 0/1 pattern of the periods it covers, and
finds how many agents to put on each shift each day, by an exact integer
program solved with scipy's HiGHS (``scipy.optimize.milp``): the least cost
that covers every period ("cover"), or the least total gap between coverage
and requirement ("match").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal, NamedTuple, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics._validation import (
    InputError,
    check_option,
    format_count,
    format_examples,
    is_real,
)
from cxmetrics.results import ShiftPlan

__all__ = ["schedule_shifts"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
Objective: TypeAlias = Literal["cover", "match"]

#: The objectives of `schedule_shifts`, in the order of its docs.
SCHEDULE_OBJECTIVES = ("cover", "match")


def schedule_shifts(
    requirements: npt.ArrayLike | pd.Series[Any] | pd.DataFrame,
    shifts: Mapping[str, npt.ArrayLike],
    *,
    cost: Mapping[str, float] | Sequence[float] | None = None,
    objective: Objective = "cover",
    max_per_period: npt.ArrayLike | None = None,
    max_per_shift: int | Mapping[str, int] | None = None,
) -> ShiftPlan:
    r"""How many agents to put on each shift, each day: an exact integer program.

    Parameters
    ----------
    requirements : array_like, Series or DataFrame
        Agents needed per period, whole numbers of 0 or more. Either a
        days x periods table (2-D: a DataFrame, its index the days and its
        columns the periods, or a nested list or array), where each day is
        planned on its own; or one horizon (1-D: a Series, list or array),
        days of the shifts' length in a row, where a shift may run past
        midnight into the next day.
    shifts : mapping of str to array_like
        The candidate shifts: name -> 0/1 pattern of the periods of a day
        the shift covers, all of one length. With a 2-D table that length
        is the periods per day. With a horizon it must divide the horizon
        (its days); a pattern whose first and last periods are both worked
        runs past midnight: its first run of worked periods belongs to the
        next day (the night shift that starts at 22:00 and ends at 06:00).
        A pattern as long as the horizon is taken as it is, once.
    cost : mapping or sequence of float, optional
        Cost of one agent on each shift, 0 or more: a mapping from shift
        name (every shift) or a sequence in the order of ``shifts``. None
        (the default): 1 each, so "cover" puts on the fewest agents.
    objective : {'cover', 'match'}
        ``'cover'`` (default): the least total cost with every period's
        coverage at least its requirement. ``'match'``: the least total
        absolute gap between coverage and requirement; when ``cost`` is
        given, the cheapest of the plans with the least gap.
    max_per_period : int or array_like, optional
        The most agents on duty in any period (or in each period: shaped
        like ``requirements``), e.g. the seats on the floor.
    max_per_shift : int or mapping of str to int, optional
        The most agents on one shift on one day (or per shift, by name;
        shifts left out are not capped).

    Returns
    -------
    ShiftPlan
        ``counts`` (a DataFrame, days x shifts), ``coverage``, ``shortfall``
        and ``surplus`` (per period, shaped like ``requirements``),
        ``objective`` (the optimal value: the total cost for "cover", the
        total gap for "match"), ``total_cost`` and ``agents``. ``str()``
        prints the counts; ``to_frame()`` gives one row per period.

    Raises
    ------
    InputError
        Requirements that are negative, not whole, missing, empty or not
        1-D or 2-D; no shifts, patterns not of 0 and 1, of lengths that do
        not fit the requirements, or that cover nothing; costs or caps that
        are negative, not numbers or name unknown shifts; and, for
        ``'cover'``, requirements no plan can meet: the message names a day
        and period (as labelled in ``requirements``) that cannot be covered.

    Notes
    -----
    With :math:`x_{ds}` agents on shift :math:`s` on day :math:`d`, the
    coverage of period :math:`t` is :math:`\sum_{ds} a_{t,ds} x_{ds}`, where
    :math:`a_{t,ds}` is 1 when shift :math:`s` started on day :math:`d`
    works period :math:`t`. "cover" solves

    .. math::

        \min \sum_{ds} c_s x_{ds} \quad\text{subject to}\quad
        r_t \le \sum_{ds} a_{t,ds} x_{ds} \le m_t,\quad
        0 \le x_{ds} \le k_s,\ x_{ds} \text{ whole},

    and "match" minimizes :math:`\sum_t (u_t + v_t)` with
    :math:`\sum_{ds} a_{t,ds} x_{ds} - u_t + v_t = r_t`, surplus
    :math:`u_t \ge 0` and shortfall :math:`v_t \ge 0` left unbounded, so a
    "match" problem is always feasible (no agents at all is a plan). With
    costs, "match" adds :math:`\epsilon \sum_{ds} c_s x_{ds}` with
    :math:`\epsilon` one over one more than the cost of the dearest plan
    the bounds allow: gaps are whole numbers, so cost only decides between
    plans of the least gap. An
    agent more on a shift than the largest requirement of the periods it
    covers never helps either objective, so that bound is added too; it
    leaves the optimum unchanged. HiGHS [1]_ solves the integer program to
    proven optimality (relative gap 0). Optimal plans are seldom unique:
    another solver may return other counts with the same objective.

    When "cover" has no plan, cxmetrics looks for the reason: a period no
    shift covers, a requirement above ``max_per_period``, or above what the
    capped shifts covering it can supply; failing those, it solves for the
    least total shortfall within the caps and names the first period left
    short.

    References
    ----------
    .. [1] Huangfu, Q. and Hall, J. A. J. (2018). Parallelizing the dual
       revised simplex method. *Mathematical Programming Computation*,
       10(1), 119-142.

    Examples
    --------
    Six hours of requirements and three 3-hour shifts: seven agents cover
    them all.

    >>> import cxmetrics as cx
    >>> plan = cx.schedule_shifts(
    ...     [2, 3, 4, 4, 3, 1],
    ...     {"early": [1, 1, 1, 0, 0, 0], "mid": [0, 1, 1, 1, 0, 0],
    ...      "late": [0, 0, 0, 1, 1, 1]},
    ... )
    >>> print(plan)
    Shift plan (cover: least cost, every period covered): 7 agent-shifts over 1 day, cost 7; every period covered, surplus 4 agent-periods
    shift  early  mid  late
    day
    0          2    2     3
    >>> plan.coverage
    array([2, 4, 4, 5, 3, 3])
    """  # noqa: E501
    func = "schedule_shifts"
    check_option(func, "objective", objective, SCHEDULE_OBJECTIVES)
    table = _check_requirements(func, requirements)
    names, patterns = _check_shifts(func, shifts, table)
    prices = _check_cost(func, cost, names)
    shift_caps = _check_shift_caps(func, max_per_shift, names)
    period_caps = _check_period_caps(func, max_per_period, table)
    model = _model(table, patterns, shift_caps)
    if objective == "cover":
        counts = _cover(func, table, model, prices, period_caps, names)
        value = float(prices[model.shift] @ counts)
    else:
        counts, value = _match(
            table, model, None if cost is None else prices, period_caps
        )
    coverage = np.rint(model.matrix @ counts).astype(np.int64)
    required = table.flat.astype(np.int64)
    shape = table.shape
    per_day = np.zeros((model.days, len(names)), dtype=np.int64)
    per_day[model.day, model.shift] = np.rint(counts).astype(np.int64)
    day_labels = (
        table.day_labels if len(shape) == 2 else pd.RangeIndex(model.days)
    ).rename("day")
    return ShiftPlan(
        requirements=_read_only(required.reshape(shape)),
        counts=pd.DataFrame(
            per_day, index=day_labels, columns=pd.Index(names, name="shift")
        ),
        coverage=_read_only(coverage.reshape(shape)),
        shortfall=_read_only(np.maximum(required - coverage, 0).reshape(shape)),
        surplus=_read_only(np.maximum(coverage - required, 0).reshape(shape)),
        objective=value,
        criterion=objective,
        total_cost=float(prices[model.shift] @ counts),
        agents=int(per_day.sum()),
        day_labels=day_labels,
        period_labels=(
            table.period_labels if len(shape) == 2 else pd.RangeIndex(model.length)
        ),
        horizon_labels=table.horizon_labels,
    )


# ---------------------------------------------------------------------------
# Input validation and standardization


class _Table(NamedTuple):
    """Requirements as a flat float array over the periods, with their labels."""

    flat: FloatArray  # one value per period, day after day
    shape: tuple[int, ...]  # as given: (periods,) or (days, periods)
    days: int
    periods: int  # per day
    day_labels: pd.Index[Any]
    period_labels: pd.Index[Any]  # within a day
    horizon_labels: pd.Index[Any] | None  # a Series' index, for a 1-D horizon


def _check_requirements(func: str, requirements: object) -> _Table:
    """Whole numbers of 0 or more, 1-D or 2-D, with day and period labels."""
    day_labels: pd.Index[Any] | None = None
    period_labels: pd.Index[Any] | None = None
    horizon: pd.Index[Any] | None = None
    if isinstance(requirements, pd.DataFrame):
        day_labels, period_labels = requirements.index, requirements.columns
        raw: Any = requirements.to_numpy(dtype=object)
    elif isinstance(requirements, pd.Series):
        horizon = requirements.index
        raw = requirements.to_numpy(dtype=object)
    elif isinstance(requirements, (str, bytes, Mapping)) or requirements is None:
        raise InputError(
            f"{func}: requirements must be agents needed per period (a list, an "
            f"array, a Series or a DataFrame); got {type(requirements).__name__}"
        )
    else:
        try:
            raw = np.asarray(requirements, dtype=object)
        except ValueError as err:  # ragged nested lists
            raise InputError(
                f"{func}: requirements must be a rectangular table of days x periods"
            ) from err
    if raw.ndim not in (1, 2):
        raise InputError(
            f"{func}: requirements must be 1-D (one horizon) or 2-D (days x "
            f"periods); got {raw.ndim} dimensions"
        )
    if raw.size == 0:
        raise InputError(f"{func}: requirements is empty")
    flat = raw.reshape(-1)
    if any(isinstance(v, (list, tuple, np.ndarray)) for v in flat):
        raise InputError(
            f"{func}: requirements must be a rectangular table of days x periods"
        )
    numeric = np.fromiter((is_real(v) for v in flat), dtype=bool, count=flat.size)
    if not numeric.all():
        bad = flat[~numeric]
        raise InputError(
            f"{func}: {format_count(bad.size)} of {format_count(flat.size)} "
            f"requirements are not numbers ({format_examples(bad.tolist())})"
        )
    values = flat.astype(np.float64)
    for problem, invalid in (
        ("are missing or infinite", ~np.isfinite(values)),
        ("are negative", values < 0),
        ("are not whole numbers", values != np.floor(values)),
    ):
        if invalid.any():
            raise InputError(
                f"{func}: {format_count(int(invalid.sum()))} of "
                f"{format_count(values.size)} requirements {problem} "
                f"({format_examples(values[invalid])})"
            )
    if raw.ndim == 2:
        days, periods = raw.shape
        day_labels = pd.RangeIndex(days) if day_labels is None else day_labels
        period_labels = (
            pd.RangeIndex(periods) if period_labels is None else period_labels
        )
        return _Table(values, raw.shape, days, periods, day_labels, period_labels, None)
    return _Table(
        values,
        raw.shape,
        1,
        raw.shape[0],
        pd.RangeIndex(1),
        pd.RangeIndex(raw.shape[0]),
        horizon,
    )


def _check_shifts(
    func: str, shifts: object, table: _Table
) -> tuple[list[str], IntArray]:
    """Shift names and 0/1 patterns; sets the days of a 1-D horizon."""
    if not isinstance(shifts, Mapping) or not shifts:
        raise InputError(
            f"{func}: shifts must be a non-empty mapping of shift name -> 0/1 "
            f"pattern of the periods it covers; got {type(shifts).__name__}"
        )
    names = [str(name) for name in shifts]
    rows = []
    for name, pattern in zip(names, shifts.values(), strict=True):
        values = np.asarray(pattern, dtype=object).reshape(-1)
        ok = np.fromiter(
            (
                (isinstance(v, (bool, np.bool_)) or is_real(v)) and v in (0, 1)
                for v in values
            ),
            dtype=bool,
            count=values.size,
        )
        if not ok.all() or np.asarray(pattern, dtype=object).ndim != 1:
            raise InputError(
                f"{func}: shift {name!r} must be a 1-D pattern of 0 and 1; got "
                f"{format_examples(values[~ok].tolist()) or 'a nested pattern'}"
            )
        if not values.size or not values.astype(np.int64).any():
            raise InputError(f"{func}: shift {name!r} covers no period")
        rows.append(values.astype(np.int64))
    lengths = sorted({row.size for row in rows})
    if len(lengths) > 1:
        raise InputError(
            f"{func}: shift patterns must be of one length; got lengths "
            f"{', '.join(map(str, lengths))}"
        )
    length = lengths[0]
    if len(table.shape) == 2:
        if length != table.periods:
            raise InputError(
                f"{func}: shift patterns have {length} periods but each day of "
                f"requirements has {table.periods}"
            )
    elif table.periods % length:
        raise InputError(
            f"{func}: shift patterns of {length} periods do not divide the "
            f"horizon of {table.periods} periods into whole days"
        )
    return names, np.vstack(rows)


def _check_cost(func: str, cost: object, names: list[str]) -> FloatArray:
    """One cost per shift, 0 or more: 1 each when None."""
    if cost is None:
        return np.ones(len(names))
    if isinstance(cost, Mapping):
        unknown = [str(key) for key in cost if str(key) not in names]
        missing = [name for name in names if name not in {str(k) for k in cost}]
        if unknown or missing:
            raise InputError(
                f"{func}: cost must give every shift a cost; "
                + (f"unknown shifts {format_examples(unknown)}" if unknown else "")
                + ("; " if unknown and missing else "")
                + (f"no cost for {format_examples(missing)}" if missing else "")
            )
        by_name = {str(key): value for key, value in cost.items()}
        values: list[Any] = [by_name[name] for name in names]
    elif isinstance(cost, (str, bytes)) or not isinstance(cost, Sequence | np.ndarray):
        raise InputError(
            f"{func}: cost must be a mapping from shift name, or one cost per "
            f"shift; got {type(cost).__name__}"
        )
    else:
        values = list(np.asarray(cost, dtype=object).reshape(-1))
        if len(values) != len(names):
            raise InputError(
                f"{func}: cost has {len(values)} values but there are "
                f"{len(names)} shifts"
            )
    bad = [v for v in values if not is_real(v) or not math.isfinite(v) or v < 0]
    if bad:
        raise InputError(
            f"{func}: costs must be finite numbers of 0 or more; got "
            f"{format_examples(bad)}"
        )
    return np.asarray(values, dtype=np.float64)


def _whole_cap(func: str, name: str, value: object) -> float:
    if not is_real(value) or not math.isfinite(value) or value < 0:
        raise InputError(
            f"{func}: {name} must be a whole number of 0 or more; got {value!r}"
        )
    if value != math.floor(value):
        raise InputError(f"{func}: {name} must be a whole number; got {value!r}")
    return float(value)


def _check_shift_caps(func: str, caps: object, names: list[str]) -> FloatArray:
    """The most agents per shift and day: inf where uncapped."""
    if caps is None:
        return np.full(len(names), np.inf)
    if isinstance(caps, Mapping):
        unknown = [str(key) for key in caps if str(key) not in names]
        if unknown:
            raise InputError(
                f"{func}: max_per_shift names unknown shifts "
                f"({format_examples(unknown)})"
            )
        by_name = {str(key): value for key, value in caps.items()}
        return np.array(
            [
                _whole_cap(func, "max_per_shift", by_name[name])
                if name in by_name
                else np.inf
                for name in names
            ]
        )
    return np.full(len(names), _whole_cap(func, "max_per_shift", caps))


def _check_period_caps(func: str, caps: object, table: _Table) -> FloatArray | None:
    """The most agents on duty per period (flat, like the requirements), or None."""
    if caps is None:
        return None
    if is_real(caps):
        return np.full(table.flat.size, _whole_cap(func, "max_per_period", caps))
    values = np.asarray(caps, dtype=object)
    if values.shape != table.shape:
        raise InputError(
            f"{func}: max_per_period must be a number or shaped like requirements "
            f"{table.shape}; got shape {values.shape}"
        )
    flat = values.reshape(-1)
    return np.array([_whole_cap(func, "max_per_period", v) for v in flat])


# ---------------------------------------------------------------------------
# The integer programs


class _Model(NamedTuple):
    """The decision variables (one per day and shift) and their coverage."""

    matrix: Any  # scipy.sparse CSR: periods x variables, 0/1
    day: npt.NDArray[np.intp]  # each variable's day
    shift: npt.NDArray[np.intp]  # each variable's shift
    upper: FloatArray  # each variable's bound
    days: int
    length: int  # periods per day


def _model(table: _Table, patterns: IntArray, shift_caps: FloatArray) -> _Model:
    """Which periods each variable covers, and the variables' bounds."""
    from scipy import sparse

    shift_count, length = patterns.shape
    total = table.flat.size
    two_d = len(table.shape) == 2
    days = table.days if two_d else total // length
    rows, cols = [], []
    for s in range(shift_count):
        worked = np.flatnonzero(patterns[s])
        offsets = worked.copy()
        crosses = (
            not two_d
            and days > 1
            and patterns[s, 0] == 1
            and patterns[s, -1] == 1
            and not patterns[s].all()
        )
        if crosses:  # the first run of worked periods is the next day's
            lead = int(np.argmin(patterns[s]))
            offsets = np.where(worked < lead, worked + length, worked)
        # Every day's copy of the shift at once: day d covers d * length + offsets.
        covered = (np.arange(days)[:, np.newaxis] * length + offsets).ravel()
        variable = np.repeat(np.arange(days) * shift_count + s, offsets.size)
        inside = covered < total
        rows.append(covered[inside])
        cols.append(variable[inside])
    row = np.concatenate(rows)
    col = np.concatenate(cols)
    variables = days * shift_count
    matrix = sparse.csr_matrix(
        (np.ones(row.size), (row, col)), shape=(total, variables)
    )
    day = np.repeat(np.arange(days), shift_count)
    shift = np.tile(np.arange(shift_count), days)
    # More agents on a shift than the largest requirement it covers never help.
    needed = np.zeros(variables)
    np.maximum.at(needed, col, table.flat[row])
    return _Model(
        matrix, day, shift, np.minimum(needed, shift_caps[shift]), days, length
    )


def _solve(
    cost: FloatArray,
    constraints: list[Any],
    upper: FloatArray,
    integer: npt.NDArray[np.int8],
) -> Any:
    """scipy.optimize.milp (HiGHS), solved to a relative gap of 0."""
    from scipy import optimize

    return optimize.milp(
        cost,
        constraints=constraints,
        integrality=integer,
        bounds=optimize.Bounds(np.zeros(cost.size), upper),
        options={"mip_rel_gap": 0.0},
    )


def _cover(
    func: str,
    table: _Table,
    model: _Model,
    prices: FloatArray,
    period_caps: FloatArray | None,
    names: list[str],
) -> FloatArray:
    """The least-cost counts covering every period; InputError when none can."""
    from scipy import optimize

    required = table.flat
    top = np.full(required.size, np.inf) if period_caps is None else period_caps
    _check_coverable(func, table, model, top, names)
    result = _solve(
        prices[model.shift],
        [optimize.LinearConstraint(model.matrix, required, top)],
        model.upper,
        np.ones(model.upper.size, dtype=np.int8),
    )
    if result.status == 0:
        counts: FloatArray = np.rint(result.x)
        return counts
    if result.status == 2:
        _explain_infeasible(func, table, model, top)
    raise RuntimeError(f"{func}: the solver stopped without a plan: {result.message}")


def _check_coverable(
    func: str, table: _Table, model: _Model, top: FloatArray, names: list[str]
) -> None:
    """Name a period that no plan can cover, on its own: no shift, or a cap."""
    required = table.flat
    reach = model.matrix @ model.upper  # the most agents the shifts can put there
    for kind, bad in (
        ("uncovered", (required > 0) & (model.matrix.getnnz(axis=1) == 0)),
        ("max_per_period", required > top),
        ("max_per_shift", required > reach),
    ):
        if bad.any():
            where = int(np.flatnonzero(bad)[0])
            reason = {
                "uncovered": "no shift covers it",
                "max_per_period": f"max_per_period allows {top[where]:g}",
                "max_per_shift": f"the shifts covering it can put at most "
                f"{reach[where]:g} agents there (max_per_shift)",
            }[kind]
            others = int(bad.sum()) - 1
            also = (
                f" ({format_count(others)} other period{'s' * (others > 1)} too)"
                if others
                else ""
            )
            raise InputError(
                f"{func}: no plan covers {_period_name(table, model, where)}, which "
                f"needs {required[where]:g} agents: {reason}{also}"
            )


def _explain_infeasible(
    func: str, table: _Table, model: _Model, top: FloatArray
) -> None:
    """Name a period left short by the plan with the least total shortfall."""
    from scipy import optimize, sparse

    required = table.flat
    periods = required.size
    short = sparse.identity(periods, format="csr")
    matrix = sparse.hstack([model.matrix, short], format="csr")
    constraints = [
        optimize.LinearConstraint(matrix, required, np.inf),
        optimize.LinearConstraint(
            sparse.hstack(
                [model.matrix, sparse.csr_matrix((periods, periods))], format="csr"
            ),
            -np.inf,
            top,
        ),
    ]
    result = _solve(
        np.concatenate([np.zeros(model.upper.size), np.ones(periods)]),
        constraints,
        np.concatenate([model.upper, np.full(periods, np.inf)]),
        np.concatenate(
            [np.ones(model.upper.size, dtype=np.int8), np.zeros(periods, np.int8)]
        ),
    )
    shortfall = result.x[model.upper.size :]
    where = int(np.argmax(shortfall > 0.5))
    short = round(result.fun)
    stay = "agent-period stays" if short == 1 else "agent-periods stay"
    raise InputError(
        f"{func}: no plan covers every period within max_per_period and "
        f"max_per_shift: at best {short:,} {stay} short, "
        f"{_period_name(table, model, where)} among them (it needs "
        f"{required[where]:g} agents)"
    )


def _match(
    table: _Table,
    model: _Model,
    prices: FloatArray | None,
    period_caps: FloatArray | None,
) -> tuple[FloatArray, float]:
    """The counts with the least total absolute gap (ties: the least cost)."""
    from scipy import optimize, sparse

    required = table.flat
    periods = required.size
    variables = model.upper.size
    gaps = sparse.hstack(
        [
            model.matrix,
            -sparse.identity(periods, format="csr"),  # surplus
            sparse.identity(periods, format="csr"),  # shortfall
        ],
        format="csr",
    )
    constraints = [optimize.LinearConstraint(gaps, required, required)]
    if period_caps is not None:
        on_duty = sparse.hstack(
            [model.matrix, sparse.csr_matrix((periods, 2 * periods))], format="csr"
        )
        constraints.append(optimize.LinearConstraint(on_duty, -np.inf, period_caps))
    upper = np.concatenate([model.upper, np.full(2 * periods, np.inf)])
    integer = np.concatenate(
        [np.ones(variables, dtype=np.int8), np.zeros(2 * periods, dtype=np.int8)]
    )
    # Ties between plans of the least gap go to the least cost: each unit of
    # cost weighs less than one unit of gap divided by the dearest plan's
    # cost, and gaps are whole numbers, so no saving of cost can buy a gap.
    tie_break = (
        np.zeros(variables)
        if prices is None
        else prices[model.shift] / (1.0 + float(prices[model.shift] @ model.upper))
    )
    result = _solve(
        np.concatenate([tie_break, np.ones(2 * periods)]), constraints, upper, integer
    )
    if result.status != 0:
        raise RuntimeError(f"schedule_shifts: the solver stopped: {result.message}")
    gap = float(np.rint(result.x[variables:].sum()))
    return np.rint(result.x[:variables]), gap


def _period_name(table: _Table, model: _Model, position: int) -> str:
    """A period as labelled in the requirements: its day and period."""
    day, period = divmod(position, model.length)
    if len(table.shape) == 2:
        return f"day {table.day_labels[day]}, period {table.period_labels[period]}"
    label = position if table.horizon_labels is None else table.horizon_labels[position]
    return f"period {label} (day {day}, period {period} of the day)"


def _read_only(values: IntArray) -> IntArray:
    values.flags.writeable = False
    return values
