"""Tests for cxmetrics.plotting: the drawn artists carry the results' numbers.

Each chart is rendered with the Agg backend from real results on the sample
data. The numbers on the axes are checked against the inputs they show, and
the shares and scores against the raw survey responses counted here with
pandas.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.dates import date2num  # noqa: E402

import cxmetrics as cx  # noqa: E402
from cxmetrics import plotting  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return cx.datasets.load_survey()


@pytest.fixture(scope="module")
def by_region(survey: pd.DataFrame) -> pd.DataFrame:
    return cx.by_segment(survey, cx.nps, column="nps", by="region")


@pytest.fixture(scope="module")
def monthly(survey: pd.DataFrame) -> pd.DataFrame:
    return cx.over_time(survey, cx.nps, column="nps", time="date", freq="M")


@pytest.fixture(scope="module")
def curves() -> dict[str, cx.SurvivalCurve]:
    subs = cx.datasets.load_subscriptions()
    end = subs["end"].fillna(pd.Timestamp("2026-01-01"))
    months = (end - subs["start"]).dt.days / 30.44
    return {
        str(plan): cx.survival_curve(months[group.index], group["end"].notna())
        for plan, group in subs.groupby("plan", observed=True)
    }


@pytest.fixture(scope="module")
def cohorts() -> cx.CohortTable:
    mrr = cx.datasets.load_mrr()
    return cx.cohort_retention(mrr["customer_id"], mrr["month"], freq="Q")


def _assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert len(data) > 5_000


def _save(ax: Any, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    ax.figure.savefig(path, dpi=80)
    return path


def _draws_on_the_given_axes(draw: Any) -> Any:
    """Call ``draw(ax)`` with the right axes of a new pair; it draws there alone."""
    figure, (left, right) = plt.subplots(1, 2)
    assert draw(right) is right
    assert right.has_data()
    assert not left.has_data()
    assert plt.get_fignums() == [figure.number]
    return right


def _bars_by_category(ax: Any) -> dict[str, Any]:
    return {c.get_label(): c for c in ax.containers}


def _tick_texts(labels: Any) -> list[str]:
    return [label.get_text() for label in labels]


def _band_vertices(ax: Any) -> Any:
    (band,) = ax.collections
    return np.concatenate([p.vertices for p in band.get_paths()])


def _has_vertex(vertices: Any, x: float, y: float) -> bool:
    return bool(np.any(np.isclose(vertices[:, 0], x) & np.isclose(vertices[:, 1], y)))


# ---------------------------------------------------------------------------
# plot_nps


def test_nps_bar_widths_are_the_shares_counted_from_the_raw_scores(
    survey: pd.DataFrame, by_region: pd.DataFrame, tmp_path: Path
) -> None:
    ax = plotting.plot_nps(by_region)
    bars = _bars_by_category(ax)
    # Independent reference: shares of 0-6, 7-8 and 9-10 per region.
    grouped = survey.groupby("region", observed=True)["nps"]
    order = list(by_region["region"])
    detractor = grouped.apply(lambda s: (s <= 6).mean())[order].to_numpy()
    passive = grouped.apply(lambda s: s.between(7, 8).mean())[order].to_numpy()
    promoter = grouped.apply(lambda s: (s >= 9).mean())[order].to_numpy()
    expected = {"Detractors": detractor, "Passives": passive, "Promoters": promoter}
    lefts = {"Detractors": 0 * detractor, "Passives": detractor}
    lefts["Promoters"] = detractor + passive
    for name, shares in expected.items():
        patches = bars[name].patches
        np.testing.assert_allclose([p.get_width() for p in patches], shares)
        np.testing.assert_allclose([p.get_x() for p in patches], lefts[name])
    assert _tick_texts(ax.get_yticklabels()) == order
    # NPS = 100 * (promoter share - detractor share), one decimal.
    nps = 100 * (promoter - detractor)
    texts = [t.get_text() for t in ax.texts if t.get_text().startswith("NPS")]
    lows, highs = by_region["ci_low"], by_region["ci_high"]
    assert texts == [
        f"NPS {v:.1f} ({lo:.1f} to {hi:.1f})"
        for v, lo, hi in zip(nps, lows, highs, strict=True)
    ]
    assert texts[0] == "NPS 36.0 (30.7 to 40.9)"  # North: 100 * (485 - 165) / 890
    _assert_png(_save(ax, tmp_path, "nps.png"))


def test_nps_accepts_one_result_a_sequence_and_a_mapping(survey: pd.DataFrame) -> None:
    whole = cx.nps(survey["nps"])
    ax = plotting.plot_nps(whole)
    assert _tick_texts(ax.get_yticklabels()) == ["NPS"]
    widths = [c.patches[0].get_width() for c in ax.containers]
    scores = survey["nps"]
    reference = [
        (scores <= 6).mean(),
        scores.between(7, 8).mean(),
        (scores >= 9).mean(),
    ]
    np.testing.assert_allclose(widths, reference)

    email = cx.nps(survey.loc[survey["channel"] == "email", "nps"])
    phone = cx.nps(survey.loc[survey["channel"] == "phone", "nps"], ci=None)
    ax = plotting.plot_nps([email, phone])
    assert _tick_texts(ax.get_yticklabels()) == ["1", "2"]
    ax = plotting.plot_nps([email, phone], labels=["email", "phone"])
    assert _tick_texts(ax.get_yticklabels()) == ["email", "phone"]
    texts = [t.get_text() for t in ax.texts if t.get_text().startswith("NPS")]
    assert texts[1] == f"NPS {phone.value:.1f}"  # no interval asked, none shown
    ax = plotting.plot_nps({"email": email, "phone": phone})
    assert _tick_texts(ax.get_yticklabels()) == ["email", "phone"]


def test_nps_over_time_labels_periods_and_leaves_empty_periods_empty(
    survey: pd.DataFrame,
) -> None:
    without_may = survey[survey["date"].dt.month != 5]
    frame = cx.over_time(without_may, cx.nps, column="nps", time="date", freq="M")
    ax = plotting.plot_nps(frame)
    assert _tick_texts(ax.get_yticklabels())[:5] == [
        "2025-01",
        "2025-02",
        "2025-03",
        "2025-04",
        "2025-05",
    ]
    may = [c.patches[4].get_width() for c in ax.containers]
    assert may == [0.0, 0.0, 0.0]
    texts = [
        t.get_text() for t in ax.texts if "NPS" in t.get_text() or "no " in t.get_text()
    ]
    assert texts[4] == "no responses"
    assert len(texts) == 12


def test_nps_joins_several_segment_keys(survey: pd.DataFrame) -> None:
    frame = cx.by_segment(survey, cx.nps, column="nps", by=["region", "channel"])
    ax = plotting.plot_nps(frame)
    expected = [
        f"{r} / {c}" for r, c in zip(frame["region"], frame["channel"], strict=True)
    ]
    assert _tick_texts(ax.get_yticklabels()) == expected


# ---------------------------------------------------------------------------
# plot_survival


def test_survival_step_line_of_a_hand_worked_curve() -> None:
    # Kaplan-Meier by hand, times 2, 3, 3+, 5, 8+, 9 (+ censored):
    # t=2: 6 at risk, 1 event -> 5/6; t=3: 5 at risk, 1 event -> 5/6 * 4/5 = 2/3;
    # t=5: 3 at risk, 1 event -> 2/3 * 2/3 = 4/9; t=8: censored, stays 4/9;
    # t=9: 1 at risk, 1 event -> 0.
    curve = cx.survival_curve([2, 3, 3, 5, 8, 9], [1, 1, 0, 1, 0, 1])
    ax = plotting.plot_survival(curve)
    line, ticks = ax.lines
    np.testing.assert_allclose(line.get_xdata(), [0, 2, 3, 5, 8, 9])
    np.testing.assert_allclose(line.get_ydata(), [1, 5 / 6, 2 / 3, 4 / 9, 4 / 9, 0])
    assert line.get_drawstyle() == "steps-post"
    # Censor ticks at 3 (S = 2/3) and 8 (S = 4/9).
    np.testing.assert_allclose(ticks.get_xdata(), [3, 8])
    np.testing.assert_allclose(ticks.get_ydata(), [2 / 3, 4 / 9])
    assert ticks.get_marker() == "|"
    assert ax.get_legend() is None


def test_survival_curves_band_and_ticks_carry_the_curves_numbers(
    curves: dict[str, cx.SurvivalCurve], tmp_path: Path
) -> None:
    ax = plotting.plot_survival(curves)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(curves)
    steps, ticks = ax.lines[0::2], ax.lines[1::2]
    for index, curve in enumerate(curves.values()):
        np.testing.assert_allclose(steps[index].get_xdata(), [0, *curve.timeline])
        np.testing.assert_allclose(steps[index].get_ydata(), [1, *curve.survival])
        censored = curve.censored > 0
        np.testing.assert_allclose(ticks[index].get_xdata(), curve.timeline[censored])
        np.testing.assert_allclose(ticks[index].get_ydata(), curve.survival[censored])
        assert ticks[index].get_color() == steps[index].get_color()
        band = ax.collections[index]
        vertices = np.concatenate([p.vertices for p in band.get_paths()])
        assert _has_vertex(vertices, 0.0, 1.0)
        for i in np.flatnonzero(np.isfinite(curve.ci_low))[::25]:
            assert _has_vertex(vertices, curve.timeline[i], curve.ci_low[i])
            assert _has_vertex(vertices, curve.timeline[i], curve.ci_high[i])
    _assert_png(_save(ax, tmp_path, "survival.png"))


def test_survival_labels_name_a_sequence(curves: dict[str, cx.SurvivalCurve]) -> None:
    ax = plotting.plot_survival(list(curves.values()), labels=["b", "p", "e"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["b", "p", "e"]


# ---------------------------------------------------------------------------
# plot_cohorts


def test_cohort_heatmap_is_the_rates_with_nan_masked(
    cohorts: cx.CohortTable, tmp_path: Path
) -> None:
    ax = plotting.plot_cohorts(cohorts)
    image = ax.images[0].get_array()
    rates = cohorts.rates.to_numpy(dtype=float)
    np.testing.assert_array_equal(np.ma.getmaskarray(image), np.isnan(rates))
    np.testing.assert_allclose(image.compressed(), rates[~np.isnan(rates)])
    # 12 quarterly cohorts: the k-th has 12 - k observable offsets.
    assert int((~np.isnan(rates)).sum()) == sum(12 - k for k in range(12))
    texts = [t.get_text() for t in ax.texts]
    assert texts == [f"{v:.0%}" for v in rates[~np.isnan(rates)]]
    assert _tick_texts(ax.get_yticklabels())[0] == "2023Q1"
    assert _tick_texts(ax.get_xticklabels()) == [str(k) for k in range(12)]
    assert ax.images[0].get_clim() == (0.0, 1.0)
    _assert_png(_save(ax, tmp_path, "cohorts.png"))


def test_cohort_heatmap_scales_to_revenue_above_one_and_skips_text_when_big() -> None:
    mrr = cx.datasets.load_mrr()
    revenue = cx.cohort_retention(
        mrr["customer_id"], mrr["month"], freq="Q", values=mrr["mrr"]
    )
    ax = plotting.plot_cohorts(revenue)
    top = float(np.nanmax(revenue.rates.to_numpy(dtype=float)))
    assert top > 1
    assert ax.images[0].get_clim() == (0.0, top)
    assert ax.figure.axes[1].get_ylabel() == "Revenue retained"
    monthly = cx.cohort_retention(mrr["customer_id"], mrr["month"], freq="M")
    assert monthly.rates.size > 400
    ax = plotting.plot_cohorts(monthly)
    assert len(ax.texts) == 0


# ---------------------------------------------------------------------------
# plot_segments


def test_segments_intervals_markers_and_overall_line(
    survey: pd.DataFrame, by_region: pd.DataFrame, tmp_path: Path
) -> None:
    overall = cx.nps(survey["nps"])
    ax = plotting.plot_segments(by_region, overall=overall)
    (intervals,) = ax.collections
    segments = intervals.get_segments()
    for y, (segment, low, high) in enumerate(
        zip(segments, by_region["ci_low"], by_region["ci_high"], strict=True)
    ):
        np.testing.assert_allclose(segment, [[low, y], [high, y]])
    significant = by_region["significant"].to_numpy(dtype=bool)
    filled, hollow, line = ax.lines
    np.testing.assert_allclose(filled.get_xdata(), by_region["value"][significant])
    np.testing.assert_allclose(hollow.get_xdata(), by_region["value"][~significant])
    np.testing.assert_allclose(filled.get_ydata(), np.flatnonzero(significant))
    assert filled.get_markerfacecolor() == filled.get_markeredgecolor()
    assert hollow.get_markerfacecolor() == "white"
    # Overall NPS from the raw scores: 100 * (share 9-10 - share 0-6).
    scores = survey["nps"]
    reference = 100 * ((scores >= 9).mean() - (scores <= 6).mean())
    np.testing.assert_allclose(line.get_xdata(), [reference, reference])
    assert _tick_texts(ax.get_yticklabels()) == [
        f"{r} (n={n:,})"
        for r, n in zip(by_region["region"], by_region["n"], strict=True)
    ]
    assert ax.get_xlabel() == "NPS (points)"
    _assert_png(_save(ax, tmp_path, "segments.png"))


def test_segments_without_significance_or_overall(survey: pd.DataFrame) -> None:
    frame = cx.by_segment(survey, cx.csat, column="csat", by="channel")
    plain = frame[["channel", "value", "ci_low", "ci_high"]]
    ax = plotting.plot_segments(plain, overall=0.5)
    (markers, line) = ax.lines
    np.testing.assert_allclose(markers.get_xdata(), plain["value"])
    np.testing.assert_allclose(line.get_xdata(), [0.5, 0.5])
    assert ax.get_xlabel() == "Value"
    ax = plotting.plot_segments(plain.set_index("channel"))
    assert _tick_texts(ax.get_yticklabels()) == list(plain["channel"])
    assert ax.get_legend() is None


# ---------------------------------------------------------------------------
# plot_trend


def test_trend_line_and_band_follow_the_periods_with_gaps(
    survey: pd.DataFrame, tmp_path: Path
) -> None:
    without_may = survey[survey["date"].dt.month != 5]
    frame = cx.over_time(without_may, cx.nps, column="nps", time="date", freq="M")
    ax = plotting.plot_trend(frame)
    (line,) = ax.lines
    starts = pd.date_range("2025-01-01", periods=12, freq="MS")
    np.testing.assert_array_equal(pd.DatetimeIndex(line.get_xdata()), starts)
    np.testing.assert_allclose(line.get_ydata(), frame["value"])
    assert np.isnan(line.get_ydata()[4])  # May: no responses, a gap
    vertices = _band_vertices(ax)
    x = date2num(starts)
    for i in [0, 3, 5, 11]:
        assert _has_vertex(vertices, x[i], frame["ci_low"].iloc[i])
        assert _has_vertex(vertices, x[i], frame["ci_high"].iloc[i])
    assert not np.any(np.isclose(vertices[:, 0], x[4]))
    # January by hand from the raw scores.
    january = survey.loc[survey["date"].dt.month == 1, "nps"]
    reference = 100 * ((january >= 9).mean() - (january <= 6).mean())
    assert line.get_ydata()[0] == pytest.approx(reference)
    _assert_png(_save(ax, tmp_path, "trend.png"))


def test_trend_accepts_a_datetime_index(monthly: pd.DataFrame) -> None:
    frame = monthly.set_axis(monthly.index.to_timestamp())
    ax = plotting.plot_trend(frame)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), monthly["value"])


# ---------------------------------------------------------------------------
# Shared behaviour


def test_every_plot_draws_on_the_given_axes(
    by_region: pd.DataFrame,
    monthly: pd.DataFrame,
    curves: dict[str, cx.SurvivalCurve],
    cohorts: cx.CohortTable,
) -> None:
    calls = [
        lambda ax: plotting.plot_nps(by_region, ax=ax),
        lambda ax: plotting.plot_survival(curves, ax=ax),
        lambda ax: plotting.plot_cohorts(cohorts, ax=ax),
        lambda ax: plotting.plot_segments(by_region, ax=ax),
        lambda ax: plotting.plot_trend(monthly, ax=ax),
    ]
    for call in calls:
        plt.close(_draws_on_the_given_axes(call).figure)


def test_missing_matplotlib_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, by_region: pd.DataFrame
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "cxmetrics\[plot\]"'):
        plotting.plot_segments(by_region)


def test_importing_cxmetrics_and_plotting_does_not_import_matplotlib() -> None:
    code = (
        "import sys, cxmetrics, cxmetrics.plotting; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda d: plotting.plot_nps(d["frame"].drop(columns=["passives"])),
            "plot_nps: frame lacks the column(s) 'passives'",
        ),
        (
            lambda d: plotting.plot_nps(d["frame"].iloc[:0]),
            "plot_nps: frame is empty",
        ),
        (
            lambda d: plotting.plot_nps(42),
            "plot_nps: expected one NPSResult, or a sequence or mapping of them, "
            "got int",
        ),
        (
            lambda d: plotting.plot_nps([d["nps"], d["curve"]]),
            "plot_nps: 1 of 2 items are not NPSResult (SurvivalCurve)",
        ),
        (lambda d: plotting.plot_nps([]), "plot_nps: no NPSResult to plot"),
        (
            lambda d: plotting.plot_nps(d["nps"], labels=["a", "b"]),
            "plot_nps: 2 labels given for 1 items",
        ),
        (
            lambda d: plotting.plot_nps(d["nps"], labels="a"),
            "plot_nps: labels must be a sequence of names, got str",
        ),
        (
            lambda d: plotting.plot_survival(d["nps"]),
            "plot_survival: expected one SurvivalCurve, or a sequence or mapping "
            "of them, got NPSResult",
        ),
        (
            lambda d: plotting.plot_survival({"a": d["curve"], "b": 1.5}),
            "plot_survival: 1 of 2 items are not SurvivalCurve (float)",
        ),
        (
            lambda d: plotting.plot_cohorts(d["frame"]),
            "plot_cohorts: expected a CohortTable, got DataFrame",
        ),
        (
            lambda d: plotting.plot_cohorts(d["empty_cohorts"]),
            "plot_cohorts: the cohort table is empty",
        ),
        (
            lambda d: plotting.plot_segments(d["frame"].values),
            "plot_segments: frame must be a pandas DataFrame, got ndarray",
        ),
        (
            lambda d: plotting.plot_segments(d["frame"][["region", "n"]]),
            "plot_segments: frame lacks the column(s) 'value', 'ci_low', 'ci_high'",
        ),
        (
            lambda d: plotting.plot_segments(d["frame"], overall="high"),
            "plot_segments: overall must be a number or a result with a value, got str",
        ),
        (
            lambda d: plotting.plot_trend(d["frame"]),
            "plot_trend: frame must be indexed by period (made by cx.over_time), "
            "got RangeIndex",
        ),
        (
            lambda d: plotting.plot_trend(pd.DataFrame()),
            "plot_trend: frame is empty",
        ),
    ],
)
def test_bad_input_names_the_function(
    call: Any,
    message: str,
    by_region: pd.DataFrame,
    survey: pd.DataFrame,
    cohorts: cx.CohortTable,
) -> None:
    data = {
        "frame": by_region,
        "nps": cx.nps(survey["nps"]),
        "curve": cx.survival_curve([1, 2, 3]),
        "empty_cohorts": cx.CohortTable(
            counts=cohorts.counts.iloc[:0],
            rates=cohorts.rates.iloc[:0],
            sizes=cohorts.sizes.iloc[:0],
            kind="classic",
            freq="Q",
        ),
    }
    with pytest.raises(cx.InputError, match=f"^{_escape(message)}$"):
        call(data)


def _escape(text: str) -> str:
    import re

    return re.escape(text)


# ---------------------------------------------------------------------------
# Customer value


@pytest.fixture(scope="module")
def value_fit() -> tuple[Any, pd.DataFrame]:
    log = cx.datasets.load_transactions()
    rfm = cx.rfm_summary(log["customer_id"], log["date"], calibration_end="2025-09-30")
    return cx.fit_bgnbd(rfm["frequency"], rfm["recency"], rfm["T"]), rfm


def test_plot_holdout_draws_the_table(value_fit):
    model, rfm = value_fit
    table = cx.holdout_check(model, rfm, max_frequency=5)
    ax = plotting.plot_holdout(table)
    actual, predicted = ax.lines[:2]
    np.testing.assert_allclose(actual.get_ydata(), table["actual"])
    np.testing.assert_allclose(predicted.get_ydata(), table["predicted"])
    assert [t.get_text() for t in ax.get_xticklabels()] == list(table.index)
    with pytest.raises(cx.InputError, match="lacks the column"):
        plotting.plot_holdout(table.drop(columns="actual"))


def test_plot_p_alive_cells_are_the_model_s(value_fit):
    model, _ = value_fit
    ax = plotting.plot_p_alive(model, 38.0, max_frequency=4, steps=4)
    cells = ax.images[0].get_array()
    assert cells.shape == (5, 5)
    assert cells.mask[0, 1:].all()
    assert cells.mask[1:, 0].all()
    assert cells[0, 0] == 1.0
    assert cells[3, 2] == pytest.approx(model.p_alive(3, 19.0, 38.0))
    for age in (0, np.inf, np.timedelta64(38, "D"), True):
        with pytest.raises(cx.InputError, match="T must be a positive number"):
            plotting.plot_p_alive(model, age)
    with pytest.raises(cx.InputError, match="T is too large for floating point"):
        plotting.plot_p_alive(model, 10**400)
    with pytest.raises(cx.InputError, match="model must be"):
        plotting.plot_p_alive("model", 10.0)


# Shift plans


def test_shift_plan_draws_requirement_coverage_and_the_gaps(tmp_path: Path) -> None:
    plan = cx.schedule_shifts(
        [[2, 3, 4, 4, 3, 1], [1, 2, 2, 3, 3, 2]],
        {"early": [1, 1, 1, 0, 0, 0], "late": [0, 0, 0, 1, 1, 1]},
        objective="match",
    )
    ax = plotting.plot_shift_plan(plan)
    required, coverage = ax.lines[0], ax.lines[1]
    # Steps over the 12 periods, the last value repeated to close the step.
    np.testing.assert_array_equal(
        required.get_ydata(), [*plan.requirements.reshape(-1), 2]
    )
    np.testing.assert_array_equal(coverage.get_ydata()[:-1], plan.coverage.reshape(-1))
    assert required.get_drawstyle() == "steps-post"
    # One dotted line between the two days.
    boundaries = [line for line in ax.lines if line.get_linestyle() == ":"]
    assert [line.get_xdata()[0] for line in boundaries] == [6]
    labels = ax.get_legend_handles_labels()[1]
    assert labels[:2] == ["required", "on duty"]
    _assert_png(_save(ax, tmp_path, "plan.png"))


def test_shift_plan_on_given_axes_and_bad_input() -> None:
    plan = cx.schedule_shifts([1, 2, 1], {"s": [1, 1, 1]})
    _draws_on_the_given_axes(lambda ax: plotting.plot_shift_plan(plan, ax=ax))
    with pytest.raises(cx.InputError, match=r"^plot_shift_plan: expected a ShiftPlan"):
        plotting.plot_shift_plan(plan.to_frame())


def test_a_time_span_is_not_an_overall_value(by_region: pd.DataFrame) -> None:
    with pytest.raises(cx.InputError, match="overall must be a number"):
        plotting.plot_segments(by_region, overall=np.timedelta64(5, "s"))


# ---------------------------------------------------------------------------
# Monitoring


@pytest.fixture(scope="module")
def weekly() -> pd.DataFrame:
    return cx.datasets.load_weekly_survey()


def chart(weekly: pd.DataFrame, kind: str, **options: Any) -> pd.DataFrame:
    return cx.control_chart(
        weekly, cx.nps, column="nps", time="date", chart=kind, baseline=26, **options
    )


def _line(ax: Any, label: str) -> Any:
    return next(line for line in ax.lines if line.get_label() == label)


def test_control_chart_draws_values_limits_and_signals(weekly: pd.DataFrame) -> None:
    table = chart(weekly, "shewhart", rules="western_electric")
    ax = plotting.plot_control_chart(table)
    starts = date2num(table.index.to_timestamp(how="start"))
    np.testing.assert_allclose(_line(ax, "value").get_ydata(), table["value"])
    np.testing.assert_allclose(date2num(_line(ax, "value").get_xdata()), starts)
    np.testing.assert_allclose(_line(ax, "limits").get_ydata(), table["upper"])
    assert _line(ax, "limits").get_drawstyle() == "steps-mid"
    marked = _line(ax, "signal")
    np.testing.assert_allclose(marked.get_ydata(), table.loc[table["signal"], "value"])
    assert len(marked.get_xdata()) == int(table["signal"].sum()) > 0
    assert ax.get_title() == "Shewhart chart"
    assert ax.get_ylabel() == "NPS (points)"


def test_ewma_chart_draws_the_ewma(weekly: pd.DataFrame) -> None:
    table = chart(weekly, "ewma")
    ax = plotting.plot_control_chart(table)
    np.testing.assert_allclose(_line(ax, "ewma").get_ydata(), table["ewma"])
    np.testing.assert_allclose(
        _line(ax, "signal").get_ydata(), table.loc[table["signal"], "ewma"]
    )


def test_cusum_chart_draws_both_sums_and_h(weekly: pd.DataFrame) -> None:
    table = chart(weekly, "cusum", h=4.0)
    ax = plotting.plot_control_chart(table)
    np.testing.assert_allclose(_line(ax, "upper sum").get_ydata(), table["cusum_upper"])
    np.testing.assert_allclose(
        _line(ax, "lower sum (negated)").get_ydata(), -table["cusum_lower"]
    )
    levels = sorted(
        line.get_ydata()[0] for line in ax.lines if line.get_linestyle() == "--"
    )
    assert levels == [-4.0, 4.0]
    # The shift is downwards: the signals are on the lower sum.
    np.testing.assert_allclose(
        _line(ax, "signal").get_ydata(), -table.loc[table["signal"], "cusum_lower"]
    )
    assert ax.get_ylabel() == "CUSUM (standard errors)"


def test_funnel_draws_the_funnel_and_names_the_outliers(weekly: pd.DataFrame) -> None:
    table = cx.funnel_plot(weekly, cx.csat, column="csat", by="agent", sigma=2)
    ax = plotting.plot_funnel(table)
    upper = _line(ax, "2 sigma limits")
    sizes = upper.get_xdata()
    center, sd = table.attrs["center"], table.attrs["sd"]
    np.testing.assert_allclose(upper.get_ydata(), center + 2 * sd / np.sqrt(sizes))
    assert sizes[0] == pytest.approx(table["effective_n"].min())
    assert sizes[-1] == pytest.approx(table["effective_n"].max())
    outside = table.loc[table["signal"]]
    np.testing.assert_allclose(_line(ax, "outside").get_ydata(), outside["value"])
    assert sorted(t.get_text() for t in ax.texts) == sorted(outside["agent"])
    assert ax.get_xscale() == "log"
    assert ax.get_ylabel() == "CSAT"


def test_monitoring_plots_draw_on_the_given_axes(weekly: pd.DataFrame) -> None:
    laney = chart(weekly, "laney")
    funnel = cx.funnel_plot(weekly, cx.nps, column="nps", by="agent")
    calls = [
        lambda ax: plotting.plot_control_chart(laney, ax=ax),
        lambda ax: plotting.plot_funnel(funnel, ax=ax),
    ]
    for call in calls:
        plt.close(_draws_on_the_given_axes(call).figure)


def test_monitoring_plots_bad_input(weekly: pd.DataFrame) -> None:
    table = chart(weekly, "shewhart")
    with pytest.raises(
        cx.InputError,
        match=_escape("plot_control_chart: frame lacks the column(s) 'signal'"),
    ):
        plotting.plot_control_chart(table.drop(columns=["signal"]))
    with pytest.raises(
        cx.InputError,
        match=_escape(
            "plot_control_chart: frame must be indexed by period (made by "
            "cx.control_chart), got RangeIndex"
        ),
    ):
        plotting.plot_control_chart(table.reset_index(drop=True))
    funnel = cx.funnel_plot(weekly, cx.nps, column="nps", by="agent")
    bare = pd.DataFrame(funnel)
    bare.attrs = {}
    with pytest.raises(
        cx.InputError,
        match=_escape(
            "plot_funnel: frame.attrs lacks center, sd, sigma; make the frame with "
            "cx.funnel_plot"
        ),
    ):
        plotting.plot_funnel(bare)
    dated = table.set_index(table.index.to_timestamp())
    assert plotting.plot_control_chart(dated).has_data()


# ---------------------------------------------------------------------------
# Key drivers


@pytest.fixture(scope="module")
def drivers(survey: pd.DataFrame) -> pd.DataFrame:
    return cx.key_drivers(
        survey, "nps", list(cx.datasets.SURVEY_DRIVERS), n_resamples=50, rng=3
    )


def test_driver_bars_are_the_importances_most_important_first(
    drivers: pd.DataFrame,
) -> None:
    # Shuffle the table: the chart orders by importance itself.
    shuffled = drivers.iloc[[3, 0, 4, 1, 2]].copy()
    shuffled.attrs = dict(drivers.attrs)
    ax = plotting.plot_drivers(shuffled)
    bars = ax.patches
    expected = drivers.sort_values("importance", ascending=False)
    np.testing.assert_allclose(
        [bar.get_width() for bar in bars], expected["importance"]
    )
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == list(expected["driver"])
    shares = [t.get_text() for t in ax.texts]
    assert shares == [f"{100 * s:.0f}%" for s in expected["share"]]
    # The error bars span each bootstrap interval.
    segments = ax.collections[0].get_segments()
    np.testing.assert_allclose(
        [[seg[0][0], seg[1][0]] for seg in segments],
        expected[["ci_low", "ci_high"]].to_numpy(),
    )
    assert ax.get_title(loc="left").startswith("Key drivers (Shapley): R² = ")


def test_driver_chart_without_attrs_on_given_axes_and_bad_input(
    drivers: pd.DataFrame,
) -> None:
    bare = pd.DataFrame(drivers)  # same columns
    bare.attrs = {}
    right = _draws_on_the_given_axes(lambda ax: plotting.plot_drivers(bare, ax=ax))
    assert right.get_title(loc="left") == "Key drivers"
    with pytest.raises(cx.InputError, match="plot_drivers: frame lacks the column"):
        plotting.plot_drivers(drivers.drop(columns=["share"]))
    with pytest.raises(cx.InputError, match="plot_drivers: frame is empty"):
        plotting.plot_drivers(drivers.iloc[:0])
