"""Earlier DTSEN rankings of a generated population: the same file with the desil each family had
in an earlier period, so that importing them in order (oldest first, then the population's own
file) gives every ranked family a desil history with families moving between desils.

Going back one period, a family keeps its desil or moves one or two deciles (`STEPS`); a few
families were not ranked yet (`UNRANKED_SHARE`). Only the desil columns differ from the source
file, so an import of an earlier file changes nothing else.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from padu.registry.declarations import FAMILY

DESIL = FAMILY["desil"].column
PERIOD = FAMILY["desil_period"].column
# The change of desil from one period back to the one before, and its probability.
STEPS = np.array([-2, -1, 0, 1, 2])
STEP_P = np.array([0.04, 0.14, 0.64, 0.14, 0.04])
UNRANKED_SHARE = 0.04


def earlier_rankings(source: Path, periods: list[str], *, seed: int) -> list[Path]:
    """Write one CSV per period of `periods` (release dates, `YYYY-MM-DD`, oldest first) beside
    `source` (a generated CSV), and return their paths, oldest first. The same seed gives the
    same files."""
    rng = np.random.default_rng([seed, 20])
    frame = pl.read_csv(source, infer_schema=False)
    ranked = frame[DESIL].is_not_null().to_numpy()
    desil = np.where(ranked, frame[DESIL].cast(pl.Int64, strict=False).fill_null(0), 0)
    was_ranked = ranked.copy()
    out = []
    for period in reversed(periods):
        step = rng.choice(STEPS, size=len(desil), p=STEP_P)
        desil = np.clip(desil + step, 1, 10)
        was_ranked &= rng.random(len(desil)) >= UNRANKED_SHARE
        path = source.with_name(f"{source.stem}-desil-{period}{source.suffix}")
        frame.with_columns(
            pl.when(pl.Series(was_ranked)).then(pl.Series(desil).cast(pl.String)).alias(DESIL),
            pl.when(pl.Series(was_ranked)).then(pl.lit(period)).alias(PERIOD),
        ).write_csv(path)
        out.append(path)
    return out[::-1]
