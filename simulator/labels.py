"""Integer codes to text columns, fast.

pandas 3 stores text as Arrow strings; building such a column from a numpy
array of Python or numpy strings converts value by value (the single largest
cost of the dataset tables before this module). Taking from a small Arrow
array of names and wrapping the result is a C-level gather instead, and gives
the very same column (dtype ``str``). Under pandas 2 without
``future.infer_string`` text columns are ``object``, so that is returned.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

ARROW_TEXT = isinstance(pd.Series(["x"]).dtype, pd.StringDtype)  # pandas 3; pandas 2: object
TEXT_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas 3's default ``str``


def arrow_text(values: pa.Array):
    """An Arrow string array as the text column pandas would make of its values."""
    if not ARROW_TEXT:
        return values.to_numpy(zero_copy_only=False)
    return pd.array(values, dtype=TEXT_DTYPE)


def text_column(names: Sequence[str], codes: np.ndarray):
    """``names[codes]`` as the text column pandas would make of it."""
    codes = np.asarray(codes, dtype=np.int64)
    codes = np.where(codes < 0, codes + len(names), codes)  # numpy's negative indexing
    if not ARROW_TEXT:
        return np.array(list(names), dtype=object)[codes]
    return arrow_text(pa.array(list(names), type=pa.large_string()).take(pa.array(codes)))


def as_text(values):
    """A text column of ``values`` (strings, no missing ones) by factorising: a gather
    from the distinct values instead of a conversion value by value."""
    codes, uniques = pd.factorize(values)
    if codes.size and codes.min() < 0:
        return np.asarray(values, dtype=object)
    return text_column([str(u) for u in uniques], codes)
