"""``cxmetrics schedule``: agents per shift from per-period requirements.

The requirements file has one row per period with the agents needed
(``--required``), such as the ``agents`` column of ``cxmetrics calls
--format csv``; with ``--day`` its rows form a table of days by periods
(each day planned on its own), otherwise one horizon in file order (a
shift may run past midnight into the next day). The shifts file has one row
per candidate shift: its name in ``shift``, optionally ``cost`` (of one
agent on it) and ``max_per_shift``, and one 0/1 column per period of a day,
in order. `cx.schedule_shifts` finds the exact optimum; the report gives
the plan's totals, the agents on each shift and the coverage of each
period.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

import cxmetrics as cx
from cxmetrics import InputError
from cxmetrics.cli.blocks import file_report, table
from cxmetrics.cli.inputs import read_table, save_chart, shown_path, source_note
from cxmetrics.cli.report import Column, Report, Table

__all__ = [
    "SHIFT_NAME",
    "build",
    "coverage_table",
    "plan_table",
    "read_requirements",
    "read_shifts",
    "shifts_table",
]

#: The column of the shifts file that names the shifts.
SHIFT_NAME = "shift"
#: The optional columns of the shifts file: cost per agent, cap per shift.
_SHIFT_OPTIONS = ("cost", "max_per_shift")
_COMMAND = "schedule"


def read_requirements(
    frame: pd.DataFrame, required: str, *, day: str | None, period: str | None
) -> pd.Series | pd.DataFrame:
    """The requirements as `cx.schedule_shifts` takes them.

    Without ``day``: a Series over the horizon, indexed by the ``period``
    labels when given. With ``day``: a DataFrame of days (rows, in order of
    first appearance) by periods (columns: the ``period`` labels, or the
    position within the day); every day must have the same periods.
    """
    values = frame[required]
    if day is None:
        index = frame[period].astype(str) if period is not None else None
        horizon: pd.Series = pd.Series(values.to_numpy(), index=index, name=required)
        return horizon
    days = frame[day].astype(str)
    if period is not None:
        within = frame[period].astype(str)
    else:
        within = days.groupby(days, sort=False).cumcount().astype(str)
    twice = pd.DataFrame({"day": days, "period": within}).duplicated().to_numpy()
    if twice.any():
        raise InputError(
            f"{_COMMAND}: day {days.to_numpy()[twice][0]!r} lists a period "
            f"twice in column {period!r}"
        )
    periods = within.groupby(days, sort=False).apply(tuple)
    first = periods.iloc[0]
    other = periods[periods != first]
    if len(other):
        raise InputError(
            f"{_COMMAND}: day {other.index[0]!r} has other periods than day "
            f"{periods.index[0]!r} ({len(other.iloc[0])} against {len(first)}); "
            "every day needs the same periods, in the same order"
        )
    raw = values.to_numpy()
    cells = np.empty((len(periods), len(first)), dtype=raw.dtype)
    cells[pd.factorize(days)[0], pd.Index(first).get_indexer(within)] = raw
    grid: pd.DataFrame = pd.DataFrame(
        cells, index=list(periods.index), columns=list(first)
    )
    return grid


def read_shifts(
    frame: pd.DataFrame, period_labels: Sequence[str] | None
) -> tuple[dict[str, np.ndarray[Any, Any]], list[float] | None, dict[str, int]]:
    """The shift patterns, costs and caps of a shifts file.

    Every column besides ``shift``, ``cost`` and ``max_per_shift`` is a
    period, 0 or 1, in the order of a day; when the periods of a day are
    known by label, the columns must carry them, in order.
    """
    if SHIFT_NAME not in frame:
        raise InputError(
            f"{_COMMAND}: the shifts file needs a column {SHIFT_NAME!r} naming "
            "each shift"
        )
    names = frame[SHIFT_NAME].astype(str)
    twice = names[names.duplicated()]
    if len(twice):
        raise InputError(f"{_COMMAND}: shift {twice.iloc[0]!r} is listed twice")
    columns = [c for c in frame.columns if c not in (SHIFT_NAME, *_SHIFT_OPTIONS)]
    if not columns:
        raise InputError(
            f"{_COMMAND}: the shifts file has no period columns (0/1 for each "
            "period of a day)"
        )
    if period_labels is not None and [str(c) for c in columns] != list(period_labels):
        raise InputError(
            f"{_COMMAND}: the period columns of the shifts file "
            f"({_shown(columns)}) are not the periods of a day in the "
            f"requirements ({_shown(period_labels)})"
        )
    patterns = {name: frame[columns].iloc[i].to_numpy() for i, name in enumerate(names)}
    cost = None
    if "cost" in frame:
        cost = [_number(value, "cost") for value in frame["cost"]]
    caps: dict[str, int] = {}
    if "max_per_shift" in frame:
        for name, value in zip(names, frame["max_per_shift"], strict=True):
            if not pd.isna(value):  # blank: not capped
                caps[name] = _whole(value, "max_per_shift")
    return patterns, cost, caps


def _shown(labels: Sequence[Any]) -> str:
    """The first few labels of a list, for a message."""
    shown = ", ".join(str(label) for label in list(labels)[:4])
    return shown + (", ..." if len(labels) > 4 else "")


def _number(value: Any, column: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InputError(
            f"{_COMMAND}: column {column!r} of the shifts file must hold numbers; "
            f"got {value!r}"
        ) from None


def _whole(value: Any, column: str) -> int:
    number = _number(value, column)
    if not number.is_integer():
        raise InputError(
            f"{_COMMAND}: column {column!r} of the shifts file must hold whole "
            f"numbers; got {value!r}"
        )
    return int(number)


def plan_table(plan: cx.ShiftPlan, source: str) -> Table:
    """The plan's totals in one row: criterion, objective, cost, agent-shifts, gaps."""
    rule = (
        "least cost covering every period"
        if plan.criterion == "cover"
        else "least total gap between coverage and requirement"
    )
    columns: list[tuple[Column, list[Any]]] = [
        (Column(name="criterion", header="objective", unit="text"), [plan.criterion]),
        (Column(name="objective", header="optimum", unit="number"), [plan.objective]),
        (Column(name="total_cost", header="cost", unit="number"), [plan.total_cost]),
        (Column(name="agents", header="agent-shifts", unit="count"), [plan.agents]),
        (
            Column(name="shortfall", header="short (agent-periods)", unit="count"),
            [int(plan.shortfall.sum())],
        ),
        (
            Column(name="surplus", header="spare (agent-periods)", unit="count"),
            [int(plan.surplus.sum())],
        ),
    ]
    return table(
        key="plan",
        title="Shift plan",
        note=f"{source}; {rule}, exact optimum (HiGHS)",
        columns=columns,
    )


def shifts_table(
    plan: cx.ShiftPlan, cost: Sequence[float] | None, *, note: str = ""
) -> Table:
    """Agents on each shift each day, with the cost of one agent on it."""
    counts = plan.counts
    names = [str(name) for name in counts.columns]
    per_agent = [1.0] * len(names) if cost is None else [float(c) for c in cost]
    days = [str(day) for day in counts.index]
    columns = [
        (
            Column(name="day", header="day", unit="text"),
            [day for day in days for _ in names],
        ),
        (Column(name="shift", header="shift", unit="text"), names * len(days)),
        (
            Column(name="agents", header="agents", unit="count"),
            counts.to_numpy().reshape(-1),
        ),
        (
            Column(name="cost", header="cost per agent", unit="number"),
            per_agent * len(days),
        ),
    ]
    return table(
        key="shifts",
        title="Agents per shift",
        note=note or f"{len(names)} candidate shifts, {len(days)} days",
        columns=columns,
    )


def coverage_table(plan: cx.ShiftPlan) -> Table:
    """Each period's requirement, coverage, shortfall and surplus.

    ``period`` is the requirements' label of the period: the column of a
    day of a days x periods table, or the label of a horizon's period.
    """
    frame = plan.to_frame()
    labels = frame["period"] if plan.horizon_labels is None else frame.index
    columns = [
        (Column(name="day", header="day", unit="text"), frame["day"].astype(str)),
        (Column(name="period", header="period", unit="text"), labels.astype(str)),
        (
            Column(name="requirement", header="required", unit="count"),
            frame["requirement"],
        ),
        (Column(name="coverage", header="on duty", unit="count"), frame["coverage"]),
        (Column(name="shortfall", header="short", unit="count"), frame["shortfall"]),
        (Column(name="surplus", header="spare", unit="count"), frame["surplus"]),
    ]
    return table(
        key="coverage",
        title="Coverage",
        note="agents needed and on duty in each period",
        columns=columns,
    )


def build(args: argparse.Namespace) -> Report:
    """``cxmetrics schedule``: read both files, plan, and build the report."""
    frame = read_table(_COMMAND, args.file, [args.required, args.day, args.period])
    requirements = read_requirements(
        frame, args.required, day=args.day, period=args.period
    )
    labels = (
        [str(c) for c in requirements.columns]
        if isinstance(requirements, pd.DataFrame) and args.period is not None
        else None
    )
    shift_frame = read_table(_COMMAND, args.shifts, [])
    patterns, cost, caps = read_shifts(shift_frame, labels)
    plan = cx.schedule_shifts(
        requirements,
        patterns,
        cost=cost,
        objective=args.objective,
        max_per_period=args.max_per_period,
        max_per_shift=caps or None,
    )
    source = (
        f"{source_note(args.file, frame)}; shifts from "
        f"{shown_path(args.shifts)}, {len(patterns)} shifts"
    )
    blocks = [
        plan_table(plan, source),
        shifts_table(plan, cost),
        coverage_table(plan),
    ]

    def draw(ax: Any) -> None:
        from cxmetrics import plotting

        plotting.plot_shift_plan(plan, ax=ax)

    save_chart(_COMMAND, args.plots, "shifts", draw)
    return file_report(_COMMAND, args.file, args.confidence, blocks)
