"""Writes on a family's desil history (DOMAIN.md §1.3, §1.5): BPS ranks the families in DTSEN,
an import brings the ranking in (importer/upsert.py writes its entries in one statement per
import), a muskel decision or an authorised correction changes it here. Each entry keeps its
period and its source (`DesilSource`); the family's current desil is the entry of the latest
period, the latest recorded one within a period.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.errors import ConflictError, ValidationFailed
from padu.core.scoping import require

from ..declarations import DESIL_ENTRY
from ..declarations.desil import DESIL, PERIOD, DesilSource
from ..models import DesilRecord, Family
from .base import DESIL_FIELDS, audited_save, family_snapshot, locked_family, record_context

ACTIONS = {
    DesilSource.CORRECTION: "registry.family.desil_corrected",
    DesilSource.MUSKEL: "registry.family.desil_decided",
}


def family_correct_desil(
    *,
    actor,
    family: Family,
    expected_version: int,
    desil,
    period,
    reason: str,
) -> DesilRecord:
    """Correct the family's desil for `period` (a release date, not after today), saying why.
    The entry becomes the family's desil unless a later period is already recorded."""
    require(actor, Cap.DESIL_CORRECT)
    return _decided(
        actor=actor,
        family=family,
        expected_version=expected_version,
        desil=desil,
        period=period,
        kind=DesilSource.CORRECTION,
        reason=reason,
        reason_missing=_("say why the desil is corrected."),
    )


def family_record_muskel_desil(
    *,
    actor,
    family: Family,
    expected_version: int,
    desil,
    period,
    decision: str,
    reason: str = "",
) -> DesilRecord:
    """Record the desil a musyawarah kelurahan decided for the family (the updates app calls
    this with its decision's reference, e.g. the number of the berita acara)."""
    require(actor, Cap.DESIL_CORRECT)
    decision = " ".join((decision or "").split())
    if not decision:
        raise ValidationFailed(
            {"source": [DESIL_ENTRY["source"].prefixed(_("name the muskel decision."))]}
        )
    return _decided(
        actor=actor,
        family=family,
        expected_version=expected_version,
        desil=desil,
        period=period,
        kind=DesilSource.MUSKEL,
        source=decision,
        reason=reason or decision,
        reason_missing="",
    )


def _checked(actor, desil, period) -> tuple[int, datetime.date]:
    """The desil (1–10, required) and its period (a date, required, not in the future)."""
    values, errors = DESIL_ENTRY.clean(
        {"desil": desil, "period": period}, record_context(actor), only=("desil", "period")
    )
    out = {}
    if "desil" in errors or values.get("desil") is None:
        out["desil"] = [DESIL.prefixed(_("choose a desil from 1 to 10."))]
    if "period" in errors:
        out["period"] = errors["period"]
    elif values.get("period") is None:
        out["period"] = [PERIOD.prefixed(_("enter the date the desil was released."))]
    if out:
        raise ValidationFailed(out)
    return values["desil"], values["period"]


def _decided(
    *,
    actor,
    family: Family,
    expected_version: int,
    desil,
    period,
    kind: str,
    reason: str,
    reason_missing: str,
    source: str = "",
) -> DesilRecord:
    reason = " ".join((reason or "").split())
    errors = {}
    try:
        desil, period = _checked(actor, desil, period)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if not reason and reason_missing:
        errors["reason"] = [DESIL_ENTRY["reason"].prefixed(reason_missing)]
    elif len(reason) > DESIL_ENTRY["reason"].kind.max_length:
        errors["reason"] = [
            DESIL_ENTRY["reason"].prefixed(
                _("Use at most %(max)s characters.")
                % {"max": DESIL_ENTRY["reason"].kind.max_length}
            )
        ]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = locked_family(actor, family)
        if locked.version != expected_version:
            raise ConflictError(current_version=locked.version)
        return record_desil(
            actor=actor,
            family=locked,
            desil=desil,
            period=period,
            kind=kind,
            source=source[: DESIL_ENTRY["source"].kind.max_length],
            reason=reason,
            always=True,
        )


def record_desil(
    *,
    actor,
    family: Family,
    desil,
    period,
    kind: str = DesilSource.ENTERED,
    source: str = "",
    reason: str = "",
    always: bool = False,
) -> DesilRecord:
    """The desil entry, and the family's current desil when it is the latest (inside the
    caller's transaction, on a locked family). The same desil, period and source as the latest
    entry changes nothing, unless `always` (a decision is recorded each time it is made). The
    family's version goes up and the audit trail records the entry whenever one is added."""
    latest = family.desil_history.order_by("-recorded_at", "-pk").first()
    if (
        not always
        and latest is not None
        and (latest.desil, latest.period, latest.kind, latest.source)
        == (desil, period, kind, source)
    ):
        return latest
    record = DesilRecord.objects.create(
        family=family,
        desil=desil,
        period=period,
        kind=kind,
        source=source,
        reason=reason,
        recorded_by=actor,
    )
    before = family_snapshot(family)
    current = period is None or family.desil_period is None or period >= family.desil_period
    if current:
        family.desil, family.desil_period = desil, period
    # An entry of an earlier period leaves the current desil as it is: the audit entry then
    # holds no change of fields, only its action, reason and source (the entry has the rest).
    audited_save(
        actor=actor,
        obj=family,
        fields=list(DESIL_FIELDS) if current else [],
        action=ACTIONS.get(kind, "registry.family.desil_recorded"),
        before={k: before[k] for k in DESIL_FIELDS},
        reason=reason,
        source=source,
    )
    return record
