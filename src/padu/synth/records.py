"""Writing a generated population's assessments (synth.assessments) into the registry, after its
file was imported (`padu demo`): the disability records in force that the import made (assessed
on its day, from the file) get the assessment's own date, source, note and per-type severity; the
earlier assessments they replaced, and the PPKS assessments, are added. Synthetic data for a demo
or a benchmark: written in bulk, with one audit entry for all, as the import records its rows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.db import transaction
from django.utils import timezone

from padu.core.audit import audit_record
from padu.registry.models import Person, PersonDisability, PPKSAssessment, PPKSCategory

from .assessments import DISABILITY_COLUMNS, PPKS_COLUMNS, paths

BATCH = 2_000  # rows per statement (SQLite's limit of variables, PostgreSQL's packet)
ASSESSED = ("severity", "assessed_on", "source", "note")


@dataclass(frozen=True)
class Loaded:
    disabilities: int  # records in force given their assessment
    replaced: int  # earlier records added, ended
    ppks: int  # PPKS assessments added


def _read(path: Path, columns) -> list[dict]:
    frame = pl.read_csv(path, schema_overrides=dict.fromkeys(columns, pl.String))
    return frame.with_columns(pl.col(c).fill_null("") for c in columns).to_dicts()


def _people(niks: set[str]) -> dict[str, int]:
    # The whole registry's people by NIK: a system job preparing synthetic data.
    found: dict[str, int] = {}
    ordered = sorted(niks)
    for start in range(0, len(ordered), BATCH):
        part = ordered[start : start + BATCH]
        found.update(Person.objects.unscoped().filter(nik__in=part).values_list("nik", "pk"))
    return found


def _in_force(person_ids) -> dict[tuple[int, str], PersonDisability]:
    ids = sorted(set(person_ids))
    rows = {}
    for start in range(0, len(ids), BATCH):
        for r in PersonDisability.objects.unscoped().filter(
            person_id__in=ids[start : start + BATCH], ended_on__isnull=True
        ):
            rows[(r.person_id, r.type)] = r
    return rows


def load_assessments(population: Path, *, actor=None) -> Loaded:
    """Write the assessments generated beside `population` for the people the registry holds
    (a person the import refused is left out); `actor`: who imported it (None: the system)."""
    disability_path, ppks_path = paths(Path(population))
    records = _read(disability_path, DISABILITY_COLUMNS)
    assessments = _read(ppks_path, PPKS_COLUMNS)
    people = _people({r["nik"] for r in records} | {a["nik"] for a in assessments})
    now = timezone.now()
    with transaction.atomic():
        in_force = _in_force(people[r["nik"]] for r in records if r["nik"] in people)
        changed, replaced = [], []
        for r in records:
            person_id = people.get(r["nik"])
            row = in_force.get((person_id, r["type"]))
            if row is None:
                continue
            if r["ended_on"]:
                replaced.append(
                    PersonDisability(
                        person_id=person_id,
                        **{k: r[k] for k in ("type", *ASSESSED)},
                        ended_on=r["ended_on"],
                        ended_by=actor,
                        end_reason=r["end_reason"],
                        created_by=actor,
                        updated_by=actor,
                        created_at=now,
                        updated_at=now,
                    )
                )
                continue
            for k in ASSESSED:
                setattr(row, k, r[k])
            changed.append(row)
        PersonDisability.objects.unscoped().bulk_update(changed, list(ASSESSED), batch_size=BATCH)
        PersonDisability.objects.unscoped().bulk_create(replaced, batch_size=BATCH)
        categories = dict(PPKSCategory.objects.values_list("code", "pk"))
        added = [
            PPKSAssessment(
                person_id=people[a["nik"]],
                category_id=categories[int(a["category"])],
                **{k: a[k] for k in ("assessed_on", "assessor", "result", "evidence")},
                created_by=actor,
                updated_by=actor,
            )
            for a in assessments
            if a["nik"] in people and int(a["category"]) in categories
        ]
        PPKSAssessment.objects.unscoped().bulk_create(added, batch_size=BATCH)
        loaded = Loaded(len(changed), len(replaced), len(added))
        audit_record(
            actor=actor,
            action="synth.assessments.loaded",
            object_type="registry.persondisability",
            object_repr=disability_path.name,
            after={
                "disabilities": loaded.disabilities,
                "replaced": loaded.replaced,
                "ppks_assessments": loaded.ppks,
            },
            source="padu demo",
            only_changes=False,
        )
    return loaded
