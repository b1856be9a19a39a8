"""Bad input to the survey-design, key-driver and monitoring functions and charts.

Each public function added with raking, sample sizes, key drivers, control
charts and funnel plots is fed empty input, missing values, values off
their scale, pandas objects that do not line up, and values of the wrong
type; each must answer with `cxmetrics.InputError` naming the function and
the rule. The cases the feature tests already cover are not repeated here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import pandas as pd
import pytest

import cxmetrics as cx


def exact(message: str) -> str:
    return "^" + re.escape(message) + "$"


# ---------------------------------------------------------------------------
# key_drivers


@pytest.fixture(scope="module")
def ratings() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 60))
    return pd.DataFrame({"y": a + 0.5 * b + rng.normal(size=60), "a": a, "b": b})


def drivers_of(frame: pd.DataFrame, **options: Any) -> pd.DataFrame:
    return cx.key_drivers(frame, "y", ["a", "b"], n_resamples=5, rng=1, **options)


def test_key_drivers_without_a_complete_row(ratings: pd.DataFrame) -> None:
    with pytest.raises(
        cx.InputError,
        match=exact(
            "key_drivers: 0 complete rows with a positive weight for 2 drivers; "
            "the regression needs at least 4 (drivers + 2)"
        ),
    ):
        drivers_of(ratings.assign(y=np.nan))


def test_key_drivers_counts_rows_with_a_missing_weight(ratings: pd.DataFrame) -> None:
    weights = np.ones(len(ratings))
    weights[[3, 7]] = np.nan
    table = drivers_of(ratings, weights=weights)
    assert table.attrs["n"] == 58
    assert table.attrs["n_missing"] == 2
    # The same as leaving those rows out by hand.
    kept = drivers_of(ratings.drop(index=[3, 7]))
    np.testing.assert_allclose(table["importance"], kept["importance"])


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (-np.ones(60), "key_drivers: 60 of 60 weights are negative (-1)"),
        (np.array(["x"] * 60), "key_drivers: weights must be numbers; got text"),
        (
            pd.Series(np.ones(60), index=range(100, 160)),
            "key_drivers: frame and weights are pandas objects with different indexes",
        ),
    ],
    ids=["negative", "text", "other-index"],
)
def test_key_drivers_bad_weights(
    ratings: pd.DataFrame, weights: Any, message: str
) -> None:
    with pytest.raises(cx.InputError) as error:
        drivers_of(ratings, weights=weights)
    assert str(error.value).startswith(message)


def test_key_drivers_unordered_text_categories_are_not_ratings(
    ratings: pd.DataFrame,
) -> None:
    frame = ratings.assign(c=pd.Categorical(["lo", "hi"] * 30))
    with pytest.raises(
        cx.InputError,
        match=r"^key_drivers: values of 'c' is a Categorical of non-numbers",
    ):
        cx.key_drivers(frame, "y", ["a", "c"], n_resamples=5)


def test_key_drivers_dates_are_not_ratings(ratings: pd.DataFrame) -> None:
    frame = ratings.assign(c=pd.date_range("2024-01-01", periods=60))
    with pytest.raises(
        cx.InputError, match=r"^key_drivers: values of 'c' must be numbers; got dates"
    ):
        cx.key_drivers(frame, "y", ["a", "c"], n_resamples=5)


@pytest.mark.parametrize(
    ("outcome", "drivers", "message"),
    [
        ("y", 5, "1 column not in frame \\(5\\)"),
        ("y", None, "drivers must name at least one column; got None"),
        ("y", 1.5, "1 column not in frame \\(1.5\\)"),
        ("y", {"a", "b"}, "drivers must be a list .* a set, which has no order"),
        (["y"], ["a"], "a column must be named by a column label; got a list"),
    ],
    ids=["drivers-int", "drivers-none", "drivers-float", "drivers-set", "outcome-list"],
)
def test_key_drivers_columns_of_the_wrong_type(
    ratings: pd.DataFrame, outcome: Any, drivers: Any, message: str
) -> None:
    with pytest.raises(cx.InputError, match=r"^key_drivers: " + message):
        cx.key_drivers(ratings, outcome, drivers, n_resamples=5)


# ---------------------------------------------------------------------------
# rake


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return pd.DataFrame({"g": ["x", "y", "x", "y", "x"]})


MARGIN = {"g": {"x": 0.5, "y": 0.5}}


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([np.nan, 1, 1, 1, 1], "rake: 1 of 5 weights are missing or infinite (nan)"),
        ([np.inf, 1, 1, 1, 1], "rake: 1 of 5 weights are missing or infinite (inf)"),
        ([-1, 1, 1, 1, 1], "rake: 1 of 5 weights are negative (-1)"),
        (["a"] * 5, "rake: weights must be numbers; got text such as 'a'"),
    ],
    ids=["missing", "infinite", "negative", "text"],
)
def test_rake_bad_design_weights(
    sample: pd.DataFrame, weights: list[Any], message: str
) -> None:
    with pytest.raises(cx.InputError, match=exact(message)):
        cx.rake(sample, MARGIN, weights=weights)


@pytest.mark.parametrize(
    ("margins", "message"),
    [
        (
            {"g": {"x": np.nan, "y": 0.5}},
            "rake: targets of margins['g'] must be finite; got nan",
        ),
        (
            {"g": {"x": None, "y": 0.5}},
            "rake: targets of margins['g'] must be numbers; got None",
        ),
        (
            [("g", {"x": 1.0})],
            "rake: margins must be a non-empty mapping {column: {category: "
            "target}}, e.g. {'region': {'North': 0.4, 'South': 0.6}}; got list",
        ),
        (
            "g",
            "rake: margins must be a non-empty mapping {column: {category: "
            "target}}, e.g. {'region': {'North': 0.4, 'South': 0.6}}; got str",
        ),
        (
            {"g": [0.5, 0.5]},
            "rake: margins['g'] must be a non-empty mapping {category: target} or "
            "a Series; got [0.5, 0.5]",
        ),
    ],
    ids=["missing-target", "none-target", "list", "str", "list-targets"],
)
def test_rake_bad_margins(sample: pd.DataFrame, margins: Any, message: str) -> None:
    with pytest.raises(cx.InputError, match=exact(message)):
        cx.rake(sample, margins)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_iter": 2.5}, "rake: max_iter must be a whole number; got 2.5"),
        ({"tol": "x"}, "rake: tol must be a positive number; got 'x'"),
        ({"tol": math.nan}, "rake: tol must be a positive number; got nan"),
    ],
)
def test_rake_bad_options(
    sample: pd.DataFrame, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(cx.InputError, match=exact(message)):
        cx.rake(sample, MARGIN, **options)


# ---------------------------------------------------------------------------
# sample_size


@pytest.mark.parametrize(
    ("kind", "options", "message"),
    [
        ("rate", {"margin": math.nan}, "sample_size: margin must be a positive number"),
        ("rate", {"margin": math.inf}, "sample_size: margin must be a positive number"),
        ("rate", {"margin": "0.05"}, "sample_size: margin must be a positive number"),
        ("rate", {"margin": True}, "sample_size: margin must be a positive number"),
        ("nps", {"difference": math.nan}, "sample_size: difference must be a number"),
        (
            "rate",
            {"margin": 0.05, "proportion": math.nan},
            "sample_size: proportion is a share from 0 to 1",
        ),
        (
            "nps",
            {"margin": 5, "promoters": -0.1, "detractors": 0.2},
            "sample_size: promoters is a share from 0 to 1",
        ),
        (
            "nps",
            {"margin": 5, "promoters": 0.4, "detractors": math.nan},
            "sample_size: detractors is a share from 0 to 1",
        ),
        ("mean", {"margin": 0.1, "sd": math.nan}, "sample_size: sd must be a positive"),
        ("mean", {"margin": 0.1, "sd": "1"}, "sample_size: sd must be a positive"),
        ("nps", {"difference": 5, "power": math.nan}, "sample_size: power must be"),
        (
            "rate",
            {"margin": 0.05, "confidence": math.nan},
            "sample_size: confidence must be",
        ),
        (
            "rate",
            {"margin": 0.05, "population": 100.5},
            "sample_size: population must be a whole number",
        ),
        (
            "rate",
            {"margin": 0.05, "population": "100"},
            "sample_size: population must be a whole number",
        ),
        (3, {"margin": 5}, "sample_size: kind=3 is not one of 'nps', 'rate', 'mean'"),
    ],
)
def test_sample_size_missing_and_wrong_types(
    kind: Any, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(cx.InputError) as error:
        cx.sample_size(kind, **options)
    assert str(error.value).startswith(message)


@pytest.mark.parametrize(
    ("kind", "options", "message"),
    [
        ("rate", {"difference": 5}, "a rate's difference is a fraction"),
        ("rate", {"difference": -1.5}, "a rate's difference is a fraction"),
        ("nps", {"difference": 300}, "a net score's difference is in points and"),
        ("nps", {"margin": 250}, "a net score's margin is in points and at most 200"),
    ],
)
def test_sample_size_refuses_differences_and_margins_beyond_the_range(
    kind: str, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(cx.InputError, match=r"^sample_size: " + message):
        cx.sample_size(kind, **options)


@pytest.mark.parametrize(
    ("kind", "difference", "options", "variance", "unit"),
    [
        ("rate", 0.05, {}, 0.25, 1.0),
        ("rate", 0.1, {"proportion": 0.3, "power": 0.9}, 0.21, 1.0),
        ("nps", 10, {"promoters": 0.4, "detractors": 0.2}, 0.56, 100.0),
        ("mean", 0.3, {"sd": 1.1}, 1.21, 1.0),
    ],
)
def test_sample_size_per_group_equals_statsmodels_power(
    kind: str, difference: float, options: dict[str, Any], variance: float, unit: float
) -> None:
    # statsmodels solves the two-sided z-test's power equation (both tails)
    # for n per group, from the standardized effect.
    power_module = pytest.importorskip("statsmodels.stats.power")
    power = options.get("power", 0.8)
    effect = difference / unit / math.sqrt(variance)
    n = power_module.NormalIndPower().solve_power(
        effect_size=effect, alpha=0.05, power=power, ratio=1.0
    )
    assert cx.sample_size(kind, difference=difference, **options) == math.ceil(n)


# ---------------------------------------------------------------------------
# control_chart and funnel_plot


@pytest.fixture(scope="module")
def weekly() -> pd.DataFrame:
    return cx.datasets.load_weekly_survey()


def chart(frame: Any, metric: Any = cx.nps, **options: Any) -> pd.DataFrame:
    return cx.control_chart(frame, metric, column="nps", time="date", **options)


def funnel(frame: Any, metric: Any = cx.nps, **options: Any) -> pd.DataFrame:
    return cx.funnel_plot(frame, metric, column="nps", by="agent", **options)


MONITORS = {"control_chart": chart, "funnel_plot": funnel}


@pytest.fixture(params=list(MONITORS))
def monitor(request: pytest.FixtureRequest) -> tuple[str, Callable[..., Any]]:
    return request.param, MONITORS[request.param]


def test_monitors_refuse_an_empty_frame(
    weekly: pd.DataFrame, monitor: tuple[str, Callable[..., Any]]
) -> None:
    name, call = monitor
    with pytest.raises(cx.InputError, match=exact(f"{name}: frame has no rows")):
        call(weekly.iloc[:0])


def test_monitors_raise_on_missing_scores_when_asked(
    weekly: pd.DataFrame, monitor: tuple[str, Callable[..., Any]]
) -> None:
    name, call = monitor
    holed = weekly.assign(nps=weekly["nps"].astype(float))
    holed.loc[holed.index[:51], "nps"] = np.nan
    with pytest.raises(
        cx.InputError,
        match=exact(
            f"{name}: cx.nps on 'nps': 51 of 7,319 scores are missing and "
            "nan_policy='raise'"
        ),
    ):
        call(holed, nan_policy="raise")
    # Left out by default: the counts are those of the answered rows.
    assert call(holed)["n"].sum() == len(weekly) - 51


def test_monitors_refuse_scores_off_the_scale(
    weekly: pd.DataFrame, monitor: tuple[str, Callable[..., Any]]
) -> None:
    name, call = monitor
    off = weekly.assign(nps=weekly["nps"].where(weekly.index > 3, 11))
    with pytest.raises(
        cx.InputError,
        match=exact(
            f"{name}: cx.nps on 'nps': 4 of 7,319 scores are outside the 0-10 "
            "scale (11)"
        ),
    ):
        call(off)


def test_monitors_refuse_weights_of_another_length(
    weekly: pd.DataFrame, monitor: tuple[str, Callable[..., Any]]
) -> None:
    name, call = monitor
    with pytest.raises(
        cx.InputError,
        match=exact(
            f"{name}: weights has 3 values but frame has 7,319 rows; they must "
            "align one to one"
        ),
    ):
        call(weekly, weights=np.ones(3))


def test_monitors_refuse_a_frame_or_metric_of_the_wrong_type(
    weekly: pd.DataFrame, monitor: tuple[str, Callable[..., Any]]
) -> None:
    name, call = monitor
    with pytest.raises(
        cx.InputError,
        match=exact(f"{name}: frame must be a pandas or dask DataFrame; got list"),
    ):
        call([1, 2])
    with pytest.raises(
        cx.InputError,
        match=rf"^{name}: metric must be one of the cxmetrics metric functions "
        r"\(.*\); got str$",
    ):
        call(weekly, metric="nps")
    with pytest.raises(cx.InputError, match=r"; got erlang_c$"):
        call(weekly, metric=cx.erlang_c)


def test_control_chart_refuses_times_that_are_not_times(weekly: pd.DataFrame) -> None:
    with pytest.raises(
        cx.InputError,
        match=exact(
            "control_chart: 7,319 of 7,319 strings in time column 'date' are not "
            "ISO 8601 timestamps ('abc')"
        ),
    ):
        chart(weekly.assign(date="abc"))
    with pytest.raises(
        cx.InputError,
        match=r"^control_chart: time column 'date' must be timestamps; got numbers",
    ):
        chart(weekly.assign(date=np.arange(len(weekly))))


def test_funnel_plot_refuses_a_column_not_in_the_frame(weekly: pd.DataFrame) -> None:
    with pytest.raises(
        cx.InputError,
        match=exact(
            "funnel_plot: column 'zz' is not a column of frame (its columns: "
            "'response_id', 'date', 'agent', 'nps', 'csat')"
        ),
    ):
        cx.funnel_plot(weekly, cx.nps, column="zz", by="agent")


# ---------------------------------------------------------------------------
# The charts of key drivers, control charts and funnel plots


@pytest.fixture(scope="module")
def tables(weekly: pd.DataFrame) -> dict[str, pd.DataFrame]:
    survey = cx.datasets.load_survey()
    return {
        "plot_control_chart": chart(weekly, baseline=26),
        "plot_funnel": funnel(weekly),
        "plot_drivers": cx.key_drivers(
            survey, "nps", list(cx.datasets.SURVEY_DRIVERS), n_resamples=5, rng=1
        ),
    }


@pytest.mark.parametrize("name", ["plot_control_chart", "plot_funnel", "plot_drivers"])
def test_charts_refuse_empty_tables_and_wrong_types(
    tables: dict[str, pd.DataFrame], name: str
) -> None:
    pytest.importorskip("matplotlib")
    from cxmetrics import plotting

    draw = getattr(plotting, name)
    for given, got in (
        ([1, 2], "list"),
        (None, "NoneType"),
        (cx.nps([9]), "NPSResult"),
    ):
        with pytest.raises(
            cx.InputError,
            match=exact(f"{name}: frame must be a pandas DataFrame, got {got}"),
        ):
            draw(given)
    with pytest.raises(cx.InputError, match=exact(f"{name}: frame is empty")):
        draw(tables[name].iloc[:0])
    with pytest.raises(
        cx.InputError,
        match=exact(
            f"{name}: ax must be matplotlib Axes (or None for a new figure); got str"
        ),
    ):
        draw(tables[name], ax="left")


# ---------------------------------------------------------------------------
# Queue records as dicts


@pytest.mark.parametrize("model", ["erlang_c", "erlang_a"])
def test_queue_records_as_dicts_leave_the_index_out(model: str) -> None:
    calls = pd.Series([100.0, 120.0], index=["09:00", "09:30"])
    options = {"patience": 120.0} if model == "erlang_a" else {}
    record = getattr(cx, model)(
        calls, aht=240, agents=20, interval=1800, target_time=20, **options
    )
    as_dict = record.to_dict()
    fields = [f.name for f in attrs.fields(type(record)) if f.name != "index"]
    assert list(as_dict) == fields
    # Offered load by hand: calls x handle time / interval length.
    assert as_dict["traffic"] == pytest.approx([100 * 240 / 1800, 120 * 240 / 1800])
    for name in fields:
        value = getattr(record, name)
        if isinstance(value, np.ndarray):
            assert as_dict[name] == value.tolist()
        else:
            assert as_dict[name] == value
    assert record.to_frame().index.tolist() == ["09:00", "09:30"]
