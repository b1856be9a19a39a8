"""The ``cxmetrics value`` command, run through its real entry point.

Its numbers are checked against the library called directly on the same
CSV file read back by plain pandas (`cx.rfm_summary`, the fits, P(alive),
the expectations, `cx.lifetime_value`, `cx.holdout_check`), the histories
of the customers it lists against plain pandas counts, and the BG/NBD fit
in days against the fit in weeks (a change of time unit only rescales
alpha). The demo's value blocks are checked against the command on the
sample log written out as CSV.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from cli_support import (
    TRANSACTION_COLUMNS,
    VALUED_TRANSACTIONS,
    block,
    one_line_error,
    plot_files,
    run,
    run_csv,
    run_json,
)

import cxmetrics as cx
from cxmetrics import cli, datasets
from cxmetrics.cli import demo

#: A twelfth of a year of 365.25 days, in weeks: the default period.
MONTH_IN_WEEKS = 365.25 / 12 / 7


@pytest.fixture(scope="module")
def log(sample_dir: Path) -> pd.DataFrame:
    """The sample purchase log as plain pandas reads the file back."""
    raw = pd.read_csv(sample_dir / "transactions.csv")
    raw["date"] = pd.to_datetime(raw["date"])
    return raw


@pytest.fixture(scope="module")
def direct(log: pd.DataFrame) -> dict[str, Any]:
    """The library called directly on the file: histories, fits, forecasts."""
    rfm = cx.rfm_summary(log["customer_id"], log["date"], log["amount"], unit="W")
    x, tx, T = (rfm[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    m = rfm["monetary_value"].to_numpy(dtype=float)
    purchases = cx.fit_bgnbd(x, tx, T)
    spend = cx.fit_gamma_gamma(x, m)
    value = cx.lifetime_value(
        purchases, spend, x, tx, T, m, periods=12, period_length=MONTH_IN_WEEKS
    )
    return {
        "rfm": rfm,
        "purchases": purchases,
        "spend": spend,
        "p_alive": purchases.p_alive(x, tx, T),
        "expected": purchases.expected_purchases(12 * MONTH_IN_WEEKS, x, tx, T),
        "expected_spend": spend.expected_spend(x, m),
        "value": value,
    }


def value_json(
    capsys: pytest.CaptureFixture[str], path: Path, *options: str
) -> dict[str, Any]:
    return run_json(capsys, "value", path, *TRANSACTION_COLUMNS, *options)


# ---------------------------------------------------------------------------
# The numbers


def test_fit_and_totals_equal_the_library_on_the_same_file(
    capsys: pytest.CaptureFixture[str],
    sample_dir: Path,
    log: pd.DataFrame,
    direct: dict[str, Any],
) -> None:
    document = value_json(capsys, sample_dir / "transactions.csv", "--value", "amount")
    assert document["confidence"] is None  # no intervals in this report
    assert document["warnings"] == []
    section = block(document, "value")
    metrics = section["metrics"]
    rfm = direct["rfm"]
    assert metrics["customers"]["value"] == log["customer_id"].nunique() == len(rfm)
    assert metrics["customers"]["n_missing"] == 0
    repeaters = int(log.groupby("customer_id")["date"].nunique().gt(1).sum())
    assert metrics["repeat_customers"]["count"] == repeaters
    assert metrics["repeat_customers"]["value"] == pytest.approx(repeaters / len(rfm))
    assert metrics["p_alive"]["value"] == pytest.approx(direct["p_alive"].mean())
    assert metrics["expected_purchases"]["value"] == pytest.approx(
        direct["expected"].sum(), rel=1e-12
    )
    assert metrics["lifetime_value"]["value"] == pytest.approx(
        direct["value"].sum(), rel=1e-12
    )
    assert section["facts"] == {
        "as_of": "2025-12-31",
        "unit": "W",
        "unit_days": 7.0,
        "model": "bgnbd",
        "periods": 12,
        "period_length": pytest.approx(MONTH_IN_WEEKS),
        "discount_rate": 0.0,
        "calibration_end": None,
    }
    models = block(document, "models")["rows"]
    assert [row["model"] for row in models] == ["bgnbd", "gamma_gamma"]
    for row, model in zip(models, (direct["purchases"], direct["spend"]), strict=True):
        assert row["n"] == model.n
        assert row["log_likelihood"] == pytest.approx(model.log_likelihood, rel=1e-9)
        assert row["converged"] is True
        assert row["message"] == "converged"
    parameters = block(document, "parameters")["rows"]
    expected = [
        (name, parameter, value, model.standard_errors[parameter])
        for name, model in (
            ("bgnbd", direct["purchases"]),
            ("gamma_gamma", direct["spend"]),
        )
        for parameter, value in model.params.items()
    ]
    assert [(r["model"], r["parameter"]) for r in parameters] == [
        e[:2] for e in expected
    ]
    for row, (_, _, value, error) in zip(parameters, expected, strict=True):
        assert row["value"] == pytest.approx(value, rel=1e-7)
        assert row["standard_error"] == pytest.approx(error, rel=1e-5)


def test_top_customers_are_the_most_valuable_with_their_histories(
    capsys: pytest.CaptureFixture[str],
    sample_dir: Path,
    log: pd.DataFrame,
    direct: dict[str, Any],
) -> None:
    document = value_json(
        capsys, sample_dir / "transactions.csv", "--value", "amount", "--top", "7"
    )
    top = block(document, "top_customers")
    assert top["columns"] == [
        "customer",
        "frequency",
        "recency",
        "t",
        "monetary_value",
        "p_alive",
        "expected_purchases",
        "expected_spend",
        "lifetime_value",
    ]
    rows = top["rows"]
    order = np.argsort(-direct["value"], kind="stable")[:7]
    rfm = direct["rfm"]
    assert [row["customer"] for row in rows] == rfm.index[order].tolist()
    end = pd.Timestamp("2025-12-31")
    for row, i in zip(rows, order, strict=True):
        days = log.loc[log["customer_id"] == row["customer"], "date"]
        daily = days.dt.normalize().value_counts().sort_index()
        first, last = daily.index[0], daily.index[-1]
        # plain pandas: repeat purchase days, weeks from the first, spend per day
        totals = (
            log[log["customer_id"] == row["customer"]]
            .groupby(log["date"].dt.normalize())["amount"]
            .sum()
        )
        assert row["frequency"] == len(daily) - 1
        assert row["recency"] == pytest.approx((last - first).days / 7)
        assert row["t"] == pytest.approx((end - first).days / 7)
        assert row["monetary_value"] == pytest.approx(totals.iloc[1:].mean())
        assert row["p_alive"] == pytest.approx(direct["p_alive"][i], rel=1e-12)
        assert row["expected_purchases"] == pytest.approx(direct["expected"][i])
        assert row["expected_spend"] == pytest.approx(direct["expected_spend"][i])
        assert row["lifetime_value"] == pytest.approx(direct["value"][i], rel=1e-12)
    values = [row["lifetime_value"] for row in rows]
    assert values == sorted(values, reverse=True)


def test_holdout_check_equals_the_library(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, log: pd.DataFrame
) -> None:
    document = value_json(
        capsys, sample_dir / "transactions.csv", "--calibration-end", "2025-09-30"
    )
    split = cx.rfm_summary(
        log["customer_id"], log["date"], calibration_end="2025-09-30"
    )
    model = cx.fit_bgnbd(split["frequency"], split["recency"], split["T"])
    expected = cx.holdout_check(model, split)
    rows = block(document, "holdout")["rows"]
    assert [row["frequency_bucket"] for row in rows] == expected.index.tolist()
    assert [row["customers"] for row in rows] == expected["customers"].tolist()
    for row, (_, reference) in zip(rows, expected.iterrows(), strict=True):
        assert row["actual"] == pytest.approx(reference["actual"], rel=1e-12)
        assert row["predicted"] == pytest.approx(reference["predicted"], rel=1e-7)
    # the main fit still uses every purchase up to the end
    facts = block(document, "value")["facts"]
    assert (facts["as_of"], facts["calibration_end"]) == ("2025-12-31", "2025-09-30")


def test_without_values_customers_rank_by_expected_purchases(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, direct: dict[str, Any]
) -> None:
    document = value_json(capsys, sample_dir / "transactions.csv", "--top", "3")
    assert list(block(document, "value")["metrics"]) == [
        "customers",
        "repeat_customers",
        "p_alive",
        "expected_purchases",
    ]
    assert [row["model"] for row in block(document, "models")["rows"]] == ["bgnbd"]
    top = block(document, "top_customers")
    assert "lifetime_value" not in top["columns"]
    assert "monetary_value" not in top["columns"]
    order = np.argsort(-direct["expected"], kind="stable")[:3]
    assert [row["customer"] for row in top["rows"]] == direct["rfm"].index[
        order
    ].tolist()


def test_pareto_nbd_periods_and_discounting(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, log: pd.DataFrame
) -> None:
    document = value_json(
        capsys,
        sample_dir / "transactions.csv",
        "--value",
        "amount",
        "--model",
        "pareto_nbd",
        "--periods",
        "6",
        "--period-length",
        "2.5",
        "--discount-rate",
        "0.02",
        "--as-of",
        "2025-11-30",
    )
    rfm = cx.rfm_summary(
        log["customer_id"], log["date"], log["amount"], observation_end="2025-11-30"
    )
    x, tx, T = (rfm[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    m = rfm["monetary_value"].to_numpy(dtype=float)
    purchases = cx.fit_pareto_nbd(x, tx, T)
    spend = cx.fit_gamma_gamma(x, m)
    value = cx.lifetime_value(
        purchases,
        spend,
        x,
        tx,
        T,
        m,
        periods=6,
        period_length=2.5,
        discount_rate=0.02,
    )
    section = block(document, "value")
    metrics = section["metrics"]
    assert metrics["customers"]["value"] == len(rfm)
    assert metrics["lifetime_value"]["value"] == pytest.approx(value.sum(), rel=1e-6)
    assert metrics["expected_purchases"]["value"] == pytest.approx(
        purchases.expected_purchases(15.0, x, tx, T).sum(), rel=1e-6
    )
    assert section["facts"]["as_of"] == "2025-11-30"
    assert section["facts"]["period_length"] == 2.5
    assert "discounted at 0.02 per period" in section["note"]
    params = {
        row["parameter"]: row["value"]
        for row in block(document, "parameters")["rows"]
        if row["model"] == "pareto_nbd"
    }
    assert params == pytest.approx(purchases.params, rel=1e-6)


@pytest.mark.parametrize(("unit", "days"), [("D", 1.0), ("3.5D", 3.5), ("1W", 7.0)])
def test_a_unit_of_another_length_only_rescales_alpha(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, unit: str, days: float
) -> None:
    """A rate per day is a rate per week over 7: the fit in a unit of ``days``
    days has alpha (a time scale) 7 / days times the weekly one, and r, a, b
    unchanged."""
    path = sample_dir / "transactions.csv"
    weeks = {
        row["parameter"]: row["value"]
        for row in block(value_json(capsys, path), "parameters")["rows"]
    }
    document = value_json(capsys, path, "--unit", unit)
    other = {
        row["parameter"]: row["value"] for row in block(document, "parameters")["rows"]
    }
    assert other["alpha"] == pytest.approx(7.0 / days * weeks["alpha"], rel=1e-5)
    for name in ("r", "a", "b"):
        assert other[name] == pytest.approx(weeks[name], rel=1e-5)
    facts = block(document, "value")["facts"]
    assert facts["unit_days"] == days
    assert facts["period_length"] == pytest.approx(365.25 / 12 / days)


# ---------------------------------------------------------------------------
# Machine output and the text table


def test_csv_has_one_column_per_field_and_real_types(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    frame = run_csv(
        capsys,
        "value",
        sample_dir / "transactions.csv",
        *VALUED_TRANSACTIONS,
        "--calibration-end",
        "2025-09-30",
    )
    assert frame["section"].unique().tolist() == [
        "value",
        "models",
        "parameters",
        "holdout",
        "top_customers",
    ]
    top = frame[frame["section"] == "top_customers"]
    assert len(top) == 10
    for column in ("frequency", "customer"):
        assert top[column].map(float.is_integer).all()
    models = frame[frame["section"] == "models"]
    assert models["converged"].tolist() == [True, True]  # read back from true/false
    parameters = frame[frame["section"] == "parameters"]
    assert parameters["value"].dtype == float
    assert parameters["standard_error"].notna().all()
    holdout = frame[frame["section"] == "holdout"]
    assert holdout["frequency_bucket"].tolist()[-1] == "7+"


def test_table_output_has_no_interval_columns(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    status, out, err = run(
        capsys,
        "value",
        sample_dir / "transactions.csv",
        *VALUED_TRANSACTIONS,
        "--top",
        "3",
    )
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"cxmetrics value: {sample_dir / 'transactions.csv'}"
    header = next(line for line in lines if line.startswith("Metric"))
    assert header.split() == ["Metric", "Value", "n", "Missing"]
    assert "CI" not in out
    assert "Top 3 customers: by value over the next 12 periods of 4.348 W" in out
    parameters = lines[
        lines.index(next(x for x in lines if x.startswith("Parameters"))) :
    ]
    assert parameters[3].split() == ["bgnbd", "r", "0.2704", "0.01071"]


def test_purchases_with_a_missing_value_are_left_out_and_counted(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, tmp_path: Path
) -> None:
    raw = pd.read_csv(sample_dir / "transactions.csv")
    raw.loc[[3, 10], "amount"] = np.nan
    raw.loc[20, "customer_id"] = np.nan
    path = tmp_path / "gaps.csv"
    raw.to_csv(path, index=False)
    section = block(value_json(capsys, path, "--value", "amount"), "value")
    assert section["metrics"]["customers"]["n_missing"] == 3
    assert "(3 with a missing customer, date or value left out)" in section["note"]
    kept = raw.dropna()
    rfm = cx.rfm_summary(
        kept["customer_id"], pd.to_datetime(kept["date"]), kept["amount"]
    )
    assert section["metrics"]["customers"]["value"] == len(rfm)


def test_a_fit_that_does_not_converge_is_a_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Customers buying like clockwork until the end: nobody seems to drop
    out and every purchase costs the same, so neither model is pinned down."""
    rows = [
        (customer, day.date().isoformat(), 10.0)
        for customer in range(20)
        for day in pd.date_range("2025-01-01", "2025-12-31", freq=f"{5 + customer}D")
    ]
    path = tmp_path / "clockwork.csv"
    pd.DataFrame(rows, columns=["c", "d", "v"]).to_csv(path, index=False)
    status, out, err = run(
        capsys,
        "value",
        path,
        "--customer",
        "c",
        "--date",
        "d",
        "--value",
        "v",
        "--format",
        "json",
    )
    assert status == 0
    document = json.loads(out)
    models = {row["model"]: row for row in block(document, "models")["rows"]}
    assert models["gamma_gamma"]["converged"] is False
    lines = err.splitlines()
    assert lines == [f"cxmetrics: warning: {w}" for w in document["warnings"]]
    assert any("Gamma-Gamma fit did not converge: q runs off" in w for w in lines)
    assert "RuntimeWarning" not in err


# ---------------------------------------------------------------------------
# Bad input


def bad_files(folder: Path) -> dict[str, Path]:
    files = {
        "text": "c,d,v\n1,2025-01-01,10\n1,2025-02-01,ten\n2,2025-01-05,\n",
        "one": "c,d,v\n1,2025-01-01,10\n1,2025-02-01,12\n1,2025-03-01,5\n",
        "once": "c,d,v\n1,2025-01-01,10\n2,2025-02-01,12\n",
        "dates": "c,d,v\n1,soon,10\n",
    }
    paths = {}
    for name, text in files.items():
        paths[name] = folder / f"{name}.csv"
        paths[name].write_text(text)
    return paths


UNIT_RULE = (
    "value: --unit expects D (days), W (weeks of 7 days) or a number of them "
    "such as 28D or 2W; got {!r}"
)


def error_cases(folder: Path) -> list[tuple[list[str], str]]:
    files = bad_files(folder)
    cols = ["--customer", "c", "--date", "d"]
    text, one = str(files["text"]), str(files["one"])
    return [
        (
            [str(folder / "nope.csv"), *cols],
            f"value: no such file: {folder / 'nope.csv'}",
        ),
        (
            [text, "--customer", "id", "--date", "d"],
            f"value: no column 'id' in {text}; the columns are 'c', 'd', 'v'",
        ),
        (
            [text, *cols, "--value", "amount"],
            f"value: no column 'amount' in {text}; the columns are 'c', 'd', 'v'",
        ),
        (
            [text, *cols, "--value", "v"],
            "value: column 'v' has 1 of 3 values that are not numbers ('ten')",
        ),
        (
            [str(files["dates"]), *cols],
            "value: 1 of 1 strings in column 'd' are not ISO 8601 timestamps ('soon')",
        ),
        (
            [one, *cols, "--value", "v"],
            "fit_bgnbd: a fit needs at least two customers; got 1",
        ),
        (
            [str(files["once"]), *cols],
            "fit_bgnbd: no customer has a repeat purchase (every frequency is 0), "
            "so nothing tells how often customers buy; the model cannot be fitted",
        ),
        *(
            ([one, *cols, "--unit", unit], UNIT_RULE.format(unit))
            for unit in ("M", "0D", "2", "W2")
        ),
        (
            [one, *cols, "--as-of", "someday"],
            "value: 1 of 1 strings in --as-of are not ISO 8601 timestamps ('someday')",
        ),
        (
            [one, *cols, "--as-of", "now"],
            "value: 1 of 1 strings in --as-of are not ISO 8601 timestamps ('now')",
        ),
        (
            [one, *cols, "--as-of", " "],
            "value: --as-of expects a date such as 2026-01-01; got ' '",
        ),
        (
            [one, *cols, "--calibration-end", "2025-13-01"],
            "value: 1 of 1 strings in --calibration-end are not ISO 8601 "
            "timestamps ('2025-13-01')",
        ),
        (
            [one, *cols, "--calibration-end", "2025-W40"],
            "value: 1 of 1 strings in --calibration-end are ISO week dates "
            "('2025-W40'); week dates are not supported: give calendar dates, "
            "such as 2025-09-29 for '2025-W40'",
        ),
        (
            [one, *cols, "--as-of", "2024-06-30"],
            "rfm_summary: no purchase on or before 2024-06-30; the log has 3 "
            "purchases from 2025-01-01",
        ),
        (
            [one, *cols, "--discount-rate", "0.01"],
            "value: --discount-rate applies to the lifetime value, which needs --value",
        ),
    ]


def test_bad_input_is_one_line_with_status_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for argv, message in error_cases(tmp_path):
        status, out, err = run(capsys, "value", *argv)
        assert one_line_error(status, out, err) == f"cxmetrics: error: {message}\n", (
            argv
        )


@pytest.mark.parametrize(
    ("option", "value", "rule"),
    [
        ("--top", "0", "a whole number 1 or more"),
        ("--top", "2.5", "a whole number 1 or more"),
        ("--periods", "x", "a whole number 1 or more"),
        ("--period-length", "0", "a number above 0"),
        ("--period-length", "inf", "a number above 0"),
        ("--discount-rate", "-0.1", "a number 0 or more"),
    ],
)
def test_bad_numbers_are_usage_errors(
    capsys: pytest.CaptureFixture[str],
    sample_dir: Path,
    option: str,
    value: str,
    rule: str,
) -> None:
    status, out, err = run(
        capsys,
        "value",
        sample_dir / "transactions.csv",
        *TRANSACTION_COLUMNS,
        option,
        value,
    )
    assert (status, out) == (2, "")
    assert err == (
        f"cxmetrics value: error: argument {option}: expected {rule}; got {value!r}\n"
    )


def test_options_that_need_intervals_are_refused(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    status, _, err = run(
        capsys,
        "value",
        sample_dir / "transactions.csv",
        *TRANSACTION_COLUMNS,
        "--confidence",
        "0.9",
    )
    assert status == 2
    assert err == "cxmetrics: error: unrecognized arguments: --confidence 0.9\n"


# ---------------------------------------------------------------------------
# Charts


def test_plots_write_the_heat_map_and_the_holdout_chart(
    capsys: pytest.CaptureFixture[str], sample_dir: Path, tmp_path: Path
) -> None:
    pytest.importorskip("matplotlib")
    args = ["value", sample_dir / "transactions.csv", *TRANSACTION_COLUMNS]
    args += ["--calibration-end", "2025-09-30", "--format", "json"]
    charts = plot_files(capsys, tmp_path / "charts", *args)
    assert charts == ["holdout.png", "p_alive.png"]


# ---------------------------------------------------------------------------
# The demo


def test_demo_value_blocks_are_the_command_on_the_sample_log(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    document = json.loads(cli.render_json(demo.build_demo_report(demo.DemoOptions())))
    shown = {b["key"]: b for b in document["sections"]}
    command = value_json(
        capsys,
        sample_dir / "transactions.csv",
        "--value",
        "amount",
        "--discount-rate",
        "0.01",
        "--top",
        "5",
    )
    for key in ("models", "parameters", "top_customers"):
        assert shown[key]["rows"] == block(command, key)["rows"], key
    own, theirs = shown["value"], block(command, "value")
    assert own["metrics"] == theirs["metrics"]
    assert own["facts"] == theirs["facts"]
    size = len(datasets.load_transactions())
    assert own["note"].startswith(f"sample purchase log, {size:,} purchases;")


def test_demo_value_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    """The demo's value block against the library on the bundled log."""
    log = datasets.load_transactions()
    rfm = cx.rfm_summary(log["customer_id"], log["date"], log["amount"])
    x, tx, T = (rfm[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    purchases = cx.fit_bgnbd(x, tx, T)
    spend = cx.fit_gamma_gamma(x, rfm["monetary_value"])
    value = cx.lifetime_value(
        purchases,
        spend,
        x,
        tx,
        T,
        rfm["monetary_value"],
        periods=12,
        period_length=MONTH_IN_WEEKS,
        discount_rate=0.01,
    )
    status, out, _ = run(capsys, "demo", "--format", "json")
    assert status == 0
    metrics = block(json.loads(out), "value")["metrics"]
    assert metrics["lifetime_value"]["value"] == pytest.approx(value.sum(), rel=1e-9)
    assert metrics["p_alive"]["value"] == pytest.approx(
        purchases.p_alive(x, tx, T).mean(), rel=1e-12
    )
    assert math.isclose(metrics["customers"]["value"], 3000)
    frame = pd.read_csv(io.StringIO(run(capsys, "demo", "--format", "csv")[1]))
    assert (frame["section"] == "top_customers").sum() == 5


def test_the_command_line_page_shows_what_the_command_prints(
    capsys: pytest.CaptureFixture[str], sample_dir: Path
) -> None:
    """The sample output on docs/cli.md is the command's, on the bundled log."""
    page = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text()
    shown = page.split("## `cxmetrics value`")[1].split("```text\n")[1].split("```")[0]
    status, out, _ = run(
        capsys,
        "value",
        sample_dir / "transactions.csv",
        *VALUED_TRANSACTIONS,
        "--top",
        "5",
    )
    assert status == 0
    printed = out.split("\n", 2)[2]  # after the title and its blank line
    assert [line.rstrip() for line in printed.strip().splitlines()] == [
        line.rstrip() for line in shown.strip().splitlines()
    ]
