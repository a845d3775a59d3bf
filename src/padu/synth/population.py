"""Synthetic population of a region (Kota Padang by default) in the registry import layout.

``generate_population(out, people=N, seed=S)`` writes exactly N people — whole families, the last
one possibly cut short after its head — as CSV (UTF-8, comma) or XLSX, streaming chunk by chunk,
and returns a ``GenerationReport``. Family columns are written on the head's row only (the layout
allows it, and it keeps a million people under the default 200 MB import limit).

``duplicates`` and ``broken`` add that many extra rows (see ``inject``); their file line numbers
(the header is line 1) are in the report and, when any were asked for, in ``<out>.injected.json``.
The assessments of the people's disabilities and PPKS categories, which the layout cannot carry,
are written beside it (``synth.assessments``: ``<out>.disabilitas.csv``, ``<out>.ppks.csv``).

The same seed gives the same file, byte for byte, with the same installed package versions.
"""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from .assessments import AssessmentSinks
from .generator import PopulationGenerator
from .inject import BROKEN_KINDS, DUPLICATE_KINDS, Injector, Planned
from .places import build_places, load_villages
from .writers import CsvSink, XlsxSink

CHUNK_FAMILIES = 16_384
FORMATS = ("csv", "xlsx")


@dataclass
class GenerationReport:
    path: str
    format: str
    seed: int
    region: str
    region_source: str  # "table", "national" or "csv"
    people: int = 0  # generated people (without injected rows)
    families: int = 0  # generated families (without injected rows)
    rows: int = 0  # data rows in the file
    desil_families: dict = field(default_factory=dict)  # desil (None = not ranked) → families
    duplicates: list = field(default_factory=list)
    broken: list = field(default_factory=list)
    seconds: float = 0.0
    manifest: str | None = None
    assessments: list = field(default_factory=list)  # the files of synth.assessments

    def summary(self) -> str:
        """What was written, for the terminal, in the active language."""
        from django.contrib.humanize.templatetags.humanize import intcomma
        from django.utils.formats import number_format
        from django.utils.translation import gettext as _

        def pct(part: int) -> str:
            return number_format(100 * part / max(self.families, 1), decimal_pos=1)

        none = _("none")
        lines = [
            _(
                "%(path)s: %(rows)s rows — %(people)s people in %(families)s families (mean "
                "%(mean)s), region %(region)s (kelurahan from %(source)s), seed %(seed)s, "
                "%(seconds)s s"
            )
            % {
                "path": self.path,
                "rows": intcomma(self.rows),
                "people": intcomma(self.people),
                "families": intcomma(self.families),
                "mean": number_format(self.people / max(self.families, 1), decimal_pos=2),
                "region": self.region,
                "source": {
                    "table": _("the region table"),
                    "national": _("the national region list"),
                }.get(self.region_source, _("the region CSV file")),
                "seed": self.seed,
                "seconds": number_format(self.seconds, decimal_pos=1),
            },
            _("desil (families): %(counts)s")
            % {
                "counts": ", ".join(
                    f"{none if d is None else d}: {intcomma(n)} ({pct(n)} %)"
                    for d, n in self.desil_families.items()
                )
            },
        ]
        if self.duplicates:
            lines.append(
                _("duplicates: %(count)s (%(kinds)s)")
                % {"count": intcomma(len(self.duplicates)), "kinds": self._count(self.duplicates)}
            )
        if self.broken:
            lines.append(
                _("broken rows: %(count)s (%(kinds)s)")
                % {"count": intcomma(len(self.broken)), "kinds": self._count(self.broken)}
            )
        if self.manifest:
            lines.append(_("injected rows listed in %(path)s") % {"path": self.manifest})
        return "\n".join(lines)

    @staticmethod
    def _count(records) -> str:
        counts: dict[str, int] = {}
        for r in records:
            counts[r["kind"]] = counts.get(r["kind"], 0) + 1
        return ", ".join(f"{k} {v}" for k, v in counts.items())


def _plan(seed: int, people: int, duplicates: int, broken: int) -> list[tuple[int, Planned]]:
    """(global row, what) for every injected row, sorted by row; kinds spread at random."""
    if people <= 0:
        return []
    rng = np.random.default_rng([seed, 99])
    plan = []
    dup_pos = rng.integers(0, people, duplicates)
    for i, pos in enumerate(dup_pos):
        plan.append((int(pos), Planned(0, "duplicate", DUPLICATE_KINDS[i % len(DUPLICATE_KINDS)])))
    kinds = [BROKEN_KINDS[i % len(BROKEN_KINDS)].kind for i in range(broken)]
    kinds = [kinds[i] for i in rng.permutation(len(kinds))]
    for pos, kind in zip(rng.integers(0, people, broken), kinds, strict=True):
        plan.append((int(pos), Planned(0, "broken", kind)))
    plan.sort(key=lambda item: item[0])
    return plan


def generate_population(
    out,
    *,
    people: int,
    seed: int = 0,
    fmt: str | None = None,
    duplicates: int = 0,
    broken: int = 0,
    region: str = "13.71",
    progress: Callable[[int, int], None] | None = None,
) -> GenerationReport:
    started = time.perf_counter()
    out = Path(out)
    fmt = (fmt or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")).lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if min(people, duplicates, broken, seed) < 0:
        raise ValueError("people, duplicates, broken and seed must not be negative")
    villages, source = load_villages(region)
    places = build_places(villages)
    gen = PopulationGenerator(places, seed)
    injector = Injector(gen)
    plan = _plan(seed, people, duplicates, broken)
    report = GenerationReport(
        path=str(out), format=fmt, seed=seed, region=region, region_source=source
    )
    desil_counts = np.zeros(11, np.int64)
    sink = XlsxSink(out) if fmt == "xlsx" else CsvSink(out)
    assessments = AssessmentSinks(out)
    report.assessments = [str(p) for p in assessments.paths]
    try:
        chunk_no = 0
        while report.people < people:
            chunk = gen.generate(np.random.default_rng([seed, chunk_no]), CHUNK_FAMILIES)
            frame, fam = chunk.frame, chunk.fam
            keep = min(frame.height, people - report.people)
            frame, fam = frame.head(keep), fam[:keep]
            kept = frame["nik"]
            assessments.write(
                chunk.disabilities.filter(pl.col("nik").is_in(kept.implode())),
                chunk.ppks_assessments.filter(pl.col("nik").is_in(kept.implode())),
            )
            n_fam = int(fam[-1]) + 1 if keep else 0
            desil_counts += np.bincount(chunk.desil[:n_fam], minlength=11)
            start = report.people
            mine = []
            for pos, p in plan:
                if start <= pos < start + keep:
                    p.position = pos - start
                    mine.append(p)
            if mine:
                frame, records = injector.apply(
                    np.random.default_rng([seed, chunk_no, 1]),
                    frame,
                    fam,
                    mine,
                    family_columns=chunk.family_columns,
                )
                for rec in records:
                    rec["line"] = report.rows + 2 + rec.pop("_at")
                    src = rec.pop("_source")
                    rec["source_line"] = None if src is None else report.rows + 2 + src
                    (
                        report.duplicates if rec.pop("category") == "duplicate" else report.broken
                    ).append(rec)
            sink.write(frame)
            report.rows += frame.height
            report.people += keep
            report.families += n_fam
            chunk_no += 1
            if progress:
                progress(report.people, people)
    finally:
        sink.close()
        assessments.close()
    report.desil_families = {
        None if d == 0 else d: int(desil_counts[d]) for d in [*range(1, 11), 0]
    }
    manifest = Path(str(out) + ".injected.json")
    manifest.unlink(missing_ok=True)
    if report.duplicates or report.broken:
        manifest.write_text(
            json.dumps(
                {"duplicates": report.duplicates, "broken": report.broken},
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
        report.manifest = str(manifest)
    report.seconds = time.perf_counter() - started
    return report
