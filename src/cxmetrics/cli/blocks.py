"""Rows and tables every command builds the same way, from the library's results.

A metric result becomes a `Row`; a `cx.by_segment` frame a table of the
segments against the rest; a `cx.over_time` frame a trend; a
`cx.control_chart` frame a control chart. The machine names
of the columns are the library's own field names; the headers are for the
text table only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import numpy as np
import pandas as pd

import cxmetrics as cx
from cxmetrics import InputError
from cxmetrics.cli.inputs import shown_path
from cxmetrics.cli.render import CSV_FIELDS
from cxmetrics.cli.report import Block, Cell, Column, Report, Row, Table, Unit

__all__ = [
    "Layout",
    "cell",
    "cells",
    "chart_table",
    "check_segment_keys",
    "count_cell",
    "duration_row",
    "file_report",
    "metric_row",
    "percent",
    "segment_table",
    "table",
    "trend_table",
]


def percent(confidence: float) -> str:
    """``0.95 -> '95%'``: a confidence level as the headers print it."""
    return f"{100 * confidence:g}%"


def cell(value: Any) -> Cell:
    """A value of a library result or frame as a table cell of a plain type."""
    if isinstance(value, str):
        return value
    if value is None or pd.isna(value):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value)
    return str(value)


def cells(values: Iterable[Any]) -> list[Cell]:
    """The cells of a column: plain Python values, None for the missing ones."""
    return [cell(value) for value in values]


def table(
    *, key: str, title: str, note: str, columns: Sequence[tuple[Column, Iterable[Any]]]
) -> Table:
    """A `Table` from its columns, each a `Column` and its values in row order.

    A ``"count"`` column holds whole numbers: a count the library returns as
    a float (``3.0``) becomes an int.
    """
    data = [
        [
            int(value)
            if column.unit == "count"
            and isinstance(value, float)
            and value.is_integer()
            else value
            for value in cells(values)
        ]
        for column, values in columns
    ]
    return Table(
        key=key,
        title=title,
        note=note,
        columns=tuple(column for column, _ in columns),
        rows=tuple(zip(*data, strict=True)),
    )


def metric_row(
    key: str,
    label: str,
    result: cx.RateResult | cx.MeanResult | cx.NetScoreResult,
    unit: Unit,
    *,
    weighted: bool = False,
) -> Row:
    """A row from a rate, mean or net-score result.

    A rate's row counts its successes; a weighted estimate's row carries
    Kish's effective sample size.
    """
    count = result.successes if isinstance(result, cx.RateResult) else None
    return Row(
        key=key,
        label=label,
        value=float(result.value),
        unit=unit,
        ci=result.ci,
        n=int(result.n),
        n_missing=int(result.n_missing),
        count=None if count is None else count_cell(count, weighted=weighted),
        effective_n=float(result.effective_n) if weighted else None,
    )


def count_cell(value: Any, *, weighted: bool) -> int | float:
    """A count: a whole number unless weighted (a sum of weights)."""
    number = float(value)
    return int(number) if not weighted and number.is_integer() else number


def duration_row(key: str, label: str, result: cx.DurationResult) -> Row:
    """A row for the median of a duration, with its order-statistic interval."""
    return Row(
        key=key,
        label=label,
        value=float(result.median),
        unit="hours" if result.unit == "h" else "seconds",
        ci=result.median_ci,
        n=int(result.n),
        n_missing=int(result.n_missing),
    )


# ---------------------------------------------------------------------------
# Segments and trends

#: The fields of a segment or trend table after its leading column(s): the
#: library's column, the header and whether the text table shows it. Only
#: the fields the library's frame has are kept (``n_pending`` for durations);
#: ``effective_n`` only for weighted estimates.
_ESTIMATE_FIELDS = (
    ("n", "n", True),
    ("n_missing", "missing", True),
    ("n_pending", "pending", True),
    ("effective_n", "effective n", True),
    ("value", "value", True),
    ("ci_low", "{level} CI low", True),
    ("ci_high", "{level} CI high", True),
)
_SEGMENT_FIELDS = (
    *_ESTIMATE_FIELDS,
    ("difference", "vs rest", True),
    ("difference_ci_low", "vs rest {level} CI low", False),
    ("difference_ci_high", "vs rest {level} CI high", False),
    ("p_value", "p", False),
    ("p_adjusted", "p (Holm)", True),
    ("significant", "significant", True),
    ("low_n", "low n", True),
)
_TREND_FIELDS = (
    *_ESTIMATE_FIELDS,
    ("change", "change", True),
    ("change_ci_low", "change {level} CI low", False),
    ("change_ci_high", "change {level} CI high", False),
    ("p_value", "p", True),
)
_CHART_FIELDS = (
    ("n", "n", True),
    ("effective_n", "effective n", True),
    ("value", "value", True),
    ("ewma", "EWMA", True),
    ("cusum_upper", "CUSUM upper", True),
    ("cusum_lower", "CUSUM lower", True),
    ("center", "center", True),
    ("lower", "lower limit", True),
    ("upper", "upper limit", True),
    ("signal", "signal", True),
)

#: Names a ``--by`` column cannot have: they are fields of the output.
RESERVED_NAMES = frozenset(CSV_FIELDS) | {name for name, _, _ in _SEGMENT_FIELDS}


def check_segment_keys(command: str, by: Sequence[str]) -> None:
    """Refuse ``--by`` columns named twice or named like an output field.

    A key column keeps its own name as a field of the JSON records and a
    column of the CSV output, so it must not share it with a field.
    """
    twice = sorted({name for name in by if list(by).count(name) > 1})
    if twice:
        raise InputError(f"{command}: --by names {twice[0]!r} twice")
    taken = [name for name in by if name in RESERVED_NAMES]
    if taken:
        raise InputError(
            f"{command}: --by column {taken[0]!r} has the name of a field of the "
            "output; rename the column in the file"
        )


def _field_columns(
    frame: pd.DataFrame,
    fields: Sequence[tuple[str, str, bool]],
    unit: Unit,
    confidence: float,
    weighted: bool,
) -> list[tuple[Column, Any]]:
    """The columns of a segment or trend table that the library frame has."""
    units: dict[str, Unit] = {
        "n": "count",
        "n_missing": "count",
        "n_pending": "count",
        "effective_n": "number",
        "p_value": "p_value",
        "p_adjusted": "p_value",
        "significant": "flag",
        "low_n": "flag",
        "cusum_upper": "number",
        "cusum_lower": "number",
        "signal": "flag",
    }
    level = percent(confidence)
    return [
        (
            Column(
                name=name,
                header=header.format(level=level),
                unit=units.get(name, unit),
                shown=shown,
            ),
            frame[name],
        )
        for name, header, shown in fields
        if name in frame.columns and (name != "effective_n" or weighted)
    ]


@attrs.frozen(kw_only=True)
class Layout:
    """How a table of segments or periods is named and printed.

    Attributes
    ----------
    key, title : str
        As in `Table`.
    unit : Unit
        How the metric's values read.
    confidence : float
        Confidence level of the intervals and of the significance flag.
    weights : str or None
        The column of weights of a weighted metric.
    """

    key: str
    title: str
    unit: Unit
    confidence: float
    weights: str | None = None


def _library_table(
    layout: Layout,
    frame: pd.DataFrame,
    fields: Sequence[tuple[str, str, bool]],
    leading: Sequence[tuple[Column, Any]],
    note: str,
) -> Table:
    """A table of the ``leading`` columns, then the ``fields`` the frame has."""
    weighted = layout.weights is not None
    columns = _field_columns(frame, fields, layout.unit, layout.confidence, weighted)
    return table(
        key=layout.key,
        title=layout.title,
        note=note + ("; weighted" if weighted else ""),
        columns=[*leading, *columns],
    )


def segment_table(
    frame: pd.DataFrame,
    metric: Any,
    *,
    column: str | Sequence[str],
    by: Sequence[str],
    layout: Layout,
    **options: Any,
) -> tuple[Table, pd.DataFrame]:
    """Each segment against the rest (`cx.by_segment`), one key column per ``by``.

    The library sees the columns it needs under private names, so a key
    column keeps its own name and values whatever it is called (a column
    named ``promoters`` stays the segment key, not the count). Returns the
    table and the library's frame (for a chart).
    """
    values = [column] if isinstance(column, str) else list(column)
    data = {f"value {i}": frame[name] for i, name in enumerate(values)}
    keys = {f"key {i}": frame[name] for i, name in enumerate(by)}
    if layout.weights is not None:
        data["weight"] = frame[layout.weights]
        options["weights"] = "weight"
    names = list(data)[: len(values)]
    segments = cx.by_segment(
        pd.DataFrame({**keys, **data}),
        metric,
        column=names[0] if isinstance(column, str) else names,
        by=list(keys),
        confidence=layout.confidence,
        **options,
    )
    key_columns = [
        (Column(name=name, header=name, unit="text"), segments[internal])
        for name, internal in zip(by, keys, strict=True)
    ]
    note = (
        "each segment against all the others together; p-values Holm-adjusted "
        f"over the segments; significant at {percent(layout.confidence)}"
    )
    built = _library_table(layout, segments, _SEGMENT_FIELDS, key_columns, note)
    return built, segments


def trend_table(
    frame: pd.DataFrame,
    metric: Any,
    *,
    column: str,
    time: str,
    freq: str,
    layout: Layout,
    **options: Any,
) -> tuple[Table, pd.DataFrame]:
    """Each period with the change from the one before (`cx.over_time`).

    ``freq`` goes to the library as given. Returns the table and the
    library's frame (for a chart).
    """
    if layout.weights is not None:
        options["weights"] = layout.weights
    trend = cx.over_time(
        frame,
        metric,
        column=column,
        time=time,
        freq=freq,
        compare_to="previous",
        confidence=layout.confidence,
        **options,
    )
    period = (Column(name="period", header="period", unit="text"), trend.index)
    note = "change from the period before; p-values not adjusted"
    built = _library_table(layout, trend, _TREND_FIELDS, [period], note)
    return built, trend


def chart_table(
    frame: pd.DataFrame,
    metric: Any,
    *,
    column: str,
    time: str,
    freq: str,
    chart: str,
    layout: Layout,
    **options: Any,
) -> tuple[Table, pd.DataFrame]:
    """The metric's control chart, period by period (`cx.control_chart`).

    Every period is the baseline. Returns the table and the library's frame
    (for a chart).
    """
    if layout.weights is not None:
        options["weights"] = layout.weights
    charted = cx.control_chart(
        frame, metric, column=column, time=time, freq=freq, chart=chart, **options
    )
    period = (Column(name="period", header="period", unit="text"), charted.index)
    note = (
        "center and spread from every period; a signal is a value"
        + (" (for the EWMA, the EWMA)" if chart == "ewma" else "")
        + " outside the limits"
    )
    built = _library_table(layout, charted, _CHART_FIELDS, [period], note)
    return built, charted


def file_report(
    command: str,
    path: str,
    confidence: float | None,
    blocks: Sequence[Block],
    warnings: Sequence[str] = (),
) -> Report:
    """The report of a file command: ``cxmetrics survey: answers.csv``."""
    return Report(
        title=f"cxmetrics {command}: {shown_path(path)}",
        confidence=confidence,
        sections=tuple(blocks),
        warnings=tuple(warnings),
    )
