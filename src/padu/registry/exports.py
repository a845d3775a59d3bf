"""Downloads of the filtered family and person lists (CSV and XLSX), scoped and audited.

- The rows come from the same selectors as the list pages, so an export holds exactly what the
  user may see with these filters. Full NIK/KK numbers only with Cap.REGISTRY_EXPORT_NIK, else
  masked.
- Every export is recorded in the audit trail before the first byte is sent
  (`registry.family.exported` / `registry.person.exported`: filters, format, row count, whether
  numbers were whole), with the user's area as its region.
- Memory stays flat however many rows: the database is read with `iterator(chunk_size=...)` as
  tuples (`values_list`), PPKS categories are fetched per chunk, CSV is streamed row by row.
- XLSX is written with openpyxl's write-only mode (already a dependency). It writes each row to a
  temporary file as it comes, strings inline (no shared-string table growing in memory), and the
  finished workbook is sent from a spooled temporary file. XlsxWriter's constant_memory mode would
  be about twice as fast but is one more dependency for the same memory profile; CSV is the format
  for big exports (XLSX stops at core.exports.XLSX_MAX_ROWS).
- The list of registry imports downloads the same way (`import_list_export`), and every download
  of an import's error report is recorded too (`import_error_report_record`): the report quotes
  people's data from the file.
"""

import tempfile
from itertools import islice

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import FileResponse
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record
from padu.core.exports import XLSX_MAX_ROWS, cell, csv_response, dated_filename
from padu.core.scoping import has_capability, scope_codes

from . import codes, selectors
from .identifiers import mask_number
from .models import ImportBatch, Person

CHUNK_SIZE = 2000


class TooManyRowsError(Exception):
    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


def person_export(*, user, filters: dict, file_format: str):
    queryset = selectors.person_list(user=user, filters=filters)
    full = has_capability(user, Cap.REGISTRY_EXPORT_NIK)
    fields = [
        "id",
        "nik",
        "name",
        "sex",
        "birth_place",
        "birth_date",
        "relationship",
        "family__kk_number",
        "region__parent__name",
        "region__name",
        "family__rw",
        "family__rt",
        "family__address",
        "family__desil",
        "marital_status",
        "education",
        "employment",
        "occupation",
        "disability_physical",
        "disability_intellectual",
        "disability_mental",
        "disability_sensory",
        "disability_severity",
        "chronic_illness",
        "life_status",
        "dukcapil_status",
    ]
    header = [
        _("NIK"),
        _("Name"),
        _("Sex"),
        _("Place of birth"),
        _("Date of birth"),
        _("Relationship to head"),
        _("KK number"),
        _("Kecamatan"),
        _("Kelurahan"),
        _("RW"),
        _("RT"),
        _("Address"),
        _("Desil"),
        _("Marital status"),
        _("Education"),
        _("Employment status"),
        _("Occupation"),
        _("Disability"),
        _("Disability severity"),
        _("Chronic illness"),
        _("PPKS categories"),
        _("Status"),
        _("Dukcapil match"),
    ]
    labels = _labels(
        sex=codes.Sex,
        relationship=codes.Relationship,
        marital=codes.MaritalStatus,
        education=codes.Education,
        employment=codes.Employment,
        severity=codes.DisabilitySeverity,
        life=codes.LifeStatus,
        dukcapil=codes.DukcapilStatus,
    )
    disability = {t.value: str(t.label) for t in codes.DisabilityType}
    multiple = _("Multiple (ganda)")
    number = (lambda v: v) if full else mask_number

    def rows():
        for chunk in _chunks(queryset.values_list(*fields)):
            ppks = _ppks_of([r[0] for r in chunk])
            for r in chunk:
                types = [
                    disability[t]
                    for t, on in zip(selectors.DISABILITY_FIELDS, r[18:22], strict=True)
                    if on
                ]
                yield [
                    number(r[1]),
                    r[2],
                    labels["sex"].get(r[3], r[3]),
                    r[4],
                    r[5],
                    labels["relationship"].get(r[6], r[6]),
                    number(r[7]),
                    r[8],
                    r[9],
                    r[10],
                    r[11],
                    r[12],
                    r[13],
                    labels["marital"].get(r[14], r[14]),
                    labels["education"].get(r[15], r[15]),
                    labels["employment"].get(r[16], r[16]),
                    r[17],
                    multiple if len(types) > 1 else "".join(types),
                    labels["severity"].get(r[22], r[22]),
                    r[23],
                    ppks.get(r[0], ""),
                    labels["life"].get(r[24], r[24]),
                    labels["dukcapil"].get(r[25], r[25]),
                ]

    return _respond(
        user=user,
        queryset=queryset,
        filters=filters,
        file_format=file_format,
        full=full,
        kind="person",
        stem="padu-individu",
        title=_("People"),
        header=header,
        rows=rows,
    )


def family_export(*, user, filters: dict, file_format: str):
    queryset = selectors.family_list(user=user, filters=filters).prefetch_related(None)
    full = has_capability(user, Cap.REGISTRY_EXPORT_NIK)
    heads = Person.objects.filter(
        family_id=OuterRef("pk"), relationship=codes.Relationship.HEAD
    ).order_by("id")
    queryset = queryset.annotate(
        head_name=Subquery(heads.values("name")[:1]),
        head_nik=Subquery(heads.values("nik")[:1]),
    )
    fields = [
        "kk_number",
        "head_name",
        "head_nik",
        "region__parent__name",
        "region__name",
        "rw",
        "rt",
        "address",
        "member_count",
        "desil",
        "desil_period",
        "welfare_score",
        "status",
        "ownership",
        "floor_area",
        "floor_material",
        "wall_material",
        "roof_material",
        "water_source",
        "lighting",
        "cooking_fuel",
        "toilet",
    ]
    header = [
        _("KK number"),
        _("Head of family"),
        _("NIK of the head"),
        _("Kecamatan"),
        _("Kelurahan"),
        _("RW"),
        _("RT"),
        _("Address"),
        _("Members"),
        _("Desil"),
        _("Desil period"),
        _("Local welfare score"),
        _("Status"),
        _("House ownership"),
        _("Floor area (m²)"),
        _("Floor material"),
        _("Wall material"),
        _("Roof material"),
        _("Drinking water source"),
        _("Lighting"),
        _("Cooking fuel"),
        _("Toilet facility"),
    ]
    coded = {
        12: codes.FamilyStatus,
        13: codes.Ownership,
        15: codes.FloorMaterial,
        16: codes.WallMaterial,
        17: codes.RoofMaterial,
        18: codes.WaterSource,
        19: codes.Lighting,
        20: codes.CookingFuel,
        21: codes.Toilet,
    }
    labels = {i: {c.value: str(c.label) for c in choices} for i, choices in coded.items()}
    number = (lambda v: v) if full else mask_number

    def rows():
        for chunk in _chunks(queryset.values_list(*fields)):
            for r in chunk:
                row = list(r)
                row[0] = number(row[0])
                row[2] = number(row[2]) if row[2] else ""
                for i, names in labels.items():
                    row[i] = names.get(row[i], row[i])
                yield row

    return _respond(
        user=user,
        queryset=queryset,
        filters=filters,
        file_format=file_format,
        full=full,
        kind="family",
        stem="padu-keluarga",
        title=_("Families"),
        header=header,
        rows=rows,
    )


def export_record(*, actor, kind: str, filters: dict, file_format: str, rows: int, full: bool):
    """The audit entry of one download: what was taken, by whom, from which area."""
    with transaction.atomic():
        return audit_record(
            actor=actor,
            action=f"registry.{kind}.exported",
            object_type=f"registry.{kind}",
            object_repr=_("%(rows)s rows, %(format)s")
            % {"rows": rows, "format": file_format.upper()},
            region_code=scope_region(actor),
            after={"filters": filters, "format": file_format, "rows": rows, "full_numbers": full},
        )


def scope_region(user) -> str:
    """The user's area as one region code: his scope, or what his scopes have in common."""
    codes_ = scope_codes(user)
    if not codes_:
        return ""
    parts = codes_[0].split(".")
    for code in codes_[1:]:
        other = code.split(".")
        common = 0
        while common < min(len(parts), len(other)) and parts[common] == other[common]:
            common += 1
        parts = parts[:common]
    return ".".join(parts)


def _respond(*, user, queryset, filters, file_format, full, kind, stem, title, header, rows):
    total = selectors.list_count(queryset)
    if file_format == "xlsx" and total > XLSX_MAX_ROWS:
        raise TooManyRowsError(XLSX_MAX_ROWS)
    export_record(
        actor=user, kind=kind, filters=filters, file_format=file_format, rows=total, full=full
    )
    filename = dated_filename(stem)
    if file_format == "xlsx":
        return _xlsx_response(filename, header, rows(), title=title)
    return csv_response(filename, header, rows())


def _xlsx_response(filename: str, header, rows, *, title: str) -> FileResponse:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(title)[:31])
    sheet.append([str(h) for h in header])
    for row in rows:
        sheet.append([cell(v, guard=("=",)) for v in row])
    # Spooled to disk past 16 MB; the response closes (and so deletes) it when it is sent.
    target = tempfile.SpooledTemporaryFile(max_size=16 << 20, suffix=".xlsx")  # noqa: SIM115
    book.save(target)
    target.seek(0)
    return FileResponse(
        target,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _chunks(values_queryset):
    rows = values_queryset.iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        yield chunk


def _ppks_of(person_ids: list[int]) -> dict[int, str]:
    through = Person.ppks.through.objects.filter(person_id__in=person_ids)
    found: dict[int, list[str]] = {}
    for person_id, code, name in through.order_by("ppkscategory__code").values_list(
        "person_id", "ppkscategory__code", "ppkscategory__name"
    ):
        found.setdefault(person_id, []).append(f"{code}. {name}")
    return {k: "; ".join(v) for k, v in found.items()}


def _labels(**choices) -> dict[str, dict]:
    return {key: {c.value: str(c.label) for c in enum} for key, enum in choices.items()}


# ------------------------------------------------------------------------------------ imports


def imports_filtered(*, user, filters: dict):
    """The user's imports (the engine's scoped selector) narrowed by the list's filters: status,
    and the day of upload in local time (Asia/Jakarta)."""
    from .importer.selectors import imports_visible

    queryset = imports_visible(user).select_related("created_by")
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("date_from"):
        queryset = queryset.filter(created_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        queryset = queryset.filter(created_at__date__lte=filters["date_to"])
    return queryset.order_by("-created_at", "-pk")


def import_list_export(*, user, filters: dict, file_format: str):
    queryset = imports_filtered(user=user, filters=filters)
    status = dict(ImportBatch.Status.choices)
    header = [
        _("Import"),
        _("File"),
        _("Status"),
        _("Uploaded by"),
        _("Uploaded at"),
        _("Started at"),
        _("Finished at"),
        _("Rows"),
        _("Families created"),
        _("Families updated"),
        _("People created"),
        _("People updated"),
        _("Rows unchanged"),
        _("Rows with errors"),
        _("File size (bytes)"),
        _("SHA-256"),
        _("Message"),
    ]

    def rows():
        for batch in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield [
                batch.pk,
                batch.file_name,
                status.get(batch.status, batch.status),
                batch.created_by.username if batch.created_by else "",
                batch.created_at,
                batch.started_at,
                batch.finished_at,
                batch.total_rows,
                batch.families_created,
                batch.families_updated,
                batch.people_created,
                batch.people_updated,
                batch.unchanged_rows,
                batch.error_rows,
                batch.file_size,
                batch.file_sha256,
                batch.message,
            ]

    return _respond(
        user=user,
        queryset=queryset,
        filters={k: str(v) for k, v in filters.items()},
        file_format=file_format,
        full=False,
        kind="importbatch",
        stem="padu-impor",
        title=_("Registry imports"),
        header=header,
        rows=rows,
    )


def import_error_report_record(*, actor, batch: ImportBatch):
    """The audit entry of one download of an import's error report."""
    with transaction.atomic():
        return audit_record(
            actor=actor,
            action="registry.importbatch.error_report_downloaded",
            obj=batch,
            region_code=batch.region_id or "",
            after={"error_rows": batch.error_rows},
        )
