"""The list of registry imports as a download, and the record of each download of an import's
error report (the report quotes people's data from the file)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from padu.core.audit import audit_record
from padu.core.exports import XLSX_MAX_ROWS, Table, dated_filename, export_response

from ..exports import CHUNK_SIZE, TooManyRowsError, export_record
from ..models import ImportBatch


def imports_filtered(*, user, filters: dict):
    """The user's imports (the engine's scoped selector) narrowed by the list's filters: status,
    and the day of upload in the office's time zone (settings.TIME_ZONE)."""
    from .selectors import imports_visible

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

    total = queryset.count()
    if file_format == "xlsx" and total > XLSX_MAX_ROWS:
        raise TooManyRowsError(XLSX_MAX_ROWS)
    export_record(
        actor=user,
        kind="importbatch",
        filters={k: str(v) for k, v in filters.items()},
        file_format=file_format,
        rows=total,
        full=False,
    )
    table = Table(header=header, rows=rows(), title=_("Registry imports"))
    return export_response(file_format, dated_filename("padu-impor"), table)


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
