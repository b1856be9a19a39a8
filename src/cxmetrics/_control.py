"""Control-chart arithmetic on standardized values, vectorized over charts.

Every function here works along the last axis (the periods) of arrays whose
leading axes are independent charts, so one call serves a chart or the
hundred thousand charts of an average-run-length simulation. They assume
their arguments are clean: finite values, a positive spread, no empty
periods (`cxmetrics.monitoring` leaves those out before calling, and puts
them back after).

- `moving_range_sigma`: Laney's sigma_z, the moving range of standardized
  values over d2;
- `ewma_path` and `ewma_sd`: the EWMA recursion and the exact standard
  deviation of the EWMA when the standard error changes from period to
  period;
- `cusum_sums`: the tabular CUSUM, upper and lower sums;
- `run_rules`: the Western Electric and Nelson rules on standardized
  values;
- `chart`: a whole chart (its statistic, limits and signals) from the
  periods' values and standard errors, the one function both
  `cxmetrics.control_chart` and the average-run-length simulations run.

scipy is imported inside the functions that need it.
"""

from __future__ import annotations

import math
from typing import Any, Final, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = [
    "D2",
    "chart",
    "cusum_sums",
    "ewma_path",
    "ewma_sd",
    "moving_range_sigma",
    "run_rules",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

#: E|X1 - X2| / sigma for two independent normal values, 2 / sqrt(pi): the
#: d2 constant of a moving range of two (tables round it to 1.128).
D2: Final = 2.0 / math.sqrt(math.pi)


def moving_range_sigma(z: FloatArray) -> FloatArray:
    r"""Laney's :math:`\sigma_z`: the mean moving range of ``z`` over d2.

    .. math::

        \sigma_z = \frac{1}{D_2\,(m - 1)} \sum_{i=2}^{m} |z_i - z_{i-1}|

    NaN with fewer than two values.
    """
    if z.shape[-1] < 2:
        return np.full(z.shape[:-1], np.nan)
    ranges = np.abs(np.diff(z, axis=-1))
    return np.asarray(ranges.mean(axis=-1) / D2, dtype=np.float64)


def ewma_path(values: FloatArray, start: float, lam: float) -> FloatArray:
    r"""The EWMA of ``values`` from ``start``.

    .. math::

        z_t = \lambda x_t + (1 - \lambda) z_{t-1}, \quad z_0 = \text{start}.
    """
    from scipy.signal import lfilter

    shape = (*values.shape[:-1], 1)
    initial = np.full(shape, (1.0 - lam) * start)
    path, _ = lfilter([lam], [1.0, lam - 1.0], values, axis=-1, zi=initial)
    return np.asarray(path, dtype=np.float64)


def ewma_sd(se: FloatArray, lam: float) -> FloatArray:
    r"""The standard deviation of the EWMA when period ``t`` has standard error ``se``.

    .. math::

        V_t = \lambda^2 s_t^2 + (1 - \lambda)^2 V_{t-1}, \quad V_0 = 0,

    which with one standard error :math:`s` for every period is
    :math:`s^2 \frac{\lambda}{2 - \lambda} (1 - (1 - \lambda)^{2t})`.
    """
    from scipy.signal import lfilter

    decay = (1.0 - lam) ** 2
    variance = lfilter([lam * lam], [1.0, -decay], se * se, axis=-1)
    return np.asarray(np.sqrt(np.maximum(variance, 0.0)), dtype=np.float64)


def cusum_sums(z: FloatArray, k: float) -> tuple[FloatArray, FloatArray]:
    r"""The tabular CUSUM of standardized values, never restarted.

    .. math::

        C^+_t = \max(0, C^+_{t-1} + z_t - k), \quad
        C^-_t = \max(0, C^-_{t-1} - z_t - k), \quad C^\pm_0 = 0.

    Computed without a loop: with :math:`S_t = \sum_{i \le t} (z_i - k)`,
    :math:`C^+_t = S_t - \min(0, S_1, \ldots, S_t)`, and likewise for the
    lower sum with :math:`-z`.
    """

    def upper(steps: FloatArray) -> FloatArray:
        walk = np.cumsum(steps, axis=-1)
        low = np.minimum(np.minimum.accumulate(walk, axis=-1), 0.0)
        return np.asarray(np.maximum(walk - low, 0.0), dtype=np.float64)

    return upper(z - k), upper(-z - k)


def _trailing(flags: BoolArray, window: int) -> npt.NDArray[np.int64]:
    """How many of the last ``window`` flags up to each period are true."""
    counts = np.cumsum(flags, axis=-1, dtype=np.int64)
    before = np.zeros_like(counts)
    before[..., window:] = counts[..., :-window]
    return np.asarray(counts - before, dtype=np.int64)


def _in_a_row(flags: BoolArray, length: int) -> BoolArray:
    """Periods that end a run of ``length`` true flags."""
    return np.asarray(_trailing(flags, length) >= length, dtype=bool)


def _some_of(flags: BoolArray, needed: int, window: int) -> BoolArray:
    """Flagged periods with ``needed`` of the last ``window`` flagged."""
    return np.asarray(flags & (_trailing(flags, window) >= needed), dtype=bool)


def _zone_rules(z: FloatArray, sigma: float) -> dict[str, BoolArray]:
    """The patterns both rule sets share, by a short name."""
    outer, inner = 2.0 * sigma / 3.0, sigma / 3.0
    above, below = z > 0.0, z < 0.0
    return {
        "beyond": np.abs(z) > sigma,
        "two_of_three": _some_of(z > outer, 2, 3) | _some_of(z < -outer, 2, 3),
        "four_of_five": _some_of(z > inner, 4, 5) | _some_of(z < -inner, 4, 5),
        "eight_one_side": _in_a_row(above, 8) | _in_a_row(below, 8),
        "nine_one_side": _in_a_row(above, 9) | _in_a_row(below, 9),
        "fifteen_within": _in_a_row(np.abs(z) < inner, 15),
        "eight_outside": _in_a_row(np.abs(z) > inner, 8),
    }


def _trend_rules(z: FloatArray) -> tuple[BoolArray, BoolArray]:
    """Six in a row rising or falling; fourteen in a row alternating."""
    step = np.diff(z, axis=-1)
    rising, falling = step > 0.0, step < 0.0
    pad = np.zeros((*z.shape[:-1], 1), dtype=bool)
    trend = _in_a_row(rising, 5) | _in_a_row(falling, 5)
    turns = (rising[..., 1:] & falling[..., :-1]) | (
        falling[..., 1:] & rising[..., :-1]
    )
    alternating = _in_a_row(turns, 12)
    return (
        np.concatenate([pad, trend], axis=-1),
        np.concatenate([pad, pad, alternating], axis=-1),
    )


def run_rules(z: FloatArray, rules: str, sigma: float) -> list[BoolArray]:
    """Which periods complete each rule of ``rules``, in the set's own order.

    ``z`` is standardized: (value - center) / standard error, with the
    limits at ``sigma``; the zones are at one and two thirds of ``sigma``
    (1 and 2 for 3-sigma limits). A run rule marks the period that
    completes its pattern (for "2 of 3" and "4 of 5", a period that is
    itself in the zone); a value exactly at the center is on neither side.
    """
    zones = _zone_rules(z, sigma)
    if rules == "western_electric":
        names = ("beyond", "two_of_three", "four_of_five", "eight_one_side")
        return [zones[name] for name in names]
    trend, alternating = _trend_rules(z)
    return [
        zones["beyond"],
        zones["nine_one_side"],
        trend,
        alternating,
        zones["two_of_three"],
        zones["four_of_five"],
        zones["fifteen_within"],
        zones["eight_outside"],
    ]


def chart(
    kind: str,
    values: FloatArray,
    se: npt.ArrayLike,
    center: float,
    *,
    sigma: float,
    lam: float = 0.2,
    k: float = 0.5,
    h: float = 5.0,
    sigma_z: float = 1.0,
) -> dict[str, npt.NDArray[Any]]:
    """The columns of a chart of ``kind`` on periods with data.

    ``values`` are the periods' values, ``se`` their standard errors (any
    shape that broadcasts), ``center`` the center line. Returns
    ``lower``, ``upper`` and ``signal``, with ``ewma`` (EWMA) or
    ``cusum_upper`` and ``cusum_lower`` (CUSUM). For the CUSUM, ``lower``
    and ``upper`` are the values each period would have needed to signal,
    ``center -/+ se * (h + k - C-/+ of the period before)``, so that on
    every chart a signal is a value (or, for the EWMA, the EWMA) outside
    ``lower`` to ``upper``.
    """
    se = np.broadcast_to(np.asarray(se, dtype=np.float64), values.shape)
    if kind in ("shewhart", "laney"):
        width = sigma * sigma_z * se
        lower, upper = center - width, center + width
        return {
            "lower": lower,
            "upper": upper,
            "signal": (values < lower) | (values > upper),
        }
    if kind == "ewma":
        path = ewma_path(values, center, lam)
        width = sigma * ewma_sd(se, lam)
        return {
            "ewma": path,
            "lower": center - width,
            "upper": center + width,
            "signal": np.abs(path - center) > width,
        }
    high, low = cusum_sums((values - center) / se, k)
    start = np.zeros((*values.shape[:-1], 1))
    before_high = np.concatenate([start, high[..., :-1]], axis=-1)
    before_low = np.concatenate([start, low[..., :-1]], axis=-1)
    return {
        "cusum_upper": high,
        "cusum_lower": low,
        "lower": center - se * (h + k - before_low),
        "upper": center + se * (h + k - before_high),
        "signal": (high > h) | (low > h),
    }
