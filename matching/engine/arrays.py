"""NumPy helpers for scoring every pair at once: names as codes, word sets as 0/1 matrices."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
from scipy import sparse

from matching.engine.inputs import _key

FloatMatrix = npt.NDArray[np.float64]


def _codes(values: Iterable[str], table: dict[str, int]) -> npt.NDArray[np.int64]:
    """An integer per value, equal for equal keys (`_key`), -1 for an empty value."""
    codes = [table.setdefault(k, len(table)) if (k := _key(value)) else -1 for value in values]
    return np.array(codes, dtype=np.int64)


def _equal(rows: npt.NDArray[np.int64], columns: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    return (rows[:, None] == columns[None, :]) & (rows[:, None] >= 0)


def _incidence(sets: Sequence[Iterable[str]], table: dict[str, int]) -> sparse.csr_matrix:
    """A 0/1 sparse matrix: row i has a 1 in the column of each word of sets[i]."""
    indptr = [0]
    indices: list[int] = []
    for words in sets:
        indices.extend(table[word] for word in words)
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.ones(len(indices), dtype=np.int32), indices, indptr),
        shape=(len(sets), len(table)),
    )
