"""Key driver analysis (`cx.key_drivers`) against independent references.

* R relaimpo ``calc.relimp(type="lmg")`` on R's ``swiss`` data (Fertility on
  the five socio-economic indicators; public domain, R datasets, 47 rows
  below): LMG for Education 0.2601 (Grömping 2006).
* A brute-force oracle: every subset of drivers refitted on the rows with
  ``np.linalg.lstsq`` (weighted least squares with weights), and the
  Shapley average of the R² gains written out over all orders.
* Johnson's (2000) relative weights built his original way, from the SVD
  of the standardized data (the orthogonal Z closest to X), not from the
  eigen-decomposition of the correlation matrix.
* Uncorrelated drivers: every decomposition gives each driver its squared
  correlation with the outcome.
"""

from __future__ import annotations

import io
import itertools
import math

import numpy as np
import pandas as pd
import pytest

import cxmetrics as cx

SWISS = """\
Fertility,Agriculture,Examination,Education,Catholic,Infant.Mortality
80.2,17,15,12,9.96,22.2
83.1,45.1,6,9,84.84,22.2
92.5,39.7,5,5,93.4,20.2
85.8,36.5,12,7,33.77,20.3
76.9,43.5,17,15,5.16,20.6
76.1,35.3,9,7,90.57,26.6
83.8,70.2,16,7,92.85,23.6
92.4,67.8,14,8,97.16,24.9
82.4,53.3,12,7,97.67,21
82.9,45.2,16,13,91.38,24.4
87.1,64.5,14,6,98.61,24.5
64.1,62,21,12,8.52,16.5
66.9,67.5,14,7,2.27,19.1
68.9,60.7,19,12,4.43,22.7
61.7,69.3,22,5,2.82,18.7
68.3,72.6,18,2,24.2,21.2
71.7,34,17,8,3.3,20
55.7,19.4,26,28,12.11,20.2
54.3,15.2,31,20,2.15,10.8
65.1,73,19,9,2.84,20
65.5,59.8,22,10,5.23,18
65,55.1,14,3,4.52,22.4
56.6,50.9,22,12,15.14,16.7
57.4,54.1,20,6,4.2,15.3
72.5,71.2,12,1,2.4,21
74.2,58.1,14,8,5.23,23.8
72,63.5,6,3,2.56,18
60.5,60.8,16,10,7.72,16.3
58.3,26.8,25,19,18.46,20.9
65.4,49.5,15,8,6.1,22.5
75.5,85.9,3,2,99.71,15.1
69.3,84.9,7,6,99.68,19.8
77.3,89.7,5,2,100,18.3
70.5,78.2,12,6,98.96,19.4
79.4,64.9,7,3,98.22,20.2
65,75.9,9,9,99.06,17.8
92.2,84.6,3,3,99.46,16.3
79.3,63.1,13,13,96.83,18.1
70.4,38.4,26,12,5.62,20.3
65.7,7.7,29,11,13.79,20.5
72.7,16.7,22,13,11.22,18.9
64.4,17.6,35,32,16.92,23
77.6,37.6,15,7,4.97,20
67.6,18.7,25,7,8.65,19.5
35,1.2,37,53,42.34,18
44.7,46.6,16,29,50.43,18.2
42.8,27.7,22,29,58.33,19.3
"""
DRIVERS = ["Agriculture", "Examination", "Education", "Catholic", "Infant.Mortality"]


@pytest.fixture(scope="module")
def swiss() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(SWISS))


def _r_squared(y: np.ndarray, x: np.ndarray, w: np.ndarray) -> float:
    """R² of the weighted least-squares fit of y on x with an intercept."""
    design = np.column_stack([np.ones(len(y)), x])
    root = np.sqrt(w)
    beta = np.linalg.lstsq(design * root[:, None], y * root, rcond=None)[0]
    residual = y - design @ beta
    mean = np.average(y, weights=w)
    return float(1 - (w * residual**2).sum() / (w * (y - mean) ** 2).sum())


def _brute_force_lmg(
    frame: pd.DataFrame, outcome: str, drivers: list[str], w: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """Average R² gain of each driver over every order of entry (p! orders)."""
    y = frame[outcome].to_numpy(dtype=float)
    x = frame[drivers].to_numpy(dtype=float)
    weights = np.ones(len(y)) if w is None else w
    cache: dict[frozenset[int], float] = {frozenset(): 0.0}

    def r2(subset: frozenset[int]) -> float:
        if subset not in cache:
            cache[subset] = _r_squared(y, x[:, sorted(subset)], weights)
        return cache[subset]

    p = len(drivers)
    gains = np.zeros(p)
    orders = list(itertools.permutations(range(p)))
    for order in orders:
        entered: frozenset[int] = frozenset()
        for j in order:
            gains[j] += r2(entered | {j}) - r2(entered)
            entered = entered | {j}
    return gains / len(orders), r2(frozenset(range(p)))


def _johnson_by_svd(
    frame: pd.DataFrame, outcome: str, drivers: list[str]
) -> np.ndarray:
    """Johnson (2000): Z = U V' from the SVD of the standardized drivers."""
    x = frame[drivers].to_numpy(dtype=float)
    y = frame[outcome].to_numpy(dtype=float)
    xs = (x - x.mean(0)) / x.std(0)
    ys = (y - y.mean()) / y.std()
    u, _, vt = np.linalg.svd(xs, full_matrices=False)
    z = math.sqrt(len(y)) * (u @ vt)  # uncorrelated, unit variance, closest to xs
    beta = np.linalg.lstsq(z, ys, rcond=None)[0]  # y on Z (standardized)
    loadings = np.linalg.lstsq(z, xs, rcond=None)[0]  # X on Z
    return (loadings.T**2) @ (beta**2)


def test_lmg_on_swiss_equals_relaimpo_and_brute_force(swiss: pd.DataFrame) -> None:
    table = cx.key_drivers(swiss, "Fertility", DRIVERS, n_resamples=50, rng=0)
    assert list(table["driver"]) == DRIVERS
    education = table.set_index("driver").loc["Education", "importance"]
    assert round(education, 4) == 0.2601  # relaimpo, lmg
    expected, r2 = _brute_force_lmg(swiss, "Fertility", DRIVERS)
    np.testing.assert_allclose(table["importance"], expected, atol=1e-12)
    assert table.attrs["r_squared"] == pytest.approx(r2, abs=1e-12)
    assert table.attrs["r_squared"] == pytest.approx(0.7067, abs=5e-5)
    assert table["importance"].sum() == pytest.approx(r2)
    assert table["share"].sum() == pytest.approx(1.0)
    assert list(table["rank"]) == [5, 2, 1, 4, 3]
    assert table.attrs["method"] == "shapley"
    assert table.attrs["n"] == 47
    assert table.attrs["n_missing"] == 0


def test_relative_weights_equal_johnson_s_construction(swiss: pd.DataFrame) -> None:
    table = cx.key_drivers(
        swiss, "Fertility", DRIVERS, method="relative_weights", n_resamples=50, rng=0
    )
    expected = _johnson_by_svd(swiss, "Fertility", DRIVERS)
    np.testing.assert_allclose(table["importance"], expected, atol=1e-12)
    assert table["importance"].sum() == pytest.approx(table.attrs["r_squared"])
    # Close to the Shapley split (within 0.02 of R² here), the same top driver.
    shapley = cx.key_drivers(swiss, "Fertility", DRIVERS, n_resamples=50, rng=0)
    assert np.abs(table["importance"] - shapley["importance"]).max() < 0.02
    assert table.loc[table["rank"] == 1, "driver"].item() == "Education"


def test_weighted_decomposition_equals_weighted_least_squares(
    swiss: pd.DataFrame,
) -> None:
    w = np.random.default_rng(2).uniform(0.2, 3.0, len(swiss))
    table = cx.key_drivers(
        swiss, "Fertility", DRIVERS[:4], weights=w, n_resamples=20, rng=0
    )
    expected, r2 = _brute_force_lmg(swiss, "Fertility", DRIVERS[:4], w)
    np.testing.assert_allclose(table["importance"], expected, atol=1e-12)
    assert table.attrs["r_squared"] == pytest.approx(r2)
    # A column name, or a Series on the frame's index, works the same.
    named = cx.key_drivers(
        swiss.assign(w=w), "Fertility", DRIVERS[:4], weights="w", n_resamples=20, rng=0
    )
    pd.testing.assert_frame_equal(named, table)


def test_uncorrelated_drivers_get_their_squared_correlations() -> None:
    # Two orthogonal +-1 drivers (a balanced 2x2 design): R²(S) adds up.
    a = np.tile([1.0, -1.0], 20)
    b = np.repeat([1.0, -1.0, 1.0, -1.0], 10)
    noise = np.random.default_rng(5).normal(size=40)
    frame = pd.DataFrame({"y": 2 * a + b + noise, "a": a, "b": b})
    r = frame.corr()["y"]
    for method in ("shapley", "relative_weights"):
        table = cx.key_drivers(frame, "y", ["a", "b"], method=method, n_resamples=10)
        np.testing.assert_allclose(
            table["importance"], [r["a"] ** 2, r["b"] ** 2], atol=1e-12
        )


def test_ten_drivers_against_brute_force() -> None:
    rng = np.random.default_rng(8)
    x = rng.normal(size=(300, 10)) + rng.normal(size=(300, 1))  # correlated
    y = x @ np.linspace(1.0, 0.1, 10) + rng.normal(size=300) * 2
    names = [f"d{i}" for i in range(10)]
    frame = pd.DataFrame(x, columns=names).assign(y=y)
    table = cx.key_drivers(frame, "y", names, n_resamples=5, rng=1)
    # Brute force over subsets (faster than the 10! orders, the same sum).
    p = 10
    r2 = {
        subset: _r_squared(y, x[:, list(subset)], np.ones(300)) if subset else 0.0
        for k in range(p + 1)
        for subset in itertools.combinations(range(p), k)
    }
    expected = np.zeros(p)
    for subset, value in r2.items():
        for j in range(p):
            if j in subset:
                continue
            grown = tuple(sorted((*subset, j)))
            k = len(subset)
            weight = math.factorial(k) * math.factorial(p - k - 1) / math.factorial(p)
            expected[j] += weight * (r2[grown] - value)
    np.testing.assert_allclose(table["importance"], expected, atol=1e-10)


def test_bootstrap_percentiles_of_resampled_rows(swiss: pd.DataFrame) -> None:
    # The intervals are percentiles of the decomposition of resampled rows:
    # rebuilt here from the same draws (int32 row indices, uniform with
    # replacement, one resample after the other) with the brute-force oracle.
    drivers = DRIVERS[:3]
    table = cx.key_drivers(
        swiss, "Fertility", drivers, n_resamples=30, confidence=0.9, rng=11
    )
    rng = np.random.default_rng(11)
    draws = []
    for _ in range(30):
        rows = rng.integers(0, len(swiss), size=len(swiss), dtype=np.int32)
        draws.append(_brute_force_lmg(swiss.iloc[rows], "Fertility", drivers)[0])
    low, high = np.quantile(np.array(draws), [0.05, 0.95], axis=0)
    np.testing.assert_allclose(table["ci_low"], low, atol=1e-10)
    np.testing.assert_allclose(table["ci_high"], high, atol=1e-10)
    again = cx.key_drivers(
        swiss, "Fertility", drivers, n_resamples=30, confidence=0.9, rng=11
    )
    pd.testing.assert_frame_equal(again, table)


def test_many_drivers_take_relative_weights_and_shapley_refuses() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 20))
    names = [f"q{i}" for i in range(20)]
    frame = pd.DataFrame(x, columns=names).assign(y=x[:, :5].sum(axis=1))
    table = cx.key_drivers(
        frame, "y", names, method="relative_weights", n_resamples=20, rng=0
    )
    assert set(table.loc[table["rank"] <= 5, "driver"]) == set(names[:5])
    with pytest.raises(
        cx.InputError,
        match=r"20 drivers are more than the 15 that method='shapley' can take "
        r"\(it fits all 2\*\*20 subsets\); use method='relative_weights'",
    ):
        cx.key_drivers(frame, "y", names)


def test_missing_values_follow_nan_policy(swiss: pd.DataFrame) -> None:
    holed = swiss.copy()
    holed.loc[[0, 5], "Education"] = np.nan
    holed.loc[9, "Fertility"] = np.nan
    table = cx.key_drivers(holed, "Fertility", DRIVERS, n_resamples=20, rng=0)
    expected, _ = _brute_force_lmg(swiss.drop(index=[0, 5, 9]), "Fertility", DRIVERS)
    np.testing.assert_allclose(table["importance"], expected, atol=1e-12)
    assert table.attrs["n_missing"] == 3
    assert table.attrs["n"] == 44
    with pytest.raises(cx.InputError, match="3 of 47 rows have a missing outcome"):
        cx.key_drivers(holed, "Fertility", DRIVERS, nan_policy="raise")
    nan = cx.key_drivers(holed, "Fertility", DRIVERS, nan_policy="propagate")
    assert nan["importance"].isna().all()
    assert math.isnan(nan.attrs["r_squared"])


def test_labelled_ratings_and_booleans_are_drivers() -> None:
    rng = np.random.default_rng(4)
    n = 200
    ease = rng.integers(1, 6, n)
    labels = ["Very hard", "Hard", "Neutral", "Easy", "Very easy"]
    frame = pd.DataFrame(
        {
            "nps": np.clip(ease * 2 + rng.integers(-2, 3, n), 0, 10),
            "ease": pd.Categorical.from_codes(ease - 1, labels, ordered=True),
            "resolved": rng.random(n) < 0.7,
        }
    )
    table = cx.key_drivers(frame, "nps", ["ease", "resolved"], n_resamples=10)
    numeric = cx.key_drivers(
        frame.assign(ease=ease, resolved=frame["resolved"].astype(float)),
        "nps",
        ["ease", "resolved"],
        n_resamples=10,
    )
    np.testing.assert_allclose(table["importance"], numeric["importance"])


def test_on_the_sample_survey_the_designed_order_comes_out() -> None:
    survey = cx.datasets.load_survey()
    drivers = list(cx.datasets.SURVEY_DRIVERS)
    table = cx.key_drivers(survey, "nps", drivers, n_resamples=100, rng=2)
    assert list(table["rank"]) == [1, 2, 3, 4, 5]
    assert (table["ci_low"] <= table["importance"]).all()
    assert (table["importance"] <= table["ci_high"]).all()
    # CSAT has blanks: they are left out and counted.
    csat = cx.key_drivers(survey, "csat", drivers, n_resamples=20, rng=2)
    assert csat.attrs["n_missing"] == int(survey["csat"].isna().sum())


@pytest.mark.parametrize(
    ("outcome", "drivers", "options", "message"),
    [
        (
            "Fertility",
            ["Education", "Educ"],
            {},
            "key_drivers: 1 column not in frame ('Educ'); its columns: 'Fertility'",
        ),
        ("Fertility", [], {}, "key_drivers: drivers must name at least one column"),
        (
            "Fertility",
            ["Education", "Education"],
            {},
            "key_drivers: drivers names 'Education' twice",
        ),
        (
            "Fertility",
            ["Fertility", "Education"],
            {},
            "key_drivers: the outcome 'Fertility' is also among the drivers",
        ),
        ("Fertility", ["Education"], {"method": "lmg"}, "key_drivers: method='lmg'"),
        ("Fertility", ["Education"], {"n_resamples": 0}, "key_drivers: n_resamples"),
        ("Fertility", ["Education"], {"confidence": 2}, "key_drivers: confidence"),
        ("Fertility", ["Education"], {"weights": "wt"}, "key_drivers: weights 'wt'"),
        (
            "Fertility",
            ["Education"],
            {"weights": np.ones(3)},
            "key_drivers: weights has 3 values but there are 47 rows",
        ),
        ("Fertility", ["Education"], {"nan_policy": "drop"}, "key_drivers: nan_policy"),
    ],
)
def test_bad_calls(
    swiss: pd.DataFrame, outcome: str, drivers: list, options: dict, message: str
) -> None:
    with pytest.raises(cx.InputError) as error:
        cx.key_drivers(swiss, outcome, drivers, **options)
    assert str(error.value).startswith(message)


def test_bad_data_names_the_fix(swiss: pd.DataFrame) -> None:
    with pytest.raises(cx.InputError, match="frame must be a pandas DataFrame"):
        cx.key_drivers([1, 2], "y", ["x"])  # type: ignore[arg-type]
    with pytest.raises(cx.InputError, match="frame has no rows"):
        cx.key_drivers(swiss.iloc[:0], "Fertility", ["Education"])
    flat = swiss.assign(Fertility=70.0)
    with pytest.raises(cx.InputError, match="the outcome 'Fertility' has no variance"):
        cx.key_drivers(flat, "Fertility", DRIVERS)
    constant = swiss.assign(Examination=12)
    with pytest.raises(
        cx.InputError, match=r"1 driver is constant in the rows used \('Examination'\)"
    ):
        cx.key_drivers(constant, "Fertility", DRIVERS)
    total = swiss.assign(Total=swiss["Education"] + swiss["Examination"])
    with pytest.raises(
        cx.InputError,
        match=r"3 drivers are perfectly collinear, one a linear combination of "
        r"the others \(e.g. a total of the rest\): 'Examination', 'Education', "
        r"'Total'; drop one of them",
    ):
        cx.key_drivers(total, "Fertility", ["Examination", "Education", "Total"])
    with pytest.raises(cx.InputError, match="5 complete rows with a positive weight"):
        cx.key_drivers(swiss.head(5), "Fertility", DRIVERS)
    # Object dtype on every pandas (pandas 3 would infer its own text dtype).
    text = swiss.assign(Region=pd.Series("Vaud", index=swiss.index, dtype=object))
    with pytest.raises(
        cx.InputError, match=r"47 of 47 values of 'Region' are not numbers \('Vaud'\)"
    ):
        cx.key_drivers(text, "Fertility", ["Region"])
    # A text dtype (pandas' own, the default for text on pandas 3) says so.
    typed = swiss.assign(Region=pd.Series("Vaud", index=swiss.index, dtype="string"))
    with pytest.raises(
        cx.InputError,
        match=r"key_drivers: values of 'Region' must be numbers; got "
        r"text such as 'Vaud'",
    ):
        cx.key_drivers(typed, "Fertility", ["Region"])
    infinite = swiss.assign(Education=np.inf)
    with pytest.raises(cx.InputError, match="must be finite numbers"):
        cx.key_drivers(infinite, "Fertility", ["Education"])
    one = cx.key_drivers(swiss, "Fertility", "Education", n_resamples=5)
    assert one["share"].item() == pytest.approx(1.0)
