"""The Muskel endpoints: the sessions of the caller's area, one session, scheduling (which tells
the kelurahan's people), attendance, the agenda, decisions, closing and the two documents; every
answer checked against the document, other areas a 404, roles without the capability a 403, bad
input a 400 with nothing written."""

import datetime
import io
import json

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from padu.accounts.capabilities import Role
from padu.core.models import AccessLog, AuditEntry
from padu.notifications.codes import NotificationKind
from padu.notifications.models import Notification
from padu.updates.codes import AttendeeRole, MuskelDecision, RequestState, SessionState
from padu.updates.models import MuskelAttendee, MuskelItem, MuskelSession
from tests.api.conftest import assert_matches_schema
from tests.factories import (
    KEC_A,
    KEC_B,
    KEL_A,
    KEL_A2,
    KEL_B,
    KOTA,
    ChangeRequestFactory,
    FamilyFactory,
    MuskelAttendeeFactory,
    MuskelItemFactory,
    MuskelSessionFactory,
    PersonFactory,
    make_user,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/muskel/sessions"
EN = {"Accept-Language": "en"}


@pytest.fixture
def kelurahan():
    return make_user(Role.KELURAHAN, scope=KEL_A)


@pytest.fixture
def key(token_for, kelurahan):
    return token_for(kelurahan)


def _verified(region=KEL_A):
    family = FamilyFactory(region_id=region)
    PersonFactory(family=family, region_id=region, name="Siti Aminah")
    return ChangeRequestFactory(family=family, state=RequestState.VERIFIED)


def written():
    return (
        list(MuskelSession.objects.unscoped().values_list("pk", "state", "version", "number")),
        MuskelAttendee.objects.unscoped().count(),
        list(MuskelItem.objects.unscoped().values_list("pk", "decision")),
        Notification.objects.count(),
    )


def test_the_list_shows_the_area_with_its_counts_and_filters(api, token_for, key):
    mine = MuskelItemFactory().session
    MuskelItemFactory(session=mine, decision=MuskelDecision.AGREED)
    held = MuskelSessionFactory(region_id=KEL_A, state=SessionState.HELD)
    MuskelSessionFactory(region_id=KEL_B)
    response = api.get(BASE, token=key)
    assert response.status_code == 200
    assert response.data["count"] == 2
    by_id = {s["id"]: s for s in response.data["items"]}
    assert set(by_id) == {mine.pk, held.pk}
    assert (by_id[mine.pk]["items"], by_id[mine.pk]["undecided"]) == (2, 1)
    assert by_id[mine.pk]["kelurahan"]["code"] == KEL_A
    planned = api.get(BASE, token=key, state=SessionState.HELD)
    assert [s["id"] for s in planned.data["items"]] == [held.pk]
    # An operator of the city filters by kecamatan.
    operator = token_for(make_user(Role.OPERATOR, scope=KOTA))
    in_kec_b = api.get(BASE, token=operator, region=KEC_B)
    assert [s["kelurahan"]["code"] for s in in_kec_b.data["items"]] == [KEL_B]
    assert api.get(BASE, token=key, region="13.71.0").status_code == 400


@pytest.mark.parametrize(
    ("role", "scope", "status"),
    [
        (Role.KELURAHAN, KEL_A, 200),
        (Role.PSM, KEL_A, 200),
        (Role.TKSK, KEC_A, 200),
        (Role.OPERATOR, KOTA, 200),
        (Role.PIMPINAN, KOTA, 200),
        (Role.KELURAHAN, KEL_A2, 404),
        (Role.TKSK, KEC_B, 404),
        (Role.ADMIN, KOTA, 403),  # no capability to see requests
    ],
)
def test_one_session_by_role_and_area(api, token_for, role, scope, status):
    item = MuskelItemFactory(decision=MuskelDecision.AGREED, note="Sesuai.")
    MuskelAttendeeFactory(session=item.session, name="Budi Santoso", role=AttendeeRole.LURAH)
    response = api.get(f"{BASE}/{item.session.pk}", token=token_for(make_user(role, scope=scope)))
    assert response.status_code == status
    if status == 200:
        assert [a["name"] for a in response.data["attendees"]] == ["Budi Santoso"]
        (got,) = response.data["agenda"]
        assert (got["request"]["receipt"], got["decision"], got["note"]) == (
            item.request.receipt,
            "agreed",
            "Sesuai.",
        )


def test_a_session_runs_from_scheduling_to_its_documents(api, key, kelurahan):
    request = _verified()
    day = timezone.localdate() + datetime.timedelta(days=2)
    response = api.post(
        BASE,
        {"kelurahan": KEL_A, "date": day.isoformat(), "place": "Aula Kelurahan", "quorum": 2},
        token=key,
    )
    assert response.status_code == 201, response.data
    session = response.data
    assert (session["state"], session["place"], session["agenda"]) == (
        "planned",
        "Aula Kelurahan",
        [],
    )
    url = f"{BASE}/{session['id']}"
    for name, role in (("Budi Santoso", "lurah"), ("Rina", "rt"), ("Tamu", "lainnya")):
        response = api.post(f"{url}/attendees", {"name": name, "role": role}, token=key)
        assert response.status_code == 201
    guest = response.data["attendees"][-1]["id"]
    response = api.request("DELETE", f"{url}/attendees/{guest}", token=key)
    assert response.status_code == 200
    assert [a["name"] for a in response.data["attendees"]] == ["Budi Santoso", "Rina"]
    assert response.data["present"] == 2

    response = api.post(f"{url}/agenda", {"request_id": request.pk}, token=key)
    assert response.status_code == 201
    (item,) = response.data["agenda"]
    assert item["request"]["state"] == RequestState.ON_AGENDA and item["decision"] is None
    # Closing with the item undecided is refused, with the reason.
    response = api.post(f"{url}/close", {"number": "01/BA/2026"}, token=key)
    assert (response.status_code, response.data["code"]) == (400, "undecided")

    version = api.get(url, token=key).data["version"]
    response = api.post(
        f"{url}/agenda/{item['id']}/decision",
        {"decision": "agreed", "note": "Layak.", "version": version},
        token=key,
    )
    assert response.status_code == 200
    assert response.data["state"] == SessionState.HELD
    (item,) = response.data["agenda"]
    assert (item["decision"], item["decided_by"], item["request"]["state"]) == (
        "agreed",
        kelurahan.username,
        RequestState.AGREED,
    )
    response = api.post(f"{url}/close", {"number": "01/BA/2026"}, token=key)
    assert response.status_code == 200
    assert (response.data["state"], response.data["number"]) == ("decided", "01/BA/2026")
    assert response.data["decided_at"]
    # Closed: no more changes.
    response = api.post(f"{url}/attendees", {"name": "Telat", "role": "rw"}, token=key)
    assert (response.status_code, response.data["code"]) == (400, "session_closed")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "updates.muskel.scheduled",
        "updates.muskel.attendee_added",
        "updates.muskel.attendee_removed",
        "updates.muskel.agenda_added",
        "updates.muskel.decided",
        "updates.muskel.closed",
    } <= actions

    client = Client(headers={"Authorization": f"Bearer {key}"})
    pdf = client.get(f"{url}/berita-acara")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "01/BA/2026" in text and "Budi Santoso" in text and "Siti Aminah" in text
    xlsx = client.get(f"{url}/bnba", {"format": "xlsx"})
    assert xlsx.status_code == 200
    rows = list(load_workbook(io.BytesIO(xlsx.getvalue())).active.values)
    assert any("Siti Aminah" in (str(v) for v in row) for row in rows)
    csv = client.get(f"{url}/bnba")
    assert csv["Content-Type"].startswith("text/csv")
    assert "Siti Aminah" in b"".join(csv.streaming_content).decode("utf-8-sig")
    logged = AccessLog.objects.filter(user=kelurahan).values_list("purpose", flat=True)
    assert sorted(logged) == ["api_muskel_berita_acara", "api_muskel_bnba", "api_muskel_bnba"]
    assert AuditEntry.objects.filter(action="updates.muskel.exported").count() == 2


def test_scheduling_tells_the_kelurahan_s_psm_tksk_and_operators(api, key, kelurahan):
    psm, tksk = make_user(Role.PSM, scope=KEL_A), make_user(Role.TKSK, scope=KEC_A)
    other_kelurahan = make_user(Role.KELURAHAN, scope=KEL_A)
    # Not told: another kelurahan's PSM, the city's operator, an inactive PSM.
    make_user(Role.PSM, scope=KEL_A2)
    make_user(Role.OPERATOR, scope=KOTA)
    make_user(Role.PSM, scope=KEL_A, is_active=False)
    day = timezone.localdate() + datetime.timedelta(days=7)
    response = api.post(
        BASE, {"kelurahan": KEL_A, "date": day.isoformat(), "place": "Aula"}, token=key
    )
    assert response.status_code == 201
    told = Notification.objects.filter(kind=NotificationKind.MUSKEL_SCHEDULED)
    assert set(told.values_list("recipient", flat=True)) == {psm.pk, tksk.pk, other_kelurahan.pk}
    notice = told.get(recipient=psm)
    assert notice.params["place"] == "Aula"
    assert notice.link == f"/muskel/{response.data['id']}/"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"place": ""}, "place"),
        ({"quorum": 0}, "quorum"),
        ({"quorum": 101}, "quorum"),
        ({"date": "besok"}, "date"),
        ({"kelurahan": "13.71.01"}, "kelurahan"),
        ({"kelurahan": "13.71.01.9999"}, "region"),  # no such kelurahan
        ({"place": "x" * 201}, "place"),
    ],
)
def test_a_bad_session_is_refused_and_nothing_written(api, key, payload, field):
    before = written()
    given = {"kelurahan": KEL_A, "date": timezone.localdate().isoformat(), "place": "Aula"}
    response = api.post(BASE, {**given, **payload}, token=key)
    assert response.status_code == 400
    assert field in response.data["errors"]
    assert written() == before


@pytest.mark.parametrize(
    ("role", "scope", "status"),
    [(Role.PSM, KEL_A, 403), (Role.OPERATOR, KOTA, 403), (Role.KELURAHAN, KEL_B, 403)],
)
def test_scheduling_needs_the_capability_and_the_area(api, token_for, role, scope, status):
    before = written()
    response = api.post(
        BASE,
        {"kelurahan": KEL_A, "date": timezone.localdate().isoformat(), "place": "Aula"},
        token=token_for(make_user(role, scope=scope)),
    )
    assert response.status_code == status
    assert written() == before


def test_writes_on_another_area_s_session_are_404_and_without_capability_403(api, token_for):
    item = MuskelItemFactory(session__region_id=KEL_B)
    attendee = MuskelAttendeeFactory(session=item.session)
    url = f"{BASE}/{item.session.pk}"
    calls = [
        ("POST", f"{url}/attendees", {"name": "A", "role": "rt"}),
        ("DELETE", f"{url}/attendees/{attendee.pk}", None),
        ("POST", f"{url}/agenda", {"request_id": _verified(KEL_B).pk}),
        ("POST", f"{url}/agenda/{item.pk}/decision", {"decision": "agreed"}),
        ("POST", f"{url}/agenda/{item.pk}/remove", {"reason": "Salah kelurahan."}),
        ("POST", f"{url}/close", {"number": "1"}),
        ("GET", f"{url}/berita-acara", None),
        ("GET", f"{url}/bnba", None),
    ]
    before = written()
    outsider = token_for(make_user(Role.KELURAHAN, scope=KEL_A))
    psm = token_for(make_user(Role.PSM, scope=KEL_B))
    for method, path, data in calls:
        response = Client().generic(
            method,
            path,
            data=b"" if data is None else json.dumps(data),
            content_type="application/json",
            headers={"Authorization": f"Bearer {outsider}"},
        )
        assert response.status_code == 404, (method, path)
        assert_matches_schema(method, path, response)
        if method != "GET":
            response = api.request(method, path, token=psm, data=data)
            assert response.status_code == 403, (method, path)
    assert written() == before
    assert not AccessLog.objects.exists()


def test_the_agenda_and_decisions_refuse_what_the_services_refuse(api, key):
    session = MuskelSessionFactory(region_id=KEL_A)
    url = f"{BASE}/{session.pk}"
    submitted = ChangeRequestFactory(family=FamilyFactory(region_id=KEL_A))
    other = _verified(KEL_A2)
    before = written()
    response = api.post(f"{url}/agenda", {"request_id": submitted.pk}, token=key)
    assert (response.status_code, response.data["code"]) == (400, "invalid_state")
    # Another kelurahan's verified request: not the operator's to see (404).
    assert api.post(f"{url}/agenda", {"request_id": other.pk}, token=key).status_code == 404
    assert api.post(f"{url}/agenda", {"request_id": 0}, token=key).status_code == 400
    assert written() == before

    item = MuskelItemFactory(session=session)
    before = written()
    decision = f"{url}/agenda/{item.pk}/decision"
    response = api.post(decision, {"decision": "rejected"}, token=key)
    assert response.status_code == 400 and "note" in response.data["errors"]
    response = api.post(decision, {"decision": "maybe"}, token=key)
    assert response.status_code == 400 and "decision" in response.data["errors"]
    response = api.post(decision, {"decision": "agreed", "version": session.version + 5}, token=key)
    assert response.status_code == 409
    assert response.data["current_version"] == session.version
    assert (
        api.post(
            f"{url}/agenda/{item.pk + 99}/decision", {"decision": "agreed"}, token=key
        ).status_code
        == 404
    )
    assert api.request("DELETE", f"{url}/attendees/999999", token=key).status_code == 404
    assert written() == before
    response = api.post(decision, {"decision": "agreed"}, token=key)
    assert response.status_code == 200
    response = api.post(decision, {"decision": "rejected", "note": "Lagi"}, token=key)
    assert (response.status_code, response.data["code"]) == (400, "decided")


def test_an_item_is_taken_off_the_agenda(api, key):
    item = MuskelItemFactory()
    url = f"{BASE}/{item.session.pk}/agenda/{item.pk}/remove"
    before = written()
    response = api.post(url, {"reason": ""}, token=key)
    assert response.status_code == 400 and "reason" in response.data["errors"]
    assert written() == before
    response = api.post(url, {"reason": "Data belum lengkap."}, token=key)
    assert response.status_code == 200
    assert response.data["agenda"] == []
    item.request.refresh_from_db()
    assert item.request.state == RequestState.VERIFIED
    assert api.post(url, {"reason": "Lagi"}, token=key).status_code == 404


def test_a_change_read_before_someone_else_s_is_a_409(api, key, kelurahan):
    """Every change to a session takes the session's `version` as read: one read before another
    user's change is refused (409, the version now, a message to reload), nothing written; the
    same change with the version now is made."""
    item = MuskelItemFactory()
    session = item.session
    attendee = MuskelAttendeeFactory(session=session)
    waiting = _verified()
    url = f"{BASE}/{session.pk}"
    read = api.get(url, token=key).data["version"]
    other = api.post(
        f"{url}/attendees", {"name": "Yuliarni", "role": "rw", "version": read}, token=key
    )
    assert other.status_code == 201
    now = other.data["version"]
    assert now == read + 1
    calls = [
        ("POST", f"{url}/attendees", {"name": "Budi", "role": "rt"}),
        ("DELETE", f"{url}/attendees/{attendee.pk}", None),
        ("POST", f"{url}/agenda", {"request_id": waiting.pk}),
        ("POST", f"{url}/agenda/{item.pk}/remove", {"reason": "Belum lengkap."}),
        ("POST", f"{url}/agenda/{item.pk}/decision", {"decision": "agreed"}),
        ("POST", f"{url}/close", {"number": "01/BA/2026"}),
    ]
    before = written()
    for method, path, body in calls:
        if method == "DELETE":
            response = api.request(method, f"{path}?version={read}", token=key, headers=EN)
        else:
            response = api.request(
                method, path, data={**body, "version": read}, token=key, headers=EN
            )
        assert response.status_code == 409, (path, response.data)
        assert response.data["current_version"] == now
        assert response.data["detail"].startswith("Someone else changed this Muskel session")
        assert written() == before
    response = api.request("DELETE", f"{calls[1][1]}?version=0", token=key)
    assert response.status_code == 400 and "version" in response.data["errors"]
    response = api.request("DELETE", f"{calls[1][1]}?version={now}", token=key)
    assert response.status_code == 200
    assert response.data["version"] == now + 1
    assert not MuskelAttendee.objects.unscoped().filter(pk=attendee.pk).exists()
