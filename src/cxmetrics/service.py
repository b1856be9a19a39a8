"""Service quality: FCR, reopens, abandonment, service level, ASA, AHT and SLA.

First contact resolution, reopen and abandonment rates, service level,
average speed of answer, average handle time and SLA attainment. Each metric
is a share or a mean of per-contact values, so it reduces to the same
additive statistics as the survey metrics: counts (sums of weights) of
successes and of contacts, or the sum and spread of the values. Every public
function validates its input first, into clean float arrays (seconds for
durations, 0/1 for flags, NaN for missing), then computes on whole arrays.

Elapsed times, first response and resolution times live in
`cxmetrics.durations` and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, NamedTuple, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics._estimators import mean_estimator, rate_estimator
from cxmetrics._plans import Plan, RowNouns, Rows, rows_plan, segmentable
from cxmetrics._seconds import Duration, Durations, seconds_or_scalar
from cxmetrics._seconds import seconds as _seconds
from cxmetrics._seconds import seconds_scalar as _seconds_scalar
from cxmetrics._validation import (
    FloatArray,
    InputError,
    NanPolicy,
    boolean_array,
    check_option,
    format_count,
    format_examples,
    to_float_array,
)
from cxmetrics.durations import elapsed, first_response_time, resolution_time
from cxmetrics.results import MeanResult, RateResult

__all__ = [
    "abandonment_rate",
    "average_handle_time",
    "average_speed_of_answer",
    "elapsed",
    "fcr_rate",
    "first_response_time",
    "one_touch_rate",
    "reopen_rate",
    "resolution_time",
    "service_level",
    "sla_attainment",
]

BoolArray: TypeAlias = npt.NDArray[np.bool_]
AbandonedRule: TypeAlias = Literal["include", "exclude", "exclude_short"]

#: How `service_level` treats abandoned calls, in the order of its docs.
SERVICE_LEVEL_VARIANTS = ("include", "exclude", "exclude_short")


# ---------------------------------------------------------------------------
# Coercion: durations to seconds, flags to 0/1, counts to whole numbers


def _nan_mask(values: FloatArray) -> BoolArray | None:
    """Where ``values`` are NaN, or None when none is."""
    missing = np.isnan(values)
    return missing if missing.any() else None


def _seconds_or_scalar(
    values: object, size: int, *, func: str, name: str, noun: str, reference: str
) -> FloatArray:
    """Durations aligned with ``reference``, or one (a 0-d array) for every row."""
    seconds = seconds_or_scalar(values, func=func, name=name, noun=noun)
    if seconds.ndim:
        _check_aligned(func, reference, size, {name: seconds})
    return seconds


def _flag_mask(
    values: object, *, func: str, noun: str
) -> tuple[BoolArray, BoolArray | None]:
    """Booleans or 0/1: where they are true, and the missing mask (None if none).

    A numpy boolean array is used as it is, without a copy.
    """
    booleans = boolean_array(values)
    if booleans is not None:
        return booleans, None
    flags = to_float_array(values, func=func, name=noun)
    is_set = flags == 1
    if np.count_nonzero(is_set | (flags == 0)) == flags.size:
        return is_set, None
    missing = np.isnan(flags)
    bad = ~(is_set | missing | (flags == 0))
    if bad.any():
        raise InputError(
            f"{func}: {format_count(int(bad.sum()))} of {format_count(flags.size)} "
            f"{noun} are not booleans or 0/1 ({format_examples(flags[bad])})"
        )
    return is_set, missing


def _holds_booleans(values: object) -> bool:
    """Whether ``values`` are booleans (with missing values allowed)."""
    if isinstance(values, (pd.Series, pd.Index, pd.api.extensions.ExtensionArray)):
        if pd.api.types.is_bool_dtype(values.dtype):
            return True
        if not pd.api.types.is_object_dtype(values.dtype):
            return False
        array = np.asarray(values, dtype=object)
    else:
        try:
            array = np.asarray(values)
        except (ValueError, TypeError):
            return False
        if array.dtype.kind == "b":
            return True
        if array.dtype.kind != "O" or array.ndim != 1:
            return False
    return bool(pd.api.types.infer_dtype(array, skipna=True) == "boolean")


def _counts(
    values: object, *, func: str, noun: str, least: int
) -> tuple[npt.NDArray[np.float64 | np.integer], BoolArray | None]:
    """Whole numbers of at least ``least``, and the missing mask (None if none).

    A numpy integer array is checked with one ``min`` and used as it is.
    """
    if (
        isinstance(values, np.ndarray)
        and values.dtype.kind in "iu"
        and values.ndim == 1
        and (not values.size or values.min() >= least)
    ):
        return values, None
    counts = to_float_array(values, func=func, name=noun, allow_bool=False)
    with np.errstate(invalid="ignore"):
        good = (counts >= least) & (counts == np.floor(counts)) & np.isfinite(counts)
    bad = ~good & ~np.isnan(counts)
    if bad.any():
        raise InputError(
            f"{func}: {format_count(int(bad.sum()))} of {format_count(counts.size)} "
            f"{noun} are not whole numbers of {least} or more "
            f"({format_examples(counts[bad])})"
        )
    missing = np.isnan(counts)
    return counts, missing if missing.any() else None


def _check_aligned(
    func: str, reference: str, size: int, others: dict[str, npt.NDArray[Any]]
) -> None:
    for name, values in others.items():
        if values.size != size:
            raise InputError(
                f"{func}: {name} has {format_count(values.size)} values but "
                f"{reference} has {format_count(size)}; they must align one to one"
            )


def _check_not_empty(func: str, name: str, values: npt.NDArray[Any]) -> None:
    if values.size == 0:
        raise InputError(f"{func}: {name} is empty")


def _either(a: BoolArray | None, b: BoolArray | None) -> BoolArray | None:
    """The union of two missing masks, where None stands for none missing."""
    if a is None:
        return b
    return a if b is None else a | b


# ---------------------------------------------------------------------------
# How messages name the rows of each metric


def _no(noun: str) -> RowNouns:
    """Every row counts: the rows are ``noun``, and none left is "no <noun>"."""
    return RowNouns(noun=noun, counted=noun, empty=lambda kept: f"no {noun}")


_TICKETS = _no("tickets")
_CALLS = _no("calls")


# ---------------------------------------------------------------------------
# First contact resolution and reopens


def _ticket_values(
    values: object, *, func: str, param: str, noun: str, least: int
) -> tuple[npt.NDArray[Any], BoolArray | None]:
    """Per-ticket booleans, or whole counts of at least ``least``; missing mask."""
    checked: npt.NDArray[Any]
    if _holds_booleans(values):
        checked, missing = _flag_mask(values, func=func, noun=noun)
    else:
        checked, missing = _counts(values, func=func, noun=noun, least=least)
    _check_not_empty(func, param, checked)
    return checked, missing


def _first_contact(values: npt.NDArray[Any]) -> BoolArray:
    """Resolved on the first contact: flags are booleans, counts are >= 1."""
    return np.asarray(values == 1, dtype=bool)


def _reopened(values: npt.NDArray[Any]) -> BoolArray:
    return np.asarray(values >= 1, dtype=bool)


def _ticket_plan(
    func: str,
    param: str,
    noun: str,
    least: int,
    success: Callable[[npt.NDArray[Any]], BoolArray],
    label: str,
) -> Callable[..., Plan]:
    """The plan of a share of tickets, each judged by ``success``."""

    def plan(*, ci: object, confidence: object, nan_policy: object) -> Plan:
        estimator = rate_estimator(func, ci, confidence, label=label)

        def rows(data: Mapping[str, Any]) -> Rows:
            values, missing = _ticket_values(
                data[param], func=func, param=param, noun=noun, least=least
            )
            return Rows(size=values.size, missing=missing, flags=success(values))

        return rows_plan(func, estimator, rows, nouns=_TICKETS, nan_policy=nan_policy)

    return plan


_fcr_plan = _ticket_plan(
    "fcr_rate",
    "contacts_to_resolve",
    "contact counts",
    1,
    _first_contact,
    "FCR",
)


@segmentable(_fcr_plan, data=("contacts_to_resolve",))
def fcr_rate(
    contacts_to_resolve: npt.ArrayLike,
    *,
    weights: npt.ArrayLike | None = None,
    ci: str | None = "wilson",
    confidence: float = 0.95,
    nan_policy: NanPolicy = "omit",
) -> RateResult:
    r"""First contact resolution (FCR): the share of tickets resolved in one contact.

    Parameters
    ----------
    contacts_to_resolve : array_like
        One value per resolved ticket, either the number of contacts it took
        to resolve (whole numbers of 1 or more; 1 is a first-contact
        resolution), or booleans that already say whether it was resolved on
        the first contact (True). A boolean array (numpy ``bool``, pandas
        ``bool`` or ``boolean``, or Python ``True``/``False`` with missing
        values) is read as flags; numbers are read as counts, so 0/1 numbers
        are refused rather than guessed at. Missing values follow
        ``nan_policy``.
    weights : array_like, optional
        Non-negative weights aligned with the tickets; the interval uses
        Kish's effective sample size.
    ci : {'wilson', 'agresti_coull', 'clopper_pearson', 'jeffreys', 'wald', None}
        Interval method (see `cxmetrics.intervals.proportion_interval`).
    confidence : float
        Confidence level in (0, 1).
    nan_policy : {'omit', 'raise', 'propagate'}
        ``'omit'`` leaves missing tickets out and counts them in
        ``n_missing``; ``'raise'`` raises `InputError`; ``'propagate'``
        returns NaN.

    Returns
    -------
    RateResult
        ``value`` (the FCR share, 0 to 1), ``successes`` (tickets resolved on
        the first contact), ``n`` (tickets), ``ci``, ``n_missing``,
        ``effective_n``, ``total_weight``; label ``"FCR"``.

    Raises
    ------
    InputError
        Counts below 1, fractional or infinite; values that are neither
        numbers nor booleans; bad weights; no valid tickets; an unknown
        option.

    Notes
    -----
    With :math:`c_i` the contacts ticket :math:`i` took and :math:`w_i` its
    weight (1 without weights),

    .. math:: \mathrm{FCR} = \frac{\sum_i w_i\,[c_i = 1]}{\sum_i w_i}.

    Only resolved tickets belong in the data: an open ticket has no count
    yet. Whether a later contact about the same issue reopens a ticket is
    for the data to decide before this function sees it.

    Examples
    --------
    Eight tickets, five resolved on the first contact:

    >>> import cxmetrics as cx
    >>> print(cx.fcr_rate([1, 1, 2, 1, 3, 1, 1, 2]))
    FCR 62.5% (95% CI 30.6% to 86.3%, Wilson), n=8
    >>> cx.fcr_rate([True, True, False, None]).value
    0.6666666666666666
    """
    plan = _fcr_plan(ci=ci, confidence=confidence, nan_policy=nan_policy)
    result: RateResult = plan.result(
        {"contacts_to_resolve": contacts_to_resolve, "weights": weights}
    )
    return result


_reopen_plan = _ticket_plan(
    "reopen_rate", "reopens", "reopen counts", 0, _reopened, "Reopen rate"
)


@segmentable(_reopen_plan, data=("reopens",))
def reopen_rate(
    reopens: npt.ArrayLike,
    *,
    weights: npt.ArrayLike | None = None,
    ci: str | None = "wilson",
    confidence: float = 0.95,
    nan_policy: NanPolicy = "omit",
) -> RateResult:
    r"""Reopen rate: the share of tickets reopened at least once.

    Parameters
    ----------
    reopens : array_like
        One value per closed ticket: how many times it was reopened (whole
        numbers of 0 or more), or booleans (True: reopened). Missing values
        follow ``nan_policy``.
    weights : array_like, optional
        Non-negative weights aligned with the tickets.
    ci : {'wilson', 'agresti_coull', 'clopper_pearson', 'jeffreys', 'wald', None}
        Interval method.
    confidence : float
        Confidence level in (0, 1).
    nan_policy : {'omit', 'raise', 'propagate'}
        How to treat missing values.

    Returns
    -------
    RateResult
        ``value`` (share reopened), ``successes`` (tickets reopened), ``n``
        (tickets), ``ci``, ``n_missing``, ``effective_n``, ``total_weight``;
        label ``"Reopen rate"``.

    Raises
    ------
    InputError
        Negative, fractional or infinite counts; values that are neither
        numbers nor booleans; bad weights; no valid tickets; an unknown
        option.

    Notes
    -----
    With :math:`r_i` the reopens of ticket :math:`i`,

    .. math:: \text{reopen rate} = \frac{\sum_i w_i\,[r_i \ge 1]}{\sum_i w_i}.

    A ticket reopened three times counts once: the rate is a share of
    tickets, not reopens per ticket.

    Examples
    --------
    >>> import cxmetrics as cx
    >>> print(cx.reopen_rate([0, 0, 1, 0, 2, 0, 0, 0, 0, 1]))
    Reopen rate 30.0% (95% CI 10.8% to 60.3%, Wilson), n=10
    """
    plan = _reopen_plan(ci=ci, confidence=confidence, nan_policy=nan_policy)
    result: RateResult = plan.result({"reopens": reopens, "weights": weights})
    return result


_one_touch_plan = _ticket_plan(
    "one_touch_rate", "touches", "touch counts", 1, _first_contact, "One-touch rate"
)


@segmentable(_one_touch_plan, data=("touches",))
def one_touch_rate(
    touches: npt.ArrayLike,
    *,
    weights: npt.ArrayLike | None = None,
    ci: str | None = "wilson",
    confidence: float = 0.95,
    nan_policy: NanPolicy = "omit",
) -> RateResult:
    r"""One-touch resolution: the share of tickets resolved with a single agent reply.

    Parameters
    ----------
    touches : array_like
        One value per resolved ticket: the agent replies it needed (whole
        numbers of 1 or more; 1 is a one-touch resolution), or booleans that
        already say whether it was resolved in one touch (True). As for
        `fcr_rate`, numbers are read as counts and booleans as flags.
        Missing values follow ``nan_policy``.
    weights : array_like, optional
        Non-negative weights aligned with the tickets; the interval uses
        Kish's effective sample size.
    ci : {'wilson', 'agresti_coull', 'clopper_pearson', 'jeffreys', 'wald', None}
        Interval method (see `cxmetrics.intervals.proportion_interval`).
    confidence : float
        Confidence level in (0, 1).
    nan_policy : {'omit', 'raise', 'propagate'}
        How to treat missing values.

    Returns
    -------
    RateResult
        ``value`` (the share resolved in one touch, 0 to 1), ``successes``,
        ``n`` (tickets), ``ci``, ``n_missing``, ``effective_n``,
        ``total_weight``; label ``"One-touch rate"``.

    Raises
    ------
    InputError
        Counts below 1, fractional or infinite; values that are neither
        numbers nor booleans; bad weights; no valid tickets; an unknown
        option.

    Notes
    -----
    With :math:`t_i` the agent replies ticket :math:`i` needed,

    .. math:: 	ext{one-touch rate} = rac{\sum_i w_i\,[t_i = 1]}{\sum_i w_i}.

    FCR counts contacts from the customer; one-touch counts replies from
    the agents. A ticket the customer raised twice but an agent closed with
    one reply is a one-touch resolution and not a first-contact one. Only
    resolved tickets belong in the data.

    Segments: runs in `cxmetrics.by_segment` and `cxmetrics.over_time`, and
    its results merge and compare like every rate.

    Examples
    --------
    Ten resolved tickets, six closed with one reply:

    >>> import cxmetrics as cx
    >>> print(cx.one_touch_rate([1, 1, 2, 1, 3, 1, 1, 4, 1, 2]))
    One-touch rate 60.0% (95% CI 31.3% to 83.2%, Wilson), n=10
    """
    plan = _one_touch_plan(ci=ci, confidence=confidence, nan_policy=nan_policy)
    result: RateResult = plan.result({"touches": touches, "weights": weights})
    return result


# ---------------------------------------------------------------------------
# Calls: abandonment, service level, ASA


class _Calls(NamedTuple):
    """Validated calls: waits in seconds and a flag, each with its missing mask."""

    wait: FloatArray
    wait_missing: BoolArray | None
    flag: BoolArray  # answered, or abandoned
    flag_missing: BoolArray | None


def _read_answered(func: str, wait_time: object, answered: object) -> _Calls:
    """Waits in seconds and answered flags, aligned."""
    wait = _seconds(wait_time, func=func, noun="wait times")
    wait_missing = _nan_mask(wait)
    flag, flag_missing = _flag_mask(answered, func=func, noun="answered flags")
    _check_aligned(func, "wait_time", wait.size, {"answered": flag})
    _check_not_empty(func, "wait_time", wait)
    return _Calls(wait, wait_missing, flag, flag_missing)


def _read_abandoned(func: str, abandoned: object, wait_time: object) -> _Calls:
    """Abandoned flags and the aligned waits in seconds (NaN when not given)."""
    flag, flag_missing = _flag_mask(abandoned, func=func, noun="abandoned flags")
    if wait_time is None:
        _check_not_empty(func, "abandoned", flag)
        no_wait = np.broadcast_to(np.float64(np.nan), flag.shape)
        return _Calls(no_wait, None, flag, flag_missing)
    wait = _seconds(wait_time, func=func, noun="wait times")
    wait_missing = _nan_mask(wait)
    _check_aligned(func, "abandoned", flag.size, {"wait_time": wait})
    _check_not_empty(func, "abandoned", flag)
    return _Calls(wait, wait_missing, flag, flag_missing)


# ---------------------------------------------------------------------------
# The rules each call or item follows, shared with the segment plans of
# `cxmetrics._metric_specs`: which rows are missing, counted and successes.
# The masks may hold every row (missing ones too), so comparisons with NaN
# are allowed.


def _answered_missing(calls: _Calls, *, every_wait: bool) -> BoolArray | None:
    """A call is missing when its flag is, or when its wait is and is needed.

    An answered call always needs its wait; an abandoned one only when
    ``every_wait`` (to spot a short abandon).
    """
    wait_missing = calls.wait_missing
    if not every_wait and wait_missing is not None:
        wait_missing = calls.flag & wait_missing
    return _either(calls.flag_missing, wait_missing)


def _abandoned_missing(calls: _Calls, limit: float | None) -> BoolArray | None:
    """Only an abandoned call needs its wait: is it a short abandon?"""
    if limit is None or calls.wait_missing is None:
        return calls.flag_missing
    return _either(calls.flag_missing, calls.flag & calls.wait_missing)


def _short_abandons(
    is_abandoned: BoolArray, wait: FloatArray, limit: float
) -> BoolArray:
    with np.errstate(invalid="ignore"):
        return is_abandoned & (wait < limit)


def _service_level_limits(
    func: str, abandoned: str, threshold: object, short_abandon: object
) -> tuple[float, float | None]:
    """The threshold and the short-abandon limit of `service_level`, in seconds."""
    target = _seconds_scalar(threshold, func=func, name="threshold")
    return target, _short_abandon_limit(func, abandoned, short_abandon)


def _within_and_counted(
    is_answered: BoolArray,
    wait: FloatArray,
    *,
    target: float,
    abandoned: str,
    limit: float | None,
) -> tuple[BoolArray, BoolArray | None]:
    """Calls answered within the target, and those counted (None: every call)."""
    with np.errstate(invalid="ignore"):
        within = is_answered & (wait <= target)
        if abandoned == "exclude":
            return within, is_answered
        if limit is not None:  # "exclude_short", the one variant with a limit
            return within, is_answered | (wait >= limit)
    return within, None


class _Items(NamedTuple):
    """Validated SLA items: durations and targets in seconds, open flags."""

    taken: FloatArray
    goal: FloatArray  # aligned with ``taken``, or 0-d: one target for all
    is_open: BoolArray | None  # None: every item closed
    missing: BoolArray | None


def _read_items(
    func: str, durations: object, targets: object, pending: object
) -> _Items:
    """Durations, targets and pending flags, aligned; an item is missing when any is."""
    taken = _seconds(durations, func=func, noun="durations")
    n = taken.size
    goal = _seconds_or_scalar(
        targets, n, func=func, name="targets", noun="targets", reference="durations"
    )
    missing = _either(_nan_mask(taken), _nan_mask(goal))
    is_open: BoolArray | None = None
    if pending is not None:
        is_open, open_missing = _flag_mask(pending, func=func, noun="pending flags")
        _check_aligned(func, "durations", n, {"pending": is_open})
        missing = _either(missing, open_missing)
    return _Items(taken, goal, is_open, missing)


def _sla_outcomes(
    taken: FloatArray, goal: FloatArray, is_open: BoolArray | None
) -> tuple[BoolArray, BoolArray | None, BoolArray | None]:
    """Items met, items decided (None: all) and items undecided (None: none).

    An open item within its target is undecided; one past it has missed.
    """
    with np.errstate(invalid="ignore"):
        met = taken <= goal
    if is_open is None:
        return met, None, None
    undecided = is_open & met
    return met & ~is_open, ~undecided, undecided


def _handle_times(func: str, talk: object, hold: object, wrap: object) -> FloatArray:
    """Talk + hold + wrap of each contact in seconds, NaN where any is missing."""
    talk_s = _seconds(talk, func=func, noun="talk times")
    n = talk_s.size
    hold_s = _seconds_or_scalar(
        hold, n, func=func, name="hold", noun="hold times", reference="talk"
    )
    wrap_s = _seconds_or_scalar(
        wrap, n, func=func, name="wrap", noun="wrap times", reference="talk"
    )
    handle = talk_s + hold_s
    handle += wrap_s
    return handle


def _abandonment_plan(
    *, short_abandon: object, ci: object, confidence: object, nan_policy: object
) -> Plan:
    func = "abandonment_rate"
    estimator = rate_estimator(func, ci, confidence, label="Abandonment rate")
    limit = (
        None
        if short_abandon is None
        else _seconds_scalar(short_abandon, func=func, name="short_abandon")
    )
    nouns = _CALLS
    if limit is not None:
        estimator = attrs.evolve(
            estimator,
            label=f"Abandonment rate (short abandons under {limit:g} s excluded)",
        )
        nouns = RowNouns(
            noun="calls",
            counted="calls counted",
            empty=lambda kept: _all_short(kept, limit),
        )

    def rows(data: Mapping[str, Any]) -> Rows:
        wait_time = data.get("wait_time")
        if limit is not None and wait_time is None:
            raise InputError(
                f"{func}: short_abandon needs wait_time, the seconds each call "
                "waited, to tell short abandons from the others"
            )
        calls = _read_abandoned(func, data["abandoned"], wait_time)
        counted = (
            None if limit is None else ~_short_abandons(calls.flag, calls.wait, limit)
        )
        return Rows(
            size=calls.flag.size,
            missing=_abandoned_missing(calls, limit),
            counted=counted,
            flags=calls.flag,
        )

    return rows_plan(func, estimator, rows, nouns=nouns, nan_policy=nan_policy)


@segmentable(
    _abandonment_plan,
    data=("abandoned",),
    column_options=("wait_time", "weights"),
)
def abandonment_rate(
    abandoned: npt.ArrayLike,
    *,
    wait_time: Durations | None = None,
    short_abandon: Duration | None = None,
    weights: npt.ArrayLike | None = None,
    ci: str | None = "wilson",
    confidence: float = 0.95,
    nan_policy: NanPolicy = "omit",
) -> RateResult:
    r"""Abandonment rate: the share of offered calls that hung up before an answer.

    Parameters
    ----------
    abandoned : array_like
        One flag per call offered to the queue: True (or 1) when the caller
        hung up before being answered. Missing values follow ``nan_policy``.
    wait_time : array_like, optional
        Seconds each call waited (numbers, or time spans such as
        ``numpy.timedelta64``, a pandas Timedelta Series or
        ``datetime.timedelta``), aligned with ``abandoned``. Needed only with
        ``short_abandon``; without it the waits are checked but change
        nothing.
    short_abandon : float or timedelta, optional
        Abandoned calls that waited less than this many seconds are short
        abandons (wrong numbers, callers who changed their mind) and leave
        both the numerator and the denominator. Requires ``wait_time``.
    weights : array_like, optional
        Non-negative weights aligned with the calls.
    ci : {'wilson', 'agresti_coull', 'clopper_pearson', 'jeffreys', 'wald', None}
        Interval method.
    confidence : float
        Confidence level in (0, 1).
    nan_policy : {'omit', 'raise', 'propagate'}
        How to treat missing values. A call is missing when its flag is, or,
        with ``short_abandon``, when it was abandoned and its wait is missing.

    Returns
    -------
    RateResult
        ``value`` (share abandoned), ``successes`` (abandoned calls counted),
        ``n`` (offered calls counted), ``ci``, ``n_missing``,
        ``effective_n``, ``total_weight``. With ``short_abandon``, ``n`` is
        the offered calls less the short abandons (and less the missing
        ones), and the label names the rule, e.g. ``"Abandonment rate
        (short abandons under 5 s excluded)"``; otherwise the label is
        ``"Abandonment rate"``.

    Raises
    ------
    InputError
        Flags other than booleans or 0/1; negative or infinite waits;
        misaligned lengths; ``short_abandon`` without ``wait_time``, or
        negative; every call a short abandon; bad weights; no valid calls.

    Notes
    -----
    With :math:`a_i` the abandoned flag, :math:`t_i` the wait and
    :math:`\tau` the short-abandon limit (:math:`\tau = 0` without one),

    .. math::

        s_i = a_i\,[t_i < \tau], \qquad
        \text{abandonment} = \frac{\sum_i w_i\,(a_i - s_i)}{\sum_i w_i\,(1 - s_i)}.

    The number of short abandons removed is the offered calls less ``n``
    less ``n_missing``.

    Examples
    --------
    Eight calls offered, three abandoned; one of them after 2 seconds:

    >>> import cxmetrics as cx
    >>> abandoned = [False, True, False, False, True, False, True, False]
    >>> wait = [12, 2, 40, 8, 95, 30, 61, 5]
    >>> print(cx.abandonment_rate(abandoned))
    Abandonment rate 37.5% (95% CI 13.7% to 69.4%, Wilson), n=8
    >>> result = cx.abandonment_rate(abandoned, wait_time=wait, short_abandon=5)
    >>> print(result)
    Abandonment rate (short abandons under 5 s excluded) 28.6% (95% CI 8.2% to
    64.1%, Wilson), n=7
    """
    plan = _abandonment_plan(
        short_abandon=short_abandon,
        ci=ci,
        confidence=confidence,
        nan_policy=nan_policy,
    )
    result: RateResult = plan.result(
        {"abandoned": abandoned, "wait_time": wait_time, "weights": weights}
    )
    return result


def _all_short(calls: int, limit: float) -> str:
    return (
        f"every one of the {format_count(calls)} calls is a short abandon "
        f"(abandoned before {limit:g} s); no call is left to rate"
    )


def _service_level_plan(
    *,
    threshold: object,
    abandoned: object,
    short_abandon: object,
    ci: object,
    confidence: object,
    nan_policy: object,
) -> Plan:
    func = "service_level"
    estimator = rate_estimator(func, ci, confidence, label="Service level")
    check_option(func, "abandoned", abandoned, SERVICE_LEVEL_VARIANTS)
    if threshold is None:
        raise InputError(f"{func}: threshold is required, e.g. threshold=20 (seconds)")
    rule = str(abandoned)
    target, limit = _service_level_limits(func, rule, threshold, short_abandon)
    estimator = attrs.evolve(
        estimator,
        label=_service_level_label(rule, limit),
        definition=f"answered within {target:g} s",
    )

    def empty(kept: int) -> str:
        if rule == "exclude":
            return (
                f"none of the {format_count(kept)} calls was answered, and "
                "abandoned='exclude' counts answered calls only"
            )
        if limit is not None:
            return _all_short(kept, limit)
        return "no calls"  # "include": every call counts

    nouns = RowNouns(noun="calls", counted="calls counted", empty=empty)

    def rows(data: Mapping[str, Any]) -> Rows:
        calls = _read_answered(func, data["wait_time"], data["answered"])
        within, counted = _within_and_counted(
            calls.flag, calls.wait, target=target, abandoned=rule, limit=limit
        )
        return Rows(
            size=calls.flag.size,
            missing=_answered_missing(calls, every_wait=limit is not None),
            counted=counted,
            flags=within,
        )

    return rows_plan(func, estimator, rows, nouns=nouns, nan_policy=nan_policy)


@segmentable(
    _service_level_plan,
    data=("wait_time", "answered"),
    examples={"threshold": "threshold=20 (seconds)"},
)
def service_level(
    wait_time: Durations,
    answered: npt.ArrayLike,
    *,
    threshold: Duration,
    abandoned: AbandonedRule = "include",
    short_abandon: Duration | None = None,
    weights: npt.ArrayLike | None = None,
    ci: str | None = "wilson",
    confidence: float = 0.95,
    nan_policy: NanPolicy = "omit",
) -> RateResult:
    r"""Service level: the share of calls answered within a threshold.

    "80/20" means 80% of calls answered within 20 seconds. A call is
    answered within the threshold when its wait is at most ``threshold``
    (a call answered at exactly 20 s meets a 20 s target). The variants
    differ in how abandoned calls enter the denominator, chosen with
    ``abandoned``.

    Parameters
    ----------
    wait_time : array_like
        Seconds each offered call waited in the queue until it was answered
        or abandoned: numbers, or time spans (``numpy.timedelta64``, a pandas
        Timedelta Series, ``datetime.timedelta``).
    answered : array_like
        One flag per call, aligned with ``wait_time``: True (or 1) when
        answered, False (or 0) when abandoned.
    threshold : float or timedelta
        The target answer time, in seconds or as a time span.
    abandoned : {'include', 'exclude', 'exclude_short'}
        ``'include'`` (default): abandoned calls stay in the denominator and
        count as misses. ``'exclude'``: only answered calls count.
        ``'exclude_short'``: abandoned calls that waited less than
        ``short_abandon`` leave the denominator; the others count as misses.
    short_abandon : float or timedelta, optional
        The short-abandon limit in seconds; required by
        ``abandoned='exclude_short'`` and refused otherwise. Setting it equal
        to ``threshold`` gives the common "abandons within the threshold do
        not count" rule.
    weights : array_like, optional
        Non-negative weights aligned with the calls.
    ci : {'wilson', 'agresti_coull', 'clopper_pearson', 'jeffreys', 'wald', None}
        Interval method.
    confidence : float
        Confidence level in (0, 1).
    nan_policy : {'omit', 'raise', 'propagate'}
        How to treat missing values. A call is missing when its flag is, when
        it was answered and its wait is missing, or, under
        ``'exclude_short'``, when it was abandoned and its wait is missing.

    Returns
    -------
    RateResult
        ``value`` (share answered within the threshold), ``successes`` (calls
        answered within it), ``n`` (calls in the denominator), ``ci``,
        ``n_missing``, ``effective_n``, ``total_weight``; label
        ``"Service level"``, ``"Service level (abandons excluded)"`` or
        ``"Service level (abandons under 5 s excluded)"``, naming the variant
        so that results of different variants do not merge.

    Raises
    ------
    InputError
        Negative or infinite waits or threshold; flags other than booleans
        or 0/1; misaligned lengths; ``short_abandon`` missing or out of
        place; no call left in the denominator; bad weights; no valid calls;
        an unknown option.

    Notes
    -----
    With :math:`A` the answered calls, :math:`B` the abandoned ones,
    :math:`t_i` the wait, :math:`T` the threshold and :math:`\tau` the
    short-abandon limit, the numerator is always
    :math:`S = \#\{i \in A : t_i \le T\}` and

    .. math::

        \mathrm{SL}_\text{include} = \frac{S}{|A| + |B|}, \qquad
        \mathrm{SL}_\text{exclude} = \frac{S}{|A|}, \qquad
        \mathrm{SL}_\text{exclude\_short} =
            \frac{S}{|A| + \#\{i \in B : t_i \ge \tau\}}.

    With weights, counts are sums of weights. The three are ordered:
    include :math:`\le` exclude_short :math:`\le` exclude. ``'include'``
    is the strictest and the default; ``'exclude'`` flatters a queue where
    callers give up; ``'exclude_short'`` with :math:`\tau = T` is formula 4
    of the ICMI list [1]_ and the "exclude short abandons" switch of
    contact-centre platforms.

    References
    ----------
    .. [1] ICMI (2002). Service level calculations. *Call Center Queue
       Tips*, International Customer Management Institute.

    Examples
    --------
    Ten calls, a 20-second target; seven answered (four within 20 s), three
    abandoned (after 3, 25 and 50 s):

    >>> import cxmetrics as cx
    >>> wait = [5, 12, 20, 21, 45, 3, 60, 25, 8, 50]
    >>> answered = [1, 1, 1, 1, 1, 0, 1, 0, 1, 0]
    >>> print(cx.service_level(wait, answered, threshold=20))
    Service level 40.0% (95% CI 16.8% to 68.7%, Wilson), n=10
    >>> cx.service_level(wait, answered, threshold=20, abandoned="exclude").value
    0.5714285714285714
    >>> cx.service_level(
    ...     wait, answered, threshold=20, abandoned="exclude_short", short_abandon=5
    ... ).value
    0.4444444444444444
    """
    plan = _service_level_plan(
        threshold=threshold,
        abandoned=abandoned,
        short_abandon=short_abandon,
        ci=ci,
        confidence=confidence,
        nan_policy=nan_policy,
    )
    result: RateResult = plan.result(
        {"wait_time": wait_time, "answered": answered, "weights": weights}
    )
    return result


def _service_level_label(abandoned: str, limit: float | None) -> str:
    """The label names the variant, so that results of two variants never merge."""
    if abandoned == "exclude":
        return "Service level (abandons excluded)"
    if limit is not None:
        return f"Service level (abandons under {limit:g} s excluded)"
    return "Service level"


def _short_abandon_limit(
    func: str, abandoned: str, short_abandon: object
) -> float | None:
    if abandoned == "exclude_short":
        if short_abandon is None:
            raise InputError(
                f"{func}: abandoned='exclude_short' needs short_abandon, the "
                "seconds under which an abandoned call does not count"
            )
        return _seconds_scalar(short_abandon, func=func, name="short_abandon")
    if short_abandon is not None:
        raise InputError(
            f"{func}: short_abandon is used only with abandoned='exclude_short'; "
            f"got abandoned={abandoned!r}"
        )
    return None


def _asa_plan(*, ci: object, confidence: object, nan_policy: object) -> Plan:
    func = "average_speed_of_answer"
    estimator = mean_estimator(func, ci, confidence, label="ASA")
    nouns = RowNouns(
        noun="calls",
        counted="answered calls",
        empty=lambda kept: (
            f"none of the {format_count(kept)} calls was answered; ASA is the "
            "mean wait of answered calls"
        ),
    )

    def rows(data: Mapping[str, Any]) -> Rows:
        calls = _read_answered(func, data["wait_time"], data["answered"])
        return Rows(
            size=calls.flag.size,
            missing=_answered_missing(calls, every_wait=False),
            counted=calls.flag,
            values=calls.wait,
        )

    return rows_plan(func, estimator, rows, nouns=nouns, nan_policy=nan_policy)


@segmentable(_asa_plan, data=("wait_time", "answered"))
def average_speed_of_answer(
    wait_time: Durations,
    answered: npt.ArrayLike,
    *,
    weights: npt.ArrayLike | None = None,
    ci: str | None = "t",
    confidence: float = 0.95,
    nan_policy: NanPolicy = "omit",
) -> MeanResult:
    r"""Average speed of answer (ASA): the mean wait of answered calls, in seconds.

    Parameters
    ----------
    wait_time : array_like
        Seconds each call waited (numbers or time spans).
    answered : array_like
        Flags aligned with ``wait_time``: True (or 1) when answered.
        Abandoned calls do not enter ASA.
    weights : array_like, optional
        Non-negative weights aligned with the calls.
    ci : {'t', None}
        Interval method: Student t.
    confidence : float
        Confidence level in (0, 1).
    nan_policy : {'omit', 'raise', 'propagate'}
        How to treat missing values. A call is missing when its flag is, or
        when it was answered and its wait is missing; the wait of an
        abandoned call is not needed.

    Returns
    -------
    MeanResult
        ``value`` (seconds), ``n`` (answered calls), ``std``, ``ci``,
        ``n_missing``, ``effective_n``, ``total_weight``; label ``"ASA"``.

    Raises
    ------
    InputError
        Negative or infinite waits; flags other than booleans or 0/1;
        misaligned lengths; no answered call; bad weights; no valid calls.

    Notes
    -----
    .. math::

        \mathrm{ASA} = \bar t = \frac{\sum_{i \in A} w_i t_i}{\sum_{i \in A} w_i},
        \qquad \bar t \pm t_{n-1,\,1-\alpha/2}\,\frac{s}{\sqrt n}

    over the answered calls :math:`A`, with :math:`s` the sample standard
    deviation (with weights, Kish's effective n takes the place of n, as in
    `cxmetrics.mean_score`). Waits are skewed to the right, but the t
    interval for their mean holds well once there are a few dozen calls.

    Examples
    --------
    >>> import cxmetrics as cx
    >>> wait = [5, 12, 20, 21, 45, 3, 60, 25, 8, 50]
    >>> answered = [1, 1, 1, 1, 1, 0, 1, 0, 1, 0]
    >>> print(cx.average_speed_of_answer(wait, answered))
    ASA 24.43 (95% CI 5.47 to 43.39, Student t), n=7
    """
    plan = _asa_plan(ci=ci, confidence=confidence, nan_policy=nan_policy)
    result: MeanResult = plan.result(
        {"wait_time": wait_time, "answered": answered, "weights": weights}
    )
    return result


# ---------------------------------------------------------------------------
# Handle time and SLA attainment


def _aht_plan(*, ci: object, confidence: object, nan_policy: object) -> Plan:
    func = "average_handle_time"
    estimator = mean_estimator(func, ci, confidence, label="AHT")
    nouns = _no("contacts")

    def rows(data: Mapping[str, Any]) -> Rows:
        handle = _handle_times(
            func, data["talk"], data.get("hold", 0), data.get("wrap", 0)
        )
        _check_not_empty(func, "talk", handle)
        return Rows(size=handle.size, missing=_nan_mask(handle), values=handle)

    return rows_plan(func, estimator, rows, nouns=nouns, nan_policy=nan_policy)


@segmentable(
    _aht_plan,
    data=("talk", "hold", "wrap"),
    required=1,
    scalar_or_column=("hold", "wrap"),
)
def average_handle_time(
    talk: Durations,
    hold: Durations | Duration = 0,
    wrap: Durations | Duration = 0,
    *,
    weights: npt.ArrayLike | None = None,
    ci: str | None = "t",
    confidence: float = 0.95,
    nan_policy: NanPolicy = "omit",
) -> MeanResult:
    r"""Average handle time (AHT): talk + hold + wrap-up per contact, in seconds.

    Parameters
    ----------
    talk : array_like
        Talk time of each contact: numbers of seconds or time spans.
    hold, wrap : array_like or float or timedelta
        Hold time and after-contact work (wrap-up) of each contact, aligned
        with ``talk``; one number or time span applies to every contact.
        Both default to 0.
    weights : array_like, optional
        Non-negative weights aligned with the contacts.
    ci : {'t', None}
        Interval method: Student t.
    confidence : float
        Confidence level in (0, 1).
    nan_policy : {'omit', 'raise', 'propagate'}
        How to treat missing values; a contact with any of its three times
        missing is missing.

    Returns
    -------
    MeanResult
        ``value`` (seconds), ``n`` (contacts), ``std``, ``ci``,
        ``n_missing``, ``effective_n``, ``total_weight``; label ``"AHT"``.

    Raises
    ------
    InputError
        Negative or infinite times; misaligned lengths; bad weights; no
        valid contacts.

    Notes
    -----
    .. math::

        \mathrm{AHT} = \frac{\sum_i w_i\,(\mathit{talk}_i + \mathit{hold}_i
        + \mathit{wrap}_i)}{\sum_i w_i}

    with the Student t interval of a mean, as for
    `average_speed_of_answer`. AHT feeds staffing: see
    `cxmetrics.erlang_c` and `cxmetrics.required_agents`.

    Examples
    --------
    Four calls, each with 30 seconds of wrap-up:

    >>> import cxmetrics as cx
    >>> talk = [240, 300, 180, 420]
    >>> print(cx.average_handle_time(talk, hold=[0, 60, 0, 30], wrap=30))
    AHT 337.50 (95% CI 145.07 to 529.93, Student t), n=4
    """
    plan = _aht_plan(ci=ci, confidence=confidence, nan_policy=nan_policy)
    result: MeanResult = plan.result(
        {"talk": talk, "hold": hold, "wrap": wrap, "weights": weights}
    )
    return result


def _sla_plan(*, ci: object, confidence: object, nan_policy: object) -> Plan:
    func = "sla_attainment"
    estimator = rate_estimator(
        func, ci, confidence, label="SLA attainment", pending=True
    )
    nouns = RowNouns(
        noun="items",
        counted="decided items",
        empty=lambda kept: (
            f"all {format_count(kept)} items are pending (open and within their "
            "targets); none has met or missed its SLA yet"
        ),
    )

    def rows(data: Mapping[str, Any]) -> Rows:
        items = _read_items(
            func, data["durations"], data["targets"], data.get("pending")
        )
        _check_not_empty(func, "durations", items.taken)
        success, counted, undecided = _sla_outcomes(
            items.taken, items.goal, items.is_open
        )
        return Rows(
            size=items.taken.size,
            missing=items.missing,
            counted=counted,
            flags=success,
            pending=undecided,
        )

    return rows_plan(func, estimator, rows, nouns=nouns, nan_policy=nan_policy)


@segmentable(
    _sla_plan,
    data=("durations", "targets"),
    column_options=("pending", "weights"),
    scalar_or_column=("targets",),
)
def sla_attainment(
    durations: Durations,
    targets: Durations | Duration,
    *,
    pending: npt.ArrayLike | None = None,
    weights: npt.ArrayLike | None = None,
    ci: str | None = "wilson",
    confidence: float = 0.95,
    nan_policy: NanPolicy = "omit",
) -> RateResult:
    r"""SLA attainment: the share of items handled within their target time.

    Parameters
    ----------
    durations : array_like
        Time each item took (first response, resolution, ...): numbers or
        time spans. For an item still open (see ``pending``), its age so
        far.
    targets : array_like or float or timedelta
        Each item's target, aligned with ``durations`` (per priority or per
        customer tier, say), or one target for all. Numbers may be in any
        unit shared with ``durations``; a number stands for seconds when the
        other side is a time span.
    pending : array_like, optional
        Flags aligned with ``durations``: True (or 1) marks an item still
        open. An open item already past its target has breached its SLA and
        counts as a miss; one still within it is undecided and left out of
        ``n``, counted in ``n_pending``. Without ``pending`` every item is
        closed.
    weights : array_like, optional
        Non-negative weights aligned with the items.
    ci : {'wilson', 'agresti_coull', 'clopper_pearson', 'jeffreys', 'wald', None}
        Interval method.
    confidence : float
        Confidence level in (0, 1).
    nan_policy : {'omit', 'raise', 'propagate'}
        How to treat missing values; an item with a missing duration, target
        or pending flag is missing. A missing duration is not an open item:
        mark open items with ``pending`` and give their age.

    Returns
    -------
    RateResult
        ``value`` (share met), ``successes`` (items met), ``n`` (items
        decided: closed, or open and breached), ``ci``, ``n_missing``,
        ``n_pending``, ``effective_n``, ``total_weight``; label
        ``"SLA attainment"``.

    Raises
    ------
    InputError
        Negative or infinite durations or targets; pending flags other than
        booleans or 0/1; misaligned lengths; every item pending; bad
        weights; no valid items.

    Notes
    -----
    An item met its SLA when its duration :math:`d_i` is at most its target
    :math:`T_i`. With :math:`o_i = 1` for an open item,

    .. math::

        \text{decided}_i = 1 - o_i\,[d_i \le T_i], \qquad
        \text{attainment} = \frac{\sum_i w_i\,(1 - o_i)\,[d_i \le T_i]}
                                 {\sum_i w_i\,\text{decided}_i}.

    Open items within target are left out rather than counted as met: they
    may still go either way, so counting them would flatter a period that is
    still running. Open items past target are counted, because they have
    missed whatever happens next. ``n_pending`` says how many items the
    figure is still waiting for.

    Examples
    --------
    Six tickets against a 4-hour resolution target; the last two are still
    open, one at 5 hours (breached) and one at 1 hour (undecided):

    >>> import cxmetrics as cx
    >>> hours = [1.5, 3.0, 4.0, 6.5, 5.0, 1.0]
    >>> result = cx.sla_attainment(hours, 4.0, pending=[0, 0, 0, 0, 1, 1])
    >>> print(result)
    SLA attainment 60.0% (95% CI 23.1% to 88.2%, Wilson), n=5, 1 pending
    """
    plan = _sla_plan(ci=ci, confidence=confidence, nan_policy=nan_policy)
    result: RateResult = plan.result(
        {
            "durations": durations,
            "targets": targets,
            "pending": pending,
            "weights": weights,
        }
    )
    return result
