r"""The BG/NBD model of repeat purchasing (Fader, Hardie and Lee 2005).

While alive, a customer buys at rate :math:`\lambda` (a Poisson process);
after each repeat purchase it drops out for good with probability
:math:`p`. Across customers :math:`\lambda \sim \text{Gamma}(r, \alpha)`
(shape :math:`r`, rate :math:`\alpha`, in purchases per time unit) and
:math:`p \sim \text{Beta}(a, b)`.
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar

import attrs
import numpy as np
from scipy import special

from cxmetrics.value._base import (
    FittedModel,
    FloatArray,
    as_output,
    blockwise,
    by_frequency,
    check_histories,
    check_period,
    complete_rows,
    distinct_pairs,
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

__all__ = ["BGNBDModel", "fit_bgnbd"]

NAMES = ("r", "alpha", "a", "b")

#: Customers above which the hypergeometric factor of the expectations is
#: computed once per distinct (frequency, T) pair rather than per customer.
_DISTINCT_ABOVE = 50_000


# ---------------------------------------------------------------------------
# The log-likelihood


@attrs.frozen
class _Data:
    """Histories grouped for the likelihood: sums per distinct frequency and T.

    Only the drop-out term needs one value per history, and only for
    customers with repeat purchases; every other term is a sum over the
    distinct frequencies or the distinct values of T.
    """

    n: float
    xs: FloatArray  # distinct frequencies
    w_x: FloatArray  # customers per distinct frequency
    Ts: FloatArray  # distinct T
    w_T: FloatArray  # customers per distinct T
    wx_T: FloatArray  # sum of weight * frequency per distinct T
    # customers with repeat purchases, one row each:
    w: FloatArray
    x: FloatArray
    tx: FloatArray
    ix: Any  # index into xs
    iT: Any  # index into Ts


def _group(x: FloatArray, tx: FloatArray, T: FloatArray, w: FloatArray) -> _Data:
    xs, ix_all = distinct_values(x)
    Ts, iT_all = distinct_values(T)
    repeat = x > 0
    return _Data(
        n=float(w.sum()),
        xs=xs,
        w_x=np.bincount(ix_all, weights=w, minlength=xs.size).astype(np.float64),
        Ts=Ts,
        w_T=np.bincount(iT_all, weights=w, minlength=Ts.size).astype(np.float64),
        wx_T=np.bincount(iT_all, weights=w * x, minlength=Ts.size).astype(np.float64),
        w=w[repeat],
        x=x[repeat],
        tx=tx[repeat],
        ix=ix_all[repeat],
        iT=iT_all[repeat],
    )


def _objective(data: _Data) -> Any:
    """The mean negative log-likelihood on log-parameters, with derivatives."""
    total = weighted_sum

    def objective(theta: FloatArray, order: int) -> tuple[float, Any, Any]:
        r, alpha, a, b = np.exp(theta)
        xs, w_x = data.xs, data.w_x
        gl = special.gammaln
        log_alpha_T = np.log(alpha + data.Ts)
        # Terms that depend on the frequency only.
        value = total(
            w_x, gl(r + xs) - gl(r) + gl(a + b) + gl(b + xs) - gl(b) - gl(a + b + xs)
        )
        value += data.n * r * np.log(alpha) - total(
            log_alpha_T, r * data.w_T + data.wx_T
        )
        # The drop-out term of customers with repeat purchases:
        # log(exp(A3) + exp(A4)) = A3 + softplus(D), D = A4 - A3.
        b_x = np.where(data.xs > 0, b + data.xs - 1.0, 1.0)  # used where x > 0
        log_ratio = np.log(alpha + data.tx) - log_alpha_T[data.iT]
        r_x = r + data.x
        D = (np.log(a) - np.log(b_x))[data.ix] - r_x * log_ratio
        e = np.exp(-np.abs(D))
        value += total(data.w, np.maximum(D, 0.0) + np.log1p(e))
        if order == 0:
            return -value / data.n, None, None
        sigma = np.where(D >= 0, 1.0, e) / (1.0 + e)  # d softplus / dD
        ws = data.w * sigma
        ws_sum = float(ws.sum())
        psi = special.digamma
        inv_T = 1.0 / (alpha + data.Ts)
        d_alpha_row = inv_T[data.iT] - 1.0 / (alpha + data.tx)  # dD/dalpha / r_x
        inv_bx = (1.0 / b_x)[data.ix]
        g = np.empty(4)
        g[0] = (
            total(w_x, psi(r + xs) - psi(r))
            + data.n * np.log(alpha)
            - total(log_alpha_T, data.w_T)
            - total(ws, log_ratio)
        )
        g[1] = data.n * r / alpha - total(inv_T, r * data.w_T + data.wx_T)
        g[1] += total(ws, r_x * d_alpha_row)
        psi_ab_x = psi(a + b + xs)
        g[2] = total(w_x, psi(a + b) - psi_ab_x) + ws_sum / a
        g[3] = total(w_x, psi(a + b) + psi(b + xs) - psi(b) - psi_ab_x) - total(
            ws, inv_bx
        )
        phi = np.array([r, alpha, a, b])
        gradient = -(phi * g) / data.n
        if order == 1:
            return -value / data.n, gradient, None
        tg = special.polygamma
        curv = data.w * sigma * (1.0 - sigma)  # d2 softplus / dD2, weighted
        dD = (
            -log_ratio,
            r_x * d_alpha_row,
            np.full(data.x.size, 1.0 / a),
            -inv_bx,
        )
        h = np.empty((4, 4))
        for i in range(4):
            for j in range(i, 4):
                h[i, j] = total(curv, dD[i] * dD[j])
        tri_ab_x = tg(1, a + b + xs)
        h[0, 0] += total(w_x, tg(1, r + xs) - tg(1, r))
        h[0, 1] += data.n / alpha - total(inv_T, data.w_T) + total(ws, d_alpha_row)
        h[1, 1] += (
            -data.n * r / alpha**2
            + total(inv_T**2, r * data.w_T + data.wx_T)
            + total(ws, r_x * (1.0 / (alpha + data.tx) ** 2 - inv_T[data.iT] ** 2))
        )
        h[2, 2] += total(w_x, tg(1, a + b) - tri_ab_x) - ws_sum / a**2
        h[2, 3] += total(w_x, tg(1, a + b) - tri_ab_x)
        h[3, 3] += total(w_x, tg(1, a + b) + tg(1, b + xs) - tg(1, b) - tri_ab_x)
        h[3, 3] += total(ws, inv_bx**2)
        h = np.triu(h) + np.triu(h, 1).T
        hessian = -(np.outer(phi, phi) * h + np.diag(phi * g)) / data.n
        return -value / data.n, gradient, hessian

    return objective


def _starts(data: _Data) -> list[tuple[float, float, float, float]]:
    """Starting points: a few shapes, alpha set to match the purchase rate."""
    rate = max(weighted_sum(data.w, data.x), 1.0) / max(
        weighted_sum(data.w_T, data.Ts), 1e-12 * data.n
    )
    starts = []
    for r, a, b in ((1.0, 1.0, 3.0), (0.3, 1.0, 3.0), (1.0, 0.5, 1.0), (3.0, 2.0, 8.0)):
        starts.append((r, r / rate, a, b))
    return starts


# ---------------------------------------------------------------------------
# Predictions


def _alive(
    params: dict[str, float], x: FloatArray, tx: FloatArray, T: FloatArray
) -> FloatArray:
    """P(alive) of complete histories, as a new array (see `_p_alive`).

    1 / (1 + exp(log_odds)) with log_odds = log(a / (b + x - 1)) + (r + x)
    log1p((T - tx) / (alpha + tx)), written in place: on millions of
    customers each temporary array costs a pass of its own.
    """
    r, alpha, a, b = (params[k] for k in NAMES)

    def log_odds_of_frequency(xs: FloatArray) -> FloatArray:
        # log(a / (b + x - 1)); -inf at x = 0, where no one has dropped out.
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(xs > 0, np.log(a / (b + xs - 1.0)), -np.inf)

    log_odds = by_frequency(log_odds_of_frequency, x)
    part = np.subtract(T, tx)
    scratch = np.add(tx, alpha)
    part /= scratch
    np.log1p(part, out=part)
    part *= np.add(x, r, out=scratch)
    log_odds += part
    with np.errstate(over="ignore"):
        np.exp(log_odds, out=log_odds)
    log_odds += 1.0
    return np.reciprocal(log_odds, out=log_odds)


def _p_alive(
    params: dict[str, float], x: FloatArray, tx: FloatArray, T: FloatArray
) -> FloatArray:
    """P(alive) of each history; NaN where a value is missing."""
    alive = functools.partial(_alive, params)
    return complete_rows(lambda *c: blockwise(alive, *c), x, tx, T)


def _growth(
    r: float, a: float, b: float, x: FloatArray, T_alpha: FloatArray, t: FloatArray
) -> FloatArray:
    """(a+b+x-1)/(a-1) * [1 - 2F1(r+x, a-1; a+b+x-1; -t/(alpha+T))].

    The expected purchases in the next ``t`` of a customer alive at T;
    ``T_alpha`` is alpha + T. Pfaff's transformation puts the argument of
    2F1 in [0, 1): 2F1(A, B; C; -u) = (1+u)^(-B) 2F1(C-A, B; C; u/(1+u)).
    """
    c = a + b + x - 1.0
    u = t / T_alpha
    w = t / (T_alpha + t)

    step = 1e-6
    if abs(a - 1.0) < step:
        # 1/(a-1) and its bracket both vanish at a = 1; the limit is smooth,
        # so take the mean of the two sides.
        low = _growth(r, 1.0 - 2.0 * step, b, x, T_alpha, t)
        return 0.5 * (low + _growth(r, 1.0 + 2.0 * step, b, x, T_alpha, t))
    f = special.hyp2f1(a + b - 1.0 - r, a - 1.0, c, w)
    growth = c * (1.0 - f * np.exp(-(a - 1.0) * np.log1p(u))) / (a - 1.0)
    return np.asarray(growth, dtype=np.float64)


@attrs.frozen(kw_only=True, eq=False)
class BGNBDModel(FittedModel):
    """A fitted BG/NBD model (see `fit_bgnbd`).

    ``params`` holds ``r``, ``alpha`` (purchase rates), ``a`` and ``b``
    (drop-out probability); times are in the unit of the data fitted.
    """

    _label: ClassVar[str] = "BG/NBD"

    def p_alive(self, frequency: Any, recency: Any, T: Any) -> Any:
        r"""Probability that each customer is still alive at ``T``.

        Parameters
        ----------
        frequency, recency, T : float or array_like
            Each customer's repeat purchases, time of the last purchase and
            length of observation, both since the first purchase, in the
            unit of the data fitted (as in `rfm_summary`); they broadcast.

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
        A customer without repeat purchases cannot have dropped out
        (drop-out follows a purchase), so P(alive) is 1. Otherwise

        .. math::

            P(\text{alive}) = \left[1 + \frac{a}{b + x - 1}
                \left(\frac{\alpha + T}{\alpha + t_x}\right)^{r + x}\right]^{-1},

        computed from the log of the odds, so it never overflows (for
        x = 200 the power is far beyond the range of a float).

        Examples
        --------
        The customer of Fader, Hardie and Lee (2005), with their estimates:

        >>> from cxmetrics.value import BGNBDModel
        >>> model = BGNBDModel.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> round(model.p_alive(2, 30.43, 38.86), 4)
        0.7266
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
            Length of the period ahead, in the unit of the data fitted
            (>= 0).
        frequency, recency, T : float or array_like, optional
            The customers' histories (as in `p_alive`). Without them, the
            expectation for a customer just acquired (its first purchase
            at time 0), E[X(t)].

        Returns
        -------
        float or numpy.ndarray
            Expected repeat purchases in ``(T, T + t]``: a float when every
            input is a scalar, else an array of the broadcast shape.

        Raises
        ------
        InputError
            A negative ``t``; histories given only in part, or breaking
            the rules.

        Notes
        -----
        For a customer alive at T with x repeat purchases, the purchase
        rate is Gamma(r + x, alpha + T) and the drop-out probability
        Beta(a, b + x), so (Fader, Hardie and Lee 2005, eq. 10)

        .. math::

            E[Y(t) \mid x, t_x, T] = P(\text{alive})\,
                \frac{a + b + x - 1}{a - 1}
                \left[1 - {}_2F_1\!\left(r + x, a - 1; a + b + x - 1;
                -\tfrac{t}{\alpha + T}\right)\right],

        with the hypergeometric function taken through Pfaff's
        transformation, so its argument stays in [0, 1). Without a
        history, x = 0 and T = 0. The hypergeometric factor depends on the
        frequency and T only, and for large inputs it is computed once per
        distinct pair.

        Examples
        --------
        >>> from cxmetrics.value import BGNBDModel
        >>> model = BGNBDModel.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> round(model.expected_purchases(39, 2, 30.43, 38.86), 3)
        1.226
        >>> round(model.expected_purchases(39), 4)  # a customer just acquired
        1.1967
        """
        func = "expected_purchases"
        period, scalar_t = numbers(func, "t", t)
        check_period(func, period)
        r, alpha, a, b = (self.params[k] for k in NAMES)
        if frequency is None and recency is None and T is None:
            zero = np.zeros_like(period)
            return as_output(_growth(r, a, b, zero, alpha + zero, period), scalar_t)
        x, tx, T_, scalar = histories(func, frequency, recency, T, t=t)
        if period.ndim == 0 and x.ndim == 1 and x.size > _DISTINCT_ABOVE:
            expected = _expected_distinct(self.params, x, tx, T_, period)
        else:
            alive = _p_alive(self.params, x, tx, T_)
            expected = alive * _growth(r, a, b, x, alpha + T_, period)
        return as_output(expected, scalar and scalar_t)

    @classmethod
    def from_params(cls, *, r: float, alpha: float, a: float, b: float) -> BGNBDModel:
        """A model with given parameters, e.g. published estimates.

        Its standard errors are NaN and its log-likelihood, ``n`` and
        covariance unknown (NaN, 0); it predicts like a fitted model.
        """
        return from_params(cls, dict(zip(NAMES, (r, alpha, a, b), strict=True)))


def _expected_distinct(
    params: dict[str, float],
    x: FloatArray,
    tx: FloatArray,
    T: FloatArray,
    t: FloatArray,
) -> FloatArray:
    """The expected purchases of many customers (see `expected_purchases`).

    The hypergeometric factor is computed once per distinct (frequency, T)
    pair; then block by block, P(alive) times the factor looked up.
    """
    r, alpha, a, b = (params[k] for k in NAMES)

    def expected(x: FloatArray, tx: FloatArray, T: FloatArray) -> FloatArray:
        codes, xs, Ts = distinct_pairs(x, T)
        growth = _growth(r, a, b, xs, alpha + Ts, t)

        def block(x: Any, tx: Any, T: Any, codes: Any) -> FloatArray:
            out = _alive(params, x, tx, T)
            out *= growth.take(codes)
            return out

        return blockwise(block, x, tx, T, codes)

    return complete_rows(expected, x, tx, T)


# ---------------------------------------------------------------------------
# The fit


def fit_bgnbd(
    frequency: Any,
    recency: Any,
    T: Any,
    *,
    weights: Any = None,
    nan_policy: str = "omit",
) -> BGNBDModel:
    r"""Fit the BG/NBD model of repeat purchasing by maximum likelihood.

    Parameters
    ----------
    frequency : array_like
        Repeat purchases of each customer (whole numbers >= 0), e.g. the
        ``frequency`` column of `rfm_summary`.
    recency : array_like
        Time from the first to the last purchase (0 without repeat
        purchases).
    T : array_like
        Time from the first purchase to the end of the observation, in the
        same unit as ``recency`` (>= recency).
    weights : array_like, optional
        How many customers share each row (whole numbers >= 0): a million
        customers fit as the few thousand distinct histories they have.
    nan_policy : {'omit', 'raise'}
        Rows with a missing value: left out and counted in ``n_missing``,
        or an error.

    Returns
    -------
    BGNBDModel
        ``params`` (``r``, ``alpha``, ``a``, ``b``), ``standard_errors``,
        ``log_likelihood``, ``n``, ``converged`` and ``message``; methods
        ``p_alive`` and ``expected_purchases``.

    Raises
    ------
    InputError
        Arrays of different lengths; a negative or fractional frequency;
        a negative recency or T; recency above T; a frequency above 0 with
        recency 0, or a frequency of 0 with recency above 0; bad weights;
        fewer than two customers, or none with a repeat purchase.

    Notes
    -----
    With :math:`x` repeat purchases, the last at :math:`t_x`, in
    :math:`(0, T]`, the likelihood of the purchase times is (Fader, Hardie
    and Lee 2005, eq. 6)

    .. math::

        L = \frac{B(a, b + x)}{B(a, b)}
            \frac{\Gamma(r + x)\,\alpha^r}{\Gamma(r)\,(\alpha + T)^{r + x}}
          + \delta_{x > 0}\,\frac{B(a + 1, b + x - 1)}{B(a, b)}
            \frac{\Gamma(r + x)\,\alpha^r}{\Gamma(r)\,(\alpha + t_x)^{r + x}}.

    It is computed as :math:`\ln A_1 + \ln A_2 + \ln(e^{A_3} + \delta
    e^{A_4})` (Fader, Hardie and Lee's note on implementing the model),
    with the last term a softplus of :math:`A_4 - A_3`, so no power of
    :math:`(\alpha + T)` is ever formed and nothing overflows.

    The fit maximizes the log-likelihood over the logs of the parameters
    with its analytic gradient and Hessian (a trust-region Newton method),
    from the best of several starting points, trying the next when a run
    does not end at a proper maximum. ``converged`` is true only when the
    gradient is zero, the information matrix positive definite and no
    parameter runs off to 0 or infinity; otherwise ``message`` says which
    failed and the standard errors are NaN. Standard errors are the square
    roots of the diagonal of the inverse observed information, carried to
    the natural parameters by the delta method.

    References
    ----------
    .. [1] Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting
       your customers" the easy way: an alternative to the Pareto/NBD
       model. Marketing Science 24(2), 275-284.
    .. [2] Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005).
       Implementing the BG/NBD model for customer base analysis in Excel.

    Examples
    --------
    The sample transaction log, summarized in weeks:

    >>> import cxmetrics as cx
    >>> log = cx.datasets.load_transactions()
    >>> rfm = cx.rfm_summary(log["customer_id"], log["date"], unit="W")
    >>> model = cx.fit_bgnbd(rfm["frequency"], rfm["recency"], rfm["T"])
    >>> model.converged
    True
    >>> {k: round(v, 3) for k, v in model.params.items()}
    {'r': 0.27, 'alpha': 4.453, 'a': 0.769, 'b': 2.247}
    """
    func = "fit_bgnbd"
    (x, tx, T_), w, n, n_missing = fit_histories(
        func,
        (("frequency", frequency), ("recency", recency), ("T", T)),
        weights=weights,
        nan_policy=nan_policy,
    )
    check_histories(func, x, tx, T_)
    require_repeat_purchases(func, x)
    data = _group(x, tx, T_, w)
    optimum = maximize(
        _objective(data), _starts(data), names=NAMES, n=n, analytic_hessian=True
    )
    return BGNBDModel(**model_fields(NAMES, optimum, n=n, n_missing=n_missing))
