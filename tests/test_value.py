"""Customer value: the BG/NBD, Pareto/NBD and Gamma-Gamma models, checked independently.

References used here:

* the CDNOW sample (2,357 customers, weeks) as shipped with the ``lifetimes``
  package (read from its files, never imported): the published estimates
  of Fader, Hardie and Lee (2005) for BG/NBD (r 0.243, alpha 4.414, a 0.793,
  b 2.426, LL -9582.4), of Fader and Hardie for Pareto/NBD (r 0.553,
  alpha 10.578, s 0.606, beta 11.669, LL -9595.0; standard errors as
  reported by R's CLVTools) and Gamma-Gamma (p 6.25, q 3.74, v 15.44);
  the published summary of the same customers against `rfm_summary`;
* the published worked customer (x=2, t_x=30.43, T=38.86): E[Y(39)] = 1.226;
* brute-force oracles written here: the likelihoods by numerical
  integration over the mixing distributions; P(alive) and the conditional
  expectations by Monte Carlo over the posterior; E[X(t)] by integration
  over the drop-out probability;
* parameter recovery on data simulated from known parameters.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import FULL
from scipy import integrate, special, stats

import cxmetrics as cx
from cxmetrics.value import BGNBDModel, GammaGammaModel, ParetoNBDModel
from cxmetrics.value import bgnbd as bg_module
from cxmetrics.value import pareto_nbd as pnbd_module

PUBLISHED_BG = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_PNBD = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "v": 15.44}


def _lifetimes_data() -> Path | None:
    spec = importlib.util.find_spec("lifetimes")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "datasets"
    return folder if (folder / "cdnow_customers_summary.csv").exists() else None


CDNOW = _lifetimes_data()
needs_cdnow = pytest.mark.skipif(
    CDNOW is None, reason="the CDNOW files ship with the lifetimes package"
)


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    assert CDNOW is not None
    return pd.read_csv(CDNOW / "cdnow_customers_summary.csv", index_col="ID")


@pytest.fixture(scope="module")
def cdnow_spend() -> pd.DataFrame:
    assert CDNOW is not None
    return pd.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv")


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return cx.datasets.load_transactions()


@pytest.fixture(scope="module")
def rfm(log: pd.DataFrame) -> pd.DataFrame:
    return cx.rfm_summary(log["customer_id"], log["date"], log["amount"], unit="W")


# ---------------------------------------------------------------------------
# CDNOW: published estimates


@needs_cdnow
def test_bgnbd_on_cdnow_matches_the_published_fit(cdnow):
    model = cx.fit_bgnbd(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    assert model.converged
    for name, value in PUBLISHED_BG.items():
        assert model.params[name] == pytest.approx(value, abs=1.5e-3)
    assert model.log_likelihood == pytest.approx(-9582.429, abs=0.01)  # CLVTools
    assert model.n == 2357
    # Standard errors are the square roots of the inverse information.
    errors = np.sqrt(np.diag(model.covariance))
    assert list(model.standard_errors.values()) == pytest.approx(errors)


@needs_cdnow
def test_pareto_nbd_on_cdnow_matches_the_published_fit(cdnow):
    model = cx.fit_pareto_nbd(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    assert model.converged
    for name, value in PUBLISHED_PNBD.items():
        assert model.params[name] == pytest.approx(value, rel=2e-3)
    assert model.log_likelihood == pytest.approx(-9594.976, abs=0.01)  # CLVTools
    clvtools_se = {
        "r": 0.0476264,
        "alpha": 0.8427222,
        "s": 0.1872594,
        "beta": 6.2105448,
    }
    for name, value in clvtools_se.items():
        assert model.standard_errors[name] == pytest.approx(value, rel=0.02)


@needs_cdnow
def test_gamma_gamma_on_cdnow_matches_the_published_fit(cdnow_spend):
    model = cx.fit_gamma_gamma(cdnow_spend["x"], cdnow_spend["zbar"])
    assert model.converged
    assert model.n == int((cdnow_spend["x"] > 0).sum()) == 946
    for name, value in PUBLISHED_GG.items():
        assert model.params[name] == pytest.approx(value, rel=3e-3)


@needs_cdnow
def test_rfm_summary_reproduces_the_published_cdnow_summary(cdnow):
    assert CDNOW is not None
    raw = pd.read_csv(
        CDNOW / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["master", "customer", "date", "cds", "value"],
        dtype={"date": str},
    )
    dates = pd.to_datetime(raw["date"], format="%Y%m%d")
    rfm = cx.rfm_summary(
        raw["customer"],
        dates,
        raw["value"],
        calibration_end="1997-09-30",
        observation_end="1998-06-30",
    )
    assert len(rfm) == 2357
    ours = rfm.loc[cdnow.index]
    np.testing.assert_array_equal(ours["frequency"], cdnow["frequency"])
    np.testing.assert_allclose(ours["recency"], cdnow["recency"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(ours["T"], cdnow["T"], atol=0.005 + 1e-9)
    assert (ours["duration_holdout"] == 273 / 7).all()  # 39 weeks of holdout
    # Customer 1 bought on 1997-01-01, 01-18, 08-02 (calibration), 12-12 (holdout).
    first = ours.loc[1]
    assert first["frequency"] == 2
    assert first["recency"] == pytest.approx(213 / 7)
    assert first["monetary_value"] == pytest.approx((29.73 + 14.96) / 2)
    assert first["frequency_holdout"] == 1


@needs_cdnow
def test_compressed_rows_fit_like_every_customer(cdnow):
    grouped = cdnow.groupby(["frequency", "recency", "T"]).size().reset_index()
    assert len(grouped) < len(cdnow)
    for fit in (cx.fit_bgnbd, cx.fit_pareto_nbd):
        whole = fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
        compressed = fit(
            grouped["frequency"], grouped["recency"], grouped["T"], weights=grouped[0]
        )
        assert compressed.n == whole.n
        assert compressed.log_likelihood == pytest.approx(whole.log_likelihood)
        for name in whole.params:
            assert compressed.params[name] == pytest.approx(
                whole.params[name], rel=1e-5
            )
            assert compressed.standard_errors[name] == pytest.approx(
                whole.standard_errors[name], rel=1e-3
            )


# ---------------------------------------------------------------------------
# The published worked customer


def test_worked_customer_conditional_expectation():
    """Fader, Hardie and Lee (2005): E[Y(39) | x=2, t_x=30.43, T=38.86] = 1.226."""
    model = BGNBDModel.from_params(**PUBLISHED_BG)
    assert model.expected_purchases(39, 2, 30.43, 38.86) == pytest.approx(
        1.226, abs=5e-4
    )


def test_worked_customer_p_alive_by_hand():
    r, alpha, a, b = PUBLISHED_BG.values()
    # 1 / (1 + a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x)), x = 2
    odds = a / (b + 1) * ((alpha + 38.86) / (alpha + 30.43)) ** (r + 2)
    model = BGNBDModel.from_params(**PUBLISHED_BG)
    assert model.p_alive(2, 30.43, 38.86) == pytest.approx(1 / (1 + odds), rel=1e-13)
    assert model.p_alive(0, 0, 38.86) == 1.0


# ---------------------------------------------------------------------------
# Likelihoods by numerical integration over the mixing distributions


HISTORIES = [(0, 0.0, 38.86), (2, 30.43, 38.86), (1, 1.71, 38.86), (7, 29.43, 35.0)]


def _one_customer_ll(module, params, x, tx, T):
    """Our log-likelihood of one history (one row, weight 1)."""
    theta = np.log(list(params.values()))
    if module is bg_module:
        data = bg_module._group(
            np.array([x], float), np.array([tx]), np.array([T]), np.ones(1)
        )
        objective = bg_module._objective(data)
    else:
        objective = pnbd_module._objective(
            np.array([x], float), np.array([tx]), np.array([T]), np.ones(1), 1.0
        )
    return -objective(theta, 0)[0]


@pytest.mark.parametrize(("x", "tx", "T"), HISTORIES[1::2])
def test_bgnbd_likelihood_by_integration(x, tx, T):
    r, alpha, a, b = PUBLISHED_BG.values()

    def individual(lam, p):
        value = (1 - p) ** x * lam**x * math.exp(-lam * T)
        if x > 0:
            value += p * (1 - p) ** (x - 1) * lam**x * math.exp(-lam * tx)
        return value

    def integrand(lam, p):
        return (
            individual(lam, p)
            * stats.gamma.pdf(lam, r, scale=1 / alpha)
            * stats.beta.pdf(p, a, b)
        )

    # lambda = u^(1/r) tames the gamma density's spike at 0.
    def smooth(u, p):
        lam = u ** (1 / r)
        return integrand(lam, p) * lam / (r * u) if u > 0 else 0.0

    top = stats.gamma.ppf(1 - 1e-14, r, scale=1 / alpha) ** r
    value, _ = integrate.dblquad(smooth, 0, 1, 0, top, epsabs=1e-12, epsrel=1e-9)
    assert _one_customer_ll(bg_module, PUBLISHED_BG, x, tx, T) == pytest.approx(
        math.log(value), abs=1e-6
    )


@pytest.mark.parametrize(("x", "tx", "T"), HISTORIES[1::2])
def test_pareto_nbd_likelihood_by_integration(x, tx, T):
    r, alpha, s, beta = PUBLISHED_PNBD.values()

    def individual(lam, mu):
        total = lam + mu
        value = lam**x * math.exp(-total * T)
        value += lam**x * mu / total * (math.exp(-total * tx) - math.exp(-total * T))
        return value

    def smooth(u, v):  # lambda = u^(1/r), mu = v^(1/s)
        if u <= 0 or v <= 0:
            return 0.0
        lam, mu = u ** (1 / r), v ** (1 / s)
        density = stats.gamma.pdf(lam, r, scale=1 / alpha) * stats.gamma.pdf(
            mu, s, scale=1 / beta
        )
        return individual(lam, mu) * density * lam / (r * u) * mu / (s * v)

    top_u = stats.gamma.ppf(1 - 1e-14, r, scale=1 / alpha) ** r
    top_v = stats.gamma.ppf(1 - 1e-14, s, scale=1 / beta) ** s
    value, _ = integrate.dblquad(smooth, 0, top_v, 0, top_u, epsabs=1e-13, epsrel=1e-9)
    assert _one_customer_ll(pnbd_module, PUBLISHED_PNBD, x, tx, T) == pytest.approx(
        math.log(value), abs=1e-6
    )


def test_pareto_nbd_likelihood_equals_the_hypergeometric_form():
    """Fader and Hardie's A0 with 2F1, the larger of alpha and beta chosen."""
    for params in (PUBLISHED_PNBD, {"r": 0.8, "alpha": 3.0, "s": 1.4, "beta": 9.0}):
        r, alpha, s, beta = params.values()
        for x, tx, T in HISTORIES:
            big, pick = (alpha, s + 1) if alpha >= beta else (beta, r + x)
            z = abs(alpha - beta)

            def term(y, big=big, pick=pick, z=z, x=x, r=r, s=s):
                return special.hyp2f1(r + s + x, pick, r + s + x + 1, z / (big + y)) / (
                    big + y
                ) ** (r + s + x)

            a0 = term(tx) - term(T)
            likelihood = (
                special.gamma(r + x)
                * alpha**r
                * beta**s
                / special.gamma(r)
                * (
                    1 / ((alpha + T) ** (r + x) * (beta + T) ** s)
                    + s / (r + s + x) * a0
                )
            )
            ours = _one_customer_ll(pnbd_module, params, x, tx, T)
            assert ours == pytest.approx(math.log(likelihood), abs=1e-9)


def test_gamma_gamma_likelihood_by_integration():
    p, q, v = PUBLISHED_GG.values()
    x = np.array([1.0, 3.0, 8.0])
    m = np.array([11.77, 22.35, 40.0])
    total = 0.0
    for xi, mi in zip(x, m, strict=True):
        # density of the mean of xi gamma(p, nu) values, mixed over nu ~ gamma(q, v)
        def integrand(nu, xi=xi, mi=mi):
            mean_density = stats.gamma.pdf(mi, xi * p, scale=1 / (xi * nu))
            return mean_density * stats.gamma.pdf(nu, q, scale=1 / v)

        value, _ = integrate.quad(integrand, 0, np.inf, epsabs=0, epsrel=1e-12)
        total += math.log(value)
    from cxmetrics.value.gamma_gamma import _objective

    ours = -_objective(x, m, np.ones(3), 3.0)(np.log([p, q, v]), 0)[0] * 3
    assert ours == pytest.approx(total, abs=1e-8)


# ---------------------------------------------------------------------------
# Expectations against integrals


@pytest.mark.parametrize("t", [0.5, 13.0, 39.0, 150.0])
def test_bgnbd_unconditional_expectation_by_integration(t):
    r, alpha, a, b = PUBLISHED_BG.values()
    # E[X(t) | p] = (1 - (alpha / (alpha + p t))^r) / p, averaged over p ~ Beta(a, b)
    value, _ = integrate.quad(
        lambda p: (1 - (alpha / (alpha + p * t)) ** r) / p * stats.beta.pdf(p, a, b),
        0,
        1,
        epsabs=0,
        epsrel=1e-11,
        limit=200,
    )
    model = BGNBDModel.from_params(**PUBLISHED_BG)
    assert model.expected_purchases(t) == pytest.approx(value, rel=1e-8)


@pytest.mark.parametrize(("x", "tx", "T"), [*HISTORIES, (200, 38.0, 38.86)])
def test_bgnbd_conditional_expectation_by_integration(x, tx, T):
    r, alpha, a, b = PUBLISHED_BG.values()
    model = BGNBDModel.from_params(**PUBLISHED_BG)
    t = 39.0
    # Alive at T: rate ~ Gamma(r+x, alpha+T), drop-out p ~ Beta(a, b+x).
    value, _ = integrate.quad(
        lambda p: (
            (1 - ((alpha + T) / (alpha + T + p * t)) ** (r + x))
            / p
            * stats.beta.pdf(p, a, b + x)
        ),
        0,
        1,
        epsabs=0,
        epsrel=1e-11,
        limit=200,
    )
    expected = value * model.p_alive(x, tx, T)
    assert model.expected_purchases(t, x, tx, T) == pytest.approx(expected, rel=1e-8)


def test_pareto_nbd_expectations_by_formula():
    r, alpha, s, beta = PUBLISHED_PNBD.values()
    model = ParetoNBDModel.from_params(**PUBLISHED_PNBD)
    t = 39.0
    unconditional = r * beta / (alpha * (s - 1)) * (1 - (beta / (beta + t)) ** (s - 1))
    assert model.expected_purchases(t) == pytest.approx(unconditional, rel=1e-12)
    x, tx, T = 2, 30.43, 38.86
    rate = (r + x) * (beta + T) / ((alpha + T) * (s - 1))
    conditional = rate * (1 - ((beta + T) / (beta + T + t)) ** (s - 1))
    alive = model.p_alive(x, tx, T)
    assert model.expected_purchases(t, x, tx, T) == pytest.approx(
        conditional * alive, rel=1e-12
    )
    # s = 1: the limit log(1 + t / beta)
    one = ParetoNBDModel.from_params(r=r, alpha=alpha, s=1.0, beta=beta)
    assert one.expected_purchases(t) == pytest.approx(
        r * beta / alpha * math.log1p(t / beta), rel=1e-12
    )


def test_bgnbd_expectation_is_smooth_through_a_equal_1():
    r, alpha, _, b = PUBLISHED_BG.values()
    values = [
        BGNBDModel.from_params(r=r, alpha=alpha, a=a, b=b).expected_purchases(
            39, 2, 30.43, 38.86
        )
        for a in (1 - 1e-3, 1.0, 1 + 1e-3)
    ]
    assert values[1] == pytest.approx((values[0] + values[2]) / 2, rel=1e-6)


@pytest.mark.parametrize(
    "distinct_T",
    [84, 5_000, None],
    ids=["every-combination", "pairs-present", "continuous-T"],
)
def test_distinct_pairs_path_equals_the_direct_one(distinct_T):
    """Large inputs share the hypergeometric factor between customers with the
    same frequency and T: as a table of every combination (few distinct T),
    of the pairs present (more) or of the pairs found by sorting (T
    continuous); each equals the customers computed a few at a time."""
    model = BGNBDModel.from_params(**PUBLISHED_BG)
    rng = np.random.default_rng(3)
    n = 150_000  # above the blocks of the large path
    x = rng.integers(0, 20, n).astype(float)
    if distinct_T is None:
        T = rng.uniform(27.0, 39.0, n)
    else:
        T = 27.0 + rng.integers(0, distinct_T, n) * (12.0 / distinct_T)
    tx = np.where(x > 0, T * rng.uniform(0.05, 1, n), 0.0)
    big = model.expected_purchases(26.0, x, tx, T)
    direct = np.concatenate(
        [model.expected_purchases(26.0, x[i::7], tx[i::7], T[i::7]) for i in range(7)]
    )
    order = np.concatenate([np.arange(n)[i::7] for i in range(7)])
    np.testing.assert_allclose(big[order], direct, rtol=1e-13)
    x[5] = np.nan
    tx[9] = np.nan
    with_missing = model.expected_purchases(26.0, x, tx, T)
    assert np.isnan(with_missing[[5, 9]]).all()
    np.testing.assert_array_equal(
        np.delete(with_missing, [5, 9]), np.delete(big, [5, 9])
    )


def test_p_alive_of_millions_equals_the_formula():
    """P(alive) of many customers (a table per frequency, in place) equals the
    closed form computed customer by customer in plain Python."""
    r, alpha, a, b = PUBLISHED_BG.values()
    rng = np.random.default_rng(5)
    x = rng.integers(0, 30, 200_000).astype(float)
    T = rng.uniform(10.0, 52.0, x.size)
    tx = np.where(x > 0, T * rng.uniform(0.01, 1.0, x.size), 0.0)
    values = BGNBDModel.from_params(**PUBLISHED_BG).p_alive(x, tx, T)
    for i in rng.choice(x.size, 300, replace=False):
        if x[i] == 0:
            assert values[i] == 1.0
        else:
            odds = a / (b + x[i] - 1) * ((alpha + T[i]) / (alpha + tx[i])) ** (r + x[i])
            assert values[i] == pytest.approx(1 / (1 + odds), rel=1e-13)


def test_p_alive_of_a_frequency_beyond_any_table():
    """A frequency larger than the data (no table per frequency) gives the same
    value as the log-odds by hand."""
    r, alpha, a, b = PUBLISHED_BG.values()
    model = BGNBDModel.from_params(**PUBLISHED_BG)
    x, tx, T = 5_000.0, 38.5, 38.86
    log_odds = math.log(a / (b + x - 1)) + (r + x) * math.log(
        (alpha + T) / (alpha + tx)
    )
    assert model.p_alive(x, tx, T) == pytest.approx(
        1 / (1 + math.exp(log_odds)), rel=1e-10
    )
    assert model.p_alive([x, 2.0], [tx, 30.43], [T, 38.86])[0] == pytest.approx(
        model.p_alive(x, tx, T), rel=1e-15
    )


# ---------------------------------------------------------------------------
# P(alive) and expectations by Monte Carlo over the posterior (slow)


@pytest.mark.slow
@pytest.mark.parametrize("model_name", ["bgnbd", "pareto"])
def test_p_alive_and_expectation_by_simulation(model_name):
    """Draw (rate, drop-out) from the mixing distributions, weight each draw by
    the likelihood of the history, simulate who is alive and the purchases
    of the next t, and compare the weighted means with the models."""
    draws = 2_000_000 if FULL else 400_000
    rng = np.random.default_rng(7)
    x, tx, T, t = 2, 30.43, 38.86, 39.0
    if model_name == "bgnbd":
        r, alpha, a, b = PUBLISHED_BG.values()
        lam = rng.gamma(r, 1 / alpha, draws)
        p = rng.beta(a, b, draws)
        alive_part = (1 - p) ** x * lam**x * np.exp(-lam * T)
        dead_part = p * (1 - p) ** (x - 1) * lam**x * np.exp(-lam * tx)
        weight = alive_part + dead_part
        alive = rng.random(draws) < alive_part / weight
        # Future purchases of the alive: Poisson events, each followed by a drop
        # with probability p, until t: geometric count, truncated by a Poisson.
        n_events = rng.poisson(lam * t)
        n_kept = rng.geometric(p)  # purchases made before dropping out
        future = np.where(alive, np.minimum(n_events, n_kept), 0)
        model = BGNBDModel.from_params(**PUBLISHED_BG)
    else:
        r, alpha, s, beta = PUBLISHED_PNBD.values()
        lam = rng.gamma(r, 1 / alpha, draws)
        mu = rng.gamma(s, 1 / beta, draws)
        alive_part = lam**x * np.exp(-(lam + mu) * T)
        dead_part = (
            lam**x
            * mu
            / (lam + mu)
            * (np.exp(-(lam + mu) * tx) - np.exp(-(lam + mu) * T))
        )
        weight = alive_part + dead_part
        alive = rng.random(draws) < alive_part / weight
        remaining = rng.exponential(1 / mu)
        future = np.where(alive, rng.poisson(lam * np.minimum(remaining, t)), 0)
        model = ParetoNBDModel.from_params(**PUBLISHED_PNBD)
    w = weight / weight.sum()
    ess = 1 / np.sum(w**2)
    p_alive = float(w @ alive)
    expected = float(w @ future)
    se_alive = math.sqrt(p_alive * (1 - p_alive) / ess)
    se_expected = math.sqrt(float(w @ (future - expected) ** 2) / ess)
    assert abs(model.p_alive(x, tx, T) - p_alive) < 4.5 * se_alive
    assert abs(model.expected_purchases(t, x, tx, T) - expected) < 4.5 * se_expected


# ---------------------------------------------------------------------------
# Numerical stability


def test_p_alive_does_not_overflow_for_many_purchases():
    model = BGNBDModel.from_params(**PUBLISHED_BG)
    values = model.p_alive([200, 200, 500], [38.0, 1.0, 30.0], [38.86, 38.86, 38.86])
    assert np.isfinite(values).all()
    assert 0 < values[0] < 1
    assert 0 <= values[1] < 1e-100  # 200 purchases, none for 37 weeks: gone
    expected = model.expected_purchases(39, [200, 500], [38.0, 30.0], [38.86, 38.86])
    assert np.isfinite(expected).all()


def test_pareto_p_alive_is_finite_where_older_code_gave_nan():
    """CLVTools' test case of large frequencies."""
    model = ParetoNBDModel.from_params(r=0.5143, alpha=2.8845, s=0.2856, beta=14.1087)
    values = model.p_alive(
        [221, 254, 161, 204],
        [103.42857, 97.14286, 94.71429, 98.57143],
        [103.57143, 97.28571, 98.0, 99.42857],
    )
    assert np.isfinite(values).all()
    assert ((values > 0) & (values <= 1)).all()


# ---------------------------------------------------------------------------
# Parameter recovery


def test_sample_data_recover_their_parameters(rfm):
    purchases = cx.fit_bgnbd(rfm["frequency"], rfm["recency"], rfm["T"])
    spend = cx.fit_gamma_gamma(rfm["frequency"], rfm["monetary_value"])
    for model, truth in (
        (purchases, cx.datasets.PURCHASE_PARAMS),
        (spend, cx.datasets.SPEND_PARAMS),
    ):
        assert model.converged
        for name, value in truth.items():
            assert abs(model.params[name] - value) < 3 * model.standard_errors[name]


def _simulate_bgnbd(n, params, rng, horizon=52.0):
    r, alpha, a, b = params.values()
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    T = rng.uniform(horizon / 2, horizon, n)
    events = rng.poisson(lam * T)
    kept = rng.geometric(p)
    x = np.minimum(events, kept)
    tx = np.zeros(n)
    repeat = x > 0
    tx[repeat] = T[repeat] * rng.beta(x[repeat], events[repeat] - x[repeat] + 1)
    return x.astype(float), tx, T


def test_bgnbd_recovers_known_parameters_from_a_simulation():
    truth = {"r": 0.6, "alpha": 3.0, "a": 1.2, "b": 4.0}
    x, tx, T = _simulate_bgnbd(20_000, truth, np.random.default_rng(11))
    model = cx.fit_bgnbd(x, tx, T)
    assert model.converged
    for name, value in truth.items():
        assert abs(model.params[name] - value) < 3 * model.standard_errors[name]


# ---------------------------------------------------------------------------
# Convergence, honestly reported


def test_a_fit_without_drop_out_says_it_did_not_converge():
    """Purchases that never stop: s and beta of the Pareto/NBD run off together."""
    rng = np.random.default_rng(5)
    n = 3000
    lam = rng.gamma(2.0, 1 / 4.0, n)
    T = np.full(n, 52.0)
    x = rng.poisson(lam * T).astype(float)
    tx = np.where(x > 0, T * rng.beta(np.maximum(x, 1), 1), 0.0)  # last purchase late
    model = cx.fit_pareto_nbd(x, tx, T)
    if model.converged:  # pragma: no cover - the data always show it
        pytest.fail(f"expected no convergence: {model}")
    assert all(np.isfinite(list(model.params.values())))
    assert np.isnan(list(model.standard_errors.values())).all()
    assert "NOT CONVERGED" in str(model)
    assert model.message in str(model)


def test_verdict_names_each_failure():
    from cxmetrics.value._base import _verdict

    names = ("r", "alpha")
    good = np.eye(2)
    assert _verdict(names, np.zeros(2), 1.0, np.zeros(2), good, "")[0]
    cases = [
        (np.array([np.nan, 0.0]), 1.0, np.zeros(2), good, "not finite"),
        (np.array([30.0, 0.0]), 1.0, np.zeros(2), good, "r runs off towards infinity"),
        (np.array([0.0, -30.0]), 1.0, np.zeros(2), good, "alpha runs off towards 0"),
        (np.zeros(2), 1.0, np.array([1e-2, 0.0]), good, "gradient is not zero"),
        (np.zeros(2), 1.0, np.zeros(2), np.full((2, 2), np.nan), "not finite"),
        (np.zeros(2), 1.0, np.zeros(2), np.diag([1.0, -1.0]), "not positive definite"),
    ]
    for theta, value, gradient, hessian, words in cases:
        converged, message = _verdict(names, theta, value, gradient, hessian, "stop")
        assert not converged
        assert words in message


# ---------------------------------------------------------------------------
# Records


def test_model_records_print_and_convert(rfm):
    model = cx.fit_bgnbd(rfm["frequency"], rfm["recency"], rfm["T"])
    text = str(model)
    assert text.startswith("BG/NBD: r ")
    assert "(SE " in text
    assert f"n={model.n:,}" in text
    data = model.to_dict()
    assert data["params"] == model.params
    assert data["converged"] is True
    assert isinstance(data["covariance"], list)
    assert "<table>" in model._repr_html_()
    assert not model.covariance.flags.writeable
    given = GammaGammaModel.from_params(**PUBLISHED_GG)
    assert "SE" not in str(given)
    assert given.mean_spend == pytest.approx(6.25 * 15.44 / 2.74)
    assert GammaGammaModel.from_params(p=1, q=0.5, v=1).mean_spend == math.inf


def test_missing_values_are_omitted_and_counted():
    x = [0, 1, np.nan, 3, 2]
    tx = [0, 5, 3, 20, 10]
    T = [30, 30, 30, 30, 30]
    rng = np.random.default_rng(1)
    x_more, tx_more, T_more = _simulate_bgnbd(500, PUBLISHED_BG, rng)
    model = cx.fit_bgnbd(
        np.r_[x, x_more], np.r_[tx, tx_more], np.r_[T, T_more], weights=None
    )
    assert model.n_missing == 1
    assert model.n == 504
    assert "1 missing" in str(model)
    with pytest.raises(cx.InputError, match="nan_policy='raise'"):
        cx.fit_bgnbd(
            np.r_[x, x_more], np.r_[tx, tx_more], np.r_[T, T_more], nan_policy="raise"
        )


def test_predictions_propagate_nan_and_keep_scalars():
    model = BGNBDModel.from_params(**PUBLISHED_BG)
    assert isinstance(model.p_alive(1, 2.0, 10.0), float)
    values = model.p_alive([1, np.nan], [2.0, 2.0], [10.0, 10.0])
    assert isinstance(values, np.ndarray)
    assert np.isnan(values[1])
    # NaN where any input is NaN, also for customers without repeat purchases
    values = model.p_alive([0, 0, 0, 1], [np.nan, 0.0, 0.0, 2.0], [5.0, np.nan, 5.0, 9])
    assert np.isnan(values[:2]).all()
    assert values[2] == 1.0
    assert np.isnan(model.p_alive(np.nan, np.nan, np.nan))
    empty = model.expected_purchases(4.0, [], [], [])
    assert isinstance(empty, np.ndarray)
    assert empty.shape == (0,)
    assert model.p_alive([], [], []).shape == (0,)
    assert np.isnan(model.p_alive([np.nan] * 3, [np.nan] * 3, [np.nan] * 3)).all()
    grid = model.expected_purchases(np.array([[1.0], [2.0]]), [1, 2], [2.0, 3.0], 10.0)
    assert grid.shape == (2, 2)
    spend = GammaGammaModel.from_params(**PUBLISHED_GG)
    assert spend.expected_spend(0, 0.0) == pytest.approx(spend.mean_spend)
    assert np.isinf(GammaGammaModel.from_params(p=1, q=0.5, v=1).expected_spend(0, 0))


# ---------------------------------------------------------------------------
# Lifetime value


def test_lifetime_value_by_hand():
    purchases = BGNBDModel.from_params(**PUBLISHED_BG)
    spend = GammaGammaModel.from_params(**PUBLISHED_GG)
    history = (2, 30.43, 38.86)
    zbar = 22.35
    value = cx.lifetime_value(
        purchases,
        spend,
        *history,
        zbar,
        periods=3,
        period_length=4.0,
        discount_rate=0.05,
    )
    cumulative = [0.0] + [
        purchases.expected_purchases(4.0 * i, *history) for i in (1, 2, 3)
    ]
    by_hand = sum(
        (cumulative[i] - cumulative[i - 1]) / 1.05**i for i in (1, 2, 3)
    ) * spend.expected_spend(2, zbar)
    assert value == pytest.approx(by_hand, rel=1e-12)
    # Undiscounted, the periods add up to the whole span.
    whole = cx.lifetime_value(
        purchases, spend, *history, zbar, periods=1, period_length=12.0
    )
    assert cx.lifetime_value(
        purchases, spend, *history, zbar, periods=3, period_length=4.0
    ) == pytest.approx(whole)
    many = cx.lifetime_value(
        purchases, spend, [0, 2], [0.0, 30.43], [38.86, 38.86], [0.0, zbar], periods=2
    )
    assert many.shape == (2,)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"periods": 0}, "periods must be at least 1"),
        ({"periods": 2.5}, "periods must be a whole number"),
        ({"periods": 2, "period_length": 0}, "period_length must be a positive number"),
        ({"periods": 2, "discount_rate": -0.1}, "discount_rate must be a number >= 0"),
        ({"periods": 2, "discount_rate": [0.1, 0.2]}, "discount_rate must be"),
    ],
)
def test_lifetime_value_bad_options(kwargs, message):
    purchases = BGNBDModel.from_params(**PUBLISHED_BG)
    spend = GammaGammaModel.from_params(**PUBLISHED_GG)
    with pytest.raises(cx.InputError, match=message):
        cx.lifetime_value(purchases, spend, 1, 2.0, 3.0, 10.0, **kwargs)


def test_lifetime_value_wrong_models():
    purchases = BGNBDModel.from_params(**PUBLISHED_BG)
    spend = GammaGammaModel.from_params(**PUBLISHED_GG)
    with pytest.raises(cx.InputError, match="purchase_model must be"):
        cx.lifetime_value(spend, spend, 1, 2.0, 3.0, 10.0, periods=1)
    with pytest.raises(cx.InputError, match="spend_model must be"):
        cx.lifetime_value(purchases, purchases, 1, 2.0, 3.0, 10.0, periods=1)


# ---------------------------------------------------------------------------
# The holdout check


def test_holdout_check_against_pandas(log):
    rfm = cx.rfm_summary(log["customer_id"], log["date"], calibration_end="2025-09-30")
    model = cx.fit_pareto_nbd(rfm["frequency"], rfm["recency"], rfm["T"])
    table = cx.holdout_check(model, rfm, max_frequency=4)
    bucket = rfm["frequency"].clip(upper=4)
    predicted = pd.Series(
        model.expected_purchases(
            rfm["duration_holdout"], rfm["frequency"], rfm["recency"], rfm["T"]
        ),
        index=rfm.index,
    )
    grouped = pd.DataFrame(
        {"actual": rfm["frequency_holdout"], "predicted": predicted, "bucket": bucket}
    ).groupby("bucket")
    assert list(table.index) == ["0", "1", "2", "3", "4+"]
    np.testing.assert_array_equal(table["customers"], grouped.size())
    np.testing.assert_allclose(table["actual"], grouped["actual"].mean())
    np.testing.assert_allclose(table["predicted"], grouped["predicted"].mean())


def test_holdout_check_bad_input(rfm):
    model = BGNBDModel.from_params(**PUBLISHED_BG)
    with pytest.raises(cx.InputError, match="model must be"):
        cx.holdout_check("model", rfm)
    with pytest.raises(cx.InputError, match="summary must be a DataFrame"):
        cx.holdout_check(model, rfm.to_numpy())
    with pytest.raises(cx.InputError, match="frequency_holdout"):
        cx.holdout_check(model, rfm)
    with pytest.raises(cx.InputError, match="max_frequency"):
        cx.holdout_check(
            model,
            rfm.assign(frequency_holdout=0, duration_holdout=1.0),
            max_frequency=0,
        )


# ---------------------------------------------------------------------------
# rfm_summary


LOG = pd.DataFrame(
    {
        "customer": ["b", "a", "a", "a", "b", "c", "a", "b"],
        "date": pd.to_datetime(
            [
                "2025-01-08",
                "2025-01-01",
                "2025-01-01 18:00",
                "2025-01-15",
                "2025-02-05",
                "2025-03-01",
                "2025-03-12",
                "2025-03-20",
            ],
            format="ISO8601",
        ),
        "value": [5.0, 10.0, 2.0, 20.0, 7.0, 3.0, 40.0, 9.0],
    }
)


def test_rfm_summary_worked_example():
    rfm = cx.rfm_summary(LOG["customer"], LOG["date"], LOG["value"], unit="D")
    # a: days Jan 1 (two purchases), Jan 15, Mar 12; end Mar 20 (the last date)
    # b: Jan 8, Feb 5, Mar 20;  c: Mar 1 only.
    assert list(rfm.index) == ["a", "b", "c"]
    assert rfm.index.name == "customer"
    assert rfm["frequency"].tolist() == [2, 2, 0]
    assert rfm["recency"].tolist() == [70.0, 71.0, 0.0]
    assert rfm["T"].tolist() == [78.0, 71.0, 19.0]
    assert rfm["monetary_value"].tolist() == [30.0, 8.0, 0.0]
    assert rfm["frequency"].dtype == np.int64
    weeks = cx.rfm_summary(LOG["customer"], LOG["date"], unit="W")
    np.testing.assert_allclose(weeks["T"], rfm["T"] / 7)
    assert "monetary_value" not in weeks.columns
    four_weeks = cx.rfm_summary(
        LOG["customer"], LOG["date"], unit=pd.Timedelta(days=28)
    )
    np.testing.assert_allclose(four_weeks["T"], rfm["T"] / 28)


def test_rfm_summary_calibration_and_holdout():
    rfm = cx.rfm_summary(
        LOG["customer"].to_numpy(),
        LOG["date"],
        LOG["value"],
        unit="D",
        calibration_end="2025-02-05",
        observation_end="2025-03-15",
    )
    # c is first seen after the calibration; b's Feb 5 purchase is in it;
    # b's Mar 20 purchase is after the observation's end.
    assert list(rfm.index) == ["a", "b"]
    assert rfm.index.name == "customer_id"
    assert rfm["frequency"].tolist() == [1, 1]
    assert rfm["recency"].tolist() == [14.0, 28.0]
    assert rfm["T"].tolist() == [35.0, 28.0]
    assert rfm["frequency_holdout"].tolist() == [1, 0]
    assert rfm["duration_holdout"].tolist() == [38.0, 38.0]


def test_rfm_summary_time_zones_and_one_customer():
    aware = LOG["date"].dt.tz_localize("Europe/Berlin")
    rfm = cx.rfm_summary(LOG["customer"], aware, unit="D", observation_end="2025-03-20")
    assert rfm["T"].tolist() == [78.0, 71.0, 19.0]
    utc_end = pd.Timestamp("2025-03-19 23:30", tz="UTC")  # 00:30 on Mar 20 in Berlin
    again = cx.rfm_summary(LOG["customer"], aware, unit="D", observation_end=utc_end)
    assert again["T"].tolist() == [78.0, 71.0, 19.0]
    single = cx.rfm_summary(["x", "x"], ["2025-01-01", "2025-01-08"], unit="D")
    assert single.loc["x", "frequency"] == 1


def test_rfm_summary_missing_values():
    ids = ["a", None, "a", "b"]
    dates = ["2025-01-01", "2025-01-02", None, "2025-01-05"]
    rfm = cx.rfm_summary(ids, dates, unit="D")
    assert rfm.attrs["n_missing"] == 2
    assert rfm["frequency"].tolist() == [0, 0]
    with pytest.raises(cx.InputError, match="nan_policy='raise'"):
        cx.rfm_summary(ids, dates, nan_policy="raise")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"unit": "M"}, "unit='M' is not a time unit"),
        ({"unit": pd.Timedelta(0)}, "is not a time unit"),
        ({"calibration_end": "2025-04-01"}, "calibration_end .* must be before"),
        (
            {"observation_end": "not a date"},
            "observation_end are not ISO 8601 timestamps",
        ),
        ({"observation_end": pd.NaT}, "observation_end=NaT is not a date"),
        ({"observation_end": "2024-01-01"}, "no purchase on or before 2024-01-01"),
        ({"nan_policy": "propagate"}, "nan_policy"),
    ],
)
def test_rfm_summary_bad_options(kwargs, message):
    with pytest.raises(cx.InputError, match=message):
        cx.rfm_summary(LOG["customer"], LOG["date"], **kwargs)


def test_rfm_summary_bad_data():
    with pytest.raises(cx.InputError, match="values has 2 values"):
        cx.rfm_summary(LOG["customer"], LOG["date"], [1.0, 2.0])
    with pytest.raises(cx.InputError, match="dates must be timestamps"):
        cx.rfm_summary(["a"], [3])
    with pytest.raises(cx.InputError, match="empty"):
        cx.rfm_summary([], [])


# ---------------------------------------------------------------------------
# Bad input to the models


FITS = [cx.fit_bgnbd, cx.fit_pareto_nbd]


@pytest.mark.parametrize("fit", FITS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("x", "tx", "T", "message"),
    [
        ([1, -1, 0], [2, 0, 0], [5, 5, 5], "1 of 3 frequency values are negative"),
        ([1, 1.5, 0], [2, 1, 0], [5, 5, 5], "are not whole numbers"),
        (
            [1, 2, 0],
            [6, 1, 0],
            [5, 5, 5],
            r"recency values are greater than T \(6 > 5\)",
        ),
        (
            [1, 2, 0],
            [0, 1, 0],
            [5, 5, 5],
            "recency values are 0 where frequency is above 0",
        ),
        ([1, 0, 0], [2, 1, 0], [5, 5, 5], "above 0 where frequency is 0"),
        ([1, 2, 0], [2, 1, 0], [5, 5, -1], "T values are negative"),
        ([1, 2, 0], [2, 1, 0], [5, 5, np.inf], "T values are infinite"),
        ([1, 2], [2, 1, 0], [5, 5, 5], "recency has 3 values but there are 2"),
        ([3], [2], [5], "at least two customers; got 1"),
        ([0, 0, 0], [0, 0, 0], [5, 5, 5], "no customer has a repeat purchase"),
        ("abc", [0], [1], "frequency must be a number or an array of numbers"),
    ],
)
def test_purchase_fits_refuse_bad_histories(fit, x, tx, T, message):
    with pytest.raises(cx.InputError, match=message):
        fit(x, tx, T)


@pytest.mark.parametrize("fit", FITS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([1, 2], "weights has 2 values"),
        ([1, -1, 1], "weights values are negative"),
        ([1, 0.5, 1], "not whole numbers"),
        ([1, np.nan, 1], "missing or infinite"),
        ([[1, 1, 1]], "one-dimensional"),
    ],
)
def test_purchase_fits_refuse_bad_weights(fit, weights, message):
    with pytest.raises(cx.InputError, match=message):
        fit([1, 2, 0], [2, 1, 0], [5, 5, 5], weights=weights)


def test_an_empty_fit_is_refused():
    with pytest.raises(cx.InputError, match=r"^fit_bgnbd: frequency is empty$"):
        cx.fit_bgnbd([], [], [])


def test_one_customer_after_missing_values_is_refused():
    with pytest.raises(cx.InputError, match="got 1 after 1 with missing values"):
        cx.fit_bgnbd([1, np.nan], [2, 1], [5, 5])
    with pytest.raises(cx.InputError, match="nan_policy"):
        cx.fit_bgnbd([1, 2], [2, 1], [5, 5], nan_policy="propagate")


@pytest.mark.parametrize(
    ("x", "m", "message"),
    [
        ([1, 2, 0], [10, 0, 0], "1 of 3 monetary_value values are not positive"),
        ([1, 2, 0], [10, -4, 5], "not positive where frequency is above 0"),
        ([1, 0, 0], [10, 5, 5], "at least two customers with repeat purchases"),
        ([1, -2, 0], [10, 5, 5], "frequency values are negative"),
        ([1, 2], [10, 5, 5], "monetary_value has 3 values"),
    ],
)
def test_gamma_gamma_refuses_bad_spend(x, m, message):
    with pytest.raises(cx.InputError, match=message):
        cx.fit_gamma_gamma(x, m)


def test_model_methods_refuse_bad_input():
    model = BGNBDModel.from_params(**PUBLISHED_BG)
    pareto = ParetoNBDModel.from_params(**PUBLISHED_PNBD)
    with pytest.raises(cx.InputError, match="greater than T"):
        model.p_alive(1, 6.0, 5.0)
    with pytest.raises(cx.InputError, match="give frequency, recency and T together"):
        model.expected_purchases(10, 1, 2.0)
    with pytest.raises(cx.InputError, match="t values are negative"):
        pareto.expected_purchases(-1)
    with pytest.raises(cx.InputError, match="do not broadcast"):
        pareto.p_alive([1, 2], [1.0, 1.0, 1.0], 5.0)
    with pytest.raises(cx.InputError, match="must be a number or an array"):
        model.p_alive(pd.DataFrame({"x": [1]}), 1.0, 2.0)
    spend = GammaGammaModel.from_params(**PUBLISHED_GG)
    with pytest.raises(cx.InputError, match="not positive"):
        spend.expected_spend(2, 0.0)
    with pytest.raises(cx.InputError, match="do not broadcast"):
        spend.expected_spend([1, 2], [1.0, 2.0, 3.0])
    with pytest.raises(cx.InputError, match="positive numbers; got r=-1"):
        BGNBDModel.from_params(r=-1, alpha=1, a=1, b=1)


def _reversed(values):
    """A Series whose index runs the other way: rows would pair up by position."""
    return pd.Series(values, index=range(len(values) - 1, -1, -1))


def test_misaligned_series_are_refused_everywhere():
    # The same labels in another order would pair each customer's frequency
    # with another customer's recency: refused, never matched by position.
    x = pd.Series([2, 1, 0])
    tx, T = _reversed([30.0, 10.0, 0.0]), pd.Series([40.0, 40.0, 40.0])
    different = "are pandas objects with different indexes"
    for fit in FITS:
        with pytest.raises(cx.InputError, match=f"frequency and recency {different}"):
            fit(x, tx, T)
        with pytest.raises(cx.InputError, match=f"frequency and weights {different}"):
            fit(x, T, T, weights=_reversed([1, 1, 1]))
    with pytest.raises(
        cx.InputError,
        match=f"fit_gamma_gamma: frequency and monetary_value {different}",
    ):
        cx.fit_gamma_gamma(x, _reversed([10.0, 20.0, 30.0]))
    model = BGNBDModel.from_params(**PUBLISHED_BG)
    pareto = ParetoNBDModel.from_params(**PUBLISHED_PNBD)
    spend = GammaGammaModel.from_params(**PUBLISHED_GG)
    aligned = pd.Series([30.0, 10.0, 0.0])
    for purchases in (model, pareto):
        with pytest.raises(cx.InputError, match="p_alive: frequency and recency"):
            purchases.p_alive(x, tx, T)
        with pytest.raises(cx.InputError, match=f"frequency and t {different}"):
            purchases.expected_purchases(_reversed([1.0, 2.0, 3.0]), x, aligned, T)
    with pytest.raises(cx.InputError, match="expected_spend: frequency and"):
        spend.expected_spend(x, _reversed([10.0, 20.0, 30.0]))
    with pytest.raises(cx.InputError, match="lifetime_value: frequency and T"):
        cx.lifetime_value(model, spend, x, aligned, _reversed([40.0] * 3), x, periods=2)
    # Equal indexes in the same order, or arrays, are matched row by row.
    assert (
        model.p_alive(x, aligned, T).tolist()
        == model.p_alive(x.to_numpy(), aligned.to_numpy(), T.to_numpy()).tolist()
    )


# ---------------------------------------------------------------------------
# Import cost


def test_import_cxmetrics_does_not_load_the_value_models():
    import subprocess
    import sys

    code = (
        "import sys, cxmetrics as cx; "
        "print('cxmetrics.value' in sys.modules, 'scipy' in sys.modules); "
        "cx.fit_bgnbd; print('cxmetrics.value' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "False", "True"]
