"""A candidate's field check by a PSM or TKSK of his area: found at the address, still meeting
the program's conditions, willing to take part. All three verify him; any "no" rejects him, and
the waiting list may fill his place (targeting). Photos are kept as proofs."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.errors import ValidationFailed
from padu.core.scoping import require

from ..models import Candidate, FieldCheck
from .base import check_version
from .cohorts import cohort_begin_verification, fill_place
from .lifecycle import locked_candidate, move
from .proofs import check_files, discard, store_proofs


def field_check_record(
    *,
    actor,
    candidate: Candidate,
    checked_on: datetime.date,
    found: bool,
    conditions_met: bool,
    willing: bool,
    note: str = "",
    photos=(),
    expected_version: int | None = None,
) -> FieldCheck:
    """`expected_version`: the candidate's version the user read (a change since is refused)."""
    require(actor, Cap.PROGRAM_VERIFY)
    checked = check_files(photos, field="photos")
    note = (note or "").strip()
    errors = {}
    if checked_on > timezone.localdate():
        errors["checked_on"] = [_("Date of the check: it cannot be in the future.")]
    passed = found and conditions_met and willing
    if passed and not checked:
        errors["photos"] = [_("Photos: add at least one photo of the visit.")]
    if not passed and not note:
        errors["note"] = [_("Note: say what the visit found.")]
    if errors:
        raise ValidationFailed(errors)
    stored = []
    try:
        with transaction.atomic():
            cohort_begin_verification(actor=actor, candidate=candidate)
            locked = locked_candidate(actor, candidate)
            check_version(locked, expected_version)
            check = FieldCheck.objects.create(
                candidate=locked,
                region_id=locked.region_id,
                checked_on=checked_on,
                found=found,
                conditions_met=conditions_met,
                willing=willing,
                note=note,
                created_by=actor,
                updated_by=actor,
            )
            stored = store_proofs(
                files=checked, region_id=locked.region_id, actor=actor, field_check=check
            )
            grounds = {
                "field_check": check.pk,
                "found": found,
                "conditions_met": conditions_met,
                "willing": willing,
                "photos": len(stored),
            }
            move(
                actor=actor,
                locked=locked,
                name="verify" if passed else "reject",
                reason=note,
                after=grounds,
            )
            if not passed and not locked.on_waiting_list:
                # His place goes to the first of his area's waiting list, as when one drops out.
                fill_place(actor=actor, left=locked)
    except BaseException:
        discard(stored)
        raise
    return check
