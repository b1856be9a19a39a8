"""``cxmetrics survey``: one survey metric overall, by segment and over time.

The builders take a DataFrame whose columns are already read; `build` reads
the user's file and runs them, and the demo runs them on the bundled survey.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import pandas as pd

import cxmetrics as cx
from cxmetrics import InputError, plotting
from cxmetrics.cli.blocks import (
    Layout,
    chart_table,
    check_segment_keys,
    count_cell,
    file_report,
    metric_row,
    segment_table,
    trend_table,
)
from cxmetrics.cli.inputs import (
    parse_scale,
    read_dates,
    read_table,
    save_chart,
    source_note,
)
from cxmetrics.cli.report import Block, Report, Row, Section, Table, Unit
from cxmetrics.monitoring import CHARTS

__all__ = [
    "CES_METHODS",
    "CHARTS",
    "METRICS",
    "SurveyMetric",
    "build",
    "nps_scale_warning",
    "overall_rows",
    "survey_chart",
    "survey_segments",
    "survey_trend",
]

#: ``--metric`` choices and the library function behind each.
METRICS: dict[str, Callable[..., Any]] = {
    "nps": cx.nps,
    "csat": cx.csat,
    "ces": cx.ces,
    "top_box": cx.top_box,
    "mean": cx.mean_score,
}

#: ``--method`` choices of ``--metric ces``, as `cx.ces` names them.
CES_METHODS = ("mean", "percent_easy", "net_easy")

_DEFAULT_SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


def _span(low: int, high: int) -> str:
    return f"{low}-{high}" if low >= 0 else f"{low} to {high}"


@attrs.frozen(kw_only=True)
class SurveyMetric:
    """A survey metric as the command computes it: the function and its options.

    Attributes
    ----------
    name : {'nps', 'csat', 'ces', 'top_box', 'mean'}
        The ``--metric``.
    scale : tuple of int or None
        The answer scale; None for the metric's default.
    method : {'mean', 'percent_easy', 'net_easy'} or None
        The CES variant (``--metric ces`` only); None for the mean.
    weights : str or None
        The column of survey weights, if any.
    confidence : float
        Confidence level of the intervals.
    """

    name: str = "nps"
    scale: tuple[int, int] | None = None
    method: str | None = None
    weights: str | None = None
    confidence: float = 0.95

    @property
    def function(self) -> Callable[..., Any]:
        """The library function."""
        return METRICS[self.name]

    @property
    def options(self) -> dict[str, Any]:
        """Its keyword options, besides ``confidence`` and ``weights``."""
        options: dict[str, Any] = {}
        if self.scale is not None:
            options["scale"] = self.scale
        if self.method is not None:
            options["method"] = self.method
        return options

    @property
    def variant(self) -> str:
        """The metric and, for CES, its method: ``'ces_easy'``, ``'csat'``, ..."""
        if self.name != "ces":
            return self.name
        method = self.method or "mean"
        return {"mean": "ces_mean", "percent_easy": "ces_easy"}.get(method, method)

    @property
    def title(self) -> str:
        """Its short name, for table titles: ``'CSAT'``."""
        return {
            "nps": "NPS",
            "csat": "CSAT",
            "ces_mean": "CES mean",
            "ces_easy": "CES easy",
            "net_easy": "Net Easy",
            "top_box": "Top box",
            "mean": "Mean score",
        }[self.variant]

    @property
    def unit(self) -> Unit:
        """How its value reads."""
        units: dict[str, Unit] = {
            "nps": "points",
            "net_easy": "points",
            "ces_mean": "score",
            "mean": "score",
        }
        return units.get(self.variant, "share")

    @property
    def label(self) -> str:
        """Its name with the points it counts: ``'CSAT (4-5 of 1-5)'``.

        The points are the library's defaults: satisfied is the top two
        points, top box the top one, easy and difficult the points above and
        below the midpoint of the scale.
        """
        if self.name == "nps":
            return "NPS"
        low, high = self.scale or _DEFAULT_SCALES[self.name]
        scale = _span(low, high)
        half = (high - low) // 2
        easy = _span(low + half + 1, high)
        return {
            "csat": f"CSAT ({_span(high - 1, high)} of {scale})",
            "ces_mean": f"CES mean ({scale})",
            "ces_easy": f"CES easy ({easy} of {scale})",
            "net_easy": f"Net Easy ({easy} minus {_span(low, high - half - 1)})",
            "top_box": f"Top box ({high} of {scale})",
            "mean": f"Mean score ({scale})",
        }[self.variant]

    def layout(self, key: str, title: str) -> Layout:
        """How its tables of segments or periods are named and printed."""
        return Layout(
            key=key,
            title=title,
            unit=self.unit,
            confidence=self.confidence,
            weights=self.weights,
        )


def overall_rows(
    frame: pd.DataFrame, column: str, metric: SurveyMetric
) -> tuple[tuple[Row, ...], Any]:
    """The metric of the whole column: its rows and the library's result.

    NPS has a row for the score and one for each share of promoters,
    passives and detractors under it.
    """
    weighted = metric.weights is not None
    if weighted:
        options = {**metric.options, "weights": frame[metric.weights]}
    else:
        options = metric.options
    result = metric.function(frame[column], confidence=metric.confidence, **options)
    head = metric_row(
        metric.variant, metric.label, result, metric.unit, weighted=weighted
    )
    if metric.name != "nps":
        return (head,), result
    shares = (
        ("promoter_share", "promoters (9-10)", result.promoters),
        ("passive_share", "passives (7-8)", result.passives),
        ("detractor_share", "detractors (0-6)", result.detractors),
    )
    details = tuple(
        Row(
            key=key,
            label=label,
            value=float(count / result.total_weight),
            unit="share",
            count=count_cell(count, weighted=weighted),
            indent=1,
        )
        for key, label, count in shares
    )
    return (head, *details), result


def survey_segments(
    frame: pd.DataFrame,
    column: str,
    metric: SurveyMetric,
    by: Sequence[str],
    *,
    key: str = "by_segment",
) -> tuple[Table, pd.DataFrame]:
    """Each segment of ``by`` against the rest, and the library's frame."""
    layout = metric.layout(key, f"{metric.title} by {', '.join(by)}")
    return segment_table(
        frame, metric.function, column=column, by=by, layout=layout, **metric.options
    )


def survey_trend(
    frame: pd.DataFrame,
    column: str,
    metric: SurveyMetric,
    time: str,
    freq: str,
    *,
    key: str = "trend",
) -> tuple[Table, pd.DataFrame]:
    """The metric period by period with the change, and the library's frame."""
    layout = metric.layout(key, f"{metric.title} by period ({freq})")
    return trend_table(
        frame,
        metric.function,
        column=column,
        time=time,
        freq=freq,
        layout=layout,
        **metric.options,
    )


def survey_chart(
    frame: pd.DataFrame,
    column: str,
    metric: SurveyMetric,
    time: str,
    freq: str,
    chart: str,
    *,
    key: str = "control_chart",
) -> tuple[Table, pd.DataFrame]:
    """The metric's control chart (`cx.control_chart`), and the library's frame.

    Every period is the baseline. ``effective_n`` is shown for weighted
    answers only.
    """
    layout = metric.layout(key, f"{metric.title} control chart ({chart}, {freq})")
    return chart_table(
        frame,
        metric.function,
        column=column,
        time=time,
        freq=freq,
        chart=chart,
        layout=layout,
        **metric.options,
    )


def nps_scale_warning(scores: pd.Series, column: str) -> str | None:
    """A warning when every NPS score is 5 or less: likely a 1-5 rating."""
    numbers = pd.to_numeric(scores, errors="coerce").dropna()
    if len(numbers) == 0 or numbers.max() > 5:
        return None
    return (
        f"survey: every score in column {column!r} is 5 or less, so it looks "
        "like a 1-5 scale, not NPS's 0-10; for a 1-5 rating use --metric csat "
        "or --metric mean --scale 1-5"
    )


def _metric_from_args(args: argparse.Namespace) -> SurveyMetric:
    """The `SurveyMetric` of the options, after checking they fit together."""
    scale = parse_scale("survey", args.scale)
    if args.metric == "nps" and scale is not None:
        raise InputError("survey: --scale does not apply to NPS (always 0-10)")
    if args.metric in ("top_box", "mean") and scale is None:
        raise InputError(
            f"survey: --metric {args.metric} needs --scale, such as --scale 1-5"
        )
    if args.method is not None and args.metric != "ces":
        raise InputError("survey: --method applies to --metric ces only")
    if args.freq is not None and args.time is None:
        raise InputError(
            "survey: --freq needs --time, the column of dates to group by period"
        )
    if args.chart is not None and args.time is None:
        raise InputError(
            "survey: --chart needs --time, the column of dates to chart by period"
        )
    check_segment_keys("survey", args.by or [])
    return SurveyMetric(
        name=args.metric,
        scale=scale,
        method=args.method,
        weights=args.weights,
        confidence=args.confidence,
    )


def build(args: argparse.Namespace) -> Report:
    """``cxmetrics survey``: read the file and build the report."""
    metric = _metric_from_args(args)
    column, by, plots = args.column, args.by or [], args.plots
    frame = read_table("survey", args.file, [column, args.weights, args.time, *by])
    rows, result = overall_rows(frame, column, metric)
    note = f"{source_note(args.file, frame)}, column {column!r}"
    if metric.weights is not None:
        note += f"; weighted by column {metric.weights!r}"
    blocks: list[Block] = [Section(key="survey", title="Survey", note=note, rows=rows)]
    warnings = []
    if metric.name == "nps":
        warning = nps_scale_warning(frame[column], column)
        warnings += [] if warning is None else [warning]
        save_chart("survey", plots, "nps", lambda ax: plotting.plot_nps(result, ax=ax))
    if by:
        table, segments = survey_segments(frame, column, metric, by)
        blocks.append(table)
        save_chart(
            "survey",
            plots,
            "segments",
            lambda ax: plotting.plot_segments(segments, overall=result, ax=ax),
        )
    if args.time is not None:
        dated = frame.assign(**{args.time: read_dates("survey", frame, args.time)})
        freq = args.freq or "M"
        table, trend = survey_trend(dated, column, metric, args.time, freq)
        blocks.append(table)
        save_chart(
            "survey", plots, "trend", lambda ax: plotting.plot_trend(trend, ax=ax)
        )
        if args.chart is not None:
            table, charted = survey_chart(
                dated, column, metric, args.time, freq, args.chart
            )
            blocks.append(table)
            save_chart(
                "survey",
                plots,
                "control_chart",
                lambda ax: plotting.plot_control_chart(charted, ax=ax),
            )
    return file_report("survey", args.file, metric.confidence, blocks, warnings)
