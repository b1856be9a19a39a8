"""The file commands of ``cxmetrics`` (survey, tickets, calls, retention).

Every command runs through the real entry point, `cxmetrics.cli.main`, on
CSV files written to a temporary directory: small hand-made files whose
numbers are worked out in the tests, and the bundled sample data written
out as CSV. Numbers are checked against plain pandas counts, the adjusted
Wald formula of Rocks (2016), statsmodels' Wilson interval, scipy's Student
t quantile, lifelines' Kaplan-Meier median and an Erlang C formula written
out here.
"""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from cli_support import (
    ACTIVITY_COLUMNS,
    CALL_BASICS,
    CALL_COLUMNS,
    HANDLED_CALLS,
    SUBSCRIPTION_COLUMNS,
    TICKET_COLUMNS,
    block,
    check_png,
    plot_files,
    run,
    run_json,
    wilson,
)
from scipy import stats

import cxmetrics as cx

# ---------------------------------------------------------------------------
# Helpers


def t_interval(values: pd.Series, confidence: float = 0.95) -> tuple[float, float]:
    values = values.dropna().astype(float)
    half = (
        stats.t.ppf(0.5 + confidence / 2, len(values) - 1)
        * values.std(ddof=1)
        / math.sqrt(len(values))
    )
    return values.mean() - half, values.mean() + half


@pytest.fixture(scope="module")
def survey(sample_dir: Path) -> pd.DataFrame:
    """The sample survey as plain pandas reads it back."""
    return pd.read_csv(sample_dir / "survey.csv")


# ---------------------------------------------------------------------------
# survey


def test_survey_nps_matches_counts_and_adjusted_wald(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, survey: pd.DataFrame
) -> None:
    document = run_json(capsys, "survey", sample_dir / "survey.csv", "--column", "nps")
    metrics = block(document, "survey")["metrics"]
    scores = survey["nps"]
    promoters, detractors = int((scores >= 9).sum()), int((scores <= 6).sum())
    n = len(scores)
    # Rocks (2016): add 3/4 to promoters and detractors and 3 to n.
    p_pos, p_neg = (promoters + 0.75) / (n + 3), (detractors + 0.75) / (n + 3)
    half = NormalDist().inv_cdf(0.975) * math.sqrt(
        (p_pos + p_neg - (p_pos - p_neg) ** 2) / (n + 3)
    )
    nps = metrics["nps"]
    assert nps["value"] == pytest.approx(100 * (promoters - detractors) / n)
    assert nps["ci_low"] == pytest.approx(100 * (p_pos - p_neg - half))
    assert nps["ci_high"] == pytest.approx(100 * (p_pos - p_neg + half))
    assert (nps["n"], nps["n_missing"]) == (n, 0)
    assert metrics["promoter_share"]["count"] == promoters
    assert metrics["detractor_share"]["count"] == detractors


def test_survey_csat_matches_statsmodels_and_counts_missing(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, survey: pd.DataFrame
) -> None:
    document = run_json(
        capsys,
        "survey",
        sample_dir / "survey.csv",
        "--column",
        "csat",
        "--metric",
        "csat",
        "--confidence",
        "0.9",
    )
    csat = block(document, "survey")["metrics"]["csat"]
    ratings = survey["csat"].dropna()
    satisfied = int((ratings >= 4).sum())
    low, high = wilson(satisfied, len(ratings), 0.9)
    assert csat["value"] == pytest.approx(satisfied / len(ratings))
    assert (csat["ci_low"], csat["ci_high"]) == pytest.approx((low, high))
    assert csat["n_missing"] == int(survey["csat"].isna().sum()) > 0
    assert document["confidence"] == 0.9


@pytest.mark.parametrize("scale", [["1", "7"], ["1-7"]])
def test_survey_mean_matches_student_t(
    capsys: pytest.CaptureFixture[str],
    sample_dir: Path,
    survey: pd.DataFrame,
    scale: list[str],
) -> None:
    document = run_json(
        capsys,
        "survey",
        sample_dir / "survey.csv",
        "--column",
        "ces",
        "--metric",
        "mean",
        "--scale",
        *scale,
    )
    mean = block(document, "survey")["metrics"]["mean"]
    assert mean["label"] == "Mean score (1-7)"
    assert mean["value"] == pytest.approx(survey["ces"].mean())
    assert (mean["ci_low"], mean["ci_high"]) == pytest.approx(t_interval(survey["ces"]))


def test_survey_ces_and_top_box(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, survey: pd.DataFrame
) -> None:
    path = sample_dir / "survey.csv"
    ces = run_json(capsys, "survey", path, "--column", "ces", "--metric", "ces")
    assert block(ces, "survey")["metrics"]["ces_mean"]["value"] == pytest.approx(
        survey["ces"].mean()
    )
    top = run_json(
        capsys,
        "survey",
        path,
        "--column",
        "csat",
        "--metric",
        "top_box",
        "--scale",
        "1-5",
    )
    row = block(top, "survey")["metrics"]["top_box"]
    ratings = survey["csat"].dropna()
    fives = int((ratings == 5).sum())
    assert row["value"] == pytest.approx(fives / len(ratings))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(wilson(fives, len(ratings)))


def test_survey_weights(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Satisfied (4-5) weights 2 + 1 = 3 of 2 + 1 + 1 + 4 = 8: 0.375.
    path = tmp_path / "w.csv"
    path.write_text("rating,w,segment\n5,2,a\n4,1,a\n2,1,b\n3,4,b\n")
    document = run_json(
        capsys,
        "survey",
        path,
        "--column",
        "rating",
        "--metric",
        "csat",
        "--weights",
        "w",
    )
    assert block(document, "survey")["metrics"]["csat"]["value"] == pytest.approx(3 / 8)


def test_survey_by_segment_matches_groupby(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, survey: pd.DataFrame
) -> None:
    document = run_json(
        capsys,
        "survey",
        sample_dir / "survey.csv",
        "--column",
        "csat",
        "--metric",
        "csat",
        "--by",
        "region",
    )
    table = block(document, "by_segment")
    assert table["columns"][0] == "region"
    for record in table["rows"]:
        ratings = survey.loc[survey["region"] == record["region"], "csat"].dropna()
        rest = survey.loc[survey["region"] != record["region"], "csat"].dropna()
        satisfied = int((ratings >= 4).sum())
        assert record["n"] == len(ratings)
        assert record["value"] == pytest.approx(satisfied / len(ratings))
        assert (record["ci_low"], record["ci_high"]) == pytest.approx(
            wilson(satisfied, len(ratings))
        )
        assert record["difference"] == pytest.approx(
            satisfied / len(ratings) - (rest >= 4).mean()
        )
        assert record["significant"] is (record["p_adjusted"] < 0.05)
        assert record["low_n"] is False


def test_survey_two_by_columns_and_low_n(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, survey: pd.DataFrame
) -> None:
    document = run_json(
        capsys,
        "survey",
        sample_dir / "survey.csv",
        "--column",
        "nps",
        "--by",
        "region",
        "channel",
    )
    rows = block(document, "by_segment")["rows"]
    expected = survey.groupby(["region", "channel"]).size()
    assert len(rows) == len(expected)
    assert block(document, "by_segment")["columns"][:2] == ["region", "channel"]
    for record in rows:
        assert record["n"] == expected[(record["region"], record["channel"])]
        assert record["low_n"] is (record["n"] < 30)


def test_survey_trend_by_month(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, survey: pd.DataFrame
) -> None:
    document = run_json(
        capsys,
        "survey",
        sample_dir / "survey.csv",
        "--column",
        "nps",
        "--time",
        "date",
        "--freq",
        "M",
    )
    rows = block(document, "trend")["rows"]
    months = pd.to_datetime(survey["date"]).dt.to_period("M")
    scores = survey["nps"]
    by_month = ((scores >= 9).astype(int) - (scores <= 6).astype(int)).groupby(
        months
    ).mean() * 100
    assert [r["period"] for r in rows] == [str(p) for p in by_month.index]
    assert [r["value"] for r in rows] == pytest.approx(by_month.tolist())
    assert rows[0]["change"] is None
    assert [r["change"] for r in rows[1:]] == pytest.approx(
        by_month.diff().iloc[1:].tolist()
    )


def test_survey_table_output(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    status, out, err = run(
        capsys,
        "survey",
        sample_dir / "survey.csv",
        "--column",
        "csat",
        "--metric",
        "csat",
        "--by",
        "region",
    )
    assert (status, err) == (0, "")
    assert "CSAT (1-5)" not in out  # no --scale: the default scale, no suffix
    assert "CSAT by region" in out
    assert "95% CI low" in out


# ---------------------------------------------------------------------------
# --format csv and --output


def test_csv_output_parses_and_matches_json(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    argv = ("survey", sample_dir / "survey.csv", "--column", "nps", "--by", "region")
    document = run_json(capsys, *argv)
    status, out, err = run(capsys, *argv, "--format", "csv")
    assert (status, err) == (0, "")
    frame = pd.read_csv(io.StringIO(out))
    nps = frame.loc[frame["metric"] == "nps"].iloc[0]
    expected = block(document, "survey")["metrics"]["nps"]
    assert nps[["value", "ci_low", "ci_high"]].tolist() == pytest.approx(
        [expected["value"], expected["ci_low"], expected["ci_high"]]
    )
    assert nps["ci_method"] == "adjusted_wald"
    assert nps["confidence"] == 0.95
    segments = frame.loc[frame["section"] == "by_segment"]
    records = block(document, "by_segment")["rows"]
    assert segments["region"].tolist() == [r["region"] for r in records]
    assert segments["ci_low"].tolist() == pytest.approx([r["ci_low"] for r in records])
    assert segments["n_missing"].tolist() == [r["n_missing"] for r in records]
    assert segments["p_value"].tolist() == pytest.approx(
        [r["p_value"] for r in records]
    )
    assert segments["p_adjusted"].tolist() == pytest.approx(
        [r["p_adjusted"] for r in records]
    )


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_output_writes_file_and_nothing_else(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, tmp_path: Path, fmt: str
) -> None:
    argv = ("survey", sample_dir / "survey.csv", "--column", "nps", "--format", fmt)
    _, printed, _ = run(capsys, *argv)
    target = tmp_path / f"report.{fmt}"
    assert run(capsys, *argv, "--output", target) == (0, "", "")
    assert target.read_text(encoding="utf-8") == printed


def test_demo_accepts_csv(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "demo", "--format", "csv")
    frame = pd.read_csv(io.StringIO(out))
    assert status == 0
    assert {"survey", "staffing", "cohorts"} <= set(frame["section"])


def test_python_m_cxmetrics_survey(sample_dir: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cxmetrics",
            "survey",
            str(sample_dir / "survey.csv"),
            "--column",
            "nps",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout)["sections"][0]["metrics"]["nps"]["n"] == 3000


@pytest.mark.parametrize(
    "command", ["survey", "tickets", "calls", "retention", "value"]
)
def test_help_has_examples(capsys: pytest.CaptureFixture[str], command: str) -> None:
    status, out, _ = run(capsys, command, "--help")
    assert status == 0
    assert "examples:" in out
    assert f"cxmetrics {command} " in out


# ---------------------------------------------------------------------------
# tickets


TICKETS = """\
id,created,replied,closed,contacts,reopens,channel
1,2026-03-06T16:00:00,2026-03-06T16:30:00,2026-03-09T10:00:00,1,0,mail
2,2026-03-09T08:00:00,2026-03-09T10:00:00,2026-03-10T12:00:00,2,1,mail
3,2026-03-10T09:00:00,2026-03-10T09:15:00,2026-03-10T13:00:00,1,0,chat
4,2026-03-11T12:00:00,,,,0,chat
"""


def test_tickets_business_hours_hand_worked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text(TICKETS)
    document = run_json(
        capsys,
        "tickets",
        path,
        "--created",
        "created",
        "--first-response",
        "replied",
        "--resolved",
        "closed",
        "--contacts",
        "contacts",
        "--reopens",
        "reopens",
        "--hours",
        "09:00-17:00",
        "--days",
        "Mon-Fri",
        "--holidays",
        "2026-03-10",
        "--tz",
        "Europe/Berlin",
    )
    metrics = block(document, "tickets")["metrics"]
    # Business hours 09-17 Mon-Fri, Tue 2026-03-10 a holiday:
    # replies 0.5 h (Fri 16:00-16:30), 1 h (Mon from 09:00 to 10:00),
    # 0 h (on the holiday): median 0.5 h.
    assert metrics["first_response"]["value"] == pytest.approx(0.5)
    # resolutions: Fri 16-17 + Mon 09-10 = 2 h; Mon 09-17 + Tue holiday = 8 h;
    # 0 h on the holiday: median 2 h.
    assert metrics["resolution"]["value"] == pytest.approx(2.0)
    assert metrics["resolution"]["n"] == 3
    # FCR: 2 of the 3 resolved tickets took one contact; the open one is
    # pending (its contacts are not known yet), not missing.
    fcr = metrics["fcr"]
    assert (fcr["value"], fcr["n"], fcr["n_missing"]) == (pytest.approx(2 / 3), 3, 0)
    assert (fcr["ci_low"], fcr["ci_high"]) == pytest.approx(wilson(2, 3))
    assert metrics["reopen"]["value"] == pytest.approx(1 / 4)


def test_tickets_wall_clock_by_segment_on_sample(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    document = run_json(
        capsys,
        "tickets",
        sample_dir / "tickets.csv",
        *TICKET_COLUMNS,
        "--contacts",
        "contacts",
        "--by",
        "channel",
    )
    raw = pd.read_csv(sample_dir / "tickets.csv")
    created = pd.to_datetime(raw["created"], utc=True)
    hours = (pd.to_datetime(raw["resolved"], utc=True) - created).dt.total_seconds()
    hours = hours / 3600
    metrics = block(document, "tickets")["metrics"]
    assert metrics["resolution"]["value"] == pytest.approx(hours.median())
    assert "reopen" not in metrics
    rows = block(document, "resolution_by_segment")["rows"]
    for record in rows:
        assert record["value"] == pytest.approx(
            hours[raw["channel"] == record["channel"]].median()
        )
    fcr_rows = block(document, "fcr_by_segment")["rows"]
    for record in fcr_rows:
        contacts = raw.loc[raw["channel"] == record["channel"], "contacts"].dropna()
        assert record["value"] == pytest.approx((contacts == 1).mean())


# ---------------------------------------------------------------------------
# calls


CALLS = """\
wait,answered,talk,hold,wrap,arrival
10,true,100,10,20,2026-03-09T09:05:00
30,true,200,0,10,2026-03-09T09:20:00
3,false,,,,2026-03-09T09:40:00
40,false,,,,2026-03-10T09:10:00
15,true,300,0,30,2026-03-10T09:35:00
"""


def test_calls_hand_worked(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(CALLS)
    document = run_json(
        capsys,
        "calls",
        path,
        *HANDLED_CALLS,
    )
    metrics = block(document, "calls")["metrics"]
    # Answered within 20 s: waits 10 and 15 of all 5 calls (abandons are misses).
    assert metrics["service_level"]["value"] == pytest.approx(2 / 5)
    assert metrics["service_level"]["count"] == 2
    # Abandoned after 5 s or more: the 40 s one; the 3 s one is left out: 1 of 4.
    assert metrics["abandonment"]["value"] == pytest.approx(1 / 4)
    assert metrics["abandonment"]["n"] == 4
    # ASA: mean wait of answered calls (10 + 30 + 15) / 3.
    assert metrics["asa"]["value"] == pytest.approx(55 / 3)
    # AHT: (130 + 210 + 330) / 3.
    aht = metrics["aht"]
    assert aht["value"] == pytest.approx(670 / 3)
    assert (aht["ci_low"], aht["ci_high"]) == pytest.approx(
        t_interval(pd.Series([130.0, 210.0, 330.0]))
    )


def erlang_c_service_level(
    calls: float, aht: float, agents: int, target: float
) -> float:
    """Service level of Erlang C, the textbook formula with factorials."""
    traffic = calls * aht / 1800
    if agents <= traffic:
        return 0.0
    top = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
    bottom = sum(traffic**k / math.factorial(k) for k in range(agents)) + top
    waits = top / bottom
    return 1 - waits * math.exp(-(agents - traffic) * target / aht)


def test_calls_staffing_on_sample(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    document = run_json(
        capsys,
        "calls",
        sample_dir / "calls.csv",
        *CALL_COLUMNS,
        "--shrinkage",
        "0.25",
    )
    raw = pd.read_csv(sample_dir / "calls.csv")
    answered = raw["answered"]
    aht = raw.loc[answered, ["talk", "hold", "wrap"]].sum(axis=1).mean()
    arrival = pd.to_datetime(raw["arrival"], utc=True).dt.tz_convert("Europe/Berlin")
    slots = arrival.dt.floor("30min")
    per_slot = slots.dt.strftime("%H:%M").value_counts() / slots.dt.date.nunique()
    rows = block(document, "staffing")["rows"]
    assert [r["interval"] for r in rows] == sorted(per_slot.index)
    for record in rows:
        calls = per_slot[record["interval"]]
        assert record["arrival_rate"] == pytest.approx(calls)
        agents = record["agents_on_queue"]
        assert isinstance(agents, int)
        assert erlang_c_service_level(calls, aht, agents, 20) >= 0.8
        assert erlang_c_service_level(calls, aht, agents - 1, 20) < 0.8
        assert record["agents"] == math.ceil(agents / 0.75 - 1e-9)


def test_calls_answered_as_numbers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("wait,answered\n10,1\n30,0\n25,yes\n")
    document = run_json(
        capsys, "calls", path, "--wait", "wait", "--answered", "answered"
    )
    metrics = block(document, "calls")["metrics"]
    assert metrics["asa"]["value"] == pytest.approx(17.5)
    assert "aht" not in metrics


# ---------------------------------------------------------------------------
# retention


ACTIVITY = """\
customer,date
a,2026-01-05
b,2026-01-20
a,2026-02-03
b,2026-02-10
c,2026-02-11
a,2026-03-01
c,2026-03-09
d,2026-03-30
"""


def test_retention_activity_hand_worked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "activity.csv"
    path.write_text(ACTIVITY)
    document = run_json(capsys, "retention", path, *ACTIVITY_COLUMNS)
    churn = block(document, "activity")["metrics"]["churn"]
    # February: a, b, c active; March: a, c, d. Lost: b, 1 of 3.
    assert (churn["value"], churn["n"]) == (pytest.approx(1 / 3), 3)
    assert (churn["ci_low"], churn["ci_high"]) == pytest.approx(wilson(1, 3))
    cohorts = block(document, "cohorts")["rows"]
    # January cohort a, b: both in February, a in March.
    assert cohorts[0] == {
        "cohort": "2026-01",
        "size": 2,
        "offset_0": 1.0,
        "offset_1": 1.0,
        "offset_2": 0.5,
    }
    # March cohort d: later months not yet observable.
    assert cohorts[2]["offset_1"] is None


def test_retention_cohorts_on_sample(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    document = run_json(
        capsys,
        "retention",
        sample_dir / "mrr.csv",
        "--customer",
        "customer_id",
        "--date",
        "month",
        "--freq",
        "Q",
    )
    raw = pd.read_csv(sample_dir / "mrr.csv")
    first = pd.to_datetime(raw["month"]).dt.to_period("Q").groupby(raw["customer_id"])
    sizes = first.min().value_counts().sort_index()
    rows = block(document, "cohorts")["rows"]
    assert [r["size"] for r in rows] == sizes.tolist()


def test_retention_subscriptions_against_lifelines(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    KaplanMeierFitter = pytest.importorskip("lifelines").KaplanMeierFitter

    document = run_json(
        capsys,
        "retention",
        sample_dir / "subscriptions.csv",
        *SUBSCRIPTION_COLUMNS,
    )
    metrics = block(document, "subscriptions")["metrics"]
    raw = pd.read_csv(sample_dir / "subscriptions.csv", parse_dates=["start", "end"])
    until = max(raw["start"].max(), raw["end"].max())
    months = (raw["end"].fillna(until) - raw["start"]).dt.days / (365.25 / 12)
    fitter = KaplanMeierFitter().fit(months, raw["end"].notna())
    assert metrics["median_lifetime"]["value"] == pytest.approx(
        fitter.median_survival_time_
    )
    # December 2025: active at its start = started before and not ended before.
    december = pd.Timestamp("2025-12-01")
    at_start = (raw["start"] < december) & ~(raw["end"] < december)
    lost = at_start & (raw["end"] >= december)
    churn = metrics["flow_churn"]
    assert churn["label"] == "Churn in 2025-12"
    assert (churn["n"], churn["count"]) == (int(at_start.sum()), int(lost.sum()))


# ---------------------------------------------------------------------------
# Errors: one line on stderr, exit status 2, no traceback


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.csv"
    path.write_text("score,region,date\n9,a,2026-01-01\n5,b,not a date\n")
    return path


def error_cases(folder: Path, small: Path) -> list[tuple[list[str], str]]:
    empty = folder / "empty.csv"
    empty.write_text("")
    binary = folder / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00bad")
    broken = folder / "broken.csv"
    broken.write_text('a,b\n1,2\n"unclosed')
    tickets = folder / "tickets.csv"
    tickets.write_text(TICKETS)
    calls = folder / "calls.csv"
    calls.write_text(CALLS)
    s = str(small)
    return [
        (
            ["survey", str(folder / "nope.csv"), "--column", "x"],
            f"cxmetrics: error: survey: no such file: {folder / 'nope.csv'}",
        ),
        (
            ["survey", str(folder), "--column", "x"],
            f"cxmetrics: error: survey: {folder} is a directory, not a CSV file",
        ),
        (
            ["survey", str(empty), "--column", "x"],
            f"cxmetrics: error: survey: {empty} is empty",
        ),
        (
            ["survey", str(binary), "--column", "x"],
            f"cxmetrics: error: survey: cannot read {binary} as CSV: 'utf-8' codec "
            "can't decode byte 0xff in position 0: invalid start byte",
        ),
        (
            ["survey", str(broken), "--column", "a"],
            f"cxmetrics: error: survey: cannot read {broken} as CSV: Error "
            "tokenizing data. C error: EOF inside string starting at row 2",
        ),
        (
            ["survey", s, "--column", "scor"],
            f"cxmetrics: error: survey: no column 'scor' in {s}; "
            "the columns are 'score', 'region', 'date'",
        ),
        (
            ["survey", s, "--column", "score", "--by", "x", "y"],
            f"cxmetrics: error: survey: no columns 'x', 'y' in {s}; "
            "the columns are 'score', 'region', 'date'",
        ),
        (
            ["survey", s, "--column", "score", "--metric", "csat"],
            "cxmetrics: error: csat: 1 of 2 ratings are outside the 1-5 scale (9)",
        ),
        (
            ["survey", s, "--column", "score", "--metric", "foo"],
            "cxmetrics survey: error: argument --metric: invalid choice: 'foo' "
            "(choose from 'nps', 'csat', 'ces', 'top_box', 'mean')",
        ),
        (
            ["survey", s, "--column", "score", "--bogus"],
            "cxmetrics: error: unrecognized arguments: --bogus",
        ),
        (
            ["survey", s, "--column", "score", "--metric", "top_box"],
            "cxmetrics: error: survey: --metric top_box needs --scale, "
            "such as --scale 1-5",
        ),
        (
            ["survey", s, "--column", "score", "--scale", "0-10"],
            "cxmetrics: error: survey: --scale does not apply to NPS (always 0-10)",
        ),
        (
            ["survey", s, "--column", "score", "--metric", "csat", "--scale", "1-x"],
            "cxmetrics: error: survey: --scale expects LOW HIGH or LOW-HIGH, "
            "such as 1-5; got '1-x'",
        ),
        (
            ["survey", s, "--column", "score", "--time", "date"],
            "cxmetrics: error: survey: 1 of 2 strings in column 'date' are not ISO "
            "8601 timestamps ('not a date')",
        ),
        (
            ["survey", s, "--column", "score", "--time", "region", "--freq", "X"],
            "cxmetrics: error: survey: 2 of 2 strings in column 'region' are not ISO "
            "8601 timestamps ('a', 'b')",
        ),
        (
            ["survey", s, "--column", "score", "--output", str(folder / "no/x")],
            f"cxmetrics: error: cannot write --output {folder / 'no/x'}: "
            "No such file or directory",
        ),
        (
            ["survey", s, "--column", "score", "--confidence", "2"],
            "cxmetrics survey: error: argument --confidence: must be between 0 and "
            "1 (exclusive), such as 0.95; got 2",
        ),
        (
            ["calls", str(calls), "--wait", "wait", "--answered", "talk"],
            "cxmetrics: error: calls: column 'talk' has 3 of 5 values that are not "
            "true/false (100, 200, 300)",
        ),
        (
            [
                "calls",
                str(calls),
                *CALL_BASICS,
                "--arrival",
                "arrival",
            ],
            "cxmetrics: error: calls: --arrival needs --talk for the handle time",
        ),
        (
            ["retention", s],
            "cxmetrics: error: retention: give --customer and --date (an activity "
            "log) or --start and --end (subscriptions)",
        ),
        (
            ["retention", s, "--customer", "region"],
            "cxmetrics: error: retention: --customer and --date go together",
        ),
        (
            ["retention", s, "--end", "date"],
            "cxmetrics: error: retention: --start and --end go together",
        ),
        (
            ["retention", s, "--customer", "region", "--date", "region"],
            "cxmetrics: error: retention: 2 of 2 strings in column 'region' are not "
            "ISO 8601 timestamps ('a', 'b')",
        ),
        (
            [
                "tickets",
                str(tickets),
                "--created",
                "created",
                "--first-response",
                "replied",
                "--resolved",
                "closed",
                "--tz",
                "Mars/Base",
            ],
            "cxmetrics: error: BusinessCalendar: unknown time zone 'Mars/Base'; "
            "use an IANA name such as 'Europe/Berlin' or 'America/New_York'",
        ),
    ]


def test_every_error_is_one_line_with_status_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, small: Path
) -> None:
    for argv, message in error_cases(tmp_path, small):
        status, out, err = run(capsys, *argv)
        assert (status, out, err) == (2, "", message + "\n"), argv


def test_read_dates_follows_the_library_rule() -> None:
    from cxmetrics.cli.inputs import read_dates

    frame = pd.DataFrame(
        {
            "dst": ["2025-03-29T10:00+01:00", "2025-03-31T10:00+02:00", ""],
            "one": ["2025-01-31T23:30-05:00", None, "2025-02-01T08:00-05:00"],
            "naive": ["2025-01-06", "2025-01-07 10:00", np.nan],
            "blank": [np.nan, np.nan, np.nan],
        },
        index=[7, 8, 9],
    )
    dst = read_dates("survey", frame, "dst")
    # Offsets that differ are instants, in UTC.
    assert dst.index.tolist() == [7, 8, 9]
    assert str(dst.dt.tz) == "UTC"
    assert dst.iloc[:2].tolist() == [
        pd.Timestamp("2025-03-29 09:00", tz="UTC"),
        pd.Timestamp("2025-03-31 08:00", tz="UTC"),
    ]
    assert pd.isna(dst.iloc[2])
    # One offset: the values' own clock.
    one = read_dates("survey", frame, "one")
    assert one.iloc[0].isoformat() == "2025-01-31T23:30:00-05:00"
    naive = read_dates("survey", frame, "naive")
    assert naive.dt.tz is None
    assert naive.iloc[1] == pd.Timestamp("2025-01-07 10:00")
    assert read_dates("retention", frame, "blank").isna().all()


@pytest.mark.parametrize("freq", ["ME", "MS", "A", "YE", "QS", "W-MON", "QS-FEB"])
def test_retention_freq_takes_every_library_alias(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, freq: str
) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "customer,month,start,end\n"
        "a,2025-01-05,2025-01-05,2025-03-10\n"
        "b,2025-01-20,2025-01-20,\n"
        "a,2025-02-11,2025-02-01,2025-04-01\n"
        "c,2025-02-14,2025-02-14,\n"
        "b,2025-03-02,2025-03-02,2025-05-01\n"
    )
    frame = pd.read_csv(path)
    document = run_json(
        capsys, "retention", path, "--customer", "customer", "--date", "month",
        "--start", "start", "--end", "end", "--freq", freq,
    )  # fmt: skip
    cohorts = cx.cohort_retention(frame["customer"], frame["month"], freq=freq)
    table = block(document, "cohorts")
    assert [row["cohort"] for row in table["rows"]] == [
        str(p) for p in cohorts.rates.index
    ]
    flows = cx.customer_flows(frame["start"], frame["end"], freq=freq)
    churn = block(document, "subscriptions")["metrics"]["flow_churn"]
    assert churn["label"].startswith(f"Churn in {flows.index[-1]}")


def test_bad_freq_is_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "dated.csv"
    path.write_text("score,date\n9,2026-01-01\n5,2026-02-01\n")
    status, _, err = run(
        capsys, "survey", path, "--column", "score", "--time", "date", "--freq", "X"
    )
    assert status == 2
    assert err.startswith(
        "cxmetrics: error: over_time: freq='X' is not a period frequency; use 'D' "
    )
    assert err.count("\n") == 1
    status, _, err = run(
        capsys,
        "retention",
        path,
        "--customer",
        "score",
        "--date",
        "date",
        "--freq",
        "X",
    )
    assert status == 2
    assert err.startswith("cxmetrics: error: cohort_retention: freq='X' is not")
    assert err.count("\n") == 1


def test_error_in_subprocess_has_no_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cxmetrics",
            "survey",
            str(tmp_path / "x.csv"),
            "--column",
            "x",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert (
        done.stderr == f"cxmetrics: error: survey: no such file: {tmp_path / 'x.csv'}\n"
    )
    assert np.char.count(done.stderr, "Traceback") == 0


# ---------------------------------------------------------------------------
# --plots


def test_survey_plots_write_one_chart_per_block(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, tmp_path: Path
) -> None:
    pytest.importorskip("matplotlib")
    args = ["survey", sample_dir / "survey.csv", "--column", "nps", "--by", "region"]
    args += ["--time", "date", "--format", "json"]
    assert plot_files(capsys, tmp_path / "charts", *args) == [
        "nps.png",
        "segments.png",
        "trend.png",
    ]


def test_retention_plots_cohorts_and_lifetime(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, tmp_path: Path
) -> None:
    pytest.importorskip("matplotlib")
    status, _, err = run(
        capsys,
        "retention",
        sample_dir / "mrr.csv",
        "--customer",
        "customer_id",
        "--date",
        "month",
        "--freq",
        "Q",
        "--plots",
        tmp_path,
    )
    assert (status, err) == (0, "")
    status, _, err = run(
        capsys,
        "retention",
        sample_dir / "subscriptions.csv",
        *SUBSCRIPTION_COLUMNS,
        "--plots",
        tmp_path,
    )
    assert (status, err) == (0, "")
    check_png(tmp_path / "cohorts.png")
    check_png(tmp_path / "lifetime.png")


def test_plots_errors_are_one_line(
    capsys: pytest.CaptureFixture[str],
    sample_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("matplotlib")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    status, out, err = run(
        capsys,
        "survey",
        sample_dir / "survey.csv",
        "--column",
        "nps",
        "--plots",
        blocker / "charts",
    )
    assert (status, out) == (2, "")
    assert err.startswith(
        f"cxmetrics: error: survey: cannot write --plots {blocker / 'charts'}: "
    )
    assert err.count("\n") == 1
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    status, out, err = run(
        capsys,
        "survey",
        sample_dir / "survey.csv",
        "--column",
        "nps",
        "--plots",
        tmp_path,
    )
    assert (status, out) == (2, "")
    assert err == (
        "cxmetrics: error: survey: --plots needs matplotlib; install the plot "
        'extra: pip install "cxmetrics[plot]"\n'
    )


# ---------------------------------------------------------------------------
# Control charts (--chart)


def test_survey_control_chart_is_the_p_chart_by_hand(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, survey: pd.DataFrame
) -> None:
    args = ["survey", sample_dir / "survey.csv", "--column", "csat"]
    args += ["--metric", "csat", "--time", "date", "--freq", "M"]
    document = run_json(capsys, *args, "--chart", "shewhart")
    chart = block(document, "control_chart")
    assert chart["columns"] == [
        "period",
        "n",
        "value",
        "center",
        "lower",
        "upper",
        "signal",
    ]
    rows = chart["rows"]
    answered = survey.dropna(subset=["csat"])
    months = pd.to_datetime(answered["date"]).dt.to_period("M")
    satisfied = answered["csat"] >= 4
    p = satisfied.mean()
    sizes = satisfied.groupby(months).size()
    assert [r["period"] for r in rows] == [str(m) for m in sizes.index]
    assert [r["n"] for r in rows] == sizes.tolist()
    assert all(isinstance(r["n"], int) for r in rows)
    assert all(isinstance(r["signal"], bool) for r in rows)
    assert [r["value"] for r in rows] == pytest.approx(
        satisfied.groupby(months).mean().tolist()
    )
    assert [r["center"] for r in rows] == pytest.approx([p] * len(rows))
    half = 3 * np.sqrt(p * (1 - p) / sizes.to_numpy())
    assert [r["upper"] for r in rows] == pytest.approx((p + half).tolist())
    assert [r["lower"] for r in rows] == pytest.approx((p - half).tolist())
    # The trend is still there, before the chart.
    keys = [section["key"] for section in document["sections"]]
    assert keys[-2:] == ["trend", "control_chart"]


def test_survey_ewma_and_cusum_columns(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    args = ["survey", sample_dir / "survey.csv", "--column", "nps"]
    args += ["--time", "date", "--freq", "W"]
    ewma = block(run_json(capsys, *args, "--chart", "ewma"), "control_chart")
    assert "ewma" in ewma["columns"]
    assert ewma["units"][ewma["columns"].index("ewma")] == "points"
    cusum = block(run_json(capsys, *args, "--chart", "cusum"), "control_chart")
    assert cusum["columns"][3:5] == ["cusum_upper", "cusum_lower"]
    assert all(r["cusum_lower"] >= 0 for r in cusum["rows"])
    status, out, err = run(capsys, *args, "--chart", "laney")
    assert (status, err) == (0, "")
    assert "NPS control chart (laney, W)" in out
    table = run(capsys, *args, "--chart", "ewma", "--format", "csv")[1]
    frame = pd.read_csv(io.StringIO(table))
    charted = frame[frame["section"] == "control_chart"]
    assert len(charted) == 53
    assert set(charted["signal"].dropna()) <= {True, False}


def test_survey_chart_needs_time_and_a_known_chart(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    args = ["survey", sample_dir / "survey.csv", "--column", "nps"]
    status, out, err = run(capsys, *args, "--chart", "ewma")
    assert (status, out, err) == (
        2,
        "",
        "cxmetrics: error: survey: --chart needs --time, the column of dates to "
        "chart by period\n",
    )
    status, _, err = run(capsys, *args, "--time", "date", "--chart", "xbar")
    assert status == 2
    assert "argument --chart: invalid choice: 'xbar'" in err
    assert err.count("\n") == 1


def test_survey_chart_plot(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, tmp_path: Path
) -> None:
    pytest.importorskip("matplotlib")
    charts = tmp_path / "charts"
    args = ["survey", sample_dir / "survey.csv", "--column", "nps"]
    args += ["--time", "date", "--chart", "cusum", "--plots", charts]
    status, _, err = run(capsys, *args)
    assert (status, err) == (0, "")
    assert sorted(p.name for p in charts.iterdir()) == [
        "control_chart.png",
        "nps.png",
        "trend.png",
    ]
    check_png(charts / "control_chart.png")


def test_survey_weighted_chart_shows_kishs_n(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Week 1: weights 2, 1 (Kish n 9/5); week 2: 1, 4 (25/17); 3 of 8 satisfied.
    path = tmp_path / "w.csv"
    path.write_text(
        "rating,w,date\n5,2,2026-01-05\n4,1,2026-01-06\n2,1,2026-01-12\n"
        "3,4,2026-01-13\n"
    )
    document = run_json(
        capsys,
        "survey",
        path,
        "--column",
        "rating",
        "--metric",
        "csat",
        "--weights",
        "w",
        "--time",
        "date",
        "--freq",
        "W",
        "--chart",
        "shewhart",
    )
    chart = block(document, "control_chart")
    assert chart["note"].endswith("; weighted")
    eff = [r["effective_n"] for r in chart["rows"]]
    assert eff == pytest.approx([9 / 5, 25 / 17])
    p = 3 / 8
    upper = [min(1.0, p + 3 * math.sqrt(p * (1 - p) / n)) for n in eff]
    assert [r["upper"] for r in chart["rows"]] == pytest.approx(upper)
