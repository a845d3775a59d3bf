"""A Muskel session: scheduling, attendance, the agenda of verified requests, one decision per
item moving the request along the workflow, closing with quorum, and its documents (the Berita
Acara PDF, the by-name-by-address list). Bad inputs: a clear message, nothing written."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from padu.accounts.capabilities import Role
from padu.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from padu.core.models import AccessLog, AuditEntry
from padu.regions.models import Region
from padu.updates.codes import AttendeeRole, MuskelDecision, RequestState, SessionState
from padu.updates.models import MuskelAttendee, MuskelItem, MuskelSession
from padu.updates.muskel import services
from tests.factories import (
    KEL_A,
    KEL_A2,
    KEL_B,
    ChangeRequestFactory,
    FamilyFactory,
    MuskelAttendeeFactory,
    MuskelItemFactory,
    MuskelSessionFactory,
    PersonFactory,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def kelurahan():
    return make_user(Role.KELURAHAN, scope=KEL_A)


def _verified(region=KEL_A):
    family = FamilyFactory(region_id=region)
    PersonFactory(family=family, region_id=region, name="Siti Aminah")
    return ChangeRequestFactory(family=family, state=RequestState.VERIFIED)


def test_a_kelurahan_schedules_a_session_of_its_own_kelurahan(kelurahan):
    day = timezone.localdate() + datetime.timedelta(days=5)
    session = services.muskel_schedule(
        actor=kelurahan,
        region=Region.objects.get(code=KEL_A),
        date=day,
        place=" Aula Kelurahan ",
        quorum=4,
    )
    assert (session.region_id, session.place, session.state) == (
        KEL_A,
        "Aula Kelurahan",
        SessionState.PLANNED,
    )
    assert AuditEntry.objects.filter(action="updates.muskel.scheduled").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"place": "  "}, "place"),
        ({"quorum": 0}, "quorum"),
        ({"date": "besok"}, "date"),
        ({"region": "13.71.01"}, "region"),  # a kecamatan, not a kelurahan
    ],
)
def test_a_session_with_bad_details_is_refused_and_not_written(kelurahan, changes, field):
    given = {
        "region": KEL_A,
        "date": timezone.localdate(),
        "place": "Aula",
        "quorum": 3,
        **changes,
    }
    given["region"] = Region.objects.get(code=given["region"])
    with pytest.raises(ValidationFailed) as exc:
        services.muskel_schedule(actor=kelurahan, **given)
    assert field in exc.value.errors
    assert MuskelSession.objects.unscoped().count() == 0


def test_nobody_schedules_outside_his_area_or_without_the_capability(kelurahan):
    with pytest.raises(PermissionDeniedError):
        services.muskel_schedule(
            actor=kelurahan,
            region=Region.objects.get(code=KEL_B),
            date=timezone.localdate(),
            place="Aula",
        )
    with pytest.raises(PermissionDeniedError):
        services.muskel_schedule(
            actor=make_user(Role.PSM, scope=KEL_A),
            region=Region.objects.get(code=KEL_A),
            date=timezone.localdate(),
            place="Aula",
        )
    assert MuskelSession.objects.unscoped().count() == 0


def test_the_agenda_takes_verified_requests_of_the_session_kelurahan_only(kelurahan):
    session = MuskelSessionFactory()
    request = _verified()
    item = services.muskel_agenda_add(actor=kelurahan, session=session, request=request)
    request.refresh_from_db()
    assert (item.session, request.state) == (session, RequestState.ON_AGENDA)
    # Not verified (still submitted): the workflow refuses, nothing is added.
    submitted = ChangeRequestFactory(family=FamilyFactory(region_id=KEL_A))
    with pytest.raises(DomainError):
        services.muskel_agenda_add(actor=kelurahan, session=session, request=submitted)
    assert MuskelItem.objects.unscoped().count() == 1


def test_a_decision_moves_the_request_and_a_rejection_needs_its_reason(kelurahan):
    agreed, rejected = MuskelItemFactory(), MuskelItemFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.muskel_decide(actor=kelurahan, item=rejected, decision=MuskelDecision.REJECTED)
    assert "note" in exc.value.errors
    with pytest.raises(ValidationFailed):
        services.muskel_decide(actor=kelurahan, item=rejected, decision="mungkin")
    rejected.request.refresh_from_db()
    assert rejected.request.state == RequestState.ON_AGENDA
    services.muskel_decide(actor=kelurahan, item=agreed, decision=MuskelDecision.AGREED)
    services.muskel_decide(
        actor=kelurahan, item=rejected, decision=MuskelDecision.REJECTED, note="Mampu."
    )
    agreed.request.refresh_from_db()
    rejected.request.refresh_from_db()
    assert agreed.request.state == RequestState.AGREED
    assert rejected.request.state == RequestState.REJECTED_IN_MUSKEL
    with pytest.raises(DomainError):  # decided once
        services.muskel_decide(actor=kelurahan, item=agreed, decision=MuskelDecision.REJECTED)


def test_closing_needs_every_decision_and_the_quorum(kelurahan):
    item = MuskelItemFactory(session__quorum=2)
    session = item.session
    MuskelAttendeeFactory(session=session, role=AttendeeRole.LURAH, name="Budi Lurah")
    with pytest.raises(DomainError, match="1"):  # one undecided item
        services.muskel_close(actor=kelurahan, session=session, number="01/BA/2026")
    services.muskel_decide(actor=kelurahan, item=item, decision=MuskelDecision.AGREED)
    with pytest.raises(DomainError) as exc:  # one present, quorum two
        services.muskel_close(actor=kelurahan, session=session, number="01/BA/2026")
    assert exc.value.code == "no_quorum"
    with pytest.raises(ValidationFailed):
        services.muskel_close(actor=kelurahan, session=session, number=" ")
    services.muskel_attendee_add(
        actor=kelurahan, session=session, name="Rina PSM", role=AttendeeRole.PSM
    )
    closed = services.muskel_close(actor=kelurahan, session=session, number="01/BA/2026")
    assert (closed.state, closed.number) == (SessionState.DECIDED, "01/BA/2026")
    with pytest.raises(DomainError):  # closed: nothing changes any more
        services.muskel_attendee_add(
            actor=kelurahan, session=session, name="Terlambat", role=AttendeeRole.RT
        )
    assert MuskelAttendee.objects.unscoped().filter(session=session).count() == 2


def test_the_pages_schedule_decide_and_close(client, kelurahan):
    client.force_login(kelurahan)
    page = client.get(reverse("muskel:new"))
    assert page.status_code == 200
    response = client.post(
        reverse("muskel:new"),
        {"region": KEL_A, "date": "2026-12-10", "place": "", "quorum": "1"},
    )
    assert response.status_code == 400
    assert MuskelSession.objects.unscoped().count() == 0
    response = client.post(
        reverse("muskel:new"),
        {"region": KEL_A, "date": "2026-12-10", "place": "Aula", "quorum": "1"},
    )
    session = MuskelSession.objects.unscoped().get()
    assert response.status_code == 302
    request = _verified()
    action = reverse("muskel:action", args=[session.pk])

    def post(data):
        session.refresh_from_db()  # each form carries the version the page shows
        return client.post(action, {**data, "version": session.version})

    post({"action": "attendee", "name": "Budi", "role": "lurah", "present": "on"})
    post({"action": "agenda", "request": request.pk})
    item = MuskelItem.objects.unscoped().get()
    bad = post({"action": "decide", "item": item.pk, f"item-{item.pk}-note": ""})
    assert bad.status_code == 400
    post({"action": "decide", "item": item.pk, f"item-{item.pk}-decision": "agreed"})
    assert post({"action": "close", "number": "07/BA/XII/2026"}).status_code == 302
    session.refresh_from_db()
    assert session.state == SessionState.DECIDED
    listed = client.get(reverse("muskel:list")).content.decode()
    assert reverse("muskel:detail", args=[session.pk]) in listed


def test_the_berita_acara_and_the_list_are_made_and_access_logged(client, kelurahan):
    item = MuskelItemFactory(decision=MuskelDecision.AGREED, note="Sesuai hasil verifikasi.")
    PersonFactory(family=item.request.family, region_id=KEL_A, name="Siti Aminah")
    session = item.session
    session.number, session.state = "07/BA/XII/2026", SessionState.DECIDED
    session.save()
    MuskelAttendeeFactory(session=session, role=AttendeeRole.LURAH, name="Budi Santoso")
    client.force_login(kelurahan)
    response = client.get(reverse("muskel:berita_acara", args=[session.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in ("BERITA ACARA", "07/BA/XII/2026", "Budi Santoso", "Siti Aminah", "Halaman 1"):
        assert expected in text
    # The kelurahan operator sees masked numbers: the KK is not in the document whole.
    assert item.request.family.kk_number not in text
    xlsx = client.get(reverse("muskel:agenda_export", args=[session.pk]) + "?format=xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.getvalue())).active.values)
    assert any("Siti Aminah" in (str(v) for v in row) for row in rows)
    purposes = set(AccessLog.objects.values_list("purpose", flat=True))
    assert {"muskel_berita_acara", "muskel_agenda_export"} <= purposes


def test_another_area_s_session_is_a_404_everywhere(client):
    session = MuskelItemFactory(session__region_id=KEL_B).session
    client.force_login(make_user(Role.KELURAHAN, scope=KEL_A))
    for name in ("muskel:detail", "muskel:berita_acara", "muskel:agenda_export"):
        assert client.get(reverse(name, args=[session.pk])).status_code == 404
    assert client.post(reverse("muskel:action", args=[session.pk]), {}).status_code == 404
    listed = client.get(reverse("muskel:list")).content.decode()
    assert reverse("muskel:detail", args=[session.pk]) not in listed


def test_the_list_filters_by_kelurahan_and_state(client):
    """The filter of the list page (a kelurahan of the user's area) and its download."""
    kept = MuskelSessionFactory(region_id=KEL_A, place="Aula Belakang Pondok")
    MuskelSessionFactory(region_id=KEL_A2, place="Aula Alang Laweh")
    MuskelSessionFactory(region_id=KEL_A, place="Aula Lama", state=SessionState.DECIDED)
    client.force_login(make_user(Role.TKSK, scope="13.71.01"))
    html = client.get(reverse("muskel:list"), {"region": KEL_A, "state": "planned"}).content
    html = html.decode()
    assert kept.place in html
    assert "Aula Alang Laweh" not in html and "Aula Lama" not in html
    csv = client.get(reverse("muskel:list"), {"region": KEL_A, "format": "csv"})
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert kept.place in text and "Aula Lama" in text and "Alang Laweh" not in text


def test_the_session_page_says_what_each_request_asks(client, kelurahan):
    """The Muskel decides on families, not on receipt numbers: each item and each request
    waiting for an agenda shows what it asks (numbers masked as the user sees them)."""
    from django.utils.html import escape

    from padu.updates import display

    item = MuskelItemFactory()
    PersonFactory(family=item.request.family, region_id=KEL_A, name="Budi Hartono")
    waiting = _verified()
    client.force_login(kelurahan)
    page = client.get(reverse("muskel:detail", args=[item.session.pk])).content.decode()
    assert "Budi Hartono" in page and item.request.family.address in page
    assert escape(display.summary(kelurahan, waiting)) in page
    assert reverse("updates:request_detail", args=[item.request.pk]) in page


def test_an_undecided_item_is_taken_off_the_agenda_with_its_reason(client, kelurahan):
    """From the session's page: the request is verified again (for another session), the item
    gone; without a reason, or once decided, it stays."""
    item = MuskelItemFactory()
    decided = MuskelItemFactory(session=item.session, decision=MuskelDecision.AGREED)
    url = reverse("muskel:action", args=[item.session.pk])
    client.force_login(kelurahan)
    data = {"action": "remove_item", "item": item.pk, "version": item.session.version}
    response = client.post(url, {**data, f"remove-{item.pk}-reason": " "})
    assert response.status_code == 400
    assert MuskelItem.objects.unscoped().filter(pk=item.pk).exists()
    with pytest.raises(DomainError):
        services.muskel_agenda_remove(actor=kelurahan, item=decided, reason="Salah")
    response = client.post(url, {**data, f"remove-{item.pk}-reason": "Data belum lengkap."})
    assert response.status_code == 302
    assert not MuskelItem.objects.unscoped().filter(pk=item.pk).exists()
    item.request.refresh_from_db()
    assert item.request.state == RequestState.VERIFIED
    event = item.request.events.get(transition="remove_from_agenda")
    assert (event.actor, event.reason) == (kelurahan, "Data belum lengkap.")
    assert AuditEntry.objects.filter(action="updates.muskel.agenda_removed").count() == 1
