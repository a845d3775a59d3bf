"""The field verification form's checklist (DOMAIN.md §2.3), read from the VerificationTask model:
the answers are its fields, so their labels, choices and rules come from there, and the page's
form, the API's schema, the service's checks and the task list's download all read `CHECKLIST`.
Each member's status (`MemberPresence`) is asked per member of the request's family (or of the
family a new-family request proposes)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from padu.registry.models import Person

from .codes import MemberPresence
from .models import VerificationTask

# The answers of the form, in its order: found (and why not), the Dukcapil match, whether the
# family is now well-off, and a note.
CHECKLIST = ("found", "not_found_reason", "dukcapil_match", "well_off", "note")


def checklist_fields():
    return [VerificationTask._meta.get_field(name) for name in CHECKLIST]


@dataclass(frozen=True)
class Member:
    key: str  # a registered member's id, or "new-<n>" for one a new-family request proposes
    name: str


def checklist_members(task: VerificationTask) -> list[Member]:
    """Whose status the checklist asks: the family's members as registered, or the members a
    new-family request names."""
    request = task.request
    if request.family_id:
        # Unscoped: the members of the task's family, which the caller read inside his area.
        people = Person.objects.unscoped().filter(family_id=request.family_id).order_by("pk")
        return [Member(str(p.pk), p.name) for p in people]
    proposed = (request.payload or {}).get("members") or []
    return [Member(f"new-{i}", str(m.get("name", ""))) for i, m in enumerate(proposed)]


def clean_checklist(task: VerificationTask, data: dict) -> tuple[dict, dict[str, list[str]]]:
    """The checklist's answers in `data` (field name → value; `member_statuses`: member key →
    MemberPresence) checked by the model's own fields and the form's rules: values and errors."""
    values, errors = {}, {}
    for field in checklist_fields():
        raw = data.get(field.name)
        if isinstance(raw, str):
            raw = raw.strip()
        try:
            # The form field reads what a page or a client sends ("true", "false", True, "");
            # the model field checks it (choices, length).
            value = field.formfield().to_python(raw)
            if value in (None, "") and field.has_default():
                value = field.get_default()  # not answered: the model's (Dukcapil: not checked)
            elif value is None and not field.null:
                value = ""
            values[field.name] = field.clean(value, None)
        except ValidationError as exc:
            errors[field.name] = [f"{field.verbose_name}: {m}" for m in exc.messages]
    if "found" in values and values["found"] is None:
        errors["found"] = [_("Say whether the family was found.")]
    if values.get("found") is False and not values.get("not_found_reason"):
        errors["not_found_reason"] = [_("Say why the family was not found.")]
    if values.get("found"):
        values["not_found_reason"] = ""
    statuses, status_errors = _member_statuses(task, data.get("member_statuses") or {}, values)
    values["member_statuses"] = statuses
    if status_errors:
        errors["member_statuses"] = status_errors
    return values, errors


def _member_statuses(task, given, values) -> tuple[dict, list[str]]:
    if not isinstance(given, dict):
        return {}, [_("Members' status: give one status per member.")]
    members = {m.key: m for m in checklist_members(task)}
    statuses, errors = {}, []
    for key, raw in given.items():
        if str(key) not in members:
            errors.append(
                _("Members' status: %(key)s is not a member of this family.") % {"key": key}
            )
            continue
        if raw in ("", None):
            continue
        try:
            code = int(raw)
        except (TypeError, ValueError):
            code = None
        if code not in MemberPresence.values:
            errors.append(
                _("Members' status of %(name)s: choose one of the statuses.")
                % {"name": members[str(key)].name}
            )
            continue
        statuses[str(key)] = code
    if values.get("found"):
        missing = [m.name for k, m in members.items() if k not in statuses]
        if missing and not errors:
            errors.append(
                _("Members' status: choose a status for %(names)s.") % {"names": ", ".join(missing)}
            )
    return statuses, errors
