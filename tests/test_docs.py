"""The documentation's examples run and print what the pages say they print.

Each page's ``python`` blocks run in order in one namespace, as a reader
would run them; a ``text`` block right after a ``python`` block is the
output the page promises. A final bare expression is shown by its repr, as
in a notebook. Tables are printed at a fixed width so that the output does
not depend on the terminal.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(
    path
    for path in DOCS.rglob("*.md")
    if "```python" in path.read_text(encoding="utf-8")
)
BLOCK = re.compile(r"```(python|text)\n(.*?)```", re.S)


def _run(source: str, namespace: dict[str, Any], name: str) -> str:
    tree = ast.parse(source)
    last = (
        tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    )
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(tree, name, "exec"), namespace)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), name, "eval"), namespace)
            if value is not None:
                print(repr(value))
    return out.getvalue()


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip().splitlines()]


@pytest.mark.parametrize("page", PAGES, ids=lambda path: str(path.relative_to(DOCS)))
def test_examples_print_what_the_page_shows(page: Path) -> None:
    namespace: dict[str, Any] = {}
    printed: str | None = None
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        for kind, body in BLOCK.findall(page.read_text(encoding="utf-8")):
            if kind == "python":
                printed = _run(body, namespace, str(page))
            elif printed is not None:
                assert _lines(printed) == _lines(body), f"{page.name}: {body[:60]!r}"
                printed = None
