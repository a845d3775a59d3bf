"""The audit trail read by a person: what happened, in words (`Mengekspor daftar individu (Kec.
Koto Tangah, 1.204 baris)`), the changed fields by their labels and values, and the source
(`Impor 12 Mei 2025 (berkas.csv)`). The trail is personal data too: for a role that sees numbers
masked, NIK and KK numbers and dates of birth in it are shown as they are everywhere else
(registry.disclosure), in the page and in its download."""

from __future__ import annotations

import json
import re

from django.apps import apps
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from padu.regions.models import Region
from padu.registry import codes
from padu.registry.disclosure import Disclosure
from padu.registry.models import ImportBatch
from padu.registry.views.history import RECORDS, ValueFormatter

IMPORT_SOURCE = re.compile(r"^import:(\d+)$")
HIDDEN_KEYS = {"version", "confirmed_warnings", "name_key"}

# What each action did, said of its object (`%(object)s`).
ACTIONS = {
    "registry.family.registered": gettext_lazy("Registered the family %(object)s"),
    "registry.family.updated": gettext_lazy("Changed the data of the family %(object)s"),
    "registry.family.status_changed": gettext_lazy("Changed the status of the family %(object)s"),
    "registry.family.desil_recorded": gettext_lazy("Recorded a desil of the family %(object)s"),
    "registry.family.desil_corrected": gettext_lazy("Corrected the desil of the family %(object)s"),
    "registry.family.desil_decided": gettext_lazy(
        "Recorded a muskel decision on the desil of the family %(object)s"
    ),
    "registry.family.household_changed": gettext_lazy(
        "Changed the shared dwelling of the family %(object)s"
    ),
    "registry.family.dwelling_moved": gettext_lazy(
        "Moved the family %(object)s to another dwelling"
    ),
    "registry.family.split": gettext_lazy("Split members off the family %(object)s"),
    "registry.family.split_from": gettext_lazy("Formed the family %(object)s by a split"),
    "registry.family.member_left": gettext_lazy("Moved a member out of the family %(object)s"),
    "registry.family.member_joined": gettext_lazy("Moved a member into the family %(object)s"),
    "registry.dwelling.registered": gettext_lazy("Registered the dwelling %(object)s"),
    "registry.dwelling.updated": gettext_lazy("Changed the housing of the dwelling %(object)s"),
    "registry.dwelling.head_changed": gettext_lazy(
        "Changed the head of household of the dwelling %(object)s"
    ),
    "registry.person.family_moved": gettext_lazy("Moved %(object)s to another family"),
    "registry.person.added": gettext_lazy("Added %(object)s to a family"),
    "registry.person.updated": gettext_lazy("Changed the data of %(object)s"),
    "registry.person.status_changed": gettext_lazy("Changed the status of %(object)s"),
    "registry.disability.recorded": gettext_lazy("Recorded the disability %(object)s"),
    "registry.disability.ended": gettext_lazy("Ended the disability record %(object)s"),
    "registry.ppks_assessment.recorded": gettext_lazy("Recorded the PPKS assessment %(object)s"),
    "registry.ppks.created": gettext_lazy("Created the PPKS category %(object)s"),
    "registry.ppks.updated": gettext_lazy("Changed the PPKS category %(object)s"),
    "registry.ppks.deactivated": gettext_lazy("Retired the PPKS category %(object)s"),
    "registry.ppks.reactivated": gettext_lazy("Brought back the PPKS category %(object)s"),
    "registry.import.submitted": gettext_lazy("Uploaded a registry file for import: %(object)s"),
    "registry.import.registered_elsewhere": gettext_lazy(
        "Was told by the import %(object)s that some of its numbers are already registered "
        "(outside his or her area)"
    ),
    "registry.import.interrupted": gettext_lazy(
        "The import %(object)s stopped without finishing (its process ended)"
    ),
    "registry.import.rerun": gettext_lazy("Ran an interrupted import again: %(object)s"),
    "registry.importbatch.error_report_downloaded": gettext_lazy(
        "Downloaded the error report of %(object)s"
    ),
    "accounts.user.created": gettext_lazy("Created the user %(object)s"),
    "accounts.user.updated": gettext_lazy("Changed the user %(object)s"),
    "accounts.user.activated": gettext_lazy("Activated the user %(object)s"),
    "accounts.user.deactivated": gettext_lazy("Deactivated the user %(object)s"),
    "accounts.user.password_reset": gettext_lazy("Set a new password for %(object)s"),
    "accounts.user.password_changed": gettext_lazy("Changed his or her own password"),
    "accounts.api_token.created": gettext_lazy("Created the API token %(object)s"),
    "accounts.api_token.revoked": gettext_lazy("Revoked the API token %(object)s"),
    "regions.tree.loaded": gettext_lazy("Loaded region codes: %(object)s"),
    "core.demo.users_prepared": gettext_lazy("Prepared the demo users"),
    "registry.number.registered_elsewhere": gettext_lazy(
        "Was told that %(object)s is already registered (outside his or her area)"
    ),
    "registry.number.probing": gettext_lazy(
        "Was stopped after entering too many numbers registered outside his or her area"
    ),
}
EXPORTS = {
    "registry.person.exported": gettext_lazy("Exported the list of people (%(what)s)"),
    "registry.family.exported": gettext_lazy("Exported the list of families (%(what)s)"),
    "registry.importbatch.exported": gettext_lazy("Exported the list of imports (%(what)s)"),
    "accounts.user.exported": gettext_lazy("Exported the list of users (%(what)s)"),
    "core.audit.exported": gettext_lazy("Exported the audit trail (%(what)s)"),
}
FILTER_WORDS = {
    "desil": gettext_lazy("desil %(value)s"),
    "q": gettext_lazy("search “%(value)s”"),
    "status": gettext_lazy("status %(value)s"),
    "sex": gettext_lazy("sex %(value)s"),
    "age_band": gettext_lazy("age %(value)s"),
    "disability": gettext_lazy("disability %(value)s"),
    "ppks": gettext_lazy("PPKS category %(value)s"),
}


class AuditReader:
    """Reads `entries` for `user`, loading the names they refer to once."""

    def __init__(self, user, entries):
        entries = list(entries)
        self.disclosure = Disclosure(user)
        regions, families, batches = set(), set(), set()
        for entry in entries:
            for values in (entry.before, entry.after):
                if isinstance(values, dict):
                    regions.add(values.get("region"))
                    families.add(values.get("family"))
                    filters = values.get("filters")
                    if isinstance(filters, dict):
                        regions |= {filters.get("kecamatan"), filters.get("kelurahan")}
            if match := IMPORT_SOURCE.match(entry.source or ""):
                batches.add(int(match.group(1)))
        regions.discard(None)
        families.discard(None)
        self.values = ValueFormatter(user=user, region_codes=regions, family_ids=families)
        self.batches = ImportBatch.objects.in_bulk(batches)

    # ------------------------------------------------------------------------- the entry

    def description(self, entry) -> str:
        after = entry.after if isinstance(entry.after, dict) else {}
        if entry.action in EXPORTS:
            return str(EXPORTS[entry.action]) % {"what": self._export_words(after)}
        if entry.action == "registry.import.applied":
            return self._import_applied(entry, after)
        template = ACTIONS.get(entry.action)
        if template is None:
            return entry.action
        return str(template) % {"object": self.object(entry)}

    def object(self, entry) -> str:
        return self.disclosure.text(entry.object_repr) or "—"

    def source(self, entry) -> str:
        match = IMPORT_SOURCE.match(entry.source or "")
        if not match:
            return self.disclosure.text(entry.source)
        batch = self.batches.get(int(match.group(1)))
        if batch is None:
            return entry.source
        return _("Import of %(date)s (%(file)s)") % {
            "date": formats.date_format(batch.created_at, "DATE_FORMAT"),
            "file": batch.file_name,
        }

    def changes(self, entry) -> list[dict]:
        """Before and after of each changed field: its label and its values as text."""
        before = entry.before if isinstance(entry.before, dict) else {}
        after = entry.after if isinstance(entry.after, dict) else {}
        keys = sorted({*before, *after}, key=_order(entry.object_type))
        if entry.action in EXPORTS or entry.action == "registry.import.applied":
            return []  # said in the description
        rows = []
        for key in keys:
            if key in HIDDEN_KEYS:
                continue
            rows.append(
                {
                    "field": self._label(entry.object_type, key),
                    "before": self._text(entry, key, before.get(key)) if entry.before else "",
                    "after": self._text(entry, key, after.get(key)) if entry.after else "",
                }
            )
        return rows

    def json(self, entry, values) -> str:
        """A before/after as JSON for the download, shown as the reader may see it."""
        if values is None:
            return ""
        record, _model = RECORDS.get(entry.object_type, (None, None))
        if record is not None and isinstance(values, dict):
            declared = {f.name: f for f in record.fields}
            values = {
                key: self.disclosure.value(declared[key], value) if key in declared else value
                for key, value in values.items()
            }
        return self.disclosure.text(json.dumps(values, ensure_ascii=False, default=str))

    # ----------------------------------------------------------------------------- helpers

    def _label(self, object_type: str, key: str) -> str:
        if object_type in RECORDS:
            return self.values.label(object_type, key)
        try:
            return str(apps.get_model(object_type)._meta.get_field(key).verbose_name)
        except (LookupError, ValueError, FieldDoesNotExist):
            return key

    def _text(self, entry, key: str, value) -> str:
        if entry.object_type in RECORDS:
            return self.values.text(entry.object_type, key, value)
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, list | dict):
            value = json.dumps(value, ensure_ascii=False)
        return self.disclosure.text(str(value))

    def _export_words(self, after: dict) -> str:
        parts = []
        filters = after.get("filters") if isinstance(after.get("filters"), dict) else {}
        for key in ("kecamatan", "kelurahan"):
            if code := filters.get(key):
                parts.append(_region_words(code, self.values.regions))
        for key, template in FILTER_WORDS.items():
            if value := filters.get(key):
                parts.append(
                    str(template) % {"value": self.disclosure.text(_filter_value(key, value))}
                )
        if not parts:
            parts.append(_("everything in the area"))
        if isinstance(after.get("rows"), int):
            parts.append(_("%(rows)s rows") % {"rows": intcomma(after["rows"])})
        if after.get("format"):
            parts.append(str(after["format"]).upper())
        return ", ".join(parts)

    def _import_applied(self, entry, after: dict) -> str:
        batch = self.batches.get(int(entry.object_id)) if entry.object_id.isdigit() else None
        numbers = {
            key: intcomma(after.get(key, 0))
            for key in ("families_created", "families_updated", "people_created", "people_updated")
        }
        return _(
            "Imported %(file)s: %(families_created)s families and %(people_created)s people "
            "registered, %(families_updated)s families and %(people_updated)s people changed"
        ) % {"file": batch.file_name if batch else self.object(entry), **numbers}


def _filter_value(key: str, value) -> str:
    if key == "status":
        for choices in (codes.FamilyStatus, codes.LifeStatus):
            if value in choices.values:
                return str(choices(value).label).lower()
    if key == "sex" and value in codes.Sex.values:
        return str(codes.Sex(value).label).lower()
    return str(value)


def _region_words(code: str, names: dict) -> str:
    name = (
        names.get(code) or Region.objects.filter(code=code).values_list("name", flat=True).first()
    )
    level = _("Kec.") if code.count(".") == 2 else _("Kel.")
    return f"{level} {name or code}"


def _order(object_type: str):
    """Keys in the model's field order, then any others alphabetically."""
    try:
        names = [f.name for f in apps.get_model(object_type)._meta.get_fields()]
    except (LookupError, ValueError, FieldDoesNotExist):
        names = []
    position = {name: i for i, name in enumerate(names)}
    return lambda key: (position.get(key, len(position)), key)
