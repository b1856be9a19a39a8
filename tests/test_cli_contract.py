"""The command line's contract: machine-readable output, ``--as-of``, edge cases.

Every command runs through `cxmetrics.cli.main` on CSV files written to a
temporary directory. Numbers are checked against plain pandas, statsmodels'
Wilson interval and Holm adjustment, Kish's formula written out here and
lifelines' Kaplan-Meier fitter; the demo is checked against the file
commands run on the bundled data written out as CSV, which shows that both
go through the same builders.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from cli_support import (
    ACTIVITY_COLUMNS,
    CALL_BASICS,
    CALL_COLUMNS,
    SUBSCRIPTION_COLUMNS,
    TICKET_COLUMNS,
    VALUED_TRANSACTIONS,
    block,
    one_line_error,
    run,
    run_csv,
    run_json,
)
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

import cxmetrics as cx
from cxmetrics import datasets
from cxmetrics.cli import DemoOptions, build_demo_report, render_json

# ---------------------------------------------------------------------------
# Helpers


def is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# ---------------------------------------------------------------------------
# Field names and types of the machine output

SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


def machine_outputs(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> list[dict[str, Any]]:
    """JSON of the demo and of every file command with every table it has."""
    survey = sample_dir / "survey.csv"
    commands: list[list[str | Path]] = [
        ["demo"],
        ["survey", survey, "--column", "nps", "--by", "region", "channel"],
        ["survey", survey, "--column", "csat", "--metric", "csat", "--time", "date"],
        [
            "tickets",
            sample_dir / "tickets.csv",
            *TICKET_COLUMNS,
            "--contacts",
            "contacts",
            "--reopens",
            "reopens",
            "--by",
            "channel",
        ],
        [
            "calls",
            sample_dir / "calls.csv",
            *CALL_COLUMNS,
            "--patience",
            "auto",
        ],
        [
            "schedule",
            sample_dir / "needs.csv",
            "--required",
            "agents",
            "--day",
            "day",
            "--period",
            "hour",
            "--shifts",
            sample_dir / "shifts.csv",
        ],
        [
            "retention",
            sample_dir / "paying.csv",
            "--customer",
            "customer_id",
            "--date",
            "month",
        ],
        [
            "retention",
            sample_dir / "subscriptions.csv",
            *SUBSCRIPTION_COLUMNS,
        ],
        [
            "value",
            sample_dir / "transactions.csv",
            *VALUED_TRANSACTIONS,
            "--calibration-end",
            "2025-09-30",
        ],
    ]
    return [run_json(capsys, *argv) for argv in commands]


KEYS = {"region", "channel"}  # segment keys keep the user's own column names
#: Text columns: labels of periods, stages, models, holdout buckets; ids.
TEXT = {
    "cohort",
    "period",
    "interval",
    "stage",
    "model",
    "parameter",
    "message",
    "frequency_bucket",
    "customer",
    "day",
    "shift",
    "criterion",
}
FLAGS = {"significant", "low_n", "converged"}
COUNTS = {
    "n",
    "n_missing",
    "n_pending",
    "size",
    "count",
    "drop_off",
    "agents",
    "agents_on_queue",
    "frequency",
    "customers",
    "erlang_a_agents",
    "erlang_a_agents_on_queue",
    "requirement",
    "coverage",
    "shortfall",
    "surplus",
}


def test_json_uses_snake_case_names_and_real_types(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    tables = 0
    for document in machine_outputs(capsys, sample_dir):
        for section in document["sections"]:
            if "metrics" in section:
                for key, metric in section["metrics"].items():
                    assert SNAKE.match(key), key
                    fields = "label unit value ci_low ci_high ci_method n n_missing"
                    assert list(metric) == [*fields.split(), "count", "effective_n"]
                    assert metric["n"] is None or is_count(metric["n"])
                    assert metric["n_missing"] is None or is_count(metric["n_missing"])
                continue
            tables += 1
            assert all(
                SNAKE.match(name) or name in KEYS for name in section["columns"]
            ), section["columns"]
            for record in section["rows"]:
                assert list(record) == section["columns"]
                for name, value in record.items():
                    if name in FLAGS:
                        assert isinstance(value, bool), (name, value)
                    elif name in COUNTS and value is not None:
                        assert is_count(value), (section["key"], name, value)
                    elif name not in KEYS | TEXT:
                        assert value is None or isinstance(value, float), (
                            section["key"],
                            name,
                            value,
                        )
    assert tables >= 18


def test_csv_has_one_column_per_segment_key_and_the_raw_p_value(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    path = sample_dir / "survey.csv"
    frame = run_csv(
        capsys, "survey", path, "--column", "nps", "--by", "region", "channel"
    )
    rows = frame[frame["section"] == "by_segment"]
    assert {"region", "channel", "p_value", "p_adjusted"} <= set(frame.columns)
    assert not any("/" in str(column) for column in frame.columns)
    survey = pd.read_csv(path)
    scores = survey["nps"]
    points = 100 * ((scores >= 9).astype(int) - (scores <= 6).astype(int))
    groups = points.groupby([survey["region"], survey["channel"]])
    assert len(rows) == groups.ngroups
    for record in rows.itertuples():
        members = points[
            (survey["region"] == record.region) & (survey["channel"] == record.channel)
        ]
        assert record.n == len(members)
        assert record.value == pytest.approx(members.mean(), rel=1e-12)
    # p_adjusted is Holm's adjustment of the raw p_value column.
    holm = multipletests(rows["p_value"], method="holm")[1]
    assert rows["p_adjusted"].to_numpy() == pytest.approx(holm, rel=1e-9)
    assert rows["significant"].map(type).eq(bool).all()  # read back from true/false
    assert rows["significant"].tolist() == (rows["p_adjusted"] < 0.05).tolist()
    assert rows["low_n"].tolist() == (rows["n"] < 30).tolist()


def test_demo_csv_has_no_display_headers(capsys: pytest.CaptureFixture[str]) -> None:
    frame = run_csv(capsys, "demo")
    assert all(SNAKE.match(column) for column in frame.columns), list(frame.columns)
    assert not frame.isin(["yes", "no"]).any().any()
    staffing = frame[frame["section"] == "staffing"]
    assert staffing["agents"].dropna().map(float.is_integer).all()


def test_significant_is_a_boolean_in_json(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    document = run_json(
        capsys, "survey", sample_dir / "survey.csv", "--column", "nps", "--by", "region"
    )
    rows = block(document, "by_segment")["rows"]
    assert {type(row["significant"]) for row in rows} == {bool}
    assert [row["significant"] for row in rows] == [
        row["p_adjusted"] < 0.05 for row in rows
    ]


# ---------------------------------------------------------------------------
# Cohort offsets


@pytest.fixture
def long_log(tmp_path: Path) -> Path:
    """Eighteen months of activity: offsets 0 to 17, as the PNG shows them."""
    rng = np.random.default_rng(7)
    months = pd.period_range("2024-01", periods=18, freq="M")
    rows = []
    for customer in range(60):
        first = int(rng.integers(0, 6))
        for k in range(first, 18):
            if k == first or rng.random() < 0.7:
                rows.append(
                    (f"c{customer}", months[k].start_time + pd.Timedelta(days=3))
                )
    path = tmp_path / "log.csv"
    pd.DataFrame(rows, columns=["customer", "date"]).to_csv(path, index=False)
    return path


def cohort_reference(path: Path) -> pd.DataFrame:
    """Share of each cohort active k months on, by plain pandas."""
    log = pd.read_csv(path, parse_dates=["date"])
    log["month"] = log["date"].dt.to_period("M")
    first = log.groupby("customer")["month"].transform("min")
    log["offset"] = (log["month"] - first).map(lambda step: step.n)
    log["cohort"] = first
    active = log.drop_duplicates(["customer", "offset"])
    counts = active.groupby(["cohort", "offset"]).size().unstack(fill_value=0)
    return counts.div(counts[0], axis=0)


def test_cohort_tables_show_every_offset(
    capsys: pytest.CaptureFixture[str], long_log: Path
) -> None:
    argv = ("retention", long_log, *ACTIVITY_COLUMNS)
    expected = cohort_reference(long_log)
    table = block(run_json(capsys, *argv), "cohorts")
    offsets = [f"offset_{k}" for k in range(18)]
    assert table["columns"] == ["cohort", "size", *offsets]
    first = table["rows"][0]
    assert first["cohort"] == str(expected.index[0])
    assert [first[name] for name in offsets] == pytest.approx(expected.iloc[0].tolist())
    frame = run_csv(capsys, *argv)
    assert set(offsets) <= set(frame.columns)
    status, text, _ = run(capsys, *argv)
    assert status == 0
    assert "+17" in text.splitlines()[-len(table["rows"]) - 2]


def test_max_offset_cuts_the_table_json_csv_and_chart(
    capsys: pytest.CaptureFixture[str],
    long_log: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("matplotlib")
    drawn: list[list[int]] = []
    original = cx.plotting.plot_cohorts

    def spy(table: cx.CohortTable, **kwargs: Any) -> Any:
        drawn.append(list(table.rates.columns))
        return original(table, **kwargs)

    monkeypatch.setattr(cx.plotting, "plot_cohorts", spy)
    argv = ("retention", long_log, *ACTIVITY_COLUMNS)
    argv += ("--max-offset", "5", "--plots", str(tmp_path))
    table = block(run_json(capsys, *argv), "cohorts")
    assert table["columns"] == ["cohort", "size", *(f"offset_{k}" for k in range(6))]
    assert "offsets up to +5" in table["note"]
    frame = run_csv(capsys, *argv)
    assert "offset_5" in frame.columns
    assert "offset_6" not in frame.columns
    assert drawn == [list(range(6)), list(range(6))]
    expected = cohort_reference(long_log)
    assert table["rows"][0]["offset_5"] == pytest.approx(expected.iloc[0][5])


@pytest.mark.parametrize("value", ["-1", "two"])
def test_max_offset_must_be_a_whole_number(
    capsys: pytest.CaptureFixture[str], long_log: Path, value: str
) -> None:
    status, out, err = run(
        capsys,
        "retention",
        long_log,
        *ACTIVITY_COLUMNS,
        "--max-offset",
        value,
    )
    assert (status, out) == (2, "")
    assert "--max-offset" in err
    assert err.count("\n") == 1


# ---------------------------------------------------------------------------
# Weights


@pytest.fixture
def weighted(tmp_path: Path) -> Path:
    rng = np.random.default_rng(3)
    n = 400
    frame = pd.DataFrame(
        {
            "score": rng.integers(0, 11, n),
            "rating": rng.integers(1, 6, n),
            "w": rng.uniform(0.2, 3.0, n).round(3),
            "region": rng.choice(["a", "b", "c"], n),
        }
    )
    frame.loc[:9, "rating"] = np.nan
    path = tmp_path / "weighted.csv"
    frame.to_csv(path, index=False)
    return path


def kish(weights: pd.Series) -> float:
    return float(weights.sum() ** 2 / (weights**2).sum())


def test_weighted_report_says_so_and_shows_the_effective_n(
    capsys: pytest.CaptureFixture[str], weighted: Path
) -> None:
    raw = pd.read_csv(weighted)
    argv = (
        "survey",
        weighted,
        "--column",
        "rating",
        "--metric",
        "csat",
        "--weights",
        "w",
    )
    document = run_json(capsys, *argv, "--by", "region")
    section = block(document, "survey")
    assert "weighted by column 'w'" in section["note"]
    csat = section["metrics"]["csat"]
    valid = raw[raw["rating"].notna()]
    assert csat["effective_n"] == pytest.approx(kish(valid["w"]), rel=1e-12)
    satisfied = valid.loc[valid["rating"] >= 4, "w"].sum()
    assert csat["value"] == pytest.approx(satisfied / valid["w"].sum(), rel=1e-12)
    assert csat["count"] == pytest.approx(satisfied, rel=1e-12)
    segments = block(document, "by_segment")
    assert "weighted" in segments["note"]
    for record in segments["rows"]:
        members = valid[valid["region"] == record["region"]]
        assert record["effective_n"] == pytest.approx(kish(members["w"]), rel=1e-12)
    status, text, _ = run(capsys, *argv)
    assert status == 0
    header = next(line for line in text.splitlines() if line.startswith("Metric"))
    assert header.split()[-2:] == ["Effective", "n"]
    line = next(line for line in text.splitlines() if line.startswith("CSAT"))
    assert line.split()[-1] == f"{kish(valid['w']):,.1f}"


def test_unweighted_report_has_no_effective_n(
    capsys: pytest.CaptureFixture[str], weighted: Path
) -> None:
    argv = ("survey", weighted, "--column", "score", "--by", "region")
    document = run_json(capsys, *argv)
    assert block(document, "survey")["metrics"]["nps"]["effective_n"] is None
    assert "effective_n" not in block(document, "by_segment")["columns"]
    _, text, _ = run(capsys, *argv)
    assert "Effective n" not in text


# ---------------------------------------------------------------------------
# NPS asked of a 1-5 column


def test_nps_of_a_one_to_five_column_warns(
    capsys: pytest.CaptureFixture[str], weighted: Path
) -> None:
    status, out, err = run(capsys, "survey", weighted, "--column", "rating")
    assert status == 0
    assert err.startswith(
        "cxmetrics: warning: survey: every score in column 'rating' is 5 or less"
    )
    assert "1-5 scale" in err
    assert err.count("\n") == 1
    assert "NPS" in out
    document = json.loads(
        run(capsys, "survey", weighted, "--column", "rating", "--format", "json")[1]
    )
    assert len(document["warnings"]) == 1
    # A 0-10 column does not warn.
    assert run(capsys, "survey", weighted, "--column", "score")[2] == ""


# ---------------------------------------------------------------------------
# --as-of

SUBSCRIPTIONS = """\
id,start,end
1,2025-01-10,2025-03-05
2,2025-01-20,
3,2025-02-01,2025-06-20
4,2025-02-15,
5,2025-03-01,2025-04-10
6,2025-04-05,
7,2025-05-12,2025-06-02
8,2025-06-10,
9,2025-03-10,2025-05-30
"""


@pytest.fixture
def subscriptions(tmp_path: Path) -> Path:
    path = tmp_path / "subs.csv"
    path.write_text(SUBSCRIPTIONS)
    return path


def lifelines_median(starts: pd.Series, ends: pd.Series, as_of: str) -> float:
    fitter = pytest.importorskip("lifelines").KaplanMeierFitter()
    days = (ends.fillna(pd.Timestamp(as_of)) - starts).dt.days
    fitter.fit(days / (365.25 / 12), ends.notna())
    return float(fitter.median_survival_time_)


def test_as_of_defaults_to_the_latest_date_and_says_so(
    capsys: pytest.CaptureFixture[str], subscriptions: Path
) -> None:
    document = run_json(capsys, "retention", subscriptions, *SUBSCRIPTION_COLUMNS)
    section = block(document, "subscriptions")
    assert section["facts"] == {"as_of": "2025-06-20"}
    assert "open ones censored at 2025-06-20" in section["note"]
    raw = pd.read_csv(subscriptions, parse_dates=["start", "end"])
    assert section["metrics"]["median_lifetime"]["value"] == pytest.approx(
        lifelines_median(raw["start"], raw["end"], "2025-06-20")
    )
    status, text, _ = run(capsys, "retention", subscriptions, *SUBSCRIPTION_COLUMNS)
    assert status == 0
    assert "open ones censored at 2025-06-20" in text


def test_as_of_after_the_data_censors_there(
    capsys: pytest.CaptureFixture[str], subscriptions: Path
) -> None:
    argv = ("retention", subscriptions, *SUBSCRIPTION_COLUMNS)
    document = run_json(capsys, *argv, "--as-of", "2025-12-31")
    section = block(document, "subscriptions")
    assert section["facts"] == {"as_of": "2025-12-31"}
    raw = pd.read_csv(subscriptions, parse_dates=["start", "end"])
    lifetime = section["metrics"]["median_lifetime"]
    assert lifetime["value"] == pytest.approx(
        lifelines_median(raw["start"], raw["end"], "2025-12-31")
    )
    # Later censoring lengthens the open lifetimes: the median moves.
    default = block(run_json(capsys, *argv), "subscriptions")
    assert default["metrics"]["median_lifetime"]["value"] != lifetime["value"]
    # The churn period is the last one with data either way.
    assert section["metrics"]["flow_churn"]["label"] == "Churn in 2025-06"


def test_as_of_inside_the_data_takes_the_data_as_they_stood(
    capsys: pytest.CaptureFixture[str], subscriptions: Path
) -> None:
    document = run_json(
        capsys,
        "retention",
        subscriptions,
        *SUBSCRIPTION_COLUMNS,
        "--as-of",
        "2025-06-05",
    )
    section = block(document, "subscriptions")
    # Subscription 8 starts later: left out. Subscription 3 ends later: open
    # on 2025-06-05.
    assert "1 starting after that date left out" in section["note"]
    raw = pd.read_csv(subscriptions, parse_dates=["start", "end"])
    known = raw[raw["start"] <= "2025-06-05"].copy()
    known.loc[known["end"] > "2025-06-05", "end"] = pd.NaT
    lifetime = section["metrics"]["median_lifetime"]
    assert lifetime["n"] == 8
    assert lifetime["value"] == pytest.approx(
        lifelines_median(known["start"], known["end"], "2025-06-05")
    )
    # June: active at its start 2, 3, 4, 6 and 7 (9 ended in May); 7 ends on
    # 2 June; 3's end on 20 June is not known yet. Churn 1 of 5.
    churn = section["metrics"]["flow_churn"]
    assert churn["label"] == "Churn in 2025-06"
    assert (churn["count"], churn["n"]) == (1, 5)
    low, high = proportion_confint(1, 5, method="wilson")
    assert (churn["ci_low"], churn["ci_high"]) == pytest.approx((low, high))


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        (
            "2024-12-31",
            "retention: --as-of 2024-12-31 is before the first date in the file "
            "(2025-01-10)",
        ),
        (
            "soon",
            "retention: 1 of 1 strings in --as-of are not ISO 8601 timestamps ('soon')",
        ),
        (
            "01/08/2025",
            "retention: 1 of 1 strings in --as-of are not ISO 8601 timestamps "
            "('01/08/2025')",
        ),
        (
            "3000-01-01",
            "retention: 1 of 1 values in --as-of are outside the supported range "
            "1677-09-26 to 2262-04-06 ('3000-01-01')",
        ),
        (
            "2025-08-01T00:00:00+02:00",
            "retention: --as-of has a UTC offset but the dates in the file have none",
        ),
    ],
)
def test_bad_as_of_is_one_line(
    capsys: pytest.CaptureFixture[str], subscriptions: Path, as_of: str, message: str
) -> None:
    err = one_line_error(
        *run(
            capsys,
            "retention",
            subscriptions,
            *SUBSCRIPTION_COLUMNS,
            "--as-of",
            as_of,
        )
    )
    assert err == f"cxmetrics: error: {message}\n"


def test_as_of_in_a_zone(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A naive --as-of is read in the zone of the dates; the output says which."""
    path = tmp_path / "zoned.csv"
    path.write_text(
        "start,end\n2025-01-01T00:00:00+01:00,2025-02-01T00:00:00+01:00\n"
        "2025-01-15T00:00:00+01:00,\n"
    )
    section = block(
        run_json(
            capsys,
            "retention",
            path,
            *SUBSCRIPTION_COLUMNS,
            "--as-of",
            "2025-03-15",
        ),
        "subscriptions",
    )
    assert section["facts"] == {"as_of": "2025-03-15T00:00:00+01:00"}
    # The open one: 2025-01-15 to 2025-03-15, 59 days.
    curve = cx.survival_curve([31 / (365.25 / 12), 59 / (365.25 / 12)], [True, False])
    assert section["metrics"]["median_lifetime"]["value"] == pytest.approx(curve.median)


def test_as_of_and_max_offset_apply_to_their_own_input(
    capsys: pytest.CaptureFixture[str], subscriptions: Path
) -> None:
    err = one_line_error(
        *run(
            capsys,
            "retention",
            subscriptions,
            "--customer",
            "id",
            "--date",
            "start",
            "--as-of",
            "2025-06-30",
        )
    )
    assert "--as-of applies to subscriptions" in err
    err = one_line_error(
        *run(
            capsys,
            "retention",
            subscriptions,
            *SUBSCRIPTION_COLUMNS,
            "--max-offset",
            "3",
        )
    )
    assert "--max-offset applies to the cohort table" in err


def test_start_and_end_in_different_kinds_of_time(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text("start,end\n2025-01-01,2025-02-01T00:00:00+01:00\n2025-01-15,\n")
    err = one_line_error(*run(capsys, "retention", path, *SUBSCRIPTION_COLUMNS))
    assert "must both carry UTC offsets or neither" in err


def test_blank_end_column_with_zoned_starts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "open.csv"
    path.write_text(
        "start,end\n2025-01-01T00:00:00+01:00,\n2025-01-11T00:00:00+01:00,\n"
    )
    section = block(
        run_json(capsys, "retention", path, *SUBSCRIPTION_COLUMNS),
        "subscriptions",
    )
    assert section["facts"] == {"as_of": "2025-01-11T00:00:00+01:00"}
    assert section["metrics"]["median_lifetime"]["value"] is None  # not reached


# ---------------------------------------------------------------------------
# The demo runs the file commands' builders


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    """The demo's JSON report, block by block."""
    document = json.loads(render_json(build_demo_report(DemoOptions())))
    return {b["key"]: b for b in document["sections"]}


def test_demo_retention_equals_the_command_as_of_the_snapshot(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, report: dict[str, Any]
) -> None:
    command = block(
        run_json(
            capsys,
            "retention",
            sample_dir / "subscriptions.csv",
            *SUBSCRIPTION_COLUMNS,
            "--as-of",
            "2026-01-01",
        ),
        "subscriptions",
    )["metrics"]
    shown = report["retention"]["metrics"]
    for field in ("value", "ci_low", "ci_high", "n", "count"):
        assert shown["monthly_churn"][field] == command["flow_churn"][field]
    for field in ("value", "ci_low", "ci_high", "n"):
        assert shown["median_lifetime"][field] == command["median_lifetime"][field]
    assert report["retention"]["facts"] == {"as_of": "2026-01-01"}


def test_demo_cohorts_equal_the_command(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, report: dict[str, Any]
) -> None:
    command = block(
        run_json(
            capsys,
            "retention",
            sample_dir / "paying.csv",
            "--customer",
            "customer_id",
            "--date",
            "month",
            "--freq",
            "Q",
            "--max-offset",
            "8",
        ),
        "cohorts",
    )
    assert report["cohorts"]["columns"] == command["columns"]
    assert report["cohorts"]["rows"] == command["rows"]


def test_demo_tickets_and_calls_equal_the_commands(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, report: dict[str, Any]
) -> None:
    tickets = block(
        run_json(
            capsys,
            "tickets",
            sample_dir / "tickets.csv",
            *TICKET_COLUMNS,
            "--contacts",
            "contacts",
            "--reopens",
            "reopens",
            "--hours",
            datasets.BUSINESS_HOURS,
            "--days",
            datasets.BUSINESS_DAYS,
            "--holidays",
            ",".join(datasets.HOLIDAYS),
            "--tz",
            datasets.TIMEZONE,
        ),
        "tickets",
    )
    calls = run_json(
        capsys,
        "calls",
        sample_dir / "calls.csv",
        *CALL_COLUMNS,
        "--patience",
        "auto",
    )
    for key, command in (("tickets", tickets), ("calls", block(calls, "calls"))):
        for name, metric in report[key]["metrics"].items():
            for field in ("value", "ci_low", "ci_high", "n", "n_missing", "count"):
                expected = command["metrics"][name][field]
                if expected is None:
                    assert metric[field] is None, (name, field)
                else:
                    assert metric[field] == pytest.approx(expected, rel=1e-12)
    assert report["staffing"]["rows"] == block(calls, "staffing")["rows"]


# ---------------------------------------------------------------------------
# Edge cases: one line on stderr and exit status 2, never a traceback


def test_a_path_through_a_file(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    path = sample_dir / "survey.csv" / "x"
    err = one_line_error(*run(capsys, "survey", path, "--column", "nps"))
    assert err == f"cxmetrics: error: survey: cannot open {path}: Not a directory\n"


def test_a_very_long_file_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = str(tmp_path / ("a" * 5_000)) + ".csv"
    err = one_line_error(*run(capsys, "survey", path, "--column", "nps"))
    assert "File name too long" in err
    assert f"({len(path):,} characters)" in err
    assert len(err) < 300  # the name is shortened, not echoed in full


def test_a_huge_scale(tmp_path: Path) -> None:
    """A trillion-point scale ends in one line (16 GiB of address space)."""
    path = tmp_path / "ratings.csv"
    path.write_text("rating\n1\n2\n")
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (16 * 1024**3, 16 * 1024**3))\n"
        "from cxmetrics.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    for high in (str(10**12), str(10**30)):
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                code,
                "survey",
                str(path),
                "--column",
                "rating",
                "--metric",
                "csat",
                "--scale",
                "0",
                high,
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert done.returncode == 2, done.stderr
        assert done.stdout == ""
        assert done.stderr.startswith("cxmetrics: error: ")
        assert done.stderr.count("\n") == 1
        assert "Traceback" not in done.stderr


ACTIVITY = """\
customer,date
a,2024-11-20
e,2024-12-01
a,2025-01-05
b,2025-01-20
c,2025-02-11
a,2025-04-03
b,2025-05-10
c,2025-05-11
b,2025-06-15
c,2025-06-20
a,2025-07-01
d,2025-07-09
"""


@pytest.mark.parametrize(
    ("freq", "period"),
    [("ME", "M"), ("MS", "M"), ("QS", "Q"), ("A", "Y"), ("YE", "Y")],
)
def test_retention_passes_freq_aliases_to_the_library(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    subscriptions: Path,
    freq: str,
    period: str,
) -> None:
    path = tmp_path / "activity.csv"
    path.write_text(ACTIVITY)
    document = run_json(
        capsys,
        "retention",
        path,
        *ACTIVITY_COLUMNS,
        "--freq",
        freq,
    )
    log = pd.read_csv(path, parse_dates=["date"])
    log["period"] = log["date"].dt.to_period(period)
    last = log["period"].max()
    before = set(log.loc[log["period"] == last - 1, "customer"])
    now = set(log.loc[log["period"] == last, "customer"])
    churn = block(document, "activity")["metrics"]["churn"]
    assert churn["label"] == f"Churn in {last}"
    assert churn["n"] == len(before)
    assert churn["count"] == len(before - now)
    cohorts = block(document, "cohorts")
    assert [row["cohort"] for row in cohorts["rows"]] == [
        str(p) for p in sorted(log.groupby("customer")["period"].min().unique())
    ]
    flows = block(
        run_json(
            capsys,
            "retention",
            subscriptions,
            *SUBSCRIPTION_COLUMNS,
            "--freq",
            freq,
        ),
        "subscriptions",
    )
    assert flows["metrics"]["flow_churn"]["label"].startswith(
        f"Churn in {pd.Period('2025-06-20', freq=period)}"
    )


CALLS_WITH_BLANKS = """\
wait,answered,talk
10,true,100
30,,200
3,false,
40,no,
15,1,300
25, ,
"""


def test_blank_answered_cells_are_left_out_and_counted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(CALLS_WITH_BLANKS)
    metrics = block(
        run_json(
            capsys,
            "calls",
            path,
            *CALL_BASICS,
            "--talk",
            "talk",
        ),
        "calls",
    )["metrics"]
    # Known: answered waits 10 and 15; abandoned after 3 s (short) and 40 s.
    service = metrics["service_level"]
    assert (service["n"], service["n_missing"], service["count"]) == (4, 2, 2)
    abandonment = metrics["abandonment"]
    assert (abandonment["n"], abandonment["n_missing"], abandonment["count"]) == (
        3,
        2,
        1,
    )
    assert metrics["asa"]["value"] == pytest.approx(12.5)
    assert metrics["asa"]["n_missing"] == 2
    assert metrics["aht"]["value"] == pytest.approx(200.0)  # calls 1 and 5


def test_last_period_with_nobody_at_its_start_is_undefined(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "new.csv"
    path.write_text("start,end\n2026-03-05,\n2026-03-20,2026-03-25\n")
    status, text, err = run(capsys, "retention", path, *SUBSCRIPTION_COLUMNS)
    assert (status, err) == (0, "")
    assert "undefined" in text
    metrics = block(
        run_json(capsys, "retention", path, *SUBSCRIPTION_COLUMNS),
        "subscriptions",
    )["metrics"]
    churn = metrics["flow_churn"]
    assert churn["value"] is None
    assert churn["n"] == 0
    assert "undefined: nobody active at its start" in churn["label"]
    # The lifetime is still there: 5 days observed, one open for 20 days.
    curve = cx.survival_curve([5 / (365.25 / 12), 20 / (365.25 / 12)], [True, False])
    assert metrics["median_lifetime"]["value"] == pytest.approx(curve.median)
    log = tmp_path / "log.csv"
    log.write_text("customer,date\na,2026-01-05\nb,2026-03-02\n")
    activity = block(
        run_json(capsys, "retention", log, *ACTIVITY_COLUMNS),
        "activity",
    )
    assert activity["metrics"]["churn"]["value"] is None
    assert activity["metrics"]["churn"]["n"] == 0


def test_freq_without_time_is_refused(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    err = one_line_error(
        *run(
            capsys,
            "survey",
            sample_dir / "survey.csv",
            "--column",
            "nps",
            "--freq",
            "Q",
        )
    )
    assert err == (
        "cxmetrics: error: survey: --freq needs --time, the column of dates to "
        "group by period\n"
    )


def test_a_key_named_like_an_output_column_keeps_its_values(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "keys.csv"
    path.write_text("nps,promoters\n10,N\n10,N\n0,S\n3,S\n9,N\n")
    document = run_json(capsys, "survey", path, "--column", "nps", "--by", "promoters")
    rows = block(document, "by_segment")["rows"]
    assert [(r["promoters"], r["n"]) for r in rows] == [("N", 3), ("S", 2)]
    assert [r["value"] for r in rows] == pytest.approx([100.0, -100.0])
    frame = run_csv(capsys, "survey", path, "--column", "nps", "--by", "promoters")
    assert frame.loc[frame["section"] == "by_segment", "promoters"].tolist() == [
        "N",
        "S",
    ]


@pytest.mark.parametrize("name", ["n", "value", "p_adjusted", "section", "label"])
def test_a_key_named_like_an_output_field_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    path = tmp_path / "keys.csv"
    path.write_text(f"nps,{name}\n10,a\n0,b\n")
    err = one_line_error(*run(capsys, "survey", path, "--column", "nps", "--by", name))
    assert err == (
        f"cxmetrics: error: survey: --by column {name!r} has the name of a field "
        "of the output; rename the column in the file\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--column", "nps", "--by", "region", "region"],
            "survey: --by names 'region' twice",
        ),
        (
            ["--column", "nps", "--method", "net_easy"],
            "survey: --method applies to --metric ces only",
        ),
    ],
)
def test_survey_options_that_do_not_fit(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, argv: list[str], message: str
) -> None:
    err = one_line_error(*run(capsys, "survey", sample_dir / "survey.csv", *argv))
    assert err == f"cxmetrics: error: {message}\n"


def test_calls_hold_without_talk(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(CALLS_WITH_BLANKS)
    err = one_line_error(
        *run(
            capsys,
            "calls",
            path,
            *CALL_BASICS,
            "--hold",
            "talk",
        )
    )
    assert err == "cxmetrics: error: calls: --hold and --wrap need --talk\n"


def test_ces_variants_on_their_scale(
    capsys: pytest.CaptureFixture[str], weighted: Path
) -> None:
    raw = pd.read_csv(weighted)["rating"].dropna()
    metrics = {}
    for method in ("mean", "percent_easy", "net_easy"):
        document = run_json(
            capsys,
            "survey",
            weighted,
            "--column",
            "rating",
            "--metric",
            "ces",
            "--scale",
            "1-5",
            "--method",
            method,
        )
        metrics.update(block(document, "survey")["metrics"])
    # On 1-5, easy is 4-5 and difficult 1-2 (above and below the midpoint 3).
    easy, difficult = (raw >= 4).mean(), (raw <= 2).mean()
    assert metrics["ces_mean"]["label"] == "CES mean (1-5)"
    assert metrics["ces_easy"]["label"] == "CES easy (4-5 of 1-5)"
    assert metrics["ces_easy"]["value"] == pytest.approx(easy)
    assert metrics["net_easy"]["label"] == "Net Easy (4-5 minus 1-2)"
    assert metrics["net_easy"]["value"] == pytest.approx(100 * (easy - difficult))
    assert metrics["ces_mean"]["value"] == pytest.approx(raw.mean())


def test_an_unreadable_output_name_is_shortened(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, tmp_path: Path
) -> None:
    target = str(tmp_path / ("o" * 5_000))
    err = one_line_error(
        *run(
            capsys,
            "survey",
            sample_dir / "survey.csv",
            "--column",
            "nps",
            "--output",
            target,
        )
    )
    assert err.startswith("cxmetrics: error: cannot write --output ")
    assert len(err) < 300


def test_tickets_by_two_columns(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    document = run_json(
        capsys,
        "tickets",
        sample_dir / "tickets.csv",
        *TICKET_COLUMNS,
        "--reopens",
        "reopens",
        "--by",
        "channel",
        "priority",
    )
    raw = pd.read_csv(sample_dir / "tickets.csv")
    rows = block(document, "reopen_by_segment")["rows"]
    groups = (raw["reopens"] > 0).groupby([raw["channel"], raw["priority"]])
    assert len(rows) == groups.ngroups
    for record in rows:
        members = groups.get_group((record["channel"], record["priority"]))
        assert record["n"] == len(members)
        assert record["value"] == pytest.approx(members.mean(), rel=1e-12)
    assert not math.isnan(rows[0]["p_value"])


def test_weighted_trend_shows_the_effective_n(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, weighted: Path
) -> None:
    raw = pd.read_csv(weighted)
    raw["date"] = pd.date_range("2025-01-01", periods=len(raw), freq="D").strftime(
        "%Y-%m-%d"
    )
    path = tmp_path / "dated.csv"
    raw.to_csv(path, index=False)
    document = run_json(
        capsys,
        "survey",
        path,
        "--column",
        "score",
        "--weights",
        "w",
        "--time",
        "date",
        "--freq",
        "Q",
    )
    trend = block(document, "trend")
    assert "weighted" in trend["note"]
    quarters = pd.to_datetime(raw["date"]).dt.to_period("Q")
    for record in trend["rows"]:
        members = raw[quarters == pd.Period(record["period"])]
        assert record["effective_n"] == pytest.approx(kish(members["w"]), rel=1e-12)
        promoters = members.loc[members["score"] >= 9, "w"].sum()
        detractors = members.loc[members["score"] <= 6, "w"].sum()
        assert record["value"] == pytest.approx(
            100 * (promoters - detractors) / members["w"].sum(), rel=1e-12
        )


def test_demo_annual_churn_is_undefined_with_the_month(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A last month with nobody at its start leaves churn, annual churn and CLV n/a."""
    from cxmetrics.cli import demo

    subscriptions = pd.DataFrame(
        {
            "start": pd.to_datetime(["2025-12-02", "2025-12-05"]),
            "end": pd.to_datetime([None, "2025-12-20"]),
        }
    )
    monkeypatch.setattr(datasets, "load_subscriptions", lambda: subscriptions)
    section = demo.retention_section(demo.DemoOptions())
    rows = {row.key: row for row in section.rows}
    assert math.isnan(rows["monthly_churn"].value)
    assert math.isnan(rows["annual_churn"].value)
    assert math.isnan(rows["clv"].value)
    assert rows["median_lifetime"].n == 2


def test_a_null_byte_in_the_file_name(capsys: pytest.CaptureFixture[str]) -> None:
    err = one_line_error(*run(capsys, "survey", "bad\x00name.csv", "--column", "nps"))
    assert err.startswith("cxmetrics: error: survey: cannot open bad")


def test_answered_that_is_not_true_or_false(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("wait,answered\n10,1\n20,2\n30,3\n40,2\n")
    err = one_line_error(
        *run(capsys, "calls", path, "--wait", "wait", "--answered", "answered")
    )
    assert err == (
        "cxmetrics: error: calls: column 'answered' has 3 of 4 values that are "
        "not true/false (2, 3)\n"
    )


def test_running_out_of_memory_is_one_line(
    capsys: pytest.CaptureFixture[str],
    sample_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cxmetrics.cli import survey

    def greedy(*args: Any, **kwargs: Any) -> Any:
        raise MemoryError("Unable to allocate 7.28 TiB")

    monkeypatch.setitem(survey.METRICS, "csat", greedy)
    err = one_line_error(
        *run(
            capsys,
            "survey",
            sample_dir / "survey.csv",
            "--column",
            "csat",
            "--metric",
            "csat",
        )
    )
    assert err == (
        "cxmetrics: error: survey: the input asks for more than this machine can "
        "hold (Unable to allocate 7.28 TiB)\n"
    )
