"""cxmetrics: customer-experience metrics with honest confidence intervals.

Net Promoter Score, CSAT, Customer Effort Score and more, each with a
confidence interval from the right model, comparisons and breakdowns.

>>> import cxmetrics as cx
>>> print(cx.nps([10, 9, 8, 6, 10, 9, 3, 7]))
NPS 25.0 (95% CI -29.4 to 65.8, adjusted Wald), n=8
"""

from cxmetrics import datasets
from cxmetrics._validation import InputError
from cxmetrics.effort import ces
from cxmetrics.loyalty import (
    csat,
    mean_score,
    nps,
    nps_category,
    nps_from_counts,
    top_box,
)
from cxmetrics.results import (
    Interval,
    MeanResult,
    NetScoreResult,
    NPSResult,
    RateResult,
)

__version__ = "0.1.0.dev0"

# Show the public name in tracebacks and in the API reference.
InputError.__module__ = "cxmetrics"

__all__ = [
    "InputError",
    "Interval",
    "MeanResult",
    "NPSResult",
    "NetScoreResult",
    "RateResult",
    "__version__",
    "ces",
    "csat",
    "datasets",
    "mean_score",
    "nps",
    "nps_category",
    "nps_from_counts",
    "top_box",
]
