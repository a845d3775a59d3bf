"""A session's two downloads as HTTP answers, shared by the pages and the API: the Berita Acara
(PDF) and the by-name-by-address list (CSV/XLSX). Each is access-logged before it leaves the
server (the list, being an export of names and numbers, is also recorded in the audit trail)."""

from __future__ import annotations

from django.http import HttpResponse

from padu.core.audit import access_record, export_recorded
from padu.core.exports import Table, dated_filename, export_response
from padu.registry.disclosure import Disclosure

from ..models import MuskelSession
from .documents import agenda_table, berita_acara_pdf


def berita_acara_response(*, user, session: MuskelSession, purpose: str, request=None):
    pdf = berita_acara_pdf(session, user)
    access_record(
        user=user,
        obj=session,
        region_code=session.region_id,
        purpose=purpose,
        request=request,
        rows=session.items.count(),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"berita-acara-muskel-{session.region_id}-{session.date:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def agenda_list_response(
    *, user, session: MuskelSession, file_format: str, purpose: str, request=None
):
    table = agenda_table(session, user)
    rows = list(table.rows)
    export_recorded(
        actor=user,
        action="updates.muskel.exported",
        object_type="updates.muskelsession",
        object_repr=str(session),
        region_code=session.region_id,
        filters={"session": session.pk},
        file_format=file_format,
        rows=len(rows),
        full_numbers=Disclosure(user).full,
    )
    access_record(
        user=user,
        obj=session,
        region_code=session.region_id,
        purpose=purpose,
        request=request,
        rows=len(rows),
    )
    stem = dated_filename(f"padu-muskel-{session.region_id}-bnba")
    return export_response(file_format, stem, Table(table.header, rows, title=table.title))
