"""What a Muskel session produces: the Berita Acara (PDF, in the active language, with the
office's letterhead: core/documents.py) and the by-name-by-address list of its agenda (BNBA, as
CSV or XLSX through core.exports). Identifiers are shown as the downloading user may see them
(registry.disclosure), and every download is access-logged by the view."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from padu.core.documents import OfficialDocument, Signature
from padu.core.exports import Table
from padu.registry.codes import Relationship
from padu.registry.disclosure import Disclosure
from padu.registry.models import Person

from ..codes import AttendeeRole, RequestKind
from ..models import MuskelAttendee, MuskelItem, MuskelSession
from .selectors import session_items


@dataclass(frozen=True)
class Line:
    """One agenda item as the documents show it."""

    number: int
    kind: str
    name: str
    identifier: str
    address: str
    rt_rw: str
    decision: str
    note: str


def _heads(items: list[MuskelItem]) -> dict[int, Person]:
    """The head of each registered family on the agenda, in one query."""
    ids = {i.request.family_id for i in items if i.request.family_id}
    # Unscoped: the members of families already read through the session's scope.
    heads = Person.objects.unscoped().filter(family_id__in=ids, relationship=Relationship.HEAD)
    return {p.family_id: p for p in heads.order_by("pk")}


def _new_family(payload: dict) -> tuple[str, dict]:
    """The head's name and the family's values of a new-family request."""
    members = payload.get("members") or []
    head = next((m for m in members if m.get("relationship") == Relationship.HEAD), None)
    head = head or (members[0] if members else {})
    return head.get("name", ""), payload.get("family") or {}


def agenda_lines(session: MuskelSession, user, items: list[MuskelItem] | None = None) -> list[Line]:
    """The session's agenda (or its `items` as read already), one line per item, identifiers as
    `user` may see them."""
    items = list(session_items(session)) if items is None else items
    heads = _heads(items)
    show = Disclosure(user)
    lines = []
    for n, item in enumerate(items, start=1):
        r = item.request
        family, person = r.family, r.person
        if r.kind == RequestKind.NEW_FAMILY:
            name, values = _new_family(r.payload)
            identifier = show.number(values.get("kk_number", ""))
            address, rt, rw = values.get("address", ""), values.get("rt", ""), values.get("rw", "")
        else:
            head = heads.get(r.family_id)
            name = person.name if person else (head.name if head else "")
            identifier = show.number(person.nik if person else family.kk_number if family else "")
            address = family.address if family else ""
            rt, rw = (family.rt, family.rw) if family else ("", "")
        lines.append(
            Line(
                number=n,
                kind=str(r.get_kind_display()),
                name=name,
                identifier=identifier,
                address=address,
                rt_rw=f"{rt or '-'}/{rw or '-'}",
                decision=str(item.get_decision_display()) if item.decision else _("not decided"),
                note=item.note,
            )
        )
    return lines


def _attendees(session: MuskelSession) -> list[MuskelAttendee]:
    return list(MuskelAttendee.objects.unscoped().filter(session=session).order_by("pk"))


def berita_acara_pdf(session: MuskelSession, user) -> bytes:
    region = session.region
    kecamatan = region.parent.name if region.parent_id else ""
    doc = OfficialDocument(
        title=_("Berita Acara of the Kelurahan Deliberation (Muskel)"),
        number=session.number,
        subtitle=_("Updating of the social welfare data, %(kelurahan)s")
        % {"kelurahan": region.name},
    )
    doc.paragraph(
        _(
            "On %(weekday)s, %(date)s, at %(place)s, the kelurahan deliberation (Muskel) of "
            "%(kelurahan)s, kecamatan %(kecamatan)s, was held to decide on the proposals to "
            "update the social welfare data verified in the field. It was attended by:"
        )
        % {
            "weekday": date_format(session.date, "l"),
            "date": date_format(session.date, "j F Y"),
            "place": session.place,
            "kelurahan": region.name,
            "kecamatan": kecamatan,
        }
    )
    attendees = _attendees(session)
    doc.table(
        [_("No."), _("Name"), _("Role"), _("Present")],
        [
            [i, a.name, a.get_role_display(), _("yes") if a.present else _("no")]
            for i, a in enumerate(attendees, start=1)
        ],
        widths=[12, 80, 45, 33],
    )
    present = sum(a.present for a in attendees)
    doc.paragraph(
        _("Attendees present: %(present)d; quorum: %(quorum)d.")
        % {"present": present, "quorum": session.quorum}
    )
    doc.paragraph(_("The deliberation decided on each proposal as follows:"))
    lines = agenda_lines(session, user)
    doc.table(
        [_("No."), _("Proposal"), _("Name"), _("KK/NIK"), _("RT/RW"), _("Decision"), _("Note")],
        [
            [ln.number, ln.kind, ln.name, ln.identifier, ln.rt_rw, ln.decision, ln.note]
            for ln in lines
        ],
        widths=[10, 26, 34, 30, 15, 20, 35],
    )
    agreed = sum(1 for i in session_items(session) if i.decision == "agreed")
    doc.paragraph(
        _(
            "Of %(total)d proposals, %(agreed)d were agreed and %(rejected)d rejected. The agreed "
            "proposals go to the Dinas Sosial for checking and approval. This Berita Acara was "
            "made truthfully, to be used as needed."
        )
        % {"total": len(lines), "agreed": agreed, "rejected": len(lines) - agreed}
    )
    doc.signatures(_signers(attendees), place=region.name, day=session.date)
    return doc.render()


def _signers(attendees: list[MuskelAttendee]) -> list[Signature]:
    """The Lurah, the TKSK and the PSM present (the first of each), then an RW; a role absent
    from the session keeps a blank block to be signed by hand."""
    present = [a for a in attendees if a.present]
    signers = []
    for role in (AttendeeRole.LURAH, AttendeeRole.TKSK, AttendeeRole.PSM, AttendeeRole.RW):
        found = next((a for a in present if a.role == role), None)
        signers.append(Signature(str(role.label), found.name if found else ""))
    return signers


def agenda_table(session: MuskelSession, user) -> Table:
    """The BNBA list of the agenda (by name, by address) for CSV or XLSX."""
    header = [
        _("No."),
        _("Proposal"),
        _("Name"),
        _("KK/NIK"),
        _("Address"),
        _("RT/RW"),
        _("Decision"),
        _("Note"),
    ]
    rows = [
        [ln.number, ln.kind, ln.name, ln.identifier, ln.address, ln.rt_rw, ln.decision, ln.note]
        for ln in agenda_lines(session, user)
    ]
    return Table(header, rows, title=_("Muskel agenda"))
