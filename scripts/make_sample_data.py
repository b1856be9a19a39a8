"""Write the sample survey shipped as ``src/cxmetrics/data/survey.csv``.

The file is generated once from a fixed seed and committed; the package
reads it and never regenerates it. Run this script again only to change the
data on purpose:

    python scripts/make_sample_data.py

Model
-----
Each response has one latent satisfaction ``u ~ Normal(shift, 1)``. The shift
is the sum of a region effect, a channel effect and a slow trend over the
year, so segments and months genuinely differ. The three answers are read off
correlated copies of ``u`` by an ordered-probit model: the cut-points are
chosen so that, at ``shift = 0``, each score has the probability given in
``NPS_PROBS``, ``CSAT_PROBS`` and ``CES_PROBS``. CES also depends on the
channel (phone is harder, chat easier). A small share of CSAT and CES answers
is left blank.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

SEED = 20250101
N_RESPONSES = 3_000
YEAR = 2025
OUTPUT = Path(__file__).resolve().parents[1] / "src" / "cxmetrics" / "data"

# Segment mix and effects on the latent satisfaction (in standard deviations).
REGION_MIX = {"North": 0.30, "South": 0.25, "East": 0.25, "West": 0.20}
REGION_SHIFT = {"North": 0.15, "South": 0.0, "East": 0.05, "West": -0.15}
CHANNEL_MIX = {"email": 0.35, "web": 0.25, "chat": 0.20, "phone": 0.20}
CES_CHANNEL_SHIFT = {"email": 0.0, "web": 0.05, "chat": 0.25, "phone": -0.35}
TREND_PER_YEAR = 0.15

# Baseline answer distributions (shift = 0), lowest score first.
NPS_PROBS = [0.02, 0.01, 0.02, 0.03, 0.03, 0.06, 0.07, 0.12, 0.18, 0.20, 0.26]
CSAT_PROBS = [0.05, 0.06, 0.10, 0.37, 0.42]
CES_PROBS = [0.04, 0.05, 0.08, 0.13, 0.22, 0.26, 0.22]

# Correlation of the CSAT and CES latents with the NPS latent.
CSAT_LOADING = 0.75
CES_LOADING = 0.60
MISSING_SHARE = {"csat": 0.015, "ces": 0.02}


def ordered_probit(
    latent: npt.NDArray[np.float64], probs: list[float], low: int
) -> npt.NDArray[np.int64]:
    """Scores ``low, low + 1, ...`` from a latent normal and baseline probabilities."""
    cuts = stats.norm.ppf(np.cumsum(probs)[:-1])
    return low + np.searchsorted(cuts, latent).astype(np.int64)


def correlated(
    latent: npt.NDArray[np.float64], loading: float, rng: np.random.Generator
) -> npt.NDArray[np.float64]:
    """A latent with correlation ``loading`` to ``latent`` (unit noise variance)."""
    noise = rng.standard_normal(latent.size)
    return loading * latent + np.sqrt(1.0 - loading**2) * noise


def with_missing(
    scores: npt.NDArray[np.int64], share: float, rng: np.random.Generator
) -> pd.Series:
    """Scores as a nullable integer Series with about ``share`` of them blank."""
    series = pd.Series(scores, dtype="Int64")
    return series.mask(rng.random(scores.size) < share)


def make_survey(rng: np.random.Generator) -> pd.DataFrame:
    """The sample survey, one row per response, sorted by date."""
    n = N_RESPONSES
    region = rng.choice(list(REGION_MIX), size=n, p=list(REGION_MIX.values()))
    channel = rng.choice(list(CHANNEL_MIX), size=n, p=list(CHANNEL_MIX.values()))
    start = np.datetime64(f"{YEAR}-01-01")
    days = (np.datetime64(f"{YEAR + 1}-01-01") - start).astype(int)
    offset = np.sort(rng.integers(0, days, size=n))
    date = start + offset.astype("timedelta64[D]")

    region_shift = pd.Series(region).map(REGION_SHIFT)
    trend = TREND_PER_YEAR * (offset / days - 0.5)
    latent = rng.standard_normal(n) + region_shift.to_numpy() + trend
    ces_shift = pd.Series(channel).map(CES_CHANNEL_SHIFT).to_numpy()

    nps = ordered_probit(latent, NPS_PROBS, 0)
    csat = ordered_probit(correlated(latent, CSAT_LOADING, rng), CSAT_PROBS, 1)
    ces = ordered_probit(correlated(latent, CES_LOADING, rng) + ces_shift, CES_PROBS, 1)
    return pd.DataFrame(
        {
            "response_id": np.arange(1, n + 1),
            "date": pd.to_datetime(date).strftime("%Y-%m-%d"),
            "region": region,
            "channel": channel,
            "nps": nps,
            "csat": with_missing(csat, MISSING_SHARE["csat"], rng),
            "ces": with_missing(ces, MISSING_SHARE["ces"], rng),
        }
    )


def main() -> None:
    """Generate the survey from the fixed seed and write it as CSV."""
    survey = make_survey(np.random.default_rng(SEED))
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / "survey.csv"
    survey.to_csv(path, index=False, lineterminator="\n")
    print(f"wrote {len(survey):,} responses to {path}")


if __name__ == "__main__":
    main()
