"""Tests of the report writer of ``compare.py``: ``--update`` and ``--case``.

A report is written for made-up cases with known timings; updating one case
must change its table row and its note and nothing else. The expected lines
are written out by hand.
"""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Any

import compare
import pytest
from harness import FULL, Case, Outcome, Pair, Sizes, Timing


def _pair(sizes: Sizes) -> Pair:
    del sizes
    return Pair(ours=lambda: 1, peer=lambda: 1, check=lambda ours, peer: None)


def _fixed_timer(ours: float, peer: float) -> Any:
    def timer(pair: Pair, sizes: Sizes) -> Timing:
        del pair, sizes
        return Timing(ours, peer, "timed by hand")

    return timer


def _case(name: str, target: float | None = 1.0, timer: Any = None) -> Case:
    return Case(
        name=name,
        ours_label="`ours` on {rows:,} rows",
        peer_label="`peer`",
        target=target,
        prepare=_pair,
        timer=timer or _fixed_timer(1.0, 2.0),
        about=f"what {name} shows",
        params=lambda sizes: {"rows": 1000 if sizes.quick else 2_000_000},
    )


# "fast" is a prefix of "fast-weighted": updating one must leave the other.
FAST, FAST_WEIGHTED, SLOW = _case("fast"), _case("fast-weighted", None), _case("slow")


def _report() -> str:
    outcomes = [
        Outcome(FAST, Timing(1.0, 4.0, "note of fast")),
        Outcome(FAST_WEIGHTED, Timing(1.0, 2.0, "note of fast-weighted")),
        Outcome(SLOW, Timing(3.0, 1.0, "note of slow")),
    ]
    return compare.format_markdown(outcomes, FULL, "0.50, 0.40, 0.30")


def test_the_report_has_the_rows_and_notes_that_update_replaces():
    lines = _report().splitlines()
    assert "| fast | `ours` on 2,000,000 rows | `peer` | 0.25× | ≤ 1× | yes |" in lines
    assert "| fast-weighted | `ours` on 2,000,000 rows | `peer` | 0.50× | — | — |" in (
        lines
    )
    assert "| slow | `ours` on 2,000,000 rows | `peer` | 3.00× | ≤ 1× | no |" in lines
    assert "- **fast**: what fast shows; note of fast." in lines


def test_update_replaces_the_row_and_note_of_the_case_alone():
    report = _report()
    again = Outcome(FAST, Timing(1.0, 8.0, "timed again"))
    updated = compare.update_markdown(report, [again], FULL, "1.25, 1.00, 0.75")
    before, after = report.splitlines(), updated.splitlines()
    pairs = enumerate(zip(before, after, strict=True))
    changed = [i for i, (old, new) in pairs if old != new]
    assert len(changed) == 2
    row, note = (after[i] for i in changed)
    assert row == "| fast | `ours` on 2,000,000 rows | `peer` | 0.12× | ≤ 1× | yes |"
    assert note.startswith("- **fast**: what fast shows; timed again; measured apart")
    assert f"on CPython {platform.python_version()}: cxmetrics " in note
    assert "load average at the start 1.25, 1.00, 0.75." in note
    # The machine section and the other cases are those of the first run.
    assert "- Load average at the start of the run: 0.50, 0.40, 0.30" in after
    assert before[changed[0] + 1] == after[changed[0] + 1]  # fast-weighted's row
    assert updated.endswith("\n") == report.endswith("\n")


def test_update_shows_a_failed_case_as_such():
    report = _report()
    failed = Outcome(SLOW, None, "disagreement: the peer answers 3")
    updated = compare.update_markdown(report, [failed], FULL, "0.1, 0.1, 0.1")
    lines = updated.splitlines()
    assert "| slow | `ours` on 2,000,000 rows | `peer` | — | ≤ 1× | error |" in lines
    assert any(
        line.startswith(
            "- **slow**: what slow shows; disagreement: the peer answers 3;"
        )
        for line in lines
    )


def test_a_report_without_the_case_is_refused():
    report = _report()
    other = _case("other")
    assert compare.missing_cases(report, ["fast", "other", "slow"]) == ["other"]
    with pytest.raises(compare.ReportError, match=r"no lines starting '\| other \|'"):
        compare.update_markdown(report, [Outcome(other, None, "x")], FULL, "0")
    doubled = report + "\n| fast | again |\n"
    assert compare.missing_cases(doubled, ["fast"]) == ["fast"]
    with pytest.raises(compare.ReportError, match="2 lines starting"):
        compare.update_markdown(doubled, [Outcome(FAST, None, "x")], FULL, "0")


# ---------------------------------------------------------------------------
# The command line, on made-up cases


@pytest.fixture
def made_up_cases(monkeypatch: pytest.MonkeyPatch) -> tuple[Case, ...]:
    cases = (
        _case("fast", timer=_fixed_timer(1.0, 5.0)),
        FAST_WEIGHTED,
        _case("slow", timer=_fixed_timer(2.0, 1.0)),
    )
    monkeypatch.setattr(compare, "CASES", cases)
    return cases


def test_update_on_the_command_line(made_up_cases, tmp_path: Path, capsys):
    path = tmp_path / "benchmarks.md"
    path.write_text(_report(), encoding="utf-8")
    assert compare.main(["--update", str(path), "--case", "fast"]) == 0
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "| fast | `ours` on 2,000,000 rows | `peer` | 0.20× | ≤ 1× | yes |" in lines
    assert "| slow | `ours` on 2,000,000 rows | `peer` | 3.00× | ≤ 1× | no |" in lines
    assert "updated fast in" in capsys.readouterr().out
    # Two cases at once; a missed target fails the run after writing.
    assert compare.main(["--update", str(path), "--case", "fast", "--case", "slow"])
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "| slow | `ours` on 2,000,000 rows | `peer` | 2.00× | ≤ 1× | no |" in lines


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--update", "{path}"], "--update needs the cases to measure again"),
        (["--update", "{missing}", "--case", "fast"], "cannot read"),
        (["--update", "{path}", "--case", "fast", "--quick"], "not allowed with"),
    ],
)
def test_update_refuses_bad_arguments(
    made_up_cases, tmp_path: Path, capsys, arguments, message
):
    path = tmp_path / "benchmarks.md"
    path.write_text(_report(), encoding="utf-8")
    argv = [a.format(path=path, missing=tmp_path / "missing.md") for a in arguments]
    with pytest.raises(SystemExit) as exit_:
        compare.main(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == _report()


def test_update_refuses_a_report_without_the_case(made_up_cases, tmp_path, capsys):
    path = tmp_path / "benchmarks.md"
    path.write_text(_report().replace("| slow |", "| slower |"), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        compare.main(["--update", str(path), "--case", "slow"])
    assert exit_.value.code == 2
    assert "has no single row and note for slow" in capsys.readouterr().err
