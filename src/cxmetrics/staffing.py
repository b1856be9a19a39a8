"""Erlang C queueing and staffing: how a queue performs, and how many agents it needs.

The Erlang C model (M/M/N) takes contacts arriving at random (Poisson), handle
times that are exponential with mean ``aht``, ``N`` agents, an unlimited
queue and no abandonment. `erlang_c` gives the probability of waiting, the
service level, the average speed of answer and the occupancy for given
staffing; `required_agents` finds the least staffing that meets a service
target. Both are vectorized over intervals: pass arrays (one value per
half hour, say) and get arrays back.

Numerics: the Erlang B blocking probability is the Poisson ratio
``pmf(N; A) / cdf(N; A)``, with the log of the pmf computed from Stirling's
error term and the deviance ``bd0`` (Loader 2000), so that no factorial,
power or sum of large terms is ever formed. The result keeps about 13
significant digits up to tens of thousands of agents.
"""

from __future__ import annotations

import functools
import math
from typing import Any, NoReturn

import numpy as np
import numpy.typing as npt

from cxmetrics._seconds import duration_values
from cxmetrics._validation import (
    FloatArray,
    InputError,
    format_count,
    format_examples,
    is_number,
    to_float_array,
)
from cxmetrics.results import ErlangCResult, StaffingResult

__all__ = ["erlang_c", "required_agents"]

Numbers = float | FloatArray  # a validated input: a float, or a 1-d float64 array

#: A quotient this close to a whole number (relative) is that whole number, in
#: the ceilings of ``traffic / max_occupancy`` and ``agents / (1 - shrinkage)``.
_WHOLE_TOLERANCE = 1e-9
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
#: Below this many agents Stirling's error term is taken from log-gamma directly.
_STIRLING_SERIES_FROM = 16.0
#: The most traffic (Erlangs) required_agents staffs: the search runs the
#: Erlang B recursion from the traffic up, about 2 sqrt(traffic) agents.
_MAX_TRAFFIC = 1e7
#: Stirling's error term is tabulated for fewer agents than this.
_STIRLING_TABLE_SIZE = 4096
#: The most candidate staffings (intervals times staffings) judged at once.
_SEARCH_CELLS = 1 << 18
#: An occupancy cap this far below 1 puts traffic / cap above the traffic
#: whatever the rounding.
_CLEARLY_BELOW_ONE = 1.0 - 1e-6


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
    aht : float or array_like
        Average handle time in seconds (talk, hold and wrap-up), positive.
    agents : int or array_like
        Agents on the queue, whole numbers of at least 1.
    target_time : float or array_like
        The service-level threshold in seconds (the "20" of "80/20"), 0 or
        more.
    interval : float or array_like
        Length of the interval in seconds; 1800 (half an hour) by default.

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
    traffic, _ = _traffic("erlang_c", rate, handle, length, limit=math.inf)
    prob_wait, service, asa, occupancy = _queue_measures(
        np.asarray(traffic), np.asarray(staff), np.asarray(handle), np.asarray(target)
    )
    return ErlangCResult(
        arrival_rate=_kept(rate),
        aht=_kept(handle),
        interval=_kept(length),
        target_time=_kept(target),
        traffic=_frozen(traffic),
        agents=_counts(staff, np.shape(staff)),
        prob_wait=_shaped(prob_wait, shape),
        service_level=_shaped(service, shape),
        asa=_shaped(asa, shape),
        occupancy=_shaped(occupancy, shape),
    )


def required_agents(
    arrival_rate: npt.ArrayLike,
    aht: npt.ArrayLike,
    *,
    target_service_level: float,
    target_time: npt.ArrayLike,
    interval: npt.ArrayLike = 1800,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
) -> StaffingResult:
    r"""The least number of agents meeting a service-level target (Erlang C).

    ``arrival_rate``, ``aht``, ``target_time`` and ``interval`` may be
    one-dimensional arrays with one value per interval, of one common length;
    the targets ``target_service_level``, ``max_occupancy`` and ``shrinkage``
    are numbers that apply to every interval.

    Parameters
    ----------
    arrival_rate : float or array_like
        Contacts offered per interval, 0 or more.
    aht : float or array_like
        Average handle time in seconds, positive.
    target_service_level : float
        Share of contacts to answer within ``target_time``, between 0 and 1
        (exclusive), e.g. 0.8.
    target_time : float or array_like
        The service-level threshold in seconds, 0 or more.
    interval : float or array_like
        Length of the interval in seconds; 1800 by default.
    max_occupancy : float, optional
        Highest acceptable occupancy (traffic / agents), greater than 0 and
        at most 1, e.g. 0.85. None (the default) sets no cap.
    shrinkage : float
        Share of paid time agents are not on the queue (breaks, training,
        absence), at least 0 and below 1.

    Returns
    -------
    StaffingResult
        ``agents_on_queue``, the least :math:`N` meeting every target;
        ``agents``, the headcount to schedule after shrinkage; and the Erlang
        C measures at ``agents_on_queue``: ``traffic``, ``prob_wait``,
        ``service_level``, ``asa``, ``occupancy``. Python numbers when every
        argument is a number, otherwise numpy arrays (the agent counts as
        int64); ``to_frame()`` gives one row per interval.

    Raises
    ------
    InputError
        Bad arrival rates, handle times, target times or intervals (as in
        `erlang_c`); traffic above 10,000,000 Erlangs;
        ``target_service_level`` outside (0, 1); ``max_occupancy`` outside
        (0, 1]; ``shrinkage`` outside [0, 1).

    See Also
    --------
    erlang_c : the measures for a given number of agents.

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

    An interval with no arrivals needs no agent: ``agents_on_queue`` and
    ``agents`` are 0, with ``prob_wait`` 0, ``service_level`` 1, ``asa`` 0
    and ``occupancy`` 0.

    References
    ----------
    .. [1] Halfin, S. and Whitt, W. (1981). Heavy-traffic limits for queues
       with many exponential servers. *Operations Research*, 29(3), 567-588.

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
    """  # noqa: E501
    func = "required_agents"
    rate, handle, target, length, shape = _check_required_agents(
        func, arrival_rate, aht, target_time, interval
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
    traffic, highest = _traffic(func, rate, handle, length, limit=_MAX_TRAFFIC)
    on_queue, prob_wait, service, asa, occupancy = _least_agents(
        _full(traffic, shape), highest, handle, target, level, cap
    )
    headcount = _headcount(on_queue, loss)
    return StaffingResult(
        arrival_rate=_kept(rate),
        aht=_kept(handle),
        interval=_kept(length),
        target_time=_kept(target),
        target_service_level=level,
        max_occupancy=cap,
        shrinkage=loss,
        traffic=_frozen(traffic),
        agents_on_queue=_counts(on_queue, shape),
        agents=_counts(headcount, shape),
        prob_wait=_shaped(prob_wait, shape),
        service_level=_shaped(service, shape),
        asa=_shaped(asa, shape),
        occupancy=_shaped(occupancy, shape),
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
) -> tuple[Numbers, Numbers, Numbers, Numbers, Numbers, tuple[int, ...]]:
    """Validated arrival rate, handle time, agents, target time, interval, shape."""
    rate, handle, target, length = _check_queue(
        func, arrival_rate, aht, target_time, interval
    )
    staff = _numbers(func, "agents", agents, minimum=1.0, strict=False)
    _check_rule(
        func,
        "agents",
        staff,
        np.floor(staff) == staff,
        "are not whole numbers",
        "a whole number",
    )
    shape = _check_lengths(
        func,
        {
            "arrival_rate": rate,
            "aht": handle,
            "agents": staff,
            "target_time": target,
            "interval": length,
        },
    )
    return rate, handle, staff, target, length, shape


def _check_required_agents(
    func: str,
    arrival_rate: object,
    aht: object,
    target_time: object,
    interval: object,
) -> tuple[Numbers, Numbers, Numbers, Numbers, tuple[int, ...]]:
    """Validated arrival rate, handle time, target time, interval and shape."""
    rate, handle, target, length = _check_queue(
        func, arrival_rate, aht, target_time, interval
    )
    shape = _check_lengths(
        func,
        {
            "arrival_rate": rate,
            "aht": handle,
            "target_time": target,
            "interval": length,
        },
    )
    return rate, handle, target, length, shape


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
    if type(value) is np.ndarray and value.ndim == 1 and value.dtype.kind in "fiu":
        seconds: Numbers | object = value  # plain numbers: the fast path
    else:
        seconds = duration_values(value, func=func, name=name)
    return _numbers(func, name, seconds, minimum=0.0, strict=strict)


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
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value[()]
        if isinstance(value, (bool, np.bool_, np.timedelta64)):
            raise InputError(f"{func}: {name} must be a number; got {value!r}")
        if is_number(value):
            number = float(value)
            if not math.isfinite(number):
                raise InputError(
                    f"{func}: {name} must be a finite number; got {number:g}"
                )
            _check_minimum(func, name, number, number, minimum, strict=strict)
            return number
        values = to_float_array(value, func=func, name=name, allow_bool=False)
    if values.size == 0:
        raise InputError(f"{func}: {name} is empty")
    low, high = float(values.min()), float(values.max())  # NaN wins both
    if not (math.isfinite(low) and math.isfinite(high)):
        bad = values[~np.isfinite(values)]
        raise InputError(
            f"{func}: {format_count(bad.size)} of {format_count(values.size)} values "
            f"of {name} are missing or infinite ({format_examples(bad)})"
        )
    _check_minimum(func, name, values, low, minimum, strict=strict)
    return values


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
    if not is_number(value):
        raise InputError(f"{func}: {name} must be a number {rule}; got {value!r}")
    return float(value)


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
    highest = traffic if isinstance(traffic, float) else float(traffic.max())
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


def _least(values: Numbers) -> float:
    """The least value of a number or an array."""
    return values if isinstance(values, float) else float(values.min())


def _most(values: Numbers) -> float:
    """The largest value of a number or an array."""
    return values if isinstance(values, float) else float(values.max())


def _full(values: Numbers, shape: tuple[int, ...]) -> FloatArray:
    """``values`` as a float64 array of ``shape`` (at least one dimension)."""
    shape = shape or (1,)
    if isinstance(values, float) or values.shape != shape:
        return np.full(shape, values, dtype=np.float64)
    return values


def _shaped(values: npt.NDArray[Any], shape: tuple[int, ...]) -> Any:
    """A float when ``shape`` is ``()`` (every input a number), else an array.

    The array is read-only: it belongs to a result record.
    """
    if not shape:
        return float(values.reshape(-1)[0])
    if values.shape != shape:
        values = np.broadcast_to(values, shape).astype(np.float64)
    return _frozen(values)  # a fresh float64 array from the computation


def _counts(values: Numbers | FloatArray, shape: tuple[int, ...]) -> Any:
    """Agent counts as an int when ``shape`` is ``()``, else a read-only int64 array."""
    if not shape:
        return int(np.asarray(values).reshape(-1)[0])
    return _frozen(np.broadcast_to(values, shape).astype(np.int64))


def _frozen(values: Any) -> Any:
    """An array made by the computation, made read-only for its result record."""
    if isinstance(values, np.ndarray):
        values.flags.writeable = False
    return values


def _kept(values: Numbers) -> Any:
    """An input kept on a result: a read-only copy of an array, a number as is.

    The copy leaves the caller's own array writable.
    """
    if isinstance(values, np.ndarray):
        return _frozen(values.copy())
    return values


# ---------------------------------------------------------------------------
# The queue: assumes validated inputs


def _queue_measures(
    traffic: FloatArray, agents: FloatArray, aht: FloatArray, target_time: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """P(wait), service level, ASA and occupancy, broadcast; assumes agents >= 1."""
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
    blocking = _erlang_b(agents, traffic)
    # N - A(1 - B) as (N - A) + A B: no cancellation when N is close to A.
    wait = agents * blocking / (agents - traffic + traffic * blocking)
    return np.minimum(wait, 1.0)


def _erlang_b(agents: FloatArray, traffic: FloatArray) -> FloatArray:
    """Erlang B as the Poisson ratio pmf / cdf; assumes agents >= 1, traffic > 0."""
    cumulative: FloatArray = _poisson_cdf()(agents, traffic)
    with np.errstate(over="ignore"):  # an underflowing pmf: see `_deviance`
        surprise = _minus_log_poisson_pmf(agents, traffic)
    return np.exp(-surprise) / cumulative


@functools.cache
def _poisson_cdf() -> Any:
    """The Poisson cdf ``pdtr(k, mean)`` of scipy, imported on first use only."""
    from scipy import special

    return special.pdtr


def _inverse_erlang_b(
    agents: FloatArray, traffic: FloatArray, most_agents: float
) -> FloatArray:
    """1 / B(N, A) as the Poisson ratio cdf / pmf; assumes agents >= 1, traffic > 0.

    ``most_agents`` bounds ``agents`` from above. B so small that 1 / B
    overflows gives inf (under ``np.errstate``). The cdf is the costliest
    step of `required_agents`, about two fifths of a call for a few hundred
    intervals, yet cheaper than the alternatives: the finite Poisson sum or
    a continued fraction for it take on the order of ``sqrt(A)`` terms, each
    a numpy call or a pass over a matrix.
    """
    inverse = np.exp(_minus_log_poisson_pmf(agents, traffic, most_agents))
    inverse *= _poisson_cdf()(agents, traffic)
    return inverse


def _minus_log_poisson_pmf(
    k: FloatArray, mean: FloatArray, most: float | None = None
) -> FloatArray:
    """-log(mean^k e^-mean / k!) in Loader's saddle-point form; assumes k >= 1.

    ``bd0(k, mean) + [log k! - (k log k - k)]`` adds two small terms where
    the textbook ``log(k!) + mean - k log(mean)`` subtracts numbers near
    ``k log k``, which loses about ``log10(k log k)`` digits. ``most``, when
    known, bounds k from above.
    """
    return _deviance(k, mean) + _stirling_remainder(k, most)


def _deviance(k: FloatArray, mean: FloatArray) -> FloatArray:
    """bd0 = k log(k / mean) + mean - k, without cancellation; assumes k >= 1.

    Written ``k log1p(d / mean) - d`` with ``d = k - mean``, its absolute
    error is about ``eps |d|``, where the textbook form's is ``eps k log k``;
    the absolute error of bd0 is the relative error of the pmf. A mean so
    small that ``d / mean`` overflows gives inf, and a pmf of 0: it is below
    the smallest normal double there.
    """
    excess = k - mean
    deviance = np.log1p(excess / mean)
    deviance *= k
    deviance -= excess
    return deviance


def _stirling_remainder(k: FloatArray, most: float | None = None) -> FloatArray:
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
    """log(k!) - (k log k - k) by Stirling's series to the k^-7 term (k >= 16)."""
    inverse = 1.0 / k
    square = inverse * inverse
    series: FloatArray = inverse * (
        1.0 / 12.0 - square * (1.0 / 360.0 - square * (1.0 / 1260.0 - square / 1680.0))
    )
    return series + (0.5 * np.log(k) + _HALF_LOG_2PI)


def _least_agents(
    traffic: FloatArray,
    highest: float,
    aht: Numbers,
    target_time: Numbers,
    level: float,
    max_occupancy: float | None,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """The least agents meeting every target, and the queue measures there.

    Each interval starts at its least admissible staffing, which cannot be
    too many agents. A window of consecutive staffings from there, as many
    as `_search_rows` expects the longest search to need, is judged for all
    intervals at once (see `_judge_window`), and the first staffing in it
    that meets the target is the answer. Intervals whose window holds none
    (rare) go on with a window twice as long, from past its end. The loop
    runs over windows, never over intervals. ``highest`` is the largest
    traffic. Returns agents, P(wait), service level, ASA and occupancy.

    For a few hundred intervals the time goes to the number of numpy calls,
    not their length, and to the one Poisson cdf (see `_inverse_erlang_b`).
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
    # 1 / B overflows to inf only where B is below the smallest normal
    # double, and inf then reads as P(wait) = 0.
    with np.errstate(over="ignore"):
        # start <= highest / max_occupancy + 1: see `_least_stable`.
        most = highest / (max_occupancy or 1.0) + 1.0
        first = _inverse_erlang_b(start, load, most)
        while True:
            agents, inverse, wait, miss = _judge_window(
                start, first, rows, load, decay, busy
            )
            meets = miss <= 1.0 - level
            if np.count_nonzero(meets[-1]) == size:
                break  # every interval meets its target within the window
            found = meets.any(axis=0)
            beyond = agents[-1] + 1.0
            start = np.where(found, start, beyond)
            first = np.where(found, first, inverse[-1] * (beyond / load) + 1.0)
            rows = min(2 * rows, max(1, _SEARCH_CELLS // size))
    # The first staffing that meets the target: a row for each interval.
    chosen = meets.argmax(axis=0) * size + _positions(size)
    agents = agents.ravel()[chosen]
    wait = wait.ravel()[chosen]
    # Met targets bound P(wait) * delay by 1 - level < 1: no clipping needed.
    service = 1.0 - miss.ravel()[chosen]
    measures = (agents, wait, service, wait * aht / (agents - load), load / agents)
    if busy is None:
        return measures
    empty = (0.0, 0.0, 1.0, 0.0, 0.0)  # no arrivals: nobody needed, nobody waits
    agents, wait, service, asa, occupancy = (
        np.where(busy, value, nothing)
        for value, nothing in zip(measures, empty, strict=True)
    )
    return agents, wait, service, asa, occupancy


def _judge_window(
    start: FloatArray,
    first: FloatArray,
    rows: int,
    traffic: FloatArray,
    decay: Numbers,
    busy: npt.NDArray[np.bool_] | None,
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
        excess = max(0.0, (1.0 - _WHOLE_TOLERANCE) / max_occupancy - 1.0)
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
    return np.ceil(numerator * (factor * (1.0 - _WHOLE_TOLERANCE)))


def _least_below_occupancy(traffic: FloatArray, max_occupancy: float) -> FloatArray:
    """The least N with traffic / N <= max_occupancy (see `_whole_ceiling`)."""
    return _whole_ceiling(traffic, 1.0 / max_occupancy)


def _headcount(on_queue: FloatArray, shrinkage: float) -> FloatArray:
    """The people to schedule for ``on_queue`` agents: ceil(N / (1 - shrinkage))."""
    if shrinkage == 0:
        return on_queue
    return _whole_ceiling(on_queue, 1.0 / (1.0 - shrinkage))
