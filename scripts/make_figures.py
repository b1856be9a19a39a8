"""Write the figures shown in the README and the documentation.

    python scripts/make_figures.py

They are drawn from the bundled sample data with `cxmetrics.plotting` (the
``plot`` extra) and committed under ``docs/images``; run the script again
after a change to the charts or to the data.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

import cxmetrics as cx
from cxmetrics import plotting

OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "images"


def _save(name: str, draw: Callable[[Any], object], height: float = 3.2) -> None:
    figure = Figure(figsize=(7, height), layout="constrained")
    draw(figure.add_subplot())
    figure.savefig(OUTPUT / f"{name}.png", dpi=100)


def main() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    survey = cx.datasets.load_survey()
    regions = cx.by_segment(survey, cx.nps, column="nps", by="region")
    overall = cx.nps(survey["nps"])
    _save(
        "nps-by-region",
        lambda ax: plotting.plot_segments(regions, overall=overall, ax=ax),
    )
    months = cx.over_time(survey, cx.nps, column="nps", time="date", freq="M")
    _save("nps-by-month", lambda ax: plotting.plot_trend(months, ax=ax))
    drivers = cx.key_drivers(survey, "nps", list(cx.datasets.SURVEY_DRIVERS), rng=7)
    _save("key-drivers", lambda ax: plotting.plot_drivers(drivers, ax=ax))

    subscriptions = cx.datasets.load_subscriptions()
    end = subscriptions["end"].fillna(pd.Timestamp("2026-01-01"))
    lifetime = (end - subscriptions["start"]).dt.days / (365.25 / 12)
    churned = subscriptions["end"].notna()
    curves = {
        str(plan): cx.survival_curve(lifetime[chosen], churned[chosen])
        for plan, chosen in subscriptions.groupby("plan", observed=True).groups.items()
    }
    _save(
        "lifetime-by-plan",
        lambda ax: plotting.plot_survival(
            list(curves.values()), labels=list(curves), ax=ax
        ),
        height=3.8,
    )

    mrr = cx.datasets.load_mrr()
    paying = mrr[mrr["mrr"] > 0]
    cohorts = cx.cohort_retention(paying["customer_id"], paying["month"], freq="Q")
    _save("cohorts", lambda ax: plotting.plot_cohorts(cohorts, ax=ax), height=4.2)

    weekly = cx.datasets.load_weekly_survey()
    ewma = cx.control_chart(
        weekly, cx.nps, column="nps", time="date", chart="ewma", baseline=26
    )
    _save(
        "monitoring-ewma",
        lambda ax: plotting.plot_control_chart(ewma, ax=ax),
        height=3.6,
    )
    funnel = cx.funnel_plot(weekly, cx.nps, column="nps", by="agent")
    _save("monitoring-funnel", lambda ax: plotting.plot_funnel(funnel, ax=ax), 4.2)


if __name__ == "__main__":
    main()
