"""The report model of the command line: what a command computed, in print order.

A `Report` is a title, the confidence level (None without intervals), a
sequence of blocks and any warnings. A block is a `Section` (a titled list of
metric `Row` records, one metric per row, with its interval and counts) or a
`Table` (a titled grid of typed cells under named `Column` objects, such as
segments, a trend, a staffing plan or a cohort table). The renderers in
`cxmetrics.cli.render` know nothing about any particular metric.

Names are the machine contract: a row's ``key`` and a column's ``name`` are
the library's field names in snake_case (``value``, ``ci_low``, ``p_value``,
...) and become the keys of the JSON output and the columns of the CSV
output. A column's ``header`` is only what the text table prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypeAlias

import attrs

from cxmetrics.results import Interval

__all__ = [
    "Block",
    "Cell",
    "Column",
    "Report",
    "Row",
    "Section",
    "Table",
    "Unit",
]

#: How a value reads: net-score points, a share (a fraction, printed in
#: percent), a mean score on the answer scale, a duration in hours, seconds
#: or months, a time in the unit of the data (such as a recency in weeks), an
#: amount of money, a plain number, a model's estimate (four significant
#: digits), a count, a p-value, text or a yes/no flag.
Unit: TypeAlias = Literal[
    "points",
    "share",
    "score",
    "hours",
    "seconds",
    "months",
    "time",
    "money",
    "number",
    "estimate",
    "count",
    "p_value",
    "text",
    "flag",
]

#: One cell of a `Table`: text, a whole number (counts), a number, a flag, or
#: None for a value that is missing, not observable or does not apply.
Cell: TypeAlias = str | bool | int | float | None


@attrs.frozen(kw_only=True)
class Row:
    """One line of a section: a metric's value, interval and counts.

    Attributes
    ----------
    key : str
        Identifier of the metric within its section, e.g. ``"nps"``; its key
        in the JSON output and its ``metric`` in the CSV output.
    label : str
        What the text table shows in the first column, e.g. ``"NPS"``.
    value : float
        The estimate: points for ``unit="points"``, a fraction for
        ``unit="share"``, a score for ``unit="score"``; NaN where it is
        undefined.
    unit : Unit
        How the value and the interval are printed.
    ci : Interval or None
        The confidence interval, or None when the row has none.
    n : int or None
        Valid responses behind the value; None for rows that detail the
        row above (such as the promoter share under NPS).
    n_missing : int or None
        Missing responses left out; None where ``n`` is None.
    count : int, float or None
        For a share, the answers it counts (its numerator, e.g. the number of
        promoters; weighted when the estimate is weighted); None otherwise.
    effective_n : float or None
        Kish's effective sample size of a weighted estimate; None when the
        estimate is not weighted.
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
    count: int | float | None = None
    effective_n: float | None = None
    indent: int = 0


@attrs.frozen(kw_only=True)
class Section:
    """A titled group of metric rows, e.g. the survey metrics.

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
    facts : mapping of str to Cell
        Machine-readable facts the note states in words, such as the date
        open subscriptions are censored at (``{"as_of": "2026-01-01"}``);
        in the JSON output only.
    """

    key: str
    title: str
    note: str
    rows: tuple[Row, ...]
    facts: Mapping[str, Cell] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class Column:
    """One column of a `Table`.

    Attributes
    ----------
    name : str
        The field name, in snake_case as in the library (``ci_low``,
        ``p_adjusted``) or the user's own column name for a segment key:
        the key in the JSON records and the column of the CSV output.
    header : str
        What the text table prints above the column, e.g. ``"95% CI low"``.
    unit : Unit
        How numbers in the column are printed; ``"text"`` and ``"flag"``
        columns are left-aligned.
    shown : bool
        Whether the text table prints the column; machine output always
        carries every column.
    """

    name: str
    header: str
    unit: Unit
    shown: bool = True


@attrs.frozen(kw_only=True)
class Table:
    """A titled grid of values, such as a staffing plan or a cohort table.

    Attributes
    ----------
    key, title, note : str
        As in `Section`: the identifier (``"staffing"``), the heading and
        one line on the data.
    columns : tuple of Column
        The columns, in print order.
    rows : tuple of tuple of Cell
        The cells, one tuple per row, in the order of ``columns``: text,
        whole numbers for counts, numbers, booleans for flags; None (or NaN)
        for a missing value, blank in the text table and null in JSON.
    """

    key: str
    title: str
    note: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]


#: One part of a report.
Block: TypeAlias = Section | Table


@attrs.frozen(kw_only=True)
class Report:
    """A whole report: a title, the confidence level, its blocks and warnings.

    Attributes
    ----------
    title : str
        First line of the text table.
    confidence : float or None
        The confidence level of every interval in the report; None for a
        report without intervals.
    sections : tuple of Section or Table
        The blocks, in print order.
    warnings : tuple of str
        Doubts about the input that did not stop the command (such as NPS
        asked of a column that looks like a 1-5 scale); printed to standard
        error and listed in the JSON output.
    """

    title: str
    confidence: float | None
    sections: tuple[Block, ...]
    warnings: tuple[str, ...] = ()
