"""Two staff on one Muskel session: every change to it (attendance, agenda, a decision, taking an
item off, closing) carries the session's version as read, and one read before someone else's
change is refused, with a message to reload, on the service, the page and the API alike;
nothing is written."""

import pytest
from django.urls import reverse
from django.utils import translation

from padu.accounts.capabilities import Role
from padu.core.errors import ConflictError
from padu.core.models import AuditEntry
from padu.updates.codes import RequestState
from padu.updates.models import ChangeRequest, MuskelAttendee, MuskelItem, MuskelSession
from padu.updates.muskel import services
from tests.factories import (
    KEL_A,
    ChangeRequestFactory,
    FamilyFactory,
    MuskelAttendeeFactory,
    MuskelItemFactory,
    PersonFactory,
    make_user,
)

pytestmark = pytest.mark.django_db

STALE = "Someone else changed this Muskel session after you opened it"


@pytest.fixture
def kelurahan():
    return make_user(Role.KELURAHAN, scope=KEL_A)


@pytest.fixture
def world(kelurahan):
    """A session with an attendee and an undecided item, a verified request waiting for it; the
    version a first user read, then a second user's change (an attendee) after it."""
    item = MuskelItemFactory()
    session = item.session
    attendee = MuskelAttendeeFactory(session=session)
    family = FamilyFactory(region_id=KEL_A)
    PersonFactory(family=family, region_id=KEL_A)
    waiting = ChangeRequestFactory(family=family, state=RequestState.VERIFIED)
    read = session.version
    services.muskel_attendee_add(
        actor=make_user(Role.KELURAHAN, scope=KEL_A),
        session=session,
        name="Yuliarni",
        role="rw",
        expected_version=read,
    )
    return {
        "session": session,
        "item": item,
        "attendee": attendee,
        "waiting": waiting,
        "read": read,
    }


def written():
    return (
        list(MuskelSession.objects.unscoped().values_list("pk", "version", "state", "number")),
        sorted(MuskelAttendee.objects.unscoped().values_list("pk", "name", "present")),
        sorted(MuskelItem.objects.unscoped().values_list("pk", "decision", "note")),
        sorted(ChangeRequest.objects.unscoped().values_list("pk", "state", "version")),
        AuditEntry.objects.count(),
    )


ACTIONS = {
    "attendee_add": lambda w, u, v: services.muskel_attendee_add(
        actor=u, session=w["session"], name="Budi", role="rt", expected_version=v
    ),
    "attendee_remove": lambda w, u, v: services.muskel_attendee_remove(
        actor=u, session=w["session"], attendee_id=w["attendee"].pk, expected_version=v
    ),
    "agenda_add": lambda w, u, v: services.muskel_agenda_add(
        actor=u, session=w["session"], request=w["waiting"], expected_version=v
    ),
    "agenda_remove": lambda w, u, v: services.muskel_agenda_remove(
        actor=u, item=w["item"], reason="Belum lengkap.", expected_version=v
    ),
    "decide": lambda w, u, v: services.muskel_decide(
        actor=u, item=w["item"], decision="agreed", expected_version=v
    ),
    "close": lambda w, u, v: services.muskel_close(
        actor=u, session=w["session"], number="01/BA/2026", expected_version=v
    ),
}


@pytest.mark.parametrize("action", ACTIONS)
def test_a_change_read_before_someone_else_s_is_refused(world, kelurahan, action):
    before = written()
    with translation.override("en"), pytest.raises(ConflictError) as info:
        ACTIONS[action](world, kelurahan, world["read"])
    assert str(info.value).startswith(STALE)
    assert info.value.current_version == world["read"] + 1
    assert written() == before


@pytest.mark.parametrize("action", [a for a in ACTIONS if a != "close"])
def test_with_the_version_as_it_is_now_the_change_is_made(world, kelurahan, action):
    """(Closing needs every item decided: the service's other checks, tested beside it.)"""
    session = world["session"]
    ACTIONS[action](world, kelurahan, world["read"] + 1)
    session.refresh_from_db()
    assert session.version == world["read"] + 2
    assert AuditEntry.objects.filter(action__startswith="updates.muskel.").count() == 2


def test_the_page_refuses_a_form_shown_before_someone_else_s_change(client, world, kelurahan):
    """The second user's decision, sent from a page shown before the first user's change: 400,
    the message above the page, which now shows the change; nothing written. Sent again (with
    the version the page now carries), it is recorded."""
    kelurahan.language = "en"
    kelurahan.save(update_fields=["language"])
    client.force_login(kelurahan)
    item = world["item"]
    url = reverse("muskel:action", args=[world["session"].pk])
    data = {"action": "decide", "item": item.pk, f"item-{item.pk}-decision": "agreed"}
    before = written()
    response = client.post(url, {**data, "version": world["read"]})
    assert response.status_code == 400
    page = response.content.decode()
    assert STALE in page
    assert "Yuliarni" in page  # the other user's change, shown
    assert f'name="version" value="{world["read"] + 1}"' in page
    assert written() == before
    for missing in ({}, {"version": "x"}, {"version": "0"}, {"version": "9" * 30}):
        response = client.post(url, {**data, **missing})
        assert response.status_code == 400
        assert "sent without the session&#x27;s version" in response.content.decode()
        assert written() == before
    response = client.post(url, {**data, "version": world["read"] + 1})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.decision == "agreed"


def test_every_form_of_the_session_page_carries_the_version(client, world, kelurahan):
    client.force_login(kelurahan)
    page = client.get(reverse("muskel:detail", args=[world["session"].pk])).content.decode()
    actions = page.count('name="action"')
    assert actions >= 6  # attendee, its removal (2), agenda, decision, taking off, closing
    assert page.count(f'name="version" value="{world["read"] + 1}"') == actions
