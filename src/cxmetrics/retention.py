"""Retention: churn, customer flows, cohorts, lifetime, revenue retention, CLV.

The public module of the retention family. Each part lives in a module of
its own, re-exported here:

- `cxmetrics.churn`: `churn_rate`, `annualized_churn`, `customer_flows`;
- `cxmetrics.cohorts`: `cohort_retention`;
- `cxmetrics.survival`: `survival_curve`, `logrank_test` (customer lifetime);
- `cxmetrics.revenue`: `revenue_retention`, `mrr_movements`;
- `cxmetrics.clv`: `clv`.
"""

from __future__ import annotations

from cxmetrics.churn import annualized_churn, churn_rate, customer_flows
from cxmetrics.clv import clv
from cxmetrics.cohorts import cohort_retention
from cxmetrics.revenue import mrr_movements, revenue_retention
from cxmetrics.survival import logrank_test, survival_curve

__all__ = [
    "annualized_churn",
    "churn_rate",
    "clv",
    "cohort_retention",
    "customer_flows",
    "logrank_test",
    "mrr_movements",
    "revenue_retention",
    "survival_curve",
]
