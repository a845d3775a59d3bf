"""Writes on a person's disability records and PPKS assessments.

- `person_disability_record`: a new assessment of one type of disability (severity, date, source;
  the recorder is the actor). An assessment of a type already in force replaces it: the old record
  ends on the new one's date and stays in the history.
- `person_disability_end`: the type no longer applies (a reason is required).
- `sync_disabilities`: the person's form, the API and `person_add` give the types as one list
  (`disability`, with one `disability_severity`): the records follow it, inside the caller's
  transaction. The import does the same in SQL (importer/disabilities.py).
- `person_ppks_assess`: an assessment against a PPKS category (date, assessor, evidence, result);
  the person's categories follow its result.

Each write is audited on its record, in the area of the person's kelurahan, and tells
`registry.changes` that the person's family changed (the welfare score counts disabilities).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record
from padu.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from padu.core.records.derive import record_values
from padu.core.records.kinds import date_text
from padu.core.scoping import require

from .. import changes, codes
from ..declarations import PERSON_DISABILITY, PPKS_ASSESSMENT
from ..models import Person, PersonDisability, PPKSAssessment, PPKSCategory
from .base import audited_save, json_value, locked_person, person_snapshot, record_context

END_REASON_MAX = 200
PPKS_CODE_MAX = 32767  # PPKSCategory.code's column


def _snapshot(record, obj) -> dict:
    values = record_values(record, obj)
    if isinstance(obj, PersonDisability):
        values.update({"ended_on": obj.ended_on, "end_reason": obj.end_reason})
    else:
        values["category"] = obj.category.code
    return json_value({**values, "person": obj.person_id})


def _audit(actor, obj, action: str, before, *, reason: str = "", source: str = "") -> None:
    record = PERSON_DISABILITY if isinstance(obj, PersonDisability) else PPKS_ASSESSMENT
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        region_code=obj.person.region_id,
        before=before,
        after=_snapshot(record, obj),
        reason=reason,
        source=source,
    )


def _end(actor, row: PersonDisability, *, on, reason: str, source: str = "") -> None:
    before = _snapshot(PERSON_DISABILITY, row)
    row.ended_on, row.ended_by, row.end_reason = on, actor, reason[:END_REASON_MAX]
    row.version += 1
    row.updated_by = actor
    row.save(
        update_fields=["ended_on", "ended_by", "end_reason", "version", "updated_by", "updated_at"]
    )
    _audit(actor, row, "registry.disability.ended", before, reason=reason, source=source)


def _add(actor, person: Person, values: dict, *, source: str = "") -> PersonDisability:
    row = PersonDisability(person=person, created_by=actor, updated_by=actor, **values)
    row.save()
    _audit(actor, row, "registry.disability.recorded", None, source=source)
    return row


def _active(person: Person) -> dict[str, PersonDisability]:
    rows = person.disabilities.select_for_update().filter(ended_on__isnull=True)
    return {r.type: r for r in rows}


def sync_disabilities(
    *, actor, person: Person, types: list[str], severity: str, source: str = ""
) -> bool:
    """Make the person's records in force the `types` (a person's form or the API): a type not
    given ends, a new one is recorded today from the registry's data collection; a type kept with
    another `severity` (none given: each keeps its own) is assessed again. Whether anything
    changed. Inside the caller's transaction, the person locked."""
    today = timezone.localdate()
    active = _active(person)
    changed = False
    for t, row in active.items():
        if t not in types:
            _end(actor, row, on=today, reason=_("Removed on the person's form."), source=source)
            changed = True
    for t in types:
        row = active.get(t)
        if row is not None and (not severity or row.severity == severity):
            continue
        if row is not None:
            _end(actor, row, on=today, reason=_("Assessed again."), source=source)
        values = {
            "type": t,
            "severity": severity or "",
            "assessed_on": today,
            "source": codes.DisabilitySource.REGISTRY,
        }
        _add(actor, person, values, source=source)
        changed = True
    person.disability_rows = None
    return changed


def person_disability_record(
    *, actor, person: Person, data: dict, source: str = ""
) -> PersonDisability:
    """A new assessment of one type of the person's disability (`data`: the declared fields)."""
    require(actor, Cap.REGISTRY_EDIT)
    values, errors = PERSON_DISABILITY.clean(data, record_context(actor))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = locked_person(actor, person)
        if locked.life_status != codes.LifeStatus.ACTIVE:
            raise DomainError(
                _(
                    "Disabilities are recorded only for people living in a family; %(name)s is "
                    "%(status)s."
                )
                % {"name": locked.name, "status": locked.get_life_status_display().lower()}
            )
        current = _active(locked).get(values["type"])
        if current is not None and values["assessed_on"] < current.assessed_on:
            raise ValidationFailed(
                {
                    "assessed_on": [
                        PERSON_DISABILITY["assessed_on"].prefixed(
                            _(
                                "an assessment of this type dated %(date)s is in force; a new "
                                "one cannot be older."
                            )
                            % {"date": date_text(current.assessed_on)}
                        )
                    ]
                }
            )
        if current is not None:
            _end(
                actor,
                current,
                on=values["assessed_on"],
                reason=_("Replaced by the assessment of %(date)s.")
                % {"date": date_text(values["assessed_on"])},
                source=source,
            )
        row = _add(actor, locked, values, source=source)
        changes.families_changed([locked.family_id])
        return row


def person_disability_end(
    *, actor, disability: PersonDisability, reason: str, ended_on=None, source: str = ""
) -> PersonDisability:
    """The type of disability no longer applies (from `ended_on`, default today)."""
    require(actor, Cap.REGISTRY_EDIT)
    reason = (reason or "").strip()
    ended_on = ended_on or timezone.localdate()
    errors = {}
    if not reason:
        errors["reason"] = [_("Reason: say why the disability no longer applies.")]
    elif len(reason) > END_REASON_MAX:
        errors["reason"] = [_("Reason: at most %(max)d characters.") % {"max": END_REASON_MAX}]
    if ended_on > timezone.localdate():
        errors["ended_on"] = [_("End date: the date cannot be in the future.")]
    with transaction.atomic():
        row = (
            PersonDisability.objects.select_for_update()
            .scoped(actor)
            .filter(pk=disability.pk)
            .select_related("person")
            .first()
        )
        if row is None:
            raise PermissionDeniedError()
        if row.ended_on is not None:
            raise DomainError(_("This disability record has already ended."))
        if "ended_on" not in errors and ended_on < row.assessed_on:
            errors["ended_on"] = [
                _("End date: the record cannot end before its assessment (%(date)s).")
                % {"date": date_text(row.assessed_on)}
            ]
        if errors:
            raise ValidationFailed(errors)
        locked_person(actor, row.person)
        _end(actor, row, on=ended_on, reason=reason, source=source)
        changes.families_changed([row.person.family_id])
        return row


def person_ppks_assess(
    *, actor, person: Person, category_code, data: dict, source: str = ""
) -> PPKSAssessment:
    """An assessment of the person against the PPKS category `category_code`; the person's
    categories gain it (result: meets the criteria) or lose it (does not)."""
    require(actor, Cap.REGISTRY_EDIT)
    values, errors = PPKS_ASSESSMENT.clean(data, record_context(actor))
    code = str(category_code or "").strip()
    category = None
    if code.isdigit() and 1 <= int(code) <= PPKS_CODE_MAX:
        category = PPKSCategory.objects.filter(code=int(code)).first()
    if category is None:
        errors["category"] = [_("PPKS category: choose a category from the list.")]
    elif not category.is_active and values.get("result") == codes.PPKSResult.MEETS:
        errors["category"] = [
            _("PPKS category %(code)s is no longer in use and cannot be given.")
            % {"code": category.code}
        ]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = locked_person(actor, person)
        assessment = PPKSAssessment(
            person=locked, category=category, created_by=actor, updated_by=actor, **values
        )
        assessment.save()
        _audit(actor, assessment, "registry.ppks_assessment.recorded", None, source=source)
        has = locked.ppks.filter(pk=category.pk).exists()
        meets = values["result"] == codes.PPKSResult.MEETS
        if has != meets:
            before = person_snapshot(locked)
            if meets:
                locked.ppks.add(category)
            else:
                locked.ppks.remove(category)
            audited_save(
                actor=actor,
                obj=locked,
                fields=[],
                action="registry.person.updated",
                before=before,
                reason=_("PPKS assessment of %(date)s.")
                % {"date": date_text(values["assessed_on"])},
                source=source,
            )
        return assessment
