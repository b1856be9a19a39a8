"""The bundled sample data: shape, dtypes, ranges, invariants, realism, determinism.

Reference values are computed here with plain pandas on the raw CSV files
(and lifelines for the Kaplan-Meier median), never with cxmetrics' metrics.
"""

from __future__ import annotations

import importlib.util
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cxmetrics as cx
from cxmetrics import datasets
from cxmetrics.datasets import (
    CALL_QUEUES,
    CHANNELS,
    FUNNEL_STAGES,
    HOLIDAYS,
    PLANS,
    PRIORITIES,
    REGIONS,
    SOURCES,
    TICKET_CHANNELS,
    load_survey,
)

COLUMNS = ["response_id", "date", "region", "channel", "nps", "csat", "ces"]
SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return load_survey()


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """The shipped file read with pandas defaults: what load_survey must preserve."""
    with (resources.files("cxmetrics") / "data" / "survey.csv").open("rb") as f:
        return pd.read_csv(f)


def nps_points(scores: pd.Series) -> float:
    """NPS from value counts: percent of 9-10 minus percent of 0-6."""
    shares = scores.value_counts(normalize=True)
    promoters = shares.reindex([9, 10], fill_value=0).sum()
    detractors = shares.reindex(range(7), fill_value=0).sum()
    return float(100 * (promoters - detractors))


def test_shape_and_columns(survey: pd.DataFrame) -> None:
    assert survey.shape == (3000, 7)
    assert list(survey.columns) == COLUMNS


def test_dtypes(survey: pd.DataFrame) -> None:
    assert survey["response_id"].dtype == np.int64
    assert pd.api.types.is_datetime64_dtype(survey["date"])
    assert survey["nps"].dtype == np.int64
    assert survey["csat"].dtype == pd.Int64Dtype()
    assert survey["ces"].dtype == pd.Int64Dtype()
    assert list(survey["region"].cat.categories) == list(REGIONS)
    assert list(survey["channel"].cat.categories) == list(CHANNELS)


def test_values_equal_the_raw_file(survey: pd.DataFrame, raw: pd.DataFrame) -> None:
    """The dtypes change the representation, never a value."""
    pd.testing.assert_series_equal(
        survey["date"].dt.strftime("%Y-%m-%d"), raw["date"], check_names=False
    )
    for column in ("region", "channel"):
        assert survey[column].astype(str).tolist() == raw[column].tolist()
    for column in ("response_id", "nps", "csat", "ces"):
        np.testing.assert_array_equal(
            survey[column].astype("float64").to_numpy(), raw[column].to_numpy()
        )


def test_ids_and_dates(survey: pd.DataFrame) -> None:
    np.testing.assert_array_equal(survey["response_id"], np.arange(1, 3001))
    assert survey["date"].is_monotonic_increasing
    assert survey["date"].min() >= pd.Timestamp("2025-01-01")
    assert survey["date"].max() <= pd.Timestamp("2025-12-31")
    per_month = survey["date"].dt.month.value_counts()
    assert sorted(per_month.index) == list(range(1, 13))
    assert per_month.min() > 150


@pytest.mark.parametrize("column", ["nps", "csat", "ces"])
def test_scores_are_whole_points_on_their_scale(
    survey: pd.DataFrame, column: str
) -> None:
    low, high = SCALES[column]
    valid = survey[column].dropna()
    assert valid.between(low, high).all()
    assert valid.min() == low
    assert valid.max() == high


def test_missing_answers_only_in_csat_and_ces(survey: pd.DataFrame) -> None:
    missing = survey.isna().sum()
    assert missing[["response_id", "date", "region", "channel", "nps"]].sum() == 0
    # A few blanks, so that reports show n_missing: about 1-2 % of answers.
    assert missing["csat"] == 49
    assert missing["ces"] == 47


def test_segments_are_all_present(survey: pd.DataFrame) -> None:
    assert set(survey["region"]) == set(REGIONS)
    assert set(survey["channel"]) == set(CHANNELS)
    assert survey["region"].value_counts().min() > 500
    assert survey["channel"].value_counts().min() > 500


def test_pinned_summary(survey: pd.DataFrame) -> None:
    """The shipped data, pinned: a change to the file must be deliberate."""
    nps_counts = survey["nps"].value_counts()
    assert nps_counts.loc[[9, 10]].sum() == 1428
    assert nps_counts.loc[list(range(7))].sum() == 713
    assert survey["csat"].isin([4, 5]).sum() == 2357
    assert survey["ces"].isin([5, 6, 7]).sum() == 2046
    assert survey["region"].value_counts().to_dict() == {
        "North": 890,
        "East": 765,
        "South": 754,
        "West": 591,
    }


def test_distributions_are_realistic(survey: pd.DataFrame) -> None:
    assert 20 <= nps_points(survey["nps"]) <= 35
    satisfied = survey["csat"].dropna().isin([4, 5]).mean()
    assert 0.75 <= satisfied <= 0.85
    assert 4.5 <= survey["ces"].astype("float64").mean() <= 5.5


def test_regions_differ_in_nps(survey: pd.DataFrame) -> None:
    """Segment analysis has something to find: best and worst region differ.

    With about 600-900 answers per region the standard error of a regional
    NPS is about 3 points, so a gap of 20 points is far beyond chance.
    """
    by_region = {
        region: nps_points(survey.loc[survey["region"] == region, "nps"])
        for region in REGIONS
    }
    assert max(by_region, key=by_region.__getitem__) == "North"
    assert min(by_region, key=by_region.__getitem__) == "West"
    assert by_region["North"] - by_region["West"] > 20


def test_every_call_returns_a_new_equal_frame() -> None:
    first = load_survey()
    pd.testing.assert_frame_equal(first, load_survey())
    original = first.loc[0, "nps"]
    first.loc[0, "nps"] = 10 - original
    assert load_survey().loc[0, "nps"] == original


def test_shipped_file_is_small() -> None:
    data = (resources.files("cxmetrics") / "data" / "survey.csv").read_bytes()
    assert len(data) < 150_000


# ---------------------------------------------------------------------------
# Every file: determinism, size, fresh frames

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "make_sample_data.py"
FILES = [
    "survey.csv",
    "tickets.csv",
    "calls.csv",
    "subscriptions.csv",
    "mrr.csv",
    "funnel.csv",
    "transactions.csv",
]
LOADERS = [
    datasets.load_survey,
    datasets.load_tickets,
    datasets.load_calls,
    datasets.load_subscriptions,
    datasets.load_mrr,
    datasets.load_funnel,
    datasets.load_transactions,
]


@pytest.fixture(scope="module")
def script():
    """The generator script, imported from the source tree."""
    if not SCRIPT.exists():
        pytest.skip("the generator script is only in the source tree")
    spec = importlib.util.spec_from_file_location("make_sample_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shipped_text(name: str) -> str:
    return (resources.files("cxmetrics") / "data" / name).read_text(encoding="utf-8")


def raw_file(name: str) -> pd.DataFrame:
    """A shipped file read with pandas defaults: what the loaders must preserve."""
    with (resources.files("cxmetrics") / "data" / name).open("rb") as f:
        return pd.read_csv(f)


@pytest.mark.parametrize("name", FILES)
def test_regenerating_gives_the_shipped_file_byte_for_byte(script, name):
    assert list(script.SAMPLE_FILES) == FILES
    assert script.csv_text(script.SAMPLE_FILES[name]()) == shipped_text(name)


@pytest.mark.parametrize("name", FILES)
def test_shipped_files_are_small(name):
    assert len(shipped_text(name).encode()) < 300_000


@pytest.mark.parametrize("load", LOADERS, ids=lambda f: f.__name__)
def test_each_call_returns_a_new_equal_frame(load):
    first = load()
    pd.testing.assert_frame_equal(first, load())
    first.iloc[:, 0] = -1
    assert (load().iloc[:, 0] != -1).all()


def test_public_names() -> None:
    assert set(datasets.__all__) == {
        "BUSINESS_DAYS",
        "BUSINESS_HOURS",
        "CALL_AGENTS",
        "CALL_QUEUES",
        "CHANNELS",
        "FUNNEL_STAGES",
        "HOLIDAYS",
        "PLANS",
        "PRIORITIES",
        "PURCHASE_PARAMS",
        "REGIONS",
        "SOURCES",
        "SPEND_PARAMS",
        "TICKET_CHANNELS",
        "TIMEZONE",
        "TRANSACTIONS_END",
        "load_calls",
        "load_funnel",
        "load_mrr",
        "load_subscriptions",
        "load_survey",
        "load_tickets",
        "load_transactions",
        "sample_calendar",
    }


def iso_local(times: pd.Series) -> pd.Series:
    """Aware timestamps as the files write them: ``2025-03-03 09:15:42+01:00``."""
    text = times.dt.strftime("%Y-%m-%d %H:%M:%S%z")
    return text.str.replace(r"(\d\d)(\d\d)$", r"\1:\2", regex=True).where(times.notna())


def in_open_hours(times: pd.Series) -> pd.Series:
    """Berlin wall-clock time on a working day from 08:00 to 18:00 (inclusive)."""
    seconds = times.dt.hour * 3600 + times.dt.minute * 60 + times.dt.second
    working = (times.dt.day_of_week < 5) & ~times.dt.strftime("%Y-%m-%d").isin(HOLIDAYS)
    return working & (seconds >= 8 * 3600) & (seconds <= 18 * 3600)


# ---------------------------------------------------------------------------
# Tickets

TICKET_COLUMNS = [
    "ticket_id",
    "created",
    "first_response",
    "resolved",
    "contacts",
    "reopens",
    "channel",
    "priority",
]
TIME_COLUMNS = ["created", "first_response", "resolved"]


@pytest.fixture(scope="module")
def tickets() -> pd.DataFrame:
    return datasets.load_tickets()


def test_tickets_shape_and_dtypes(tickets):
    assert tickets.shape == (2000, 8)
    assert list(tickets.columns) == TICKET_COLUMNS
    for column in TIME_COLUMNS:
        assert tickets[column].dtype == pd.DatetimeTZDtype("ns", "Europe/Berlin")
    assert tickets["ticket_id"].dtype == np.int64
    assert tickets["contacts"].dtype == pd.Int64Dtype()
    assert tickets["reopens"].dtype == np.int64
    assert tickets["channel"].dtype == pd.CategoricalDtype(list(TICKET_CHANNELS))
    assert tickets["priority"].dtype == pd.CategoricalDtype(
        list(PRIORITIES), ordered=True
    )


def test_tickets_values_equal_the_raw_file(tickets):
    raw = raw_file("tickets.csv")
    for column in TIME_COLUMNS:
        assert (
            iso_local(tickets[column]).fillna("").tolist()
            == raw[column].fillna("").tolist()
        )
    for column in ("channel", "priority"):
        assert tickets[column].astype(str).tolist() == raw[column].tolist()
    for column in ("ticket_id", "contacts", "reopens"):
        np.testing.assert_array_equal(
            tickets[column].astype("float64").to_numpy(), raw[column].to_numpy()
        )


def test_tickets_order_and_range(tickets):
    np.testing.assert_array_equal(tickets["ticket_id"], np.arange(1, 2001))
    assert tickets["created"].is_monotonic_increasing
    assert tickets["created"].min() >= pd.Timestamp("2025-03-01", tz="Europe/Berlin")
    assert tickets["created"].max() < pd.Timestamp("2025-12-01", tz="Europe/Berlin")
    extracted = pd.Timestamp("2025-12-01", tz="Europe/Berlin")
    assert (tickets[TIME_COLUMNS].max() < extracted).all()


def test_tickets_events_are_in_order(tickets):
    created, first, resolved = (tickets[c] for c in TIME_COLUMNS)
    answered = first.notna()
    assert (first[answered] >= created[answered]).all()
    done = resolved.notna()
    assert answered[done].all()  # nothing is resolved without a first response
    assert (resolved[done] >= first[done]).all()


def test_tickets_missing_values_mean_not_yet(tickets):
    open_ = tickets["resolved"].isna()
    assert tickets["first_response"].isna().sum() == 16
    assert open_.sum() == 55
    # contacts are known exactly for the resolved tickets
    pd.testing.assert_series_equal(tickets["contacts"].isna(), open_, check_names=False)
    assert (tickets["contacts"].dropna() >= 1).all()
    assert (tickets["reopens"] >= 0).all()
    # Most open tickets are recent: created in the last month before extraction.
    recent = tickets["created"] >= pd.Timestamp("2025-11-01", tz="Europe/Berlin")
    assert (open_ & recent).sum() > open_.sum() / 2


def test_tickets_span_both_dst_changes(tickets):
    offsets = tickets["created"].dt.strftime("%z")
    month = tickets["created"].dt.month
    assert set(offsets[month == 3]) == {"+0100", "+0200"}
    assert set(offsets[month == 10]) == {"+0200", "+0100"}
    # The clocks changed at 01:00 UTC on both days.
    spring = pd.Timestamp("2025-03-30 01:00", tz="UTC")
    autumn = pd.Timestamp("2025-10-26 01:00", tz="UTC")
    for change in (spring, autumn):
        week = pd.Timedelta(days=7)
        created = tickets["created"]
        open_across = (created < change) & (tickets["resolved"] > change)
        assert ((created > change - week) & open_across).any()


def test_tickets_arrive_mostly_in_business_hours(tickets):
    inside = in_open_hours(tickets["created"]) & (tickets["created"].dt.hour < 18)
    assert 0.80 <= inside.mean() <= 0.92
    days = tickets["created"].dt.strftime("%Y-%m-%d")
    assert days.isin(HOLIDAYS).sum() > 0
    assert (tickets["created"].dt.day_of_week >= 5).sum() > 50
    assert (tickets["created"].dt.hour >= 18).sum() > 50
    # Every holiday in the range falls inside the data.
    in_range = [d for d in HOLIDAYS if "2025-03-01" <= d <= "2025-11-30"]
    assert len(in_range) == 6


def test_tickets_team_works_business_hours_except_urgent(tickets):
    routine = tickets["priority"] != "urgent"
    for column in ("first_response", "resolved"):
        times = tickets.loc[routine, column].dropna()
        assert in_open_hours(times).all()
    urgent = tickets.loc[~routine, "first_response"].dropna()
    assert not in_open_hours(urgent).all()


def test_tickets_are_realistic(tickets):
    resolved = tickets["contacts"].dropna()
    assert 0.6 <= (resolved == 1).mean() <= 0.8  # first contact resolution
    assert 0.04 <= (tickets["reopens"] > 0).mean() <= 0.12
    hours = (tickets["first_response"] - tickets["created"]).dt.total_seconds() / 3600
    by_channel = hours.groupby(tickets["channel"], observed=True).median()
    assert by_channel["phone"] < by_channel["chat"] < 0.5 < by_channel["email"]
    email = tickets["channel"] == "email"
    by_priority = hours[email].groupby(tickets["priority"], observed=True).median()
    assert by_priority.is_monotonic_decreasing
    assert tickets["priority"].value_counts(sort=False).to_dict() == {
        "low": 447,
        "normal": 1043,
        "high": 359,
        "urgent": 151,
    }


def test_sample_calendar_matches_the_tickets():
    calendar = datasets.sample_calendar()
    assert isinstance(calendar, cx.BusinessCalendar)
    assert calendar.tz == "Europe/Berlin"
    assert calendar.days == ("Mon", "Tue", "Wed", "Thu", "Fri")
    assert set(calendar.hours.values()) == {"08:00-18:00"}
    assert [d.isoformat() for d in calendar.holidays] == list(HOLIDAYS)
    assert calendar.weekly_hours == 50.0
    assert calendar is not datasets.sample_calendar()


def test_generator_clock_agrees_with_the_calendar(script, tickets):
    """The generator's business clock and the library's: two implementations."""
    clock = script.BusinessClock("2025-03-01", "2026-06-30")
    seconds = tickets[TIME_COLUMNS].apply(
        lambda c: c.dt.tz_convert("UTC").dt.tz_localize(None).astype("int64") // 10**9
    )
    done = tickets["resolved"].notna().to_numpy()
    start = seconds["created"].to_numpy()[done]
    end = seconds["resolved"].to_numpy()[done]
    by_script = (clock.business_seconds(end) - clock.business_seconds(start)) / 3600
    by_library = cx.elapsed(
        tickets["created"][done],
        tickets["resolved"][done],
        calendar=datasets.sample_calendar(),
        unit="h",
    )
    np.testing.assert_allclose(by_library, by_script, rtol=0, atol=1e-9)


# ---------------------------------------------------------------------------
# Calls

CALL_COLUMNS = [
    "call_id",
    "arrival",
    "queue",
    "wait",
    "answered",
    "abandoned",
    "talk",
    "hold",
    "wrap",
]
HANDLING = ["talk", "hold", "wrap"]


@pytest.fixture(scope="module")
def calls() -> pd.DataFrame:
    return datasets.load_calls()


def test_calls_shape_and_dtypes(calls):
    assert calls.shape == (5032, 9)
    assert list(calls.columns) == CALL_COLUMNS
    assert calls["arrival"].dtype == pd.DatetimeTZDtype("ns", "Europe/Berlin")
    assert calls["queue"].dtype == pd.CategoricalDtype(list(CALL_QUEUES))
    for column in ("answered", "abandoned"):
        assert calls[column].dtype == np.bool_
    for column in ("wait", *HANDLING):
        assert calls[column].dtype == np.float64


def test_calls_values_equal_the_raw_file(calls):
    raw = raw_file("calls.csv")
    assert iso_local(calls["arrival"]).tolist() == raw["arrival"].tolist()
    assert calls["queue"].astype(str).tolist() == raw["queue"].tolist()
    for column in ("answered", "abandoned"):
        np.testing.assert_array_equal(calls[column], raw[column] == 1)
    for column in ("call_id", "wait", *HANDLING):
        np.testing.assert_array_equal(calls[column], raw[column])


def test_calls_invariants(calls):
    np.testing.assert_array_equal(calls["call_id"], np.arange(1, len(calls) + 1))
    assert calls["arrival"].is_monotonic_increasing
    assert (calls["answered"] ^ calls["abandoned"]).all()
    assert (calls["wait"] >= 0).all()
    assert (calls["wait"] == calls["wait"].round()).all()
    answered = calls["answered"]
    assert calls.loc[~answered, HANDLING].isna().all().all()
    assert calls.loc[answered, HANDLING].notna().all().all()
    assert (calls.loc[answered, "talk"] > 0).all()
    assert (calls.loc[answered, "hold"] >= 0).all()
    assert (calls.loc[answered, "wrap"] > 0).all()


def test_calls_arrive_in_opening_hours_of_two_weeks(calls):
    arrival = calls["arrival"]
    assert in_open_hours(arrival).all()
    assert (arrival.dt.hour < 18).all()
    days = arrival.dt.strftime("%Y-%m-%d").unique().tolist()
    assert days == [f"2025-11-{d:02d}" for d in (3, 4, 5, 6, 7, 10, 11, 12, 13, 14)]
    # Every half hour of every day has calls: a full staffing grid of 10 x 20.
    slots = arrival.dt.floor("30min")
    assert slots.nunique() == 10 * 20


def test_calls_have_a_realistic_profile(calls):
    slot = calls["arrival"].dt.strftime("%H:%M").str[:2] + np.where(
        calls["arrival"].dt.minute < 30, ":00", ":30"
    )
    per_slot = slot.value_counts() / 10
    assert per_slot.idxmax() in {"09:30", "10:00", "10:30"}
    assert per_slot.max() > 4 * per_slot.min()
    weekday = calls["arrival"].dt.day_of_week.value_counts()
    assert weekday.idxmax() == 0  # Mondays are busiest
    abandoned = calls["abandoned"]
    assert 0.04 <= abandoned.mean() <= 0.10
    short = abandoned & (calls["wait"] < 5)
    assert short.sum() == 65
    within_20 = calls["answered"] & (calls["wait"] <= 20)
    assert 0.75 <= within_20.mean() <= 0.90
    answered = calls[calls["answered"]]
    handle = answered[HANDLING].sum(axis=1)
    assert 300 <= handle.mean() <= 450
    talk = answered.groupby("queue", observed=True)["talk"].median()
    assert talk["billing"] < talk["sales"] < talk["technical"]


def test_calls_waits_follow_the_load(calls):
    """Busy Mondays, staffed like an average day, answer fewer calls in 20 s."""
    within_20 = calls["answered"] & (calls["wait"] <= 20)
    by_day = within_20.groupby(calls["arrival"].dt.day_of_week).mean()
    assert by_day.idxmin() == 0
    assert by_day[0] < by_day[4] - 0.1


# ---------------------------------------------------------------------------
# Subscriptions

OBSERVED_UNTIL = pd.Timestamp("2026-01-01")


@pytest.fixture(scope="module")
def subscriptions() -> pd.DataFrame:
    return datasets.load_subscriptions()


def lifetimes(subs: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Days subscribed, and whether the end was observed (not censored)."""
    observed = subs["end"].notna()
    days = (subs["end"].fillna(OBSERVED_UNTIL) - subs["start"]).dt.days
    return days, observed


def test_subscriptions_shape_and_dtypes(subscriptions):
    assert subscriptions.shape == (1500, 4)
    assert list(subscriptions.columns) == ["customer_id", "plan", "start", "end"]
    assert subscriptions["customer_id"].dtype == np.int64
    assert subscriptions["plan"].dtype == pd.CategoricalDtype(list(PLANS), ordered=True)
    for column in ("start", "end"):
        assert subscriptions[column].dtype == np.dtype("datetime64[ns]")


def test_subscriptions_values_equal_the_raw_file(subscriptions):
    raw = raw_file("subscriptions.csv")
    for column in ("start", "end"):
        text = subscriptions[column].dt.strftime("%Y-%m-%d")
        assert text.fillna("").tolist() == raw[column].fillna("").tolist()
    assert subscriptions["plan"].astype(str).tolist() == raw["plan"].tolist()
    np.testing.assert_array_equal(subscriptions["customer_id"], np.arange(1, 1501))


def test_subscriptions_invariants(subscriptions):
    start, end = subscriptions["start"], subscriptions["end"]
    assert start.is_monotonic_increasing
    assert start.min() >= pd.Timestamp("2023-01-01")
    assert start.max() <= pd.Timestamp("2025-12-31")
    assert (start == start.dt.normalize()).all()
    ended = end.notna()
    assert (end[ended] > start[ended]).all()
    assert (end[ended] < OBSERVED_UNTIL).all()
    assert subscriptions["plan"].value_counts(sort=False).to_dict() == {
        "basic": 833,
        "pro": 480,
        "enterprise": 187,
    }
    assert ended.sum() == 590


def test_subscriptions_grow_year_on_year(subscriptions):
    per_year = subscriptions["start"].dt.year.value_counts()
    assert per_year[2023] < per_year[2024] < per_year[2025]


def test_kaplan_meier_median_lifetime_is_inside_the_data(subscriptions):
    lifelines = pytest.importorskip("lifelines")

    days, observed = lifetimes(subscriptions)
    fitter = lifelines.KaplanMeierFitter().fit(days, observed)
    median = fitter.median_survival_time_
    assert np.isfinite(median)
    assert 365 < median < days.max()  # between one year and the longest follow-up
    assert median == 589


def test_churn_depends_on_the_plan(subscriptions):
    lifelines = pytest.importorskip("lifelines")
    logrank_test = pytest.importorskip("lifelines.statistics").logrank_test

    days, observed = lifetimes(subscriptions)
    medians = {}
    for plan in PLANS:
        chosen = subscriptions["plan"] == plan
        fitter = lifelines.KaplanMeierFitter().fit(days[chosen], observed[chosen])
        medians[plan] = fitter.median_survival_time_
    assert medians["basic"] < medians["pro"] < medians["enterprise"]
    basic, enterprise = (subscriptions["plan"] == p for p in ("basic", "enterprise"))
    test = logrank_test(
        days[basic], days[enterprise], observed[basic], observed[enterprise]
    )
    assert test.p_value < 1e-6


# ---------------------------------------------------------------------------
# MRR


@pytest.fixture(scope="module")
def mrr() -> pd.DataFrame:
    return datasets.load_mrr()


def test_mrr_shape_and_dtypes(mrr):
    assert mrr.shape == (16443, 3)
    assert list(mrr.columns) == ["customer_id", "month", "mrr"]
    assert mrr["customer_id"].dtype == np.int64
    assert mrr["month"].dtype == np.dtype("datetime64[ns]")
    assert mrr["mrr"].dtype == np.float64


def test_mrr_values_equal_the_raw_file(mrr):
    raw = raw_file("mrr.csv")
    assert mrr["month"].dt.strftime("%Y-%m").tolist() == raw["month"].tolist()
    np.testing.assert_array_equal(mrr["customer_id"], raw["customer_id"])
    np.testing.assert_array_equal(mrr["mrr"], raw["mrr"])


def test_mrr_rows_are_the_subscribed_months(mrr, subscriptions):
    assert (mrr["month"] == mrr["month"].dt.to_period("M").dt.start_time).all()
    assert not mrr.duplicated(["customer_id", "month"]).any()
    assert mrr.sort_values(["customer_id", "month"]).index.equals(mrr.index)
    assert (mrr["mrr"] >= 0).all()
    # Expected months per customer: from the month of start to the month of
    # the last subscribed day (the day before end, or 2025-12-31).
    last_day = subscriptions["end"].fillna(OBSERVED_UNTIL) - pd.Timedelta(days=1)
    first = subscriptions["start"].dt.year * 12 + subscriptions["start"].dt.month
    last = last_day.dt.year * 12 + last_day.dt.month
    expected = pd.Series(
        (last - first + 1).to_numpy(np.int64), index=subscriptions["customer_id"]
    )
    rows = mrr.groupby("customer_id").agg(
        n=("month", "size"), first=("month", "min"), last=("month", "max")
    )
    pd.testing.assert_series_equal(
        rows["n"], expected, check_names=False, check_index_type=False
    )
    starts = subscriptions.set_index("customer_id")["start"]
    assert (rows["first"] == starts.dt.to_period("M").dt.start_time).all()
    assert (rows["last"] == last_day.dt.to_period("M").dt.start_time.to_numpy()).all()


def test_mrr_moves_and_pauses(mrr, subscriptions):
    change = mrr.groupby("customer_id")["mrr"].diff()
    assert (change > 0).sum() > 500  # expansions
    assert (change < 0).sum() > 200  # contractions
    assert (change > 0).sum() > (change < 0).sum()
    paused = mrr["mrr"] == 0
    before = mrr.groupby("customer_id")["mrr"].shift(1)
    after = mrr.groupby("customer_id")["mrr"].shift(-1)
    # Every pause starts after a paying month and ends before one (a reactivation).
    assert before[paused].notna().all()
    assert after[paused].notna().all()
    reactivations = (before == 0) & (mrr["mrr"] > 0)
    assert reactivations.sum() == mrr.loc[paused, "customer_id"].nunique() == 30
    # Prices follow the plan: enterprise pays most per customer.
    plans = mrr["customer_id"].map(subscriptions.set_index("customer_id")["plan"])
    typical = mrr["mrr"].groupby(plans, observed=True).median()
    assert typical["basic"] < typical["pro"] < typical["enterprise"]


# ---------------------------------------------------------------------------
# Funnel


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    return datasets.load_funnel()


def test_funnel_shape_and_dtypes(people):
    assert people.shape == (10_000, 6)
    assert list(people.columns) == ["person_id", "source", *FUNNEL_STAGES]
    assert people["source"].dtype == pd.CategoricalDtype(list(SOURCES))
    for stage in FUNNEL_STAGES:
        assert people[stage].dtype == np.bool_


def test_funnel_values_equal_the_raw_file(people):
    raw = raw_file("funnel.csv")
    assert people["source"].astype(str).tolist() == raw["source"].tolist()
    for stage in FUNNEL_STAGES:
        np.testing.assert_array_equal(people[stage], raw[stage] == 1)


def test_funnel_is_mostly_nested_with_a_few_rows_out_of_order(people):
    stages = people[list(FUNNEL_STAGES)]
    assert stages["visited"].all()
    assert stages.sum().tolist() == [10_000, 1862, 1098, 368]
    strict = stages.cumprod(axis=1).sum()
    assert strict.tolist() == [10_000, 1862, 1069, 353]
    gap = stages["activated"] & ~stages["signed_up"]
    sales_led = stages["subscribed"] & ~stages["activated"]
    assert (gap.sum(), sales_led.sum()) == (29, 15)


def test_funnel_sources_convert_differently(people):
    stages = list(FUNNEL_STAGES)
    converted = people[stages].all(axis=1)
    by_source = converted.groupby(people["source"], observed=True).mean()
    assert by_source.idxmax() == "referral"
    assert by_source["referral"] > 3 * by_source["paid"]
    assert people["source"].value_counts().min() > 900


def test_no_more_calls_are_in_service_than_the_roster_allows(calls):
    # Replay every answered call: while it starts, the calls in service
    # (its own included) never outnumber the agents rostered in its half
    # hour or the two before (a call runs on past the change of roster),
    # and the roster is reached often: the line ran at its roster.
    agents = np.asarray(datasets.CALL_AGENTS)
    assert agents.size == 20  # 08:00 to 17:30
    answered = calls[calls["answered"]]
    start = answered["arrival"] + pd.to_timedelta(answered["wait"], unit="s")
    end = start + pd.to_timedelta(answered[HANDLING].sum(axis=1), unit="s")
    at_roster = 0
    for _, day in start.groupby(start.dt.date):
        begins = day.to_numpy()
        ends = end[day.index].to_numpy()
        slots = np.clip((day.dt.hour - 8) * 2 + day.dt.minute // 30, 0, 19).to_numpy()
        busy = (begins[None, :] <= begins[:, None]) & (ends[None, :] > begins[:, None])
        in_service = busy.sum(axis=1)
        allowed = np.array([agents[max(s - 2, 0) : s + 1].max() for s in slots])
        assert (in_service <= allowed).all()
        at_roster += int((in_service == agents[slots]).sum())
    assert at_roster > 1000
