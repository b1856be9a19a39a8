"""The ``cxmetrics`` command line, a thin layer over the library.

``cxmetrics demo`` prints a customer-experience report on the bundled sample
data; ``cxmetrics survey|tickets|calls|retention FILE.csv`` the same kind of
report on a user's CSV file, and ``cxmetrics schedule`` a shift plan from
per-period requirements, as an aligned text table, JSON or CSV.

The layer has one module per part:

- `cxmetrics.cli.report`: the report model (rows, sections, tables);
- `cxmetrics.cli.render`: the text, JSON and CSV renderers;
- `cxmetrics.cli.inputs`: reading the file and its columns;
- `cxmetrics.cli.blocks`: rows and tables every command builds alike;
- `cxmetrics.cli.survey`, ``tickets``, ``calls``, ``schedule``,
  ``retention``: one builder module per command;
- `cxmetrics.cli.demo`: the demo, which runs those builders on the bundled
  data;
- `cxmetrics.cli.parser`: the argument parser and `main`.

It calls the library through its public API only.
"""

from __future__ import annotations

from cxmetrics.cli.demo import DEMO_SECTIONS, DemoOptions, build_demo_report
from cxmetrics.cli.parser import build_parser, main
from cxmetrics.cli.render import render_csv, render_json, render_table
from cxmetrics.cli.report import Column, Report, Row, Section, Table

__all__ = [
    "DEMO_SECTIONS",
    "Column",
    "DemoOptions",
    "Report",
    "Row",
    "Section",
    "Table",
    "build_demo_report",
    "build_parser",
    "main",
    "render_csv",
    "render_json",
    "render_table",
]
