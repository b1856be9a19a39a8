"""Customer lifetime value from a purchase model and a spend model."""

from __future__ import annotations

from typing import Any

import numpy as np

from cxmetrics._validation import InputError, check_positive_int, check_same_index
from cxmetrics.value._base import as_output, numbers
from cxmetrics.value.bgnbd import BGNBDModel
from cxmetrics.value.gamma_gamma import GammaGammaModel
from cxmetrics.value.pareto_nbd import ParetoNBDModel

__all__ = ["lifetime_value"]


def _positive_number(func: str, name: str, value: object, *, strict: bool) -> float:
    array, scalar = numbers(func, name, value)
    number = float(array) if scalar else np.nan
    ok = scalar and np.isfinite(number) and (number > 0 if strict else number >= 0)
    if not ok:
        rule = "a positive number" if strict else "a number >= 0"
        raise InputError(f"{func}: {name} must be {rule}; got {value!r}")
    return number


def lifetime_value(
    purchase_model: BGNBDModel | ParetoNBDModel,
    spend_model: GammaGammaModel,
    frequency: Any,
    recency: Any,
    T: Any,
    monetary_value: Any,
    *,
    periods: int,
    period_length: float = 1.0,
    discount_rate: float = 0.0,
) -> Any:
    r"""Expected value of each customer's purchases over the periods ahead.

    Parameters
    ----------
    purchase_model : BGNBDModel or ParetoNBDModel
        The fitted purchase model.
    spend_model : GammaGammaModel
        The fitted spend model.
    frequency, recency, T : float or array_like
        Each customer's history, in the unit of the purchase model's data.
    monetary_value : float or array_like
        Mean value of each customer's repeat purchases (ignored where
        frequency is 0, which get the population's mean spend).
    periods : int
        How many periods ahead to count (>= 1).
    period_length : float
        The length of a period in the unit of the purchase model's data:
        with weekly data, ``period_length=52 / 12`` for months of a twelfth
        of a year. Nothing is assumed: the unit is the one you fitted in.
    discount_rate : float
        Discount rate per period (>= 0); the value of period i is divided
        by ``(1 + discount_rate) ** i``.

    Returns
    -------
    float or numpy.ndarray
        The value, in the unit of ``monetary_value`` (revenue: multiply by
        a margin for profit): a float when every input is a scalar, else an
        array of the broadcast shape.

    Raises
    ------
    InputError
        Models of the wrong kind; a bad history or spend (see the models);
        ``periods``, ``period_length`` or ``discount_rate`` out of range.

    Notes
    -----
    With :math:`E(t)` the purchase model's conditional expectation of
    purchases in :math:`(T, T + t]`, :math:`L` the period length and
    :math:`d` the discount rate,

    .. math::

        \text{CLV} = E[Z \mid x, \bar z] \sum_{i=1}^{n}
            \frac{E(iL) - E((i-1)L)}{(1 + d)^i},

    the purchases expected in each period valued at the expected spend and
    discounted to today. Spend and purchases are taken as independent (the
    Gamma-Gamma model's assumption).

    Examples
    --------
    A year of twelve months ahead, from weekly data, at 1% a month:

    >>> import cxmetrics as cx
    >>> from cxmetrics.value import BGNBDModel, GammaGammaModel
    >>> purchases = BGNBDModel.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> spend = GammaGammaModel.from_params(p=6.25, q=3.74, v=15.44)
    >>> value = cx.lifetime_value(purchases, spend, 2, 30.43, 38.86, 22.35,
    ...                           periods=12, period_length=52 / 12,
    ...                           discount_rate=0.01)
    >>> round(value, 2)
    36.21
    """
    func = "lifetime_value"
    if not isinstance(purchase_model, (BGNBDModel, ParetoNBDModel)):
        raise InputError(
            f"{func}: purchase_model must be a BGNBDModel or ParetoNBDModel; got "
            f"{type(purchase_model).__name__}"
        )
    if not isinstance(spend_model, GammaGammaModel):
        raise InputError(
            f"{func}: spend_model must be a GammaGammaModel; got "
            f"{type(spend_model).__name__}"
        )
    count = check_positive_int(func, "periods", periods)
    length = _positive_number(func, "period_length", period_length, strict=True)
    rate = _positive_number(func, "discount_rate", discount_rate, strict=False)
    check_same_index(
        func,
        {
            "frequency": frequency,
            "recency": recency,
            "T": T,
            "monetary_value": monetary_value,
        },
    )
    spend = spend_model.expected_spend(frequency, monetary_value)
    scalar = np.ndim(spend) == 0 and all(
        np.ndim(v) == 0 for v in (frequency, recency, T, monetary_value)
    )
    spend = np.asarray(spend, dtype=np.float64)
    total: Any = 0.0
    before: Any = 0.0
    for i in range(1, count + 1):
        after = purchase_model.expected_purchases(i * length, frequency, recency, T)
        total = total + (np.asarray(after) - before) / (1.0 + rate) ** i
        before = np.asarray(after)
    value = np.asarray(spend * total, dtype=np.float64)
    return as_output(value, scalar)
