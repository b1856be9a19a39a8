r"""Queueing kernels behind `cxmetrics.staffing`: Erlang B, C and A, and the search.

Everything here assumes validated input: positive handle times, patience
and loads, whole numbers of agents of at least 1, arrays of one common
shape. `cxmetrics.staffing` checks the input and shapes the results.

Numerics. Poisson and gamma terms are taken in log space, with Loader's
saddle-point form (a deviance ``bd0`` and Stirling's remainder), so that no
factorial, power or long sum is formed and thousands of agents lose no
precision. Erlang B is the Poisson ratio pmf / cdf. Erlang A (M/M/N+M) is
written with the regularized lower incomplete gamma function
:math:`P(b, z)` through the Kummer function

.. math::

    S(b, z) = \frac{P(b, z)}{e^{-z} z^b / \Gamma(b + 1)}
            = \sum_{j \ge 0} \prod_{i=1}^{j} \frac{z}{b + i},

kept as its logarithm; where :math:`P(b, z)` underflows (far below its
mean) the series itself is summed, and the same is done for Erlang B far
above its mean. The mean wait of answered calls is an exact sum over the
queue a delayed caller finds, truncated where its terms fall below double
precision.

One search finds the least staffing meeting every target, for all intervals
at once: `first_meeting` judges windows of consecutive staffings, and the
loop runs over windows, never over intervals.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = [
    "erlang_a_measures",
    "erlang_a_waits",
    "erlang_b",
    "headcount",
    "least_agents_erlang_a",
    "least_agents_erlang_c",
    "log_erlang_b_excess",
    "queue_measures",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Numbers = float | FloatArray  # a validated input: a float, or a 1-d float64 array

#: A quotient this close to a whole number (relative) is that whole number, in
#: the ceilings of ``traffic / max_occupancy`` and ``agents / (1 - shrinkage)``.
WHOLE_TOLERANCE = 1e-9
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
_SQRT_2 = math.sqrt(2.0)
#: Below this, log-gamma terms come from ``gammaln``; above, from Stirling's series.
_STIRLING_SERIES_FROM = 16.0
#: Stirling's error term is tabulated for fewer agents than this.
_STIRLING_TABLE_SIZE = 4096
#: The most candidate staffings (intervals times staffings) judged at once.
_SEARCH_CELLS = 1 << 18
#: An occupancy cap this far below 1 puts traffic / cap above the traffic
#: whatever the rounding.
_CLEARLY_BELOW_ONE = 1.0 - 1e-6
#: An incomplete gamma function or Poisson cdf below this is summed as a series
#: instead: scipy's value may lose digits as it nears the underflow threshold.
_TINY = 1e-280
#: A series is summed until its remaining tail is below this share of the sum.
_SERIES_TOLERANCE = 1e-17
#: The rows of an Erlang A window: the guess and the two staffings below it
#: (the guess errs high more often than low), enough to settle an interval
#: and, when not, to draw a secant.
_ERLANG_A_ROWS = 3
#: Terms a chunk of the wait sum (`erlang_a_waits`) holds at most.
_WAIT_CELLS = 1 << 20


@functools.cache
def _special() -> Any:
    """``scipy.special``, imported on first use only (start-up time matters)."""
    from scipy import special

    return special


# ---------------------------------------------------------------------------
# Poisson and gamma terms in log space (Loader 2000)


def deviance(k: FloatArray, mean: FloatArray) -> FloatArray:
    """bd0 = k log(k / mean) + mean - k, without cancellation; assumes k > 0.

    Written ``k log1p(d / mean) - d`` with ``d = k - mean``, its absolute
    error is about ``eps |d|``, where the textbook form's is ``eps k log k``;
    the absolute error of bd0 is the relative error of the pmf. A mean so
    small that ``d / mean`` overflows gives inf, and a pmf of 0: it is below
    the smallest normal double there.
    """
    excess = k - mean
    result = np.log1p(excess / mean)
    result *= k
    result -= excess
    return result


def stirling_remainder(k: FloatArray, most: float | None = None) -> FloatArray:
    """log(k!) - (k log k - k), for whole k >= 1 (and at most ``most``, if given).

    This is Stirling's error term plus ``log(2 pi k) / 2``; read from a table
    below ``_STIRLING_TABLE_SIZE`` agents, from the asymptotic series above.
    """
    table = _stirling_table()
    if (k.max() if most is None else most) < _STIRLING_TABLE_SIZE:
        return table[k.astype(np.intp)]
    inside = np.minimum(k, _STIRLING_TABLE_SIZE - 1).astype(np.intp)
    return np.where(k < _STIRLING_TABLE_SIZE, table[inside], _stirling_series(k))


@functools.cache
def _stirling_table() -> FloatArray:
    """``log(k!) - (k log k - k)`` for k = 0, 1, ..., computed once per process.

    From ``math.lgamma`` below 16, where the subtraction of numbers below 30
    loses nothing; from the asymptotic series, exact to double precision,
    above.
    """
    k = np.arange(_STIRLING_TABLE_SIZE, dtype=np.float64)
    table = _stirling_series(np.maximum(k, 1.0))
    table[0] = 0.0  # log 0! = 0, with 0 log 0 = 0
    for small in range(1, int(_STIRLING_SERIES_FROM)):
        table[small] = math.lgamma(small + 1.0) - (small * math.log(small) - small)
    table.flags.writeable = False
    return table


def _stirling_series(k: FloatArray) -> FloatArray:
    """Stirling's remainder log Gamma(k + 1) - (k log k - k) to k^-7 (k >= 16)."""
    inverse = 1.0 / k
    square = inverse * inverse
    series: FloatArray = inverse * (
        1.0 / 12.0 - square * (1.0 / 360.0 - square * (1.0 / 1260.0 - square / 1680.0))
    )
    return series + (0.5 * np.log(k) + _HALF_LOG_2PI)


def _gamma_remainder(b: FloatArray) -> FloatArray:
    """Stirling's remainder log Gamma(b + 1) - (b log b - b), for real b > 0."""
    small = b < _STIRLING_SERIES_FROM
    if not small.any():
        return _stirling_series(b)
    special = _special()
    low = np.minimum(b, _STIRLING_SERIES_FROM)
    direct = special.gammaln(low + 1.0) - special.xlogy(low, low) + low
    if small.all():
        return direct  # type: ignore[no-any-return]
    return np.where(small, direct, _stirling_series(np.maximum(b, 1.0)))


def minus_log_poisson_pmf(
    k: FloatArray, mean: FloatArray, most: float | None = None
) -> FloatArray:
    """-log(mean^k e^-mean / k!) in Loader's saddle-point form; assumes k >= 1.

    ``bd0(k, mean) + [log k! - (k log k - k)]`` adds two small terms where
    the textbook ``log(k!) + mean - k log(mean)`` subtracts numbers near
    ``k log k``, which loses about ``log10(k log k)`` digits. ``most``, when
    known, bounds k from above.
    """
    return deviance(k, mean) + stirling_remainder(k, most)


def _product_series(
    numerator: FloatArray, step: float, denominator: FloatArray, growth: float
) -> FloatArray:
    """sum_{j >= 0} prod_{i=1..j} max(n - step i, 0) / (d + growth i), elementwise.

    For series whose ratios fall below 1 and keep falling: the Kummer series
    of `log_kummer` (``n = z``, no step; ``d = b``, growth 1) and the
    Erlang B series of `log_erlang_b_excess` (``n = N``, step 1; ``d = A``,
    no growth). Terms are added until the geometric bound on the rest, the
    last term times ``r / (1 - r)`` for the next ratio ``r``, is below
    ``_SERIES_TOLERANCE`` of the sum, for every element.
    """
    term = np.ones_like(numerator)
    total = np.ones_like(numerator)
    i = 0
    while True:
        i += 1
        term *= np.maximum(numerator - step * i, 0.0) / (denominator + growth * i)
        total += term
        ratio = np.maximum(numerator - step * (i + 1), 0.0) / (
            denominator + growth * (i + 1)
        )
        if np.all(term * ratio <= _SERIES_TOLERANCE * (1.0 - ratio) * total):
            return total


# ---------------------------------------------------------------------------
# Erlang B


def _erlang_b_ratio(agents: FloatArray, traffic: FloatArray) -> FloatArray:
    """Erlang B as the Poisson ratio pmf / cdf; assumes agents >= 1, traffic > 0.

    Only where the queue is stable (agents above the traffic): there the cdf
    is at least 1/2 and never underflows.
    """
    cumulative: FloatArray = _special().pdtr(agents, traffic)
    with np.errstate(over="ignore"):  # an underflowing pmf: see `deviance`
        surprise = minus_log_poisson_pmf(agents, traffic)
    return np.exp(-surprise) / cumulative


def inverse_erlang_b(
    agents: FloatArray, traffic: FloatArray, most_agents: float
) -> FloatArray:
    """1 / B(N, A) as the Poisson ratio cdf / pmf; assumes agents > traffic > 0.

    ``most_agents`` bounds ``agents`` from above. B so small that 1 / B
    overflows gives inf (under ``np.errstate``). The cdf is the costliest
    step of `required_agents`, about two fifths of a call for a few hundred
    intervals, yet cheaper than the alternatives: the finite Poisson sum or
    a continued fraction for it take on the order of ``sqrt(A)`` terms, each
    a numpy call or a pass over a matrix.
    """
    inverse = np.exp(minus_log_poisson_pmf(agents, traffic, most_agents))
    inverse *= _special().pdtr(agents, traffic)
    return inverse


def log_erlang_b_excess(
    agents: FloatArray, traffic: FloatArray, most: float | None = None
) -> FloatArray:
    """The log Erlang B excess, log(1 / B(N, A) - 1), at any load.

    Assumes agents >= 1 and traffic > 0.

    ``1 / B - 1`` is the ratio of the Poisson cdf at ``N - 1`` to the pmf at
    ``N``, taken in log space. Far above its mean (A much above N) the cdf
    underflows, and the finite sum
    ``(N / A) sum_j prod_{i=1..j} (N - i) / A`` is used instead: its
    ratios are below ``N / A``, so it needs few terms there. ``most``, when
    known, bounds N from above.
    """
    cumulative = _special().pdtr(agents - 1.0, traffic)
    with np.errstate(divide="ignore", over="ignore"):
        result: FloatArray = np.log(cumulative) + minus_log_poisson_pmf(
            agents, traffic, most
        )
    far = cumulative < _TINY
    if far.any():
        n, a = agents[far], traffic[far]
        result[far] = np.log(n / a) + np.log(_product_series(n, 1.0, a, 0.0))
    return result


def erlang_b(lines: FloatArray, traffic: FloatArray) -> FloatArray:
    """Erlang B blocking probability, 0 with no traffic; assumes lines >= 1."""
    busy = traffic > 0
    load = traffic if busy.all() else np.where(busy, traffic, 1.0)
    blocking: FloatArray = _special().expit(-log_erlang_b_excess(lines, load))
    return blocking if busy.all() else np.where(busy, blocking, 0.0)


# ---------------------------------------------------------------------------
# Erlang C


def queue_measures(
    traffic: FloatArray, agents: FloatArray, aht: FloatArray, target_time: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Erlang C P(wait), service level, ASA and occupancy; assumes agents >= 1."""
    gap = agents - traffic
    busy = traffic > 0
    queueing = (gap > 0) & busy
    if queueing.all():
        wait = _erlang_c_probability(agents, traffic)
        # wait <= 1 and the exponential <= 1, so the service level is in [0, 1].
        service = 1.0 - wait * np.exp(-gap * target_time / aht)
        return wait, service, wait * aht / gap, traffic / agents
    # Placeholders where the formula does not apply keep the kernel free of
    # 0/0; those intervals take their values from the definitions below.
    wait = _erlang_c_probability(
        np.where(queueing, agents, 2.0), np.where(queueing, traffic, 1.0)
    )
    wait = np.where(queueing, wait, np.where(busy, 1.0, 0.0))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        service = np.where(
            queueing, 1.0 - wait * np.exp(-gap * target_time / aht), 1.0 - wait
        )
        asa = np.where(queueing, wait * aht / gap, np.where(busy, np.inf, 0.0))
    return wait, service, asa, np.minimum(traffic / agents, 1.0)


def _erlang_c_probability(agents: FloatArray, traffic: FloatArray) -> FloatArray:
    """Erlang C from Erlang B; assumes ``agents > traffic > 0``."""
    blocking = _erlang_b_ratio(agents, traffic)
    # N - A(1 - B) as (N - A) + A B: no cancellation when N is close to A.
    wait = agents * blocking / (agents - traffic + traffic * blocking)
    return np.minimum(wait, 1.0)


# ---------------------------------------------------------------------------
# Erlang A (M/M/N+M)


def log_kummer(b: FloatArray, z: FloatArray) -> FloatArray:
    """The log Kummer function, log(P(b, z) / (e^-z z^b / Gamma(b + 1))).

    Assumes b > 0 and z >= 0.

    From scipy's regularized incomplete gamma function and Loader's form of
    the pmf term; where P underflows (z far below b, or z = 0) the series
    ``sum_j prod_{i=1..j} z / (b + i)``, whose ratios are then well below 1.
    """
    b, z = np.broadcast_arrays(b, z)
    lower = _special().gammainc(b, z)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        result: FloatArray = np.log(lower) + deviance(b, z) + _gamma_remainder(b)
    far = lower < _TINY
    if far.any():
        result = np.array(result)  # writable, whatever broadcasting gave
        result[far] = np.log(_product_series(z[far], 0.0, b[far], 1.0))
    return result


class ErlangAQueue(NamedTuple):
    """An M/M/N+M queue's parameters, per interval (arrays of one shape).

    Times in seconds; ``load`` in Erlangs (positive: idle intervals carry a
    stand-in). ``ratio`` is patience / aht (the service rate over the
    abandonment rate), ``scale`` the load times it (arrivals over the
    abandonment rate), ``scale_at_target`` the same discounted by the
    chance of staying patient for ``target_time``.
    """

    load: FloatArray
    aht: FloatArray
    patience: FloatArray
    target_time: FloatArray
    ratio: FloatArray
    scale: FloatArray
    scale_at_target: FloatArray

    @classmethod
    def of(
        cls,
        load: FloatArray,
        aht: FloatArray,
        patience: FloatArray,
        target_time: FloatArray,
    ) -> ErlangAQueue:
        ratio = patience / aht
        scale = load * ratio
        return cls(
            load,
            aht,
            patience,
            target_time,
            ratio,
            scale,
            scale * np.exp(-target_time / patience),
        )


def erlang_a_measures(
    queue: ErlangAQueue, agents: FloatArray, log_excess: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """P(wait), P(abandon), service level and occupancy of M/M/N+M queues.

    ``log_excess`` is ``log(1 / B(N, A) - 1)`` (`log_erlang_b_excess`).
    With ``a = N mu / theta`` and ``x = lambda / theta``:
    P(wait) = S(a, x) / (1 / B - 1 + S(a, x)); a waiting caller is answered
    with probability ``a S(a + 1, x) / ((a + 1) S(a, x))``; and answered
    within t with that probability times
    ``1 - S(a + 1, y) e^{x - y - (N mu + theta) t} / S(a + 1, x)``, where
    ``y = x e^{-theta t}``. Every quantity is formed from differences of
    logarithms, so none overflows at any load.
    """
    special = _special()
    shape = np.broadcast_shapes(agents.shape, queue.load.shape)
    upper = agents * queue.ratio + 1.0  # a + 1
    log_s1 = log_kummer(upper, np.broadcast_to(queue.scale, shape))
    log_s1_target = log_kummer(upper, np.broadcast_to(queue.scale_at_target, shape))
    with np.errstate(divide="ignore"):  # no arrivals during the wait: -inf
        log_s = np.logaddexp(0.0, np.log(queue.scale / upper) + log_s1)  # S(a, x)
    wait: FloatArray = special.expit(log_s - log_excess)
    served = (1.0 - 1.0 / upper) * np.exp(log_s1 - log_s)  # answered | waited
    abandon = wait * (1.0 - served)
    exponent = (
        queue.scale * -np.expm1(-queue.target_time / queue.patience)
        - (agents / queue.aht + 1.0 / queue.patience) * queue.target_time
    )
    late = np.exp(log_s1_target + exponent - log_s1)  # in (0, 1]
    service = 1.0 - wait + wait * served * (1.0 - late)
    occupancy = queue.load * (1.0 - abandon) / agents
    return (
        np.clip(wait, 0.0, 1.0),
        np.clip(abandon, 0.0, 1.0),
        np.clip(service, 0.0, 1.0),
        np.clip(occupancy, 0.0, 1.0),
    )


def erlang_a_waits(
    queue: ErlangAQueue, agents: FloatArray, wait: FloatArray, abandon: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Mean wait of answered calls (ASA) and of all offered calls, in seconds.

    Every offered call waits ``P(abandon) / theta`` on average (an
    exponential patience gives up at rate theta while waiting). A caller
    who finds j others queued, with ``a = N mu / theta``, is answered with
    probability ``a / (a + j + 1)``, after an average wait, when answered,
    of ``(psi(a + j + 2) - psi(a + 1)) / theta``; the queue found is
    distributed as ``t_j = prod_{i=1..j} x / (a + i)``. Since
    ``a t_j / (a + j + 1) = a t_{j+1} / x``, the answered wait sums to
    ``(a / x) sum_m t_m g_m / theta`` with ``g_m = sum_{i=1..m} 1 / (a + i)``,
    over the ``t_j`` of the callers who wait (`_answered_delay`).
    """
    mean_wait = abandon * queue.patience
    answered_wait = np.zeros_like(wait)
    waits = wait > 0
    if waits.any():
        a = (agents * queue.ratio)[waits]
        x = queue.scale[waits]
        delay = np.empty_like(a)
        # Terms from `below` under the mode of t to `above` over it.
        mode = np.maximum(np.ceil(x - a - 1.0), 0.0)
        spread = 120.0 * np.maximum(x, 1.0)  # ample: the check below widens
        below = np.minimum(mode, np.ceil(np.sqrt(spread)) + 2.0)
        excess = np.maximum(a - x, 0.0)
        above = np.ceil(np.sqrt(excess * excess + spread) - excess) + 2.0
        # Chunks of intervals keep the window matrix below _WAIT_CELLS terms.
        for part in _chunks(below + above + 1.0, _WAIT_CELLS):
            delay[part] = _answered_delay(
                a[part], x[part], mode[part] - below[part], below[part] + above[part]
            )
        answered = 1.0 - abandon[waits]
        answered_wait[waits] = wait[waits] * delay * queue.patience[waits] / answered
    return answered_wait, mean_wait


def _chunks(lengths: FloatArray, cells: int) -> list[slice]:
    """Consecutive slices of the intervals whose padded windows fit in ``cells``."""
    if lengths.max() * lengths.size <= cells:
        return [slice(0, lengths.size)]
    parts: list[slice] = []
    begin = 0
    while begin < lengths.size:
        end = begin + 1
        longest = lengths[begin]
        while end < lengths.size:
            longest_next = max(longest, lengths[end])
            if longest_next * (end + 1 - begin) > cells:
                break
            longest = longest_next
            end += 1
        parts.append(slice(begin, end))
        begin = end
    return parts


def _answered_delay(
    a: FloatArray, x: FloatArray, low: FloatArray, width: FloatArray
) -> FloatArray:
    """(a / x) sum_m t_m g_m / sum_m t_m: theta times the answered callers' wait.

    ``t_m = prod_{i=1..m} x / (a + i)`` rises up to its mode near ``x - a``
    and falls after it; ``g_m = psi(a + m + 1) - psi(a + 1)``. The sums run
    over ``m = low .. low + count - 1``, with ``count`` the widest window
    asked for (more terms only add precision), relative to ``t_low`` (a
    product of ratios: no term overflows while the window stays within
    about 37 standard deviations of the mode). Each tail left out is
    bounded by its edge term and the ratio ``r`` of the next: ``t r / (1 -
    r)`` for the sum of ``t``, plus ``t r / ((1 - r)^2 (a + m))`` for the
    growth of g; both must be below ``_SERIES_TOLERANCE`` of the window's
    sums, or the window widens.
    """
    digamma = _special().digamma
    while True:
        count = int(width.max()) + 1
        m = low[:, None] + _offsets_row(count)  # intervals x window
        inverse = 1.0 / (a[:, None] + m)  # 1 / (a + m)
        weight = x[:, None] * inverse  # t_m / t_{m-1}
        weight[:, 0] = 1.0  # relative to t_low
        np.cumprod(weight, axis=1, out=weight)
        start = np.where(low > 0, digamma(a + low + 1.0) - digamma(a + 1.0), 0.0)
        inverse[:, 0] = start
        harmonic = np.cumsum(inverse, axis=1)  # g_m
        total = weight.sum(axis=1)
        weighted = np.einsum("ij,ij->i", weight, harmonic)
        # Tails: above the window (ratio x / (a + high + 1) < 1) and below it.
        high = low + (count - 1)
        edge = weight[:, -1]
        right = x / (a + high + 1.0)
        spill = edge * right / (1.0 - right)
        spill_weighted = spill * (harmonic[:, -1] + 1.0 / ((1.0 - right) * (a + high)))
        left = np.where(low > 0, (a + low) / x, 0.0)
        under = left / (1.0 - left)  # t_low = 1; g decreases below the window
        if np.all(
            (spill + under <= _SERIES_TOLERANCE * total)
            & (spill_weighted + under * start <= _SERIES_TOLERANCE * weighted)
        ):
            return (a / x) * weighted / total  # type: ignore[no-any-return]
        grow = np.minimum(low, width)
        low, width = low - grow, 2.0 * width + grow


@functools.lru_cache(maxsize=32)
def _offsets_row(count: int) -> FloatArray:
    """0, 1, ..., count - 1 as a read-only float row."""
    row = np.arange(count, dtype=np.float64)
    row.flags.writeable = False
    return row


# ---------------------------------------------------------------------------
# The search: the least staffing meeting every target, all intervals at once


class Window(NamedTuple):
    """Consecutive staffings judged for some intervals (rows x intervals).

    ``following()`` is the judge's state at the staffing after the window's
    last, to go on upwards without computing it afresh (computed only when
    some interval does). ``margin``, when the
    judge gives one, tells how far each staffing is from meeting the
    targets: increasing in the agents, nearly linear, and at least 0 where
    they are met; it guides the next window.
    """

    agents: FloatArray
    meets: BoolArray
    following: Callable[[], FloatArray]
    measures: tuple[FloatArray, ...]
    margin: FloatArray | None = None


#: The intervals a judge is asked about: indices, or None for all of them.
Which = npt.NDArray[np.intp] | None


class Judge(NamedTuple):
    """How a model judges staffings, for the intervals ``which``.

    ``state_at(start, which)`` is the model's state at those staffings (what
    the first row of a window needs); ``window(start, state, rows, which)``
    judges ``rows`` consecutive staffings from ``start``.
    """

    state_at: Callable[[FloatArray, Which], FloatArray]
    window: Callable[[FloatArray, FloatArray, int, Which], Window]


def first_meeting(
    judge: Judge,
    start: FloatArray,
    rows: int,
    lowest: FloatArray | None = None,
    *,
    jump_cap: FloatArray | None = None,
) -> tuple[FloatArray, tuple[FloatArray, ...]]:
    """The least staffing meeting every target, per interval, and the measures there.

    A window of ``rows`` consecutive staffings from ``start`` is judged for
    every open interval at once. An interval is settled when a staffing
    meets its targets and the one below it is known to fail: it failed in a
    window, or it lies below ``lowest``, the least staffing that could meet
    them (``start`` itself when None, so the first row that meets settles
    the interval). The open intervals go on, each from where it should:

    - without a margin from the judge (Erlang C), upwards from past the
      window, which then doubles;
    - with one, from a staffing just below the one the margin predicts to
      meet first: interpolated between the highest staffing known to fail
      and the lowest known to meet, once both are known; else extrapolated
      from the window's two nearest rows (at most ``jump_cap`` agents).

    Later windows judge the open intervals only, and the loop runs over
    windows, never over intervals. Every measure is monotone in the agents,
    so a staffing that meets the targets with one agent fewer failing them
    is the least that meets them.
    """
    size = start.size
    which: Which = None  # the open intervals, None for all
    state = judge.state_at(start, None)
    window = judge.window(start, state, rows, which)
    meets = window.meets
    if lowest is None and np.count_nonzero(meets[-1]) == size:
        # Monotone: every interval meets within the window, and its first
        # row is the least admissible staffing: all settled at once.
        chosen = meets.argmax(axis=0) * size + _positions(size)
        return window.agents.ravel()[chosen], tuple(
            measure.ravel()[chosen] for measure in window.measures
        )
    failed = (start if lowest is None else lowest) - 1.0  # known to fail
    met = np.full(size, np.inf)  # the least staffing known to meet
    failed_margin = np.full(size, np.nan)
    met_margin = np.full(size, np.nan)
    agents_found = np.empty(size)
    measures_found: list[FloatArray] = []
    while True:
        count = meets.shape[1]
        positions = _positions(count)
        first = meets.argmax(axis=0)
        found = meets[first, positions]
        settled = found
        if lowest is not None:
            settled = found & ((first > 0) | (start - 1.0 <= failed))
        chosen = first * count + positions
        rows_done = np.flatnonzero(settled)
        done = rows_done if which is None else which[rows_done]
        agents_found[done] = window.agents.ravel()[chosen[rows_done]]
        if not measures_found:
            measures_found = [np.empty(size) for _ in window.measures]
        for kept, measure in zip(measures_found, window.measures, strict=True):
            kept[done] = measure.ravel()[chosen[rows_done]]
        if rows_done.size == count:
            return agents_found, tuple(measures_found)
        going = np.flatnonzero(~settled)
        up = ~found[going]  # no row met: the answer lies above the window
        start = start[going]
        last = window.agents[-1, going]
        beyond = last + 1.0
        failed = np.where(up, last, failed[going])
        met = np.where(up, met[going], start)
        if window.margin is None:
            following = np.where(up, beyond, np.maximum(failed + 1.0, start - rows))
            state = window.following()[going]
            rows = min(2 * rows, max(1, _SEARCH_CELLS // going.size))
        else:
            margins = window.margin[:, going]
            failed_margin = np.where(up, margins[-1], failed_margin[going])
            met_margin = np.where(up, met_margin[going], margins[0])
            following = _next_start(
                up,
                window.agents[:, going],
                margins,
                (failed, failed_margin, met, met_margin),
                _pick(jump_cap, going if which is None else which[going]),
            )
            state = window.following()[going]
            rows = 3  # the predicted answer, and one staffing either side
        which = going if which is None else which[going]
        jumped = following != beyond
        if jumped.any():
            state = np.where(jumped, judge.state_at(following, which), state)
        start = following
        window = judge.window(start, state, rows, which)
        meets = window.meets


def _next_start(
    up: BoolArray,
    agents: FloatArray,
    margins: FloatArray,
    bracket: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
    jump_cap: FloatArray,
) -> FloatArray:
    """Where the next window of three starts, around the predicted answer.

    The window holds the predicted answer and a staffing on either side of
    it, or, when extrapolating downwards, two below it: enough to settle
    the interval when the prediction is off by one in the likely direction.

    ``bracket`` holds the highest staffing known to fail and its margin, and
    the lowest known to meet and its margin (inf and NaN when none is known
    yet). With both, the margin's zero is interpolated between them; else
    extrapolated from the window's last two rows (upwards) or its first two
    (downwards). The start is clipped into the open range between the two,
    so each window either settles the interval or narrows the range.
    """
    failed, failed_margin, met, met_margin = bracket
    with np.errstate(divide="ignore", invalid="ignore"):
        between = failed + np.ceil(
            -failed_margin * (met - failed) / (met_margin - failed_margin)
        )
        rising = margins[-1] - margins[-2]
        above = agents[-1] + np.ceil(-margins[-1] / rising)
        falling = margins[1] - margins[0]
        below = agents[0] - np.floor(margins[0] / falling)
    one_sided = np.where(
        up,
        np.minimum(
            np.where(rising > 0, above, agents[-1] + 1.0), agents[-1] + jump_cap
        ),
        np.maximum(np.where(falling > 0, below, agents[0]), agents[0] - jump_cap),
    )
    bracketed = np.isfinite(met) & np.isfinite(between)
    predicted = np.where(bracketed, between, one_sided)
    # Extrapolating down from above overshoots upwards (the margins curve
    # up), and up from below downwards: the window leans against that.
    lean = np.where(up | bracketed, 1.0, 2.0)
    start: FloatArray = np.clip(predicted - lean, failed + 1.0, met - 1.0)
    return start


# Erlang C -------------------------------------------------------------------


def least_agents_erlang_c(
    traffic: FloatArray,
    highest: float,
    aht: Numbers,
    target_time: Numbers,
    level: float,
    max_occupancy: float | None,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """The least agents meeting every Erlang C target, and the measures there.

    Each interval starts at its least admissible staffing, which cannot be
    too many agents: the least stable one, or the occupancy bound. The
    window holds as many staffings as `_search_rows` expects the longest
    search to need, judged with the Erlang B recursion (`_erlang_c_window`).
    ``highest`` is the largest traffic. Returns agents, P(wait), service
    level, ASA and occupancy.

    For a few hundred intervals the time goes to the number of numpy calls,
    not their length, and to the one Poisson cdf (see `inverse_erlang_b`).
    Starting at a guess near the answer instead of the least stable
    staffing would not save calls: proving that one agent fewer fails
    would then take a search downwards as well.
    """
    size = traffic.size
    busy = None if np.count_nonzero(traffic) == size else traffic > 0
    load = traffic if busy is None else np.where(busy, traffic, 1.0)
    highest = max(highest, 1.0)  # counting the stand-in load of idle intervals
    start = _least_stable(load, max_occupancy)
    decay = (-target_time) / aht  # each agent more multiplies the delay by e^{-t/h}
    delay_rate = _least(target_time) / _most(aht)
    rows = _search_rows(highest, size, level, max_occupancy, delay_rate)
    # start <= highest / max_occupancy + 1: see `_least_stable`.
    most = highest / (max_occupancy or 1.0) + 1.0
    miss_allowed = 1.0 - level

    def state_at(first_agents: FloatArray, which: Which) -> FloatArray:
        return inverse_erlang_b(first_agents, _pick(load, which), most)

    def window(
        first_agents: FloatArray, inverse: FloatArray, count: int, which: Which
    ) -> Window:
        loads = _pick(load, which)
        agents, inverses, wait, miss = _erlang_c_window(
            first_agents,
            inverse,
            count,
            loads,
            _pick(decay, which),
            None if busy is None else _pick(busy, which),
        )

        def following() -> FloatArray:
            result: FloatArray = inverses[-1] * ((agents[-1] + 1.0) / loads) + 1.0
            return result

        return Window(agents, miss <= miss_allowed, following, (wait, miss))

    # 1 / B overflows to inf only where B is below the smallest normal
    # double, and inf then reads as P(wait) = 0.
    with np.errstate(over="ignore"):
        agents, (wait, miss) = first_meeting(Judge(state_at, window), start, rows)
    # Met targets bound P(wait) * delay by 1 - level < 1: no clipping needed.
    service = 1.0 - miss
    measures = (agents, wait, service, wait * aht / (agents - load), load / agents)
    if busy is None:
        return measures
    empty = (0.0, 0.0, 1.0, 0.0, 0.0)  # no arrivals: nobody needed, nobody waits
    agents, wait, service, asa, occupancy = (
        np.where(busy, value, nothing)
        for value, nothing in zip(measures, empty, strict=True)
    )
    return agents, wait, service, asa, occupancy


def _pick(values: Any, which: Which) -> Any:
    """The values of the intervals ``which`` (all of them for None; a number as is)."""
    if which is None or not isinstance(values, np.ndarray) or values.ndim == 0:
        return values
    return values[which]


def _erlang_c_window(
    start: FloatArray,
    first: FloatArray,
    rows: int,
    traffic: FloatArray,
    decay: Numbers,
    busy: BoolArray | None,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Staffings ``start``, ``start + 1``, ... in ``rows`` rows, and their queues.

    ``first`` is 1 / B at ``start``. Returns the agents, 1 / B, P(wait) and
    ``P(wait) e^{-(N - A) t / h}``, which is 1 - service level, each with one
    row per staffing and one column per interval. Each step is one numpy
    call over the whole window, but for the Erlang B recursion, which takes
    two per row: about twenty calls for a few rows, against a dozen per
    agent when every interval steps up one agent at a time.
    """
    agents = start + _offsets(rows)
    inverse = _inverse_erlang_b_upward(agents, traffic, first)
    gap = agents - traffic
    # P(wait) = N B / (N - A + A B), with B = 1 / inverse: unlike
    # N / ((N - A) / B + A), no step overflows while B is a normal double.
    wait = traffic / inverse
    wait += gap
    np.divide(np.divide(agents, inverse), wait, out=wait)
    miss = np.multiply(gap, decay, out=gap)
    np.exp(miss, out=miss)
    if busy is not None:
        miss *= busy  # no arrivals: never late
    miss *= wait
    return agents, inverse, wait, miss


def _least_stable(traffic: FloatArray, max_occupancy: float | None) -> FloatArray:
    """The least staffing worth judging: above the traffic, within the cap."""
    if max_occupancy is not None and max_occupancy < _CLEARLY_BELOW_ONE:
        # A / max_occupancy is then above A even after rounding, and so is
        # its ceiling: the occupancy bound alone is stable.
        return _least_below_occupancy(traffic, max_occupancy)
    stable = np.floor(traffic) + 1.0
    if max_occupancy is None:
        return stable
    return np.maximum(stable, _least_below_occupancy(traffic, max_occupancy))


def _search_rows(
    highest: float,
    size: int,
    level: float,
    max_occupancy: float | None,
    delay_rate: float,
) -> int:
    """How many consecutive staffings to judge at once, from the least stable up.

    Square-root staffing (Halfin and Whitt 1981) puts the answer near
    ``A + beta sqrt(A)``. With a target time of 0, P(wait) must be at most
    ``1 - level``, and P(wait) tends to ``1 / (1 + beta Phi / phi)``; a
    target time t helps by ``e^{-beta sqrt(A) t / h}``, and one Newton step
    lowers ``beta`` for it, with ``delay_rate`` the least ``t / h`` of all
    intervals. The search starts above ``A (1 + c)``, with
    ``c = 1 / max_occupancy - 1`` (or 0), so it takes about
    ``beta sqrt(A) - c A`` steps, most at ``sqrt(A) = beta / 2c`` or at the
    ``highest`` traffic, whichever is less. The window reaches two staffings
    further, for the approximation and the ceiling, and holds at most
    ``_SEARCH_CELLS`` staffings for ``size`` intervals. A window too short
    costs a second window, about a quarter of a call for a few hundred
    intervals; a staffing too many costs a few percent.
    """
    beta, slope = _square_root_safety(level)
    excess = 0.0
    if max_occupancy is not None:
        excess = max(0.0, (1.0 - WHOLE_TOLERANCE) / max_occupancy - 1.0)
    root = math.sqrt(highest)  # sqrt(A) where the search takes most steps
    if excess > 0.0:
        root = min(root, beta / (2.0 * excess))
    beta /= 1.0 + root * delay_rate / slope
    if excess > 0.0:
        root = min(root, beta / (2.0 * excess))
    steps = beta * root - excess * root * root
    return max(1, min(math.ceil(steps) + 2, _SEARCH_CELLS // size))


@functools.lru_cache(maxsize=64)
def _square_root_safety(level: float) -> tuple[float, float]:
    """Square-root staffing's beta for P(wait) = 1 - level, and the slope there.

    ``beta`` solves ``log(beta Phi(beta) / phi(beta)) = log(level / (1 -
    level))`` by bisection; the slope is the derivative of
    ``log(1 + beta Phi / phi)`` at ``beta``, which is
    ``(Phi / phi + beta + beta^2 Phi / phi) / (1 + beta Phi / phi)``.
    """
    target = math.log(level) - math.log1p(-level)
    low, high = 0.0, 40.0
    for _ in range(60):
        middle = 0.5 * (low + high)
        if math.log(middle) + _log_mills_ratio(middle) < target:
            low = middle
        else:
            high = middle
    mills = math.exp(_log_mills_ratio(high))
    return high, (mills + high + high * high * mills) / (1.0 + high * mills)


def _log_mills_ratio(beta: float) -> float:
    """log(Phi(beta) / phi(beta)) for the standard normal, for beta >= 0."""
    return (
        math.log(0.5 * math.erfc(-beta / math.sqrt(2.0)))
        + 0.5 * beta * beta
        + _HALF_LOG_2PI
    )


def _inverse_erlang_b_upward(
    agents: FloatArray, traffic: FloatArray, first: FloatArray
) -> FloatArray:
    """1 / B at each row of ``agents`` (N, N + 1, ...), from ``first`` at row 0.

    The recursion 1 / B(N + 1) = 1 + (N + 1) / A / B(N) adds positive terms
    only, so it loses nothing however many rows it runs.
    """
    inverse = agents / traffic  # row k holds (N + k) / A until its turn
    inverse[0] = first
    previous = first
    for row in inverse[1:]:
        row *= previous
        row += 1.0
        previous = row
    return inverse


# Erlang A -------------------------------------------------------------------


def least_agents_erlang_a(
    queue: ErlangAQueue,
    busy: BoolArray | None,
    level: float,
    max_occupancy: float | None,
    max_abandonment: float | None,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """The least agents meeting every Erlang A target, and the measures there.

    The service level, the occupancy (answered load / agents) and the
    abandonment are each monotone in the agents, so one search settles each
    interval (`first_meeting`). Its first window holds three staffings up to
    the guess of the heavy-traffic approximation (`_erlang_a_guess`); when
    they do not settle an interval, the secant of the tightest target's
    margin says where to look next. The measures of every staffing judged
    are exact. No staffing below
    ``A max(level, 1 - max_abandonment) / max_occupancy`` can meet the
    targets: the answered share ``1 - P(abandon)``, at least the service
    level, is at most ``N / A`` (an agent answers at most one call at a
    time), and the occupancy is ``A (1 - P(abandon)) / N``. Returns agents,
    P(wait), P(abandon), service level and occupancy (idle intervals: 0, 0,
    0, 1, 0).
    """
    load = queue.load
    least_share = max(level, 0.0 if max_abandonment is None else 1.0 - max_abandonment)
    lowest = np.maximum(_whole_ceiling(load, least_share / (max_occupancy or 1.0)), 1.0)
    root = np.sqrt(load)
    guess = np.ceil(load + _erlang_a_guess(queue, level) * root)
    start = np.maximum(lowest, guess - 2.0)  # rows guess - 2 .. guess
    jump_cap = np.ceil(2.0 * root) + 2.0
    log_load = np.log(load)
    probit = _special().ndtri
    allowed = (  # the targets on the margins' scales (see `_erlang_a_margin`)
        float(probit(level)),
        None if max_abandonment is None else float(probit(max_abandonment)),
        None if max_occupancy is None else math.log(max_occupancy),
    )

    def state_at(first_agents: FloatArray, which: Which) -> FloatArray:
        return log_erlang_b_excess(first_agents, _pick(load, which))

    def window(
        first_agents: FloatArray, excess: FloatArray, count: int, which: Which
    ) -> Window:
        agents = first_agents + _offsets(count)
        part = queue if which is None else ErlangAQueue(*(v[which] for v in queue))
        log_loads = _pick(log_load, which)
        excesses = _log_excess_upward(agents, log_loads, excess)

        def following() -> FloatArray:
            result: FloatArray = np.log(agents[-1] + 1.0) - log_loads
            result += np.logaddexp(0.0, excesses[-1])
            return result

        wait, abandon, service, occupancy = erlang_a_measures(part, agents, excesses)
        meets = service >= level
        if max_occupancy is not None:
            meets &= occupancy <= max_occupancy
        if max_abandonment is not None:
            meets &= abandon <= max_abandonment
        margin = _erlang_a_margin(allowed, abandon, service, occupancy)
        measures = (wait, abandon, service, occupancy)
        return Window(agents, meets, following, measures, margin)

    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        agents, measures = first_meeting(
            Judge(state_at, window), start, _ERLANG_A_ROWS, lowest, jump_cap=jump_cap
        )
    wait, abandon, service, occupancy = measures
    if busy is None:
        return agents, wait, abandon, service, occupancy
    empty = (0.0, 0.0, 0.0, 1.0, 0.0)  # no arrivals: nobody needed, nobody waits
    agents, wait, abandon, service, occupancy = (
        np.where(busy, value, nothing)
        for value, nothing in zip(
            (agents, wait, abandon, service, occupancy), empty, strict=True
        )
    )
    return agents, wait, abandon, service, occupancy


def _erlang_a_guess(queue: ErlangAQueue, level: float) -> FloatArray:
    """A starting guess of Erlang A staffing, as beta in N = A + beta sqrt(A).

    Garnett, Mandelbaum and Reiman's heavy-traffic limit: with
    ``r = sqrt(patience / aht)``, ``h`` the standard normal hazard
    ``phi / (1 - Phi)``, ``P(wait) ~ 1 / (1 + h(beta r) / (r h(-beta)))``,
    and the wait of a delayed caller is nearly a normal truncated at 0, so
    the share answered within t has a closed form in ``erfcx``. One secant
    step from square-root staffing's (Erlang C) beta solves for the target
    service level. It only places the first window: which staffing is the
    answer is decided on exact measures.
    """
    special = _special()
    safety, slope = _square_root_safety(level)
    load = queue.load
    root = np.sqrt(load)
    tau = queue.target_time / queue.aht
    first = safety / (1.0 + root * tau / slope)  # Erlang C's, t-adjusted
    ratio = np.sqrt(queue.ratio)
    spread = tau * root / ratio  # the target in the delay's standard deviations
    tilt = 1.0 / (ratio * root)  # the abandonment rate in the same scale

    def service_level(beta: FloatArray) -> FloatArray:
        scaled = np.maximum(beta * ratio, -25.0) / _SQRT_2
        delayed = special.erfcx(scaled)
        wait = 1.0 / (
            1.0 + special.erfcx(np.minimum(-beta / _SQRT_2, 25.0)) / (ratio * delayed)
        )
        served = scaled + tilt / _SQRT_2
        exponent = np.minimum(-(served * _SQRT_2) * spread - 0.5 * spread * spread, 700)
        within = special.erfcx(served) - np.exp(exponent) * special.erfcx(
            served + spread / _SQRT_2
        )
        result: FloatArray = 1.0 - wait * (1.0 - within / delayed)
        return result

    second = first - 1.5
    before, after = service_level(first) - level, service_level(second) - level
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = second - after * (second - first) / (after - before)
    beta = np.where(np.isfinite(beta), beta, first)
    return np.clip(beta, -root, first + 2.0)


def _log_excess_upward(
    agents: FloatArray, log_load: FloatArray, first: FloatArray
) -> FloatArray:
    """The log Erlang B excess at each row of ``agents``, from ``first`` at row 0.

    1 / B(N + 1) - 1 = ((N + 1) / A) (1 / B(N)), in logs: a sum of positive
    quantities' logs, exact however many rows it runs.
    """
    excess = np.log(agents) - log_load  # row k holds log((N + k) / A) until its turn
    excess[0] = first
    previous = first
    for row in excess[1:]:
        row += np.logaddexp(0.0, previous)
        previous = row
    return excess


def _erlang_a_margin(
    allowed: tuple[float, float | None, float | None],
    abandon: FloatArray,
    service: FloatArray,
    occupancy: FloatArray,
) -> FloatArray:
    """How far each staffing is from its tightest target.

    ``allowed`` holds the probits of the service level target and of the
    abandonment cap, and the log of the occupancy cap (None where there is
    none). The margins ``probit(SL) - probit(level)``,
    ``probit(max) - probit(P(abandon))`` and ``log(max) - log(occupancy)``
    each grow with the agents, nearly linearly over a few agents (the
    probit scale straightens the service level's approach to 1), and are
    0 at their targets. They place the next window only; which staffings
    meet the targets is decided on the measures themselves.
    """
    probit = _special().ndtri
    level, most_abandon, most_occupancy = allowed
    margin: FloatArray = probit(service) - level
    if most_abandon is not None:
        margin = np.minimum(margin, most_abandon - probit(abandon))
    if most_occupancy is not None:
        margin = np.minimum(margin, most_occupancy - np.log(occupancy))
    return margin


# ---------------------------------------------------------------------------
# Small shared pieces


def _least(values: Numbers) -> float:
    """The least value of a number or an array."""
    return values if isinstance(values, float) else float(values.min())


def _most(values: Numbers) -> float:
    """The largest value of a number or an array."""
    return values if isinstance(values, float) else float(values.max())


@functools.lru_cache(maxsize=32)
def _offsets(count: int) -> FloatArray:
    """0, 1, ..., count - 1 as a read-only float column."""
    column = np.arange(count, dtype=np.float64)[:, np.newaxis]
    column.flags.writeable = False
    return column


@functools.lru_cache(maxsize=32)
def _positions(count: int) -> npt.NDArray[np.intp]:
    """0, 1, ..., count - 1 as a read-only index array."""
    positions = np.arange(count)
    positions.flags.writeable = False
    return positions


def _whole_ceiling(numerator: FloatArray, factor: float) -> FloatArray:
    """ceil(numerator * factor), reading a product just above a whole number as it.

    A product up to a relative 1e-9 above a whole number counts as that
    number. A quotient of decimals that is whole on paper can land just above the
    whole number in floating point (21 / (1 - 0.3) is 30.000000000000004),
    and a plain ceiling would then add a needless agent.
    """
    # Shrinking first moves a quotient up to 1e-9 above k to just below k.
    return np.ceil(numerator * (factor * (1.0 - WHOLE_TOLERANCE)))


def _least_below_occupancy(traffic: FloatArray, max_occupancy: float) -> FloatArray:
    """The least N with traffic / N <= max_occupancy (see `_whole_ceiling`)."""
    return _whole_ceiling(traffic, 1.0 / max_occupancy)


def headcount(on_queue: FloatArray, shrinkage: float) -> FloatArray:
    """The people to schedule for ``on_queue`` agents: ceil(N / (1 - shrinkage))."""
    if shrinkage == 0:
        return on_queue
    return _whole_ceiling(on_queue, 1.0 / (1.0 - shrinkage))
