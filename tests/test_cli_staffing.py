"""Staffing on the command line: ``calls --patience`` and ``schedule``.

The Erlang A plan is checked against the birth-death chain of
``tests/test_erlang_a.py`` (never the library's formula), the estimated
patience against total wait over abandoned calls counted with pandas, and
the schedule against pyworkforce's published optimum of its own test case,
with the coverage recomputed from the shifts file.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_support import (
    CALL_BASICS,
    CALL_COLUMNS,
    HOURS,
    REQUIRED,
    block,
    one_line_error,
    plot_files,
    run,
    run_csv,
    run_json,
    write_schedule,
)
from test_erlang_a import chain

from cxmetrics import datasets
from cxmetrics.cli import DemoOptions, build_demo_report, render_json


def sample_calls(sample_dir: Path) -> pd.DataFrame:
    return pd.read_csv(sample_dir / "calls.csv")


def patience_by_hand(calls: pd.DataFrame) -> float:
    """The exponential MLE with answered calls censored: total wait / abandons."""
    return float(calls["wait"].sum() / (~calls["answered"]).sum())


# ---------------------------------------------------------------------------
# calls --patience


def test_patience_auto_estimates_and_staffs_by_erlang_a(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    calls = sample_calls(sample_dir)
    document = run_json(
        capsys, "calls", sample_dir / "calls.csv", *CALL_COLUMNS, "--patience", "auto"
    )
    patience = block(document, "calls")["metrics"]["patience"]
    assert patience["value"] == pytest.approx(patience_by_hand(calls), rel=1e-12)
    assert (patience["n"], patience["n_missing"]) == (len(calls), 0)
    assert patience["unit"] == "seconds"
    assert patience["ci_low"] is None

    staffing = block(document, "staffing")
    assert "128.7 s (estimated from the file)" in staffing["note"]
    answered = calls["answered"]
    aht = calls.loc[answered, ["talk", "hold", "wrap"]].sum(axis=1).mean()
    # Erlang C's columns are those of the plan without patience.
    plain = block(
        run_json(capsys, "calls", sample_dir / "calls.csv", *CALL_COLUMNS), "staffing"
    )
    for record, before in zip(staffing["rows"], plain["rows"], strict=True):
        assert {k: record[k] for k in before} == before
        calls_in = record["arrival_rate"]
        agents = record["erlang_a_agents_on_queue"]
        assert isinstance(agents, int)
        at = chain(calls_in, aht, agents, patience["value"], 20.0)
        assert at["service_level"] >= 0.8
        if agents > 1:
            below = chain(calls_in, aht, agents - 1, patience["value"], 20.0)
            assert below["service_level"] < 0.8
        assert record["erlang_a_service_level"] == pytest.approx(
            at["service_level"], rel=1e-7
        )
        assert record["erlang_a_prob_abandon"] == pytest.approx(
            at["prob_abandon"], rel=1e-7
        )
        assert record["erlang_a_asa"] == pytest.approx(at["asa"], rel=1e-6)
        assert record["erlang_a_agents"] == math.ceil(agents / 0.7 - 1e-9)
        # Callers who hang up never need more agents than Erlang C says.
        assert agents <= record["agents_on_queue"]


def test_patience_in_seconds_and_the_text_table(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    args = ["calls", sample_dir / "calls.csv", *CALL_COLUMNS, "--patience", "150"]
    document = run_json(capsys, *args)
    assert "patience" not in block(document, "calls")["metrics"]
    staffing = block(document, "staffing")
    assert staffing["note"].endswith("Erlang A with a mean patience of 150.0 s")
    first = staffing["rows"][0]
    at = chain(first["arrival_rate"], 381.4, first["erlang_a_agents_on_queue"], 150, 20)
    assert first["erlang_a_service_level"] == pytest.approx(
        at["service_level"],
        abs=2e-3,  # the AHT rounded to 381.4 s here
    )
    status, out, err = run(capsys, *args)
    assert (status, err) == (0, "")
    header = next(line for line in out.splitlines() if line.startswith("interval"))
    assert "on queue (A)" in header
    assert "abandon (A)" in header
    assert "ASA (A)" not in header  # in machine output only


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--patience", "60"],
            "cxmetrics: error: calls: --patience needs --arrival for the staffing "
            "plan\n",
        ),
        (
            [*CALL_COLUMNS[4:], "--patience", "-5"],
            "cxmetrics: error: required_agents: patience must be positive; got -5\n",
        ),
        (
            [*CALL_COLUMNS[4:], "--patience", "inf"],
            "cxmetrics: error: required_agents: patience is infinite; callers who "
            "never hang up make the queue Erlang C: leave patience out\n",
        ),
    ],
)
def test_patience_refusals(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, extra, message
) -> None:
    status, out, err = run(
        capsys, "calls", sample_dir / "calls.csv", *CALL_BASICS, *extra
    )
    assert one_line_error(status, out, err) == message


def test_patience_that_is_no_number(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    status, out, err = run(
        capsys, "calls", sample_dir / "calls.csv", *CALL_COLUMNS, "--patience", "x"
    )
    assert (status, out) == (2, "")
    assert err == (
        "cxmetrics calls: error: argument --patience: expected auto or a number of "
        "seconds such as 120; got 'x'\n"
    )


def test_patience_auto_when_nobody_hung_up(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        "wait,answered,talk,arrival\n"
        "5,true,100,2026-01-05T09:00\n"
        "8,true,120,2026-01-05T09:10\n"
    )
    status, out, err = run(
        capsys,
        "calls",
        path,
        *CALL_BASICS,
        "--talk",
        "talk",
        "--arrival",
        "arrival",
        "--patience",
        "auto",
    )
    assert one_line_error(status, out, err).startswith(
        "cxmetrics: error: estimate_patience: none of the 2 calls was abandoned"
    )


# ---------------------------------------------------------------------------
# schedule


def coverage_from_files(folder: Path, counts: pd.DataFrame) -> np.ndarray:
    """Agents on duty per day and hour, from the shifts file and the plan's counts."""
    shifts = pd.read_csv(folder / "shifts.csv").set_index("shift")[HOURS]
    agents = counts.pivot(index="day", columns="shift", values="agents")
    agents = agents.loc[["Sat", "Sun"], list(shifts.index)]
    return agents.to_numpy() @ shifts.to_numpy()


def test_schedule_reaches_pyworkforce_optimum(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    args = ["schedule", sample_dir / "needs.csv", "--required", "agents"]
    args += ["--day", "day", "--period", "hour", "--shifts", sample_dir / "shifts.csv"]
    document = run_json(capsys, *args, "--max-per-period", "25")
    (plan,) = block(document, "plan")["rows"]
    # pyworkforce's optimum of its own test case (costs, caps of 25).
    assert plan["criterion"] == "cover"
    assert plan["objective"] == 979.0
    assert plan["total_cost"] == 979.0
    counts = pd.DataFrame(block(document, "shifts")["rows"])
    assert set(counts["day"]) == {"Sat", "Sun"}
    assert (counts["agents"] * counts["cost"]).sum() == 979
    assert counts["agents"].between(0, 25).all()
    assert plan["agents"] == counts["agents"].sum()
    coverage = pd.DataFrame(block(document, "coverage")["rows"])
    on_duty = coverage_from_files(sample_dir, counts)
    np.testing.assert_array_equal(coverage["coverage"], on_duty.reshape(-1))
    np.testing.assert_array_equal(coverage["requirement"], np.ravel(REQUIRED))
    assert list(coverage["period"][:3]) == HOURS[:3]
    assert (on_duty >= np.asarray(REQUIRED)).all()
    assert (on_duty <= 25).all()
    assert plan["shortfall"] == 0
    assert plan["surplus"] == (on_duty - np.asarray(REQUIRED)).sum()


def test_schedule_match(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, tmp_path: Path
) -> None:
    write_schedule(tmp_path, cap=20)
    document = run_json(
        capsys,
        "schedule",
        tmp_path / "needs.csv",
        "--required",
        "agents",
        "--day",
        "day",
        "--shifts",
        tmp_path / "shifts.csv",
        "--objective",
        "match",
        "--max-per-period",
        "25",
    )
    (plan,) = block(document, "plan")["rows"]
    assert plan["criterion"] == "match"
    assert plan["objective"] == 157.0  # pyworkforce's optimum, caps 25 and 20
    coverage = pd.DataFrame(block(document, "coverage")["rows"])
    gap = (coverage["coverage"] - coverage["requirement"]).abs().sum()
    assert gap == plan["shortfall"] + plan["surplus"] == 157
    counts = pd.DataFrame(block(document, "shifts")["rows"])
    assert counts["agents"].max() <= 20
    on_duty = coverage_from_files(tmp_path, counts)
    np.testing.assert_array_equal(coverage["coverage"], on_duty.reshape(-1))


def test_schedule_one_horizon_in_csv(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Two days of four periods in a row; the "night" pattern (first and last
    # period) runs from the last period of day 0 into the first of day 1.
    (tmp_path / "needs.csv").write_text(
        "slot,agents\nd0a,0\nd0b,1\nd0c,1\nd0d,2\nd1a,2\nd1b,1\nd1c,1\nd1d,0\n"
    )
    (tmp_path / "shifts.csv").write_text(
        "shift,p0,p1,p2,p3\nday,0,1,1,0\nnight,1,0,0,1\n"
    )
    frame = run_csv(
        capsys,
        "schedule",
        tmp_path / "needs.csv",
        "--required",
        "agents",
        "--period",
        "slot",
        "--shifts",
        tmp_path / "shifts.csv",
    )
    plan = frame[frame["section"] == "plan"].iloc[0]
    # By hand: two night agents from day 0 cover d0d and d1a (2 each), one
    # day agent each day covers b and c. Nights kept within their own day
    # would need two more (6 in all).
    assert plan["objective"] == 4
    assert plan["agents"] == 4
    shifts = frame[frame["section"] == "shifts"]
    keys = shifts["day"].astype(int).astype(str) + shifts["shift"]
    agents = dict(zip(keys, shifts["agents"], strict=True))
    assert agents == {"0day": 1, "0night": 2, "1day": 1, "1night": 0}
    coverage = frame[frame["section"] == "coverage"]
    slots = ["d0a", "d0b", "d0c", "d0d", "d1a", "d1b", "d1c", "d1d"]
    assert list(coverage["period"]) == slots
    assert list(coverage["coverage"]) == [0, 1, 1, 2, 2, 1, 1, 0]
    assert (coverage["coverage"] >= coverage["requirement"]).all()
    assert coverage["shortfall"].sum() == 0


def test_schedule_plots(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, tmp_path: Path
) -> None:
    pytest.importorskip("matplotlib")
    args = ["schedule", sample_dir / "needs.csv", "--required", "agents"]
    args += ["--day", "day", "--shifts", sample_dir / "shifts.csv"]
    assert plot_files(capsys, tmp_path / "c", *args) == ["shifts.png"]


def schedule_errors(folder: Path) -> list[tuple[list[str | Path], str]]:
    needs = folder / "needs.csv"
    write_schedule(folder)
    files = {
        "noshift": "name,a,b\nx,1,0\n",
        "badcols": "shift," + ",".join(reversed(HOURS)) + "\nx" + ",0" * 24 + "\n",
        "badpat": "shift,a,b,c\nx,1,2,0\n",
        "textcost": "shift,cost,a\nx,cheap,1\n",
        "twice": "shift,a\nx,1\nx,0\n",
        "nocols": "shift,cost\nx,1\n",
        "badcap": "shift,max_per_shift,a\nx,1.5,1\n",
    }
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text)
    (folder / "uneven.csv").write_text("day,agents\nMon,1\nMon,2\nTue,3\n")
    (folder / "dup.csv").write_text("day,p,agents\nMon,a,1\nMon,a,2\n")
    base: list[str | Path] = ["schedule", needs, "--required", "agents"]
    days: list[str | Path] = [*base, "--day", "day", "--period", "hour"]

    def shifts(name: str) -> list[str | Path]:
        return ["--shifts", folder / f"{name}.csv"]

    return [
        (
            [*base, *shifts("noshift")],
            "schedule: the shifts file needs a column 'shift' naming each shift",
        ),
        (
            [*days, *shifts("badcols")],
            "schedule: the period columns of the shifts file (23:00, 22:00, 21:00, "
            "20:00, ...) are not the periods of a day in the requirements (00:00, "
            "01:00, 02:00, 03:00, ...)",
        ),
        (
            [*base, *shifts("badpat")],
            "schedule_shifts: shift 'x' must be a 1-D pattern of 0 and 1; got 2",
        ),
        (
            [*base, *shifts("textcost")],
            "schedule: column 'cost' of the shifts file must hold numbers; got 'cheap'",
        ),
        ([*base, *shifts("twice")], "schedule: shift 'x' is listed twice"),
        (
            [*base, *shifts("nocols")],
            "schedule: the shifts file has no period columns (0/1 for each period "
            "of a day)",
        ),
        (
            [*base, *shifts("badcap")],
            "schedule: column 'max_per_shift' of the shifts file must hold whole "
            "numbers; got 1.5",
        ),
        (
            [
                "schedule",
                folder / "uneven.csv",
                "--required",
                "agents",
                "--day",
                "day",
                *shifts("shifts"),
            ],
            "schedule: day 'Tue' has other periods than day 'Mon' (1 against 2); "
            "every day needs the same periods, in the same order",
        ),
        (
            [
                "schedule",
                folder / "dup.csv",
                "--required",
                "agents",
                "--day",
                "day",
                "--period",
                "p",
                *shifts("shifts"),
            ],
            "schedule: day 'Mon' lists a period twice in column 'p'",
        ),
        (
            [*days, *shifts("shifts"), "--max-per-period", "20"],
            "schedule_shifts: no plan covers day Sun, period 21:00, which needs 23 "
            "agents: max_per_period allows 20",
        ),
        (
            [*base, "--required", "hour", *shifts("shifts")],
            "schedule_shifts: 48 of 48 requirements are not numbers ('00:00', "
            "'01:00', '02:00')",
        ),
        (
            ["schedule", folder / "none.csv", "--required", "a", *shifts("shifts")],
            f"schedule: no such file: {folder / 'none.csv'}",
        ),
    ]


def test_schedule_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for argv, message in schedule_errors(tmp_path):
        status, out, err = run(capsys, *argv)
        assert one_line_error(status, out, err) == f"cxmetrics: error: {message}\n", (
            argv
        )


def test_schedule_bad_cap_option(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    status, out, err = run(
        capsys,
        "schedule",
        sample_dir / "needs.csv",
        "--required",
        "agents",
        "--shifts",
        sample_dir / "shifts.csv",
        "--max-per-period",
        "-1",
    )
    assert (status, out) == (2, "")
    assert err == (
        "cxmetrics schedule: error: argument --max-per-period: expected a whole "
        "number 0 or more; got '-1'\n"
    )


# ---------------------------------------------------------------------------
# demo


def test_demo_compares_erlang_a_and_erlang_c_with_the_log() -> None:
    report = json.loads(render_json(build_demo_report(DemoOptions())))
    calls = datasets.load_calls()
    rows = block(report, "queue_models")["metrics"]
    patience = patience_by_hand(calls)
    assert rows["patience"]["value"] == pytest.approx(patience, rel=1e-12)
    assert rows["abandonment"]["value"] == pytest.approx((~calls["answered"]).mean())
    within = (calls["wait"] <= 20) & calls["answered"]
    assert rows["service_level"]["value"] == pytest.approx(within.mean())
    # The two weeks, half hour by half hour, with the roster they had, by the
    # chain: Erlang A's predictions weighted by the calls offered.
    answered = calls["answered"]
    aht = calls.loc[answered, ["talk", "hold", "wrap"]].sum(axis=1).mean()
    offered = calls["arrival"].dt.floor("30min").value_counts().sort_index()
    position = (offered.index.hour - 8) * 2 + offered.index.minute // 30
    roster = np.asarray(datasets.CALL_AGENTS)[position]
    measures = [
        chain(n, aht, agents, patience, 20.0)
        for n, agents in zip(offered, roster, strict=True)
    ]
    weights = offered.to_numpy()
    for field in ("prob_abandon", "service_level"):
        by_chain = np.average([m[field] for m in measures], weights=weights)
        key = "abandonment" if field == "prob_abandon" else "service_level"
        assert rows[f"{key}_erlang_a"]["value"] == pytest.approx(by_chain, rel=1e-6)
    assert rows["abandonment_erlang_c"]["value"] == 0.0
    # Erlang A is the closer of the two models on both measures.
    for key in ("abandonment", "service_level"):
        observed = rows[key]["value"]
        assert abs(rows[f"{key}_erlang_a"]["value"] - observed) < abs(
            rows[f"{key}_erlang_c"]["value"] - observed
        )


def test_demo_shifts_cover_the_erlang_a_headcount() -> None:
    report = json.loads(render_json(build_demo_report(DemoOptions())))
    needed = np.array(
        [row["erlang_a_agents"] for row in block(report, "staffing")["rows"]]
    )
    shifts = block(report, "shifts")
    counts = {row["shift"]: row["agents"] for row in shifts["rows"]}
    on_duty = np.zeros(len(needed), dtype=int)
    for name, agents in counts.items():
        start, end = (int(t[:2]) * 2 + int(t[3:]) // 30 - 16 for t in name.split("-"))
        on_duty[start:end] += agents
    assert (on_duty >= needed).all()
    paid = sum(row["agents"] * row["cost"] for row in shifts["rows"])
    assert f"{paid:,.0f} hours" in shifts["note"]
    assert f"{int((on_duty - needed).sum())} spare" in shifts["note"]
    assert f"({needed.sum():,} agent-half-hours)" in shifts["note"]
