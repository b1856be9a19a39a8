"""Shared test settings.

Simulations run in a quick mode by default, so that the whole suite stays
fast in CI; ``CXMETRICS_FULL=1`` (``make test-full``) runs them at full size.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run, so a result does not
# depend on the luck of the draw; HYPOTHESIS_PROFILE=explore draws anew.
settings.register_profile("deterministic", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))

#: True when the environment asks for full-size simulations.
FULL = os.environ.get("CXMETRICS_FULL") == "1"


@pytest.fixture(scope="session")
def coverage_draws() -> int:
    """Samples drawn per scenario by the coverage simulation of closed-form CIs.

    Quick: 20,000 (Monte Carlo standard error of a 95% coverage 0.15 points).
    Full: 200,000 (standard error 0.05 points).
    """
    return 200_000 if FULL else 20_000


@pytest.fixture(scope="session")
def resampling_draws() -> int:
    """Samples per scenario for the coverage of the bootstrap and Bayesian CIs.

    Each sample costs ``n_resamples`` draws, so these are fewer.
    """
    return 20_000 if FULL else 2_000


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample data written out as CSV files (see `cli_support`)."""
    from cli_support import write_sample

    return write_sample(tmp_path_factory.mktemp("sample"))
