r"""The variance of estimates from raked weights, by linearization.

Raking calibrates the weights to known population margins, and that
calibration removes from the variance of an estimate the part its margins
explain. The variance of a mean (a share, a net score) from raked weights is
estimated, as R's ``survey::rake`` with ``svymean`` does, from calibration
residuals: with the margin dummies :math:`x_i` (one per category of every
margin), the design weights :math:`d_i` raking started from and the final
weights :math:`w_i`, a group (a domain: a segment, a period, or all rows)
:math:`D` with estimate :math:`\hat\theta = \sum_D w_i y_i / W`,
:math:`W = \sum_D w_i`, has the linearized values

.. math::

    z_i = [i \in D]\,\frac{y_i - \hat\theta}{W}, \quad
    e_i = z_i - x_i^\top \hat B, \quad
    \hat B = \Big(\sum_i d_i x_i x_i^\top\Big)^{+} \sum_i d_i x_i z_i,

(the residuals of :math:`z` regressed on the dummies, weighted by the design
weights) and the with-replacement variance of the total of
:math:`u_i = w_i e_i` over all :math:`n` rows raked,

.. math::

    \hat V = \frac{n}{n - 1} \sum_i (u_i - \bar u)^2.

Every term of :math:`\hat V` is a sum over the group's rows or a matrix of
the whole design, so the statistics here add: per group and category,
:math:`\sum d x`, :math:`\sum d x y`, :math:`\sum w^2 x`,
:math:`\sum w^2 x y`, and per group :math:`\sum w^2 y` and
:math:`\sum w^2 y^2`; with the design's :math:`\sum d x x^\top`,
:math:`\sum w^2 x x^\top` and :math:`\sum w x`. A segment's rest is the
total less the segment, as for every statistic of the kernel.

The estimators read :math:`\hat V` through an *equivalent effective n*: the
sample size at which the family's own variance formula gives :math:`\hat V`
(``unit / V`` for shares and net scores, ``1 + unit / V`` for means, whose
t interval divides the spread by ``n - 1``). Every interval, test and table
column then uses the raking-aware variance with no change of its own.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from cxmetrics.results import RakedWeights

__all__ = ["Design", "Linearization", "ScaleCalibration", "scale_calibration"]

FloatArray: TypeAlias = npt.NDArray[np.float64]


@attrs.frozen(eq=False)
class Design:
    r"""What the variance needs of the raking itself, the same for every group.

    ``inverse_gram`` is the pseudo-inverse of :math:`\sum d x x^\top` (the
    dummies of several margins are collinear), ``squares`` is
    :math:`\sum w^2 x x^\top`, ``totals`` :math:`\sum w x`, ``rows`` the
    rows raked.
    """

    inverse_gram: FloatArray
    squares: FloatArray
    totals: FloatArray
    rows: int

    @classmethod
    def of(cls, raked: RakedWeights) -> Design:
        """The design matrices of a raking, one cross-table per pair of margins."""
        sizes = _margin_sizes(raked)
        starts = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        width = int(starts[-1])
        gram = np.zeros((width, width))
        squares = np.zeros((width, width))
        d = raked.design_weights
        w2 = raked.weights * raked.weights
        for i, codes_i in enumerate(raked.codes):
            for j in range(i, len(raked.codes)):
                cell = codes_i * sizes[j] + raked.codes[j]
                rows = slice(starts[i], starts[i + 1])
                columns = slice(starts[j], starts[j + 1])
                for matrix, weights in ((gram, d), (squares, w2)):
                    block = np.bincount(
                        cell, weights=weights, minlength=sizes[i] * sizes[j]
                    ).reshape(sizes[i], sizes[j])
                    matrix[rows, columns] = block
                    matrix[columns, rows] = block.T
        totals = np.concatenate(
            [
                np.bincount(codes, weights=raked.weights, minlength=size)
                for codes, size in zip(raked.codes, sizes, strict=True)
            ]
        )
        return cls(
            inverse_gram=np.asarray(np.linalg.pinv(gram, hermitian=True), np.float64),
            squares=squares,
            totals=totals,
            rows=int(raked.n),
        )


def _add_rows(
    values: FloatArray, codes: npt.NDArray[np.intp], groups: int
) -> FloatArray:
    """Rows of ``values`` (one per group) summed into ``groups`` new groups."""
    out = np.zeros((groups, *values.shape[1:]))
    np.add.at(out, codes, values)
    return out


@attrs.frozen(eq=False)
class Linearization:
    r"""The additive sums of the linearized variance, one row per group.

    ``dx``, ``dxy``, ``w2x`` and ``w2xy`` are groups x categories:
    :math:`\sum d x`, :math:`\sum d x y`, :math:`\sum w^2 x` and
    :math:`\sum w^2 x y` over the group's rows; ``w2y`` and ``w2y2`` are
    :math:`\sum w^2 y` and :math:`\sum w^2 y^2`.
    """

    design: Design
    dx: FloatArray
    dxy: FloatArray
    w2x: FloatArray
    w2xy: FloatArray
    w2y: FloatArray
    w2y2: FloatArray

    _SUMS = ("dx", "dxy", "w2x", "w2xy", "w2y", "w2y2")

    def _with(self, values: dict[str, FloatArray]) -> Linearization:
        return Linearization(design=self.design, **values)

    def take(self, index: Any) -> Linearization:
        """The groups at ``index``."""
        return self._with({name: getattr(self, name)[index] for name in self._SUMS})

    def group(self, codes: npt.NDArray[np.intp], groups: int) -> Linearization:
        """Groups summed into ``groups`` new ones: group ``i`` goes to ``codes[i]``."""
        return self._with(
            {name: _add_rows(getattr(self, name), codes, groups) for name in self._SUMS}
        )

    def __add__(self, other: Linearization) -> Linearization:
        return self._with(
            {name: getattr(self, name) + getattr(other, name) for name in self._SUMS}
        )

    def rest(self, total: Linearization) -> Linearization:
        """Everything in ``total`` (one group) but each group."""
        return self._with(
            {name: getattr(total, name) - getattr(self, name) for name in self._SUMS}
        )

    def variance(
        self, estimate: FloatArray, total: FloatArray, squared: FloatArray
    ) -> FloatArray:
        """The linearized variance of each group's estimate (see the module).

        ``estimate`` is the group's weighted mean of ``y``, ``total`` its sum
        of final weights and ``squared`` its sum of squared final weights.
        """
        design = self.design
        with np.errstate(divide="ignore", invalid="ignore"):
            theta = estimate[:, None]
            weight = total[:, None]
            slope = ((self.dxy - theta * self.dx) / weight) @ design.inverse_gram
            cross = (self.w2xy - theta * self.w2x) / weight
            own = (
                self.w2y2 - 2.0 * estimate * self.w2y + estimate * estimate * squared
            ) / (total * total)
            sum_u = -(slope @ design.totals)
            sum_u2 = (
                own
                - 2.0 * np.sum(cross * slope, axis=1)
                + np.sum((slope @ design.squares) * slope, axis=1)
            )
            rows = design.rows
            return np.asarray(
                rows / (rows - 1.0) * (sum_u2 - sum_u * sum_u / rows),
                dtype=np.float64,
            )

    def effective_n(
        self,
        estimate: FloatArray,
        total: FloatArray,
        squared: FloatArray,
        unit: FloatArray,
        offset: float,
        kish: FloatArray,
    ) -> FloatArray:
        """The sample size at which the family's formula gives the linearized variance.

        ``unit`` is the family's variance of one answer (``p (1 - p)`` for a
        share, the trinomial variance for a net score, the spread for a
        mean) and ``offset`` 1 for means (their t interval divides by
        ``n - 1``), else 0. Where either variance is 0 (an estimate with no
        spread: all answers alike) Kish's ``kish`` stands in.
        """
        variance = self.variance(estimate, total, squared)
        with np.errstate(divide="ignore", invalid="ignore"):
            equivalent = offset + unit / variance
        usable = (variance > 0) & (unit > 0) & np.isfinite(equivalent)
        return np.asarray(np.where(usable, equivalent, kish), dtype=np.float64)


@attrs.frozen(eq=False)
class ScaleCalibration:
    """Survey answers per group, margin category and scale point, by weight.

    ``by_design[m][g, k, p]`` is the sum of design weights of the answers in
    group ``g`` on point ``p`` whose category of margin ``m`` is ``k``;
    ``by_square`` the same for squared final weights. Any function ``y`` of
    the scale points then gives the sums of `Linearization`.
    """

    design: Design
    by_design: tuple[FloatArray, ...]
    by_square: tuple[FloatArray, ...]

    def linearization(self, values: npt.ArrayLike) -> Linearization:
        """The sums of `Linearization` for ``y = values[point]``."""
        y = np.asarray(values, dtype=np.float64)
        squares = self.by_square[0].sum(axis=1)  # groups x points
        return Linearization(
            design=self.design,
            dx=np.concatenate([h.sum(axis=2) for h in self.by_design], axis=1),
            dxy=np.concatenate([h @ y for h in self.by_design], axis=1),
            w2x=np.concatenate([h.sum(axis=2) for h in self.by_square], axis=1),
            w2xy=np.concatenate([h @ y for h in self.by_square], axis=1),
            w2y=squares @ y,
            w2y2=squares @ (y * y),
        )


def scale_calibration(
    raked: RakedWeights,
    offsets: npt.NDArray[np.intp],
    codes: npt.NDArray[np.intp] | None,
    groups: int,
    points: int,
    kept: npt.NDArray[np.bool_] | None,
) -> ScaleCalibration:
    """The histograms of `ScaleCalibration` for answers at ``offsets``.

    ``offsets`` and ``codes`` (each answer's scale point and group) cover
    the rows ``kept`` (None: every row); the raking covers every row.
    """
    design = Design.of(raked)
    d = raked.design_weights
    w = raked.weights
    margin_codes = raked.codes
    if kept is not None:
        d, w = d[kept], w[kept]
        margin_codes = tuple(c[kept] for c in margin_codes)
    w2 = w * w
    by_design: list[FloatArray] = []
    by_square: list[FloatArray] = []
    for category, size in zip(margin_codes, _margin_sizes(raked), strict=True):
        place = category if codes is None else codes * size + category
        cell = place * points + offsets
        length = groups * size * points
        shape = (groups, size, points)
        for out, weights in ((by_design, d), (by_square, w2)):
            counts = np.bincount(cell, weights=weights, minlength=length)
            out.append(np.asarray(counts, dtype=np.float64).reshape(shape))
    return ScaleCalibration(
        design=design, by_design=tuple(by_design), by_square=tuple(by_square)
    )


def _margin_sizes(raked: RakedWeights) -> list[int]:
    """The number of categories of each margin, in order."""
    return [int(size) for size in raked.margins.groupby("margin", sort=False).size()]
