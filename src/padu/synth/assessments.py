"""The records of assessments beside a generated population: what the import layout cannot carry.

The population file gives each person's types of disability (`disabilitas`, several: ganda) and
their severity when they share one; an import records them as assessed on its day, from the file.
Beside it, `generate_population` writes two files of the assessments themselves:

- `<out>.disabilitas.csv`: one row per record, `nik, type, severity, assessed_on, source, note,
  ended_on, end_reason`: each type in force with its own severity, the assessment's date and
  source (a doctor's letter, a PSM visit, a Dinsos assessment); a quarter of them with the earlier
  assessment it replaced (ended on the later one's date, another severity);
- `<out>.ppks.csv`: one row per PPKS assessment, `nik, category, assessed_on, assessor, result,
  evidence`: every category a person holds was met at an assessment; some people were assessed
  before (a year or two earlier, with the same result, or not meeting it yet).

`synth.records.load_assessments` writes them into the registry after the import (`padu demo`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from .dates import EPOCH, REF, YEAR
from .welfare import DISABILITY_TYPES, SEVERITIES, Drawn

DISABILITY_COLUMNS = (
    "nik", "type", "severity", "assessed_on", "source", "note", "ended_on", "end_reason",
)  # fmt: skip
PPKS_COLUMNS = ("nik", "category", "assessed_on", "assessor", "result", "evidence")
SOURCES = ("surat_dokter", "kunjungan_psm", "asesmen_dinas", "lainnya")
SOURCE_SHARE = (0.45, 0.35, 0.15, 0.05)
NOTES = {
    "surat_dokter": ("Surat keterangan dokter RSUD", "Surat keterangan dokter Puskesmas"),
    "kunjungan_psm": ("Kunjungan rumah PSM",),
    "asesmen_dinas": ("Asesmen pekerja sosial Dinas Sosial",),
    "lainnya": ("Keterangan keluarga",),
}
ASSESSORS = (
    "Rahmat Hidayat (PSM)", "Yulia Sari (PSM)", "Afrizal (TKSK)", "Novrianti (Pekerja Sosial)",
    "Dedi Saputra (PSM)", "Fitri Handayani (TKSK)", "Syafrudin (Pekerja Sosial)",
)  # fmt: skip
EVIDENCE = (
    "Laporan kunjungan rumah; berkas di kantor kelurahan",
    "Berita acara musyawarah kelurahan dan foto kondisi rumah",
    "Surat keterangan RT/RW dan laporan asesmen",
)
REPLACED = "Diganti asesmen yang lebih baru"  # the reason the services give, in the demo's language


def paths(out: Path) -> tuple[Path, Path]:
    return Path(f"{out}.disabilitas.csv"), Path(f"{out}.ppks.csv")


def _day(days: np.ndarray) -> pl.Series:
    return pl.Series((EPOCH + days.astype("timedelta64[D]")).astype(str))


def _pick(rng, options, n: int) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.integers(0, len(options), n)]


def disability_records(rng, nik: pl.Series, birth: np.ndarray, drawn: Drawn) -> pl.DataFrame:
    """The disability records of the chunk's people: each type in force, and some earlier ones."""
    row, col = np.nonzero(drawn.types)
    n = len(row)
    # Assessed in the last eight years, after the person's second birthday (a younger child's:
    # in the second half of his life).
    age = REF - birth[row]
    earliest = np.maximum(birth[row] + np.minimum(int(2 * YEAR), age // 2), REF - int(8 * YEAR))
    assessed = earliest + (rng.random(n) * np.maximum(REF - 1 - earliest, 1)).astype(np.int64)
    source = np.asarray(SOURCES, dtype=object)[rng.choice(len(SOURCES), n, p=SOURCE_SHARE)]
    note = np.array([NOTES[s][i % len(NOTES[s])] for i, s in enumerate(source)], dtype=object)
    in_force = pl.DataFrame(
        {
            "nik": nik.gather(pl.Series(row, dtype=pl.Int64)),
            "type": np.asarray(DISABILITY_TYPES, dtype=object)[col],
            "severity": np.asarray(SEVERITIES, dtype=object)[drawn.severity[row, col]],
            "assessed_on": _day(assessed),
            "source": source,
            "note": note,
            "ended_on": pl.Series([None] * n, dtype=pl.String),
            "end_reason": pl.Series([None] * n, dtype=pl.String),
        },
        schema_overrides=dict.fromkeys(DISABILITY_COLUMNS, pl.String),
    )
    # A quarter were assessed before, one to four years earlier, with another severity.
    earlier = (rng.random(n) < 0.25) & (assessed - int(YEAR) > earliest)
    before = assessed[earlier] - (rng.random(int(earlier.sum())) * 3 * YEAR + YEAR).astype(int)
    before = np.maximum(before, earliest[earlier])
    severity = (drawn.severity[row, col][earlier] + rng.integers(1, 3, len(before))) % 3
    replaced = in_force.filter(pl.Series(earlier)).with_columns(
        severity=pl.Series(np.asarray(SEVERITIES, dtype=object)[severity], dtype=pl.String),
        assessed_on=_day(before),
        source=pl.lit("kunjungan_psm"),
        note=pl.lit(NOTES["kunjungan_psm"][0]),
        ended_on=_day(assessed[earlier]),
        end_reason=pl.lit(REPLACED),
    )
    return pl.concat([replaced, in_force]).select(DISABILITY_COLUMNS)


def ppks_assessments(rng, nik: pl.Series, drawn: Drawn) -> pl.DataFrame:
    """The PPKS assessments of the chunk's people: one that met each category they hold, in the
    last three years; before it, for one in five, an earlier one (not meeting it yet, or met)."""
    row, col = np.nonzero(drawn.ppks)
    n = len(row)
    assessed = REF - 1 - (rng.random(n) * 3 * YEAR).astype(np.int64)
    category = np.asarray(drawn.ppks_codes)[col]
    met = pl.DataFrame(
        {
            "nik": nik.gather(pl.Series(row, dtype=pl.Int64)),
            "category": category,
            "assessed_on": _day(assessed),
            "assessor": _pick(rng, ASSESSORS, n),
            "result": pl.Series(["memenuhi"] * n, dtype=pl.String),
            "evidence": _pick(rng, EVIDENCE, n),
        },
        schema_overrides={"assessor": pl.String, "evidence": pl.String},
    )
    again = rng.random(n) < 0.2
    earlier = assessed[again] - (rng.random(int(again.sum())) * YEAR + YEAR / 2).astype(int)
    result = np.where(rng.random(len(earlier)) < 0.5, "tidak_memenuhi", "memenuhi")
    first = met.filter(pl.Series(again)).with_columns(
        assessed_on=_day(earlier),
        result=pl.Series(result, dtype=pl.String),
        assessor=pl.Series(_pick(rng, ASSESSORS, len(earlier)), dtype=pl.String),
    )
    return pl.concat([first, met]).select(PPKS_COLUMNS)


class AssessmentSinks:
    """The two CSV files beside the population, written chunk by chunk."""

    def __init__(self, out: Path):
        self.paths = paths(out)
        self.files = [p.open("wb") for p in self.paths]
        self.first = True

    def write(self, records: pl.DataFrame, assessments: pl.DataFrame) -> None:
        for fh, frame in zip(self.files, (records, assessments), strict=True):
            frame.write_csv(fh, include_header=self.first)
        self.first = False

    def close(self) -> None:
        if self.first:
            for fh, columns in zip(self.files, (DISABILITY_COLUMNS, PPKS_COLUMNS), strict=True):
                fh.write((",".join(columns) + "\n").encode())
        for fh in self.files:
            fh.close()
