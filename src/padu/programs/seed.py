"""The seeded catalogue (`data/catalogue.json`, or an office's own file): the programs of issue 13
with what DOMAIN.md §5 knows of them, each with its first rule version, and the default
compatibility table. Safe to repeat: what exists (and may have been edited) is left as it is."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record, snapshot
from padu.core.scoping import require

from .models import Program, ProgramCompatibility, RuleSet

CATALOGUE = Path(__file__).parent / "data" / "catalogue.json"
PROGRAM_FIELDS = (
    "code",
    "name",
    "legal_basis",
    "target_unit",
    "benefit_type",
    "funding_source",
    "owning_agency",
    "budget_ceiling",
    "note",
)


@dataclass
class Seeded:
    programs: int = 0
    rule_sets: int = 0
    pairs: int = 0


def load(path: Path | None = None) -> dict:
    return json.loads(Path(path or CATALOGUE).read_text(encoding="utf-8"))


def programs_seed(*, actor, path: Path | None = None) -> Seeded:
    """Create the catalogue's programs, rules and pairs that do not exist yet. `actor` None is
    the system (the demo, `padu programs seed`)."""
    if actor is not None:
        require(actor, Cap.PROGRAM_MANAGE)
    data = load(path)
    out = Seeded()
    with transaction.atomic():
        by_code = {p.code: p for p in Program.objects.all()}
        for entry in data["programs"]:
            program = by_code.get(entry["code"])
            if program is None:
                values = {k: entry.get(k) for k in PROGRAM_FIELDS if k in entry}
                if values.get("budget_ceiling") is not None:
                    values["budget_ceiling"] = Decimal(values["budget_ceiling"])
                program = Program.objects.create(**values, created_by=actor, updated_by=actor)
                audit_record(
                    actor=actor,
                    action="program.seeded",
                    obj=program,
                    after=snapshot(program, list(PROGRAM_FIELDS)),
                    source="seed",
                )
                by_code[program.code] = program
                out.programs += 1
            if entry.get("rules") and not program.rule_sets.exists():
                rule_set = RuleSet.objects.create(
                    program=program, version=1, tree=entry["rules"], created_by=actor
                )
                audit_record(
                    actor=actor,
                    action="rule_set.seeded",
                    obj=rule_set,
                    after={"tree": rule_set.tree},
                    source="seed",
                )
                out.rule_sets += 1
        for pair in data.get("compatibility", ()):
            a, b = by_code.get(pair["a"]), by_code.get(pair["b"])
            if a is None or b is None:
                continue
            a_id, b_id = ProgramCompatibility.ordered_pair(a.pk, b.pk)
            row, created = ProgramCompatibility.objects.get_or_create(
                program_a_id=a_id,
                program_b_id=b_id,
                defaults={
                    "compatible": pair["compatible"],
                    "note": pair.get("note", ""),
                    "created_by": actor,
                    "updated_by": actor,
                },
            )
            if created:
                audit_record(
                    actor=actor,
                    action="program_compatibility.seeded",
                    obj=row,
                    after=snapshot(row, ["program_a", "program_b", "compatible", "note"]),
                    source="seed",
                )
                out.pairs += 1
    return out
