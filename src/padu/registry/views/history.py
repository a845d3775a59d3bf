"""What the family and person pages show of a record's history and of a conflict: audit values
as text a person reads, labelled by the declarations (`ValueFormatter`), and the timeline."""

import re

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from padu.core.errors import ConflictError
from padu.core.records.derive import display
from padu.regions.models import Region

from .. import selectors, sources
from ..declarations import DWELLING, FAMILY, PERSON, PERSON_DISABILITY, PPKS_ASSESSMENT
from ..disclosure import Disclosure
from ..models import Dwelling, Family, Person, PersonDisability, PPKSAssessment, PPKSCategory

TIMELINE_PER_PAGE = 20
IMPORT_SOURCE = re.compile(r"^import:(\d+)$")

ACTIONS = {
    "registry.family.registered": gettext_lazy("Family registered"),
    "registry.family.updated": gettext_lazy("Family data changed"),
    "registry.family.status_changed": gettext_lazy("Family status changed"),
    "registry.family.desil_recorded": gettext_lazy("Desil recorded"),
    "registry.family.desil_corrected": gettext_lazy("Desil corrected"),
    "registry.family.desil_decided": gettext_lazy("Desil decided by a muskel"),
    "registry.family.household_changed": gettext_lazy("Shared dwelling changed"),
    "registry.family.dwelling_moved": gettext_lazy("Moved to another dwelling"),
    "registry.family.split": gettext_lazy("Members left to form a new family"),
    "registry.family.split_from": gettext_lazy("Family formed by a split"),
    "registry.family.member_left": gettext_lazy("A member moved to another family"),
    "registry.family.member_joined": gettext_lazy("A member joined from another family"),
    "registry.person.family_moved": gettext_lazy("Moved to another family"),
    "registry.person.added": gettext_lazy("Member added"),
    "registry.person.updated": gettext_lazy("Member data changed"),
    "registry.person.status_changed": gettext_lazy("Member status changed"),
    "registry.disability.recorded": gettext_lazy("Disability recorded"),
    "registry.disability.ended": gettext_lazy("Disability record ended"),
    "registry.ppks_assessment.recorded": gettext_lazy("PPKS assessment recorded"),
}
# Keys of the entries of a split or a member's move (services.splits) that are no model field.
LINK_LABELS = {
    "members": gettext_lazy("Active members"),
    "new_family": gettext_lazy("New family"),
    "split_from": gettext_lazy("Split from the family"),
    "person": gettext_lazy("Member"),
}
# Keys of an audit entry that are not fields to show as a change.
HIDDEN_KEYS = {"version", "confirmed_warnings", "name_key"}
NUMBER_KEYS = {"nik", "kk_number"}
RECORDS = {
    "registry.family": (FAMILY, Family),
    "registry.person": (PERSON, Person),
    "registry.persondisability": (PERSON_DISABILITY, PersonDisability),
    "registry.ppksassessment": (PPKS_ASSESSMENT, PPKSAssessment),
    "registry.dwelling": (DWELLING, Dwelling),
}


class ValueFormatter:
    """Readable text for audit and conflict values of a record (`object_type`): the declared
    field's label and display (choice labels, dates, rupiah), region and PPKS names, masked NIK/KK
    for users who may not see them whole. Keys that are no declared field (a family link, an old
    entry's model column) take the model field's name. A family outside the user's area is shown
    by its id only. Loads names once per page."""

    def __init__(self, *, user, region_codes=(), family_ids=()):
        self.disclosure = Disclosure(user)
        self.regions = dict(
            Region.objects.filter(code__in=set(region_codes)).values_list("code", "name")
        )
        self.families = dict(
            selectors.families_visible(user=user)
            .filter(pk__in=set(family_ids))
            .values_list("pk", "kk_number")
        )
        self._ppks = None

    @property
    def ppks(self) -> dict:
        if self._ppks is None:
            self._ppks = dict(PPKSCategory.objects.values_list("code", "name"))
        return self._ppks

    @staticmethod
    def _declared(object_type: str, key: str):
        record, _model = RECORDS.get(object_type, (None, None))
        try:
            return record[key] if record is not None else None
        except KeyError:
            return None

    def label(self, object_type: str, key: str) -> str:
        field = self._declared(object_type, key)
        if field is not None:
            return field.title()
        if key in LINK_LABELS:
            return str(LINK_LABELS[key])
        _record, model = RECORDS.get(object_type, (None, PPKSCategory))
        try:
            text = str(getattr(model._meta.get_field(key), "verbose_name", key))
        except FieldDoesNotExist:
            text = key
        return text[:1].upper() + text[1:]

    def text(self, object_type: str, key: str, value) -> str:
        if value is None or value == "" or value == [] or value == {}:
            return "—"
        if key in NUMBER_KEYS:
            return self.number(str(value))
        if key == "region":
            return f"{self.regions.get(value, value)} ({value})"
        if key in ("family", "new_family", "split_from"):
            kk = self.families.get(value)
            return _("KK %(kk)s") % {"kk": self.number(kk)} if kk else f"#{value}"
        if key in ("household", "dwelling"):
            return _("dwelling no. %(number)s") % {"number": value}
        if key == "ppks":
            return "; ".join(f"{code}. {self.ppks.get(code, '?')}" for code in value)
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        field = self._declared(object_type, key)
        if field is not None:
            shown = self.disclosure.value(field, value)
            return shown if shown is not value else display(field.kind, field, value)
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        return str(value)

    def number(self, value: str) -> str:
        return self.disclosure.number(value)


def timeline_rows(entries, *, user) -> list[dict]:
    """Audit entries as rows a person can read: when, who, what, which fields changed from what
    to what, why, and from which import."""
    entries = list(entries)
    region_codes, family_ids = set(), set()
    for entry in entries:
        for values in (entry.before, entry.after):
            if isinstance(values, dict):
                if values.get("region"):
                    region_codes.add(values["region"])
                for key in ("family", "new_family", "split_from"):
                    if isinstance(values.get(key), int):
                        family_ids.add(values[key])
    fmt = ValueFormatter(user=user, region_codes=region_codes, family_ids=family_ids)
    linked = sources.described(user, (e.source for e in entries if e.source))
    rows = []
    for entry in entries:
        kind = entry.object_type
        before = entry.before if isinstance(entry.before, dict) else {}
        after = entry.after if isinstance(entry.after, dict) else {}
        created = entry.before is None
        keys = [k for k in dict.fromkeys([*before, *after]) if k not in HIDDEN_KEYS]
        if created:
            keys = [k for k in keys if after.get(k) not in (None, "", [], {}, False)]
        changes = [
            {
                "field": fmt.label(kind, key),
                "before": fmt.text(kind, key, before.get(key)),
                "after": fmt.text(kind, key, after.get(key)),
            }
            for key in keys
        ]
        match = IMPORT_SOURCE.match(entry.source or "")
        rows.append(
            {
                "entry": entry,
                "action": ACTIONS.get(entry.action, entry.action),
                "subject": entry.object_repr if kind == "registry.person" else "",
                "person_id": entry.object_id if kind == "registry.person" else None,
                "created": created,
                "changes": changes,
                "warnings": after.get("confirmed_warnings") or [],
                "import_id": int(match.group(1)) if match else None,
                "source": "" if match or sources.known(entry.source) else entry.source,
                "source_link": linked.get(entry.source),
            }
        )
    return rows


def timeline_page(request, queryset, registrations):
    """A page of the timeline, newest first; the registrations by import (older than anything
    recorded after them, read by calling `registrations` only then) close its last page."""
    page = Paginator(queryset, TIMELINE_PER_PAGE).get_page(request.GET.get("history"))
    entries = list(page.object_list)
    if not page.has_next():
        entries += reversed(registrations())
    return page, timeline_rows(entries, user=request.user)


def conflict_rows(exc: ConflictError, object_type: str, *, user) -> list[dict]:
    """The fields someone else changed since the user's version: theirs and the user's."""
    regions = {
        c.get(k) for c in exc.changes if c.get("field") == "region" for k in ("theirs", "yours")
    }
    families = {
        c.get(k) for c in exc.changes if c.get("field") == "family" for k in ("theirs", "yours")
    }
    fmt = ValueFormatter(user=user, region_codes=regions - {None}, family_ids=families - {None})
    return [
        {
            "label": fmt.label(object_type, change["field"]),
            "theirs": fmt.text(object_type, change["field"], change.get("theirs")),
            "yours": fmt.text(object_type, change["field"], change.get("yours")),
            "both": change.get("yours_changed", False),
        }
        for change in exc.changes
        if change["field"] not in HIDDEN_KEYS
    ]


def merged_after_conflict(exc: ConflictError, yours: dict) -> dict:
    """The user's input, with every field he did not change taking the other user's value."""
    merged = dict(yours)
    for change in exc.changes:
        key = change["field"]
        if key in merged and not change.get("yours_changed"):
            merged[key] = change.get("theirs")
    return merged
