"""``cxmetrics value``: what the customers of a purchase log are worth.

From a transaction log (the customer, the date and, optionally, the value
of each purchase): each customer's history (`cx.rfm_summary`), the BG/NBD or
Pareto/NBD purchase model and, with values, the Gamma-Gamma spend model;
then each customer's P(alive), purchases expected over the periods ahead,
expected spend and lifetime value (`cx.lifetime_value`), and the customers
worth the most. With a calibration end, a second purchase model, fitted on
the purchases up to that day, forecasts the purchases after it, and
`cx.holdout_check` sets the forecast against what happened.

The command and the demo share one rule for each choice:

- **time unit**: ``D`` (days), ``W`` (weeks) or a number of them (``28D``,
  ``2W``), as pandas reads a time span; every time (recency, T, the period)
  is in it;
- **period** of the lifetime value: by default a month of 365.25 / 12 days,
  the month of the retention command's lifetimes, expressed in the unit;
- **ranking**: customers by lifetime value with values, by expected
  purchases without; ties keep the order of the customers.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import pandas as pd

import cxmetrics as cx
from cxmetrics import InputError, plotting
from cxmetrics.cli.blocks import file_report, table
from cxmetrics.cli.inputs import (
    parse_date,
    read_dates,
    read_numbers,
    read_table,
    save_chart,
    source_note,
)
from cxmetrics.cli.report import (
    Block,
    Cell,
    Column,
    Report,
    Row,
    Section,
    Table,
    Unit,
)
from cxmetrics.cli.retention import DAYS_PER_MONTH

__all__ = [
    "MODELS",
    "ValueAnalysis",
    "ValueSettings",
    "analyse",
    "build",
    "fit_warnings",
    "holdout_table",
    "models_table",
    "parameters_table",
    "top_customers_table",
    "unit_span",
    "value_blocks",
    "value_section",
]

#: ``--model`` choices and the fit behind each.
MODELS: dict[str, Callable[..., Any]] = {
    "bgnbd": cx.fit_bgnbd,
    "pareto_nbd": cx.fit_pareto_nbd,
}
#: The models as the text output names them.
_LABELS = {"bgnbd": "BG/NBD", "pareto_nbd": "Pareto/NBD", "gamma_gamma": "Gamma-Gamma"}

_UNIT = re.compile(r"(\d+(\.\d*)?)?[DW]")


def unit_span(text: str) -> pd.Timedelta:
    """``--unit``: ``D``, ``W`` or a number of them, as a positive time span."""
    span: pd.Timedelta | None = None
    if _UNIT.fullmatch(text):
        span = pd.Timedelta(text if text[0].isdigit() else f"1{text}")
    if span is None or not span > pd.Timedelta(0):
        raise InputError(
            "value: --unit expects D (days), W (weeks of 7 days) or a number of "
            f"them such as 28D or 2W; got {text!r}"
        )
    return span


@attrs.frozen(kw_only=True)
class ValueSettings:
    """What the value report is asked for.

    Attributes
    ----------
    model : {'bgnbd', 'pareto_nbd'}
        The purchase model.
    unit : str
        The time unit (see `unit_span`).
    periods : int
        Periods ahead of the lifetime value and of the expected purchases.
    period_length : float or None
        Length of a period in the unit; None for a month of 365.25 / 12 days.
    discount_rate : float
        Discount rate per period of the lifetime value.
    top : int
        How many customers the top table lists.
    as_of : pandas.Timestamp or None
        The end of the observation (its day included); None for the last
        date in the log.
    calibration_end : pandas.Timestamp or None
        The last day of the calibration period of a holdout check; None for
        no check.
    """

    model: str = "bgnbd"
    unit: str = "W"
    periods: int = 12
    period_length: float | None = None
    discount_rate: float = 0.0
    top: int = 10
    as_of: pd.Timestamp | None = None
    calibration_end: pd.Timestamp | None = None


@attrs.frozen(kw_only=True)
class ValueAnalysis:
    """The models of a purchase log and what they say of each customer.

    Attributes
    ----------
    settings : ValueSettings
        What was asked.
    unit_days : float
        The length of the time unit in days.
    period_length : float
        The length of a period, in the unit.
    as_of : str
        The last day of the observation (``YYYY-MM-DD``).
    n_missing : int
        Purchases left out for a missing customer, date or value.
    summary : pandas.DataFrame
        `cx.rfm_summary` of the log, one row per customer.
    purchases : BGNBDModel or ParetoNBDModel
        The purchase model, fitted on ``summary``.
    spend : GammaGammaModel or None
        The spend model, when the log has values.
    customers : pandas.DataFrame
        Indexed like ``summary``: ``p_alive``, ``expected_purchases`` over
        the periods ahead and, with values, ``expected_spend`` and
        ``lifetime_value``.
    holdout : pandas.DataFrame or None
        `cx.holdout_check` of a model fitted on the calibration period.
    calibration : BGNBDModel or ParetoNBDModel or None
        That model.
    """

    settings: ValueSettings
    unit_days: float
    period_length: float
    as_of: str
    n_missing: int
    summary: pd.DataFrame
    purchases: Any
    spend: Any
    customers: pd.DataFrame
    holdout: pd.DataFrame | None = None
    calibration: Any = None

    @property
    def ranking(self) -> str:
        """The column the customers are ranked by."""
        return "expected_purchases" if self.spend is None else "lifetime_value"


def _day(stamp: pd.Timestamp) -> str:
    return f"{stamp:%Y-%m-%d}"


def _histories(summary: pd.DataFrame) -> tuple[np.ndarray, ...]:
    return tuple(
        summary[name].to_numpy(dtype=np.float64)
        for name in ("frequency", "recency", "T")
    )


def analyse(
    customers: pd.Series,
    dates: pd.Series,
    values: pd.Series | None,
    settings: ValueSettings,
) -> ValueAnalysis:
    """Summarize the log, fit the models and value each customer.

    Parameters
    ----------
    customers, dates : pandas.Series
        The customer and the date (datetimes) of each purchase.
    values : pandas.Series or None
        The value of each purchase, if known.
    settings : ValueSettings
        The model, unit, periods and dates.

    Returns
    -------
    ValueAnalysis

    Raises
    ------
    InputError
        A bad unit; data the library refuses (no purchase before the
        as-of date, a single customer, nobody buying twice, spend that is
        not positive, ...), with the library's message.
    """
    span = unit_span(settings.unit)
    unit_days = span / pd.Timedelta(days=1)
    length = settings.period_length
    if length is None:
        length = DAYS_PER_MONTH / unit_days
    fit = MODELS[settings.model]
    summary = cx.rfm_summary(
        customers, dates, values, unit=span, observation_end=settings.as_of
    )
    as_of = dates.max() if settings.as_of is None else settings.as_of
    purchases = fit(summary["frequency"], summary["recency"], summary["T"])
    frequency, recency, T = _histories(summary)
    horizon = settings.periods * length
    spend = None
    # A fit that did not converge may predict NaN (the report says why) and
    # numpy would warn about it on the way.
    with np.errstate(all="ignore"):
        predicted = pd.DataFrame(
            {
                "p_alive": purchases.p_alive(frequency, recency, T),
                "expected_purchases": purchases.expected_purchases(
                    horizon, frequency, recency, T
                ),
            },
            index=summary.index,
        )
        if values is not None:
            mean_spend = summary["monetary_value"].to_numpy(dtype=np.float64)
            spend = cx.fit_gamma_gamma(frequency, mean_spend)
            predicted["expected_spend"] = spend.expected_spend(frequency, mean_spend)
            predicted["lifetime_value"] = cx.lifetime_value(
                purchases,
                spend,
                frequency,
                recency,
                T,
                mean_spend,
                periods=settings.periods,
                period_length=length,
                discount_rate=settings.discount_rate,
            )
    holdout = calibration = None
    if settings.calibration_end is not None:
        split = cx.rfm_summary(
            customers,
            dates,
            unit=span,
            observation_end=settings.as_of,
            calibration_end=settings.calibration_end,
        )
        calibration = fit(split["frequency"], split["recency"], split["T"])
        holdout = cx.holdout_check(calibration, split)
    return ValueAnalysis(
        settings=settings,
        unit_days=unit_days,
        period_length=length,
        as_of=_day(as_of),
        n_missing=int(summary.attrs["n_missing"]),
        summary=summary,
        purchases=purchases,
        spend=spend,
        customers=predicted,
        holdout=holdout,
        calibration=calibration,
    )


# ---------------------------------------------------------------------------
# The blocks


def _unit_text(analysis: ValueAnalysis) -> str:
    """``W (7 days)``: the unit as given, and its length."""
    return f"{analysis.settings.unit} ({analysis.unit_days:g} days)"


def _period_text(analysis: ValueAnalysis) -> str:
    """``12 periods of 4.348 W (months of 365.25/12 days)``."""
    settings = analysis.settings
    text = f"{settings.periods} periods of {analysis.period_length:.4g} {settings.unit}"
    if settings.period_length is None:
        text += " (months of 365.25/12 days)"
    return text


def value_section(analysis: ValueAnalysis, *, source: str) -> Section:
    """The customers, how many are still active, and their expected purchases and value.

    Rows ``customers``, ``repeat_customers`` (the share with repeat
    purchases), ``p_alive`` (the mean P(alive): the share of customers
    expected to be active), ``expected_purchases`` (all the customers
    together, over the periods ahead) and, with values, ``lifetime_value``
    (their sum, discounted). The facts give the time unit, the as-of date,
    the model and the periods.
    """
    settings = analysis.settings
    summary, predicted = analysis.summary, analysis.customers
    n = len(summary)
    repeat = int((summary["frequency"] > 0).sum())
    rows = [
        Row(
            key="customers",
            label="Customers",
            value=float(n),
            unit="count",
            n=n,
            n_missing=analysis.n_missing,
        ),
        Row(
            key="repeat_customers",
            label="with repeat purchases",
            value=repeat / n,
            unit="share",
            count=repeat,
            indent=1,
        ),
        Row(
            key="p_alive",
            label="Still active (mean P(alive))",
            value=float(predicted["p_alive"].mean(skipna=False)),
            unit="share",
            n=n,
        ),
        Row(
            key="expected_purchases",
            label=f"Purchases expected, next {settings.periods} periods",
            value=float(predicted["expected_purchases"].sum(skipna=False)),
            unit="number",
            n=n,
        ),
    ]
    if analysis.spend is not None:
        rows.append(
            Row(
                key="lifetime_value",
                label=f"Value of the next {settings.periods} periods",
                value=float(predicted["lifetime_value"].sum(skipna=False)),
                unit="money",
                n=n,
            )
        )
    note = f"{source}; observed to {analysis.as_of}"
    if analysis.n_missing:
        note += f" ({analysis.n_missing:,} with a missing customer, date or value"
        note += " left out)"
    note += f"; {_LABELS[settings.model]}"
    if analysis.spend is not None:
        note += " and Gamma-Gamma"
    note += f"; times in {_unit_text(analysis)}; {_period_text(analysis)}"
    if analysis.spend is not None:
        rate = settings.discount_rate
        note += f", discounted at {rate:g} per period" if rate else ", not discounted"
    facts: dict[str, Cell] = {
        "as_of": analysis.as_of,
        "unit": settings.unit,
        "unit_days": analysis.unit_days,
        "model": settings.model,
        "periods": settings.periods,
        "period_length": analysis.period_length,
        "discount_rate": settings.discount_rate,
        "calibration_end": None
        if settings.calibration_end is None
        else _day(settings.calibration_end),
    }
    return Section(
        key="value",
        title="Customer value",
        note=note,
        rows=tuple(rows),
        facts=facts,
    )


def _fitted(analysis: ValueAnalysis) -> list[tuple[str, Any]]:
    """The models of the report, by machine name."""
    models = [(analysis.settings.model, analysis.purchases)]
    if analysis.spend is not None:
        models.append(("gamma_gamma", analysis.spend))
    return models


def models_table(analysis: ValueAnalysis) -> Table:
    """One row per model: the customers fitted, the log-likelihood, converged."""
    models = _fitted(analysis)
    columns: list[tuple[Column, Any]] = [
        (Column(name="model", header="model", unit="text"), [n for n, _ in models]),
        (Column(name="n", header="customers", unit="count"), [m.n for _, m in models]),
        (
            Column(name="log_likelihood", header="log-likelihood", unit="number"),
            [m.log_likelihood for _, m in models],
        ),
        (
            Column(name="converged", header="converged", unit="flag"),
            [m.converged for _, m in models],
        ),
        (
            Column(name="message", header="message", unit="text", shown=False),
            [m.message for _, m in models],
        ),
    ]
    note = (
        f"maximum likelihood on the histories to {analysis.as_of}; Gamma-Gamma "
        "on the customers with repeat purchases"
        if analysis.spend is not None
        else f"maximum likelihood on the histories to {analysis.as_of}"
    )
    return table(key="models", title="Models", note=note, columns=columns)


def parameters_table(analysis: ValueAnalysis) -> Table:
    """One row per parameter of each model: the estimate and its standard error."""
    rows = [
        (name, parameter, value, model.standard_errors[parameter])
        for name, model in _fitted(analysis)
        for parameter, value in model.params.items()
    ]
    names: tuple[tuple[str, str, Unit], ...] = (
        ("model", "model", "text"),
        ("parameter", "parameter", "text"),
        ("value", "estimate", "estimate"),
        ("standard_error", "standard error", "estimate"),
    )
    columns = [
        (Column(name=name, header=header, unit=unit), [row[i] for row in rows])
        for i, (name, header, unit) in enumerate(names)
    ]
    return table(
        key="parameters",
        title="Parameters",
        note=f"times in {analysis.settings.unit}; standard errors from the "
        "observed information",
        columns=columns,
    )


def holdout_table(analysis: ValueAnalysis) -> Table:
    """Mean purchases after the calibration end: actual and predicted, by frequency.

    The rows are those of `cx.holdout_check`; its index (``0``, ``1``, ...,
    ``7+``) is the column ``frequency_bucket``, text, so that ``frequency``
    stays a whole number in every table of the report.
    """
    holdout = analysis.holdout
    calibration_end = analysis.settings.calibration_end
    assert holdout is not None, "an analysis with a calibration end"
    assert calibration_end is not None
    layout: tuple[tuple[str, str, Unit, Any], ...] = (
        ("frequency_bucket", "frequency", "text", holdout.index),
        ("customers", "customers", "count", holdout["customers"]),
        ("actual", "actual", "estimate", holdout["actual"]),
        ("predicted", "predicted", "estimate", holdout["predicted"]),
    )
    note = (
        f"{_LABELS[analysis.settings.model]} fitted on the purchases to "
        f"{_day(calibration_end)}; mean purchases per customer after it, to "
        f"{analysis.as_of}, by purchases before it"
    )
    return table(
        key="holdout",
        title="Holdout check",
        note=note,
        columns=[
            (Column(name=name, header=header, unit=unit), values)
            for name, header, unit, values in layout
        ],
    )


def top_customers_table(analysis: ValueAnalysis) -> Table:
    """The customers worth the most, with their histories and forecasts.

    Columns ``customer``, ``frequency``, ``recency``, ``t`` (the history's
    ``T``, its name in snake_case), ``monetary_value`` (with values),
    ``p_alive``, ``expected_purchases`` and, with values,
    ``expected_spend`` and ``lifetime_value``.
    """
    summary, predicted = analysis.summary, analysis.customers
    ranking = analysis.ranking
    order = np.argsort(-predicted[ranking].to_numpy(), kind="stable")
    top = order[: analysis.settings.top]
    rows, forecasts = summary.iloc[top], predicted.iloc[top]
    with_values = analysis.spend is not None
    layout: list[tuple[str, str, Unit, Any]] = [
        ("customer", "customer", "text", rows.index),
        ("frequency", "frequency", "count", rows["frequency"]),
        ("recency", "recency", "time", rows["recency"]),
        ("t", "T", "time", rows["T"]),
    ]
    if with_values:
        layout.append(("monetary_value", "mean spend", "money", rows["monetary_value"]))
    layout += [
        ("p_alive", "P(alive)", "share", forecasts["p_alive"]),
        (
            "expected_purchases",
            "expected purchases",
            "number",
            forecasts["expected_purchases"],
        ),
    ]
    if with_values:
        layout += [
            ("expected_spend", "expected spend", "money", forecasts["expected_spend"]),
            ("lifetime_value", "lifetime value", "money", forecasts["lifetime_value"]),
        ]
    by = "value" if with_values else "expected purchases"
    note = (
        f"by {by} over the next {_period_text(analysis)}; recency and T in "
        f"{analysis.settings.unit}"
    )
    return table(
        key="top_customers",
        title=f"Top {len(top):,} customers",
        note=note,
        columns=[
            (Column(name=name, header=header, unit=unit), values)
            for name, header, unit, values in layout
        ],
    )


def value_blocks(analysis: ValueAnalysis, *, source: str) -> list[Block]:
    """The blocks of the report, in print order."""
    blocks: list[Block] = [
        value_section(analysis, source=source),
        models_table(analysis),
        parameters_table(analysis),
    ]
    if analysis.holdout is not None:
        blocks.append(holdout_table(analysis))
    blocks.append(top_customers_table(analysis))
    return blocks


def fit_warnings(analysis: ValueAnalysis) -> list[str]:
    """A warning for each fit that did not converge, saying why."""
    fits = _fitted(analysis)
    if analysis.calibration is not None:
        fits.append((analysis.settings.model, analysis.calibration))
    return [
        f"value: the {_LABELS[name]} fit"
        + (" of the calibration period" if model is analysis.calibration else "")
        + f" did not converge: {model.message}"
        for name, model in fits
        if not model.converged
    ]


# ---------------------------------------------------------------------------
# The command


def _settings(args: argparse.Namespace) -> ValueSettings:
    if args.discount_rate is not None and args.value is None:
        raise InputError(
            "value: --discount-rate applies to the lifetime value, which needs --value"
        )
    return ValueSettings(
        model=args.model,
        unit=args.unit,
        periods=args.periods,
        period_length=args.period_length,
        discount_rate=0.0 if args.discount_rate is None else args.discount_rate,
        top=args.top,
        as_of=None
        if args.as_of is None
        else parse_date("value", "--as-of", args.as_of),
        calibration_end=None
        if args.calibration_end is None
        else parse_date("value", "--calibration-end", args.calibration_end),
    )


def build(args: argparse.Namespace) -> Report:
    """``cxmetrics value``: read the file and build the report."""
    settings = _settings(args)
    unit_span(settings.unit)  # a bad unit is refused before the file is read
    frame = read_table("value", args.file, [args.customer, args.date, args.value])
    analysis = analyse(
        frame[args.customer],
        read_dates("value", frame, args.date),
        None if args.value is None else read_numbers("value", frame, args.value),
        settings,
    )
    plots = args.plots
    if analysis.holdout is not None:
        holdout = analysis.holdout
        save_chart(
            "value",
            plots,
            "holdout",
            lambda ax: plotting.plot_holdout(holdout, ax=ax),
        )
    frequency = analysis.summary["frequency"]
    save_chart(
        "value",
        plots,
        "p_alive",
        lambda ax: plotting.plot_p_alive(
            analysis.purchases,
            float(analysis.summary["T"].max()),
            max_frequency=int(min(max(frequency.max(), 1), 20)),
            ax=ax,
        ),
    )
    return file_report(
        "value",
        args.file,
        None,
        value_blocks(analysis, source=source_note(args.file, frame)),
        fit_warnings(analysis),
    )
