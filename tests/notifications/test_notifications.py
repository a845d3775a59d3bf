"""Notifications: `notify` (its parameters checked at the caller, idempotent with a key), the
sentence in the reader's language, the list with mark-read, a returned request telling its
proposer, and the unread count costing one query."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from padu.accounts.capabilities import Role
from padu.notifications.codes import SENTENCES, NotificationKind
from padu.notifications.models import Notification
from padu.notifications.selectors import unread_count
from padu.notifications.services import notify
from padu.updates.codes import RequestState
from padu.updates.services.transitions import request_transition
from tests.factories import KEL_A, ChangeRequestFactory, make_user

pytestmark = pytest.mark.django_db

PARAMS = {"receipt": "ABCDE23456", "kelurahan": "Belakang Pondok", "due": "1 Mei 2026"}


@pytest.fixture
def psm():
    return make_user(Role.PSM, scope=KEL_A)


def test_notify_writes_a_sentence_in_the_readers_language(psm):
    n = notify(recipient=psm, kind=NotificationKind.TASK_DUE_SOON, params=PARAMS, link="/tugas/")
    with translation.override("id"):
        assert n.text == str(SENTENCES[n.kind]) % PARAMS
        assert "ABCDE23456" in n.text
    with translation.override("en"):
        assert n.text == str(SENTENCES[NotificationKind.TASK_DUE_SOON]) % PARAMS


def test_a_missing_parameter_fails_at_the_caller(psm):
    with pytest.raises(KeyError):
        notify(recipient=psm, kind=NotificationKind.TASK_DUE_SOON, params={"receipt": "X"})
    with pytest.raises(ValueError):
        notify(recipient=psm, kind="nonsense", params=PARAMS)
    assert Notification.objects.count() == 0


def test_a_key_makes_it_idempotent(psm):
    assert notify(recipient=psm, kind="task_overdue", params=PARAMS, key="task:1:2026-05-01")
    assert (
        notify(recipient=psm, kind="task_overdue", params=PARAMS, key="task:1:2026-05-01") is None
    )
    assert Notification.objects.count() == 1


def test_an_inactive_user_is_not_notified(psm):
    psm.is_active = False
    assert notify(recipient=psm, kind="task_overdue", params=PARAMS) is None


def test_the_list_and_marking_read(client, psm):
    n = notify(recipient=psm, kind="task_overdue", params=PARAMS, link="/tugas/")
    other = notify(recipient=make_user(Role.PSM), kind="task_overdue", params=PARAMS)
    client.force_login(psm)
    page = client.get(reverse("notifications:list"))
    assert list(page.context["page"].object_list) == [n]
    assert client.post(reverse("notifications:open", args=[other.pk])).status_code == 404
    response = client.post(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == "/tugas/"
    n.refresh_from_db()
    other.refresh_from_db()
    assert n.read_at is not None and other.read_at is None
    assert list(client.get(reverse("notifications:list"), {"unread": "1"}).context["page"]) == []


def test_a_link_elsewhere_is_not_followed(client, psm):
    n = notify(recipient=psm, kind="task_overdue", params=PARAMS, link="https://evil.example/")
    client.force_login(psm)
    response = client.post(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_mark_all_read(client, psm):
    for _ in range(3):
        notify(recipient=psm, kind="task_overdue", params=PARAMS)
    client.force_login(psm)
    client.post(reverse("notifications:read_all"))
    assert unread_count(user=psm) == 0


def test_the_unread_count_is_one_query(psm):
    notify(recipient=psm, kind="task_overdue", params=PARAMS)
    with CaptureQueriesContext(connection) as queries:
        assert unread_count(user=psm) == 1
    assert len(queries) == 1


def test_a_returned_request_tells_its_proposer():
    proposer = make_user(Role.PSM, scope=KEL_A)
    change = ChangeRequestFactory(created_by=proposer, state=RequestState.CHECKED)
    operator = make_user(Role.OPERATOR)
    with transaction.atomic():
        request_transition(actor=operator, request=change, name="return", reason="KK salah")
    n = Notification.objects.get(recipient=proposer)
    assert n.kind == NotificationKind.REQUEST_RETURNED
    assert "KK salah" in n.text and change.receipt in n.text
