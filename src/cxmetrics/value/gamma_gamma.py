r"""The Gamma-Gamma model of spend per transaction (Fader, Hardie and Lee 2005).

Each transaction of a customer is worth :math:`z \sim \text{Gamma}(p, \nu)`
(shape :math:`p`, rate :math:`\nu`), so the customer's mean transaction is
:math:`p/\nu`; across customers :math:`\nu \sim \text{Gamma}(q, v)`. The
model assumes that spend and purchase frequency are independent.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import attrs
import numpy as np
from scipy import special

from cxmetrics._validation import (
    InputError,
    check_same_index,
    format_count,
    format_examples,
)
from cxmetrics.value._base import (
    FittedModel,
    FloatArray,
    as_output,
    check_frequency,
    distinct_values,
    fit_histories,
    from_params,
    maximize,
    model_fields,
    numbers,
    weighted_sum,
)

__all__ = ["GammaGammaModel", "fit_gamma_gamma"]

NAMES = ("p", "q", "v")


def _objective(x: FloatArray, m: FloatArray, w: FloatArray, n: float) -> Any:
    """Mean negative log-likelihood on log-parameters, gradient and Hessian."""
    xs, ix = distinct_values(x)
    w_x = np.bincount(ix, weights=w, minlength=xs.size)
    # Terms of the data alone, summed once: sum w x log m, sum w x log x.
    x_log_m = weighted_sum(w, x * np.log(m))
    x_log_x = weighted_sum(w_x, xs * np.log(xs))
    log_m = weighted_sum(w, np.log(m))
    xm = x * m

    def objective(theta: FloatArray, order: int) -> tuple[float, Any, Any]:
        p, q, v = np.exp(theta)
        gl, psi = special.gammaln, special.digamma
        px = p * xs
        log_vxm = np.log(v + xm)
        value = weighted_sum(w_x, gl(px + q) - gl(px))
        value += n * (q * math.log(v) - gl(q))
        value += p * (x_log_m + x_log_x) - log_m
        value -= weighted_sum(w, (p * x + q) * log_vxm)
        if order == 0:
            return -value / n, None, None
        inv_vxm = 1.0 / (v + xm)
        psi_pxq = psi(px + q)
        g = np.array(
            [
                weighted_sum(w_x, xs * (psi_pxq - psi(px)))
                + x_log_m
                + x_log_x
                - weighted_sum(w, x * log_vxm),
                weighted_sum(w_x, psi_pxq)
                + n * (math.log(v) - psi(q))
                - weighted_sum(w, log_vxm),
                n * q / v - weighted_sum(w, (p * x + q) * inv_vxm),
            ]
        )
        phi = np.array([p, q, v])
        gradient = -(phi * g) / n
        if order == 1:
            return -value / n, gradient, None
        tg = special.polygamma
        tri_pxq = tg(1, px + q)
        h = np.empty((3, 3))
        h[0, 0] = weighted_sum(w_x, xs**2 * (tri_pxq - tg(1, px)))
        h[0, 1] = weighted_sum(w_x, xs * tri_pxq)
        h[0, 2] = -weighted_sum(w, x * inv_vxm)
        h[1, 1] = weighted_sum(w_x, tri_pxq) - n * tg(1, q)
        h[1, 2] = n / v - weighted_sum(w, inv_vxm)
        h[2, 2] = -n * q / v**2 + weighted_sum(w, (p * x + q) * inv_vxm**2)
        h = np.triu(h) + np.triu(h, 1).T
        hessian = -(np.outer(phi, phi) * h + np.diag(phi * g)) / n
        return -value / n, gradient, hessian

    return objective


def _starts(m: FloatArray, w: FloatArray) -> list[tuple[float, float, float]]:
    """A few shapes, v set so that the mean spend matches the data."""
    mean = weighted_sum(w, m) / float(w.sum())
    return [
        (p, q, mean * (q - 1.0) / p) for p, q in ((1.0, 2.0), (5.0, 4.0), (2.0, 10.0))
    ]


def _check_spend(
    func: str, frequency: FloatArray, monetary_value: FloatArray, *, fit: bool
) -> None:
    """Spend must be positive where there are repeat purchases."""
    bad = (frequency > 0) & ~(monetary_value > 0) & ~np.isnan(monetary_value)
    if np.any(bad):
        shown = np.broadcast_to(monetary_value, bad.shape)[bad]
        raise InputError(
            f"{func}: {format_count(int(bad.sum()))} of {format_count(bad.size)} "
            f"monetary_value values are not positive where frequency is above 0 "
            f"({format_examples(shown.ravel())}); the Gamma-Gamma model is for "
            "positive spend"
            + (" (leave refunds and free orders out of the mean)" if fit else "")
        )


@attrs.frozen(kw_only=True, eq=False)
class GammaGammaModel(FittedModel):
    """A fitted Gamma-Gamma spend model (see `fit_gamma_gamma`).

    ``params`` holds ``p``, ``q`` and ``v``; ``n`` counts the customers
    with repeat purchases, the only ones fitted.
    """

    _label: ClassVar[str] = "Gamma-Gamma"

    @property
    def mean_spend(self) -> float:
        """Mean transaction value in the population, p v / (q - 1); inf if q <= 1."""
        p, q, v = (self.params[k] for k in NAMES)
        return p * v / (q - 1.0) if q > 1.0 else math.inf

    def expected_spend(self, frequency: Any, monetary_value: Any) -> Any:
        r"""Expected value of each customer's future transactions.

        Parameters
        ----------
        frequency : float or array_like
            Repeat purchases (whole numbers >= 0).
        monetary_value : float or array_like
            Mean value of the repeat purchases (> 0 where frequency > 0;
            ignored where it is 0). They broadcast.

        Returns
        -------
        float or numpy.ndarray
            The conditional expected transaction value: a float when both
            inputs are scalars, else an array of the broadcast shape; NaN
            where an input is NaN.

        Raises
        ------
        InputError
            A negative or fractional frequency; a spend that is not
            positive where frequency is above 0.

        Notes
        -----
        The posterior mean of :math:`p/\nu` after :math:`x` transactions of
        mean :math:`\bar z`,

        .. math::

            E[Z \mid x, \bar z] = \frac{p\,(v + x \bar z)}{p x + q - 1}
                = \frac{q - 1}{p x + q - 1} \frac{p v}{q - 1}
                + \frac{p x}{p x + q - 1} \bar z,

        a weighted mean of the population's mean spend and the customer's
        own. For x = 0 it is the population's mean, ``mean_spend``; it is
        infinite when :math:`p x + q \le 1`.

        Examples
        --------
        >>> from cxmetrics.value import GammaGammaModel
        >>> model = GammaGammaModel.from_params(p=6.25, q=3.74, v=15.44)
        >>> round(model.expected_spend(2, 22.35), 2)
        24.66
        """
        func = "expected_spend"
        check_same_index(
            func, {"frequency": frequency, "monetary_value": monetary_value}
        )
        x, scalar_x = numbers(func, "frequency", frequency)
        m, scalar_m = numbers(func, "monetary_value", monetary_value)
        try:
            x, m = np.broadcast_arrays(x, m)
        except ValueError:
            raise InputError(
                f"{func}: frequency and monetary_value of shapes {x.shape} and "
                f"{m.shape} do not broadcast together"
            ) from None
        check_frequency(func, x)
        _check_spend(func, x, m, fit=False)
        p, q, v = (self.params[k] for k in NAMES)
        denominator = p * x + q - 1.0
        with np.errstate(divide="ignore", invalid="ignore"):
            spend = p * (v + x * np.where(x > 0, m, 0.0)) / denominator
        spend = np.where(denominator > 0, spend, np.where(np.isnan(x), np.nan, np.inf))
        return as_output(spend, scalar_x and scalar_m)

    @classmethod
    def from_params(cls, *, p: float, q: float, v: float) -> GammaGammaModel:
        """A model with given parameters, e.g. published estimates."""
        return from_params(cls, dict(zip(NAMES, (p, q, v), strict=True)))


def fit_gamma_gamma(
    frequency: Any,
    monetary_value: Any,
    *,
    weights: Any = None,
    nan_policy: str = "omit",
) -> GammaGammaModel:
    r"""Fit the Gamma-Gamma model of spend per transaction by maximum likelihood.

    Parameters
    ----------
    frequency : array_like
        Repeat purchases of each customer (whole numbers >= 0); customers
        with none are left out of the fit.
    monetary_value : array_like
        Mean value of each customer's repeat purchases (> 0 where
        frequency > 0), e.g. the ``monetary_value`` column of `rfm_summary`.
    weights : array_like, optional
        How many customers share each row (whole numbers >= 0).
    nan_policy : {'omit', 'raise'}
        Rows with a missing value: left out and counted, or an error.

    Returns
    -------
    GammaGammaModel
        ``params`` (``p``, ``q``, ``v``), ``standard_errors``,
        ``log_likelihood``, ``n`` (customers with repeat purchases),
        ``converged`` and ``message``; method ``expected_spend``.

    Raises
    ------
    InputError
        Arrays of different lengths; a negative or fractional frequency; a
        spend that is not positive where frequency is above 0; bad weights;
        fewer than two customers with repeat purchases.

    Notes
    -----
    The density of the mean :math:`\bar z` of :math:`x` transactions is

    .. math::

        f(\bar z \mid x) = \frac{\Gamma(p x + q)}{\Gamma(p x)\,\Gamma(q)}
            \frac{v^q\, x^{p x}\, \bar z^{p x - 1}}{(v + x \bar z)^{p x + q}},

    and the log-likelihood is the sum of its logs (in full: the density of
    the means, not up to a constant). It is maximized over the logs of the
    parameters with the analytic gradient and Hessian, as in `fit_bgnbd`.
    The model assumes spend does not depend on frequency: check that the
    correlation between ``frequency`` and ``monetary_value`` is small.

    References
    ----------
    .. [1] Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). RFM and
       CLV: using iso-value curves for customer base analysis. Journal of
       Marketing Research 42(4), 415-430.
    .. [2] Fader, P. S. and Hardie, B. G. S. (2013). The Gamma-Gamma model
       of monetary value.

    Examples
    --------
    >>> import cxmetrics as cx
    >>> log = cx.datasets.load_transactions()
    >>> rfm = cx.rfm_summary(log["customer_id"], log["date"], log["amount"])
    >>> spend = cx.fit_gamma_gamma(rfm["frequency"], rfm["monetary_value"])
    >>> spend.converged, spend.n
    (True, 1440)
    """
    func = "fit_gamma_gamma"
    (x, m), w, _, n_missing = fit_histories(
        func,
        (("frequency", frequency), ("monetary_value", monetary_value)),
        weights=weights,
        nan_policy=nan_policy,
    )
    check_frequency(func, x)
    _check_spend(func, x, m, fit=True)
    repeat = x > 0
    x, m, w = x[repeat], m[repeat], w[repeat]
    n = int(w.sum())
    if n < 2:
        raise InputError(
            f"{func}: a fit needs at least two customers with repeat purchases; got {n}"
        )
    optimum = maximize(
        _objective(x, m, w, float(n)),
        _starts(m, w),
        names=NAMES,
        n=n,
        analytic_hessian=True,
    )
    return GammaGammaModel(**model_fields(NAMES, optimum, n=n, n_missing=n_missing))
