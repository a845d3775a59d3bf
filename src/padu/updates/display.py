"""What a request asks, as its pages, its download and its API show it: each field by its
declared label and its value as the registry's pages show one, identifiers masked for the roles
that see them masked (registry.disclosure), a date of birth as an age band for them, a kelurahan
by its name with its code after it (as the registry's history shows one)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from padu.core.records import Sensitivity
from padu.core.records.derive.text import display
from padu.regions.models import Region
from padu.registry.declarations import DWELLING, FAMILY, PERSON
from padu.registry.declarations.kinds import Village
from padu.registry.disclosure import age_band, sees_numbers
from padu.registry.masks import mask_number

from .codes import RequestKind
from .models import ChangeRequest


class RegionNames:
    """Kelurahan names by code, each code read once: one for a page or a download, shared by
    its rows (a list does not read a name per row)."""

    def __init__(self):
        self._names: dict[str, str | None] = {}

    def text(self, code) -> str:
        """`Belakang Pondok (13.71.01.1001)`; a code the region table lacks, as it is."""
        code = str(code)
        if code not in self._names:
            self._names[code] = (
                Region.objects.filter(code=code).values_list("name", flat=True).first()
            )
        name = self._names[code]
        return f"{name} ({code})" if name else code


def _shown(record, name: str, value, *, whole: bool, regions: RegionNames) -> str:
    if value in (None, "", [], {}):
        return "—"
    try:
        field = record[name]
    except KeyError:
        return str(value)
    if isinstance(field.kind, Village):
        return regions.text(value)
    if not whole and field.sensitivity == Sensitivity.IDENTIFIER:
        return mask_number(str(value))
    if not whole and field.sensitivity == Sensitivity.QUASI_IDENTIFIER:
        try:
            return age_band(datetime.date.fromisoformat(str(value)))
        except ValueError:
            return "—"
    try:
        parsed = field.kind.parse(value, None) if isinstance(value, str) else value
    except Exception:  # a value stored before a rule changed: shown as it was kept
        parsed = value
    return display(field.kind, field, parsed)


def _rows(
    record, values: dict, *, whole: bool, regions: RegionNames, before: dict | None = None
) -> list[dict]:
    return [
        {
            "name": f.name,
            "label": f.title(),
            "before": _shown(record, f.name, before.get(f.name), whole=whole, regions=regions)
            if before is not None
            else None,
            "after": _shown(record, f.name, values[f.name], whole=whole, regions=regions),
        }
        for f in record.fields
        if f.name in values
    ]


def sections(user, request: ChangeRequest, *, regions: RegionNames | None = None) -> list[dict]:
    """The request's change in titled sections of rows (label, before, after). `regions`: the
    names read already (a list's), or None."""
    whole = sees_numbers(user)
    regions = RegionNames() if regions is None else regions
    payload = request.payload or {}
    kind = request.kind
    if kind == RequestKind.CHANGE:
        record = PERSON if request.person_id else FAMILY
        return [
            {
                "title": _("Change"),
                "diff": True,
                "rows": _rows(
                    record,
                    payload.get("changes", {}),
                    whole=whole,
                    regions=regions,
                    before=request.before or {},
                ),
            }
        ]
    out = []
    if kind == RequestKind.NEW_FAMILY:
        out.append(
            {
                "title": _("Family"),
                "rows": _rows(FAMILY, payload.get("family", {}), whole=whole, regions=regions),
            }
        )
        if payload.get("housing"):
            out.append(
                {
                    "title": _("Housing"),
                    "rows": _rows(DWELLING, payload["housing"], whole=whole, regions=regions),
                }
            )
        for i, member in enumerate(payload.get("members", []), start=1):
            title = _("Member %(number)d") % {"number": i}
            out.append(
                {"title": title, "rows": _rows(PERSON, member, whole=whole, regions=regions)}
            )
    elif kind == RequestKind.NEW_MEMBER:
        out.append(
            {
                "title": _("New member"),
                "rows": _rows(PERSON, payload.get("person", {}), whole=whole, regions=regions),
            }
        )
    elif kind == RequestKind.MOVE and "kk_number" in payload:
        rows = _rows(FAMILY, {"kk_number": payload["kk_number"]}, whole=whole, regions=regions)
        out.append({"title": _("New KK"), "rows": rows})
    return out


def summary(user, request: ChangeRequest, *, regions: RegionNames | None = None) -> str:
    """One line of what is asked, for lists and downloads (`regions`: one for all the rows)."""
    parts = []
    for section in sections(user, request, regions=regions):
        for row in section["rows"]:
            if row["before"] is not None:
                parts.append(f"{row['label']}: {row['before']} → {row['after']}")
            elif section.get("diff") is None and row["name"] in ("name", "kk_number"):
                parts.append(f"{row['label']}: {row['after']}")
    if request.removal_reason:
        parts.append(str(request.get_removal_reason_display()))
    return "; ".join(parts)
