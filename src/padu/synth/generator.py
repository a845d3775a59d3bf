"""One chunk of families and their members as rows of the registry import layout.

The parts draw from the chunk's random generator in a fixed order (households, people, welfare,
dwellings), so that a seed always gives the same file. The columns and their order are the import
layout's (`padu.registry.importer.layout.NAMES`): a column the layout has and no part fills fails
here, loudly, instead of writing a file the importer would reject.
"""

from dataclasses import dataclass

import numpy as np
import polars as pl

from padu.registry.importer.layout import NAMES

from .assessments import disability_records, ppks_assessments
from .dwellings import Dwellings
from .households import S_HEAD, compose, desil_thresholds
from .people import People
from .places import Places
from .welfare import Welfare


@dataclass
class Chunk:
    """One generated chunk: the rows as a typed DataFrame plus what injection needs."""

    frame: pl.DataFrame
    fam: np.ndarray  # family number within the chunk, per row
    families: int
    desil: np.ndarray  # per family, 0 = none
    family_columns: tuple[str, ...]  # filled on the head's row only
    disabilities: pl.DataFrame  # the records of assessments (synth.assessments), by NIK
    ppks_assessments: pl.DataFrame


class PopulationGenerator:
    def __init__(self, places: Places, seed: int):
        self.places = places
        self.seed = seed
        self.thresholds = desil_thresholds(places)
        self.people = People(places)
        self.welfare = Welfare(places)
        self.dwellings = Dwellings(places)

    def generate(self, rng, n_families: int, *, only_single_adults: bool = False) -> Chunk:
        households = compose(
            rng, self.places, self.thresholds, n_families, only_single_adults=only_single_adults
        )
        # The people's uniforms, one row per use, read by both the people and the welfare part:
        # one draw before either, as it always was, keeps the files of a seed unchanged.
        u = rng.random((12, len(households.fam)))
        people, birth = self.people.draw(rng, households, u)
        welfare, drawn = self.welfare.draw(rng, households, u, birth)
        family = self.dwellings.draw(rng, households)
        on_heads = pl.Series(households.slot == S_HEAD)
        family_rows = family[pl.Series(households.fam)].with_columns(
            pl.when(on_heads).then(pl.col(c)).alias(c) for c in family.columns
        )
        frame = pl.concat([people, welfare, family_rows], how="horizontal").select(NAMES)
        # From a generator of their own: the population's draws stay as they were.
        extra = rng.spawn(1)[0]
        return Chunk(
            frame=frame,
            fam=households.fam,
            families=households.families,
            desil=np.where(households.no_desil, 0, households.desil),
            family_columns=tuple(c for c in NAMES if c in family.columns),
            disabilities=disability_records(extra, frame["nik"], birth, drawn),
            ppks_assessments=ppks_assessments(extra, frame["nik"], drawn),
        )
