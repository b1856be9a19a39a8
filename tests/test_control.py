"""The control-chart arithmetic of cxmetrics._control against plain loops.

Each recursion is written out here the way the textbook states it, one
period at a time (Montgomery 2019, sections 9.1 and 9.2; Laney 2002; Western
Electric 1956; Nelson 1984), and the vectorized kernel must agree.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from cxmetrics import _control


def ewma_loop(x, start, lam):
    z, out = start, []
    for value in x:
        z = lam * value + (1 - lam) * z
        out.append(z)
    return np.array(out)


def ewma_variance_loop(se, lam):
    v, out = 0.0, []
    for s in se:
        v = lam**2 * s**2 + (1 - lam) ** 2 * v
        out.append(v)
    return np.array(out)


def cusum_loop(z, k):
    high = low = 0.0
    highs, lows = [], []
    for value in z:
        high = max(0.0, high + value - k)
        low = max(0.0, low - value - k)
        highs.append(high)
        lows.append(low)
    return np.array(highs), np.array(lows)


def test_ewma_path_is_the_recursion():
    rng = np.random.default_rng(1)
    x = rng.normal(10, 2, 60)
    for lam in (0.05, 0.2, 0.5, 1.0):
        np.testing.assert_allclose(
            _control.ewma_path(x, 9.0, lam), ewma_loop(x, 9.0, lam), rtol=1e-12
        )


def test_ewma_path_runs_along_the_last_axis_of_many_charts():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 25))
    paths = _control.ewma_path(x, 0.0, 0.3)
    for row in range(3):
        np.testing.assert_allclose(paths[row], ewma_loop(x[row], 0.0, 0.3))


def test_ewma_sd_with_one_standard_error_is_the_textbook_formula():
    # Montgomery (2019), eq. 9.24: sigma^2 lam/(2-lam) (1-(1-lam)^(2t)).
    lam, s = 0.2, 1.7
    t = np.arange(1, 41)
    textbook = s * np.sqrt(lam / (2 - lam) * (1 - (1 - lam) ** (2 * t)))
    np.testing.assert_allclose(_control.ewma_sd(np.full(40, s), lam), textbook)
    # and it tends to the asymptotic sd
    assert _control.ewma_sd(np.full(400, s), lam)[-1] == pytest.approx(
        s * math.sqrt(lam / (2 - lam))
    )


def test_ewma_sd_with_changing_sizes_is_the_exact_variance():
    rng = np.random.default_rng(3)
    se = rng.uniform(0.5, 3.0, 50)
    np.testing.assert_allclose(
        _control.ewma_sd(se, 0.25) ** 2, ewma_variance_loop(se, 0.25), rtol=1e-12
    )


def test_cusum_sums_are_the_tabular_cusum():
    rng = np.random.default_rng(4)
    z = rng.normal(0.3, 1.2, 200)
    for k in (0.0, 0.5, 1.0):
        high, low = _control.cusum_sums(z, k)
        expected_high, expected_low = cusum_loop(z, k)
        np.testing.assert_allclose(high, expected_high, atol=1e-12)
        np.testing.assert_allclose(low, expected_low, atol=1e-12)


def test_cusum_of_a_montgomery_style_example():
    # Standardized values worked by hand with k = 0.5:
    # C+ = 0, 0.5, 0, 1.5, 3.0 ; C- = 0.5, 0, 0, 0, 0
    z = np.array([-1.0, 1.0, -1.0, 2.0, 2.0])
    high, low = _control.cusum_sums(z, 0.5)
    np.testing.assert_allclose(high, [0.0, 0.5, 0.0, 1.5, 3.0])
    np.testing.assert_allclose(low, [0.5, 0.0, 0.5, 0.0, 0.0])


def test_moving_range_sigma_by_hand():
    # moving ranges 2, 1, 3 -> mean 2 -> 2 / (2/sqrt(pi)) = sqrt(pi)
    z = np.array([0.0, 2.0, 1.0, 4.0])
    assert _control.moving_range_sigma(z) == pytest.approx(math.sqrt(math.pi))
    assert abs(_control.D2 - 1.128) < 5e-4
    assert np.isnan(_control.moving_range_sigma(np.array([1.0])))


def rules_of(z, rules="western_electric", sigma=3.0):
    return [
        np.flatnonzero(flags).tolist()
        for flags in _control.run_rules(np.asarray(z, dtype=float), rules, sigma)
    ]


def test_western_electric_rules_on_patterns():
    quiet = [0.5, -0.5] * 10
    assert rules_of(quiet) == [[], [], [], []]
    # 1: beyond the limits
    assert rules_of([0.1, 3.2, -0.1, -3.01])[0] == [1, 3]
    # 2: two of three beyond 2 on one side; the period itself beyond
    assert rules_of([2.5, 0.0, 2.1, -0.1, 2.2, -2.5])[1] == [2, 4]
    assert rules_of([2.5, -2.5, 0.0])[1] == []  # opposite sides
    # 3: four of five beyond 1 on one side
    assert rules_of([1.5, 1.2, 0.0, 1.1, 1.3, 0.2])[2] == [4]
    # 4: eight in a row on one side
    z = [-0.1] + [0.2] * 9
    assert rules_of(z)[3] == [8, 9]


def test_nelson_rules_on_patterns():
    # 2: nine in a row on one side
    assert rules_of([0.3] * 9, "nelson")[1] == [8]
    # 3: six in a row rising (five rises)
    assert rules_of([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.4], "nelson")[2] == [5]
    assert rules_of([0.5, 0.4, 0.3, 0.2, 0.1, 0.0], "nelson")[2] == [5]
    assert rules_of([0, 0.1, 0.2, 0.2, 0.3, 0.4, 0.5], "nelson")[2] == []  # a tie
    # 4: fourteen in a row alternating
    zigzag = [0.1 * (-1) ** i for i in range(14)]
    assert rules_of(zigzag, "nelson")[3] == [13]
    assert rules_of(zigzag[:13], "nelson")[3] == []
    # 7: fifteen in a row within 1 (either side)
    assert rules_of([0.5, -0.5] * 7 + [0.9], "nelson")[6] == [14]
    # 8: eight in a row beyond 1, either side
    assert rules_of([1.5, -1.5] * 4, "nelson")[7] == [7]
    # 5 and 6 are Western Electric's 2 and 3
    z = [2.5, 0.0, 2.1, 1.5, 1.2, 1.1]
    nelson = rules_of(z, "nelson")
    western = rules_of(z)
    assert nelson[4] == western[1]
    assert nelson[5] == western[2]


def test_zones_follow_sigma():
    # with 2-sigma limits the zones are at 2/3 and 4/3
    assert rules_of([0.8, 0.8, 0.8, 0.8], sigma=2.0)[2] == [3]
    assert rules_of([0.8, 0.8, 0.8, 0.8], sigma=3.0)[2] == []


def test_run_rules_on_many_charts_equal_one_at_a_time():
    rng = np.random.default_rng(5)
    z = rng.normal(0.4, 1.3, (4, 80))
    both = _control.run_rules(z, "nelson", 3.0)
    for row in range(4):
        alone = _control.run_rules(z[row], "nelson", 3.0)
        for rule in range(8):
            np.testing.assert_array_equal(both[rule][row], alone[rule])
