"""The program catalogue and its compatibility table."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record, snapshot
from padu.core.errors import DomainError
from padu.core.scoping import require

from ..models import Program, ProgramCompatibility
from .base import bump, check_version, checked, editable_fields, touch

PROGRAM_FIELDS = editable_fields(Program)
PAIR_FIELDS = ("program_a", "program_b", "compatible", "note")


def program_save(
    *, actor, values: dict, program: Program | None = None, expected_version: int | None = None
) -> Program:
    """Create a program, or change one (`expected_version`: the one the user edited)."""
    require(actor, Cap.PROGRAM_MANAGE)
    with transaction.atomic():
        if program is None:
            program = Program(created_by=actor, updated_by=actor)
            before = None
        else:
            program = Program.objects.select_for_update().get(pk=program.pk)
            check_version(program, expected_version)
            before = snapshot(program, list(PROGRAM_FIELDS))
            bump(program, actor)
        for name in PROGRAM_FIELDS:
            if name in values:
                setattr(program, name, values[name])
        checked(program)
        program.save()
        audit_record(
            actor=actor,
            action="program.created" if before is None else "program.changed",
            obj=program,
            before=before,
            after=snapshot(program, list(PROGRAM_FIELDS)),
        )
    return program


def compatibility_set(
    *,
    actor,
    program: Program,
    other: Program,
    compatible: bool,
    note: str = "",
    expected_version: int | None = None,
) -> ProgramCompatibility:
    """Whether `program` and `other` may be held together (one row per unordered pair).
    `expected_version`: the version of `program` the user read. The pair is shown on both
    programs' pages: it moves the version of both."""
    require(actor, Cap.PROGRAM_MANAGE)
    if program.pk == other.pk:
        raise DomainError(
            _("Choose another program: a program is always compatible with itself."),
            code="same_program",
            field="other",
        )
    a_id, b_id = ProgramCompatibility.ordered_pair(program.pk, other.pk)
    with transaction.atomic():
        # Both locked in one order (smaller id first), whichever page the pair is set from.
        locked = {
            p.pk: p
            for p in Program.objects.select_for_update().filter(pk__in=[a_id, b_id]).order_by("pk")
        }
        check_version(locked[program.pk], expected_version)
        row = (
            ProgramCompatibility.objects.select_for_update()
            .filter(program_a_id=a_id, program_b_id=b_id)
            .first()
        )
        before = snapshot(row, list(PAIR_FIELDS)) if row else None
        if row is None:
            row = ProgramCompatibility(
                program_a_id=a_id, program_b_id=b_id, created_by=actor, updated_by=actor
            )
        else:
            bump(row, actor)
        row.compatible, row.note = compatible, note
        checked(row, exclude=("program_a", "program_b"))
        row.save()
        for p in locked.values():
            touch(p, actor)
        audit_record(
            actor=actor,
            action="program_compatibility.set",
            obj=row,
            before=before,
            after=snapshot(row, list(PAIR_FIELDS)),
        )
    return row
