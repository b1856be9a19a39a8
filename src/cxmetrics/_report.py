"""The report model behind the command line, and its text and JSON renderers.

A `Report` is a title, the confidence level and a sequence of blocks. A
block is a `Section` (a titled list of metric `Row` records, one metric per
row, with its interval and counts) or a `Table` (a titled grid, such as a
staffing plan or a cohort table). The renderers know nothing about any
particular metric.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from typing import Any, Literal, TypeAlias

import attrs

import cxmetrics as cx
from cxmetrics.results import Interval

__all__ = [
    "Block",
    "Report",
    "Row",
    "Section",
    "Table",
    "Unit",
    "render_csv",
    "render_json",
    "render_table",
]

#: How a value reads: net-score points, a share (a fraction, printed in
#: percent), a mean score on the answer scale, a duration in hours, seconds
#: or months, an amount of money, a plain number or a p-value.
Unit: TypeAlias = Literal[
    "points",
    "share",
    "score",
    "hours",
    "seconds",
    "months",
    "money",
    "number",
    "p_value",
]

# ---------------------------------------------------------------------------
# The report model


@attrs.frozen(kw_only=True)
class Row:
    """One line of a report: a metric's value, interval and counts.

    Attributes
    ----------
    key : str
        Identifier of the metric within its section, e.g. ``"nps"``; the key
        of the metric in the JSON output.
    label : str
        What the table shows in the first column, e.g. ``"NPS"``.
    value : float
        The estimate: points for ``unit="points"``, a fraction for
        ``unit="share"``, a score for ``unit="score"``.
    unit : {'points', 'share', 'score', 'hours', 'seconds', 'months', 'money', 'number'}
        How the value and the interval are printed (see `Unit`).
    ci : Interval or None
        The confidence interval, or None when the row has none.
    n : int or None
        Valid responses behind the value; None for rows that detail the
        row above (such as the promoter share under NPS).
    n_missing : int or None
        Missing responses left out; None where ``n`` is None.
    count : int, float or None
        For a share, the answers it counts (its numerator, e.g. the number of
        promoters); None otherwise.
    indent : int
        Nesting level of the label; 1 for a detail of the row above.
    """

    key: str
    label: str
    value: float
    unit: Unit
    ci: Interval | None = None
    n: int | None = None
    n_missing: int | None = None
    count: float | None = None
    indent: int = 0


@attrs.frozen(kw_only=True)
class Section:
    """A titled group of rows, e.g. the survey metrics.

    Attributes
    ----------
    key : str
        Identifier of the section, e.g. ``"survey"``.
    title : str
        Heading printed above the rows.
    note : str
        One line on the data behind the rows.
    rows : tuple of Row
        The metrics, in print order.
    """

    key: str
    title: str
    note: str
    rows: tuple[Row, ...]


@attrs.frozen(kw_only=True)
class Table:
    """A titled grid of values, such as a staffing plan or a cohort table.

    Attributes
    ----------
    key : str
        Identifier of the table, e.g. ``"staffing"``.
    title : str
        Heading printed above the grid.
    note : str
        One line on the data behind the grid.
    columns : tuple of str
        Column headings; also the keys of each record in the JSON output.
    units : tuple of Unit
        How each column's numbers are printed; text cells print as they are.
    rows : tuple of tuple
        The cells, one tuple per row; numbers or text. A missing number is
        NaN: blank in the text table, null in JSON.
    """

    key: str
    title: str
    note: str
    columns: tuple[str, ...]
    units: tuple[Unit, ...]
    rows: tuple[tuple[float | str, ...], ...]


#: One part of a report.
Block: TypeAlias = Section | Table


@attrs.frozen(kw_only=True)
class Report:
    """A whole report: a title, the confidence level and its sections.

    Attributes
    ----------
    title : str
        First line of the table.
    confidence : float
        The confidence level of every interval in the report.
    sections : tuple of Section or Table
        The blocks, in print order.
    """

    title: str
    confidence: float
    sections: tuple[Block, ...]


# ---------------------------------------------------------------------------
# Rendering


_SUFFIXES = {"hours": " h", "seconds": " s", "months": " mo"}


def _format_number(value: float, unit: Unit) -> str:
    """A value as printed: ``+23.8`` points, ``79.9%``, ``5.08``, ``4.2 h``, ``n/a``."""
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
    if unit == "p_value":
        return "<0.001" if value < 0.001 else f"{value:.3f}"
    if unit == "number":
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return f"{value:.2f}"


def _format_count(count: int | None) -> str:
    return "" if count is None else f"{count:,}"


def _row_cells(row: Row) -> list[str]:
    """The table cells of one row: metric, value, CI, method, n, missing."""
    bounds = method = ""
    if row.ci is not None:
        low = _format_number(row.ci.low, row.unit)
        high = _format_number(row.ci.high, row.unit)
        bounds, method = f"{low} to {high}", row.ci.label
    return [
        "  " * row.indent + row.label,
        _format_number(row.value, row.unit),
        bounds,
        method,
        _format_count(row.n),
        _format_count(row.n_missing),
    ]


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

    Returns
    -------
    str
        Plain ASCII text ending with a newline. Net scores print in points,
        shares in percent, mean scores on their answer scale.

    Examples
    --------
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
    header = ["Metric", "Value", f"{100 * report.confidence:g}% CI", "Method"]
    header += ["n", "Missing"]
    right = (False, True, True, False, True, True)
    sections = [block for block in report.sections if isinstance(block, Section)]
    body = [_row_cells(row) for section in sections for row in section.rows]
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
        rows = [_row_cells(row) for row in block.rows]
        blocks.append(f"{heading}\n{_align([header, rule, *rows], widths, right)}")
    return "\n\n".join(blocks) + "\n"


def _cell_text(value: float | str, unit: Unit) -> str:
    """A table cell; a missing number (not observable, not applicable) is blank."""
    if isinstance(value, str):
        return value
    return "" if math.isnan(value) else _format_number(value, unit)


def _table_text(table: Table) -> str:
    """A `Table` aligned on its own: text left, numbers right."""
    cells = [
        [_cell_text(value, unit) for value, unit in zip(row, table.units, strict=True)]
        for row in table.rows
    ]
    header = list(table.columns)
    widths = [
        max(len(line[i]) for line in (header, *cells)) for i in range(len(header))
    ]
    first = table.rows[0] if table.rows else ()
    right = [not isinstance(value, str) for value in first] or [False] * len(header)
    rule = ["-" * width for width in widths]
    return _align([header, rule, *cells], widths, right)


def _finite_or_none(value: float) -> float | None:
    """JSON has no NaN or infinity: those become null."""
    return float(value) if math.isfinite(value) else None


def _row_json(row: Row) -> dict[str, Any]:
    ci = row.ci
    return {
        "label": row.label,
        "unit": row.unit,
        "value": _finite_or_none(row.value),
        "ci_low": None if ci is None else _finite_or_none(ci.low),
        "ci_high": None if ci is None else _finite_or_none(ci.high),
        "ci_method": None if ci is None else ci.method,
        "n": row.n,
        "n_missing": row.n_missing,
        "count": row.count,
    }


def _table_json(table: Table) -> dict[str, Any]:
    return {
        "key": table.key,
        "title": table.title,
        "note": table.note,
        "columns": list(table.columns),
        "units": list(table.units),
        "rows": [
            {
                column: value if isinstance(value, str) else _finite_or_none(value)
                for column, value in zip(table.columns, row, strict=True)
            }
            for row in table.rows
        ],
    }


def _section_json(section: Section) -> dict[str, Any]:
    return {
        "key": section.key,
        "title": section.title,
        "note": section.note,
        "metrics": {row.key: _row_json(row) for row in section.rows},
    }


def render_json(report: Report) -> str:
    """The report as a JSON object, every number unrounded.

    Parameters
    ----------
    report : Report

    Returns
    -------
    str
        A JSON object ending with a newline: ``title``, ``confidence``,
        ``cxmetrics_version`` and ``sections``, a list of objects with
        ``key``, ``title``, ``note`` and either ``metrics`` (a `Section`) or
        ``columns``, ``units`` and ``rows``, a list of records (a `Table`).
        ``metrics`` maps each row's key to ``label``, ``unit``, ``value``,
        ``ci_low``, ``ci_high``, ``ci_method``, ``n``, ``n_missing`` and
        ``count``. Values are in the library's
        units: points for net scores, fractions (0 to 1) for shares.
        Missing or non-finite numbers are ``null``.

    Examples
    --------
    >>> row = Row(key="nps", label="NPS", value=25.0, unit="points")
    >>> section = Section(key="survey", title="Survey", note="", rows=(row,))
    >>> report = Report(title="Example", confidence=0.95, sections=(section,))
    >>> import json
    >>> json.loads(render_json(report))["sections"][0]["metrics"]["nps"]["value"]
    25.0
    """
    document = {
        "title": report.title,
        "confidence": report.confidence,
        "cxmetrics_version": cx.__version__,
        "sections": [
            _table_json(block) if isinstance(block, Table) else _section_json(block)
            for block in report.sections
        ],
    }
    return json.dumps(document, indent=2, allow_nan=False) + "\n"


_CSV_FIELDS = (
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
)


def _csv_column(name: str) -> str:
    """A table column's name in the CSV output.

    Interval bounds and missing counts share the metric rows' columns
    (``95% CI low`` is ``ci_low``), so a spreadsheet finds every interval in
    the same two columns.
    """
    if name.endswith("% CI low"):
        return "ci_low"
    if name.endswith("% CI high"):
        return "ci_high"
    return "n_missing" if name == "missing" else name


def _csv_cell(value: float | str | None) -> str:
    """A CSV cell: numbers unrounded, missing or non-finite numbers blank."""
    if value is None:
        return ""
    if isinstance(value, str | int):
        return str(value)
    return repr(float(value)) if math.isfinite(value) else ""


def render_csv(report: Report) -> str:
    """The report as one CSV table, one line per metric or table row.

    Parameters
    ----------
    report : Report

    Returns
    -------
    str
        CSV text with a header line. The first columns are ``section``
        (the block's key), ``section_title``, then for metric rows ``metric``,
        ``label``, ``unit``, ``value``, ``ci_low``, ``ci_high``,
        ``ci_method``, ``confidence``, ``n``, ``n_missing`` and ``count``.
        The rows of a `Table` fill the columns named after the table's
        own columns, appended after those, except that interval bounds go
        to ``ci_low`` and ``ci_high`` and missing counts to ``n_missing``;
        cells that do not apply are blank. Numbers are unrounded, in the
        library's units (fractions for shares).

    Examples
    --------
    >>> row = Row(key="nps", label="NPS", value=25.0, unit="points",
    ...           ci=Interval(10.0, 40.0, 0.95, "adjusted_wald"), n=80, n_missing=2)
    >>> section = Section(key="survey", title="Survey", note="", rows=(row,))
    >>> report = Report(title="Example", confidence=0.95, sections=(section,))
    >>> print(render_csv(report), end="")
    section,section_title,metric,label,unit,value,ci_low,ci_high,ci_method,confidence,n,n_missing,count
    survey,Survey,nps,NPS,points,25.0,10.0,40.0,adjusted_wald,0.95,80,2,
    """
    fields = list(_CSV_FIELDS)
    records: list[dict[str, Any]] = []
    for block in report.sections:
        head = {"section": block.key, "section_title": block.title}
        if isinstance(block, Table):
            columns = [_csv_column(name) for name in block.columns]
            fields += [name for name in columns if name not in fields]
            records += [
                {**head, **dict(zip(columns, row, strict=True))} for row in block.rows
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
