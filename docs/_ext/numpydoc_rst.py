"""Griffe extension: render the reStructuredText parts of numpydoc docstrings.

The docstrings in ``src/cxmetrics`` follow numpydoc, which writes formulas
as reStructuredText (``.. math::`` blocks and ``:math:`` roles) and
citations as ``.. [1]`` with ``[1]_`` in the text. mkdocstrings renders
docstrings as Markdown, so before they are parsed this extension rewrites:

- a ``.. math::`` block (or one-line ``.. math:: expr``) into a ``$$ ... $$``
  block for ``pymdownx.arithmatex``;
- ``:math:`expr``` into ``$expr$``;
- ``.. [1] text`` into ``[1] text`` and ``[1]_`` into ``[1]``;
- a definition list of literal terms (``name`` : type, then an indented
  description, as numpydoc uses for the columns of a returned DataFrame)
  into a bulleted list.

The source stays standard numpydoc (as read by ``help()``, IDEs and
numpydoc-aware tools); only the documentation site sees the rewrite.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_MATH_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\. math::[ \t]*(?P<rest>.*)$")
_MATH_ROLE = re.compile(r":math:`([^`]+)`")
_CITATION = re.compile(r"^(?P<indent>[ \t]*)\.\. \[(?P<label>[^\]]+)\][ \t]*")
_UNDERLINE = re.compile(r"^[ \t]*-{3,}[ \t]*$")
_DEFINITION_TERM = re.compile(
    r"^(?P<indent>[ \t]*)(?P<term>``[^`]+``)[ \t]*:[ \t]*(?P<kind>.+)$"
)
_CITATION_REF = re.compile(r"\[(?P<label>[^\]\s]+)\]_")


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip())


def _math_blocks(lines: list[str]) -> list[str]:
    """Replace each ``.. math::`` directive by a ``$$`` block at its indent."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        match = _MATH_DIRECTIVE.match(lines[i])
        if match is None:
            out.append(lines[i])
            i += 1
            continue
        indent = match.group("indent")
        body = [match.group("rest")] if match.group("rest").strip() else []
        i += 1
        block: list[str] = []
        while i < len(lines) and (
            not lines[i].strip() or _indent_of(lines[i]) > len(indent)
        ):
            block.append(lines[i])
            i += 1
        while block and not block[-1].strip():  # trailing blanks stay outside
            block.pop()
            i -= 1
        content = [line for line in block if line.strip()]
        if content:
            depth = min(_indent_of(line) for line in content)
            body += [line[depth:] if line.strip() else "" for line in block]
        while body and not body[0].strip():
            body.pop(0)
        if out and out[-1].strip() and not _UNDERLINE.match(out[-1]):
            out.append("")
        out.append(f"{indent}$$")
        out += [f"{indent}{line}" if line else "" for line in body]
        out.append(f"{indent}$$")
        if i < len(lines) and lines[i].strip():
            out.append("")
    return out


def _citations(lines: list[str]) -> list[str]:
    """Turn ``.. [1] text`` into ``[1] text``, dedenting its continuation."""
    out: list[str] = []
    in_citation: int | None = None
    for line in lines:
        match = _CITATION.match(line)
        if match is not None:
            in_citation = len(match.group("indent"))
            label = match.group("label")
            out.append(f"{match.group('indent')}[{label}] {line[match.end() :]}")
            continue
        if in_citation is not None and line.strip() and _indent_of(line) > in_citation:
            out.append(" " * in_citation + line.lstrip())
            continue
        in_citation = None
        out.append(line)
    return out


def _definitions(lines: list[str]) -> list[str]:
    """Turn ``name`` : type lines with an indented description into bullets."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        match = _DEFINITION_TERM.match(lines[i])
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if match is None or _indent_of(following) <= len(match.group("indent")):
            out.append(lines[i])
            i += 1
            continue
        indent = match.group("indent")
        description: list[str] = []
        i += 1
        while (
            i < len(lines) and lines[i].strip() and _indent_of(lines[i]) > len(indent)
        ):
            description.append(lines[i].strip())
            i += 1
        if out and out[-1].strip() and not out[-1].lstrip().startswith("- "):
            out.append("")
        term, kind = match.group("term"), match.group("kind").strip()
        out.append(f"{indent}- {term} ({kind}): {' '.join(description)}")
    return out


def rewrite(text: str) -> str:
    r"""Rewrite the reStructuredText math and citations of a docstring.

    Parameters
    ----------
    text : str
        A docstring, already dedented.

    Returns
    -------
    str
        The docstring with Markdown math and plain citations.

    Examples
    --------
    >>> print(rewrite("With :math:`p_+` and :math:`p_-` [1]_."))
    With $p_+$ and $p_-$ [1].
    >>> rewrite(".. math:: x = 1").split("\n")
    ['$$', 'x = 1', '$$']
    """
    lines = _definitions(_citations(_math_blocks(text.split("\n"))))
    joined = "\n".join(lines)
    joined = _MATH_ROLE.sub(lambda m: f"${m.group(1)}$", joined)
    return _CITATION_REF.sub(lambda m: f"[{m.group('label')}]", joined)


class NumpydocRst(griffe.Extension):
    """Rewrite reStructuredText math and citations before docstrings are parsed."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Rewrite the docstring of each object as it is loaded."""
        if obj.docstring is not None:
            obj.docstring.value = rewrite(obj.docstring.value)
