"""cxmetrics: customer-experience metrics with honest confidence intervals.

Survey scores (NPS, CSAT, CES), service speed in business hours, Erlang C
and Erlang A staffing, shift scheduling, churn, cohorts, Kaplan-Meier
customer lifetime, revenue retention and funnels, each with a confidence
interval from the right model, with comparisons, breakdowns by segment and
trends over time.

>>> import cxmetrics as cx
>>> print(cx.nps([10, 9, 8, 6, 10, 9, 3, 7]))
NPS 25.0 (95% CI -29.4 to 65.8, adjusted Wald), n=8
"""

from typing import TYPE_CHECKING, Any

from cxmetrics._validation import InputError
from cxmetrics.business_hours import BusinessCalendar
from cxmetrics.durations import elapsed, first_response_time, resolution_time
from cxmetrics.effort import ces
from cxmetrics.journey import conversion_rate, funnel
from cxmetrics.loyalty import (
    csat,
    mean_score,
    nps,
    nps_category,
    nps_from_counts,
    top_box,
)
from cxmetrics.results import (
    CohortTable,
    Comparison,
    DurationResult,
    ErlangAResult,
    ErlangCResult,
    Interval,
    MeanResult,
    NetScoreResult,
    NPSResult,
    RateResult,
    RevenueRetentionResult,
    ShiftPlan,
    StaffingResult,
    SurvivalCurve,
)
from cxmetrics.retention import (
    annualized_churn,
    churn_rate,
    clv,
    cohort_retention,
    customer_flows,
    mrr_movements,
    revenue_retention,
)
from cxmetrics.scheduling import schedule_shifts
from cxmetrics.service import (
    abandonment_rate,
    average_handle_time,
    average_speed_of_answer,
    fcr_rate,
    reopen_rate,
    service_level,
    sla_attainment,
)
from cxmetrics.staffing import (
    erlang_a,
    erlang_b,
    erlang_c,
    estimate_patience,
    required_agents,
)
from cxmetrics.survival import logrank_test, survival_curve
from cxmetrics.totals import mean_from_sums, net_score_from_counts, rate_from_counts

if TYPE_CHECKING:
    from cxmetrics import datasets
    from cxmetrics.comparisons import adjust_pvalues, compare
    from cxmetrics.segments import by_segment, over_time

__version__ = "0.1.0.dev0"

# Loaded on first use, so that `import cxmetrics` stays quick for services
# that never compare, segment or read the sample data: name -> its module.
_LAZY = {
    "adjust_pvalues": "cxmetrics.comparisons",
    "by_segment": "cxmetrics.segments",
    "compare": "cxmetrics.comparisons",
    "datasets": "cxmetrics.datasets",
    "over_time": "cxmetrics.segments",
}


def __getattr__(name: str) -> Any:
    """Import the module behind a lazily loaded public name (PEP 562)."""
    import importlib

    if name not in _LAZY:
        raise AttributeError(f"module 'cxmetrics' has no attribute {name!r}")
    module = importlib.import_module(_LAZY[name])
    value = module if module.__name__ == f"cxmetrics.{name}" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names, the lazily loaded ones included."""
    return sorted(set(globals()) | set(_LAZY))


# Show the public name in tracebacks and in the API reference.
InputError.__module__ = "cxmetrics"

__all__ = [
    "BusinessCalendar",
    "CohortTable",
    "Comparison",
    "DurationResult",
    "ErlangAResult",
    "ErlangCResult",
    "InputError",
    "Interval",
    "MeanResult",
    "NPSResult",
    "NetScoreResult",
    "RateResult",
    "RevenueRetentionResult",
    "ShiftPlan",
    "StaffingResult",
    "SurvivalCurve",
    "__version__",
    "abandonment_rate",
    "adjust_pvalues",
    "annualized_churn",
    "average_handle_time",
    "average_speed_of_answer",
    "by_segment",
    "ces",
    "churn_rate",
    "clv",
    "cohort_retention",
    "compare",
    "conversion_rate",
    "csat",
    "customer_flows",
    "datasets",
    "elapsed",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "estimate_patience",
    "fcr_rate",
    "first_response_time",
    "funnel",
    "logrank_test",
    "mean_from_sums",
    "mean_score",
    "mrr_movements",
    "net_score_from_counts",
    "nps",
    "nps_category",
    "nps_from_counts",
    "over_time",
    "rate_from_counts",
    "reopen_rate",
    "required_agents",
    "resolution_time",
    "revenue_retention",
    "schedule_shifts",
    "service_level",
    "sla_attainment",
    "survival_curve",
    "top_box",
]
