"""Tests of by_segment and over_time on dask DataFrames.

The reference is the pandas path on the same rows: with several partitions
(some of them empty, some holding only missing values) the tables must be
equal, exactly where the statistics are counts.
"""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import cxmetrics as cx

dd = pytest.importorskip("dask.dataframe")
dask = pytest.importorskip("dask")

from test_segments import CASES, dated_frame, duration_frame, random_frame  # noqa: E402

ADDITIVE = CASES  # the duration metrics need pandas


def exact(message: str) -> str:
    return "^" + re.escape(message) + "$"


@pytest.fixture(scope="module", autouse=True)
def keep_object_columns():
    """Keep text columns as objects, as in the pandas frame the tables come from.

    (dask turns them into pyarrow strings by default, and the key columns of
    the table then have that dtype.)
    """
    with dask.config.set({"dataframe.convert-string": False}):
        yield


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    frame = random_frame(seed=31, rows=3_000)
    return frame.assign(
        region=pd.Categorical(
            np.where(
                frame["seg"] % 3 == 0,
                "north",
                np.where(frame["seg"] % 3 == 1, "south", None),
            ),
            categories=["south", "north", "east"],
        )
    )


def weighted(case) -> bool:
    return "weights" in case.options or case.metric in (
        cx.average_speed_of_answer,
        cx.average_handle_time,
    )


@pytest.mark.parametrize("case", ADDITIVE, ids=[c.id for c in ADDITIVE])
def test_by_segment_on_dask_equals_pandas(frame, case):
    expected = cx.by_segment(
        frame, case.metric, column=case.column, by="seg", **case.options
    )
    parts = dd.from_pandas(frame, npartitions=7)
    table = cx.by_segment(
        parts, case.metric, column=case.column, by="seg", **case.options
    )
    if weighted(case) or "std" in table:
        # Sums of float weights depend on the order of addition, and so do
        # means combined part by part (Chan's update): the last bits may differ.
        pd.testing.assert_frame_equal(table, expected, check_exact=False, rtol=1e-12)
    else:
        pd.testing.assert_frame_equal(table, expected, check_exact=True)


def test_several_keys_a_categorical_and_a_missing_key(frame):
    expected = cx.by_segment(frame, cx.nps, column="score", by=["region", "seg"])
    table = cx.by_segment(
        dd.from_pandas(frame, npartitions=5),
        cx.nps,
        column="score",
        by=["region", "seg"],
    )
    pd.testing.assert_frame_equal(table, expected, check_exact=True)
    assert table["region"].isna().any()
    assert table["region"].dtype == frame["region"].dtype


def test_against_the_whole_on_dask(frame):
    options = {"by": "seg", "compare_to": "overall", "correction": "fdr_bh"}
    expected = cx.by_segment(frame, cx.csat, column="rating5", **options)
    table = cx.by_segment(
        dd.from_pandas(frame, npartitions=4), cx.csat, column="rating5", **options
    )
    pd.testing.assert_frame_equal(table, expected, check_exact=True)


def test_empty_and_all_missing_partitions(frame):
    ordered = frame.sort_values("seg").reset_index(drop=True)
    ordered.loc[ordered["seg"] >= 30, "score"] = np.nan
    parts = dd.from_pandas(ordered, npartitions=8)
    some = parts[parts["seg"] < 12]  # the later partitions are left empty
    table = cx.by_segment(some, cx.nps, column="score", by="seg")
    expected = cx.by_segment(
        ordered[ordered["seg"] < 12], cx.nps, column="score", by="seg"
    )
    pd.testing.assert_frame_equal(table, expected, check_exact=True)
    whole = cx.by_segment(parts, cx.nps, column="score", by="seg")
    pd.testing.assert_frame_equal(
        whole,
        cx.by_segment(ordered, cx.nps, column="score", by="seg"),
        check_exact=True,
    )
    assert (whole.loc[whole["seg"] >= 30, "n"] == 0).all()


@pytest.mark.parametrize(
    "case", [CASES[0], CASES[2], CASES[8], CASES[20], CASES[25]], ids=lambda c: c.id
)
def test_over_time_on_dask_equals_pandas(case):
    frame = dated_frame(seed=5, rows=2_000)
    options = {
        "column": case.column,
        "time": "date",
        "compare_to": "previous",
        **case.options,
    }
    expected = cx.over_time(frame, case.metric, **options)
    table = cx.over_time(dd.from_pandas(frame, npartitions=6), case.metric, **options)
    pd.testing.assert_frame_equal(
        table, expected, check_exact=not weighted(case), rtol=1e-12
    )
    assert pd.isna(table.index[-1])


def test_over_time_parses_text_times_in_each_partition():
    frame = dated_frame(seed=6, rows=1_000)
    as_text = frame.assign(date=frame["date"].dt.strftime("%Y-%m-%dT%H:%M:%S"))
    expected = cx.over_time(frame, cx.nps, column="score", time="date", freq="Q")
    table = cx.over_time(
        dd.from_pandas(as_text, npartitions=4),
        cx.nps,
        column="score",
        time="date",
        freq="Q",
    )
    pd.testing.assert_frame_equal(table, expected, check_exact=True)


def test_over_time_reads_the_zone_of_the_whole_text_column():
    # Each partition alone holds one offset; the column holds two, so the
    # periods are taken in UTC as on pandas: 00:30 at +01:00 on 1 March is
    # 23:30 UTC on 28 February.
    texts = ["2025-03-01T00:30+01:00"] * 3 + ["2025-04-01T00:30+02:00"] * 3
    frame = pd.DataFrame({"t": texts, "score": [10, 9, 0, 10, 3, 5]})
    expected = cx.over_time(frame, cx.nps, column="score", time="t")
    assert expected.index.tolist() == [
        pd.Period("2025-02", "M"),
        pd.Period("2025-03", "M"),
    ]
    table = cx.over_time(
        dd.from_pandas(frame, npartitions=2), cx.nps, column="score", time="t"
    )
    pd.testing.assert_frame_equal(table, expected, check_exact=True)
    # One offset in the whole column: its own clock, on both paths.
    single = frame.assign(t=["2025-03-01T00:30+01:00"] * 6)
    one = cx.over_time(
        dd.from_pandas(single, npartitions=2), cx.nps, column="score", time="t"
    )
    assert one.index.tolist() == [pd.Period("2025-03", "M")]


def test_over_time_refuses_naive_and_aware_parts():
    frame = pd.DataFrame(
        {
            "t": ["2025-03-01T00:30+01:00"] * 3 + ["2025-04-01"] * 3,
            "score": [10, 9, 0, 10, 3, 5],
        }
    )
    with pytest.raises(
        cx.InputError,
        match=exact(
            "over_time: time column 't' mixes time-zone aware timestamps with naive "
            "ones; give all of them a time zone or none"
        ),
    ):
        cx.over_time(
            dd.from_pandas(frame, npartitions=2), cx.nps, column="score", time="t"
        )


# ---------------------------------------------------------------------------
# What dask cannot do, and bad input


@pytest.mark.parametrize("call", [cx.by_segment, cx.over_time])
def test_durations_are_not_additive(call):
    tickets = duration_frame(seed=2, rows=200)
    parts = dd.from_pandas(tickets, npartitions=3)
    where = {"by": "seg"} if call is cx.by_segment else {"time": "created"}
    message = (
        f"{call.__name__}: cx.resolution_time is not additive (medians and "
        "percentiles of parts do not add up to those of the whole), so it cannot "
        "run on a dask DataFrame; compute it to a pandas DataFrame first"
    )
    with pytest.raises(cx.InputError, match=exact(message)):
        call(parts, cx.resolution_time, column=("created", "resolved"), **where)


def test_a_bad_value_names_the_counts_of_its_partition(frame):
    bad = frame.assign(score=frame["score"].fillna(5))
    bad.loc[10, "score"] = 12
    parts = dd.from_pandas(bad, npartitions=3)  # the first holds 1,000 rows
    message = (
        "by_segment: cx.nps on 'score': 1 of 1,000 scores are outside the 0-10 "
        "scale (12)"
    )
    with pytest.raises(cx.InputError, match=exact(message)):
        cx.by_segment(parts, cx.nps, column="score", by="seg")


def test_no_valid_value_and_zero_weights():
    frame = pd.DataFrame({"seg": [1, 1, 2, 2], "score": [np.nan] * 4, "w": [0.0] * 4})
    parts = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(
        cx.InputError, match=exact("by_segment: cx.nps on 'score': no valid rows")
    ):
        cx.by_segment(parts, cx.nps, column="score", by="seg")
    table = cx.by_segment(
        parts, cx.nps, column="score", by="seg", nan_policy="propagate"
    )
    assert table["value"].isna().all()
    zero = dd.from_pandas(frame.assign(score=[10, 9, 3, 7]), npartitions=2)
    with pytest.raises(
        cx.InputError,
        match=exact(
            "by_segment: cx.nps on 'score': the weights of the valid rows are all zero"
        ),
    ):
        cx.by_segment(zero, cx.nps, column="score", by="seg", weights="w")


def test_an_empty_dask_frame(frame):
    parts = dd.from_pandas(frame, npartitions=3)
    nothing = parts[parts["seg"] < 0]
    with pytest.raises(cx.InputError, match=exact("by_segment: frame has no rows")):
        cx.by_segment(nothing, cx.nps, column="score", by="seg")


def test_bad_input_on_dask(frame):
    parts = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(
        cx.InputError,
        match=exact(
            "by_segment: by 'channel' is not a column of frame (its columns: 'seg', "
            "'score', 'rating5', 'rating7', 'contacts', 'reopens', 'converted', "
            "'abandoned', 'answered', 'wait' and 8 more)"
        ),
    ):
        cx.by_segment(parts, cx.nps, column="score", by="channel")
    with pytest.raises(
        cx.InputError,
        match=exact(
            "over_time: time column 'score' must be timestamps; got values of type "
            "float64"
        ),
    ):
        cx.over_time(parts, cx.nps, column="score", time="score")


def test_import_cxmetrics_does_not_import_dask():
    code = (
        "import sys, pandas as pd, cxmetrics as cx; "
        "frame = pd.DataFrame({'s': [1, 2], 'x': [9, 3]}); "
        "cx.by_segment(frame, cx.nps, column='x', by='s'); "
        "print('dask' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


# ---------------------------------------------------------------------------
# On a dask.distributed cluster: two worker processes, the same tables


@pytest.fixture(scope="module")
def cluster_client():
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=50,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_by_segment_and_over_time_on_a_distributed_cluster(cluster_client):
    del cluster_client  # the client is the default scheduler while it is open
    frame = dated_frame(seed=5, rows=2_000)
    lifetimes = frame.assign(
        days=np.floor(frame["duration"] * 30.0), churned=frame["open"] == 0
    )
    parts = dd.from_pandas(lifetimes, npartitions=6)
    for metric, column, options in (
        (cx.nps, "score", {}),
        (cx.csat, "rating5", {}),
        (cx.mean_score, "rating5", {"scale": (1, 5)}),
        (cx.survival_curve, ("days", "churned"), {}),
    ):
        expected = cx.by_segment(lifetimes, metric, column=column, by="seg", **options)
        table = cx.by_segment(parts, metric, column=column, by="seg", **options)
        pd.testing.assert_frame_equal(table, expected, check_exact=False, rtol=1e-12)
    trend = cx.over_time(parts, cx.csat, column="rating5", time="date")
    pd.testing.assert_frame_equal(
        trend, cx.over_time(lifetimes, cx.csat, column="rating5", time="date")
    )
