"""The ``cxmetrics`` command, run through its real entry point.

Every number the demo prints is checked against an independent computation
on the raw sample file: plain pandas counts, the adjusted Wald formula of
Rocks (2016) written out here, statsmodels' Wilson interval and scipy's
Student t quantile.
"""

from __future__ import annotations

import json
import math
import runpy
import subprocess
import sys
from importlib import resources
from statistics import NormalDist
from typing import Any

import pandas as pd
import pytest
from cli_support import run
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

import cxmetrics
from cxmetrics import cli, datasets
from cxmetrics.cli import (
    Column,
    DemoOptions,
    Report,
    Row,
    Section,
    Table,
    build_demo_report,
    render_csv,
    render_json,
    render_table,
)
from cxmetrics.results import Interval

# ---------------------------------------------------------------------------
# Independent reference values


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """The sample file read by plain pandas (floats with NaN for blanks)."""
    with (resources.files("cxmetrics") / "data" / "survey.csv").open("rb") as f:
        return pd.read_csv(f)


def z_value(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def net_score_reference(
    positive: int, negative: int, n: int, confidence: float
) -> dict[str, float]:
    """Net score and adjusted Wald interval (Rocks 2016), in points.

    Add 3/4 to the positive and the negative counts and 3 to n, then the
    Wald interval on the adjusted shares with the trinomial variance
    p+ + p- - (p+ - p-)^2.
    """
    p_pos = (positive + 0.75) / (n + 3)
    p_neg = (negative + 0.75) / (n + 3)
    diff = p_pos - p_neg
    half = z_value(confidence) * math.sqrt((p_pos + p_neg - diff**2) / (n + 3))
    return {
        "value": 100 * (positive - negative) / n,
        "ci_low": 100 * (diff - half),
        "ci_high": 100 * (diff + half),
    }


def rate_reference(successes: int, n: int, confidence: float) -> dict[str, float]:
    low, high = proportion_confint(successes, n, alpha=1 - confidence, method="wilson")
    return {"value": successes / n, "ci_low": low, "ci_high": high}


def reference(raw: pd.DataFrame, confidence: float) -> dict[str, dict[str, Any]]:
    """Every metric of the survey section, from value counts and formulas."""
    nps_counts = raw["nps"].value_counts()
    n = int(nps_counts.sum())
    promoters = int(nps_counts.reindex([9, 10], fill_value=0).sum())
    passives = int(nps_counts.reindex([7, 8], fill_value=0).sum())
    detractors = n - promoters - passives

    csat = raw["csat"].dropna()
    ces = raw["ces"].dropna()
    easy = int(ces.isin([5, 6, 7]).sum())
    difficult = int(ces.isin([1, 2, 3]).sum())
    satisfied = int(csat.isin([4, 5]).sum())
    t = stats.t.ppf(0.5 + confidence / 2, len(ces) - 1)
    half = t * ces.std(ddof=1) / math.sqrt(len(ces))

    csat_missing = int(raw["csat"].isna().sum())
    ces_missing = int(raw["ces"].isna().sum())
    return {
        "nps": {
            **net_score_reference(promoters, detractors, n, confidence),
            "n": n,
            "n_missing": 0,
            "ci_method": "adjusted_wald",
        },
        "promoter_share": {"value": promoters / n, "count": promoters},
        "passive_share": {"value": passives / n, "count": passives},
        "detractor_share": {"value": detractors / n, "count": detractors},
        "csat": {
            **rate_reference(satisfied, len(csat), confidence),
            "n": len(csat),
            "n_missing": csat_missing,
            "count": satisfied,
            "ci_method": "wilson",
        },
        "ces_mean": {
            "value": ces.mean(),
            "ci_low": ces.mean() - half,
            "ci_high": ces.mean() + half,
            "n": len(ces),
            "n_missing": ces_missing,
            "ci_method": "t",
        },
        "ces_easy": {
            **rate_reference(easy, len(ces), confidence),
            "n": len(ces),
            "n_missing": ces_missing,
            "count": easy,
            "ci_method": "wilson",
        },
        "net_easy": {
            **net_score_reference(easy, difficult, len(ces), confidence),
            "n": len(ces),
            "n_missing": ces_missing,
            "ci_method": "adjusted_wald",
        },
    }


# ---------------------------------------------------------------------------
# The demo's numbers


@pytest.mark.parametrize("confidence", [0.95, 0.9])
def test_demo_json_matches_the_reference(
    raw: pd.DataFrame, capsys: pytest.CaptureFixture[str], confidence: float
) -> None:
    status, out, err = run(
        capsys, "demo", "--format", "json", "--confidence", str(confidence)
    )
    assert (status, err) == (0, "")
    document = json.loads(out)
    assert document["confidence"] == confidence
    assert document["cxmetrics_version"] == cxmetrics.__version__
    section = document["sections"][0]
    assert section["key"] == "survey"
    metrics = section["metrics"]
    expected = reference(raw, confidence)
    assert list(metrics) == list(expected)
    for key, fields in expected.items():
        for field, value in fields.items():
            actual = metrics[key][field]
            if isinstance(value, str):
                assert actual == value, (key, field)
            else:
                assert actual == pytest.approx(value, rel=1e-9), (key, field)


def test_demo_json_shares_sum_to_one(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "demo", "--format", "json")
    metrics = json.loads(out)["sections"][0]["metrics"]
    shares = [metrics[k]["value"] for k in ("promoter_share", "passive_share")]
    shares.append(metrics["detractor_share"]["value"])
    assert sum(shares) == pytest.approx(1.0)
    nps = metrics["nps"]
    expected_nps = 100 * (shares[0] - shares[2])
    assert nps["value"] == pytest.approx(expected_nps)
    assert nps["ci_low"] < nps["value"] < nps["ci_high"]


def test_narrower_confidence_gives_narrower_intervals(
    capsys: pytest.CaptureFixture[str],
) -> None:
    widths = {}
    for level in ("0.8", "0.99"):
        _, out, _ = run(capsys, "demo", "--format", "json", "--confidence", level)
        nps = json.loads(out)["sections"][0]["metrics"]["nps"]
        widths[level] = nps["ci_high"] - nps["ci_low"]
    # Half-widths scale with z: 1.2816 at 80 %, 2.5758 at 99 %.
    assert widths["0.8"] / widths["0.99"] == pytest.approx(
        z_value(0.8) / z_value(0.99), rel=1e-3
    )


def table_row(out: str, label: str) -> list[str]:
    """The cells of the table line whose metric is ``label``."""
    [line] = [line for line in out.splitlines() if line.startswith(label + "  ")]
    return [cell.strip() for cell in line[len(label) :].split("  ") if cell.strip()]


def test_demo_table_matches_the_reference(
    raw: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "demo")
    assert (status, err) == (0, "")
    ref = reference(raw, 0.95)
    nps, csat, ces = ref["nps"], ref["csat"], ref["ces_mean"]
    assert table_row(out, "NPS") == [
        f"{nps['value']:+.1f}",
        f"{nps['ci_low']:+.1f} to {nps['ci_high']:+.1f}",
        "adjusted Wald",
        f"{nps['n']:,}",
        "0",
    ]
    assert table_row(out, "  promoters (9-10)") == [
        f"{100 * ref['promoter_share']['value']:.1f}%"
    ]
    assert table_row(out, "CSAT (4-5 of 1-5)") == [
        f"{100 * csat['value']:.1f}%",
        f"{100 * csat['ci_low']:.1f}% to {100 * csat['ci_high']:.1f}%",
        "Wilson",
        f"{csat['n']:,}",
        str(csat["n_missing"]),
    ]
    assert table_row(out, "CES mean (1-7)") == [
        f"{ces['value']:.2f}",
        f"{ces['ci_low']:.2f} to {ces['ci_high']:.2f}",
        "Student t",
        f"{ces['n']:,}",
        str(ces["n_missing"]),
    ]
    assert table_row(out, "Net Easy (5-7 minus 1-3)")[0] == (
        f"{ref['net_easy']['value']:+.1f}"
    )
    assert table_row(out, "CES easy (5-7 of 1-7)")[2] == "Wilson"


def test_demo_table_layout(capsys: pytest.CaptureFixture[str]) -> None:
    """Title, section heading, header, rule; numbers right-aligned under it."""
    _, out, _ = run(capsys, "demo", "--confidence", "0.9")
    lines = out.splitlines()
    assert lines[0].startswith("cxmetrics demo:")
    assert (
        lines[2] == "Survey: sample survey, 3,000 responses, 2025-01-01 to 2025-12-31"
    )
    header, rule, *rest = lines[3:]
    rows = rest[: rest.index("")]  # the survey block ends at the blank line
    assert header.split() == ["Metric", "Value", "90%", "CI", "Method", "n", "Missing"]
    assert set(rule) == {"-", " "}
    assert len(rows) == 8
    value_end = header.index("Value") + len("Value")
    n_end = header.index(" n ") + 2
    for row in rows:
        padded = row.ljust(len(header))
        assert padded[value_end - 1] != " "
        assert padded[value_end] == " "
    for row in (r for r in rows if not r.startswith("  ")):
        assert row[n_end - 1].isdigit()
        assert len(row) == len(header)
        assert row[-1].isdigit()
    assert out.isascii()
    assert out.endswith("\n")


def test_python_dash_m(raw: pd.DataFrame) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "cxmetrics", "demo"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    nps = reference(raw, 0.95)["nps"]
    assert table_row(completed.stdout, "NPS")[0] == f"{nps['value']:+.1f}"


def test_module_entry_point_exits_with_the_status(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m cxmetrics`` exits with the status that main returns."""
    monkeypatch.setattr(sys, "argv", ["cxmetrics", "demo", "--format", "yaml"])
    with pytest.raises(SystemExit) as stop:
        runpy.run_module("cxmetrics", run_name="__main__")
    assert stop.value.code == 2
    assert "'yaml'" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# Help, version and errors


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--version")
    assert (status, out, err) == (0, f"cxmetrics {cxmetrics.__version__}\n", "")


@pytest.mark.parametrize("argv", [["--help"], ["demo", "--help"]])
def test_help_shows_an_example(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, *argv)
    assert (status, err) == (0, "")
    assert out.startswith("usage: cxmetrics")
    assert "cxmetrics demo --format json" in out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        ([], ["required", "COMMAND"]),
        (["report"], ["invalid choice", "'report'"]),
        (["demo", "--confidence", "1.5"], ["--confidence", "1.5"]),
        (["demo", "--confidence", "0"], ["--confidence", "between 0 and 1"]),
        (["demo", "--confidence", "abc"], ["--confidence", "'abc'"]),
        (["demo", "--confidence", "nan"], ["--confidence", "nan"]),
        (["demo", "--confidence"], ["--confidence", "expected one argument"]),
        (["demo", "--format", "xml"], ["--format", "'xml'", "'json'"]),
        (["demo", "extra"], ["unrecognized arguments", "extra"]),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    argv: list[str], words: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert err.endswith("\n")
    assert err.count("\n") == 1
    assert err.startswith("cxmetrics")
    assert "error:" in err
    assert "Traceback" not in err
    for word in words:
        assert word in err


def test_input_error_exits_2_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    survey = datasets.load_survey()
    survey.loc[[0, 5], "nps"] = [11, 12]
    monkeypatch.setattr(datasets, "load_survey", lambda: survey)
    status, out, err = run(capsys, "demo")
    assert (status, out) == (2, "")
    assert err.startswith(
        "cxmetrics: error: nps: 2 of 3,000 scores are outside the 0-10 scale"
    )
    assert err.count("\n") == 1
    assert err.endswith("\n")


def test_bad_argument_from_a_shell_prints_no_traceback() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "cxmetrics", "demo", "--confidence", "95"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.count("\n") == 1
    assert "--confidence" in completed.stderr


# ---------------------------------------------------------------------------
# The report model and renderers, with hand-made reports


def tiny_section(key: str, label: str, value: float) -> Section:
    row = Row(
        key=key,
        label=label,
        value=value,
        unit="points",
        ci=Interval(value - 5, value + 5, 0.95, "wald"),
        n=12_345,
        n_missing=0,
    )
    return Section(key=key, title=key.title(), note="", rows=(row,))


def test_extra_sections_join_the_report_aligned() -> None:
    """A later family adds a builder; columns stay aligned across sections."""

    def extra(options: DemoOptions) -> Section:
        return tiny_section("service", "A much longer metric label", 1.0)

    report = build_demo_report(DemoOptions(), sections=[*cli.DEMO_SECTIONS, extra])
    keys = [s.key for s in report.sections]
    assert keys[0] == "survey"
    assert keys[-1] == "service"
    lines = render_table(report).splitlines()
    headers = [line for line in lines if line.startswith("Metric")]
    sections = [s for s in report.sections if isinstance(s, Section)]
    assert len(headers) == len(sections)
    assert len(set(headers)) == 1
    assert "Service" in lines
    metrics = json.loads(render_json(report))["sections"][-1]["metrics"]
    assert metrics["service"]["n"] == 12_345
    assert metrics["service"]["ci_method"] == "wald"


def test_non_finite_values_print_as_na_or_inf_and_serialize_as_null() -> None:
    row = Row(
        key="nps",
        label="NPS",
        value=math.nan,
        unit="points",
        ci=Interval(math.nan, math.inf, 0.95, "adjusted_wald"),
        n=0,
        n_missing=4,
    )
    blank = Row(key="other", label="Other", value=0.5, unit="score")
    section = Section(key="s", title="S", note="", rows=(row, blank))
    report = Report(title="T", confidence=0.95, sections=(section,))
    table = render_table(report)
    assert "n/a to inf" in table  # NaN has no value; an unbounded side is inf
    assert table.splitlines()[2] == "S"
    assert table_row(table, "Other") == ["0.50"]
    metrics = json.loads(render_json(report))["sections"][0]["metrics"]
    assert metrics["nps"]["value"] is None
    assert metrics["nps"]["ci_low"] is None
    assert metrics["nps"]["ci_high"] is None
    assert metrics["other"]["ci_method"] is None


def test_table_blocks_align_on_their_own_and_serialize_as_records() -> None:
    table = Table(
        key="plan",
        title="Plan",
        note="two intervals",
        columns=(
            Column(name="interval", header="interval", unit="text"),
            Column(name="agents", header="agents", unit="count"),
            Column(name="service_level", header="service level", unit="share"),
            Column(name="asa", header="ASA", unit="seconds"),
            Column(name="met", header="met", unit="flag"),
            Column(name="prob_wait", header="P(wait)", unit="share", shown=False),
        ),
        rows=(
            ("09:00", 12, 0.8312, 14.26, True, 0.2),
            ("09:30", 9, math.nan, math.inf, False, None),
        ),
    )
    report = Report(title="T", confidence=0.95, sections=(table,))
    text = render_table(report)
    # Text and flags left, numbers right; the hidden column is not printed.
    assert text.splitlines()[2:] == [
        "Plan: two intervals",
        "interval  agents  service level     ASA  met",
        "--------  ------  -------------  ------  ---",
        "09:00         12          83.1%  14.3 s  yes",
        "09:30          9                    inf  no",
    ]
    block = json.loads(render_json(report))["sections"][0]
    assert block["columns"] == [
        "interval",
        "agents",
        "service_level",
        "asa",
        "met",
        "prob_wait",
    ]
    assert block["headers"][:3] == ["interval", "agents", "service level"]
    assert block["rows"][0] == {
        "interval": "09:00",
        "agents": 12,
        "service_level": 0.8312,
        "asa": 14.26,
        "met": True,
        "prob_wait": 0.2,
    }
    assert isinstance(block["rows"][0]["agents"], int)
    assert block["rows"][1]["service_level"] is None
    assert block["rows"][1]["asa"] is None
    assert block["rows"][1]["met"] is False
    assert block["rows"][1]["prob_wait"] is None
    lines = render_csv(report).splitlines()
    assert lines[0].endswith(",interval,agents,service_level,asa,met,prob_wait")
    assert lines[1].endswith(",09:00,12,0.8312,14.26,true,0.2")
    assert lines[2].endswith(",09:30,9,,,false,")


def test_count_columns_hold_whole_numbers() -> None:
    """A count the library returns as a float (3.0) reaches JSON as 3."""
    from cxmetrics.cli.blocks import table

    built = table(
        key="k",
        title="T",
        note="",
        columns=[
            (Column(name="n", header="n", unit="count"), [3.0, None, 2.5]),
            (Column(name="value", header="value", unit="share"), [1.0, 0.5, 0.25]),
        ],
    )
    assert built.rows == ((3, 1.0), (None, 0.5), (2.5, 0.25))
    assert [type(row[0]) for row in built.rows] == [int, type(None), float]
    assert type(built.rows[0][1]) is float
    rows = json.loads(
        render_json(Report(title="T", confidence=0.95, sections=(built,)))
    )
    assert rows["sections"][0]["rows"][0] == {"n": 3, "value": 1.0}
