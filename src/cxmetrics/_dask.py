"""Dask DataFrames for `by_segment` and `over_time`: partial tables per partition.

dask is imported only here, and only when a dask DataFrame arrives: a frame
is recognised by the module its class comes from, so ``import cxmetrics``
never imports dask.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

__all__ = ["is_dask_frame", "reduced"]


def is_dask_frame(obj: object) -> bool:
    """Whether ``obj`` is a dask DataFrame (without importing dask)."""
    module = type(obj).__module__.split(".", 1)[0]
    return module in ("dask", "dask_expr") and hasattr(obj, "map_partitions")


#: Partial tables combined per step of the tree reduction.
_SPLIT_EVERY = 8


def reduced(
    frame: Any,
    part_table: Callable[[pd.DataFrame], pd.DataFrame],
    combine: Callable[[pd.DataFrame], pd.DataFrame],
) -> pd.DataFrame:
    """A small table from a dask DataFrame, by a tree reduction, computed.

    ``part_table`` turns one partition into its table (of groups and their
    statistics); ``combine`` turns several such tables, concatenated, into
    one. Dask applies ``combine`` level by level to a few tables at a time
    and once more at the top, so the table of groups never needs a shuffle
    (``split_out=1``).
    """
    meta = part_table(frame._meta)
    tables = frame.reduction(
        part_table,
        aggregate=combine,
        combine=combine,
        meta=meta,
        split_every=_SPLIT_EVERY,
    )
    result: pd.DataFrame = pd.DataFrame(tables.compute()).reset_index(drop=True)
    return result
