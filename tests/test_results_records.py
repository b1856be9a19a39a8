"""Tests of the records of the service, staffing and retention families.

The records are built by hand here, so what is tested is the record itself:
how it prints, ``to_dict``, ``to_frame``, the step function of a survival
curve, and equality rules for records that hold arrays.
"""

from __future__ import annotations

import math

import attrs
import numpy as np
import pandas as pd
import pytest

from cxmetrics import (
    CohortTable,
    Comparison,
    DurationResult,
    ErlangCResult,
    Interval,
    RevenueRetentionResult,
    StaffingResult,
    SurvivalCurve,
)


def _duration(**changes: object) -> DurationResult:
    fields: dict[str, object] = {
        "n": 4,
        "n_pending": 2,
        "n_missing": 1,
        "mean": 5.25,
        "median": 4.5,
        "percentiles": {50.0: 4.5, 90.0: 9.3},
        "median_ci": Interval(2.0, 10.0, 0.9, "order_statistic"),
        "unit": "h",
        "label": "Resolution time",
        "values": np.array([2.0, 4.0, 5.0, 10.0]),
    }
    fields.update(changes)
    return DurationResult(**fields)  # type: ignore[arg-type]


def test_duration_str_names_median_interval_mean_and_counts() -> None:
    assert str(_duration()) == (
        "Resolution time: median 4.5 h (90% CI 2 to 10), mean 5.25 h, n=4, "
        "2 pending, 1 missing"
    )
    bare = _duration(median_ci=None, n_pending=0, n_missing=0)
    assert str(bare) == "Resolution time: median 4.5 h, mean 5.25 h, n=4"
    empty = _duration(median=math.nan, mean=math.nan, median_ci=None, n=0)
    assert str(empty).startswith("Resolution time: median nan h, mean nan h, n=0")


def test_duration_to_dict_leaves_out_the_values_and_equality_ignores_them() -> None:
    as_dict = _duration().to_dict()
    assert "values" not in as_dict
    assert as_dict["percentiles"] == {50.0: 4.5, 90.0: 9.3}
    assert as_dict["median_ci"] == {
        "low": 2.0,
        "high": 10.0,
        "level": 0.9,
        "method": "order_statistic",
    }
    assert _duration() == _duration(values=np.array([1.0]))


def test_comparison_str_and_to_dict() -> None:
    a, b = Interval(0.0, 1.0, 0.95, "wald"), Interval(0.5, 2.0, 0.95, "wald")
    comparison = Comparison(
        difference=12.5,
        ci=Interval(3.25, 21.75, 0.95, "wald"),
        p_value=0.0081234,
        statistic=2.6463,
        method="wald",
        a=a,
        b=b,
        label="NPS",
    )
    assert str(comparison) == (
        "NPS difference 12.5 (95% CI 3.25 to 21.75, Wald), p=0.00812"
    )
    as_dict = comparison.to_dict()
    assert as_dict["a"] == a.to_dict()
    assert as_dict["ci"]["low"] == 3.25
    plain = Comparison(
        difference=1.0, ci=None, p_value=0.5, statistic=0.7, method="welch", a=1, b=2
    )
    assert str(plain) == "Difference difference 1, p=0.5"
    assert plain.to_dict()["a"] == 1
    logrank = Comparison(
        difference=math.nan,
        ci=None,
        p_value=0.0412,
        statistic=4.164,
        method="logrank",
        a=None,
        b=None,
        label="Survival",
    )
    assert str(logrank) == "Survival: log-rank statistic 4.164, p=0.0412"


def _erlang(**changes: object) -> ErlangCResult:
    fields: dict[str, object] = {
        "arrival_rate": 100.0,
        "aht": 180.0,
        "interval": 1800.0,
        "target_time": 20.0,
        "traffic": 10.0,
        "agents": 11,
        "prob_wait": 0.6821,
        "service_level": 0.3922,
        "asa": 122.8,
        "occupancy": 10 / 11,
    }
    fields.update(changes)
    return ErlangCResult(**fields)  # type: ignore[arg-type]


def test_erlang_c_str_scalar_and_array() -> None:
    assert str(_erlang()) == (
        "Erlang C: 10 Erlangs on 11 agents: P(wait) 68.2%, service level "
        "39.2% in 20 s, ASA 122.8 s, occupancy 90.9%"
    )
    many = _erlang(traffic=np.array([10.0, 20.0]), agents=np.array([11, 22]))
    assert str(many) == "Erlang C for 2 intervals (see .to_frame())"


def test_erlang_c_to_frame_broadcasts_scalar_inputs() -> None:
    many = _erlang(
        traffic=np.array([10.0, 20.0]),
        agents=np.array([11, 22]),
        arrival_rate=np.array([100.0, 200.0]),
    )
    frame = many.to_frame()
    assert list(frame.columns)[:4] == ["arrival_rate", "aht", "interval", "target_time"]
    assert frame["aht"].tolist() == [180.0, 180.0]
    assert frame["agents"].tolist() == [11, 22]
    assert len(_erlang().to_frame()) == 1


def _staffing(**changes: object) -> StaffingResult:
    fields: dict[str, object] = {
        "arrival_rate": 100.0,
        "aht": 180.0,
        "interval": 1800.0,
        "target_time": 20.0,
        "patience": None,
        "target_service_level": 0.8,
        "max_occupancy": None,
        "max_abandonment": None,
        "shrinkage": 0.3,
        "traffic": 10.0,
        "agents_on_queue": 14,
        "agents": 20,
        "prob_wait": 0.1741,
        "prob_abandon": 0.0,
        "service_level": 0.8926,
        "asa": 7.8,
        "mean_wait": 7.8,
        "occupancy": 10 / 14,
    }
    fields.update(changes)
    return StaffingResult(**fields)  # type: ignore[arg-type]


def test_staffing_str_and_frame() -> None:
    assert str(_staffing()) == (
        "Staffing: 20 agents to schedule (14 on the queue) for 10 Erlangs: "
        "service level 89.3% in 20 s, ASA 7.8 s, occupancy 71.4%, shrinkage 30%"
    )
    assert "shrinkage" not in str(_staffing(shrinkage=0.0, agents=14))
    many = _staffing(
        traffic=np.array([10.0, 2.0]),
        agents=np.array([20, 5]),
        agents_on_queue=np.array([14, 4]),
    )
    assert str(many) == (
        "Staffing for 2 intervals: 25 agent-intervals to schedule (see .to_frame())"
    )
    frame = many.to_frame()
    assert frame["agents"].tolist() == [20, 5]
    assert frame["max_occupancy"].isna().all()
    assert frame["target_service_level"].tolist() == [0.8, 0.8]


def _curve() -> SurvivalCurve:
    # Four subjects: events at 2 and 2, censored at 3, event at 5.
    # S(2) = 1 - 2/4 = 0.5; S(5) = 0.5 * (1 - 1/1) = 0.
    return SurvivalCurve(
        timeline=np.array([2.0, 3.0, 5.0]),
        survival=np.array([0.5, 0.5, 0.0]),
        ci_low=np.array([0.06, 0.06, math.nan]),
        ci_high=np.array([0.84, 0.84, math.nan]),
        at_risk=np.array([4.0, 2.0, 1.0]),
        events=np.array([2.0, 0.0, 1.0]),
        censored=np.array([0.0, 1.0, 0.0]),
        median=2.0,
        median_ci=Interval(2.0, math.inf, 0.95, "brookmeyer_crowley"),
        n=4,
        n_missing=1,
    )


def test_survival_curve_is_a_right_continuous_step_function() -> None:
    curve = _curve()
    assert curve.at(0.0) == 1.0
    assert curve.at(1.999) == 1.0
    assert curve.at(2.0) == 0.5
    assert curve.at(4.99) == 0.5
    assert curve.at(5) == 0.0
    assert isinstance(curve.at(3), float)
    assert curve.at(np.array([0, 2, 5])).tolist() == [1.0, 0.5, 0.0]


def test_survival_curve_str_and_frame() -> None:
    curve = _curve()
    assert str(curve) == (
        "Kaplan-Meier: median 2 (95% CI 2 to inf), n=4, events=3, 1 missing"
    )
    frame = curve.to_frame()
    assert list(frame.columns) == [
        "timeline",
        "at_risk",
        "events",
        "censored",
        "survival",
        "ci_low",
        "ci_high",
    ]
    assert frame["at_risk"].tolist() == [4.0, 2.0, 1.0]


def test_cohort_table_str_and_to_dict() -> None:
    cohorts = pd.period_range("2025-01", periods=2, freq="M", name="cohort")
    counts = pd.DataFrame({0: [4.0, 2.0], 1: [3.0, math.nan]}, index=cohorts)
    table = CohortTable(
        counts=counts,
        rates=counts.div(counts[0], axis=0),
        sizes=counts[0],
        kind="classic",
        freq="M",
    )
    assert str(table) == (
        "Cohort table (classic, customers, freq M): 2 cohorts x 2 periods"
    )
    as_dict = table.to_dict()
    assert as_dict["rates"] == {
        "2025-01": {0: 1.0, 1: 0.75},
        "2025-02": {0: 1.0, 1: None},
    }
    assert as_dict["sizes"] == {"2025-01": 4.0, "2025-02": 2.0}


def test_revenue_retention_str() -> None:
    # starting 1000: +150 expansion, -50 contraction, -100 churned, +200 new.
    result = RevenueRetentionResult(
        starting=1000.0,
        ending=1200.0,
        new=200.0,
        expansion=150.0,
        contraction=50.0,
        churned=100.0,
        nrr=1.0,
        grr=0.85,
        quick_ratio=350.0 / 150.0,
    )
    assert str(result) == (
        "NRR 100.0%, GRR 85.0%, quick ratio 2.33 (MRR 1,000.00 to 1,200.00)"
    )
    assert result.to_dict()["grr"] == 0.85
    assert result.n_missing == 0
    missing = attrs.evolve(result, n_missing=2)
    assert str(missing) == (
        "NRR 100.0%, GRR 85.0%, quick ratio 2.33 (MRR 1,000.00 to 1,200.00), "
        "2 missing MRR counted as 0"
    )


@pytest.mark.parametrize("record", [_curve(), _erlang(), _staffing()])
def test_array_records_compare_by_identity(record: object) -> None:
    assert record == record
    assert "<table>" in record._repr_html_()  # type: ignore[attr-defined]


def test_survival_curve_of_nan_is_nan_everywhere() -> None:
    import attrs

    curve = attrs.evolve(_curve(), survival=np.full(3, math.nan))
    assert math.isnan(curve.at(0.0))
    assert math.isnan(curve.at(9.0))
