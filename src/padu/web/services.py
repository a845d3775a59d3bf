"""Writes of the top layer: only the records that someone exported the audit trail or the
access log."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import export_recorded
from padu.core.models import AccessLog, AuditEntry
from padu.core.scoping import require, scope_codes
from padu.regions.selectors import common_region

from . import selectors


def audit_trail_export(*, actor, filters: dict, file_format: str) -> QuerySet[AuditEntry]:
    """The entries an export will contain. Exporting the trail is itself recorded in it, in the
    exporter's area, before a single row leaves the server."""
    require(actor, Cap.AUDIT_VIEW)
    entries = selectors.audit_list(user=actor, filters=filters)
    record = export_recorded(
        actor=actor,
        action="core.audit.exported",
        object_type="core.auditentry",
        object_repr=_("Audit trail"),
        region_code=common_region(scope_codes(actor)),
        filters=_given(filters),
        file_format=file_format,
        rows=entries.count(),
    )
    # Exactly the rows counted above: nothing written while the file streams, not this record.
    return entries.filter(pk__lt=record.pk)


def access_log_export(*, actor, filters: dict, file_format: str) -> QuerySet[AccessLog]:
    """The access-log rows an export will contain; the export is recorded in the audit trail."""
    require(actor, Cap.ACCESS_LOG_VIEW)
    rows = selectors.access_list(user=actor, filters=filters)
    export_recorded(
        actor=actor,
        action="core.accesslog.exported",
        object_type="core.accesslog",
        object_repr=_("Access log"),
        region_code=common_region(scope_codes(actor)),
        filters=_given(filters),
        file_format=file_format,
        rows=rows.count(),
    )
    return rows


def _given(filters: dict) -> dict:
    return {k: str(v) for k, v in filters.items() if v}
