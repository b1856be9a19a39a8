r"""The Pareto/NBD model of repeat purchasing (Schmittlein, Morrison and Colombo 1987).

While alive, a customer buys at rate :math:`\lambda` (a Poisson process);
its lifetime is exponential with rate :math:`\mu`, unseen. Across
customers :math:`\lambda \sim \text{Gamma}(r, \alpha)` and
:math:`\mu \sim \text{Gamma}(s, \beta)` (shapes and rates).

The term of the likelihood for customers who may have dropped out between
their last purchase and the end of the observation is usually written with
the Gauss hypergeometric function (Fader and Hardie's :math:`A_0`). Here
it is the integral it stands for,

.. math::

    I = \int_{t_x}^{T} (\alpha + \tau)^{-(r + x)}\,
        (\beta + \tau)^{-(s + 1)}\, d\tau,

computed by double-exponential (tanh-sinh) quadrature after the change of
variable :math:`v = ((\alpha + t_x) / (\alpha + \tau))^{r + s + x}`, which
takes out the steep power so that the integrand left is bounded between 1
and :math:`((\beta + t_x)/(\alpha + t_x))^{s + 1}`. The derivatives of
:math:`I` with respect to the parameters are integrals of the same kind,
computed on the same nodes: the gradient is analytic, and nothing is ever
formed that could overflow.
"""

from __future__ import annotations

import functools
import math
from typing import Any, ClassVar

import attrs
import numpy as np
from scipy import special

from cxmetrics.value._base import (
    FittedModel,
    FloatArray,
    as_output,
    check_histories,
    check_period,
    distinct_values,
    fit_histories,
    from_params,
    histories,
    maximize,
    model_fields,
    numbers,
    require_repeat_purchases,
    weighted_sum,
)

__all__ = ["ParetoNBDModel", "fit_pareto_nbd"]

NAMES = ("r", "alpha", "s", "beta")

#: Step and half-width of the tanh-sinh rule (73 nodes; relative error of
#: I below 1e-11 over a wide grid of parameters and histories).
_STEP = 1.0 / 12.0
_HALF_WIDTH = 3.0
#: Histories per block when predicting, to bound the memory of the nodes.
_BLOCK = 20_000


@functools.cache
def _nodes() -> tuple[FloatArray, FloatArray]:
    """Tanh-sinh nodes and weights on (0, 1)."""
    t = np.arange(-_HALF_WIDTH, _HALF_WIDTH + _STEP / 2, _STEP)
    arg = math.pi * np.sinh(t)
    u = special.expit(arg)
    weights = _STEP * math.pi * np.cosh(t) * u * special.expit(-arg)
    return u, weights


@attrs.frozen
class _Terms:
    """The pieces of the likelihood of each history."""

    log_alive: FloatArray  # B: log of the term of customers alive at T
    log_dead: FloatArray  # S: log s + log I
    # Quadrature means of the derivatives of log I (None unless asked):
    d_r: FloatArray | None = None
    d_alpha: FloatArray | None = None
    d_s: FloatArray | None = None
    d_beta: FloatArray | None = None


def _terms(
    params: tuple[float, float, float, float],
    x: FloatArray,
    tx: FloatArray,
    T: FloatArray,
    *,
    derivatives: bool,
) -> _Terms:
    """B, log s + log I and, optionally, the derivatives of log I.

    The change of variable uses the larger of alpha and beta (``shift``,
    with its power ``own``); the factor of the other (``offset``, power
    ``other``) is then at most 1 and falls smoothly away from the last
    purchase, as in Fader and Hardie's choice of the form of A0.
    """
    r, alpha, s, beta = params
    u, weights = _nodes()
    k = r + s + x
    by_alpha = alpha >= beta
    shift, offset = (alpha, beta) if by_alpha else (beta, alpha)
    own, other = (r + x, s + 1.0) if by_alpha else (s + 1.0, r + x)
    log_shift = np.log(shift + tx)
    log_offset = np.log(offset + tx)
    log_alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    log_v_T = (k * -np.log1p((T - tx) / (shift + tx)))[:, None]
    one_minus_v_T = -np.expm1(log_v_T)
    log_v = np.log(np.exp(log_v_T) + one_minus_v_T * u)
    log_rho = log_v / k[:, None]
    c = ((shift - offset) / (offset + tx))[:, None]  # >= 0
    log_q = np.log1p(-c * np.expm1(log_rho))  # q = 1 + c (1 - rho) >= 1
    other_ = np.reshape(other, (-1, 1)) if np.ndim(other) else other
    w = weights * np.exp(-other_ * log_q)
    total = w.sum(axis=1)
    log_integral = (
        (1.0 - own) * log_shift
        - other * log_offset
        - np.log(k)
        + np.log(one_minus_v_T[:, 0] * total)
    )
    log_dead = math.log(s) + log_integral
    if not derivatives:
        return _Terms(log_alive, log_dead)
    w /= total[:, None]
    rho = np.exp(log_rho)
    mean_log_rho = (w * log_rho).sum(axis=1)
    # Quadrature means of log(z + tau) and 1 / (z + tau) for both shifts.
    mean_log_shift = log_shift - mean_log_rho
    mean_inv_shift = (w * rho).sum(axis=1) / (shift + tx)
    mean_log_offset = log_offset + (w * log_q).sum(axis=1) - mean_log_rho
    mean_inv_offset = (w * rho * np.exp(-log_q)).sum(axis=1) / (offset + tx)
    if by_alpha:
        log_a, inv_a, log_b, inv_b = (
            mean_log_shift,
            mean_inv_shift,
            mean_log_offset,
            mean_inv_offset,
        )
    else:
        log_a, inv_a, log_b, inv_b = (
            mean_log_offset,
            mean_inv_offset,
            mean_log_shift,
            mean_inv_shift,
        )
    return _Terms(
        log_alive,
        log_dead,
        d_r=-log_a,
        d_alpha=-(r + x) * inv_a,
        d_s=-log_b,
        d_beta=-(s + 1.0) * inv_b,
    )


def _objective(
    x: FloatArray, tx: FloatArray, T: FloatArray, w: FloatArray, n: float
) -> Any:
    """The mean negative log-likelihood on log-parameters, with its gradient."""
    xs, ix = distinct_values(x)
    w_x = np.bincount(ix, weights=w, minlength=xs.size)

    def objective(theta: FloatArray, order: int) -> tuple[float, Any, None]:
        params = np.exp(theta)
        r, alpha, s, beta = params
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            terms = _terms((r, alpha, s, beta), x, tx, T, derivatives=order > 0)
            mix = np.logaddexp(terms.log_alive, terms.log_dead)
        gl = special.gammaln
        value = weighted_sum(w_x, gl(r + xs) - gl(r))
        value += n * (r * math.log(alpha) + s * math.log(beta)) + weighted_sum(w, mix)
        if order == 0:
            return -value / n, None, None
        assert terms.d_r is not None
        assert terms.d_alpha is not None
        assert terms.d_s is not None
        assert terms.d_beta is not None
        dead = np.exp(terms.log_dead - mix)  # 1 - P(alive)
        alive = np.exp(terms.log_alive - mix)
        wd, wa = w * dead, w * alive
        psi = special.digamma
        g = np.array(
            [
                weighted_sum(w_x, psi(r + xs) - psi(r))
                + n * math.log(alpha)
                - weighted_sum(wa, np.log(alpha + T))
                + weighted_sum(wd, terms.d_r),
                n * r / alpha
                - weighted_sum(wa, (r + x) / (alpha + T))
                + weighted_sum(wd, terms.d_alpha),
                n * math.log(beta)
                - weighted_sum(wa, np.log(beta + T))
                + weighted_sum(wd, 1.0 / s + terms.d_s),
                n * s / beta
                - s * weighted_sum(wa, 1.0 / (beta + T))
                + weighted_sum(wd, terms.d_beta),
            ]
        )
        return -value / n, -(params * g) / n, None

    return objective


def _starts(
    x: FloatArray, T: FloatArray, w: FloatArray
) -> list[tuple[float, float, float, float]]:
    rate = max(weighted_sum(w, x), 1.0) / max(weighted_sum(w, T), 1e-12)
    span = max(weighted_sum(w, T) / float(w.sum()), 1e-12)
    starts = []
    for r, s, scale in (
        (1.0, 1.0, 1.0),
        (0.5, 0.5, 1.0),
        (1.0, 1.0, 4.0),
        (2.0, 2.0, 0.25),
    ):
        starts.append((r, r / rate, s, s * span * scale))
    return starts


# ---------------------------------------------------------------------------
# Predictions


def _p_alive(
    params: dict[str, float], x: FloatArray, tx: FloatArray, T: FloatArray
) -> FloatArray:
    """P(alive) from the two terms of the likelihood, in blocks of histories."""
    values = (params["r"], params["alpha"], params["s"], params["beta"])
    flat = [np.ravel(a) for a in (x, tx, T)]
    out = np.empty(flat[0].size)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for start in range(0, out.size, _BLOCK):
            part = slice(start, start + _BLOCK)
            terms = _terms(values, *(a[part] for a in flat), derivatives=False)
            out[part] = special.expit(terms.log_alive - terms.log_dead)
    return out.reshape(np.shape(x))


def _growth(shape: float, y: FloatArray) -> FloatArray:
    """(1 - (1 + y)^-shape) / shape, and its limit log(1 + y) at shape 0."""
    log_growth = np.log1p(y)
    if abs(shape) < 1e-12:
        return log_growth
    return -np.expm1(-shape * log_growth) / shape


@attrs.frozen(kw_only=True, eq=False)
class ParetoNBDModel(FittedModel):
    """A fitted Pareto/NBD model (see `fit_pareto_nbd`).

    ``params`` holds ``r``, ``alpha`` (purchase rates), ``s`` and ``beta``
    (drop-out rates); times are in the unit of the data fitted.
    """

    _label: ClassVar[str] = "Pareto/NBD"

    def p_alive(self, frequency: Any, recency: Any, T: Any) -> Any:
        r"""Probability that each customer is still alive at ``T``.

        Parameters
        ----------
        frequency, recency, T : float or array_like
            Each customer's repeat purchases, time of the last purchase and
            length of observation, in the unit of the data fitted; they
            broadcast.

        Returns
        -------
        float or numpy.ndarray
            P(alive), 0 to 1: a float when every input is a scalar, else an
            array of the broadcast shape; NaN where an input is NaN.

        Raises
        ------
        InputError
            A history that breaks the rules (see `fit_bgnbd`).

        Notes
        -----
        With :math:`I` the integral of the module notes,

        .. math::

            P(\text{alive}) = \frac{(\alpha + T)^{-(r+x)} (\beta + T)^{-s}}
                {(\alpha + T)^{-(r+x)} (\beta + T)^{-s} + s\,I},

        computed from the logs of the two terms.

        Examples
        --------
        >>> from cxmetrics.value import ParetoNBDModel
        >>> model = ParetoNBDModel.from_params(
        ...     r=0.553, alpha=10.578, s=0.606, beta=11.669)
        >>> round(model.p_alive(2, 30.43, 38.86), 4)
        0.8692
        """
        x, tx, T_, scalar = histories("p_alive", frequency, recency, T)
        return as_output(_p_alive(self.params, x, tx, T_), scalar)

    def expected_purchases(
        self,
        t: Any,
        frequency: Any = None,
        recency: Any = None,
        T: Any = None,
    ) -> Any:
        r"""Expected purchases in the next ``t`` time units.

        Parameters
        ----------
        t : float or array_like
            Length of the period ahead, in the unit of the data fitted (>= 0).
        frequency, recency, T : float or array_like, optional
            The customers' histories (as in `p_alive`). Without them, the
            expectation for a customer just acquired, E[X(t)].

        Returns
        -------
        float or numpy.ndarray
            Expected purchases in ``(T, T + t]``: a float when every input
            is a scalar, else an array of the broadcast shape.

        Raises
        ------
        InputError
            A negative ``t``; histories given only in part, or breaking the
            rules.

        Notes
        -----
        (Schmittlein, Morrison and Colombo 1987; Fader and Hardie 2005)

        .. math::

            E[Y(t) \mid x, t_x, T] = P(\text{alive})\,
                \frac{(r + x)(\beta + T)}{(\alpha + T)(s - 1)}
                \left[1 - \left(\frac{\beta + T}{\beta + T + t}\right)^{s-1}
                \right],

        and :math:`E[X(t)]` is the same with x = 0, T = 0 and P(alive) = 1.
        At s = 1 the bracket over s - 1 is its limit,
        :math:`\ln(1 + t/(\beta + T))`.

        Examples
        --------
        >>> from cxmetrics.value import ParetoNBDModel
        >>> model = ParetoNBDModel.from_params(
        ...     r=0.553, alpha=10.578, s=0.606, beta=11.669)
        >>> round(model.expected_purchases(39, 2, 30.43, 38.86), 4)
        1.4551
        """
        func = "expected_purchases"
        period, scalar_t = numbers(func, "t", t)
        check_period(func, period)
        r, alpha, s, beta = (self.params[k] for k in NAMES)
        if frequency is None and recency is None and T is None:
            value = r * beta / alpha * _growth(s - 1.0, period / beta)
            return as_output(value, scalar_t)
        x, tx, T_, scalar = histories(func, frequency, recency, T, t=t)
        alive = _p_alive(self.params, x, tx, T_)
        rate = (r + x) * (beta + T_) / (alpha + T_)
        value = alive * rate * _growth(s - 1.0, period / (beta + T_))
        return as_output(value, scalar and scalar_t)

    @classmethod
    def from_params(
        cls, *, r: float, alpha: float, s: float, beta: float
    ) -> ParetoNBDModel:
        """A model with given parameters, e.g. published estimates.

        Its standard errors are NaN and its log-likelihood, ``n`` and
        covariance unknown (NaN, 0); it predicts like a fitted model.
        """
        model: ParetoNBDModel = from_params(
            cls, dict(zip(NAMES, (r, alpha, s, beta), strict=True))
        )
        return model


# ---------------------------------------------------------------------------
# The fit


def fit_pareto_nbd(
    frequency: Any,
    recency: Any,
    T: Any,
    *,
    weights: Any = None,
    nan_policy: str = "omit",
) -> ParetoNBDModel:
    r"""Fit the Pareto/NBD model of repeat purchasing by maximum likelihood.

    Parameters
    ----------
    frequency, recency, T : array_like
        Each customer's repeat purchases, time of the last purchase and
        length of observation, as for `fit_bgnbd`.
    weights : array_like, optional
        How many customers share each row (whole numbers >= 0).
    nan_policy : {'omit', 'raise'}
        Rows with a missing value: left out and counted, or an error.

    Returns
    -------
    ParetoNBDModel
        ``params`` (``r``, ``alpha``, ``s``, ``beta``), ``standard_errors``,
        ``log_likelihood``, ``n``, ``converged`` and ``message``; methods
        ``p_alive`` and ``expected_purchases``.

    Raises
    ------
    InputError
        As for `fit_bgnbd`.

    Notes
    -----
    The likelihood of the purchase times of a customer with :math:`x`
    repeat purchases, the last at :math:`t_x`, observed for :math:`T`, is
    (Fader and Hardie 2005)

    .. math::

        L = \frac{\Gamma(r + x)\,\alpha^r \beta^s}{\Gamma(r)}
            \left[\frac{1}{(\alpha + T)^{r + x} (\beta + T)^s} + s\,I\right],

    with :math:`I` the integral of the module notes (Fader and Hardie's
    :math:`s A_0 / (r + s + x)`), taken in log space. The fit maximizes the
    log-likelihood over the logs of the parameters with its analytic
    gradient (BFGS), from the best of several starting points, trying the
    next when a run does not end at a proper maximum; the Hessian at the
    optimum, for the standard errors and the verdict, is the central
    difference of the analytic gradient. Identical histories are fitted
    once, with their count as weight. When the data show no sign of
    drop-out, ``s`` and ``beta`` grow without bound together (the NBD
    limit): the fit then says so and ``converged`` is false.

    References
    ----------
    .. [1] Schmittlein, D. C., Morrison, D. G. and Colombo, R. (1987).
       Counting your customers: who are they and what will they do next?
       Management Science 33(1), 1-24.
    .. [2] Fader, P. S. and Hardie, B. G. S. (2005). A note on deriving the
       Pareto/NBD model and related expressions.

    Examples
    --------
    >>> import cxmetrics as cx
    >>> log = cx.datasets.load_transactions()
    >>> rfm = cx.rfm_summary(log["customer_id"], log["date"], unit="W")
    >>> model = cx.fit_pareto_nbd(rfm["frequency"], rfm["recency"], rfm["T"])
    >>> model.converged
    True
    """
    func = "fit_pareto_nbd"
    (x, tx, T_), w, n, n_missing = fit_histories(
        func,
        (("frequency", frequency), ("recency", recency), ("T", T)),
        weights=weights,
        nan_policy=nan_policy,
    )
    check_histories(func, x, tx, T_)
    require_repeat_purchases(func, x)
    rows, inverse = np.unique(np.column_stack((x, tx, T_)), axis=0, return_inverse=True)
    counts: FloatArray = np.asarray(
        np.bincount(inverse.ravel(), weights=w, minlength=rows.shape[0]),
        dtype=np.float64,
    )
    x, tx, T_ = rows[:, 0], rows[:, 1], rows[:, 2]
    optimum = maximize(
        _objective(x, tx, T_, counts, float(n)),
        _starts(x, T_, counts),
        names=NAMES,
        n=n,
        analytic_hessian=False,
    )
    return ParetoNBDModel(**model_fields(NAMES, optimum, n=n, n_missing=n_missing))
