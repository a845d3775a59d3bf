"""A program's rules: each change is a new version (a version a cohort used never changes)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record
from padu.core.scoping import require

from ..models import Program, RuleSet
from ..rules.schema import validate
from .base import check_version, touch


def rule_set_create(
    *, actor, program: Program, tree, note: str = "", expected_version: int | None = None
) -> RuleSet:
    """The program's rules as `tree`, saved as their next version. `expected_version`: the
    program's version the user read (its rules as he saw them); each new version moves it, so
    that rules written from an older page do not replace newer ones unseen."""
    require(actor, Cap.PROGRAM_MANAGE)
    tree = validate(tree)
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        check_version(program, expected_version)
        last = program.rule_sets.aggregate(v=Max("version"))["v"] or 0
        rule_set = RuleSet.objects.create(
            program=program, version=last + 1, tree=tree, note=note[:2000], created_by=actor
        )
        touch(program, actor)
        audit_record(
            actor=actor,
            action="rule_set.created",
            obj=rule_set,
            after={"version": rule_set.version, "tree": tree, "note": rule_set.note},
            only_changes=False,
        )
    return rule_set


def latest_rule_set(program: Program) -> RuleSet | None:
    return program.rule_sets.order_by("-version").first()
