"""Charts of cxmetrics results (the optional ``plot`` extra).

Every function takes a result or a table made by cxmetrics and an optional
matplotlib ``ax``; it draws on that axes (or on a new figure when ``ax`` is
None) and returns the axes. Nothing here calls ``plt.show()``.

matplotlib is imported inside each function, so ``import cxmetrics`` and
``import cxmetrics.plotting`` stay free of it. Install it with
``pip install "cxmetrics[plot]"``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics._validation import InputError, format_examples, is_real, real_float
from cxmetrics.results import CohortTable, NPSResult, ShiftPlan, SurvivalCurve

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.image import AxesImage

__all__ = [
    "plot_cohorts",
    "plot_control_chart",
    "plot_drivers",
    "plot_funnel",
    "plot_holdout",
    "plot_nps",
    "plot_p_alive",
    "plot_segments",
    "plot_shift_plan",
    "plot_survival",
    "plot_trend",
]

FloatArray = npt.NDArray[np.float64]
_Result = TypeVar("_Result")

_INSTALL = 'pip install "cxmetrics[plot]"'
_NPS_COLUMNS = ("promoters", "passives", "detractors", "value", "ci_low", "ci_high")
_INTERVAL_COLUMNS = ("value", "ci_low", "ci_high")
_DRIVER_COLUMNS = ("driver", "importance", "share", "ci_low", "ci_high")
_DRIVER_METHODS = {"shapley": "Shapley", "relative_weights": "relative weights"}
# The palette, readable without red-green: red marks what falls short or
# signals, blues draw values, dark grey draws reference lines.
_RED = "#d6604d"
_LIGHT_GREY = "#bababa"
_BLUE = "#4393c3"
_DARK_BLUE = "#2166ac"
_REFERENCE_GREY = "#555555"
# Detractors, passives, promoters.
_NPS_COLORS = (_RED, _LIGHT_GREY, _BLUE)
_MAX_ANNOTATED_CELLS = 400


# ---------------------------------------------------------------------------
# Shared helpers


def _pyplot(func: str) -> Any:
    """Import ``matplotlib.pyplot``, or say how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:
        raise ImportError(
            f"{func} needs matplotlib; install the plot extra: {_INSTALL}"
        ) from err
    return plt


def _axes(func: str, ax: Axes | None, size: tuple[float, float]) -> Axes:
    """The axes to draw on: ``ax`` itself, or the axes of a new figure."""
    plt = _pyplot(func)
    if ax is not None:
        from matplotlib.axes import Axes as MatplotlibAxes

        if not isinstance(ax, MatplotlibAxes):
            raise InputError(
                f"{func}: ax must be matplotlib Axes (or None for a new figure); "
                f"got {_type_name(ax)}"
            )
        return ax
    figure = plt.figure(figsize=size, layout="constrained")
    axes: Axes = figure.add_subplot()
    return axes


def _type_name(value: object) -> str:
    return type(value).__name__


def _check_result(func: str, value: object, kind: type[_Result]) -> _Result:
    """``value`` itself if it is a ``kind`` of result, else an error naming both."""
    if not isinstance(value, kind):
        raise InputError(f"{func}: expected a {kind.__name__}, got {_type_name(value)}")
    return value


def _check_frame(func: str, frame: object, required: Sequence[str]) -> pd.DataFrame:
    """A non-empty DataFrame holding every ``required`` column."""
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"{func}: frame must be a pandas DataFrame, got {_type_name(frame)}"
        )
    if frame.empty:
        raise InputError(f"{func}: frame is empty")
    missing = [name for name in required if name not in frame.columns]
    if missing:
        raise InputError(
            f"{func}: frame lacks the column(s) {', '.join(map(repr, missing))}"
        )
    return frame


def _row_labels(frame: pd.DataFrame) -> list[str]:
    """Segment keys (the columns before ``n``), else the index, as text."""
    columns = list(frame.columns)
    keys = columns[: columns.index("n")] if "n" in columns else []
    if not keys:
        return [str(label) for label in frame.index]
    parts = frame[keys].astype(str)
    return [" / ".join(row) for row in parts.itertuples(index=False, name=None)]


def _floats(frame: pd.DataFrame, column: str, func: str) -> FloatArray:
    try:
        numbers = pd.to_numeric(frame[column])
    except (ValueError, TypeError):
        values = frame[column]
        bad = values[pd.to_numeric(values, errors="coerce").isna() & values.notna()]
        raise InputError(
            f"{func}: column {column!r} must hold numbers; got "
            f"{format_examples(bad.tolist())}"
        ) from None
    return numbers.to_numpy(dtype=np.float64, na_value=np.nan)


def _flags(frame: pd.DataFrame, column: str) -> npt.NDArray[np.bool_]:
    """A column of flags as booleans: True where it is True, else False."""
    return frame[column].eq(True).to_numpy(dtype=bool)


def _check_labels(func: str, labels: object, count: int) -> list[str] | None:
    """``labels`` as a list of ``count`` strings (None stays None)."""
    if labels is None:
        return None
    if isinstance(labels, str) or not isinstance(labels, Sequence):
        raise InputError(
            f"{func}: labels must be a sequence of names, got {_type_name(labels)}"
        )
    if len(labels) != count:
        raise InputError(f"{func}: {len(labels)} labels given for {count} items")
    return [str(label) for label in labels]


def _items(
    func: str, what: object, kind: type, kind_name: str
) -> tuple[list[Any], list[str] | None]:
    """One result, a sequence of them or a mapping name -> result."""
    if isinstance(what, kind):
        return [what], None
    if isinstance(what, Mapping):
        names: list[str] | None = [str(key) for key in what]
        values = list(what.values())
    elif isinstance(what, Sequence) and not isinstance(what, str):
        names, values = None, list(what)
    else:
        raise InputError(
            f"{func}: expected one {kind_name}, or a sequence or mapping of them, "
            f"got {_type_name(what)}"
        )
    if not values:
        raise InputError(f"{func}: no {kind_name} to plot")
    wrong = [_type_name(value) for value in values if not isinstance(value, kind)]
    if wrong:
        raise InputError(
            f"{func}: {len(wrong)} of {len(values)} items are not {kind_name} "
            f"({', '.join(list(dict.fromkeys(wrong))[:3])})"
        )
    return values, names


def _period_starts(func: str, index: pd.Index, maker: str) -> Any:
    """The start of each period (a PeriodIndex) or the times themselves.

    ``maker`` names the function whose tables are indexed so, for the message.
    """
    if isinstance(index, pd.PeriodIndex):
        return index.to_timestamp(how="start").to_numpy()
    if isinstance(index, pd.DatetimeIndex):
        return index.to_numpy()
    raise InputError(
        f"{func}: frame must be indexed by period (made by {maker}), "
        f"got {_type_name(index)}"
    )


def _with_unit(name: str) -> str:
    """A metric's name for an axis, with the unit of a net score."""
    return f"{name} (points)" if name == "NPS" else name


def _value_label(frame: pd.DataFrame) -> str:
    """The axis label of a table of values: NPS when it counts promoters."""
    return _with_unit("NPS" if "promoters" in frame.columns else "Value")


def _label_rows(axes: Axes, positions: FloatArray, names: Sequence[str]) -> None:
    """Name the rows of a horizontal chart, the first row at the top."""
    axes.set_yticks(positions, names)
    axes.set_ylim(len(names) - 0.5, -0.5)


def _legend_above(axes: Axes, ncols: int, *, y: float = 1.0) -> None:
    """A frameless legend in a row just above the axes, from the left edge."""
    axes.legend(loc="lower left", bbox_to_anchor=(0.0, y), ncols=ncols, frameon=False)


def _ci_text(low: float, high: float) -> str:
    if math.isnan(low) or math.isnan(high):
        return ""
    return f" ({low:.1f} to {high:.1f})"


# ---------------------------------------------------------------------------
# NPS bars


def _nps_table(
    results: object, labels: object
) -> tuple[list[str], FloatArray, FloatArray, FloatArray]:
    """Labels, counts, NPS values and bounds of the bars to draw.

    The counts have one row per bar: detractors, passives, promoters.
    """
    func = "plot_nps"
    if isinstance(results, pd.DataFrame):
        frame = _check_frame(func, results, _NPS_COLUMNS)
        names = _row_labels(frame)
        counts = np.column_stack(
            [
                _floats(frame, name, func)
                for name in ("detractors", "passives", "promoters")
            ]
        )
        values = _floats(frame, "value", func)
        bounds = np.column_stack(
            [_floats(frame, "ci_low", func), _floats(frame, "ci_high", func)]
        )
    else:
        items, keys = _items(func, results, NPSResult, "NPSResult")
        default = (
            ["NPS"] if len(items) == 1 else [str(i + 1) for i in range(len(items))]
        )
        names = keys if keys is not None else default
        counts = np.array(
            [[r.detractors, r.passives, r.promoters] for r in items], dtype=np.float64
        )
        values = np.array([r.value for r in items], dtype=np.float64)
        bounds = np.array(
            [(r.ci.low, r.ci.high) if r.ci else (math.nan, math.nan) for r in items],
            dtype=np.float64,
        )
    chosen = _check_labels(func, labels, len(names))
    return chosen if chosen is not None else names, counts, values, bounds


def plot_nps(
    results: NPSResult | Sequence[NPSResult] | Mapping[Any, NPSResult] | pd.DataFrame,
    *,
    labels: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Stacked bars of detractor, passive and promoter shares, with the NPS.

    One horizontal bar per result (or per row of a table), split into the
    shares of detractors, passives and promoters, and annotated on the right
    with the NPS and its confidence interval.

    Parameters
    ----------
    results : NPSResult, sequence or mapping of NPSResult, or pandas.DataFrame
        One result; several (per segment or period; a mapping's keys become
        the labels); or a table made by ``cx.by_segment`` or ``cx.over_time``
        with ``cx.nps`` (columns ``promoters``, ``passives``, ``detractors``,
        ``value``, ``ci_low``, ``ci_high``).
    labels : sequence of str, optional
        A name per bar, replacing the default names (the mapping's keys, the
        segment keys or the periods).
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    InputError
        If ``results`` is not one of the accepted kinds, a table is empty or
        lacks a column, or ``labels`` does not give one name per bar.
    ImportError
        If matplotlib is not installed.

    Notes
    -----
    The bar widths are the category shares (0 to 1); weighted results use
    their weighted counts. A row without responses (an empty period) gets an
    empty bar.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import cxmetrics as cx
    >>> from cxmetrics import plotting
    >>> survey = cx.datasets.load_survey()
    >>> table = cx.by_segment(survey, cx.nps, column="nps", by="region")
    >>> ax = plotting.plot_nps(table)
    >>> len(ax.patches)  # 4 regions x 3 categories
    12
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['North', 'South', 'East', 'West']
    """
    names, counts, values, bounds = _nps_table(results, labels)
    axes = _axes("plot_nps", ax, (8.0, 1.2 + 0.5 * len(names)))
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    positions = np.arange(len(names), dtype=np.float64)
    left = np.zeros(len(names))
    titles = ("Detractors", "Passives", "Promoters")
    for column, (title, color) in enumerate(zip(titles, _NPS_COLORS, strict=True)):
        width = shares[:, column]
        bars = axes.barh(
            positions, width, left=left, color=color, label=title, height=0.7
        )
        texts = [f"{w:.0%}" if w >= 0.08 else "" for w in width]
        axes.bar_label(bars, labels=texts, label_type="center", fontsize=8)
        left = left + width
    for y, value, (low, high) in zip(positions, values, bounds, strict=True):
        text = "no responses" if math.isnan(value) else f"NPS {value:.1f}"
        text += "" if math.isnan(value) else _ci_text(low, high)
        axes.annotate(
            text,
            xy=(1.0, y),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            annotation_clip=False,
        )
    _label_rows(axes, positions, names)
    axes.set_xlim(0.0, 1.0)
    axes.xaxis.set_major_formatter(_percent_formatter())
    axes.set_xlabel("Share of responses")
    _legend_above(axes, ncols=3)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return axes


def _percent_formatter() -> Any:
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1.0, decimals=0)


def _percent_colorbar(axes: Axes, image: AxesImage, label: str) -> None:
    """A colour bar of shares (0 to 1) written as percentages, with its label."""
    colorbar = axes.figure.colorbar(image, ax=axes, format=_percent_formatter())
    colorbar.set_label(label)


# ---------------------------------------------------------------------------
# Survival curves


def _survival_steps(curve: SurvivalCurve) -> tuple[FloatArray, ...]:
    """Times, S(t), lower and upper bounds, prefixed by S = 1 before the start."""
    timeline = np.asarray(curve.timeline, dtype=np.float64)
    start = min(0.0, float(timeline[0])) if timeline.size else 0.0
    one = np.ones(1)
    return (
        np.concatenate(([start], timeline)),
        np.concatenate((one, curve.survival)),
        np.concatenate((one, curve.ci_low)),
        np.concatenate((one, curve.ci_high)),
    )


def plot_survival(
    curves: SurvivalCurve | Sequence[SurvivalCurve] | Mapping[Any, SurvivalCurve],
    *,
    labels: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Kaplan-Meier step curves with their confidence bands and censor ticks.

    Parameters
    ----------
    curves : SurvivalCurve, or a sequence or mapping of SurvivalCurve
        One curve or several (a mapping's keys become the legend labels),
        made by ``cx.survival_curve``.
    labels : sequence of str, optional
        A legend label per curve.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    InputError
        If ``curves`` holds anything but SurvivalCurve results, is empty, or
        ``labels`` does not give one name per curve.
    ImportError
        If matplotlib is not installed.

    Notes
    -----
    Each curve is drawn as the right-continuous step function it is: S = 1
    from time 0 (or the first time, if earlier) up to the first time, then
    ``survival[i]`` from ``timeline[i]`` on. The band is the pointwise
    interval (``ci_low``, ``ci_high``) as steps; ticks mark the times at which
    subjects were censored.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import cxmetrics as cx
    >>> from cxmetrics import plotting
    >>> curve = cx.survival_curve([2, 3, 3, 5, 8, 9], [1, 1, 0, 1, 0, 1])
    >>> ax = plotting.plot_survival(curve)
    >>> ax.lines[0].get_ydata().round(3).tolist()
    [1.0, 0.833, 0.667, 0.444, 0.444, 0.0]
    """
    func = "plot_survival"
    items, keys = _items(func, curves, SurvivalCurve, "SurvivalCurve")
    empty = [
        str(index + 1)
        for index, curve in enumerate(items)
        if not np.isfinite(np.asarray(curve.survival, dtype=np.float64)).any()
    ]
    if empty:
        raise InputError(
            f"{func}: curve {', '.join(empty)} has nothing to draw: no subject, or "
            "a missing value under nan_policy='propagate' made it NaN"
        )
    chosen = _check_labels(func, labels, len(items))
    names = chosen if chosen is not None else keys
    axes = _axes(func, ax, (7.0, 4.5))
    for index, curve in enumerate(items):
        times, survival, low, high = _survival_steps(curve)
        label = names[index] if names is not None else None
        (line,) = axes.step(times, survival, where="post", label=label, lw=1.6)
        color = line.get_color()
        axes.fill_between(times, low, high, step="post", color=color, alpha=0.2, lw=0)
        censored = np.asarray(curve.censored) > 0
        axes.plot(
            times[1:][censored],
            survival[1:][censored],
            linestyle="none",
            marker="|",
            markersize=6,
            color=color,
        )
    axes.set_ylim(0.0, 1.02)
    axes.set_xlim(
        left=min([0.0, *(float(c.timeline[0]) for c in items if c.timeline.size)])
    )
    axes.yaxis.set_major_formatter(_percent_formatter())
    axes.set_xlabel("Time")
    axes.set_ylabel("Survival probability")
    axes.grid(alpha=0.3)
    if names is not None:
        axes.legend(frameon=False)
    return axes


# ---------------------------------------------------------------------------
# Cohort heatmap


def _cell_text_colors(rgba: FloatArray) -> list[str]:
    """Black text on light cells, white on dark (relative luminance)."""
    luminance = rgba[..., :3] @ np.array([0.2126, 0.7152, 0.0722])
    return ["black" if value > 0.5 else "white" for value in luminance.ravel()]


def plot_cohorts(table: CohortTable, *, ax: Axes | None = None) -> Axes:
    """Heatmap of a cohort retention table, cohorts down and offsets across.

    Parameters
    ----------
    table : CohortTable
        Made by ``cx.cohort_retention``; its ``rates`` are drawn.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    InputError
        If ``table`` is not a CohortTable or has no cells.
    ImportError
        If matplotlib is not installed.

    Notes
    -----
    Cells not yet observable (NaN) are masked and stay blank. The colour
    scale runs from 0 to 1, or to the largest rate when revenue retention
    goes above 1. Tables of up to 400 cells are annotated with the
    percentages.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import cxmetrics as cx
    >>> from cxmetrics import plotting
    >>> mrr = cx.datasets.load_mrr()
    >>> table = cx.cohort_retention(mrr["customer_id"], mrr["month"], freq="Q")
    >>> ax = plotting.plot_cohorts(table)
    >>> image = ax.images[0].get_array()
    >>> image.shape, int(image.mask.sum())  # 12 x 12 cells, 66 not yet observable
    ((12, 12), 66)
    """
    func = "plot_cohorts"
    rates = _check_result(func, table, CohortTable).rates
    if rates.size == 0:
        raise InputError(f"{func}: the cohort table is empty")
    data = np.ma.masked_invalid(rates.to_numpy(dtype=np.float64))
    rows, columns = data.shape
    axes = _axes(func, ax, (1.5 + 0.6 * columns, 1.2 + 0.4 * rows))
    top = max(1.0, float(data.max())) if data.count() else 1.0
    image = axes.imshow(data, cmap="YlGnBu", vmin=0.0, vmax=top, aspect="auto")
    axes.set_xticks(np.arange(columns), [str(c) for c in rates.columns])
    axes.set_yticks(np.arange(rows), [str(c) for c in rates.index])
    axes.set_xlabel(f"Periods since the cohort started (freq {table.freq})")
    axes.set_ylabel("Cohort")
    axes.set_facecolor("white")
    label = "Revenue retained" if table.measure == "revenue" else "Retained"
    _percent_colorbar(axes, image, label)
    if rows * columns <= _MAX_ANNOTATED_CELLS:
        rgba = np.asarray(image.cmap(image.norm(data.filled(0.0))), dtype=np.float64)
        _annotate_cells(axes, data, rgba)
    return axes


def _annotate_cells(axes: Axes, data: Any, rgba: FloatArray) -> None:
    colors = _cell_text_colors(rgba)
    flat = data.ravel()
    rows, columns = np.divmod(np.arange(flat.size), data.shape[1])
    for y, x, value, masked, color in zip(
        rows,
        columns,
        flat.filled(np.nan),
        np.ma.getmaskarray(flat),
        colors,
        strict=True,
    ):
        if not masked:
            axes.text(
                x, y, f"{value:.0%}", ha="center", va="center", fontsize=7, color=color
            )


# ---------------------------------------------------------------------------
# Forest plot and trend


def _overall_value(func: str, overall: object) -> float | None:
    """``overall`` as a number: a number, or a result's ``value``."""
    if overall is None:
        return None
    value = getattr(overall, "value", overall)
    if isinstance(value, (bool, np.timedelta64)) or not isinstance(value, numbers.Real):
        raise InputError(
            f"{func}: overall must be a number or a result with a value, "
            f"got {_type_name(overall)}"
        )
    return float(value)


def plot_segments(
    frame: pd.DataFrame, *, overall: float | Any = None, ax: Axes | None = None
) -> Axes:
    """Forest plot of a metric by segment: each value with its interval.

    Parameters
    ----------
    frame : pandas.DataFrame
        Made by ``cx.by_segment``: the segment keys as leading columns (before
        ``n``), ``value``, ``ci_low``, ``ci_high`` and, when present,
        ``significant``.
    overall : float or result, optional
        The overall value (a number, or a result such as ``cx.nps(...)``),
        drawn as a dashed vertical line.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    InputError
        If ``frame`` is not a non-empty DataFrame with ``value``, ``ci_low``
        and ``ci_high``, or ``overall`` is not a number.
    ImportError
        If matplotlib is not installed.

    Notes
    -----
    Segments whose difference from the rest is significant after the
    multiple-testing correction (``significant`` true) have filled markers;
    the others are hollow. The tick labels carry each segment's ``n``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import cxmetrics as cx
    >>> from cxmetrics import plotting
    >>> survey = cx.datasets.load_survey()
    >>> table = cx.by_segment(survey, cx.nps, column="nps", by="region")
    >>> ax = plotting.plot_segments(table, overall=cx.nps(survey["nps"]))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['North (n=890)', 'South (n=754)', 'East (n=765)', 'West (n=591)']
    """
    func = "plot_segments"
    table = _check_frame(func, frame, _INTERVAL_COLUMNS)
    line_at = _overall_value(func, overall)
    names = _row_labels(table)
    if "n" in table.columns:
        names = [f"{name} (n={n:,})" for name, n in zip(names, table["n"], strict=True)]
    values = _floats(table, "value", func)
    low, high = (
        _floats(table, "ci_low", func),
        _floats(table, "ci_high", func),
    )
    positions = np.arange(len(names), dtype=np.float64)
    axes = _axes(func, ax, (7.0, 1.2 + 0.45 * len(names)))
    color = _DARK_BLUE
    axes.hlines(positions, low, high, color=color, lw=1.6)
    if "significant" in table.columns:
        significant = _flags(table, "significant")
        groups: list[tuple[npt.NDArray[np.bool_], str | None, str]] = [
            (significant, "significant", color),
            (~significant, "not significant", "white"),
        ]
    else:
        groups = [(np.ones(len(names), dtype=bool), None, color)]
    for chosen, label, face in groups:
        axes.plot(
            values[chosen],
            positions[chosen],
            linestyle="none",
            marker="o",
            markersize=7,
            markeredgecolor=color,
            markerfacecolor=face,
            label=label,
        )
    if line_at is not None:
        axes.axvline(
            line_at,
            color=_REFERENCE_GREY,
            ls="--",
            lw=1,
            label=f"overall {line_at:.3g}",
        )
    _label_rows(axes, positions, names)
    axes.set_xlabel(_value_label(table))
    axes.grid(axis="x", alpha=0.3)
    if line_at is not None or "significant" in table.columns:
        _legend_above(axes, ncols=3)
    return axes


def plot_trend(frame: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """A metric over time with its confidence band.

    Parameters
    ----------
    frame : pandas.DataFrame
        Made by ``cx.over_time``: indexed by period (a PeriodIndex; a
        DatetimeIndex also works) with ``value``, ``ci_low`` and ``ci_high``.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    InputError
        If ``frame`` is not a non-empty DataFrame with those columns and a
        time index.
    ImportError
        If matplotlib is not installed.

    Notes
    -----
    Each period is placed at its start. Periods without data (NaN) are left
    as gaps in the line and in the band.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import cxmetrics as cx
    >>> from cxmetrics import plotting
    >>> survey = cx.datasets.load_survey()
    >>> monthly = cx.over_time(survey, cx.nps, column="nps", time="date", freq="M")
    >>> ax = plotting.plot_trend(monthly)
    >>> len(ax.lines[0].get_ydata())
    12
    """
    func = "plot_trend"
    table = _check_frame(func, frame, _INTERVAL_COLUMNS)
    x = _period_starts(func, table.index, "cx.over_time")
    values = _floats(table, "value", func)
    axes = _axes(func, ax, (8.0, 4.0))
    (line,) = axes.plot(x, values, marker="o", markersize=4, lw=1.6, label="value")
    axes.fill_between(
        x,
        _floats(table, "ci_low", func),
        _floats(table, "ci_high", func),
        color=line.get_color(),
        alpha=0.2,
        lw=0,
        label="confidence interval",
    )
    axes.set_ylabel(_value_label(table))
    axes.set_xlabel("Period")
    axes.grid(alpha=0.3)
    _concise_dates(axes)
    return axes


def plot_shift_plan(plan: ShiftPlan, *, ax: Axes | None = None) -> Axes:
    """Agents needed against agents on duty, period by period, of a shift plan.

    Parameters
    ----------
    plan : ShiftPlan
        Made by ``cx.schedule_shifts``.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    InputError
        If ``plan`` is not a ShiftPlan.
    ImportError
        If matplotlib is not installed.

    Notes
    -----
    The requirement and the coverage are drawn as steps over the periods,
    day after day (dotted lines between days); periods short of agents are
    shaded red, periods with agents to spare grey.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import cxmetrics as cx
    >>> from cxmetrics import plotting
    >>> plan = cx.schedule_shifts(
    ...     [[2, 3, 4, 4, 3, 1], [1, 2, 2, 3, 3, 2]],
    ...     {"early": [1, 1, 1, 0, 0, 0], "late": [0, 0, 0, 1, 1, 1]},
    ... )
    >>> ax = plotting.plot_shift_plan(plan)
    >>> ax.lines[1].get_ydata().tolist()  # coverage, period after period
    [4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 2.0, 2.0, 2.0, 3.0, 3.0, 3.0, 3.0]
    """
    func = "plot_shift_plan"
    _check_result(func, plan, ShiftPlan)
    required = plan.requirements.reshape(-1).astype(np.float64)
    coverage = plan.coverage.reshape(-1).astype(np.float64)
    periods = np.arange(required.size + 1)
    axes = _axes(func, ax, (max(6.0, min(14.0, 0.08 * required.size + 4.0)), 4.0))
    # Steps over whole periods: the last value is repeated to close the step.
    axes.plot(
        periods,
        np.append(required, required[-1]),
        drawstyle="steps-post",
        color="black",
        lw=1.4,
        label="required",
    )
    axes.plot(
        periods,
        np.append(coverage, coverage[-1]),
        drawstyle="steps-post",
        color=_BLUE,
        lw=1.6,
        label="on duty",
    )
    for gap, color, label in (
        (coverage < required, _RED, "short"),
        (coverage > required, _LIGHT_GREY, "to spare"),
    ):
        axes.fill_between(
            periods[:-1],
            required,
            coverage,
            where=gap,
            color=color,
            alpha=0.35,
            lw=0,
            label=label,
            step="post",
        )
    per_day = len(plan.period_labels)
    for boundary in range(per_day, required.size, per_day):
        axes.axvline(boundary, color="grey", lw=0.8, ls=":")
    axes.set_xlim(0, required.size)
    axes.set_ylim(bottom=0)
    axes.set_xlabel("Period")
    axes.set_ylabel("Agents")
    axes.grid(alpha=0.3, axis="y")
    axes.legend(loc="upper right", frameon=False, fontsize="small")
    return axes


def _concise_dates(axes: Axes) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator()  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    formatter = ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_formatter(formatter)


# ---------------------------------------------------------------------------
# Monitoring


_LIMIT_COLUMNS = ("value", "center", "lower", "upper", "signal")
_CHART_NAMES = {
    "shewhart": "Shewhart chart",
    "laney": "Laney p′ chart",
    "ewma": "EWMA chart",
    "cusum": "CUSUM chart",
}


def _monitored(frame: pd.DataFrame) -> str:
    """The metric's name (``attrs["label"]``), with its unit for a net score."""
    return _with_unit(str(frame.attrs.get("label", "Value")))


def _log_sizes(axes: Axes) -> None:
    """A log scale of sizes, its ticks written as plain numbers."""
    from matplotlib.ticker import FuncFormatter

    axes.set_xscale("log")
    plain = FuncFormatter(lambda value, _: f"{value:,.0f}")
    axes.xaxis.set_major_formatter(plain)
    axes.xaxis.set_minor_formatter(plain)
    axes.tick_params(axis="x", which="minor", labelsize=7)


def plot_control_chart(frame: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """A control chart: the values, the center line, the limits and the signals.

    Parameters
    ----------
    frame : pandas.DataFrame
        Made by ``cx.control_chart``: indexed by period, with ``value``,
        ``center``, ``lower``, ``upper`` and ``signal``, and ``ewma`` or
        ``cusum_upper`` and ``cusum_lower`` for those charts.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    InputError
        If ``frame`` is not a non-empty DataFrame with those columns and a
        time index.
    ImportError
        If matplotlib is not installed.

    Notes
    -----
    Shewhart and Laney charts draw each period's value against its own
    limits, as steps (wider for small periods). The EWMA chart draws the
    EWMA against its limits, with the periods' values as light points. The
    CUSUM chart draws the upper sum above zero and the lower sum below it,
    against the decision interval ``h`` (from the frame's ``attrs``, 5 by
    default). Periods that signal are marked in red; a period without data
    is a gap.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import cxmetrics as cx
    >>> from cxmetrics import plotting
    >>> weekly = cx.datasets.load_weekly_survey()
    >>> chart = cx.control_chart(
    ...     weekly, cx.nps, column="nps", time="date", chart="ewma", baseline=26)
    >>> ax = plotting.plot_control_chart(chart)
    >>> ax.get_title()
    'EWMA chart'
    >>> len(ax.lines[-1].get_xdata()) == int(chart["signal"].sum())
    True
    """
    func = "plot_control_chart"
    table = _check_frame(func, frame, _LIMIT_COLUMNS)
    x = _period_starts(func, table.index, "cx.control_chart")
    signal = _flags(table, "signal")
    chart = str(table.attrs.get("chart", ""))
    if "cusum_upper" in table.columns and "cusum_lower" in table.columns:
        chart = "cusum"
    elif "ewma" in table.columns:
        chart = "ewma"
    axes = _axes(func, ax, (9.0, 4.2))
    if chart == "cusum":
        upper = _floats(table, "cusum_upper", func)
        lower = -_floats(table, "cusum_lower", func)
        h = float(table.attrs.get("h", 5.0))
        axes.plot(
            x,
            upper,
            marker="o",
            markersize=3,
            lw=1.4,
            color=_DARK_BLUE,
            label="upper sum",
        )
        axes.plot(
            x,
            lower,
            marker="o",
            markersize=3,
            lw=1.4,
            color=_BLUE,
            label="lower sum (negated)",
        )
        axes.axhline(0.0, color=_REFERENCE_GREY, lw=1)
        for level in (h, -h):
            axes.axhline(level, color=_REFERENCE_GREY, ls="--", lw=1)
        marked = np.where(upper > h, upper, lower)
        axes.set_ylabel("CUSUM (standard errors)")
    else:
        shown = "ewma" if chart == "ewma" else "value"
        line = _floats(table, shown, func)
        if chart == "ewma":
            axes.plot(
                x,
                _floats(table, "value", func),
                linestyle="none",
                marker=".",
                color="#999999",
                label="value",
            )
        axes.plot(
            x, line, marker="o", markersize=3, lw=1.4, color=_DARK_BLUE, label=shown
        )
        axes.plot(
            x,
            _floats(table, "center", func),
            color=_REFERENCE_GREY,
            lw=1,
            label="center",
        )
        for name in ("lower", "upper"):
            axes.plot(
                x,
                _floats(table, name, func),
                color=_REFERENCE_GREY,
                ls="--",
                lw=1,
                drawstyle="steps-mid",
                label="limits" if name == "upper" else None,
            )
        marked = line
        axes.set_ylabel(_monitored(table))
    axes.plot(
        x[signal],
        marked[signal],
        linestyle="none",
        marker="o",
        markersize=7,
        color=_RED,
        label="signal",
    )
    axes.set_title(_CHART_NAMES.get(chart, "Control chart"), pad=30)
    axes.set_xlabel("Period")
    axes.grid(alpha=0.3)
    _legend_above(axes, ncols=5, y=1.02)
    _concise_dates(axes)
    return axes


def plot_funnel(frame: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    r"""A funnel plot: each segment's value against its size, inside the funnel.

    Parameters
    ----------
    frame : pandas.DataFrame
        Made by ``cx.funnel_plot``: the segment keys, ``effective_n``,
        ``value``, ``center``, ``lower``, ``upper`` and ``signal``, with
        ``center``, ``sd`` and ``sigma`` in its ``attrs``.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    InputError
        If ``frame`` is not a non-empty DataFrame with those columns and
        attributes.
    ImportError
        If matplotlib is not installed.

    Notes
    -----
    The funnel is :math:`\bar x \pm \sigma s / \sqrt{n}` over the range of
    the segments' (effective) sizes, kept within the metric's values.
    Segments outside it are marked in red and labelled with their keys.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import cxmetrics as cx
    >>> from cxmetrics import plotting
    >>> weekly = cx.datasets.load_weekly_survey()
    >>> funnel = cx.funnel_plot(weekly, cx.nps, column="nps", by="agent")
    >>> ax = plotting.plot_funnel(funnel)
    >>> sorted(text.get_text() for text in ax.texts)
    ['A07', 'A19']
    """
    func = "plot_funnel"
    table = _check_frame(func, frame, ("effective_n", *_LIMIT_COLUMNS))
    missing = [key for key in ("center", "sd", "sigma") if key not in table.attrs]
    if missing:
        raise InputError(
            f"{func}: frame.attrs lacks {', '.join(missing)}; make the frame with "
            "cx.funnel_plot"
        )
    center = float(table.attrs["center"])
    spread = float(table.attrs["sd"]) * float(table.attrs["sigma"])
    low, high = table.attrs.get("bounds", (-math.inf, math.inf))
    sizes = _floats(table, "effective_n", func)
    values = _floats(table, "value", func)
    signal = _flags(table, "signal")
    shown = sizes > 0
    axes = _axes(func, ax, (8.0, 5.0))
    if shown.any():
        grid = np.geomspace(sizes[shown].min(), sizes[shown].max(), 200)
        half = spread / np.sqrt(grid)
        for sign in (-1.0, 1.0):
            axes.plot(
                grid,
                np.clip(center + sign * half, low, high),
                color=_REFERENCE_GREY,
                ls="--",
                lw=1,
                label=f"{float(table.attrs['sigma']):g} sigma limits"
                if sign > 0
                else None,
            )
    axes.axhline(center, color=_REFERENCE_GREY, lw=1, label=f"overall {center:.3g}")
    axes.plot(
        sizes[~signal],
        values[~signal],
        linestyle="none",
        marker="o",
        color=_DARK_BLUE,
        alpha=0.8,
        label="within",
    )
    axes.plot(
        sizes[signal],
        values[signal],
        linestyle="none",
        marker="o",
        color=_RED,
        label="outside",
    )
    for name, size, value in zip(
        np.asarray(_row_labels(table))[signal],
        sizes[signal],
        values[signal],
        strict=True,
    ):
        axes.annotate(
            str(name),
            (size, value),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=8,
        )
    _log_sizes(axes)
    axes.set_xlabel("Size (effective n)")
    axes.set_ylabel(_monitored(table))
    axes.grid(alpha=0.3)
    _legend_above(axes, ncols=4, y=1.02)
    return axes


# ---------------------------------------------------------------------------
# Customer value


_HOLDOUT_COLUMNS = ("customers", "actual", "predicted")


def plot_holdout(table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Predicted against actual holdout purchases, by calibration frequency.

    Parameters
    ----------
    table : pandas.DataFrame
        Made by ``cx.holdout_check``: indexed by calibration frequency, with
        ``customers``, ``actual`` and ``predicted``.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    InputError
        If ``table`` is not a non-empty DataFrame with those columns.
    ImportError
        If matplotlib is not installed.

    Notes
    -----
    Two lines over the calibration frequencies: the mean purchases each
    group made in the holdout, and the mean the model predicted for them.
    Lines that follow each other mean the model forecasts well.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import cxmetrics as cx
    >>> from cxmetrics import plotting
    >>> log = cx.datasets.load_transactions()
    >>> rfm = cx.rfm_summary(log["customer_id"], log["date"],
    ...                      calibration_end="2025-09-30")
    >>> model = cx.fit_bgnbd(rfm["frequency"], rfm["recency"], rfm["T"])
    >>> ax = plotting.plot_holdout(cx.holdout_check(model, rfm))
    >>> [t.get_text() for t in ax.get_xticklabels()][-2:]
    ['6', '7+']
    """
    func = "plot_holdout"
    frame = _check_frame(func, table, _HOLDOUT_COLUMNS)
    labels = [str(label) for label in frame.index]
    positions = np.arange(len(labels), dtype=np.float64)
    axes = _axes(func, ax, (7.0, 4.0))
    axes.plot(
        positions,
        _floats(frame, "actual", func),
        marker="o",
        lw=1.6,
        label="actual",
    )
    axes.plot(
        positions,
        _floats(frame, "predicted", func),
        marker="s",
        lw=1.6,
        ls="--",
        label="predicted",
    )
    axes.set_xticks(positions, labels)
    axes.set_xlabel("Purchases in the calibration period")
    axes.set_ylabel("Mean purchases in the holdout")
    axes.grid(alpha=0.3)
    axes.legend(frameon=False)
    return axes


def plot_p_alive(
    model: Any,
    T: Any,
    *,
    max_frequency: int = 20,
    steps: int = 40,
    ax: Axes | None = None,
) -> Axes:
    """Heat map of P(alive) over frequency and recency, for customers of age ``T``.

    Parameters
    ----------
    model : BGNBDModel or ParetoNBDModel
        A fitted purchase model.
    T : float
        The customers' age (time since the first purchase), in the unit
        of the data fitted.
    max_frequency : int
        The largest frequency shown (rows 0 to ``max_frequency``).
    steps : int
        Columns of recency, from 0 to ``T``.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    InputError
        A model that is not a purchase model; ``T`` not a positive number;
        ``max_frequency`` or ``steps`` not whole numbers >= 1.
    ImportError
        If matplotlib is not installed.

    Notes
    -----
    Each cell is the probability that a customer with that many repeat
    purchases, the last at that recency, is still alive at ``T``. Frequent
    buyers who have not bought for a while (top left) are the likeliest to
    be gone. Customers without repeat purchases have recency 0 only: the
    other cells of that row are left blank, as are those of recency 0
    with repeat purchases.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import cxmetrics as cx
    >>> from cxmetrics import plotting
    >>> log = cx.datasets.load_transactions()
    >>> rfm = cx.rfm_summary(log["customer_id"], log["date"])
    >>> model = cx.fit_bgnbd(rfm["frequency"], rfm["recency"], rfm["T"])
    >>> ax = plotting.plot_p_alive(model, T=52, max_frequency=10)
    >>> ax.images[0].get_array().shape
    (11, 41)
    """
    from cxmetrics._validation import check_positive_int
    from cxmetrics.value import BGNBDModel, ParetoNBDModel

    func = "plot_p_alive"
    if not isinstance(model, (BGNBDModel, ParetoNBDModel)):
        raise InputError(
            f"{func}: model must be a BGNBDModel or ParetoNBDModel, got "
            f"{_type_name(model)}"
        )
    age = real_float(func, "T", T) if is_real(T) else 0.0
    if not 0 < age < math.inf:
        raise InputError(f"{func}: T must be a positive number, got {T!r}")
    top = check_positive_int(func, "max_frequency", max_frequency)
    columns = check_positive_int(func, "steps", steps)
    frequency = np.arange(top + 1, dtype=np.float64)[:, None]
    recency = np.linspace(0.0, age, columns + 1)[None, :]
    valid = (frequency > 0) == (recency > 0)
    alive = np.full(valid.shape, np.nan)
    grid_x, grid_t = np.broadcast_arrays(frequency, recency)
    alive[valid] = model.p_alive(grid_x[valid], grid_t[valid], age)
    axes = _axes(func, ax, (8.0, 5.0))
    image = axes.imshow(
        np.ma.masked_invalid(alive),
        origin="lower",
        aspect="auto",
        cmap="RdYlGn",
        vmin=0.0,
        vmax=1.0,
        extent=(0.0, age, -0.5, top + 0.5),
    )
    axes.set_xlabel("Recency: time of the last purchase since the first")
    axes.set_ylabel("Frequency: repeat purchases")
    axes.set_title(f"P(alive) at T = {age:g}")
    _percent_colorbar(axes, image, "P(alive)")
    return axes


# ---------------------------------------------------------------------------
# Key drivers


def plot_drivers(table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Key drivers as bars: each driver's share of R², with its interval.

    Parameters
    ----------
    table : pandas.DataFrame
        Made by ``cx.key_drivers``: ``driver``, ``importance``, ``share``,
        ``ci_low`` and ``ci_high`` (and ``attrs["r_squared"]``).
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    InputError
        If ``table`` is not a non-empty DataFrame with those columns.
    ImportError
        If matplotlib is not installed.

    Notes
    -----
    One horizontal bar per driver, the most important at the top, its
    length the driver's importance (its part of R²) with the bootstrap
    interval as an error bar, and its share of R² written at the end. The
    title gives R², so the bars read as parts of what the model explains.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import cxmetrics as cx
    >>> from cxmetrics import plotting
    >>> survey = cx.datasets.load_survey()
    >>> table = cx.key_drivers(survey, "nps", list(cx.datasets.SURVEY_DRIVERS),
    ...                        n_resamples=100, rng=1)
    >>> ax = plotting.plot_drivers(table)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['product', 'agent', 'speed', 'ease', 'value']
    >>> ax.get_title(loc="left")
    'Key drivers (Shapley): R² = 0.345'
    """
    func = "plot_drivers"
    frame = _check_frame(func, table, _DRIVER_COLUMNS)
    importance = _floats(frame, "importance", func)
    order = np.argsort(-np.nan_to_num(importance, nan=-np.inf), kind="stable")
    names = [str(frame["driver"].iloc[i]) for i in order]
    values = importance[order]
    low = _floats(frame, "ci_low", func)[order]
    high = _floats(frame, "ci_high", func)[order]
    share = _floats(frame, "share", func)[order]
    positions = np.arange(len(names), dtype=np.float64)
    axes = _axes(func, ax, (7.0, 1.2 + 0.45 * len(names)))
    errors = np.vstack([np.maximum(values - low, 0.0), np.maximum(high - values, 0.0)])
    errors = np.where(np.isfinite(errors), errors, 0.0)
    axes.barh(positions, values, color=_BLUE, xerr=errors, capsize=3)
    for position, value, upper, part in zip(
        positions, values, high, share, strict=True
    ):
        if np.isfinite(part):
            end = upper if np.isfinite(upper) else value
            axes.annotate(
                f"{100 * part:.0f}%",
                (end, position),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
            )
    _label_rows(axes, positions, names)
    ends = np.concatenate([values, high])
    top = float(np.nanmax(ends)) if np.isfinite(ends).any() else 0.0
    if top > 0:
        axes.set_xlim(0.0, 1.15 * top)  # room for the share labels
    axes.set_xlabel("Importance (part of R²)")
    r_squared = frame.attrs.get("r_squared")
    method = _DRIVER_METHODS.get(str(frame.attrs.get("method")))
    title = "Key drivers" + (f" ({method})" if method else "")
    if isinstance(r_squared, numbers.Real) and math.isfinite(float(r_squared)):
        title += f": R² = {float(r_squared):.3g}"
    axes.set_title(title, loc="left")
    axes.grid(axis="x", alpha=0.3)
    return axes
