"""Drawing helpers shared by the people and the dwellings: tables of probabilities that move with
the desil, one category per row from such a table, and list columns (``a;b``, ``kambing:3``)
built from boolean or count matrices."""

import numpy as np
import polars as pl


def desil_table(d1, d5, d10):
    """Per-desil probability rows (index 0..9 = desil 1..10), interpolated between three anchors."""
    d1, d5, d10 = (np.asarray(a, float) / np.sum(a) for a in (d1, d5, d10))
    rows = []
    for d in range(1, 11):
        if d <= 5:
            w = (d - 1) / 4
            rows.append((1 - w) * d1 + w * d5)
        else:
            w = (d - 5) / 5
            rows.append((1 - w) * d5 + w * d10)
    t = np.array(rows)
    return t / t.sum(axis=1, keepdims=True)


def desil_probability(d1, d5, d10):
    """One probability per desil (index 0..9), interpolated like `desil_table`."""
    return desil_table([d1, 1 - d1], [d5, 1 - d5], [d10, 1 - d10])[:, 0]


def draw_category(rng, table, row_idx):
    """One category (0-based) per row, row_idx selecting the probability row of ``table``."""
    cum = np.cumsum(table, axis=1)
    cum[:, -1] = 1.0
    u = rng.random(len(row_idx))
    return (u[:, None] > cum[row_idx]).sum(axis=1)


def join_flags(flags: np.ndarray, labels) -> pl.Series:
    """``a;b`` strings (null when no flag) from an n×k boolean matrix; distinct rows joined once."""
    mask = flags.astype(np.int64) @ (1 << np.arange(flags.shape[1], dtype=np.int64))
    uniq, inverse = np.unique(mask, return_inverse=True)
    strings = [
        ";".join(lbl for j, lbl in enumerate(labels) if m >> j & 1) or None for m in uniq.tolist()
    ]
    return pl.Series(strings, dtype=pl.String).gather(pl.Series(inverse.ravel(), dtype=pl.Int64))


def join_counts(counts: np.ndarray, labels) -> pl.Series:
    """``kambing:3;sapi:1`` strings (null when all zero) from an n×k matrix of counts below 16."""
    key = np.minimum(counts, 15).astype(np.int64) @ (
        16 ** np.arange(counts.shape[1], dtype=np.int64)
    )
    uniq, inverse = np.unique(key, return_inverse=True)
    strings = []
    for k in uniq.tolist():
        parts = [f"{lbl}:{k // 16**j % 16}" for j, lbl in enumerate(labels) if k // 16**j % 16]
        strings.append(";".join(parts) or None)
    return pl.Series(strings, dtype=pl.String).gather(pl.Series(inverse.ravel(), dtype=pl.Int64))
