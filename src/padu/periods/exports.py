"""Downloads of the periods list and of the registry as of a closed period (CSV or XLSX), scoped
as the pages are, audited before the first byte, and (people's data) access-logged. Numbers are
whole only for a role that may export them (Cap.REGISTRY_EXPORT_NIK)."""

from __future__ import annotations

from itertools import islice

from django.utils.translation import gettext as _

from padu.core.audit import access_record, export_recorded
from padu.core.exports import XLSX_MAX_ROWS, Table, dated_filename, export_response
from padu.core.scoping import scope_codes
from padu.regions.selectors import common_region
from padu.registry import codes
from padu.registry.disclosure import Disclosure
from padu.registry.exports import CHUNK_SIZE, TooManyRowsError
from padu.registry.models import Person

from . import selectors
from .models import Period

FAMILY_STATUS = dict(codes.FamilyStatus.choices)
LIFE_STATUS = dict(codes.LifeStatus.choices)
RELATIONSHIP = dict(codes.Relationship.choices)


def _chunks(queryset):
    rows = queryset.iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        yield chunk


def current_heads(family_ids) -> dict[int, str]:
    """family id → the name of its head now (the active one first). Bounded by families already
    scoped by the caller."""
    heads = (
        Person.objects.unscoped()
        .filter(family_id__in=family_ids, relationship=codes.Relationship.HEAD)
        .order_by("family_id", "-life_status", "-id")
        .values_list("family_id", "name", "life_status")
    )
    found: dict[int, str] = {}
    for family_id, name, status in heads:
        if status == codes.LifeStatus.ACTIVE or family_id not in found:
            found[family_id] = name
    return found


def _respond(*, user, kind: str, period: Period, queryset, filters, file_format, table, stem):
    total = queryset.count()
    if file_format == "xlsx" and total > XLSX_MAX_ROWS:
        raise TooManyRowsError(XLSX_MAX_ROWS)
    region = common_region(scope_codes(user))
    export_recorded(
        actor=user,
        action=f"periods.{kind}.exported",
        object_type=f"registry.{kind}",
        object_repr=_("%(rows)s rows as of %(period)s, %(format)s")
        % {"rows": total, "period": period.text, "format": file_format.upper()},
        region_code=region,
        filters={**filters, "period": period.text},
        file_format=file_format,
        rows=total,
    )
    access_record(
        user=user,
        object_type=f"registry.{kind}",
        region_code=region,
        purpose=f"{kind}_as_of_export",
        filters={**filters, "period": period.text, "format": file_format},
        rows=total,
    )
    return export_response(file_format, dated_filename(f"{stem}-{period.text}"), table)


def families_as_of_export(*, user, period: Period, filters: dict, file_format: str):
    queryset = selectors.families_as_of(user=user, period=period, filters=filters)
    disclosure = Disclosure.for_export(user)
    paths = (
        "family_id",
        "family__kk_number",
        "region_id",
        "region__name",
        "family__rw",
        "family__rt",
        "family__address",
        "desil",
        "status",
    )

    def rows():
        for chunk in _chunks(queryset.values_list(*paths)):
            heads = current_heads([r[0] for r in chunk])
            for family_id, kk, region, name, rw, rt, address, desil, status in chunk:
                yield [
                    disclosure.number(kk),
                    heads.get(family_id, ""),
                    region,
                    name,
                    rw,
                    rt,
                    address,
                    desil,
                    status,
                    str(FAMILY_STATUS.get(status, status)),
                ]

    header = [
        _("KK number"),
        _("Head of family (now)"),
        _("Kelurahan code"),
        _("Kelurahan"),
        _("RW"),
        _("RT"),
        _("Street address"),
        _("Desil"),
        _("Status code"),
        _("Status"),
    ]
    table = Table(
        header=header, rows=rows(), title=_("Families as of %(period)s") % {"period": period.text}
    )
    return _respond(
        user=user,
        kind="family",
        period=period,
        queryset=queryset,
        filters=filters,
        file_format=file_format,
        table=table,
        stem="padu-keluarga-periode",
    )


def people_as_of_export(*, user, period: Period, filters: dict, file_format: str):
    queryset = selectors.people_as_of(user=user, period=period, filters=filters)
    disclosure = Disclosure.for_export(user)
    paths = (
        "person__nik",
        "person__name",
        "family__kk_number",
        "relationship",
        "region_id",
        "region__name",
        "life_status",
    )

    def rows():
        for chunk in _chunks(queryset.values_list(*paths)):
            for nik, name, kk, relationship, region, region_name, status in chunk:
                yield [
                    disclosure.number(nik),
                    name,
                    disclosure.number(kk),
                    relationship,
                    str(RELATIONSHIP.get(relationship, "")),
                    region,
                    region_name,
                    status,
                    str(LIFE_STATUS.get(status, status)),
                ]

    header = [
        _("NIK"),
        _("Name"),
        _("KK number"),
        _("Relationship code"),
        _("Relationship"),
        _("Kelurahan code"),
        _("Kelurahan"),
        _("Status code"),
        _("Status"),
    ]
    table = Table(
        header=header, rows=rows(), title=_("People as of %(period)s") % {"period": period.text}
    )
    return _respond(
        user=user,
        kind="person",
        period=period,
        queryset=queryset,
        filters=filters,
        file_format=file_format,
        table=table,
        stem="padu-individu-periode",
    )


def period_list_export(*, user, filters: dict, file_format: str):
    """The periods with their status, who closed or reopened them, and the families and people
    registered at each close inside the user's area."""
    periods = list(selectors.period_list(filters=filters))
    counts = selectors.registered_counts(user=user, months=[p.month for p in periods])
    status = dict(Period.Status.choices)

    def name(user_):
        return (user_.get_full_name() or user_.username) if user_ is not None else ""

    rows = [
        [
            p.text,
            str(status[p.status]),
            p.closed_at,
            name(p.closed_by),
            counts.get(p.month, {}).get("family", ""),
            counts.get(p.month, {}).get("person", ""),
            p.reopened_at,
            name(p.reopened_by),
            p.reopen_reason,
        ]
        for p in periods
    ]
    header = [
        _("Period"),
        _("Status"),
        _("Closed at"),
        _("Closed by"),
        _("Families registered"),
        _("People registered"),
        _("Reopened at"),
        _("Reopened by"),
        _("Reason for reopening"),
    ]
    export_recorded(
        actor=user,
        action="periods.period.exported",
        object_type="periods.period",
        object_repr=_("%(rows)s rows, %(format)s")
        % {"rows": len(rows), "format": file_format.upper()},
        region_code=common_region(scope_codes(user)),
        filters=filters,
        file_format=file_format,
        rows=len(rows),
    )
    table = Table(header=header, rows=rows, title=_("Periods"))
    return export_response(file_format, dated_filename("padu-periode"), table)
