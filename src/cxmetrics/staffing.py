"""Queueing and staffing: how a queue performs, and how many agents it needs.

Erlang C (M/M/N) takes contacts arriving at random (Poisson), handle times
that are exponential with mean ``aht``, ``N`` agents, an unlimited queue and
no abandonment. Erlang A (M/M/N+M) adds callers who hang up: each waiting
caller gives up after an exponential patience with mean ``patience``.
`erlang_c` and `erlang_a` give the measures of a queue for given staffing;
`required_agents` finds the least staffing meeting a service target under
either model; `estimate_patience` reads the mean patience off a call log;
`erlang_b` is the blocking probability of a loss system (lines or chat
slots, no queue). Everything is vectorized over intervals: pass arrays (one
value per half hour, say) and get arrays back.

Durations (``aht``, ``target_time``, ``interval``, ``patience``) are seconds,
or time spans: `datetime.timedelta`, `pandas.Timedelta`, `numpy.timedelta64`.
The numerics live in `cxmetrics._queueing`: exact formulas in log space,
stable for tens of thousands of agents and any load.
"""

from __future__ import annotations

import math
from typing import Any, NoReturn

import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics import _queueing as queueing
from cxmetrics._seconds import Durations, duration_values
from cxmetrics._validation import (
    NAN_POLICIES,
    FloatArray,
    InputError,
    NanPolicy,
    check_option,
    check_same_index,
    format_count,
    format_examples,
    is_real,
    missing_rows,
    real_float,
    to_float_array,
)
from cxmetrics.results import ErlangAResult, ErlangCResult, StaffingResult
from cxmetrics.service import _read_answered

__all__ = [
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "estimate_patience",
    "required_agents",
]

Numbers = float | FloatArray  # a validated input: a float, or a 1-d float64 array

#: The most traffic (Erlangs) required_agents staffs: the search runs the
#: Erlang B recursion from the traffic up, about 2 sqrt(traffic) agents.
_MAX_TRAFFIC = 1e7
#: The most agents (or lines) a queue may have: beyond 2**53, floating point
#: cannot tell one whole number from the next (and int64 counts overflow
#: soon after, near 2**63).
_MAX_AGENTS = 2.0**53
_MAX_AGENTS_TEXT = "2**53 (9,007,199,254,740,992)"
#: The most calls arriving within one mean patience (traffic * patience / aht)
#: that Erlang A takes: the mean wait of answered calls sums over the queue a
#: caller finds, about sqrt of this many terms. Beyond it nobody abandons in
#: practice, and Erlang C is the model.
_MAX_PATIENT_ARRIVALS = 1e10


# ---------------------------------------------------------------------------
# Public functions


def erlang_c(
    arrival_rate: npt.ArrayLike,
    aht: npt.ArrayLike,
    agents: npt.ArrayLike,
    *,
    target_time: npt.ArrayLike,
    interval: npt.ArrayLike = 1800,
) -> ErlangCResult:
    r"""Erlang C measures of a queue: P(wait), service level, ASA and occupancy.

    Each argument is a number or a one-dimensional array-like with one value
    per interval; arrays must have one common length, and a number applies to
    every interval.

    Parameters
    ----------
    arrival_rate : float or array_like
        Contacts offered per interval (e.g. calls per half hour), 0 or more.
    aht : float, timedelta or array_like
        Average handle time (talk, hold and wrap-up), positive: seconds, or
        time spans.
    agents : int or array_like
        Agents on the queue, whole numbers of at least 1.
    target_time : float, timedelta or array_like
        The service-level threshold (the "20 seconds" of "80/20"), 0 or
        more: seconds, or time spans.
    interval : float, timedelta or array_like
        Length of the interval: seconds (1800, half an hour, by default), or
        time spans.

    Returns
    -------
    ErlangCResult
        ``traffic`` (Erlangs), ``agents``, ``prob_wait``, ``service_level``,
        ``asa`` (seconds) and ``occupancy``, with the inputs
        ``arrival_rate``, ``aht``, ``interval`` and ``target_time``. When
        every argument is a number the fields are Python floats (``agents``
        an int); otherwise they are numpy arrays, one value per interval
        (``agents`` as int64), and ``to_frame()`` gives a table.

    Raises
    ------
    InputError
        Arguments that are not numbers, missing or infinite values, a
        negative arrival rate or target time, a handle time or interval that
        is not positive, agents that are not whole or below 1, empty arrays,
        arrays of different lengths, or traffic too large for a float.

    See Also
    --------
    required_agents : the least number of agents meeting a service target.
    erlang_a : the same queue with callers who hang up.

    Notes
    -----
    With :math:`\lambda` contacts per interval of length :math:`T`, handle
    time :math:`h` and :math:`N` agents, the traffic is
    :math:`A = \lambda h / T` Erlangs and

    .. math::

        C(N, A) = \frac{\dfrac{A^N}{N!}\dfrac{N}{N - A}}
                       {\displaystyle\sum_{k=0}^{N-1} \frac{A^k}{k!}
                        + \dfrac{A^N}{N!}\dfrac{N}{N - A}}
                = \frac{N\,B(N, A)}{N - A\,(1 - B(N, A))},

    where :math:`B(N, A)` is the Erlang B blocking probability. Then

    .. math::

        \mathrm{SL}(t) = 1 - C(N, A)\, e^{-(N - A)\,t / h}, \qquad
        \mathrm{ASA} = \frac{C(N, A)\, h}{N - A}, \qquad
        \text{occupancy} = \frac{A}{N}.

    The model assumes Poisson arrivals, exponential handle times, agents
    who are all alike, first-come first-served, an unlimited queue and no
    abandonment [1]_. :math:`B` is computed as the Poisson ratio
    :math:`B(N, A) = p(N; A) / P(N; A)` (probability mass over cumulative
    probability) in log space [2]_, so thousands of agents neither overflow
    nor lose precision.

    When :math:`N \le A` the queue is unstable: it grows without bound. The
    result says so without raising: ``prob_wait`` 1, ``service_level`` 0,
    ``asa`` inf and ``occupancy`` 1. With no arrivals nobody waits:
    ``prob_wait`` 0, ``service_level`` 1, ``asa`` 0 and ``occupancy`` 0.

    References
    ----------
    .. [1] Gans, N., Koole, G. and Mandelbaum, A. (2003). Telephone call
       centers: tutorial, review, and research prospects. *Manufacturing &
       Service Operations Management*, 5(2), 79-141.
    .. [2] Loader, C. (2000). Fast and accurate computation of binomial
       probabilities. Technical report, Bell Labs.

    Examples
    --------
    100 calls in half an hour, 3 minutes each (10 Erlangs), 14 agents, and a
    20-second target:

    >>> import cxmetrics as cx
    >>> result = cx.erlang_c(100, 180, 14, target_time=20)
    >>> print(result)
    Erlang C: 10 Erlangs on 14 agents: P(wait) 17.4%, service level 88.8% in 20 s, ASA 7.836 s, occupancy 71.4%
    >>> round(result.service_level, 4)
    0.8884

    One value per interval:

    >>> cx.erlang_c(100, 180, [11, 12, 13, 14], target_time=20).service_level
    array([0.38961381, 0.64015804, 0.79559479, 0.88835002])
    """  # noqa: E501
    rate, handle, staff, target, length, shape = _check_erlang_c(
        "erlang_c", arrival_rate, aht, agents, target_time, interval
    )
    index = _input_index(
        "erlang_c",
        shape,
        ("arrival_rate", "aht", "agents", "target_time", "interval"),
        (arrival_rate, aht, agents, target_time, interval),
    )
    traffic, _ = _traffic("erlang_c", rate, handle, length, limit=math.inf)
    prob_wait, service, asa, occupancy = queueing.queue_measures(
        np.asarray(traffic), np.asarray(staff), np.asarray(handle), np.asarray(target)
    )
    return ErlangCResult(
        **_inputs(
            (arrival_rate, aht, interval, target_time),
            rate,
            handle,
            length,
            target,
            traffic,
        ),
        agents=_counts(staff, np.shape(staff)),
        **_measures(
            shape,
            prob_wait=prob_wait,
            service_level=service,
            asa=asa,
            occupancy=occupancy,
        ),
        index=index,
    )


def erlang_a(
    arrival_rate: npt.ArrayLike,
    aht: Durations,
    agents: npt.ArrayLike,
    *,
    patience: Durations,
    target_time: Durations,
    interval: Durations = 1800,
) -> ErlangAResult:
    r"""Erlang A measures of a queue whose callers hang up: M/M/N+M.

    Like `erlang_c`, with one more parameter: a waiting caller hangs up
    after an exponential patience with mean ``patience``. Each argument is a
    number or a one-dimensional array-like with one value per interval;
    arrays must have one common length, and a number applies to every
    interval.

    Parameters
    ----------
    arrival_rate : float or array_like
        Calls offered per interval (e.g. calls per half hour), 0 or more.
    aht : float, timedelta or array_like
        Average handle time, positive: seconds, or time spans.
    agents : int or array_like
        Agents on the queue, whole numbers of at least 1.
    patience : float, timedelta or array_like
        Mean time a caller waits before hanging up, positive and finite:
        seconds, or time spans (see `estimate_patience`).
    target_time : float, timedelta or array_like
        The service-level threshold, 0 or more: seconds, or time spans.
    interval : float, timedelta or array_like
        Length of the interval: seconds (1800 by default), or time spans.

    Returns
    -------
    ErlangAResult
        ``traffic`` (Erlangs), ``agents``, ``prob_wait``, ``prob_abandon``,
        ``service_level``, ``asa`` (mean wait of answered calls, seconds),
        ``mean_wait`` (of all offered calls, seconds) and ``occupancy``,
        with the inputs. Python numbers when every argument is a number,
        otherwise read-only numpy arrays with one value per interval;
        ``to_frame()`` gives a table.

    Raises
    ------
    InputError
        As `erlang_c`; and a patience that is not positive, or infinite
        (infinite patience is Erlang C: use `erlang_c`), or so long against
        the handle time that more than 10 billion calls arrive within one
        mean patience.

    See Also
    --------
    erlang_c : the same queue when nobody hangs up.
    required_agents : the least agents meeting targets, with ``patience=``.
    estimate_patience : the mean patience from a call log.

    Notes
    -----
    With arrival rate :math:`\lambda`, service rate :math:`\mu = 1/h`,
    abandonment rate :math:`\theta = 1 / \text{patience}` and :math:`N`
    agents, the number of calls in the system is a birth-death process whose
    death rate is :math:`\min(n, N)\mu + \max(n - N, 0)\,\theta`; it is
    stable at any load. Write :math:`a = N\mu/\theta`,
    :math:`x = \lambda/\theta` and, with :math:`P` the regularized lower
    incomplete gamma function,

    .. math::

        S(b, z) = \frac{\Gamma(b + 1)\, e^{z}}{z^{b}}\, P(b, z)
                = \sum_{j \ge 0} \prod_{i=1}^{j} \frac{z}{b + i}.

    Then, with :math:`B` the Erlang B blocking probability of :math:`N`
    agents at :math:`A = \lambda / \mu` Erlangs (Mandelbaum and Zeltyn [1]_,
    Garnett, Mandelbaum and Reiman [2]_),

    .. math::

        P(\text{wait}) = \frac{S(a, x)}{1/B - 1 + S(a, x)}, \qquad
        P(\text{answered} \mid \text{wait})
            = \frac{a}{a + 1}\,\frac{S(a + 1, x)}{S(a, x)},

    and :math:`P(\text{abandon}) = P(\text{wait})\,(1 - P(\text{answered}
    \mid \text{wait}))`. The service level counts every offered call, and
    abandoned calls as misses whenever they hang up: it is the share
    answered within :math:`t`,

    .. math::

        \mathrm{SL}(t) = 1 - P(\text{wait})
            + P(\text{wait})\, P(\text{answered} \mid \text{wait})
              \left(1 - \frac{S(a + 1, x e^{-\theta t})}{S(a + 1, x)}\,
              e^{x (1 - e^{-\theta t}) - (N\mu + \theta) t}\right).

    The mean wait of all offered calls is
    :math:`P(\text{abandon}) / \theta`; that of answered calls (ASA) is the
    exact sum, over the number :math:`j` of callers a waiting caller finds
    ahead, of :math:`\frac{a}{a + j + 1}\,
    \frac{\psi(a + j + 2) - \psi(a + 1)}{\theta}`, divided by the share
    answered. Occupancy is the answered load over the agents,
    :math:`A\,(1 - P(\text{abandon})) / N`. Every term is computed in log
    space (the incomplete gamma function from scipy, Poisson terms in
    Loader's form [3]_), so thousands of agents and any load neither
    overflow nor lose precision; probabilities are clipped to [0, 1]
    against rounding. As the patience grows, the measures tend to Erlang
    C's; with no arrivals nobody waits.

    References
    ----------
    .. [1] Mandelbaum, A. and Zeltyn, S. (2007). Service engineering in
       action: the Palm/Erlang-A queue, with applications to call centers.
       In *Advances in Services Innovations*, Springer, 17-45.
    .. [2] Garnett, O., Mandelbaum, A. and Reiman, M. (2002). Designing a
       call center with impatient customers. *Manufacturing & Service
       Operations Management*, 4(3), 208-227.
    .. [3] Loader, C. (2000). Fast and accurate computation of binomial
       probabilities. Technical report, Bell Labs.

    Examples
    --------
    100 calls in half an hour, 3 minutes each (10 Erlangs), 14 agents, a
    20-second target, and callers who wait 5 minutes on average before
    hanging up:

    >>> import cxmetrics as cx
    >>> result = cx.erlang_a(100, 180, 14, patience=300, target_time=20)
    >>> print(result)
    Erlang A: 10 Erlangs on 14 agents, patience 300 s: P(wait) 14.5%, P(abandon) 1.4%, service level 91.7% in 20 s, ASA 3.878 s, occupancy 70.4%
    >>> round(result.prob_abandon, 6), round(result.mean_wait, 3)
    (0.013984, 4.195)

    At 9 agents Erlang C's queue is unstable; Erlang A's is not:

    >>> cx.erlang_a(100, 180, [9, 10, 11], patience=300, target_time=20).prob_abandon
    array([0.16326196, 0.109438  , 0.0699453 ])
    """  # noqa: E501
    func = "erlang_a"
    wait_limit = _check_patience(func, patience)
    rate, handle, staff, target, length, shape = _check_erlang_c(
        func, arrival_rate, aht, agents, target_time, interval, wait_limit
    )
    index = _input_index(
        func,
        shape,
        ("arrival_rate", "aht", "agents", "target_time", "interval", "patience"),
        (arrival_rate, aht, agents, target_time, interval, patience),
    )
    traffic, _ = _traffic(func, rate, handle, length, limit=math.inf)
    _check_patient_arrivals(func, traffic, handle, wait_limit)
    load, staffed, handles, targets, limits = (
        np.asarray(value, dtype=np.float64).reshape(-1)
        for value in np.broadcast_arrays(traffic, staff, handle, target, wait_limit)
    )
    queue, busy = queueing.busy_queues(load, handles, limits, targets)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        excess = queueing.log_erlang_b_excess(staffed, queue.load)
        wait, abandon, service, occupancy, delay = queueing.erlang_a_measures(
            queue, staffed, excess, waits="all"
        )
        asa, mean_wait = queueing.erlang_a_waits(queue, staffed, wait, abandon, delay)
    wait, abandon, service, asa, mean_wait, occupancy = queueing.idle_where(
        busy, (wait, abandon, service, asa, mean_wait, occupancy)
    )
    return ErlangAResult(
        **_inputs(
            (arrival_rate, aht, interval, target_time),
            rate,
            handle,
            length,
            target,
            traffic,
        ),
        patience=_kept(wait_limit, patience),
        agents=_counts(staff, np.shape(staff)),
        **_measures(
            shape,
            prob_wait=wait,
            prob_abandon=abandon,
            service_level=service,
            asa=asa,
            mean_wait=mean_wait,
            occupancy=occupancy,
        ),
        index=index,
    )


def erlang_b(traffic: npt.ArrayLike, lines: npt.ArrayLike) -> Any:
    r"""Erlang B: the probability that a contact finds every line busy.

    For loss systems, where a contact that finds every line (trunk, chat
    slot, agent) busy is turned away rather than queued: the share of
    offered contacts blocked. Vectorized: each argument is a number or a
    one-dimensional array-like, of one common length when both are arrays.

    Parameters
    ----------
    traffic : float or array_like
        Offered load in Erlangs (arrivals per unit time times the mean
        holding time), 0 or more.
    lines : int or array_like
        Lines (servers), whole numbers of at least 1.

    Returns
    -------
    float or numpy.ndarray
        The blocking probability, in [0, 1]: a float when both arguments
        are numbers, else an array, one value per entry.

    Raises
    ------
    InputError
        Traffic that is negative, missing or infinite; lines that are not
        whole or below 1; empty arrays or arrays of different lengths.

    See Also
    --------
    erlang_c : the same servers with a queue instead of blocking.

    Notes
    -----
    .. math::

        B(N, A) = \frac{A^N / N!}{\sum_{k=0}^{N} A^k / k!}
                = \frac{p(N; A)}{P(N; A)},

    the ratio of the Poisson probability mass to the cumulative probability
    at :math:`N`, computed in log space (Loader's saddle-point form of the
    mass [1]_; where the cumulative underflows, far below the mean, the
    finite sum of the ratios itself), so thousands of lines at any load
    neither overflow nor lose precision. It holds for any holding-time
    distribution with that mean (the Erlang loss formula is insensitive).

    References
    ----------
    .. [1] Loader, C. (2000). Fast and accurate computation of binomial
       probabilities. Technical report, Bell Labs.

    Examples
    --------
    10 Erlangs offered to 10 lines: the textbook 21.46% are blocked.

    >>> import cxmetrics as cx
    >>> round(cx.erlang_b(10, 10), 4)
    0.2146
    >>> cx.erlang_b(10, [10, 15, 20]).round(5)
    array([0.21458, 0.0365 , 0.00187])
    """
    func = "erlang_b"
    check_same_index(func, {"traffic": traffic, "lines": lines})
    load = _numbers(func, "traffic", traffic, minimum=0.0, strict=False)
    count = _check_count(func, "lines", lines)
    shape = _check_lengths(func, {"traffic": load, "lines": count})
    loads, counts = (
        np.asarray(value, dtype=np.float64).reshape(-1)
        for value in np.broadcast_arrays(load, count)
    )
    with np.errstate(over="ignore", divide="ignore"):
        blocking = queueing.erlang_b(counts, loads)
    if not shape:
        return float(blocking[0])
    return np.broadcast_to(blocking, shape).copy()


def required_agents(
    arrival_rate: npt.ArrayLike,
    aht: Durations,
    *,
    target_service_level: float,
    target_time: Durations,
    interval: Durations = 1800,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
    patience: Durations | None = None,
    max_abandonment: float | None = None,
) -> StaffingResult:
    r"""The least number of agents meeting a service target (Erlang C or Erlang A).

    Without ``patience`` the queue is Erlang C's (nobody hangs up); with it,
    Erlang A's (callers hang up after an exponential patience with that
    mean), and ``max_abandonment`` may cap the share who do.
    ``arrival_rate``, ``aht``, ``target_time``, ``interval`` and
    ``patience`` may be one-dimensional arrays with one value per interval,
    of one common length; the targets ``target_service_level``,
    ``max_occupancy``, ``max_abandonment`` and ``shrinkage`` are numbers
    that apply to every interval.

    Parameters
    ----------
    arrival_rate : float or array_like
        Contacts offered per interval, 0 or more.
    aht : float, timedelta or array_like
        Average handle time, positive: seconds, or time spans.
    target_service_level : float
        Share of contacts to answer within ``target_time``, between 0 and 1
        (exclusive), e.g. 0.8. With ``patience``, of all offered contacts:
        abandoned calls count as misses.
    target_time : float, timedelta or array_like
        The service-level threshold, 0 or more: seconds, or time spans.
    interval : float, timedelta or array_like
        Length of the interval: seconds (1800 by default), or time spans.
    max_occupancy : float, optional
        Highest acceptable occupancy, greater than 0 and at most 1, e.g.
        0.85: traffic / agents under Erlang C, the answered load / agents
        under Erlang A. None (the default) sets no cap.
    shrinkage : float
        Share of paid time agents are not on the queue (breaks, training,
        absence), at least 0 and below 1.
    patience : float, timedelta or array_like, optional
        Mean patience of waiting callers, positive and finite: seconds, or
        time spans (see `estimate_patience`). Given, the model is Erlang A;
        None (the default) is Erlang C.
    max_abandonment : float, optional
        Highest acceptable share of offered calls that abandon, between 0
        and 1 (exclusive), e.g. 0.05. Needs ``patience``.

    Returns
    -------
    StaffingResult
        ``agents_on_queue``, the least :math:`N` meeting every target;
        ``agents``, the headcount to schedule after shrinkage; and the
        measures at ``agents_on_queue`` (of Erlang C, or of Erlang A with
        ``patience``): ``traffic``, ``prob_wait``, ``prob_abandon``,
        ``service_level``, ``asa``, ``mean_wait``, ``occupancy``. Python
        numbers when every argument is a number, otherwise read-only numpy
        arrays (the agent counts as int64); ``to_frame()`` gives one row per
        interval.

    Raises
    ------
    InputError
        Bad arrival rates, handle times, target times or intervals (as in
        `erlang_c`); traffic above 10,000,000 Erlangs;
        ``target_service_level`` outside (0, 1); ``max_occupancy`` outside
        (0, 1]; ``shrinkage`` outside [0, 1); a patience that is not
        positive, or infinite (infinite patience is Erlang C: leave
        ``patience`` out); ``max_abandonment`` outside (0, 1), or given
        without ``patience``.

    See Also
    --------
    erlang_c : the measures for a given number of agents.
    erlang_a : the same with callers who hang up.

    Notes
    -----
    ``agents_on_queue`` is the least :math:`N` with

    .. math::

        \mathrm{SL}(N) = 1 - C(N, A)\, e^{-(N - A)\,t / h} \ge s
        \quad\text{and}\quad A / N \le \text{max occupancy},

    where :math:`s` is ``target_service_level`` (see `erlang_c` for
    :math:`C`, :math:`A`, :math:`t` and :math:`h`). The service level grows
    with :math:`N` above :math:`A`, and is 0 at or below it, so the search
    starts at the least stable staffing, :math:`\lfloor A \rfloor + 1` (or the
    occupancy bound :math:`\lceil A / \text{max occupancy} \rceil` when it is
    higher), and judges that staffing and the next few together, for every
    interval at once, with the Erlang B recursion
    :math:`1 / B(N + 1) = 1 + (N + 1) / (A\, B(N))`. The window holds as many
    staffings as square-root staffing, :math:`N \approx A + \beta \sqrt{A}`
    with :math:`\beta` set by the target [1]_, says the longest search needs;
    an interval with no staffing in its window that meets the target goes on
    past it. The answer is the first staffing that meets every target, so
    :math:`N - 1` never does.

    The headcount to schedule is

    .. math::

        \text{agents} = \left\lceil \frac{N}{1 - \text{shrinkage}} \right\rceil,

    where a quotient within a relative :math:`10^{-9}` of a whole number
    counts as that number: 21 agents at 30% shrinkage need 30 people,
    although ``21 / (1 - 0.3)`` is 30.000000000000004 in floating point. The
    occupancy bound :math:`\lceil A / \text{max occupancy} \rceil` is
    rounded the same way, so 11.05 Erlangs at 85% occupancy need 13 agents
    (occupancy exactly 85%), not 14; the occupancy reported may then exceed
    ``max_occupancy`` in the last digit (0.8500000000000001).

    With ``patience`` the queue is Erlang A's (see `erlang_a`), stable at
    any load, and :math:`N` is the least staffing whose service level (of
    all offered calls), occupancy (answered load / :math:`N`) and
    abandonment meet their targets. Each measure is monotone in :math:`N`,
    and no staffing below
    :math:`A \max(s, 1 - \text{max abandonment}) / \text{max occupancy}`
    can meet them (an agent answers at most one call at a time, so the
    answered share is at most :math:`N / A`). The same window search
    starts near square-root staffing's guess [2]_ (where many abandon,
    near the fluid model's :math:`A \max(s, e^{-t / \text{patience}})`,
    which can lie below the load) and moves by the secant of the tightest
    target; every staffing it judges is computed exactly,
    and the answer is a staffing that meets every target with one agent
    fewer failing one, which by monotonicity no fewer agents meet.

    An interval with no arrivals needs no agent: ``agents_on_queue`` and
    ``agents`` are 0, with ``prob_wait`` 0, ``prob_abandon`` 0,
    ``service_level`` 1, ``asa`` 0, ``mean_wait`` 0 and ``occupancy`` 0.

    References
    ----------
    .. [1] Halfin, S. and Whitt, W. (1981). Heavy-traffic limits for queues
       with many exponential servers. *Operations Research*, 29(3), 567-588.
    .. [2] Garnett, O., Mandelbaum, A. and Reiman, M. (2002). Designing a
       call center with impatient customers. *Manufacturing & Service
       Operations Management*, 4(3), 208-227.

    Examples
    --------
    100 calls in half an hour at 3 minutes each, 80% to be answered within
    20 seconds, 85% occupancy at most and 30% shrinkage:

    >>> import cxmetrics as cx
    >>> result = cx.required_agents(
    ...     100, 180, target_service_level=0.8, target_time=20,
    ...     max_occupancy=0.85, shrinkage=0.3,
    ... )
    >>> print(result)
    Staffing: 20 agents to schedule (14 on the queue) for 10 Erlangs: service level 88.8% in 20 s, ASA 7.836 s, occupancy 71.4%, shrinkage 30%

    Six half hours of a morning with 4-minute calls, 80% within 20 seconds:

    >>> calls = [0, 12, 48, 95, 130, 110]
    >>> staffing = cx.required_agents(
    ...     calls, 240, target_service_level=0.8, target_time=20
    ... )
    >>> staffing.agents
    array([ 0,  4, 10, 17, 22, 19])
    >>> staffing.service_level.round(3)
    array([1.   , 0.926, 0.895, 0.872, 0.858, 0.854])

    Callers who hang up after 3 minutes on average, and at most 3% of them
    abandoning (Erlang A). Thirteen agents would answer 87.5% within 20
    seconds, but 3.2% of callers would hang up:

    >>> print(cx.required_agents(
    ...     100, 180, target_service_level=0.8, target_time=20,
    ...     patience=180, max_abandonment=0.03,
    ... ))
    Staffing (Erlang A): 14 agents to schedule (14 on the queue) for 10 Erlangs: service level 92.6% in 20 s, abandonment 1.9%, ASA 2.998 s, occupancy 70.1%
    """  # noqa: E501
    func = "required_agents"
    wait_limit = None if patience is None else _check_patience(func, patience)
    rate, handle, target, length, shape = _check_required_agents(
        func, arrival_rate, aht, target_time, interval, wait_limit
    )
    index = _input_index(
        func,
        shape,
        ("arrival_rate", "aht", "target_time", "interval", "patience"),
        (arrival_rate, aht, target_time, interval, patience),
    )
    level = _check_fraction(
        func, "target_service_level", target_service_level, closed_high=False
    )
    cap = (
        None
        if max_occupancy is None
        else _check_fraction(func, "max_occupancy", max_occupancy, closed_high=True)
    )
    loss = _check_shrinkage(func, shrinkage)
    most_abandon = None
    if wait_limit is None:
        if max_abandonment is not None:
            raise InputError(
                f"{func}: max_abandonment needs patience: without it the model "
                "is Erlang C, where nobody abandons"
            )
        traffic, highest = _traffic(func, rate, handle, length, limit=_MAX_TRAFFIC)
        _check_cap(func, highest, cap)
        on_queue, prob_wait, service, asa, occupancy = queueing.least_agents_erlang_c(
            _full(traffic, shape), highest, handle, target, level, cap
        )
        abandon, mean_wait = np.zeros(asa.shape), asa
    else:
        if max_abandonment is not None:
            most_abandon = _check_fraction(
                func, "max_abandonment", max_abandonment, closed_high=False
            )
        traffic, highest = _traffic(func, rate, handle, length, limit=_MAX_TRAFFIC)
        _check_cap(func, highest, cap)
        _check_patient_arrivals(func, traffic, handle, wait_limit)
        on_queue, prob_wait, abandon, service, asa, mean_wait, occupancy = (
            _least_agents_erlang_a(
                traffic, handle, target, wait_limit, shape, level, cap, most_abandon
            )
        )
    headcount = queueing.headcount(on_queue, loss)
    return StaffingResult(
        **_inputs(
            (arrival_rate, aht, interval, target_time),
            rate,
            handle,
            length,
            target,
            traffic,
        ),
        patience=None if wait_limit is None else _kept(wait_limit, patience),
        target_service_level=level,
        max_occupancy=cap,
        max_abandonment=most_abandon,
        shrinkage=loss,
        agents_on_queue=_counts(on_queue, shape),
        agents=_counts(headcount, shape),
        **_measures(
            shape,
            prob_wait=prob_wait,
            prob_abandon=abandon,
            service_level=service,
            asa=asa,
            mean_wait=mean_wait,
            occupancy=occupancy,
        ),
        index=index,
    )


def estimate_patience(
    wait_time: Durations,
    answered: npt.ArrayLike,
    *,
    nan_policy: NanPolicy = "omit",
) -> float:
    r"""Mean patience of callers, from a call log: the exponential MLE, in seconds.

    Abandoned calls show how long their callers were willing to wait;
    answered calls only that their callers would have waited at least as
    long as they did (censored observations). With an exponential patience
    the maximum-likelihood estimate of its mean is the total waiting time
    of all calls over the number abandoned: the ``patience`` of `erlang_a`
    and of `required_agents`.

    Parameters
    ----------
    wait_time : array_like
        Time each call waited: until an agent answered, or until the caller
        hung up. Seconds, or time spans.
    answered : array_like
        Flags aligned with ``wait_time``: True (or 1) when an agent
        answered, False (or 0) when the caller hung up.
    nan_policy : {'omit', 'raise', 'propagate'}
        How to treat a call whose wait or flag is missing: left out (the
        default), an error, or a NaN estimate.

    Returns
    -------
    float
        The estimated mean patience, in seconds (NaN when a value is missing
        and ``nan_policy="propagate"``).

    Raises
    ------
    InputError
        Negative or infinite waits, dates instead of waits, flags other than
        booleans or 0/1, misaligned or empty inputs, no valid call; and a
        log in which nobody hung up: the estimate would be infinite (plan
        with Erlang C, leaving ``patience`` out).

    See Also
    --------
    erlang_a : the queue's measures with this patience.
    abandonment_rate : the observed share of calls abandoned.

    Notes
    -----
    With patience exponential at rate :math:`\theta`, a call that waited
    :math:`w_i` and was abandoned contributes the density
    :math:`\theta e^{-\theta w_i}`, and one that was answered after
    :math:`w_i` the survival :math:`e^{-\theta w_i}`; the log-likelihood
    :math:`d \log\theta - \theta \sum_i w_i`, with :math:`d` calls
    abandoned, is largest at

    .. math::

        \hat\theta = \frac{d}{\sum_i w_i}, \qquad
        \widehat{\text{patience}} = \frac{1}{\hat\theta}
            = \frac{\sum_i w_i}{d},

    whose relative standard error is about :math:`1/\sqrt{d}`. The
    assumptions are those of Erlang A: each caller's patience is
    exponential, independent of the wait the queue offers and of other
    callers, and the same through the period [1]_. Calls answered at once
    (wait 0) add nothing to the total but count as calls. Callers who hang
    up within a few seconds are often not impatient (misdials, callers who
    hear a recorded message); their abandons lower the estimate, and a log
    of them may be left out first (``wait_time >= 5``, say), as
    `service_level` and `abandonment_rate` can leave them out with
    ``short_abandon``.

    References
    ----------
    .. [1] Brown, L., Gans, N., Mandelbaum, A., Sakov, A., Shen, H., Zeltyn,
       S. and Zhao, L. (2005). Statistical analysis of a telephone call
       center: a queueing-science perspective. *Journal of the American
       Statistical Association*, 100(469), 36-50.

    Examples
    --------
    Four calls: two answered after 10 and 60 seconds, two abandoned after 30
    and 20. Their callers waited 120 seconds in all, and two gave up:

    >>> import cxmetrics as cx
    >>> cx.estimate_patience([10, 30, 60, 20], [True, False, True, False])
    60.0

    The sample calls, with and without the callers who hung up within five
    seconds:

    >>> calls = cx.datasets.load_calls()
    >>> round(cx.estimate_patience(calls["wait"], calls["answered"]), 1)
    128.7
    >>> patient = calls[calls["wait"] >= 5]
    >>> round(cx.estimate_patience(patient["wait"], patient["answered"]), 1)
    155.5
    """
    func = "estimate_patience"
    check_option(func, "nan_policy", nan_policy, NAN_POLICIES)
    check_same_index(func, {"wait_time": wait_time, "answered": answered})
    calls = _read_answered(func, wait_time, answered)
    missing = np.isnan(calls.wait)
    if calls.flag_missing is not None:
        missing |= calls.flag_missing
    marker = np.where(missing, np.nan, 0.0)
    if missing_rows(marker, func=func, name="calls", nan_policy=nan_policy) is not None:
        if nan_policy == "propagate":
            return math.nan
        if missing.all():
            raise InputError(
                f"{func}: no valid calls: all {format_count(missing.size)} are missing"
            )
    kept = ~missing
    abandoned = int(np.count_nonzero(~calls.flag[kept]))
    if abandoned == 0:
        raise InputError(
            f"{func}: none of the {format_count(int(kept.sum()))} calls was "
            "abandoned, so the patience estimate is infinite: callers who never "
            "hang up make the queue Erlang C (leave patience out)"
        )
    return float(calls.wait[kept].sum()) / abandoned


def _least_agents_erlang_a(
    traffic: Numbers,
    aht: Numbers,
    target_time: Numbers,
    patience: Numbers,
    shape: tuple[int, ...],
    level: float,
    max_occupancy: float | None,
    max_abandonment: float | None,
) -> tuple[FloatArray, ...]:
    """Erlang A staffing per interval, and the measures at it.

    Returns agents, P(wait), P(abandon), service level, ASA, mean wait and
    occupancy, each a float64 array with one value per interval.
    """
    queue, busy = queueing.busy_queues(
        _full(traffic, shape), aht, patience, target_time
    )
    return queueing.least_agents_erlang_a(
        queue, busy, level, max_occupancy, max_abandonment
    )


# ---------------------------------------------------------------------------
# Input validation and standardization


def _check_erlang_c(
    func: str,
    arrival_rate: object,
    aht: object,
    agents: object,
    target_time: object,
    interval: object,
    patience: Numbers | None = None,
) -> tuple[Numbers, Numbers, Numbers, Numbers, Numbers, tuple[int, ...]]:
    """Validated arrival rate, handle time, agents, target time, interval, shape.

    ``patience``, already validated, joins the check of lengths.
    """
    rate, handle, target, length = _check_queue(
        func, arrival_rate, aht, target_time, interval
    )
    staff = _check_count(func, "agents", agents)
    shape = _check_lengths(
        func,
        _named(rate, handle, target, length, patience, agents=staff),
    )
    return rate, handle, staff, target, length, shape


def _check_required_agents(
    func: str,
    arrival_rate: object,
    aht: object,
    target_time: object,
    interval: object,
    patience: Numbers | None = None,
) -> tuple[Numbers, Numbers, Numbers, Numbers, tuple[int, ...]]:
    """Validated arrival rate, handle time, target time, interval and shape.

    ``patience``, already validated, joins the check of lengths.
    """
    rate, handle, target, length = _check_queue(
        func, arrival_rate, aht, target_time, interval
    )
    shape = _check_lengths(func, _named(rate, handle, target, length, patience))
    return rate, handle, target, length, shape


def _named(
    rate: Numbers,
    aht: Numbers,
    target: Numbers,
    interval: Numbers,
    patience: Numbers | None,
    **more: Numbers,
) -> dict[str, Numbers]:
    """The per-interval inputs by name, in the order their errors name them."""
    named = {"arrival_rate": rate, "aht": aht, **more}
    named.update(target_time=target, interval=interval)
    if patience is not None:
        named["patience"] = patience
    return named


def _check_queue(
    func: str, arrival_rate: object, aht: object, target_time: object, interval: object
) -> tuple[Numbers, Numbers, Numbers, Numbers]:
    """The four inputs both functions share, each checked on its own."""
    return (
        _numbers(func, "arrival_rate", arrival_rate, minimum=0.0, strict=False),
        _durations(func, "aht", aht, strict=True),
        _durations(func, "target_time", target_time, strict=False),
        _durations(func, "interval", interval, strict=True),
    )


def _durations(func: str, name: str, value: object, *, strict: bool) -> Numbers:
    """A duration argument in seconds, finite and positive (or at least 0).

    Numbers of seconds or time spans, one or an array of them (`duration_values`);
    positive when ``strict``, else at least 0.
    """
    if (
        type(value) is np.ndarray and value.ndim == 1 and value.dtype.kind in "fiu"
    ) or (type(value) in (int, float)):
        seconds: Numbers | object = value  # plain numbers: the fast path
    else:
        seconds = duration_values(value, func=func, name=name)
    return _numbers(func, name, seconds, minimum=0.0, strict=strict)


def _check_patience(func: str, value: object) -> Numbers:
    """Patience in seconds: positive and finite (infinite patience is Erlang C)."""
    seconds = duration_values(value, func=func, name="patience")
    if isinstance(seconds, float):
        infinite: bool | npt.NDArray[np.bool_] = seconds == math.inf
    else:
        infinite = np.isposinf(seconds)
    if np.any(infinite):
        hint = "use erlang_c" if func == "erlang_a" else "leave patience out"
        where = (
            ""
            if isinstance(seconds, float)
            else f" ({format_count(int(np.count_nonzero(infinite)))} of "
            f"{format_count(np.size(seconds))} values)"
        )
        raise InputError(
            f"{func}: patience is infinite{where}; callers who never hang up "
            f"make the queue Erlang C: {hint}"
        )
    return _numbers(func, "patience", seconds, minimum=0.0, strict=True)


def _check_patient_arrivals(
    func: str, traffic: Numbers, aht: Numbers, patience: Numbers
) -> None:
    """Refuse patience so long that Erlang A is Erlang C for every purpose."""
    arrivals = np.asarray(traffic) * np.asarray(patience) / np.asarray(aht)
    if np.max(arrivals) <= _MAX_PATIENT_ARRIVALS:  # False with a NaN
        return
    _refuse(
        func,
        "traffic * patience / aht (calls arriving within one mean patience)",
        arrivals if arrivals.ndim else float(arrivals),
        arrivals <= _MAX_PATIENT_ARRIVALS,
        f"are above {_MAX_PATIENT_ARRIVALS:,.0f}, where nobody abandons: use Erlang C",
        f"at most {_MAX_PATIENT_ARRIVALS:,.0f}; with patience that long nobody "
        "abandons: use Erlang C",
    )


def _numbers(
    func: str, name: str, value: object, *, minimum: float, strict: bool
) -> Numbers:
    """A finite number as a float, or a 1-d array-like as a finite float64 array.

    Every value must be above ``minimum`` (``strict``) or at least it. Time
    spans are not numbers here (see `_durations`).
    """
    if type(value) is np.ndarray and value.ndim == 1 and value.dtype.kind in "fiu":
        values = value.astype(np.float64, copy=False)  # to_float_array's result
    else:
        if type(value) is float or type(value) is int:  # a plain number
            number = (
                value if isinstance(value, float) else real_float(func, name, value)
            )
            if not (minimum < number < math.inf or (number == minimum and not strict)):
                _check_number(func, name, number, minimum, strict=strict)
            return number
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value[()]
        if isinstance(value, (bool, np.bool_, np.timedelta64)):
            raise InputError(f"{func}: {name} must be a number; got {value!r}")
        if is_real(value):
            number = real_float(func, name, value)
            _check_number(func, name, number, minimum, strict=strict)
            return number
        values = to_float_array(value, func=func, name=name, allow_bool=False)
    if values.size == 0:
        raise InputError(f"{func}: {name} is empty")
    # NaN wins both (ufunc reductions: without the wrappers of .min and .max)
    low, high = float(np.minimum.reduce(values)), float(np.maximum.reduce(values))
    if not (math.isfinite(low) and math.isfinite(high)):
        bad = values[~np.isfinite(values)]
        raise InputError(
            f"{func}: {format_count(bad.size)} of {format_count(values.size)} values "
            f"of {name} are missing or infinite ({format_examples(bad)})"
        )
    if not (low > minimum or (low == minimum and not strict)):
        _check_minimum(func, name, values, low, minimum, strict=strict)
    return values


def _check_count(func: str, name: str, value: object) -> Numbers:
    """Agents or lines: whole numbers from 1 to 2**53 (see ``_MAX_AGENTS``)."""
    counts = _numbers(func, name, value, minimum=1.0, strict=False)
    _check_rule(
        func,
        name,
        counts,
        np.floor(counts) == counts,
        "are not whole numbers",
        "a whole number",
    )
    _check_rule(
        func,
        name,
        counts,
        counts <= _MAX_AGENTS,
        f"are more than {_MAX_AGENTS_TEXT}, where floating point stops counting "
        "one by one",
        f"at most {_MAX_AGENTS_TEXT}",
    )
    return counts


def _check_number(
    func: str, name: str, number: float, minimum: float, *, strict: bool
) -> None:
    """Raise unless ``number`` is finite and above ``minimum`` (or at it)."""
    if not math.isfinite(number):
        raise InputError(f"{func}: {name} must be a finite number; got {number:g}")
    _check_minimum(func, name, number, number, minimum, strict=strict)


def _check_minimum(
    func: str, name: str, values: Numbers, low: float, minimum: float, *, strict: bool
) -> None:
    """Raise unless ``low``, the least of ``values``, is above ``minimum``."""
    if low > minimum or (low == minimum and not strict):
        return
    if minimum == 0:
        problem, rule = (
            ("are not positive", "positive")
            if strict
            else ("are negative", "0 or more")
        )
    else:
        problem, rule = f"are less than {minimum:g}", f"at least {minimum:g}"
    valid = values > minimum if strict else values >= minimum
    _refuse(func, name, values, valid, problem, rule)


def _check_rule(
    func: str,
    name: str,
    values: Numbers,
    valid: bool | npt.NDArray[np.bool_],
    problem: str,
    rule: str,
) -> None:
    """Raise unless every value is valid, with the count and a few bad values."""
    if not np.all(valid):
        _refuse(func, name, values, valid, problem, rule)


def _refuse(
    func: str,
    name: str,
    values: Numbers,
    valid: bool | npt.NDArray[np.bool_],
    problem: str,
    rule: str,
) -> NoReturn:
    """Raise for the values that are not valid: the count and a few of them."""
    if isinstance(values, float):
        raise InputError(
            f"{func}: {name} must be {rule}; got {format_examples([values])}"
        )
    bad = values[~np.asarray(valid, dtype=bool)]
    raise InputError(
        f"{func}: {format_count(bad.size)} of {format_count(values.size)} values of "
        f"{name} {problem} ({format_examples(bad)})"
    )


def _check_lengths(func: str, named: dict[str, Numbers]) -> tuple[int, ...]:
    """The common shape: arrays share one length (or have one value)."""
    arrays = [
        (name, values.size)
        for name, values in named.items()
        if not isinstance(values, float) and values.size != 1
    ]
    for name, size in arrays[1:]:
        first, first_size = arrays[0]
        if size != first_size:
            raise InputError(
                f"{func}: {first} has {format_count(first_size)} values but {name} "
                f"has {format_count(size)}; arrays must have one value per interval"
            )
    if arrays:
        return (arrays[0][1],)
    return () if all(isinstance(v, float) for v in named.values()) else (1,)


def _input_index(
    func: str,
    shape: tuple[int, ...],
    names: tuple[str, ...],
    values: tuple[object, ...],
) -> Any:
    """The index of the pandas Series among the per-interval inputs, or None.

    Series passed together must share one index (`check_same_index`). One
    of another length than the intervals (a single value) gives none.
    """
    for value in values:
        if isinstance(value, (pd.Series, pd.DataFrame)):
            break
    else:
        return None  # the common case, at the cost of a loop
    check_same_index(func, dict(zip(names, values, strict=True)))
    for value in values:
        if isinstance(value, pd.Series) and (len(value),) == shape:
            return value.index
    return None


def _check_cap(func: str, highest: float, max_occupancy: float | None) -> None:
    """Refuse an occupancy cap so low that the traffic would need over 2**53 agents."""
    if max_occupancy is None or highest <= _MAX_AGENTS * max_occupancy:
        return
    raise InputError(
        f"{func}: max_occupancy={max_occupancy:g} is too low for the traffic: "
        f"{highest:,.4g} Erlangs at that occupancy need traffic / max_occupancy "
        f"agents, more than {_MAX_AGENTS_TEXT}"
    )


def _check_fraction(func: str, name: str, value: object, *, closed_high: bool) -> float:
    """A number in (0, 1), or in (0, 1] when ``closed_high``."""
    high = "at most 1" if closed_high else "below 1"
    number = _option_number(func, name, value, f"above 0 and {high}")
    if not (number > 0 and (number <= 1 if closed_high else number < 1)):
        raise InputError(f"{func}: {name} must be above 0 and {high}; got {number:g}")
    return number


def _check_shrinkage(func: str, value: object) -> float:
    number = _option_number(func, "shrinkage", value, "at least 0 and below 1")
    if not 0 <= number < 1:
        raise InputError(
            f"{func}: shrinkage must be at least 0 and below 1; got {number:g}"
        )
    return number


def _option_number(func: str, name: str, value: object, rule: str) -> float:
    if type(value) is float:  # the common case, without the checks below
        return value
    if not is_real(value):
        raise InputError(f"{func}: {name} must be a number {rule}; got {value!r}")
    return real_float(func, name, value)


# ---------------------------------------------------------------------------
# Shapes of the results


def _traffic(
    func: str, rate: Numbers, handle: Numbers, length: Numbers, *, limit: float
) -> tuple[Numbers, float]:
    """Offered load in Erlangs, at most ``limit``, and the highest load.

    The load is a float when the inputs are.
    """
    with np.errstate(over="ignore"):
        traffic = rate * handle / length
    highest = (
        traffic if isinstance(traffic, float) else float(np.maximum.reduce(traffic))
    )
    if not math.isfinite(highest):
        raise InputError(
            f"{func}: the traffic arrival_rate * aht / interval overflows; "
            "measure the inputs in other units"
        )
    if highest <= limit:
        return traffic, highest
    _refuse(
        func,
        "traffic (arrival_rate * aht / interval)",
        traffic,
        traffic <= limit,
        f"are above {limit:,.0f} Erlangs",
        f"at most {limit:,.0f} Erlangs",
    )


def _full(values: Numbers, shape: tuple[int, ...]) -> FloatArray:
    """``values`` as a float64 array of ``shape`` (at least one dimension)."""
    shape = shape or (1,)
    if isinstance(values, float) or values.shape != shape:
        return np.full(shape, values, dtype=np.float64)
    return values


def _inputs(
    given: tuple[object, object, object, object],
    rate: Numbers,
    aht: Numbers,
    interval: Numbers,
    target: Numbers,
    traffic: Numbers,
) -> dict[str, Any]:
    """The queue's inputs and traffic, as a result record keeps them.

    ``given`` holds the arguments as the caller passed them (arrival rate,
    aht, interval, target time), for `_kept`.
    """
    if isinstance(traffic, np.ndarray):
        traffic.setflags(write=False)  # a fresh array from the computation
    return {
        "arrival_rate": _kept(rate, given[0]),
        "aht": _kept(aht, given[1]),
        "interval": _kept(interval, given[2]),
        "target_time": _kept(target, given[3]),
        "traffic": traffic,
    }


def _measures(shape: tuple[int, ...], **values: npt.NDArray[Any]) -> dict[str, Any]:
    """Measures as a result record keeps them: floats, or read-only arrays."""
    if not shape:
        return {name: float(value.reshape(-1)[0]) for name, value in values.items()}
    for name, value in values.items():
        if value.shape != shape:
            values[name] = value = np.broadcast_to(value, shape).astype(np.float64)
        value.setflags(write=False)  # a fresh array from the computation
    return values


def _counts(values: Numbers | FloatArray, shape: tuple[int, ...]) -> Any:
    """Agent counts as an int when ``shape`` is ``()``, else a read-only int64 array."""
    if not shape:
        return int(np.asarray(values).reshape(-1)[0])
    counts = np.asarray(values)
    if counts.shape != shape:
        counts = np.broadcast_to(counts, shape)
    counts = counts.astype(np.int64)
    counts.setflags(write=False)
    return counts


def _kept(values: Numbers, given: object) -> Any:
    """An input kept on a result: a read-only array, or a number as is.

    ``given`` is the argument as the caller passed it. An array converted
    from a list or tuple is new and is kept as it is; any other (the
    caller's array, or a Series' data) is copied first, so that the
    caller's data stays writable and the record cannot change under it.
    """
    if not isinstance(values, np.ndarray):
        return values
    kept = values if type(given) in (list, tuple) else values.copy()
    kept.setflags(write=False)
    return kept
