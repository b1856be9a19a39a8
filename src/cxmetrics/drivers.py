r"""Key driver analysis: how much of an outcome's variance each driver explains.

"What drives our NPS?" is answered by a linear model of the outcome (the
0-10 score, a CSAT rating) on the drivers (ratings of product, agent,
speed, ...), and a fair split of its :math:`R^2` among them. Drivers of a
survey are correlated with one another, so regression coefficients and
simple correlations both mislead; the two decompositions here split
:math:`R^2` into shares that add up to it.

- Shapley values of :math:`R^2`, known as LMG (Lindeman, Merenda and Gold
  1980) or general dominance: each driver's gain in :math:`R^2` when it
  joins a model, averaged over every order in which the drivers can join.
  Exact, over all :math:`2^p` subsets of drivers.
- Johnson's (2000) relative weights: the outcome regressed on the
  orthogonal counterparts of the drivers, whose contributions are shared
  back by the drivers' loadings on them. One eigen-decomposition, any
  number of drivers, and close to Shapley in practice.

Both work on the correlation matrix of the outcome and the drivers, never
on the rows again: one pass over the rows gives the matrix, and the
:math:`R^2` of every subset of drivers comes from it.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import Final, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics._scale import labelled_points
from cxmetrics._validation import (
    NAN_POLICIES,
    InputError,
    check_columns,
    check_confidence,
    check_option,
    check_resamples,
    check_weights,
    column_list,
    format_count,
    format_examples,
    make_rng,
    to_float_array,
    weights_of_frame,
)

__all__ = ["key_drivers"]

FloatArray: TypeAlias = npt.NDArray[np.float64]

KEY_DRIVER_METHODS: Final = ("shapley", "relative_weights")
#: The most drivers the exact Shapley decomposition takes: 2**15 subsets.
SHAPLEY_LIMIT: Final = 15
#: Floats held at once by the subset search (resamples are taken in chunks).
_CHUNK_FLOATS: Final = 4_000_000
#: Floats of per-row moment terms kept for the whole bootstrap (else rebuilt).
_TERMS_FLOATS: Final = 16_000_000
#: Smallest eigenvalue, relative to the largest, of a usable driver correlation.
_COLLINEAR: Final = 1e-10


def key_drivers(
    frame: pd.DataFrame,
    outcome: Hashable,
    drivers: Sequence[Hashable],
    *,
    method: str = "shapley",
    weights: npt.ArrayLike | Hashable | None = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    rng: np.random.Generator | int | None = None,
    nan_policy: str = "omit",
) -> pd.DataFrame:
    r"""Split the R² of a linear model of ``outcome`` among the ``drivers``.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per response.
    outcome : column name
        What is explained: the 0-10 NPS answer, a rating, any number.
    drivers : sequence of column names
        The explanatory ratings (numbers, booleans, or labelled ratings: an
        ordered Categorical of text, read as points 1..k).
    method : {'shapley', 'relative_weights'}
        ``'shapley'``: exact Shapley values of :math:`R^2` (LMG, general
        dominance), for up to 15 drivers. ``'relative_weights'``: Johnson's
        relative weights, for any number.
    weights : array_like or column name, optional
        Survey weights: the correlations are weighted.
    n_resamples : int
        Bootstrap resamples of the rows for the intervals.
    confidence : float
        Level of the percentile bootstrap intervals, in (0, 1).
    rng : int or numpy.random.Generator, optional
        Seed or generator for the bootstrap; the same seed gives the same
        intervals.
    nan_policy : {'omit', 'raise', 'propagate'}
        Rows with a missing outcome, driver or weight: left out and counted
        in ``attrs["n_missing"]`` (``'omit'``), an error (``'raise'``), or
        NaN results (``'propagate'``).

    Returns
    -------
    pandas.DataFrame
        One row per driver, in the order given: ``driver``, ``importance``
        (its share of :math:`R^2`, in :math:`R^2` units; they sum to
        :math:`R^2`), ``share`` (``importance / r_squared``), ``ci_low``,
        ``ci_high`` (percentile bootstrap interval of ``importance``) and
        ``rank`` (1 for the most important). ``attrs`` holds
        ``r_squared``, ``method``, ``n`` (rows used) and ``n_missing``.

    Raises
    ------
    InputError
        A column that is not in ``frame`` or holds no numbers; drivers
        given twice or including the outcome; more than 15 drivers for
        ``'shapley'``; an outcome without variance, a constant driver, or
        drivers that are perfectly collinear (each named, with the fix);
        fewer complete rows than drivers + 2; bad ``weights``, option or
        missing values under ``nan_policy='raise'``.

    Notes
    -----
    With the correlations :math:`R_{xx}` among the drivers and
    :math:`r_{xy}` with the outcome, a subset :math:`S` of drivers explains
    :math:`R^2(S) = r_{Sy}^\top R_{SS}^{-1} r_{Sy}`. Driver :math:`j`'s
    Shapley value is

    .. math::

        \phi_j = \sum_{S \subseteq D \setminus \{j\}}
        \frac{|S|!\,(p - |S| - 1)!}{p!}
        \left(R^2(S \cup \{j\}) - R^2(S)\right),

    and :math:`\sum_j \phi_j = R^2(D)`. The :math:`R^2` of all
    :math:`2^p` subsets come from the correlation matrix by extending a
    Cholesky factor one driver at a time, all subsets of one size (and all
    resamples) at once; the cost grows as :math:`2^p`, so the exact
    decomposition stops at 15 drivers. Johnson's weights take
    :math:`R_{xx} = V \Lambda V^\top`, :math:`\Lambda^{1/2}_{xx} = V
    \Lambda^{1/2} V^\top` (the drivers' loadings on their orthogonal
    counterparts), :math:`\beta = \Lambda_{xx}^{-1/2} r_{xy}`, and
    :math:`\epsilon_j = \sum_k (\Lambda^{1/2}_{xx})_{jk}^2 \beta_k^2`; they
    also sum to :math:`R^2`, and equal Genizi's (1993) decomposition (R
    relaimpo's ``"genizi"``). The intervals resample rows with replacement,
    ``n_resamples`` times, and recompute the decomposition from each
    resample's (weighted) correlation matrix; resamples where a driver is
    constant are left out.

    References
    ----------
    .. [1] Lindeman, R. H., Merenda, P. F., & Gold, R. Z. (1980).
       *Introduction to Bivariate and Multivariate Analysis*. Scott,
       Foresman.
    .. [2] Grömping, U. (2006). Relative importance for linear regression in
       R: the package relaimpo. *Journal of Statistical Software*, 17(1).
    .. [3] Johnson, J. W. (2000). A heuristic method for estimating the
       relative weight of predictor variables in multiple regression.
       *Multivariate Behavioral Research*, 35(1), 1-19.

    Examples
    --------
    What drives NPS in the sample survey?

    >>> import cxmetrics as cx
    >>> survey = cx.datasets.load_survey()
    >>> table = cx.key_drivers(
    ...     survey, "nps", ["product", "agent", "speed", "ease", "value"],
    ...     n_resamples=200, rng=1)
    >>> round(table.attrs["r_squared"], 3)
    0.345
    >>> table.round(3)
        driver  importance  share  ci_low  ci_high  rank
    0  product       0.151  0.437   0.133    0.178     1
    1    agent       0.071  0.206   0.058    0.088     2
    2    speed       0.058  0.168   0.044    0.073     3
    3     ease       0.048  0.140   0.037    0.062     4
    4    value       0.017  0.049   0.011    0.024     5

    The five ratings explain 35% of the variance of the 0-10 answer;
    product quality accounts for 44% of that, value for money for 5%.
    """
    func = "key_drivers"
    values, w, names, n_missing, propagate = _key_drivers_iv(
        frame, outcome, drivers, method, weights, nan_policy
    )
    resamples = check_resamples(func, n_resamples)
    level = check_confidence(func, confidence)
    generator = make_rng(func, rng)
    if propagate:
        nan = np.full(len(names), np.nan)
        return _table(names, nan, nan, nan, math.nan, method, len(values), n_missing)
    center = np.average(values, axis=0, weights=w)
    centered = values - center
    corr = _correlation(centered, w)
    _check_correlation(func, corr, names, str(outcome))
    importance, r_squared = _importance(corr[None], method)
    draws = _bootstrap(centered, w, method, resamples, generator)
    alpha = 1.0 - level
    low, high = np.nanquantile(draws, [alpha / 2.0, 1.0 - alpha / 2.0], axis=0)
    return _table(
        names,
        importance[0],
        low,
        high,
        float(r_squared[0]),
        method,
        len(values),
        n_missing,
    )


def _table(
    names: list[Hashable],
    importance: FloatArray,
    low: FloatArray,
    high: FloatArray,
    r_squared: float,
    method: str,
    n: int,
    n_missing: int,
) -> pd.DataFrame:
    with np.errstate(divide="ignore", invalid="ignore"):
        share = importance / r_squared
    rank = pd.Series(-importance).rank(method="min")
    table: pd.DataFrame = pd.DataFrame(
        {
            "driver": names,
            "importance": importance,
            "share": share,
            "ci_low": low,
            "ci_high": high,
            "rank": rank.astype("Int64") if rank.isna().any() else rank.astype(int),
        }
    )
    table.attrs.update(
        {"r_squared": r_squared, "method": method, "n": n, "n_missing": n_missing}
    )
    return table


# ---------------------------------------------------------------------------
# Input validation and standardization


def _key_drivers_iv(
    frame: object,
    outcome: object,
    drivers: object,
    method: object,
    weights: object,
    nan_policy: object,
) -> tuple[FloatArray, FloatArray, list[Hashable], int, bool]:
    """Check the call; the complete rows (outcome first), weights and names.

    Also how many rows were left out as missing, and whether a missing
    value propagates.
    """
    func = "key_drivers"
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"{func}: frame must be a pandas DataFrame; got {type(frame).__name__}"
        )
    check_option(func, "method", method, KEY_DRIVER_METHODS)
    check_option(func, "nan_policy", nan_policy, NAN_POLICIES)
    names = column_list(func, "drivers", drivers)
    if not names:
        raise InputError(f"{func}: drivers must name at least one column")
    twice = sorted({str(n) for n in names if names.count(n) > 1})
    if twice:
        raise InputError(f"{func}: drivers names {format_examples(twice)} twice")
    if outcome in names:
        raise InputError(
            f"{func}: the outcome {outcome!r} is also among the drivers; a driver "
            "cannot explain itself, so leave it out of drivers"
        )
    check_columns(func, frame, [outcome, *names], "column")
    if method == "shapley" and len(names) > SHAPLEY_LIMIT:
        raise InputError(
            f"{func}: {len(names)} drivers are more than the {SHAPLEY_LIMIT} that "
            f"method='shapley' can take (it fits all 2**{len(names)} subsets); use "
            "method='relative_weights', which takes any number, or group drivers"
        )
    if not len(frame.index):
        raise InputError(f"{func}: frame has no rows")
    columns = [_numbers(frame, name) for name in [outcome, *names]]
    values = np.column_stack(columns)
    w = _driver_weights(frame, weights)
    missing = np.isnan(values).any(axis=1) | np.isnan(w)
    count = int(missing.sum())
    if count and nan_policy == "raise":
        raise InputError(
            f"{func}: {format_count(count)} of {format_count(missing.size)} rows have "
            "a missing outcome, driver or weight and nan_policy='raise'"
        )
    propagate = bool(count) and nan_policy == "propagate"
    kept = ~missing & (w > 0)
    values, w = values[kept], w[kept]
    needed = len(names) + 2
    if not propagate and len(values) < needed:
        raise InputError(
            f"{func}: {format_count(len(values))} complete rows with a positive "
            f"weight for {len(names)} driver{'s' * (len(names) != 1)}; the "
            f"regression needs at least {needed} (drivers + 2)"
        )
    if np.isinf(values).any():
        raise InputError(f"{func}: outcome and drivers must be finite numbers")
    return values, w, names, count, propagate


def _numbers(frame: pd.DataFrame, name: Hashable) -> FloatArray:
    """A column as floats (missing as NaN); labelled ratings as points 1..k."""
    column = frame[name]
    points = labelled_points(column)
    if points is not None:
        return points
    return to_float_array(column, func="key_drivers", name=f"values of {name!r}")


def _driver_weights(frame: pd.DataFrame, weights: object) -> FloatArray:
    func = "key_drivers"
    raw = to_float_array(
        weights_of_frame(func, frame, weights), func=func, name="weights"
    )
    missing = np.isnan(raw)
    w = check_weights(
        np.where(missing, 0.0, raw), len(frame.index), func=func, name="rows"
    )
    return np.where(missing, np.nan, w)


def _check_correlation(
    func: str, corr: FloatArray, names: list[Hashable], outcome: str
) -> None:
    """Refuse an outcome without variance, constant and collinear drivers."""
    spread = np.diag(corr)
    if not spread[0] > 0:
        raise InputError(
            f"{func}: the outcome {outcome!r} has no variance in the rows used "
            "(every value is the same); there is nothing for drivers to explain"
        )
    constant = [names[i] for i in np.flatnonzero(~(spread[1:] > 0))]
    if constant:
        raise InputError(
            f"{func}: {format_count(len(constant))} driver"
            f"{'s are' if len(constant) != 1 else ' is'} constant in the rows used "
            f"({format_examples(constant)}); a constant explains nothing: drop it"
        )
    values, vectors = np.linalg.eigh(corr[1:, 1:])
    if values[0] <= _COLLINEAR * values[-1]:
        loading = np.abs(vectors[:, 0])
        involved = [names[i] for i in np.flatnonzero(loading > 1e-6 * loading.max())]
        raise InputError(
            f"{func}: {len(involved)} drivers are perfectly collinear, one a linear "
            "combination of the others (e.g. a total of the rest): "
            f"{', '.join(repr(name) for name in involved)}; drop one of them"
        )


# ---------------------------------------------------------------------------
# Correlations and the decompositions


def _correlation(centered: FloatArray, w: FloatArray) -> FloatArray:
    """The weighted correlation matrix; a variable without spread has 0 on its row.

    ``centered`` holds the columns minus their weighted means.
    """
    total = w.sum()
    covariance = (centered * (w / total)[:, None]).T @ centered
    corr: FloatArray = _standardized(covariance[None])[0]
    return corr


def _standardized(covariance: FloatArray) -> FloatArray:
    """Correlations from covariance matrices (the last two axes)."""
    spread = np.sqrt(np.maximum(np.diagonal(covariance, axis1=-2, axis2=-1), 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(spread > 0, 1.0 / spread, 0.0)
    corr = covariance * scale[..., :, None] * scale[..., None, :]
    # Exactly 1 on the diagonal of every variable with spread.
    index = np.arange(corr.shape[-1])
    corr[..., index, index] = np.where(spread > 0, 1.0, 0.0)
    return np.asarray(corr, dtype=np.float64)


def _importance(corr: FloatArray, method: str) -> tuple[FloatArray, FloatArray]:
    """Each driver's importance and R², for a stack of correlation matrices.

    ``corr[b]`` holds the outcome first; matrices with a constant driver
    give NaN.
    """
    if method == "relative_weights":
        return _relative_weights(corr)
    return _shapley(corr)


def _relative_weights(corr: FloatArray) -> tuple[FloatArray, FloatArray]:
    rxx = corr[:, 1:, 1:]
    rxy = corr[:, 1:, 0]
    values, vectors = np.linalg.eigh(rxx)
    with np.errstate(invalid="ignore", divide="ignore"):
        root = np.sqrt(values)
        loadings = (vectors * root[:, None, :]) @ np.swapaxes(vectors, 1, 2)
        projected = np.swapaxes(vectors, 1, 2) @ rxy[..., None]
        beta = (vectors @ (projected / root[..., None]))[..., 0]
    weights = (loadings**2) @ (beta**2)[..., None]
    return weights[..., 0], np.sum(beta**2, axis=1)


def _subset_r_squared(corr: FloatArray) -> FloatArray:
    """R² of every subset of drivers, by bitmask: ``out[b, mask]``.

    The Cholesky factor of a subset's correlations extends by one row when
    a driver joins: with ``W = L^-1 R[S, :]`` (every variable, forward-
    substituted), driver j adds the row ``(R[j, :] - l W) / d`` with
    ``l = W[:, j]`` and ``d = sqrt(1 - |l|^2)``, and R² grows by the square
    of that row's outcome entry. Subsets grow from their largest driver
    up, so each is made once, all subsets of one size together.
    """
    stack, q, _ = corr.shape
    p = q - 1
    out = np.zeros((stack, 1 << p))
    masks = np.left_shift(1, np.arange(p))
    last = np.arange(p)
    rows = corr[:, 1:, :][:, :, None, :]  # (stack, subsets, size, variables)
    r2 = rows[..., 0, 0] ** 2
    out[:, masks] = r2
    for _ in range(1, p):
        grow = p - 1 - last  # drivers above each subset's largest
        parent = np.repeat(np.arange(masks.size), grow)
        # Each parent's children add its drivers last + 1, ..., p - 1.
        within = np.arange(parent.size) - np.repeat(np.cumsum(grow) - grow, grow)
        driver = last[parent] + 1 + within
        prefix = rows[:, parent]
        # The new driver's forward-substituted column: (stack, children, size).
        column = np.moveaxis(prefix[:, np.arange(parent.size), :, driver + 1], 0, 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            pivot = np.sqrt(1.0 - np.sum(column * column, axis=-1))
            new = (
                corr[:, driver + 1, :] - (column[..., None, :] @ prefix)[..., 0, :]
            ) / pivot[..., None]
        rows = np.concatenate([prefix, new[:, :, None, :]], axis=2)
        r2 = r2[:, parent] + new[..., 0] ** 2
        masks = masks[parent] | np.left_shift(1, driver)
        last = driver
        out[:, masks] = r2
    return out


def _shapley(corr: FloatArray) -> tuple[FloatArray, FloatArray]:
    p = corr.shape[1] - 1
    r2 = _subset_r_squared(corr)
    masks = np.arange(1 << p)
    size = np.zeros(masks.size, dtype=np.int64)
    for j in range(p):
        size += (masks >> j) & 1
    factorial = np.array([math.factorial(k) for k in range(p + 1)], dtype=np.float64)
    weight = factorial[:p] * factorial[p - 1 :: -1][:p] / factorial[p]
    importance = np.empty((corr.shape[0], p))
    for j in range(p):
        without = masks[(masks >> j) & 1 == 0]
        gain = r2[:, without | (1 << j)] - r2[:, without]
        importance[:, j] = gain @ weight[size[without]]
    return importance, r2[:, -1]


# ---------------------------------------------------------------------------
# The bootstrap


def _bootstrap(
    centered: FloatArray,
    w: FloatArray,
    method: str,
    n_resamples: int,
    rng: np.random.Generator,
) -> FloatArray:
    """Importances of ``n_resamples`` resamples of the rows (with replacement).

    The decompositions run on all the resamples' correlation matrices at
    once, in chunks; resamples where a driver is constant give NaN.
    """
    corr = _standardized(_resampled_covariances(centered, w, n_resamples, rng))
    q = centered.shape[1]
    p = q - 1
    per_matrix = (1 << p) * (p + 1) * q if method == "shapley" else q * q
    chunk = max(1, _CHUNK_FLOATS // per_matrix)
    draws = np.empty((n_resamples, p))
    for start in range(0, n_resamples, chunk):
        block = corr[start : start + chunk]
        importance, _ = _importance(block, method)
        usable = np.all(np.diagonal(block, axis1=1, axis2=2) > 0, axis=1)
        draws[start : start + chunk] = np.where(usable[:, None], importance, np.nan)
    return draws


def _resampled_covariances(
    centered: FloatArray, w: FloatArray, n_resamples: int, rng: np.random.Generator
) -> FloatArray:
    """The weighted covariance matrix of each of ``n_resamples`` resamples.

    A resample is drawn as row indices (int32), uniform with replacement,
    and kept as the count of each row. Every moment a covariance needs (the sum of
    weights, of weighted values and of weighted products of two columns)
    is then one product of the counts of a chunk of resamples with the rows'
    terms. The terms are built once when they fit in `_TERMS_FLOATS`, else
    for a block of rows at a time.
    """
    rows, q = centered.shape
    if rows >= 2**31:  # row indices are drawn as int32
        raise InputError(
            f"key_drivers: {format_count(rows)} rows are too many to resample; "
            "sample fewer than 2**31 rows"
        )
    first, second = np.triu_indices(q)
    width = 1 + q + first.size
    chunk = max(1, _CHUNK_FLOATS // rows)
    block = rows if rows * width <= _TERMS_FLOATS else max(1, _CHUNK_FLOATS // width)
    kept = _moment_terms(centered, w, first, second) if block == rows else None
    out = np.empty((n_resamples, q, q))
    for start in range(0, n_resamples, chunk):
        size = min(chunk, n_resamples - start)
        draws = rng.integers(0, rows, size=(size, rows), dtype=np.int32)
        counts = np.empty((size, rows))
        for resample, drawn in enumerate(draws):
            counts[resample] = np.bincount(drawn, minlength=rows)
        sums = np.zeros((size, width))
        for low in range(0, rows, block):
            part = slice(low, low + block)
            terms = (
                kept
                if kept is not None
                else _moment_terms(centered[part], w[part], first, second)
            )
            sums += counts[:, part] @ terms
        total = sums[:, :1]
        mean = sums[:, 1 : 1 + q] / total
        upper = sums[:, 1 + q :] / total - mean[:, first] * mean[:, second]
        out[start : start + size, first, second] = upper
        out[start : start + size, second, first] = upper
    return out


def _moment_terms(
    x: FloatArray,
    w: FloatArray,
    first: npt.NDArray[np.intp],
    second: npt.NDArray[np.intp],
) -> FloatArray:
    """Per row: the weight, weighted values and weighted pairwise products."""
    weight = w[:, None]
    return np.concatenate(
        [weight, x * weight, x[:, first] * x[:, second] * weight], axis=1
    )
