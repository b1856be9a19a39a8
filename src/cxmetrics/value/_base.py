"""Shared machinery of the customer-value models.

Input validation of customer histories, the maximum-likelihood fit on
log-parameters (several starting points, an honest convergence verdict,
standard errors from the observed information) and the parts every model
record shares (printing, the dict, the notebook table).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeAlias, TypeVar

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics._retention_inputs import to_numbers as _to_numbers
from cxmetrics._validation import (
    InputError,
    check_option,
    check_same_index,
    format_count,
    format_examples,
)
from cxmetrics.results import _Record

__all__ = [
    "FITTED_NAN_POLICIES",
    "FittedModel",
    "FloatArray",
    "Histories",
    "Objective",
    "Optimum",
    "as_output",
    "blockwise",
    "by_frequency",
    "check_frequency",
    "check_histories",
    "check_period",
    "complete_rows",
    "distinct_pairs",
    "distinct_values",
    "fit_histories",
    "from_params",
    "histories",
    "maximize",
    "model_fields",
    "numbers",
    "require_repeat_purchases",
    "weighted_sum",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]

#: The missing-value policies of the fits ("propagate" would make the whole
#: fit NaN, which no analysis wants).
FITTED_NAN_POLICIES = ("omit", "raise")

#: An objective: log-parameters and the derivative order wanted (0, 1 or 2)
#: -> the mean negative log-likelihood per customer, its gradient and its
#: Hessian (None when not asked for, or not available analytically).
Objective: TypeAlias = Callable[
    [FloatArray, int], tuple[float, FloatArray | None, FloatArray | None]
]


# ---------------------------------------------------------------------------
# Input


def numbers(func: str, name: str, value: object) -> tuple[FloatArray, bool]:
    """``value`` as a float array (any shape) and whether it was a scalar."""
    if isinstance(value, pd.DataFrame):
        raise InputError(
            f"{func}: {name} must be a number or an array of numbers; got a DataFrame"
        )
    return _to_numbers(func, name, value)


def as_output(values: FloatArray, scalar: bool) -> Any:
    """A float for scalar inputs, else the array."""
    return float(values) if scalar else values


def _broken(func: str, name: str, values: FloatArray, mask: Any, rule: str) -> None:
    """Raise naming how many ``values`` break ``rule`` and a few of them."""
    if np.any(mask):
        mask = np.broadcast_to(mask, values.shape)
        bad = values[mask]
        raise InputError(
            f"{func}: {format_count(int(bad.size))} of {format_count(values.size)} "
            f"{name} values {rule} ({format_examples(bad.ravel())})"
        )


def _finite_and_not_negative(values: FloatArray) -> bool:
    """Whether every value is in [0, inf), missing values aside (two reductions)."""
    low = np.fmin.reduce(values, axis=None, initial=np.inf)
    high = np.fmax.reduce(values, axis=None, initial=-np.inf)
    return bool(low >= 0) and bool(high < np.inf)


def _check_finite_and_not_negative(func: str, name: str, values: FloatArray) -> None:
    if not _finite_and_not_negative(values):
        _broken(func, name, values, np.isinf(values), "are infinite")
        _broken(func, name, values, values < 0, "are negative")


def check_frequency(func: str, frequency: FloatArray) -> None:
    _check_finite_and_not_negative(func, "frequency", frequency)
    fractional = np.floor(frequency) != frequency
    if fractional.any():
        _broken(
            func,
            "frequency",
            frequency,
            fractional & ~np.isnan(frequency),
            "are not whole numbers (frequency counts repeat purchases)",
        )


def _follow_the_rules(
    frequency: FloatArray, recency: FloatArray, T: FloatArray
) -> bool:
    """Whether every history follows the rules of `check_histories`, in one sweep.

    Block by block (so that the tests find their operands in the cache):
    no value negative or infinite, whole frequencies, recency at most T and
    above 0 exactly where the frequency is. False also when a value is
    missing: the full checks, which let missing values pass, then decide.
    """
    flat = [np.ravel(a) for a in (frequency, recency, T)]
    for part in _blocks(flat[0].size):
        x, tx, T_ = (a[part] for a in flat)
        if not (
            all(_finite_and_not_negative(a) for a in (x, tx, T_))
            and np.array_equal(np.floor(x), x)
            and not np.any(tx > T_)
            and np.array_equal(x > 0, tx > 0)
        ):
            return False
    return True


def check_histories(
    func: str,
    frequency: FloatArray,
    recency: FloatArray,
    T: FloatArray,
) -> None:
    """The rules of a purchase history, on broadcast arrays (NaN passes).

    ``frequency`` is a whole number >= 0; ``0 <= recency <= T``; recency
    is 0 exactly when frequency is 0 (the first purchase starts the clock,
    so a repeat purchase comes after it).
    """
    if _follow_the_rules(frequency, recency, T):
        return
    check_frequency(func, frequency)
    _check_finite_and_not_negative(func, "recency", recency)
    _check_finite_and_not_negative(func, "T", T)
    after = recency > T
    if after.any():
        shown = np.broadcast_to(recency, after.shape)[after]
        limit = np.broadcast_to(T, after.shape)[after]
        pairs = [f"{a:g} > {b:g}" for a, b in zip(shown[:3], limit[:3], strict=True)]
        raise InputError(
            f"{func}: {format_count(int(after.sum()))} of {format_count(after.size)} "
            f"recency values are greater than T ({', '.join(pairs)}); the last "
            "purchase cannot come after the end of the observation"
        )
    if not np.any(np.not_equal(frequency > 0, recency > 0)):
        return  # recency is above 0 exactly where frequency is
    _broken(
        func,
        "recency",
        recency,
        (frequency > 0) & (recency == 0),
        "are 0 where frequency is above 0; a repeat purchase comes after the "
        "first purchase, so its recency is above 0",
    )
    _broken(
        func,
        "recency",
        recency,
        (frequency == 0) & (recency > 0),
        "are above 0 where frequency is 0; recency is 0 for customers without "
        "repeat purchases",
    )


@attrs.frozen
class Histories:
    """Validated purchase histories for a fit: one row per distinct history.

    ``weights`` counts the customers of each row; rows of weight 0 and rows
    with a missing value (``nan_policy="omit"``) are already left out.
    """

    frequency: FloatArray
    recency: FloatArray
    T: FloatArray
    weights: FloatArray
    n: int
    n_missing: int


def _vector(func: str, name: str, value: object) -> FloatArray:
    array, _ = numbers(func, name, value)
    if array.ndim != 1:
        raise InputError(
            f"{func}: {name} must be one-dimensional; got shape {array.shape}"
        )
    return array


def fit_histories(
    func: str,
    columns: Sequence[tuple[str, object]],
    *,
    weights: object,
    nan_policy: object,
) -> tuple[list[FloatArray], FloatArray, int, int]:
    """Aligned one-dimensional columns and whole-number weights for a fit.

    Returns the columns and the weights with missing rows (under
    ``nan_policy="omit"``) and rows of weight 0 left out, the number of
    customers (the sum of the weights) and the number of customers left
    out for a missing value.
    """
    check_option(func, "nan_policy", nan_policy, FITTED_NAN_POLICIES)
    check_same_index(func, {**dict(columns), "weights": weights})
    arrays = [_vector(func, name, value) for name, value in columns]
    first_name, first = columns[0][0], arrays[0]
    for (name, _), array in zip(columns[1:], arrays[1:], strict=True):
        if array.size != first.size:
            raise InputError(
                f"{func}: {name} has {format_count(array.size)} values but there "
                f"are {format_count(first.size)} {first_name} values; they must "
                "align one to one"
            )
    if weights is None:
        w = np.ones(first.size)
    else:
        w = _vector(func, "weights", weights)
        if w.size != first.size:
            raise InputError(
                f"{func}: weights has {format_count(w.size)} values but there are "
                f"{format_count(first.size)} customers' rows; they must align "
                "one to one"
            )
        _broken(func, "weights", w, ~np.isfinite(w), "are missing or infinite")
        _broken(func, "weights", w, w < 0, "are negative")
        _broken(
            func,
            "weights",
            w,
            np.floor(w) != w,
            "are not whole numbers (a weight counts the customers of a row)",
        )
    if first.size == 0:
        raise InputError(f"{func}: {first_name} is empty")
    missing = np.logical_or.reduce([np.isnan(a) for a in arrays])
    n_missing = 0
    if missing.any():
        n_missing = int(w[missing].sum())
        if nan_policy == "raise":
            names = [name for (name, _), a in zip(columns, arrays, strict=True)]
            counts = [int(np.isnan(a).sum()) for a in arrays]
            listed = ", ".join(
                f"{c:,} {n}" for n, c in zip(names, counts, strict=True) if c
            )
            raise InputError(
                f"{func}: missing values ({listed}) and nan_policy='raise'"
            )
    keep = ~missing & (w > 0)
    if not keep.all():
        arrays = [a[keep] for a in arrays]
        w = w[keep]
    n = int(w.sum())
    if n < 2:
        raise InputError(
            f"{func}: a fit needs at least two customers; got {n} after "
            f"{format_count(n_missing)} with missing values were left out"
            if n_missing
            else f"{func}: a fit needs at least two customers; got {n}"
        )
    return arrays, w, n, n_missing


def distinct_values(values: FloatArray) -> tuple[FloatArray, IntArray]:
    """The distinct ``values`` (in order of appearance) and a code per value.

    ``values`` has no missing value; ``distinct[codes]`` equals ``values``.
    A hash table, not a sort, so the cost grows with the number of values
    and not with its logarithm too. It hashes the bits of each float, which
    is faster than hashing floats: 0.0 and -0.0 then get two codes, a value
    computed twice at worst.
    """
    codes, bits = pd.factorize(np.ascontiguousarray(values).view(np.int64))
    return np.asarray(bits).view(np.float64), np.asarray(codes, dtype=np.int64)


def distinct_pairs(
    whole: FloatArray, other: FloatArray
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Codes of the (whole, other) pairs and the pairs they stand for.

    ``whole`` holds small whole numbers (frequencies), ``other`` any
    numbers, neither missing. Returns ``codes`` (one per value) and pairs
    such that ``f(pairs)[codes]`` equals ``f(whole, other)``: a costly
    function of the two is computed once per pair. When every combination
    of the distinct values of both is few next to the values, the pairs
    are all those combinations and the code is computed directly;
    otherwise they are the distinct pairs present.
    """
    other_values, other_codes = distinct_values(other)
    width = int(whole.max()) + 1 if whole.size else 1
    key = other_codes * width
    np.add(key, whole, out=key, casting="unsafe")  # whole numbers as they are
    size = other_values.size * width
    if size <= key.size // 16 + 1024:
        firsts = np.arange(size)
        codes = key
    elif size <= 4 * key.size + 1024:
        present = np.zeros(size, dtype=bool)
        present[key] = True
        firsts = np.flatnonzero(present)
        renumber = np.cumsum(present) - 1
        codes = renumber[key]
    else:  # many distinct values of both: sort instead
        firsts, codes = np.unique(key, return_inverse=True)
    pair_other = other_values[firsts // width]
    pair_whole = (firsts % width).astype(np.float64)
    return codes, pair_whole, pair_other


def by_frequency(
    values_of: Callable[[FloatArray], FloatArray], frequency: FloatArray
) -> FloatArray:
    """``values_of(frequency)``, computed once per frequency up to the largest.

    ``frequency`` holds whole numbers >= 0, none missing. A function of the
    frequency alone is worked out on 0, 1, ..., max and looked up, unless
    that table would be longer than the data. The result is a new array.
    """
    top = int(frequency.max()) if frequency.size else 0
    if top > max(1024, frequency.size):
        return np.array(values_of(frequency), dtype=np.float64)
    table = values_of(np.arange(top + 1, dtype=np.float64))
    return np.asarray(np.take(table, frequency.astype(np.intp)), dtype=np.float64)


#: Values per block of `blockwise`: a block's temporaries (eight bytes a
#: value each) stay in the processor's cache.
BLOCK = 2**16


def blockwise(
    compute: Callable[..., FloatArray], *columns: npt.NDArray[Any]
) -> FloatArray:
    """``compute(*columns)``, computed on consecutive blocks of values.

    ``compute`` works value by value (element-wise), on columns of one
    shape. A chain of array operations on millions of values runs at the
    speed of memory, each step reading and writing arrays far larger than
    the cache; on blocks of `BLOCK` values the steps after the first find
    their operands in the cache.
    """
    shape = columns[0].shape
    if columns[0].size <= BLOCK:
        return compute(*columns)
    flat = [np.ravel(c) for c in columns]
    out = np.empty(flat[0].size)
    for part in _blocks(out.size):
        out[part] = compute(*(c[part] for c in flat))
    return out.reshape(shape)


def _blocks(size: int) -> list[slice]:
    """Consecutive slices of `BLOCK` values covering ``size`` values."""
    return [slice(start, start + BLOCK) for start in range(0, size, BLOCK)]


def complete_rows(
    compute: Callable[..., FloatArray], *columns: FloatArray
) -> FloatArray:
    """``compute(*columns)`` where no column is missing, NaN where one is.

    The columns have one shape. Without a missing value (the usual case,
    told by a sum in one pass) ``compute`` sees the columns as they are,
    made one-dimensional if they are scalars, so that it always gets arrays
    and may work in place.
    """
    shape = columns[0].shape
    if not shape:
        return complete_rows(compute, *(c.reshape(1) for c in columns)).reshape(shape)
    if np.isfinite(sum(float(np.sum(c)) for c in columns)):
        return compute(*columns)
    complete = ~np.logical_or.reduce([np.isnan(c) for c in columns])
    out = np.full(columns[0].shape, np.nan)
    out[complete] = compute(*(c[complete] for c in columns))
    return out


# ---------------------------------------------------------------------------
# Maximum likelihood


def weighted_sum(weights: npt.NDArray[Any], values: npt.NDArray[Any]) -> float:
    """The sum of ``weights * values`` over one dimension, without BLAS.

    A matrix product of two long vectors goes to the BLAS dot product, which
    OpenBLAS splits over threads; on a machine whose cores are busy with
    other work a thread waits for a core, and a dot product of a hundred
    thousand values takes milliseconds instead of microseconds. The
    likelihoods sum many such products per step, so they use numpy's own
    loop, which runs in the calling thread.
    """
    return float(np.einsum("i,i->", weights, values))


@attrs.frozen
class Optimum:
    """The best point found and the verdict on it."""

    theta: FloatArray  # log-parameters
    log_likelihood: float  # total, over all customers
    covariance: FloatArray  # of the natural parameters; NaN when not available
    converged: bool
    message: str
    iterations: int


#: Largest component of the mean gradient (per customer, on log-parameters)
#: accepted at a maximum.
_GRADIENT_TOLERANCE = 1e-5
#: |log-parameter| beyond which a parameter is taken to run off to 0 or infinity.
_RUNAWAY = 23.0


def _hessian_by_differences(objective: Objective, theta: FloatArray) -> FloatArray:
    """Central differences of the analytic gradient."""
    size = theta.size
    hessian = np.empty((size, size))
    for j in range(size):
        step = 1e-5 * max(1.0, abs(float(theta[j])))
        up, down = theta.copy(), theta.copy()
        up[j] += step
        down[j] -= step
        g_up = objective(up, 1)[1]
        g_down = objective(down, 1)[1]
        assert g_up is not None
        assert g_down is not None
        hessian[:, j] = (g_up - g_down) / (2.0 * step)
    return np.asarray(0.5 * (hessian + hessian.T), dtype=np.float64)


def _verdict(
    names: Sequence[str],
    theta: FloatArray,
    value: float,
    gradient: FloatArray,
    hessian: FloatArray,
    optimizer_message: str,
) -> tuple[bool, str]:
    """Whether ``theta`` is a proper maximum, and if not, why not."""
    if not (np.isfinite(value) and np.isfinite(theta).all()):
        return False, "the log-likelihood is not finite at the best point found"
    runaway = np.abs(theta) > _RUNAWAY
    if runaway.any():
        j = int(np.argmax(np.abs(theta)))
        towards = "infinity" if theta[j] > 0 else "0"
        return False, (
            f"{names[j]} runs off towards {towards} ({math.exp(theta[j]):.3g}): "
            "the likelihood keeps rising at the edge of the parameter space, so "
            "these data do not pin the model down"
        )
    largest = float(np.max(np.abs(gradient)))
    if not largest <= _GRADIENT_TOLERANCE:
        return False, (
            f"the optimizer stopped where the gradient is not zero (largest "
            f"component {largest:.2g}): {optimizer_message}"
        )
    if not np.isfinite(hessian).all():
        return False, "the information matrix is not finite at the best point found"
    eigenvalues = np.linalg.eigvalsh(hessian)
    if not eigenvalues.min() > 1e-12 * max(1.0, float(eigenvalues.max())):
        return False, (
            "the information matrix is not positive definite at the best point "
            "found: some parameter, or combination of them, is not identified by "
            "these data"
        )
    return True, "converged"


def maximize(
    objective: Objective,
    starts: Sequence[Sequence[float]],
    *,
    names: Sequence[str],
    n: int,
    analytic_hessian: bool,
) -> Optimum:
    """Maximize a log-likelihood over log-parameters from several starts.

    Every start (natural parameters) is scored by the log-likelihood; the
    optimizer runs from the best, and from the next best while a run does
    not end at a proper maximum (zero gradient, positive definite
    information, no parameter running off to 0 or infinity), at most three
    runs. The best run is returned with its verdict. Standard errors come
    from the observed information (the Hessian of the log-likelihood at
    the optimum: analytic, or central differences of the analytic
    gradient), carried to the natural parameters by the delta method.
    """
    from scipy import optimize

    thetas = [np.log(np.asarray(s, dtype=np.float64)) for s in starts]
    scores = [objective(t, 0)[0] for t in thetas]
    order = sorted(
        range(len(thetas)),
        key=lambda i: scores[i] if np.isfinite(scores[i]) else np.inf,
    )
    cache: dict[bytes, tuple[float, FloatArray | None, FloatArray | None]] = {}

    def evaluate(theta: FloatArray) -> tuple[float, Any, Any]:
        """Value and derivatives at ``theta``, kept for the next call at it."""
        key = theta.tobytes()
        hit = cache.get(key)
        if hit is None:
            hit = objective(theta, 2 if analytic_hessian else 1)
            cache.clear()
            cache[key] = hit
        return hit

    best: Optimum | None = None
    best_value = np.inf
    for index in order[:3]:
        with np.errstate(all="ignore"):
            result = optimize.minimize(
                lambda t: evaluate(t)[0],
                thetas[index],
                jac=lambda t: evaluate(t)[1],
                hess=(lambda t: evaluate(t)[2]) if analytic_hessian else None,
                method="trust-exact" if analytic_hessian else "BFGS",
                options={"gtol": 1e-9, "maxiter": 200 if analytic_hessian else 500},
            )
            theta = np.asarray(result.x, dtype=np.float64)
            value, gradient, hessian = evaluate(theta)
            if not analytic_hessian:
                hessian = _hessian_by_differences(objective, theta)
        assert gradient is not None
        assert hessian is not None
        converged, message = _verdict(
            names, theta, value, gradient, hessian, str(result.message)
        )
        covariance = np.full((theta.size, theta.size), np.nan)
        if converged:
            scale = np.exp(theta)
            covariance = np.linalg.inv(hessian * n) * np.outer(scale, scale)
            covariance = 0.5 * (covariance + covariance.T)
        found = Optimum(
            theta=theta,
            log_likelihood=-value * n,
            covariance=covariance,
            converged=converged,
            message=message,
            iterations=int(result.get("nit", 0)),
        )
        if converged:
            return found
        if best is None or value < best_value:
            best, best_value = found, value
    assert best is not None
    return best


# ---------------------------------------------------------------------------
# The fitted model records


def _format_estimate(value: float, error: float) -> str:
    text = f"{value:.4g}"
    return text if math.isnan(error) else f"{text} (SE {error:.3g})"


@attrs.frozen(kw_only=True, eq=False)
class FittedModel(_Record):
    """What every fitted customer-value model records.

    Attributes
    ----------
    params : dict of str to float
        The maximum-likelihood estimates.
    standard_errors : dict of str to float
        Their standard errors from the observed information (the Hessian
        of the log-likelihood at the optimum), on the natural scale by the
        delta method; NaN when the fit did not converge.
    log_likelihood : float
        The maximized log-likelihood, in full (not up to a constant).
    n : int
        Customers fitted (the sum of the weights).
    converged : bool
        Whether the optimizer ended at a proper maximum: zero gradient,
        positive definite information, no parameter running off to 0 or
        infinity.
    message : str
        ``"converged"``, or why the fit did not converge.
    covariance : numpy.ndarray
        Covariance matrix of the estimates, in the order of ``params``.
    n_missing : int
        Customers left out for a missing value.
    iterations : int
        Optimizer iterations of the run kept.
    """

    params: dict[str, float]
    standard_errors: dict[str, float]
    log_likelihood: float
    n: int
    converged: bool
    message: str = "converged"
    covariance: FloatArray = attrs.field(repr=False)
    n_missing: int = 0
    iterations: int = 0

    _label: ClassVar[str] = "Model"

    def __str__(self) -> str:
        estimates = ", ".join(
            f"{name} {_format_estimate(value, self.standard_errors[name])}"
            for name, value in self.params.items()
        )
        text = (
            f"{self._label}: {estimates}; log-likelihood "
            f"{self.log_likelihood:,.2f}, n={self.n:,}"
        )
        if self.n_missing:
            text += f", {self.n_missing:,} missing"
        if not self.converged:
            text += f"; NOT CONVERGED: {self.message}"
        return text


def model_fields(
    names: Sequence[str], optimum: Optimum, *, n: int, n_missing: int
) -> dict[str, Any]:
    """The common fields of a model record from a fit's optimum."""
    values = np.exp(optimum.theta)
    errors = np.sqrt(np.diag(optimum.covariance))
    covariance = optimum.covariance.copy()
    covariance.flags.writeable = False
    return {
        "params": {k: float(v) for k, v in zip(names, values, strict=True)},
        "standard_errors": {k: float(e) for k, e in zip(names, errors, strict=True)},
        "log_likelihood": float(optimum.log_likelihood),
        "n": n,
        "converged": optimum.converged,
        "message": optimum.message,
        "covariance": covariance,
        "n_missing": n_missing,
        "iterations": optimum.iterations,
    }


# ---------------------------------------------------------------------------
# Inputs of the model methods


def check_period(func: str, period: FloatArray) -> None:
    """Lengths of time ahead: finite and >= 0 (NaN passes)."""
    _broken(func, "t", period, np.isinf(period), "are infinite")
    _broken(func, "t", period, period < 0, "are negative")


def histories(
    func: str, frequency: Any, recency: Any, T: Any, **others: Any
) -> tuple[FloatArray, FloatArray, FloatArray, bool]:
    """Checked histories, broadcast together, and whether all were scalars.

    Pandas objects among them and ``others`` (such as ``t``) must share one
    index.
    """
    check_same_index(
        func, {"frequency": frequency, "recency": recency, "T": T, **others}
    )
    if any(v is None for v in (frequency, recency, T)):
        raise InputError(
            f"{func}: give frequency, recency and T together (or none of them "
            "for a customer just acquired)"
        )
    x, sx = numbers(func, "frequency", frequency)
    tx, st = numbers(func, "recency", recency)
    T_, sT = numbers(func, "T", T)
    try:
        x, tx, T_ = np.broadcast_arrays(x, tx, T_)
    except ValueError:
        raise InputError(
            f"{func}: frequency, recency and T of shapes {x.shape}, {tx.shape} "
            f"and {T_.shape} do not broadcast together"
        ) from None
    check_histories(func, x, tx, T_)
    return x, tx, T_, sx and st and sT


def require_repeat_purchases(func: str, x: FloatArray) -> None:
    """Refuse data without a single repeat purchase: the rates are not identified."""
    if not (x > 0).any():
        raise InputError(
            f"{func}: no customer has a repeat purchase (every frequency is 0), "
            "so nothing tells how often customers buy; the model cannot be fitted"
        )


Model = TypeVar("Model", bound=FittedModel)


def from_params(cls: type[Model], params: dict[str, float]) -> Model:
    """A model record with given parameters and nothing fitted."""
    bad = {k: v for k, v in params.items() if not (np.isfinite(v) and v > 0)}
    if bad:
        shown = ", ".join(f"{k}={v!r}" for k, v in bad.items())
        raise InputError(
            f"{cls.__name__}.from_params: parameters must be positive numbers; "
            f"got {shown}"
        )
    size = len(params)
    covariance = np.full((size, size), np.nan)
    covariance.flags.writeable = False
    return cls(
        params={k: float(v) for k, v in params.items()},
        standard_errors=dict.fromkeys(params, np.nan),
        log_likelihood=np.nan,
        n=0,
        converged=True,
        message="parameters given, not fitted",
        covariance=covariance,
    )
