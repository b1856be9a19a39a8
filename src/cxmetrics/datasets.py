"""Deterministic sample data shipped with the package.

The data sets are small CSV files in ``cxmetrics/data``, generated once from a
fixed seed (``scripts/make_sample_data.py``) and read here with explicit
dtypes. Loading is pure: every call reads the file again and returns a new
DataFrame, identical from call to call and from machine to machine.
"""

from __future__ import annotations

from importlib import resources
from typing import TypeAlias

import pandas as pd

__all__ = ["CHANNELS", "REGIONS", "load_survey"]

#: Regions of the sample survey, in the order of the ``region`` categories.
REGIONS = ("North", "South", "East", "West")
#: Contact channels of the sample survey, in the order of the ``channel`` categories.
CHANNELS = ("email", "phone", "chat", "web")

_DtypeMap: TypeAlias = dict[str, str | pd.CategoricalDtype]

_SURVEY_DTYPES: _DtypeMap = {
    "response_id": "int64",
    "region": pd.CategoricalDtype(list(REGIONS)),
    "channel": pd.CategoricalDtype(list(CHANNELS)),
    "nps": "int64",
    "csat": "Int64",
    "ces": "Int64",
}


def _read_csv(name: str, dtypes: _DtypeMap, dates: list[str]) -> pd.DataFrame:
    """Read ``cxmetrics/data/<name>`` with the given dtypes and ISO date columns."""
    resource = resources.files("cxmetrics") / "data" / name
    with resource.open("rb") as handle:
        return pd.read_csv(
            handle,
            dtype=dtypes,
            parse_dates=dates,
            date_format="ISO8601",
        )


def load_survey() -> pd.DataFrame:
    """A sample customer survey: 3,000 responses over the twelve months of 2025.

    Each response answers the three classic questions: likelihood to
    recommend (NPS), satisfaction (CSAT) and effort (CES). The regions differ
    in loyalty and the channels in effort, so breakdowns by segment and over
    time have something to find; a few CSAT and CES answers are blank.

    Returns
    -------
    pandas.DataFrame
        One row per response, sorted by date, with the columns

        ``response_id`` : int64
            1 to 3,000.
        ``date`` : datetime64
            Day of the response (naive, at midnight), 2025-01-01 to 2025-12-31.
        ``region`` : category
            ``'North'``, ``'South'``, ``'East'`` or ``'West'`` (see `REGIONS`).
        ``channel`` : category
            ``'email'``, ``'phone'``, ``'chat'`` or ``'web'`` (see `CHANNELS`).
        ``nps`` : int64
            Likelihood to recommend, 0 to 10; never missing.
        ``csat`` : Int64
            Satisfaction, 1 to 5; ``<NA>`` where the question was skipped.
        ``ces`` : Int64
            Ease, 1 to 7 (7 = very easy); ``<NA>`` where skipped.

    Notes
    -----
    ``csat`` and ``ces`` use pandas' nullable integer dtype, so the scores
    stay whole numbers and a skipped answer is ``<NA>`` rather than a float
    NaN. Every cxmetrics function accepts these columns as they are and
    reports the blanks as ``n_missing``; use ``.astype("float64")`` for a
    plain float column with NaN.

    ``region`` and ``channel`` are categoricals with a fixed order of
    categories; group them with ``observed=True``.

    The answers come from an ordered-probit model of one latent
    satisfaction per response, shifted by region, channel and a slow trend
    over the year (``scripts/make_sample_data.py`` in the source tree).

    Examples
    --------
    >>> import cxmetrics as cx
    >>> from cxmetrics.datasets import load_survey
    >>> survey = load_survey()
    >>> survey.shape
    (3000, 7)
    >>> list(survey.columns)
    ['response_id', 'date', 'region', 'channel', 'nps', 'csat', 'ces']
    >>> print(cx.nps(survey["nps"]))
    NPS 23.8 (95% CI 20.9 to 26.7, adjusted Wald), n=3,000
    >>> survey.groupby("region", observed=True)["nps"].size()
    region
    North    890
    South    754
    East     765
    West     591
    Name: nps, dtype: int64
    """
    return _read_csv("survey.csv", _SURVEY_DTYPES, ["date"])
