"""Customer lifetime value at constant revenue, margin and churn."""

from __future__ import annotations

from typing import Any

import numpy as np

from cxmetrics._retention_inputs import check_within, to_numbers
from cxmetrics._validation import InputError, format_count

__all__ = ["clv"]


def clv(
    arpa: Any,
    gross_margin: Any,
    churn_rate: Any,
    *,
    discount_rate: Any = 0.0,
) -> Any:
    r"""Customer lifetime value at constant revenue, margin and churn.

    Parameters
    ----------
    arpa : float or array_like
        Average revenue per account per period (>= 0).
    gross_margin : float or array_like
        Gross margin as a fraction, 0 to 1.
    churn_rate : float, array_like or RateResult
        Churn per period, 0 to 1 (a `RateResult` gives its ``value``).
    discount_rate : float or array_like
        Discount rate per period (>= 0), e.g. ``0.01`` a month.

    Returns
    -------
    float or numpy.ndarray
        The value, in the unit of ``arpa``: a float when every input is a
        scalar, else an array of the inputs' broadcast shape.

    Raises
    ------
    InputError
        Negative ARPA; margin, churn or a discount rate out of range or
        missing; churn 0 with discount 0 (an infinite lifetime); shapes
        that do not broadcast.

    Notes
    -----
    A customer pays :math:`\text{ARPA}` at the start of each period it is
    still a customer; it stays from one period to the next with
    probability :math:`r = 1 - c`, so its lifetime is geometric with mean
    :math:`1/c` periods. With margin :math:`m` and discount rate :math:`d`,

    .. math::

        \text{CLV} = \sum_{t=0}^{\infty} \frac{m\,\text{ARPA}\,r^t}{(1+d)^t}
            = \frac{m\,\text{ARPA}\,(1+d)}{1+d-r}
            = \frac{m\,\text{ARPA}\,(1+d)}{d + c},

    which is :math:`m\,\text{ARPA}/c` when :math:`d = 0`. The assumptions
    (churn, revenue and margin constant over the lifetime, every customer
    alike) rarely hold exactly: churn usually falls with tenure, which this
    formula ignores. See the customer-lifetime guide for a lifetime read off
    a Kaplan-Meier curve instead.

    Examples
    --------
    ARPA of 50 a month at an 80% margin and 2% monthly churn:

    >>> import cxmetrics as cx
    >>> cx.clv(50, 0.8, 0.02)
    2000.0
    >>> round(cx.clv(50, 0.8, 0.02, discount_rate=0.01), 2)
    1346.67
    """
    func = "clv"
    revenue, scalar_a = to_numbers(func, "arpa", arpa)
    margin, scalar_m = to_numbers(func, "gross_margin", gross_margin)
    churn, scalar_c = to_numbers(func, "churn_rate", churn_rate)
    discount, scalar_d = to_numbers(func, "discount_rate", discount_rate)
    check_within(func, "arpa", revenue, 0.0)
    check_within(func, "gross_margin", margin, 0.0, 1.0)
    check_within(func, "churn_rate", churn, 0.0, 1.0)
    check_within(func, "discount_rate", discount, 0.0)
    try:
        revenue, margin, churn, discount = np.broadcast_arrays(
            revenue, margin, churn, discount
        )
    except ValueError:
        raise InputError(
            f"{func}: arpa, gross_margin, churn_rate and discount_rate of shapes "
            f"{revenue.shape}, {margin.shape}, {churn.shape} and {discount.shape} "
            "do not broadcast together"
        ) from None
    forever = (churn == 0) & (discount == 0)
    if forever.any():
        count = ""
        if forever.ndim:
            count = (
                f" in {format_count(int(forever.sum()))} of "
                f"{format_count(forever.size)} cases"
            )
        raise InputError(
            f"{func}: churn_rate and discount_rate are both 0{count}: the expected "
            "lifetime is infinite and so is the value; give a churn rate or a "
            "discount rate above 0"
        )
    value = margin * revenue * (1.0 + discount) / (discount + churn)
    if scalar_a and scalar_m and scalar_c and scalar_d:
        return float(value)
    return value
