"""Array types and small vectorised helpers shared by the population model and the renderer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
ObjArray = NDArray[np.object_]


def take(vocab: Sequence[object], index: IntArray) -> ObjArray:
    """Vocabulary entries by index as an object array (the strings are shared, not copied)."""
    table = np.empty(len(vocab), dtype=object)
    table[:] = list(vocab)
    return np.asarray(table[index], dtype=object)


def where_missing(values: ObjArray, missing: BoolArray) -> ObjArray:
    """Copy of `values` with NaN where `missing`."""
    out = values.copy()
    out[missing] = np.nan
    return out


def sample(rng: np.random.Generator, weights: Mapping[int, float], n: int) -> IntArray:
    """Draw `n` keys of `weights` with probability proportional to the values."""
    keys = np.fromiter(weights.keys(), dtype=np.int64)
    p = np.fromiter(weights.values(), dtype=np.float64)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def by_uniform(labels: Sequence[object], weights: Sequence[float], u: FloatArray) -> ObjArray:
    """Map uniforms to labels through cumulative weights (the same u keeps the same rank)."""
    cumulative = np.cumsum(np.asarray(weights, dtype=np.float64))
    index = np.searchsorted(cumulative / cumulative[-1], u, side="right")
    return take(labels, np.minimum(index, len(labels) - 1).astype(np.int64))


def pick(rng: np.random.Generator, table: Sequence[tuple[str, float]], n: int) -> ObjArray:
    """Draw `n` labels of a (label, weight) table."""
    return by_uniform([label for label, _ in table], [w for _, w in table], rng.random(n))


def numbered(prefix: str, numbers: IntArray) -> ObjArray:
    """`prefix` + number as Python strings, e.g. RA-17."""
    return np.asarray(np.char.add(prefix, numbers.astype(str)), dtype=object)
