"""Helpers of the command-line tests: run `cxmetrics.cli.main` and read its output.

The tests of ``tests/test_cli*.py`` import these; the ``sample_dir``
fixture of ``tests/conftest.py`` calls `write_sample`.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint
from test_scheduling import COSTS, REQUIRED, SHIFTS

from cxmetrics import cli, datasets

#: The options that name the columns of the sample tickets.
TICKET_COLUMNS = (
    "--created",
    "created",
    "--first-response",
    "first_response",
    "--resolved",
    "resolved",
)
#: The options that name the wait and answered columns of the sample calls.
CALL_BASICS = ("--wait", "wait", "--answered", "answered")
#: The same with the handle-time columns.
HANDLED_CALLS = (*CALL_BASICS, "--talk", "talk", "--hold", "hold", "--wrap", "wrap")
#: All the columns of the sample calls.
CALL_COLUMNS = (*HANDLED_CALLS, "--arrival", "arrival")
#: The options that name the columns of a subscriptions file.
SUBSCRIPTION_COLUMNS = ("--start", "start", "--end", "end")
#: The options that name the columns of an activity log.
ACTIVITY_COLUMNS = ("--customer", "customer", "--date", "date")
#: The options that name the columns of the sample purchase log.
TRANSACTION_COLUMNS = ("--customer", "customer_id", "--date", "date")
#: The same with the value of each purchase.
VALUED_TRANSACTIONS = (*TRANSACTION_COLUMNS, "--value", "amount")


def write_sample(folder: Path) -> Path:
    """Write the bundled sample data as CSV files, the paying MRR months apart."""
    datasets.load_transactions().to_csv(folder / "transactions.csv", index=False)
    datasets.load_survey().to_csv(folder / "survey.csv", index=False)
    datasets.load_tickets().to_csv(folder / "tickets.csv", index=False)
    datasets.load_calls().to_csv(folder / "calls.csv", index=False)
    datasets.load_subscriptions().to_csv(folder / "subscriptions.csv", index=False)
    mrr = datasets.load_mrr()
    mrr.to_csv(folder / "mrr.csv", index=False)
    mrr[mrr["mrr"] > 0].to_csv(folder / "paying.csv", index=False)
    write_schedule(folder)
    return folder


# pyworkforce's scheduling test case: two days of hourly requirements, four
# shifts (see tests/test_scheduling.py).
HOURS = [f"{hour:02d}:00" for hour in range(24)]


def write_schedule(folder: Path, cap: int = 25) -> None:
    """needs.csv (day, hour, agents; days Sat and Sun) and shifts.csv of that case."""
    needs = pd.DataFrame(
        {
            "day": [day for day in ("Sat", "Sun") for _ in HOURS],
            "hour": HOURS * 2,
            "agents": [n for day in REQUIRED for n in day],
        }
    )
    needs.to_csv(folder / "needs.csv", index=False)
    shifts = pd.DataFrame(
        [
            {"shift": name, "cost": COSTS[name], "max_per_shift": cap}
            | dict(zip(HOURS, pattern, strict=True))
            for name, pattern in SHIFTS.items()
        ]
    )
    shifts.to_csv(folder / "shifts.csv", index=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """Run the command; its exit status, standard output and standard error."""
    status = cli.main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> dict[str, Any]:
    """Run the command with ``--format json``; it must succeed silently."""
    status, out, err = run(capsys, *argv, "--format", "json")
    assert (status, err) == (0, ""), err
    document: dict[str, Any] = json.loads(out)
    return document


def run_csv(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> pd.DataFrame:
    """Run the command with ``--format csv`` and read the output back with pandas."""
    status, out, err = run(capsys, *argv, "--format", "csv")
    assert (status, err) == (0, ""), err
    return pd.read_csv(io.StringIO(out))


def block(document: dict[str, Any], key: str) -> dict[str, Any]:
    """The section or table of a JSON report with this key."""
    found: dict[str, Any] = next(s for s in document["sections"] if s["key"] == key)
    return found


def one_line_error(status: int, out: str, err: str) -> str:
    """Check the shape of a refusal (status 2, one line, no traceback); its text."""
    assert status == 2
    assert out == ""
    assert err.startswith("cxmetrics: error: ")
    assert err.endswith("\n")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    return err


#: The first bytes of every PNG file.
PNG = b"\x89PNG\r\n\x1a\n"


def check_png(path: Path) -> None:
    """A PNG file with a drawn chart in it, not an empty canvas."""
    data = path.read_bytes()
    assert data[:8] == PNG
    assert len(data) > 5_000


def plot_files(
    capsys: pytest.CaptureFixture[str], charts: Path, *argv: str | Path
) -> list[str]:
    """Run the command without and with ``--plots charts``; the charts' names.

    Both runs succeed silently with the same report, and every chart is a
    drawn PNG.
    """
    status, plain, _ = run(capsys, *argv)
    status_plots, with_plots, err = run(capsys, *argv, "--plots", charts)
    assert (status, status_plots, err) == (0, 0, "")
    assert with_plots == plain  # the report does not change
    paths = sorted(charts.iterdir())
    for path in paths:
        check_png(path)
    return [path.name for path in paths]


def wilson(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """statsmodels' Wilson interval."""
    low, high = proportion_confint(successes, n, alpha=1 - confidence, method="wilson")
    return float(low), float(high)
