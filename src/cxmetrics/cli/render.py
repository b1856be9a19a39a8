"""Renderers of a `Report`: an aligned text table, JSON and CSV.

The text table is for people: shares in percent, net scores in points,
readable column headers. JSON and CSV are for machines: the library's field
names in snake_case, every number unrounded and in the library's units
(fractions for shares), whole numbers for counts, booleans for flags, and
missing or non-finite numbers as null (JSON) or a blank cell (CSV).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from typing import Any

import cxmetrics as cx
from cxmetrics.cli.report import Cell, Column, Report, Row, Section, Table, Unit

__all__ = ["render_csv", "render_json", "render_table"]

# ---------------------------------------------------------------------------
# Text


_SUFFIXES = {"hours": " h", "seconds": " s", "months": " mo"}


def _format_number(value: float, unit: Unit) -> str:
    """A value as printed: ``+23.8`` points, ``79.9%``, ``5.08``, ``4.2 h``, ``n/a``.

    An estimate (a model's parameter or its standard error) keeps four
    significant digits, whatever its size; a time in the unit of the data
    (a recency) two decimals, whole or not.
    """
    if not math.isfinite(value):
        return "n/a" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if unit == "points":
        return f"{value:+.1f}"
    if unit == "share":
        return f"{100 * value:.1f}%"
    if unit in _SUFFIXES:
        return f"{value:.1f}{_SUFFIXES[unit]}"
    if unit == "money":
        return f"{value:,.2f}"
    if unit == "estimate":
        return f"{value:.4g}"
    if unit == "time":
        return f"{value:,.2f}"
    if unit == "p_value":
        return "<0.001" if value < 0.001 else f"{value:.3f}"
    if unit in ("number", "count"):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return f"{value:.2f}"


def _format_count(count: float | None) -> str:
    if count is None:
        return ""
    return f"{count:,}" if isinstance(count, int) else f"{count:,.1f}"


def _row_cells(row: Row, weighted: bool, intervals: bool = True) -> list[str]:
    """The table cells of one row: metric, value, CI, method, n, missing."""
    bounds = method = ""
    if row.ci is not None:
        low = _format_number(row.ci.low, row.unit)
        high = _format_number(row.ci.high, row.unit)
        bounds, method = f"{low} to {high}", row.ci.label
    cells = [
        "  " * row.indent + row.label,
        _format_number(row.value, row.unit),
        *((bounds, method) if intervals else ()),
        _format_count(row.n),
        _format_count(row.n_missing),
    ]
    if weighted:
        cells.append(_format_count(row.effective_n))
    return cells


def _align(lines: list[list[str]], widths: list[int], right: Sequence[bool]) -> str:
    """Join cells padded to ``widths``: right-aligned where ``right``, else left."""
    return "\n".join(
        "  ".join(
            cell.rjust(width) if flush else cell.ljust(width)
            for cell, width, flush in zip(cells, widths, right, strict=True)
        ).rstrip()
        for cells in lines
    )


def render_table(report: Report) -> str:
    """The report as an aligned text table, columns aligned across sections.

    Parameters
    ----------
    report : Report
        The report to print for people.

    Returns
    -------
    str
        Plain ASCII text ending with a newline. Net scores print in points,
        shares in percent, mean scores on their answer scale. When a row
        carries an effective sample size (a weighted estimate), the metric
        rows get an ``Effective n`` column; when none has an interval, they
        have no interval and method columns.

    Examples
    --------
    >>> from cxmetrics.cli.report import Row, Section
    >>> from cxmetrics.results import Interval
    >>> row = Row(
    ...     key="csat", label="CSAT", value=0.8, unit="share",
    ...     ci=Interval(0.75, 0.84, 0.95, "wilson"), n=400, n_missing=3,
    ... )
    >>> section = Section(key="survey", title="Survey", note="400 answers",
    ...                   rows=(row,))
    >>> report = Report(title="Example", confidence=0.95, sections=(section,))
    >>> print(render_table(report), end="")
    Example
    <BLANKLINE>
    Survey: 400 answers
    Metric  Value  95% CI          Method    n  Missing
    ------  -----  --------------  ------  ---  -------
    CSAT    80.0%  75.0% to 84.0%  Wilson  400        3
    """
    sections = [block for block in report.sections if isinstance(block, Section)]
    rows = [row for section in sections for row in section.rows]
    weighted = any(row.effective_n is not None for row in rows)
    level = report.confidence
    intervals = level is not None and any(row.ci is not None for row in rows)
    header, right = ["Metric", "Value"], [False, True]
    if level is not None and intervals:
        header += [f"{100 * level:g}% CI", "Method"]
        right += [True, False]
    header += ["n", "Missing"] + (["Effective n"] if weighted else [])
    right += [True, True] + ([True] if weighted else [])
    body = [_row_cells(row, weighted, intervals) for row in rows]
    widths = [
        max(len(cells[i]) for cells in (header, *body)) for i in range(len(header))
    ]
    rule = ["-" * width for width in widths]
    blocks = [report.title]
    for block in report.sections:
        heading = f"{block.title}: {block.note}" if block.note else block.title
        if isinstance(block, Table):
            blocks.append(f"{heading}\n{_table_text(block)}")
            continue
        lines = [_row_cells(row, weighted, intervals) for row in block.rows]
        blocks.append(f"{heading}\n{_align([header, rule, *lines], widths, right)}")
    return "\n\n".join(blocks) + "\n"


def _cell_text(value: Cell, unit: Unit) -> str:
    """A table cell; a missing number (not observable, not applicable) is blank."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) or unit == "text":
        return str(value)
    return _format_number(value, unit)


def _table_text(table: Table) -> str:
    """A `Table` aligned on its own: text and flags left, numbers right."""
    shown = [i for i, column in enumerate(table.columns) if column.shown]
    columns = [table.columns[i] for i in shown]
    cells = [
        [_cell_text(row[i], table.columns[i].unit) for i in shown] for row in table.rows
    ]
    header = [column.header for column in columns]
    widths = [
        max(len(line[i]) for line in (header, *cells)) for i in range(len(header))
    ]
    right = [column.unit not in ("text", "flag") for column in columns]
    rule = ["-" * width for width in widths]
    return _align([header, rule, *cells], widths, right)


# ---------------------------------------------------------------------------
# JSON


def _json_cell(value: Cell) -> Cell:
    """JSON has no NaN or infinity: those become null; the rest keep their type."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _row_json(row: Row) -> dict[str, Any]:
    ci = row.ci
    return {
        "label": row.label,
        "unit": row.unit,
        "value": _json_cell(float(row.value)),
        "ci_low": None if ci is None else _json_cell(float(ci.low)),
        "ci_high": None if ci is None else _json_cell(float(ci.high)),
        "ci_method": None if ci is None else ci.method,
        "n": row.n,
        "n_missing": row.n_missing,
        "count": _json_cell(row.count),
        "effective_n": _json_cell(row.effective_n),
    }


def _records(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]]
) -> list[dict[str, Cell]]:
    names = [column.name for column in columns]
    return [
        {name: _json_cell(value) for name, value in zip(names, row, strict=True)}
        for row in rows
    ]


def _table_json(table: Table) -> dict[str, Any]:
    return {
        "key": table.key,
        "title": table.title,
        "note": table.note,
        "columns": [column.name for column in table.columns],
        "headers": [column.header for column in table.columns],
        "units": [column.unit for column in table.columns],
        "rows": _records(table.columns, table.rows),
    }


def _section_json(section: Section) -> dict[str, Any]:
    document: dict[str, Any] = {
        "key": section.key,
        "title": section.title,
        "note": section.note,
    }
    if section.facts:
        document["facts"] = {k: _json_cell(v) for k, v in section.facts.items()}
    document["metrics"] = {row.key: _row_json(row) for row in section.rows}
    return document


def render_json(report: Report) -> str:
    """The report as a JSON object, every number unrounded.

    Parameters
    ----------
    report : Report
        The report to serialize for machines.

    Returns
    -------
    str
        A JSON object ending with a newline: ``title``, ``confidence`` (null
        for a report without intervals), ``cxmetrics_version``, ``warnings``
        (a list of strings) and ``sections``, a list of objects with ``key``,
        ``title``, ``note`` and either ``metrics`` (a `Section`, with
        ``facts`` when it has any) or ``columns`` (field names), ``headers``,
        ``units`` and ``rows``, a list of records keyed by the field names (a
        `Table`). ``metrics`` maps each row's key to ``label``, ``unit``,
        ``value``, ``ci_low``, ``ci_high``, ``ci_method``, ``n``,
        ``n_missing``, ``count`` and ``effective_n``. Values are in the
        library's units: points for net scores, fractions (0 to 1) for shares.
        Counts are integers, flags booleans; missing or non-finite numbers are
        ``null``.

    Examples
    --------
    >>> from cxmetrics.cli.report import Row, Section
    >>> row = Row(key="nps", label="NPS", value=25.0, unit="points", n=80)
    >>> section = Section(key="survey", title="Survey", note="", rows=(row,))
    >>> report = Report(title="Example", confidence=0.95, sections=(section,))
    >>> import json
    >>> metrics = json.loads(render_json(report))["sections"][0]["metrics"]
    >>> metrics["nps"]["value"], metrics["nps"]["n"]
    (25.0, 80)
    """
    document = {
        "title": report.title,
        "confidence": report.confidence,
        "cxmetrics_version": cx.__version__,
        "warnings": list(report.warnings),
        "sections": [
            _table_json(block) if isinstance(block, Table) else _section_json(block)
            for block in report.sections
        ],
    }
    return json.dumps(document, indent=2, allow_nan=False) + "\n"


# ---------------------------------------------------------------------------
# CSV

#: The columns every CSV output starts with: the block, then a metric row's
#: fields. The rows of a `Table` fill the columns named after its own columns.
CSV_FIELDS = (
    "section",
    "section_title",
    "metric",
    "label",
    "unit",
    "value",
    "ci_low",
    "ci_high",
    "ci_method",
    "confidence",
    "n",
    "n_missing",
    "count",
    "effective_n",
)


def _csv_cell(value: Cell) -> str:
    """A CSV cell: numbers unrounded, flags true/false, missing values blank."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def render_csv(report: Report) -> str:
    """The report as one CSV table, one line per metric or table row.

    Parameters
    ----------
    report : Report
        The report to flatten into rows.

    Returns
    -------
    str
        CSV text with a header line. The first columns are ``section``
        (the block's key), ``section_title``, then for metric rows ``metric``,
        ``label``, ``unit``, ``value``, ``ci_low``, ``ci_high``,
        ``ci_method``, ``confidence``, ``n``, ``n_missing``, ``count`` and
        ``effective_n``. The rows of a `Table` fill the columns named after
        the table's own field names (``ci_low``, ``p_value``, each segment
        key in a column of its own, ...), appended after those where new;
        cells that do not apply are blank. Numbers are unrounded, in the
        library's units (fractions for shares); flags are ``true`` or
        ``false``.

    Examples
    --------
    >>> from cxmetrics.cli.report import Row, Section
    >>> from cxmetrics.results import Interval
    >>> row = Row(key="nps", label="NPS", value=25.0, unit="points",
    ...           ci=Interval(10.0, 40.0, 0.95, "adjusted_wald"), n=80, n_missing=2)
    >>> section = Section(key="survey", title="Survey", note="", rows=(row,))
    >>> report = Report(title="Example", confidence=0.95, sections=(section,))
    >>> print(render_csv(report), end="")
    section,section_title,metric,label,unit,value,ci_low,ci_high,ci_method,confidence,n,n_missing,count,effective_n
    survey,Survey,nps,NPS,points,25.0,10.0,40.0,adjusted_wald,0.95,80,2,,
    """
    fields = list(CSV_FIELDS)
    records: list[dict[str, Cell]] = []
    for block in report.sections:
        head: dict[str, Cell] = {"section": block.key, "section_title": block.title}
        if isinstance(block, Table):
            names = [column.name for column in block.columns]
            fields += [name for name in names if name not in fields]
            records += [
                {**head, **dict(zip(names, row, strict=True))} for row in block.rows
            ]
            continue
        for row in block.rows:
            record = {"metric": row.key, **_row_json(row)}
            record["confidence"] = None if row.ci is None else row.ci.level
            records.append({**head, **record})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({key: _csv_cell(value) for key, value in record.items()})
    return buffer.getvalue()
