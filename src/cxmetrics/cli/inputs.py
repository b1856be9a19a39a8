"""Reading a user's CSV file and the options that name its columns.

Every problem with the file, a column or an option raises
`cxmetrics.InputError` with a message that starts with the command's name;
the command line prints it in one line and exits with status 2.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from cxmetrics import InputError
from cxmetrics._timestamps import to_index, to_timestamps

__all__ = [
    "one_line",
    "parse_date",
    "parse_scale",
    "read_dates",
    "read_flags",
    "read_numbers",
    "read_table",
    "save_chart",
    "shown_path",
    "source_note",
]

#: Paths longer than this are shortened in messages.
_LONGEST_PATH_SHOWN = 120


def one_line(message: object) -> str:
    """A message with its line breaks and runs of spaces folded into one space."""
    return " ".join(str(message).split())


def shown_path(path: str) -> str:
    """A path as a message shows it: in full, or its ends when it is very long."""
    if len(path) <= _LONGEST_PATH_SHOWN:
        return path
    return f"{path[:50]}...{path[-40:]} ({len(path):,} characters)"


def read_table(command: str, path: str, columns: Sequence[str | None]) -> pd.DataFrame:
    """Read a CSV file and check that the named columns are in it.

    Every read error (a missing file, a path through a file, a name too long
    for the file system, a file that is not CSV text, an empty file) becomes
    an `InputError` naming the file.
    """
    where = shown_path(path)
    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise InputError(f"{command}: no such file: {where}") from None
    except IsADirectoryError:
        raise InputError(f"{command}: {where} is a directory, not a CSV file") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{command}: {where} is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise InputError(
            f"{command}: cannot read {where} as CSV: {one_line(error)}"
        ) from None
    except OSError as error:
        reason = error.strerror or one_line(error)
        raise InputError(f"{command}: cannot open {where}: {reason}") from None
    except ValueError as error:  # such as a null byte in the name
        raise InputError(f"{command}: cannot open {where}: {one_line(error)}") from None
    unknown = [name for name in columns if name is not None and name not in frame]
    if unknown:
        available = ", ".join(repr(str(name)) for name in frame.columns)
        missing = ", ".join(repr(name) for name in dict.fromkeys(unknown))
        noun = "column" if len(set(unknown)) == 1 else "columns"
        raise InputError(
            f"{command}: no {noun} {missing} in {where}; the columns are {available}"
        )
    return frame


def source_note(path: str, frame: pd.DataFrame) -> str:
    """``answers.csv, 1,204 rows``: the file behind a report, for its notes."""
    return f"{shown_path(Path(path).name)}, {len(frame):,} rows"


def read_dates(command: str, frame: pd.DataFrame, column: str) -> pd.Series:
    """A column of timestamps, read by the library's one rule for them.

    ISO 8601 text (or datetimes); blanks are missing. Values with UTC offsets
    are instants, in the zone they share (UTC when offsets differ, as across
    a clock change); naive values stay naive. A value that is not a
    timestamp, or naive values mixed with offsets, raise `InputError`.
    """
    stamps = to_timestamps(frame[column], func=command, name=f"column {column!r}")
    dates: pd.Series = pd.Series(to_index(stamps), index=frame.index, name=column)
    return dates


def read_numbers(command: str, frame: pd.DataFrame, column: str) -> pd.Series:
    """A column of numbers; blank cells are missing, any other text refused."""
    values = frame[column]
    numbers: pd.Series = pd.to_numeric(values, errors="coerce")
    bad = values[numbers.isna() & values.notna()]
    if len(bad):
        raise InputError(_bad_values(command, column, bad, len(values), "numbers"))
    return numbers


def _bad_values(
    command: str, column: str, bad: pd.Series, total: int, kind: str
) -> str:
    """``survey: column 'date' has 2 of 1,204 values that are not dates (...)``."""
    examples = ", ".join(_example(value) for value in pd.unique(bad.to_numpy())[:3])
    return (
        f"{command}: column {column!r} has {len(bad):,} of {total:,} values that "
        f"are not {kind} ({examples})"
    )


def _example(value: object) -> str:
    """A bad value as a message shows it: text quoted, whole floats without .0."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_TRUE = {"true", "1", "1.0", "yes", "y", "t"}
_FALSE = {"false", "0", "0.0", "no", "n", "f"}


def read_flags(command: str, frame: pd.DataFrame, column: str) -> pd.Series:
    """A column of true/false values (also 1/0 and yes/no) as nullable booleans.

    Blank cells are missing (``pd.NA``): the metrics leave them out and
    count them.
    """
    values: pd.Series = frame[column]
    if values.dtype == bool:
        return values
    text = values.astype(str).str.strip().str.lower()
    blank = values.isna() | (text == "")
    known = text.isin(_TRUE | _FALSE) | blank
    if not known.all():
        bad = values[~known]
        raise InputError(_bad_values(command, column, bad, len(values), "true/false"))
    flags: pd.Series = pd.Series(text.isin(_TRUE), index=values.index, dtype="boolean")
    flags[blank] = pd.NA
    return flags


def parse_date(command: str, option: str, text: str) -> pd.Timestamp:
    """A date option such as ``--as-of``: a date or timestamp in ISO 8601.

    Read by the library's one rule for timestamps (`to_timestamps`), so an
    option accepts what a column of dates accepts; anything else raises
    `InputError` naming the option.
    """
    stamps = to_timestamps([text], func=command, name=option)
    if stamps.n_missing:
        raise InputError(
            f"{command}: {option} expects a date such as 2026-01-01; got {text!r}"
        )
    stamp: pd.Timestamp = to_index(stamps)[0]
    return stamp


def parse_scale(command: str, tokens: Sequence[str] | None) -> tuple[int, int] | None:
    """``--scale 1 5`` or ``--scale 1-5`` as a pair of integers."""
    if tokens is None:
        return None
    parts = tokens[0].split("-") if len(tokens) == 1 else list(tokens)
    try:
        low, high = (int(part) for part in parts)
    except ValueError:
        shown = " ".join(tokens)
        raise InputError(
            f"{command}: --scale expects LOW HIGH or LOW-HIGH, such as 1-5; "
            f"got {shown!r}"
        ) from None
    return low, high


def save_chart(
    command: str, directory: str | None, name: str, draw: Callable[[Any], object]
) -> None:
    """With ``--plots DIR``, draw one chart on a fresh figure and save DIR/name.png.

    The figure is a plain `matplotlib.figure.Figure`, so no display or
    interactive backend is involved. Without a directory, nothing happens.
    """
    if directory is None:
        return
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise InputError(
            f"{command}: --plots needs matplotlib; install the plot extra: "
            'pip install "cxmetrics[plot]"'
        ) from None
    figure = Figure(figsize=(8, 4.5), layout="constrained")
    draw(figure.add_subplot())
    path = Path(directory) / f"{name}.png"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, dpi=110)
    except OSError as error:
        reason = error.strerror or one_line(error)
        raise InputError(
            f"{command}: cannot write --plots {shown_path(directory)}: {reason}"
        ) from None
