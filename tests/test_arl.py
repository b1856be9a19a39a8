"""In-control and out-of-control average run lengths against the literature.

The simulation is `scripts/arl_table.py`, which runs the chart code of
`cx.control_chart` (`cxmetrics._control`) on standardized normal values;
the published values: 370.4 for a 3-sigma Shewhart chart; 500 and 10.5 at a
shift of one standard error for the EWMA with lambda 0.2 and L 2.962 (Lucas
and Saccucci 1990, asymptotic limits); 465 and 10.4 for the two-sided CUSUM
with k 0.5 and h 5 (Montgomery 2019); 91.75 for the four Western Electric
rules (Champ and Woodall 1987); and the exact run lengths of runs of
independent periods. Quick mode simulates 1,500 charts a scenario (a
standard error near 2.6%); ``CXMETRICS_FULL=1`` 20,000 (0.7%).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import FULL

pytestmark = pytest.mark.slow

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "arl_table.py"
CHARTS = 20_000 if FULL else 1_500


@pytest.fixture(scope="module")
def script():
    """The simulation script, imported from the source tree."""
    if not SCRIPT.exists():
        pytest.skip("the simulation script is only in the source tree")
    spec = importlib.util.spec_from_file_location("arl_table", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["arl_table"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def checked(script):
    """The scenarios with a published value; Nelson's runs rules in full mode only."""
    return [
        s
        for s in script.SCENARIOS
        if s.published is not None
        and (FULL or not s.name.startswith("Nelson"))
        # the time-varying EWMA limits find a shift from the start sooner than
        # the asymptotic limits of the published table: no published value
        and not (s.name == "EWMA, lam 0.2, sigma 2.962" and s.shift > 0)
    ]


def test_simulated_average_run_lengths_match_the_literature(script):
    rng = np.random.default_rng(script.SEED)
    scenarios = checked(script)
    assert len(scenarios) >= (12 if FULL else 9)
    for scenario in scenarios:
        mean, error = script.average_run_length(scenario, CHARTS, rng)
        allowed = 4.0 * error + 0.005 * scenario.published
        assert abs(mean - scenario.published) < allowed, (
            f"{scenario.name}, shift {scenario.shift}: simulated {mean:.4g} "
            f"+/- {error:.2g}, published {scenario.published:.4g}"
        )


def test_the_exact_shewhart_and_runs_values(script):
    published = {(s.name, s.shift): s.published for s in script.SCENARIOS}
    assert published["Shewhart, 3 sigma", 1.0] == pytest.approx(43.89, abs=0.01)
    assert published["Western Electric rule 4 alone", 0.0] == 255.0
    assert published["Nelson rule 2 alone", 0.0] == 511.0
    assert published["Nelson rule 7 alone", 0.0] == pytest.approx(963.3, abs=0.1)


def test_time_varying_ewma_limits_find_a_shift_sooner(script):
    rng = np.random.default_rng(5)
    by_name = {(s.name, s.shift): s for s in script.SCENARIOS}
    varying = by_name["EWMA, lam 0.2, sigma 2.962", 1.0]
    steady = by_name["EWMA, lam 0.2, L 2.962, asymptotic limits", 1.0]
    fast, fast_error = script.average_run_length(varying, CHARTS, rng)
    slow, slow_error = script.average_run_length(steady, CHARTS, rng)
    assert fast < slow - 2 * np.hypot(fast_error, slow_error)
