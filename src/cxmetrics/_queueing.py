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
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = [
    "busy_queues",
    "erlang_a_measures",
    "erlang_a_waits",
    "erlang_b",
    "headcount",
    "idle_where",
    "least_agents_erlang_a",
    "least_agents_erlang_c",
    "log_erlang_b_excess",
    "queue_measures",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Numbers = float | FloatArray  # a validated input: a float, or a 1-d float64 array
#: Which delays (mean waits) the Erlang A measures include: every one, only
#: those the Kummer series gives at no extra pass, or none.
Waits = Literal["all", "series", "none"]

#: A quotient this close to a whole number (relative) is that whole number, in
#: the ceilings of ``traffic / max_occupancy`` and ``agents / (1 - shrinkage)``.
WHOLE_TOLERANCE = 1e-9
#: ... and never by more than this many agents.
WHOLE_SLACK = 1e-6
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
#: The rows of the first Erlang A window: the guess and two staffings below
#: it (the guess errs high more often than low), enough to settle most
#: intervals at once and, when not, to draw a secant.
_ERLANG_A_ROWS = 3
#: Terms a chunk of the wait sum (`_windowed_delay`) holds at most.
_WAIT_CELLS = 1 << 20
#: The most terms of a Kummer series summed term by term (`_queue_sums`);
#: a queue that needs more takes the incomplete gamma function, which is
#: then the cheaper way.
_SERIES_TERMS = 160
#: The series stop where their terms are e^-41 (below 1.6e-18) of the first.
_SERIES_DEPTH = 41.0
#: Rows run through at a time in running products and sums (`_running`).
_RUN_BLOCK = 8
#: log(1 / _TINY): a series whose x is below _TINY b would underflow.
_LOG_TINY = -math.log(_TINY)


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
    """An M/M/N+M queue's parameters, per interval.

    Times in seconds; ``load`` in Erlangs (positive: idle intervals carry a
    stand-in), an array with one value per interval; the others are arrays
    of that shape or numbers that hold for every interval. ``ratio`` is
    patience / aht (the service rate over the abandonment rate), ``scale``
    the load times it (arrivals over the abandonment rate), ``decay`` the
    chance of staying patient for ``target_time``; ``lead - N pace`` is the
    exponent of the service level's late share (see `erlang_a_measures`).
    """

    load: FloatArray
    aht: Numbers
    patience: Numbers
    target_time: Numbers
    ratio: Numbers
    scale: FloatArray
    decay: Numbers
    lead: FloatArray
    pace: Numbers

    @classmethod
    def of(
        cls,
        load: FloatArray,
        aht: Numbers,
        patience: Numbers,
        target_time: Numbers,
    ) -> ErlangAQueue:
        ratio = patience / aht
        scale = load * ratio
        theta_t = target_time / patience
        if isinstance(theta_t, float):
            decay: Numbers = math.exp(-theta_t)
            spent: Numbers = -math.expm1(-theta_t)
        else:
            decay, spent = np.exp(-theta_t), -np.expm1(-theta_t)
        lead = scale * spent - theta_t  # x (1 - e^{-theta t}) - theta t
        pace = target_time / aht
        return cls(load, aht, patience, target_time, ratio, scale, decay, lead, pace)

    def part(self, which: Which) -> ErlangAQueue:
        """The queues of the intervals ``which`` (all of them for None)."""
        if which is None:
            return self
        return ErlangAQueue(*(_pick(value, which) for value in self))


def busy_queues(
    load: FloatArray, aht: Numbers, patience: Numbers, target_time: Numbers
) -> tuple[ErlangAQueue, BoolArray | None]:
    """Erlang A's queues, and which intervals have calls (None: every one).

    An interval without calls is given a load of 1, so that no measure
    divides by 0; `idle_where` then gives it the measures of an idle queue.
    """
    busy = load > 0
    if bool(busy.all()):
        return ErlangAQueue.of(load, aht, patience, target_time), None
    queues = ErlangAQueue.of(np.where(busy, load, 1.0), aht, patience, target_time)
    return queues, busy


#: P(wait), P(abandon), service level, ASA, mean wait and occupancy of an
#: interval without calls: nobody waits.
_IDLE_MEASURES = (0.0, 0.0, 1.0, 0.0, 0.0, 0.0)


def idle_where(
    busy: BoolArray | None, measures: tuple[FloatArray, ...]
) -> tuple[FloatArray, ...]:
    """Erlang A's measures, those of an idle queue where not ``busy``.

    ``measures`` are in the order of `_IDLE_MEASURES`; ``busy`` is that of
    `busy_queues` (None: every interval has calls).
    """
    if busy is None:
        return measures
    return tuple(
        np.where(busy, value, idle)
        for value, idle in zip(measures, _IDLE_MEASURES, strict=True)
    )


def erlang_a_measures(
    queue: ErlangAQueue,
    agents: FloatArray,
    log_excess: FloatArray,
    *,
    waits: Waits = "none",
) -> tuple[FloatArray, ...]:
    """P(wait), P(abandon), service level and occupancy of M/M/N+M queues.

    With ``waits`` "all", also the delay from which `erlang_a_waits` gives
    the mean waits of answered and of all calls; with "series", the delay
    only where the Kummer series gives it at no extra pass, NaN elsewhere
    (`_fill_delays` fills in those a search settles on). ``agents`` holds
    one staffing per interval, or rows of them (a column per interval);
    ``log_excess`` is ``log(1 / B(N, A) - 1)`` there (`log_erlang_b_excess`).

    With ``a = N mu / theta`` and ``x = lambda / theta``:
    P(wait) = S(a, x) / (1 / B - 1 + S(a, x)); a waiting caller is answered
    with probability ``a S(a + 1, x) / ((a + 1) S(a, x))``; and answered
    within t with that probability times
    ``1 - S(a + 1, y) e^{x - y - (N mu + theta) t} / S(a + 1, x)``, where
    ``y = x e^{-theta t}``. The Kummer functions come from `_kummer_terms`,
    once per staffing for every measure, as logarithms, so that nothing
    overflows at any load.

    Call it, as the other Erlang A kernels here, under
    ``np.errstate(over="ignore", divide="ignore", invalid="ignore")``:
    infinities and the odd 0 / 0 of an idle or overloaded queue are
    handled where they arise, and one errstate costs less than one in each
    kernel.
    """
    a = agents * queue.ratio
    kummer = _kummer_terms(a, queue.scale, queue.decay, waits=waits)
    wait: FloatArray = _special().expit(kummer.log_s - log_excess)
    served = kummer.share * (a / (a + 1.0))  # answered, of the callers who wait
    abandon = wait * (1.0 - served)
    late = np.exp(kummer.log_late + (queue.lead - agents * queue.pace))  # in [0, 1]
    service = 1.0 - wait + wait * served * (1.0 - late)  # sums when SL is small
    occupancy = queue.load * (1.0 - abandon) / agents
    # Into [0, 1] by a ufunc each way: np.clip's Python wrapper costs more.
    measures = (
        wait,
        np.minimum(np.maximum(abandon, 0.0), 1.0),
        np.minimum(np.maximum(service, 0.0), 1.0),
        np.minimum(np.maximum(occupancy, 0.0), 1.0),
    )
    if kummer.delay is None:
        return measures
    return (*measures, kummer.delay)


def erlang_a_waits(
    queue: ErlangAQueue,
    agents: FloatArray,
    wait: FloatArray,
    abandon: FloatArray,
    delay: FloatArray,
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
    over the ``t_j`` of the callers who wait: ``delay`` is theta times it
    over ``sum_m t_m`` (`_kummer_terms`).
    """
    del agents  # the delay already holds what the staffing does
    mean_wait = abandon * queue.patience
    answered_wait = wait * delay * queue.patience / (1.0 - abandon)
    return np.where(wait > 0, answered_wait, 0.0), mean_wait


def _fill_delays(queue: ErlangAQueue, agents: FloatArray, delay: FloatArray) -> None:
    """Fill in, in place, the delays left out (NaN) by ``waits="series"``.

    ``agents`` and ``delay`` hold one staffing per interval of ``queue``.
    """
    left = np.flatnonzero(np.isnan(delay))
    if left.size:
        part = queue.part(left)
        delay[left] = _windowed_delay(agents[left] * part.ratio, part.scale)


class _Kummer(NamedTuple):
    """What the Erlang A measures need of the Kummer functions (`_kummer_terms`).

    ``log S(a, x)``; the share ``S(a + 1, x) / S(a, x)``; the log late
    ratio ``log S(a + 1, y) - log S(a + 1, x)``; and, when asked for, the
    delay of `erlang_a_waits`.
    """

    log_s: FloatArray
    share: FloatArray
    log_late: FloatArray
    delay: FloatArray | None


def _kummer_terms(
    a: FloatArray, x: Numbers, decay: Numbers | None, *, waits: Waits
) -> _Kummer:
    """The Kummer functions of Erlang A's measures, for queues ``a``, ``x``.

    ``a`` has any shape; ``x`` and ``decay`` (``y = decay x``; None: no y,
    and a log late ratio of 0) broadcast to it. In terms of the queue a caller
    finds, ``t_m = prod_{i=1..m} x / (a + i)`` and ``R = sum_{m >= 1} t_m``:
    ``S(a, x) = 1 + R``, ``S(a + 1, x) = (a + 1) R / x`` and
    ``S(a + 1, y) = (a + 1) sum_{m >= 1} decay^{m-1} t_m / x``; the delay
    is ``(a / x) sum_m t_m g_m / (1 + R)``.

    Where ``x < a + 1`` (more agents than the load, as near any staffing
    that meets a target) the terms fall from the first and a few dozen of
    them reach double precision: the sums are then taken term by term,
    every staffing at once as one array (`_window_sums`), every measure
    from the same terms. Elsewhere, or where that would take more than
    ``_SERIES_TERMS`` terms, the incomplete gamma function (`log_kummer`)
    gives S in log space, and a window around the mode of t the delay
    (`_windowed_delay`), unless ``waits`` is "series": a window there costs
    more than the rest put together, and a staffing search needs the delay
    at its answer only (NaN stands for the delays left out).
    """
    harmonic = waits != "none"
    count, fast = _series_plan(a, x)
    if fast is True:
        sums = _window_sums(a, x, 0.0, count, decay, harmonic=harmonic)
        if sums.converged.all():
            return _from_sums(a, x, sums)
        fast = sums.converged
    # Some queues another way: one at a time in flat arrays.
    shape = a.shape
    a, x = a.reshape(-1), np.broadcast_to(x, shape).reshape(-1)
    if decay is not None and not isinstance(decay, float):
        decay = np.broadcast_to(decay, shape).reshape(-1)
    log_s, share, log_late = np.empty_like(a), np.empty_like(a), np.zeros_like(a)
    delay = np.empty_like(a) if harmonic else None
    slow = ~np.broadcast_to(fast, shape).reshape(-1)
    part = np.flatnonzero(~slow)
    if part.size:
        a_part, x_part = a[part], x[part]
        sums = _window_sums(
            a_part, x_part, 0.0, count, _pick(decay, part), harmonic=harmonic
        )
        kummer = _from_sums(a_part, x_part, sums)
        log_s[part], share[part], log_late[part] = kummer[:3]
        if delay is not None:
            delay[part] = kummer.delay
        slow[part] = ~sums.converged
    if slow.any():
        b, z = a[slow] + 1.0, x[slow]
        log_s1 = log_kummer(b, z)  # log S(a + 1, x)
        log_s[slow] = log_s_slow = np.logaddexp(0.0, np.log(z / b) + log_s1)
        share[slow] = np.exp(log_s1 - log_s_slow)
        if decay is not None:
            log_late[slow] = log_kummer(b, z * _pick(decay, slow)) - log_s1
        if delay is not None:
            delay[slow] = _windowed_delay(a[slow], z) if waits == "all" else np.nan
    return _Kummer(
        log_s.reshape(shape),
        share.reshape(shape),
        log_late.reshape(shape),
        None if delay is None else delay.reshape(shape),
    )


def _from_sums(a: FloatArray, x: Numbers, sums: _Sums) -> _Kummer:
    """`_Kummer` from the sums of the series (see `_kummer_terms`)."""
    total = 1.0 + sums.rest  # S(a, x)
    share = sums.rest / total
    share *= (a + 1.0) / x
    log_late = (
        np.zeros_like(total) if sums.late is None else np.log(sums.late / sums.rest)
    )
    delay = None
    if sums.weighted is not None:
        delay = (a / x) * sums.weighted / total
    return _Kummer(np.log(total), share, log_late, delay)


def _series_plan(a: FloatArray, x: Numbers) -> tuple[int, bool | BoolArray]:
    """How many terms `_kummer_terms` sums as a series, and for which queues.

    The series serves queues with ``x < a + 1``, whose terms fall from the
    first (and with x not so small that its terms underflow), which need at
    most ``_SERIES_TERMS`` terms; the count covers the longest of them
    (`_series_length`), rounded up to whole blocks of `_running`. Returns
    the count (0 when none is served) and True when every queue is served,
    else a mask of those served.
    """
    b = a + 1.0
    drop = np.log(b / x)  # positive where x < a + 1
    # The root of m drop + m^2 / (2 b) = depth: a little below the need.
    guess = (2.0 * _SERIES_DEPTH) / (
        np.sqrt(drop * drop + (2.0 * _SERIES_DEPTH) / b) + drop
    )
    fast = (guess < _SERIES_TERMS - 2) & (drop > 0) & (drop < _LOG_TINY)
    if fast.all():
        every: bool | BoolArray = True
        where = int(guess.argmax())
    elif fast.any():
        every = fast
        where = int(np.where(fast, guess, 0.0).argmax())
    else:
        return 0, fast
    b_at = float(b.flat[where])
    longest = _series_length(b_at, b_at * math.exp(-float(drop.flat[where])))
    count = _RUN_BLOCK * math.ceil((min(longest, _SERIES_TERMS) + 2.0) / _RUN_BLOCK)
    return count, every


def _series_length(b: float, x: float) -> float:
    """Terms after t_1 until those of a Kummer series are e^-depth of it.

    ``-log(t_{m+1} / t_1) = m log(b / x) + sum_{i=1..m} log(1 + i / b)``
    with ``b = a + 1``; by Stirling the sum is about
    ``(b + m + 1/2) log(1 + m / b) - m``. Newton's method from the root
    of its quadratic approximation (which lies below) solves for m. An
    estimate: `_window_sums` checks that the terms left out are small
    enough, and `_kummer_terms` takes another way where they are not.
    """
    drop = math.log(b / x)
    m = 2.0 * _SERIES_DEPTH / (math.sqrt(drop * drop + 2.0 * _SERIES_DEPTH / b) + drop)
    for _ in range(3):
        growth = math.log1p(m / b)
        excess = m * drop + (b + m + 0.5) * growth - m - _SERIES_DEPTH
        m -= excess / (drop + growth + 0.5 / (b + m))
    return m


class _Sums(NamedTuple):
    """Sums over a window of ``t_m / t_low``, m = low, ..., low + count - 1.

    ``rest`` leaves out the first term (which is 1): with ``low = 0`` it is
    ``R = sum_{m >= 1} t_m``. ``late`` is ``sum_{m >= 1} decay^{m-1} t_m``
    (``low = 0`` only) and ``weighted`` is ``sum_m t_m g_m / t_low``, when
    asked for; ``converged`` says whether the terms left out on either side
    are below ``_SERIES_TOLERANCE`` of the sums.
    """

    rest: FloatArray
    late: FloatArray | None
    weighted: FloatArray | None
    converged: BoolArray


def _window_sums(
    a: FloatArray,
    x: Numbers,
    low: float | FloatArray,
    count: int,
    decay: Numbers | None,
    *,
    harmonic: bool,
) -> _Sums:
    """Sums of ``t_m = prod_{i=1..m} x / (a + i)`` over a window of m, per queue.

    The queues ``a`` have any shape (``x``, ``low`` and ``decay`` broadcast
    to it). The terms form one array with two leading axes for m
    (``count``, a multiple of ``_RUN_BLOCK``, in the order of `_term_rows`):
    the ratios ``x / (a + m)``, their running products relative to
    ``t_low`` (`_running`) and, for the weights
    ``g_m = psi(a + m + 1) - psi(a + 1)``, the running sums of
    ``1 / (a + m)``. Each tail left out is bounded by its edge term and the
    ratio ``r`` of the next: ``t r / (1 - r)`` for the sums of ``t``, plus
    ``t r / ((1 - r)^2 (a + m))`` for the growth of g. Sums of products are
    taken by einsum, never by BLAS, whose threads cost more than they save
    on arrays this small.
    """
    rows = _term_rows(count, a.ndim)
    # One allocation for both arrays: fewer large blocks to and from the
    # allocator (which returns memory to the system, and faults it back in,
    # when large blocks come and go).
    space = np.empty((2 if harmonic else 1, *rows.shape[:2], *a.shape))
    from_first = isinstance(low, float)  # low = 0
    denominators = np.add(a if from_first else a + low, rows, out=space[0])
    if harmonic:
        inverse = np.divide(1.0, denominators, out=denominators)
        terms = np.multiply(inverse, x, out=space[1])
    else:
        terms = np.divide(x, denominators, out=denominators)
    first = (0, 0)  # where m = low sits
    last = (_RUN_BLOCK - 1, count // _RUN_BLOCK - 1)  # and m = low + count - 1
    terms[first] = 1.0  # relative to t_low
    _running(terms, np.multiply)
    weighted = None
    start: FloatArray | float = 0.0
    if harmonic:
        if not from_first:
            digamma = _special().digamma
            start = np.where(low > 0, digamma(a + low + 1.0) - digamma(a + 1.0), 0.0)
        inverse[first] = start  # g_low
        _running(inverse, np.add)  # g_m
        weighted = np.einsum("ji...,ji...->...", terms, inverse)
    edge = terms[last].copy()
    terms[first] = 0.0  # the sums below leave out m = low
    rest: FloatArray = terms.sum(axis=(0, 1))
    late = None
    if decay is not None:
        if isinstance(decay, float):
            late = np.einsum("ji,ji...->...", _decay_rows(decay, count), terms)
        else:
            late = np.einsum("ji...,ji...->...", np.power(decay, rows - 1.0), terms)
    # The tails left out: the next term's ratio, and the one before low's.
    high = low + (count - 1)
    right = x / (a + high + 1.0)  # below 1 from the first term (x < a + 1)
    spill = edge * right / (1.0 - right)
    if from_first:
        under: FloatArray | float = 0.0
        base = rest if late is None else late
    else:
        spill = np.where(right < 1.0, spill, np.inf)
        left = np.where(low > 0, (a + low) / x, 0.0)  # t_{low-1} / t_low
        under = np.where(left < 1.0, left / (1.0 - left), np.inf)
        base = rest + 1.0
    converged = spill + under <= _SERIES_TOLERANCE * base
    if weighted is not None:
        growth = inverse[last] + 1.0 / ((1.0 - right) * (a + high))
        converged &= spill * growth + under * start <= _SERIES_TOLERANCE * weighted
    return _Sums(rest, late, weighted, converged)


@functools.lru_cache(maxsize=64)
def _term_rows(count: int, ndim: int = 0) -> FloatArray:
    """0, 1, ..., count - 1 arranged as `_running` wants them (read-only).

    Shape ``(_RUN_BLOCK, count // _RUN_BLOCK)`` and ``ndim`` axes of length
    1 after them: term ``m = i B + j`` (with ``B = _RUN_BLOCK``) sits at
    ``[j, i]``, so that the j-th terms of every block form one contiguous
    slab.
    """
    blocks = count // _RUN_BLOCK
    rows = np.arange(count, dtype=np.float64).reshape(blocks, _RUN_BLOCK).T
    rows = np.ascontiguousarray(rows).reshape(_RUN_BLOCK, blocks, *([1] * ndim))
    rows.flags.writeable = False
    return rows


@functools.lru_cache(maxsize=64)
def _decay_rows(decay: float, count: int) -> FloatArray:
    """decay^(m - 1) laid out as `_term_rows` (read-only; m = 0 is unused)."""
    powers: FloatArray = decay ** (_term_rows(count) - 1.0)
    powers.flags.writeable = False
    return powers


def _running(slabs: FloatArray, operation: np.ufunc) -> None:
    """Running products or sums of the terms in `_term_rows` order, in place.

    The j-th terms of every block are run through first, one contiguous
    slab at a time; then every block after the first takes the running
    total of the blocks before it: about ``B + count / B`` numpy calls
    instead of one per term, and the same order of operations for any
    number of columns.
    """
    for j in range(1, _RUN_BLOCK):
        operation(slabs[j], slabs[j - 1], out=slabs[j])
    if slabs.shape[1] == 1:
        return
    carry = slabs[-1, :-1].copy()  # each block's total
    previous = carry[0]
    for row in carry[1:]:
        operation(row, previous, out=row)
        previous = row
    operation(slabs[:, 1:], carry, out=slabs[:, 1:])


def _windowed_delay(a: FloatArray, x: FloatArray) -> FloatArray:
    """The delay of `_queue_sums` summed over a window around the mode of t.

    ``t_m`` rises up to its mode near ``x - a`` and falls after it. The
    window starts wide enough for most queues and widens until the terms
    left out on either side are negligible (`_window_sums`); chunks of
    queues keep its matrix below ``_WAIT_CELLS`` terms.
    """
    delay = np.empty_like(a)
    mode = np.maximum(np.ceil(x - a - 1.0), 0.0)
    spread = 120.0 * np.maximum(x, 1.0)  # ample: the check widens
    below = np.minimum(mode, np.ceil(np.sqrt(spread)) + 2.0)
    excess = np.maximum(a - x, 0.0)
    above = np.ceil(np.sqrt(excess * excess + spread) - excess) + 2.0
    for part in _chunks(below + above + 1.0, _WAIT_CELLS):
        low, width = mode[part] - below[part], below[part] + above[part]
        a_part, x_part = a[part], x[part]
        while True:
            count = _RUN_BLOCK * math.ceil((width.max() + 1.0) / _RUN_BLOCK)
            sums = _window_sums(a_part, x_part, low, count, None, harmonic=True)
            if sums.converged.all():
                break
            grow = np.minimum(low, width)
            low, width = low - grow, 2.0 * width + grow
        assert sums.weighted is not None
        delay[part] = (a_part / x_part) * sums.weighted / (1.0 + sums.rest)
    return delay


def _chunks(lengths: FloatArray, cells: int) -> list[slice]:
    """Consecutive slices of the intervals whose padded windows fit in ``cells``.

    Each slice takes as many intervals as fit (at least one): it is padded
    to its longest window, so its running maximum times its running count
    must stay within ``cells``. That product never falls, and it passes
    ``cells`` within ``cells // first + 1`` intervals of a slice starting
    at a window of ``first``: one numpy pass over those per slice.
    """
    if lengths.max() * lengths.size <= cells:
        return [slice(0, lengths.size)]
    parts: list[slice] = []
    begin = 0
    while begin < lengths.size:
        ahead = lengths[begin : begin + int(cells // lengths[begin]) + 1]
        padded = np.maximum.accumulate(ahead) * np.arange(1, ahead.size + 1)
        end = begin + max(1, int(np.count_nonzero(padded <= cells)))
        parts.append(slice(begin, end))
        begin = end
    return parts


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
    some interval does). ``margin()``, when the judge gives one, tells how
    far each staffing is from meeting the targets: increasing in the
    agents, nearly linear, and at least 0 where they are met; it guides the
    next window (and is computed only when some interval needs one).
    """

    agents: FloatArray
    meets: BoolArray
    following: Callable[[], FloatArray]
    measures: tuple[FloatArray, ...]
    margin: Callable[[], FloatArray] | None = None


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
            [measure.ravel()[chosen] for measure in window.measures]
        )
    failed = (start if lowest is None else lowest) - 1.0  # known to fail
    while True:
        meets = window.meets
        count = meets.shape[1]
        first = meets.argmax(axis=0)
        chosen = first * count + _positions(count)
        found = meets.ravel()[chosen]
        settled = found
        if lowest is not None:
            settled = found & ((first > 0) | (start - 1.0 <= failed))
        if which is None:
            if settled.all():  # the first window settles every interval
                return window.agents.ravel()[chosen], tuple(
                    measure.ravel()[chosen] for measure in window.measures
                )
            met = np.full(size, np.inf)  # the least staffing known to meet
            failed_margin = np.full(size, np.nan)
            met_margin = np.full(size, np.nan)
            agents_found = np.empty(size)
            measures_found = [np.empty(size) for _ in window.measures]
        rows_done = np.flatnonzero(settled)
        done = rows_done if which is None else which[rows_done]
        agents_found[done] = window.agents.ravel()[chosen[rows_done]]
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
            margins = window.margin()[:, going]
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
    start = _least_stable(load, max_occupancy, highest)
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


def _pick(values: Any, which: Which | slice | BoolArray) -> Any:
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


def _least_stable(
    traffic: FloatArray, max_occupancy: float | None, highest: float
) -> FloatArray:
    """The least staffing worth judging: above the traffic, within the cap.

    ``highest`` bounds the traffic from above.
    """
    if max_occupancy is not None and max_occupancy < _CLEARLY_BELOW_ONE:
        # A / max_occupancy is then above A even after rounding, and so is
        # its ceiling: the occupancy bound alone is stable.
        return _whole_ceiling(traffic, 1.0 / max_occupancy, highest)
    stable = np.floor(traffic) + 1.0
    if max_occupancy is None:
        return stable
    return np.maximum(stable, _whole_ceiling(traffic, 1.0 / max_occupancy, highest))


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
) -> tuple[FloatArray, ...]:
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
    P(wait), P(abandon), service level, ASA, mean wait and occupancy (idle
    intervals: 0, 0, 0, 1, 0, 0, 0).
    """
    load = queue.load
    least_share = max(level, 0.0 if max_abandonment is None else 1.0 - max_abandonment)
    lowest = np.maximum(_whole_ceiling(load, least_share / (max_occupancy or 1.0)), 1.0)
    root = np.sqrt(load)
    jump_cap = np.ceil(2.0 * root) + 2.0
    log_load = np.log(load)

    def state_at(first_agents: FloatArray, which: Which) -> FloatArray:
        return log_erlang_b_excess(first_agents, _pick(load, which))

    def window(
        first_agents: FloatArray, excess: FloatArray, count: int, which: Which
    ) -> Window:
        agents = first_agents + _offsets(count)
        part = queue.part(which)
        log_loads = _pick(log_load, which)
        excesses = _log_excess_upward(agents, log_loads, excess)

        def following() -> FloatArray:
            result: FloatArray = np.log(agents[-1] + 1.0) - log_loads
            result += np.logaddexp(0.0, excesses[-1])
            return result

        measures = erlang_a_measures(part, agents, excesses, waits="series")
        _, abandon, service, occupancy, _ = measures
        meets = service >= level
        if max_occupancy is not None:
            meets &= occupancy <= max_occupancy
        if max_abandonment is not None:
            meets &= abandon <= max_abandonment

        def margin() -> FloatArray:
            return _erlang_a_margin(
                (level, max_abandonment, max_occupancy), abandon, service, occupancy
            )

        return Window(agents, meets, following, measures, margin)

    # The Erlang A kernels run under the caller's errstate (see erlang_a_measures).
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        guess = _erlang_a_guess(queue, root, level, max_occupancy)
        start = np.maximum(lowest, guess - 2.0)  # rows guess - 2 .. guess
        agents, measures = first_meeting(
            Judge(state_at, window), start, _ERLANG_A_ROWS, lowest, jump_cap=jump_cap
        )
        wait, abandon, service, occupancy, delay = measures
        _fill_delays(queue, agents, delay)
        asa, mean_wait = erlang_a_waits(queue, agents, wait, abandon, delay)
    measures = (wait, abandon, service, asa, mean_wait, occupancy)
    if busy is None:
        return (agents, *measures)
    return (np.where(busy, agents, 0.0), *idle_where(busy, measures))


def _erlang_a_guess(
    queue: ErlangAQueue, root: FloatArray, level: float, max_occupancy: float | None
) -> FloatArray:
    """A starting guess of Erlang A staffing (a whole number of agents).

    Garnett, Mandelbaum and Reiman's heavy-traffic limit, with
    ``N = A + beta sqrt(A)``, ``r = sqrt(patience / aht)`` and ``h`` the
    standard normal hazard ``phi / (1 - Phi)``:
    ``P(wait) ~ 1 / (1 + h(beta r) / (r h(-beta)))``,
    ``P(abandon | wait) ~ (h(beta r) - beta r) / (r sqrt(N))``, and the wait
    of a delayed caller is nearly a normal truncated at 0, so the share
    answered within t has a closed form in ``erfcx``. One secant step from
    square-root staffing's (Erlang C) beta solves for the target service
    level; with an occupancy cap, the occupancy ``A (1 - P(abandon)) / N``
    must be at most the cap too, with P(abandon) taken at ``N = A / cap``.
    Where many abandon, the fluid model's staffing is the guess when higher.
    It only places the first window: which staffing is the answer is
    decided on exact measures.
    """
    special = _special()
    safety, slope = _square_root_safety(level)
    load = queue.load
    tau = queue.pace  # target time / aht
    first = safety / (1.0 + root * (tau / slope))  # Erlang C's, t-adjusted
    ratio = np.sqrt(queue.ratio)
    # Two betas for the secant and, with a cap, the staffing A / cap: one
    # evaluation of the heavy-traffic formulas for all three.
    beta = np.empty((2 if max_occupancy is None else 3, load.size))
    beta[0] = first
    np.subtract(first, 1.5, out=beta[1])
    if max_occupancy is not None:
        top = load / max_occupancy  # enough for the cap whoever abandons
        np.multiply(root, 1.0 / max_occupancy - 1.0, out=beta[2])  # (top - A) / root
    scaled = np.maximum(beta * ratio, -25.0) / _SQRT_2
    delayed = special.erfcx(scaled)
    wait = 1.0 / (
        1.0 + special.erfcx(np.minimum(-beta / _SQRT_2, 25.0)) / (ratio * delayed)
    )
    # Answered within t, of the delayed: a normal truncated at 0, in erfcx.
    spread = (tau * root / ratio) / _SQRT_2  # the target in the delay's sd
    served = scaled[:2] + 1.0 / (_SQRT_2 * ratio * root)
    exponent = np.minimum(-2.0 * served * spread - spread * spread, 700.0)
    within = special.erfcx(served) - np.exp(exponent) * special.erfcx(served + spread)
    before, after = 1.0 - level - wait[:2] * (1.0 - within / delayed[:2])
    secant = beta[1] + 1.5 * after / (after - before)
    secant = np.where(np.isfinite(secant), secant, first)
    secant = np.maximum(np.minimum(secant, first + 2.0), -root)
    guess: FloatArray = np.ceil(load + secant * root)
    # With many callers abandoning, the answer can lie below the load, where
    # the heavy-traffic limit errs low (by hundreds of agents at a thousand
    # Erlangs). The fluid model has every answered caller wait
    # w = patience log(A / N) there: the target needs N / A >= level (the
    # share answered) and w <= t, so N >= A max(level, e^{-t / patience}).
    guess = np.maximum(guess, np.ceil(load * np.maximum(level, queue.decay)))
    if max_occupancy is None:
        return guess
    hazard = math.sqrt(2.0 / math.pi) / delayed[2] - _SQRT_2 * scaled[2]
    abandon = np.minimum(wait[2] * hazard / (ratio * np.sqrt(top)), 1.0)
    capped: FloatArray = np.maximum(guess, np.ceil(top * (1.0 - abandon)))
    return capped


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
    targets: tuple[float, float | None, float | None],
    abandon: FloatArray,
    service: FloatArray,
    occupancy: FloatArray,
) -> FloatArray:
    """How far each staffing is from its tightest target.

    ``targets`` holds the service level target, the abandonment cap and the
    occupancy cap (None where there is none). The margins
    ``probit(SL) - probit(level)``, ``probit(max) - probit(P(abandon))``
    and ``log(max) - log(occupancy)`` each grow with the agents, nearly
    linearly over a few agents (the probit scale straightens the service
    level's approach to 1), and are 0 at their targets. They place the
    next window only; which staffings meet the targets is decided on the
    measures themselves.
    """
    probit = _special().ndtri
    level, most_abandon, most_occupancy = targets
    margin: FloatArray = probit(service) - probit(level)
    if most_abandon is not None:
        margin = np.minimum(margin, probit(most_abandon) - probit(abandon))
    if most_occupancy is not None:
        margin = np.minimum(margin, math.log(most_occupancy) - np.log(occupancy))
    return margin


# ---------------------------------------------------------------------------
# Small shared pieces


def _least(values: Numbers) -> float:
    """The least value of a number or an array."""
    return values if isinstance(values, float) else float(np.minimum.reduce(values))


def _most(values: Numbers) -> float:
    """The largest value of a number or an array."""
    return values if isinstance(values, float) else float(np.maximum.reduce(values))


@functools.lru_cache(maxsize=64)
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


def _whole_ceiling(
    numerator: FloatArray, factor: float, most: float | None = None
) -> FloatArray:
    """ceil(numerator * factor), reading a product just above a whole number as it.

    A product up to a relative 1e-9 above a whole number, and at most
    ``WHOLE_SLACK`` above it, counts as that number. A quotient of decimals
    that is whole on paper can land just above the whole number in floating
    point (21 / (1 - 0.3) is 30.000000000000004), and a plain ceiling would
    then add a needless agent; the absolute bound keeps a large product
    from losing whole agents to the relative one (1e13 agents are not
    within 1e-9 of 9,999,999,990,000 in any sense that matters here).
    ``most``, when known, bounds the numerator from above.

    Up to ``WHOLE_SLACK / WHOLE_TOLERANCE`` (1,000 agents) the relative
    bound is the smaller one, and one product does it: this runs twice in
    every staffing call.
    """
    if most is None:
        most = float(numerator.max(initial=0.0))
    if most * factor <= WHOLE_SLACK / WHOLE_TOLERANCE:
        # Shrinking first moves a product up to 1e-9 above k to just below k.
        return np.ceil(numerator * (factor * (1.0 - WHOLE_TOLERANCE)))
    product = numerator * factor
    # Moving down by the slack takes a product just above k to just below k.
    return np.ceil(product - np.minimum(product * WHOLE_TOLERANCE, WHOLE_SLACK))


def headcount(on_queue: FloatArray, shrinkage: float) -> FloatArray:
    """The people to schedule for ``on_queue`` agents: ceil(N / (1 - shrinkage))."""
    if shrinkage == 0:
        return on_queue
    return _whole_ceiling(on_queue, 1.0 / (1.0 - shrinkage))
