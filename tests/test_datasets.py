"""The bundled sample survey: shape, dtypes, ranges, realism and determinism.

Reference values are computed here with plain pandas on the raw CSV, never
with cxmetrics' metrics.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import pytest

from cxmetrics import datasets
from cxmetrics.datasets import CHANNELS, REGIONS, load_survey

COLUMNS = ["response_id", "date", "region", "channel", "nps", "csat", "ces"]
SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return load_survey()


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """The shipped file read with pandas defaults: what load_survey must preserve."""
    with (resources.files("cxmetrics") / "data" / "survey.csv").open("rb") as f:
        return pd.read_csv(f)


def nps_points(scores: pd.Series) -> float:
    """NPS from value counts: percent of 9-10 minus percent of 0-6."""
    shares = scores.value_counts(normalize=True)
    promoters = shares.reindex([9, 10], fill_value=0).sum()
    detractors = shares.reindex(range(7), fill_value=0).sum()
    return float(100 * (promoters - detractors))


def test_shape_and_columns(survey: pd.DataFrame) -> None:
    assert survey.shape == (3000, 7)
    assert list(survey.columns) == COLUMNS


def test_dtypes(survey: pd.DataFrame) -> None:
    assert survey["response_id"].dtype == np.int64
    assert pd.api.types.is_datetime64_dtype(survey["date"])
    assert survey["nps"].dtype == np.int64
    assert survey["csat"].dtype == pd.Int64Dtype()
    assert survey["ces"].dtype == pd.Int64Dtype()
    assert list(survey["region"].cat.categories) == list(REGIONS)
    assert list(survey["channel"].cat.categories) == list(CHANNELS)


def test_values_equal_the_raw_file(survey: pd.DataFrame, raw: pd.DataFrame) -> None:
    """The dtypes change the representation, never a value."""
    pd.testing.assert_series_equal(
        survey["date"].dt.strftime("%Y-%m-%d"), raw["date"], check_names=False
    )
    for column in ("region", "channel"):
        assert survey[column].astype(str).tolist() == raw[column].tolist()
    for column in ("response_id", "nps", "csat", "ces"):
        np.testing.assert_array_equal(
            survey[column].astype("float64").to_numpy(), raw[column].to_numpy()
        )


def test_ids_and_dates(survey: pd.DataFrame) -> None:
    np.testing.assert_array_equal(survey["response_id"], np.arange(1, 3001))
    assert survey["date"].is_monotonic_increasing
    assert survey["date"].min() >= pd.Timestamp("2025-01-01")
    assert survey["date"].max() <= pd.Timestamp("2025-12-31")
    per_month = survey["date"].dt.month.value_counts()
    assert sorted(per_month.index) == list(range(1, 13))
    assert per_month.min() > 150


@pytest.mark.parametrize("column", ["nps", "csat", "ces"])
def test_scores_are_whole_points_on_their_scale(
    survey: pd.DataFrame, column: str
) -> None:
    low, high = SCALES[column]
    valid = survey[column].dropna()
    assert valid.between(low, high).all()
    assert valid.min() == low
    assert valid.max() == high


def test_missing_answers_only_in_csat_and_ces(survey: pd.DataFrame) -> None:
    missing = survey.isna().sum()
    assert missing[["response_id", "date", "region", "channel", "nps"]].sum() == 0
    # A few blanks, so that reports show n_missing: about 1-2 % of answers.
    assert missing["csat"] == 49
    assert missing["ces"] == 47


def test_segments_are_all_present(survey: pd.DataFrame) -> None:
    assert set(survey["region"]) == set(REGIONS)
    assert set(survey["channel"]) == set(CHANNELS)
    assert survey["region"].value_counts().min() > 500
    assert survey["channel"].value_counts().min() > 500


def test_pinned_summary(survey: pd.DataFrame) -> None:
    """The shipped data, pinned: a change to the file must be deliberate."""
    nps_counts = survey["nps"].value_counts()
    assert nps_counts.loc[[9, 10]].sum() == 1428
    assert nps_counts.loc[list(range(7))].sum() == 713
    assert survey["csat"].isin([4, 5]).sum() == 2357
    assert survey["ces"].isin([5, 6, 7]).sum() == 2046
    assert survey["region"].value_counts().to_dict() == {
        "North": 890,
        "East": 765,
        "South": 754,
        "West": 591,
    }


def test_distributions_are_realistic(survey: pd.DataFrame) -> None:
    assert 20 <= nps_points(survey["nps"]) <= 35
    satisfied = survey["csat"].dropna().isin([4, 5]).mean()
    assert 0.75 <= satisfied <= 0.85
    assert 4.5 <= survey["ces"].astype("float64").mean() <= 5.5


def test_regions_differ_in_nps(survey: pd.DataFrame) -> None:
    """Segment analysis has something to find: best and worst region differ.

    With about 600-900 answers per region the standard error of a regional
    NPS is about 3 points, so a gap of 20 points is far beyond chance.
    """
    by_region = {
        region: nps_points(survey.loc[survey["region"] == region, "nps"])
        for region in REGIONS
    }
    assert max(by_region, key=by_region.__getitem__) == "North"
    assert min(by_region, key=by_region.__getitem__) == "West"
    assert by_region["North"] - by_region["West"] > 20


def test_every_call_returns_a_new_equal_frame() -> None:
    first = load_survey()
    pd.testing.assert_frame_equal(first, load_survey())
    original = first.loc[0, "nps"]
    first.loc[0, "nps"] = 10 - original
    assert load_survey().loc[0, "nps"] == original


def test_shipped_file_is_small() -> None:
    data = (resources.files("cxmetrics") / "data" / "survey.csv").read_bytes()
    assert len(data) < 150_000


def test_public_names() -> None:
    assert set(datasets.__all__) == {"CHANNELS", "REGIONS", "load_survey"}
