"""The demo kelurahan's two Muskel sessions, made through the services as a kelurahan operator
would: one held last week, every item decided and the session closed with its Berita Acara's
number; one scheduled for next week with its first attendees and its agenda."""

from __future__ import annotations

import datetime

from django.utils import timezone

from padu.regions.models import Region

from ..codes import AttendeeRole, MuskelDecision
from ..models import ChangeRequest
from . import services

# The decision that takes a request along each Muskel transition.
DECISIONS = {transition: decision for decision, transition in services.DECISION_TRANSITIONS.items()}
HELD_ATTENDEES = [
    ("Syafrizal", AttendeeRole.LURAH),
    ("Yuliarni", AttendeeRole.RW),
    ("Hendri", AttendeeRole.RT),
    ("Desmawati", AttendeeRole.PSM),
    ("Afrizal", AttendeeRole.TKSK),
]
NOTES = {
    MuskelDecision.AGREED: "Sesuai hasil verifikasi lapangan.",
    MuskelDecision.REJECTED: "Keluarga tergolong mampu menurut RT dan RW.",
}


def _number(region: Region, day: datetime.date) -> str:
    return f"01/BA-MUSKEL/{region.code}/{day:%m}/{day:%Y}"


def demo_sessions(users: dict, *, region: str, planned: list[int], decided: dict[int, str]):
    """`planned`: the requests (ids, verified) for the next session's agenda; `decided`: those
    the held session decides, each with its transition (`agree`, `reject_in_muskel`)."""
    actor = users["kelurahan"]
    kelurahan = Region.objects.get(code=region)
    today = timezone.localdate()
    held_on = today - datetime.timedelta(days=7)
    held = services.muskel_schedule(
        actor=actor, region=kelurahan, date=held_on, place="Aula Kantor Lurah", quorum=3
    )
    for name, role in HELD_ATTENDEES:
        services.muskel_attendee_add(actor=actor, session=held, name=name, role=role)
    for pk, transition in decided.items():
        request = ChangeRequest.objects.unscoped().get(pk=pk)
        item = services.muskel_agenda_add(actor=actor, session=held, request=request)
        decision = DECISIONS[transition]
        services.muskel_decide(actor=actor, item=item, decision=decision, note=NOTES[decision])
    services.muskel_close(actor=actor, session=held, number=_number(kelurahan, held_on))

    upcoming = services.muskel_schedule(
        actor=actor,
        region=kelurahan,
        date=today + datetime.timedelta(days=7),
        place="Aula Kantor Lurah",
        quorum=3,
        note="Pembahasan usulan bulan ini.",
    )
    for name, role in HELD_ATTENDEES[:2]:
        services.muskel_attendee_add(actor=actor, session=upcoming, name=name, role=role)
    for pk in planned:
        request = ChangeRequest.objects.unscoped().get(pk=pk)
        services.muskel_agenda_add(actor=actor, session=upcoming, request=request)
