"""Dask DataFrames for `by_segment` and `over_time`: partial sums per partition.

dask is imported only here, and only when a dask DataFrame arrives: a frame
is recognised by the module its class comes from, so ``import cxmetrics``
never imports dask.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import pandas as pd

__all__ = ["is_dask_frame", "summed_partials"]


def is_dask_frame(obj: object) -> bool:
    """Whether ``obj`` is a dask DataFrame (without importing dask)."""
    module = type(obj).__module__.split(".", 1)[0]
    return module in ("dask", "dask_expr") and hasattr(obj, "map_partitions")


def summed_partials(
    frame: Any,
    part_stats: Callable[[pd.DataFrame], pd.DataFrame],
    keys: list[Hashable],
) -> pd.DataFrame:
    """Per-group statistics of a dask DataFrame, as one pandas DataFrame.

    ``part_stats`` turns one partition into its groups' statistics (keys as
    leading columns); dask runs it on every partition, sums the partials by
    key and computes. The result has the keys as leading columns, in no
    particular order.
    """
    meta = part_stats(frame._meta)
    partials = frame.map_partitions(part_stats, meta=meta)
    summed = partials.groupby(keys, sort=False, observed=True, dropna=False).sum()
    result: pd.DataFrame = pd.DataFrame(summed.compute()).reset_index()
    return result
