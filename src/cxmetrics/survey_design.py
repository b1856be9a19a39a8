"""Survey design: raking weights to population margins, and sample sizes.

`rake` turns a sample that over-represents some groups into one that
matches the population on several margins at once (region, age band,
plan, ...), and hands back weights that the survey metrics read with the
raking-aware variance. `sample_size` answers how many responses a margin of
error, or a difference to detect, needs.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics._validation import (
    FloatArray,
    InputError,
    check_columns,
    check_confidence,
    check_option,
    check_positive_int,
    check_weights,
    format_count,
    format_examples,
    is_real,
    real_float,
    weights_of_frame,
)
from cxmetrics.intervals import effective_sample_size, z_critical
from cxmetrics.results import RakedWeights

__all__ = ["rake", "sample_size"]

#: Targets that sum to 1 within this are shares; sums near 1 but not within
#: it (0.9 to 1.1) are refused as shares that do not add up.
_SHARE_TOLERANCE = 1e-6
#: Margins given as totals must agree on the population total within this.
_TOTAL_TOLERANCE = 1e-6

SAMPLE_SIZE_KINDS = ("nps", "rate", "mean")


# ---------------------------------------------------------------------------
# Raking


def rake(
    frame: pd.DataFrame,
    margins: Mapping[Hashable, Mapping[Any, float] | pd.Series[Any]],
    *,
    weights: npt.ArrayLike | Hashable | None = None,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> RakedWeights:
    r"""Rake survey weights to population margins (iterative proportional fitting).

    Each pass scales the weights, margin by margin, so that the weights of
    every category sum to its population target; passes repeat until every
    margin is within ``tol`` of its targets or ``max_iter`` passes are made.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per respondent, with a column for each margin.
    margins : mapping
        ``{column: {category: target}}`` (a Series indexed by category will
        do for the inner mapping). Targets are population totals, or shares
        that sum to 1. Every margin given as totals must have the same
        total; shares are scaled to it (or, when every margin is shares, to
        the sum of the starting weights: the number of rows without
        ``weights``). A target of 0 gives its rows weight 0.
    weights : array_like or column name, optional
        Design weights to start from (e.g. inverse selection
        probabilities); 1 for every row by default. They also weight the
        regression behind the raking-aware variance.
    max_iter : int
        The most passes over the margins.
    tol : float
        Convergence: the largest relative margin error,
        ``max |achieved / target - 1|``, at most ``tol``.

    Returns
    -------
    RakedWeights
        Array-like weights (``np.asarray`` gives them) with ``iterations``,
        ``converged``, ``max_error`` (always the achieved error, converged
        or not), ``effective_n`` (Kish), ``design_effect``
        (``n / effective_n``) and ``margins``, a table of every category's
        respondents, target, achieved total and error. Passed as
        ``weights=`` to the survey metrics it makes their intervals use the
        raking-aware variance (see Notes).

    Raises
    ------
    InputError
        ``frame`` not a non-empty DataFrame; a margin naming a column not in
        it; targets that are negative, not numbers, or shares that do not
        sum to 1; margins whose totals disagree; rows whose category has no
        target (missing values included); a category with a positive target
        but no respondent (or none with a positive starting weight); bad
        ``weights``, ``max_iter`` or ``tol``.

    Warns
    -----
    RuntimeWarning
        When raking stops at ``max_iter`` with a margin error above ``tol``
        (the result says so too: ``converged`` is False).

    Notes
    -----
    **Raking.** With :math:`d_i` the starting weights and margin
    :math:`m`'s target :math:`T_{mk}` for category :math:`k`, a pass sets,
    for each margin in turn,

    .. math::

        w_i \leftarrow w_i \, \frac{T_{m k(i)}}{\sum_{j: k_m(j) = k_m(i)} w_j},

    starting from :math:`w = d`. It converges when the margins can be met
    together (Deming and Stephan 1940); where they cannot, the result
    reports the error it reached. There is no trimming: weights are never
    capped behind your back.

    **The variance of estimates from raked weights.** Raking to margins
    that relate to the answers makes estimates more precise than Kish's
    effective sample size admits. The metrics estimate the variance as R's
    ``survey::rake`` with ``svymean`` does: the linearized values of the
    estimate are regressed on the margin dummies (weighted by the starting
    weights), the residuals times the final weights give the with-replacement
    variance of their total, with the :math:`n / (n - 1)` factor. A segment
    (`cxmetrics.by_segment`) is a domain of the whole raked sample, so its
    variance is that of the domain estimate, not of the segment raked on its
    own. The result reports as ``effective_n`` the sample size that gives
    that variance in the metric's own formula. Other metrics given these
    weights treat them as plain weights (Kish).

    References
    ----------
    .. [1] Deming, W. E., & Stephan, F. F. (1940). On a least squares
       adjustment of a sampled frequency table when the expected marginal
       totals are known. *Annals of Mathematical Statistics*, 11(4),
       427-444.
    .. [2] Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*.
       Wiley. (Chapter 7, raking and its variance.)

    Examples
    --------
    A sample of 10 with 6 women and 4 men, raked to a population that is
    half women:

    >>> import numpy as np
    >>> import pandas as pd
    >>> import cxmetrics as cx
    >>> frame = pd.DataFrame({"sex": ["F"] * 6 + ["M"] * 4,
    ...                       "score": [10, 9, 9, 8, 6, 3, 10, 7, 5, 2]})
    >>> raked = cx.rake(frame, {"sex": {"F": 0.5, "M": 0.5}})
    >>> raked.converged, raked.iterations, raked.max_error
    (True, 1, 0.0)
    >>> print(np.unique(np.asarray(raked).round(4)))
    [0.8333 1.25  ]
    >>> print(cx.nps(frame["score"], weights=raked))
    NPS -4.2 (95% CI -50.6 to 44.3, adjusted Wald), n=10, effective n=9.3

    Raked on sex, the NPS interval uses the variance of the raked estimate
    of this score (an effective n of 9.3), not Kish's 9.6, which looks at
    the weights alone.
    """
    func = "rake"
    columns, targets, codes, design, iterations, tolerance = _rake_iv(
        frame, margins, weights, max_iter, tol
    )
    w = design.copy()
    achieved = _margin_totals(w, targets, codes)
    max_error = _largest_error(achieved, targets)
    used = 0
    while max_error > tolerance and used < iterations:
        used += 1
        for index, (target, code) in enumerate(zip(targets, codes, strict=True)):
            # The first margin's totals were just counted; the others have moved.
            current = (
                achieved[0] if index == 0 else _margin_totals(w, [target], [code])[0]
            )
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(current > 0, target / current, 1.0)
            w *= factor[code]
        achieved = _margin_totals(w, targets, codes)
        max_error = _largest_error(achieved, targets)
    if max_error > tolerance:
        warnings.warn(
            f"{func}: did not converge in {used:,} iterations: the largest "
            f"margin error is {max_error:.3g} (tol={tolerance:g}); raise max_iter, "
            "or merge sparse categories if the margins cannot be met together",
            RuntimeWarning,
            stacklevel=2,
        )
    return _raked(
        columns, targets, codes, design, w, achieved, used, tolerance, max_error
    )


def _margin_totals(
    w: FloatArray, targets: list[FloatArray], codes: list[npt.NDArray[np.intp]]
) -> list[FloatArray]:
    """The sum of the weights of every category of each margin."""
    return [
        np.asarray(np.bincount(code, weights=w, minlength=target.size), np.float64)
        for target, code in zip(targets, codes, strict=True)
    ]


def _largest_error(achieved: list[FloatArray], targets: list[FloatArray]) -> float:
    """``max |achieved / target - 1|`` over every category of every margin.

    A target of 0 counts the weight it holds, ``achieved`` itself.
    """
    worst = 0.0
    for total, target in zip(achieved, targets, strict=True):
        error = np.abs(_margin_errors(total, target))
        worst = max(worst, float(error.max(initial=0.0)))
    return worst


def _margin_errors(total: FloatArray, target: FloatArray) -> FloatArray:
    """``achieved / target - 1`` of each category; for a target of 0, ``achieved``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(target > 0, total / target - 1.0, total)


def _raked(
    columns: list[tuple[Hashable, pd.Index]],
    targets: list[FloatArray],
    codes: list[npt.NDArray[np.intp]],
    design: FloatArray,
    w: FloatArray,
    achieved: list[FloatArray],
    iterations: int,
    tol: float,
    max_error: float,
) -> RakedWeights:
    rows = []
    for (name, categories), target, code, total in zip(
        columns, targets, codes, achieved, strict=True
    ):
        respondents = np.bincount(code, minlength=target.size)
        error = _margin_errors(total, target)
        rows.append(
            pd.DataFrame(
                {
                    "margin": [name] * target.size,
                    "category": list(categories),
                    "respondents": respondents.astype(np.int64),
                    "target": target,
                    "achieved": total,
                    "error": error,
                }
            )
        )
    margins = pd.concat(rows, ignore_index=True)
    effective = float(effective_sample_size(w.sum(), (w * w).sum()))
    for array in (w, design, *codes):
        array.flags.writeable = False
    return RakedWeights(
        weights=w,
        design_weights=design,
        codes=tuple(codes),
        margins=margins,
        iterations=iterations,
        converged=max_error <= tol,
        max_error=max_error,
        tol=tol,
        effective_n=effective,
        design_effect=w.size / effective if effective > 0 else math.inf,
        n=int(w.size),
    )


def _rake_iv(
    frame: object,
    margins: object,
    weights: object,
    max_iter: object,
    tol: object,
) -> tuple[
    list[tuple[Hashable, pd.Index]],
    list[FloatArray],
    list[npt.NDArray[np.intp]],
    FloatArray,
    int,
    float,
]:
    """Input validation and standardization of `rake`.

    Returns each margin's column and categories, its targets as population
    totals, each row's category codes, the starting weights, ``max_iter``
    and ``tol``.
    """
    func = "rake"
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"{func}: frame must be a pandas DataFrame; got {type(frame).__name__}"
        )
    if not len(frame.index):
        raise InputError(f"{func}: frame has no rows")
    if not isinstance(margins, Mapping) or not margins:
        raise InputError(
            f"{func}: margins must be a non-empty mapping "
            "{column: {category: target}}, e.g. {'region': {'North': 0.4, "
            f"'South': 0.6}}}}; got {type(margins).__name__}"
        )
    iterations = check_positive_int(func, "max_iter", max_iter)
    if not is_real(tol) or not 0.0 < real_float(func, "tol", tol) < math.inf:
        raise InputError(f"{func}: tol must be a positive number; got {tol!r}")
    check_columns(func, frame, list(margins), "column of margins")
    design = _design_weights(frame, weights)
    columns: list[tuple[Hashable, pd.Index]] = []
    raw: list[FloatArray] = []
    for name, given in margins.items():
        categories, values = _margin_targets(name, given)
        columns.append((name, categories))
        raw.append(values)
    targets = _population_totals([name for name, _ in columns], raw, design)
    codes = [
        _row_codes(frame, name, categories, target, design)
        for (name, categories), target in zip(columns, targets, strict=True)
    ]
    return columns, targets, codes, design, iterations, float(tol)


def _design_weights(frame: pd.DataFrame, weights: object) -> FloatArray:
    func = "rake"
    given = weights_of_frame(func, frame, weights)
    w = check_weights(given, len(frame.index), func=func, name="rows of frame")
    return np.array(w, dtype=np.float64)


def _margin_targets(name: Hashable, given: object) -> tuple[pd.Index, FloatArray]:
    """A margin's categories and targets, checked: numbers, finite, >= 0."""
    func = "rake"
    if isinstance(given, pd.Series):
        categories, values = given.index, list(given.to_numpy())
        if categories.has_duplicates:
            raise InputError(
                f"{func}: margins[{name!r}] names a category twice "
                f"({format_examples(categories[categories.duplicated()])})"
            )
    elif isinstance(given, Mapping) and given:
        categories, values = pd.Index(list(given.keys())), list(given.values())
    else:
        raise InputError(
            f"{func}: margins[{name!r}] must be a non-empty mapping "
            f"{{category: target}} or a Series; got {given!r}"
        )
    if not all(is_real(v) for v in values):
        bad = [v for v in values if not is_real(v)]
        raise InputError(
            f"{func}: targets of margins[{name!r}] must be numbers; got "
            f"{format_examples(bad)}"
        )
    targets = np.asarray(values, dtype=np.float64)
    if not np.isfinite(targets).all():
        raise InputError(
            f"{func}: targets of margins[{name!r}] must be finite; got "
            f"{format_examples(targets[~np.isfinite(targets)])}"
        )
    negative = targets < 0
    if negative.any():
        raise InputError(
            f"{func}: {format_count(int(negative.sum()))} target"
            f"{'s' * (int(negative.sum()) != 1)} of margins[{name!r}] "
            f"{'are' if int(negative.sum()) != 1 else 'is'} negative "
            f"({_pairs(categories[negative], targets[negative])}); targets are "
            "population totals or shares, 0 or more"
        )
    if not targets.sum() > 0:
        raise InputError(f"{func}: the targets of margins[{name!r}] are all 0")
    return categories, targets


def _pairs(categories: Any, values: FloatArray) -> str:
    shown = [
        f"{c!r}: {v:g}" for c, v in zip(list(categories)[:3], values[:3], strict=False)
    ]
    return ", ".join(shown)


def _population_totals(
    names: list[Hashable], raw: list[FloatArray], design: FloatArray
) -> list[FloatArray]:
    """Targets as totals of one population: shares scaled, totals checked."""
    func = "rake"
    sums = [float(t.sum()) for t in raw]
    shares = [abs(s - 1.0) <= _SHARE_TOLERANCE for s in sums]
    for name, total, share in zip(names, sums, shares, strict=True):
        if not share and 0.9 < total < 1.1:
            raise InputError(
                f"{func}: the shares of margins[{name!r}] sum to {total:.6g}, not "
                "1; rescale them to sum to 1 (or give population totals)"
            )
    totals = [
        (n, s) for n, s, share in zip(names, sums, shares, strict=True) if not share
    ]
    if totals:
        population = totals[0][1]
        differ = [
            (n, s)
            for n, s in totals
            if abs(s - population) > _TOTAL_TOLERANCE * population
        ]
        if differ:
            shown = ", ".join(
                f"{n!r} sums to {s:,.6g}" for n, s in [totals[0], *differ[:2]]
            )
            raise InputError(
                f"{func}: the margins' totals disagree ({shown}); every margin "
                "given as totals must describe one population (or give shares)"
            )
    else:
        population = float(design.sum())
    return [t * (population / s) for t, s in zip(raw, sums, strict=True)]


def _row_codes(
    frame: pd.DataFrame,
    name: Hashable,
    categories: pd.Index,
    target: FloatArray,
    design: FloatArray,
) -> npt.NDArray[np.intp]:
    """Each row's category of one margin; every row needs one, every target rows."""
    func = "rake"
    column = frame[name]
    codes = np.asarray(categories.get_indexer(pd.Index(column)), dtype=np.intp)
    outside = codes < 0
    if outside.any():
        values = pd.unique(column[outside])
        raise InputError(
            f"{func}: {format_count(int(outside.sum()))} of "
            f"{format_count(codes.size)} rows of frame[{name!r}] are not among the "
            f"categories of margins[{name!r}] ({format_examples(values)}); give "
            "every category a target (0 drops its rows), or drop or fill those rows"
        )
    respondents = np.bincount(codes, minlength=target.size)
    weighted = np.bincount(codes, weights=design, minlength=target.size)
    empty = (target > 0) & (respondents == 0)
    if empty.any():
        raise InputError(
            f"{func}: no row of frame[{name!r}] is in {format_count(int(empty.sum()))} "
            f"categor{'ies' if int(empty.sum()) != 1 else 'y'} with a target "
            f"({_pairs(categories[empty], target[empty])}); no weight can reach "
            "it: merge it into a neighbouring category, or leave it out of the "
            "margins"
        )
    unweighted = (target > 0) & ~(weighted > 0)
    if unweighted.any():
        raise InputError(
            f"{func}: the starting weights of every row of frame[{name!r}] in "
            f"{_pairs(categories[unweighted], target[unweighted])} are 0, so no "
            "scaling can reach its target; merge the category or check the weights"
        )
    return codes


# ---------------------------------------------------------------------------
# Sample size


def sample_size(
    kind: str,
    *,
    margin: float | None = None,
    difference: float | None = None,
    power: float = 0.8,
    confidence: float = 0.95,
    promoters: float | None = None,
    detractors: float | None = None,
    proportion: float | None = None,
    sd: float | None = None,
    population: int | None = None,
) -> int:
    r"""Responses needed for a margin of error, or per group to detect a difference.

    Parameters
    ----------
    kind : {'nps', 'rate', 'mean'}
        What is estimated: a net score such as NPS or Net Easy (``margin``
        and ``difference`` in points), a share such as CSAT (as fractions:
        0.05 for five percentage points), or a mean (in the unit of the
        ratings).
    margin : float, optional
        The half-width of the interval to reach: the answer is the fewest
        responses whose Wald interval is at most ``margin`` either side.
    difference : float, optional
        The difference between two groups to detect: the answer is the
        responses *per group* for a two-sided test at ``1 - confidence``
        to detect it with probability ``power``. Give ``margin`` or
        ``difference``, not both.
    power : float
        Probability of detecting ``difference``, in (0, 1).
    confidence : float
        Confidence level of the interval (or 1 - the test's level), in
        (0, 1).
    promoters, detractors : float, optional
        Expected shares for ``'nps'``; by default the worst case, 0.5 and
        0.5 (the largest variance). Give both or neither.
    proportion : float, optional
        Expected share for ``'rate'``; by default the worst case, 0.5.
    sd : float
        Standard deviation of one rating, required for ``'mean'``.
    population : int, optional
        Size of the population sampled (of each group, for ``difference``):
        the finite-population correction lowers the answer when the sample
        is a large part of it.

    Returns
    -------
    int
        Responses, always rounded up (at most ``population``).

    Raises
    ------
    InputError
        An unknown ``kind``; neither or both of ``margin`` and
        ``difference``; ``margin`` not positive; ``margin`` or
        ``difference`` above 1 for a rate (a fraction) or above 200 points
        for a net score; ``difference`` of 0; ``power`` or ``confidence``
        outside (0, 1); shares outside [0, 1] or ``promoters + detractors``
        above 1; a missing or non-positive ``sd`` for a mean; an option that
        does not apply to ``kind``; ``population`` below 1.

    Notes
    -----
    With :math:`v` the variance of one response, :math:`z = \Phi^{-1}(1 -
    \alpha/2)` and :math:`z_\beta = \Phi^{-1}(\text{power})`:

    .. math::

        n_0 = \frac{z^2 v}{m^2} \;\text{(margin } m\text{)}, \qquad
        n_0 = \frac{(z + z_\beta)^2\, 2 v}{\delta^2}
        \;\text{(difference } \delta \text{, per group)},

    with :math:`v = p_+ + p_- - (p_+ - p_-)^2` for a net score (shares;
    :math:`m` and :math:`\delta` in points divided by 100), :math:`v =
    p (1 - p)` for a rate and :math:`v = \sigma^2` for a mean. The
    difference assumes the same variance in both groups. The
    finite-population correction is :math:`n = n_0 N / (n_0 + N - 1)`
    (Cochran 1977), and the answer is :math:`\lceil n \rceil`. The worst
    case of NPS (half promoters, half detractors, :math:`v = 1`) needs four
    times the responses of the worst case of a rate (:math:`v = 1/4`) for
    the same margin in points.

    References
    ----------
    .. [1] Cochran, W. G. (1977). *Sampling Techniques* (3rd ed.). Wiley.

    Examples
    --------
    CSAT within 5 points, and NPS within 5 points (worst cases):

    >>> import cxmetrics as cx
    >>> cx.sample_size("rate", margin=0.05)
    385
    >>> cx.sample_size("nps", margin=5)
    1537

    With 40% promoters and 20% detractors expected, from 2,000 customers:

    >>> cx.sample_size("nps", margin=5, promoters=0.4, detractors=0.2,
    ...                population=2000)
    602

    Responses per group to detect a 10-point NPS difference with 80% power:

    >>> cx.sample_size("nps", difference=10, promoters=0.4, detractors=0.2)
    880
    """
    func = "sample_size"
    check_option(func, "kind", kind, SAMPLE_SIZE_KINDS)
    level = check_confidence(func, confidence)
    variance, scale = _unit_variance(kind, promoters, detractors, proportion, sd)
    if (margin is None) == (difference is None):
        raise InputError(
            f"{func}: give margin= (the half-width of an interval) or difference= "
            "(to detect between two groups), one of them"
        )
    z = z_critical(level)
    if margin is not None:
        m = _in_units(func, "margin", _positive(func, "margin", margin), kind, scale)
        n0 = z * z * variance / (m * m)
    else:
        if not is_real(difference):
            raise InputError(f"{func}: difference must be a number; got {difference!r}")
        given = real_float(func, "difference", difference)
        if not math.isfinite(given):
            raise InputError(f"{func}: difference must be a number; got {difference!r}")
        if given == 0:
            raise InputError(f"{func}: difference must not be 0")
        delta = _in_units(func, "difference", abs(given), kind, scale)
        z_power = _power_quantile(func, power)
        n0 = (z + z_power) ** 2 * 2.0 * variance / (delta * delta)
    if population is not None:
        size = real_float(
            func, "population", check_positive_int(func, "population", population)
        )
        n0 = n0 * size / (n0 + size - 1.0)
    return max(1, math.ceil(round(n0, 9)))


def _in_units(func: str, name: str, value: float, kind: str, scale: float) -> float:
    """A positive margin or difference over ``scale``, the unit of the variance.

    A rate and a net score are shares, so they differ by at most 1 and 2
    shares (a net score is given in points, ``scale`` 100, so at most 200);
    a mean has no bound.
    """
    share = value / scale
    if kind == "rate" and share > 1.0:
        raise InputError(
            f"{func}: a rate's {name} is a fraction (0.05 for 5 points); got {value!r}"
        )
    if kind == "nps" and share > 2.0:
        raise InputError(
            f"{func}: a net score's {name} is in points and at most 200 (the "
            f"range from -100 to 100); got {value!r}"
        )
    return share


def _positive(func: str, name: str, value: object) -> float:
    if not is_real(value) or not 0.0 < real_float(func, name, value) < math.inf:
        raise InputError(f"{func}: {name} must be a positive number; got {value!r}")
    return float(value)


def _share(func: str, name: str, value: object) -> float:
    if not is_real(value) or not 0.0 <= real_float(func, name, value) <= 1.0:
        raise InputError(
            f"{func}: {name} is a share from 0 to 1 (0.4 for 40%); got {value!r}"
        )
    return float(value)


def _power_quantile(func: str, power: object) -> float:
    from scipy.special import ndtri

    if not is_real(power) or not 0.0 < real_float(func, "power", power) < 1.0:
        raise InputError(
            f"{func}: power must be between 0 and 1 (exclusive), e.g. 0.8; got "
            f"{power!r}"
        )
    return float(ndtri(float(power)))


def _unit_variance(
    kind: str,
    promoters: object,
    detractors: object,
    proportion: object,
    sd: object,
) -> tuple[float, float]:
    """The variance of one response and the unit of margins (100 for points)."""
    func = "sample_size"
    given = {
        "promoters": promoters,
        "detractors": detractors,
        "proportion": proportion,
        "sd": sd,
    }
    own = {"nps": ("promoters", "detractors"), "rate": ("proportion",), "mean": ("sd",)}
    foreign = [n for n, v in given.items() if v is not None and n not in own[kind]]
    if foreign:
        raise InputError(
            f"{func}: {foreign[0]}= does not apply to kind={kind!r} (it takes "
            f"{', '.join(n + '=' for n in own[kind])})"
        )
    if kind == "nps":
        if (promoters is None) != (detractors is None):
            raise InputError(
                f"{func}: give both promoters= and detractors=, or neither (the "
                "worst case, 0.5 and 0.5)"
            )
        pos = 0.5 if promoters is None else _share(func, "promoters", promoters)
        neg = 0.5 if detractors is None else _share(func, "detractors", detractors)
        if pos + neg > 1.0 + 1e-12:
            raise InputError(
                f"{func}: promoters and detractors are shares of one sample and "
                f"sum to at most 1; got {pos:g} + {neg:g} = {pos + neg:g}"
            )
        return pos + neg - (pos - neg) ** 2, 100.0
    if kind == "rate":
        p = 0.5 if proportion is None else _share(func, "proportion", proportion)
        return p * (1.0 - p), 1.0
    if sd is None:
        raise InputError(
            f"{func}: kind='mean' needs sd=, the standard deviation of one rating "
            "(e.g. from a past survey: cx.mean_score(...).std)"
        )
    return _positive(func, "sd", sd) ** 2, 1.0
