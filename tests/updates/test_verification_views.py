"""The field verification pages through the Django client: "Tugas saya", the area's list with
overdue tasks and each PSM's load (filter, download), a task's checklist (sent, refused with the
values kept), the assignment page, and the home page's work."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from padu.accounts.capabilities import Role
from padu.core.models import AuditEntry
from padu.updates.codes import MemberPresence, RequestState, TaskState
from padu.updates.models import ChangeRequest, VerificationTask
from tests.factories import (
    JPEG_BYTES,
    KEC_A,
    KEL_A,
    KEL_B,
    ChangeRequestFactory,
    FamilyFactory,
    PersonFactory,
    VerificationTaskFactory,
    downloaded,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def psm(client):
    user = make_user(Role.PSM, scope=KEL_A)
    return user


@pytest.fixture
def task(psm):
    family = FamilyFactory(region_id=KEL_A)
    PersonFactory(family=family)
    return VerificationTaskFactory(
        assignee=psm,
        request=ChangeRequestFactory(family=family, state=RequestState.FIELD_VERIFICATION),
    )


def test_my_tasks_lists_only_mine(client, psm, task):
    VerificationTaskFactory(region_id=KEL_A)  # another PSM's
    client.force_login(psm)
    response = client.get(reverse("verification:my_tasks"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [task]
    assert task.request.receipt in response.content.decode()


def test_the_task_page_shows_the_checklist_from_the_model(client, psm, task):
    client.force_login(psm)
    html = client.get(reverse("verification:task_detail", args=[task.pk])).content.decode()
    for name in ("found", "not_found_reason", "dukcapil_match", "well_off", "note"):
        assert f'name="{name}"' in html
    member = task.request.family.members.first()
    assert f'name="member_{member.pk}"' in html
    assert 'data-keep="padu-task-' in html
    assert "data-geolocate" in html


def _form(task, **overrides):
    member = task.request.family.members.first()
    return {
        "version": task.version,
        "found": "true",
        "dukcapil_match": "padan",
        f"member_{member.pk}": MemberPresence.LIVES_HERE,
        "note": "Ada di rumah.",
        "latitude": "-0.95",
        "longitude": "100.35",
        **overrides,
    }


def test_sending_the_checklist_verifies_the_request(client, psm, task):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(psm)
    data = _form(task, photos=SimpleUploadedFile("rumah.jpg", JPEG_BYTES, "image/jpeg"))
    response = client.post(reverse("verification:task_complete", args=[task.pk]), data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"?sent=padu-task-{task.pk}")
    task.refresh_from_db()
    assert task.state == TaskState.DONE
    assert ChangeRequest.objects.unscoped().get(pk=task.request_id).state == RequestState.VERIFIED
    page = client.get(response["Location"]).content.decode()
    assert f'data-keep-sent="padu-task-{task.pk}"' in page


def test_a_refused_checklist_shows_why_and_keeps_the_values(client, psm, task):
    client.force_login(psm)
    before = list(VerificationTask.objects.unscoped().values_list("state", "version"))
    response = client.post(
        reverse("verification:task_complete", args=[task.pk]),
        _form(task, note="Catatan yang diketik", latitude="999"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert gettext("Photos: add at least one photo.") in html
    assert len(response.context["errors"]) == 2  # the coordinates' too, at once
    assert "Catatan yang diketik" in html
    assert list(VerificationTask.objects.unscoped().values_list("state", "version")) == before


def test_an_htmx_refusal_swaps_the_form_with_200(client, psm, task):
    client.force_login(psm)
    response = client.post(
        reverse("verification:task_complete", args=[task.pk]),
        _form(task),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.templates[0].name == "updates/verification/partials/_checklist_form.html"


def test_an_htmx_send_leads_to_the_whole_my_tasks_page(client, psm, task):
    """Sent from the phone's form (htmx), the browser goes to "My tasks" as a page of its own:
    with the layout and the message, not the list's fragment swapped in place of the page."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(psm)
    response = client.post(
        reverse("verification:task_complete", args=[task.pk]),
        _form(task, photos=SimpleUploadedFile("rumah.jpg", JPEG_BYTES, "image/jpeg")),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{reverse('verification:my_tasks')}?sent=padu-task-{task.pk}"
    page = client.get(response["HX-Redirect"]).content.decode()
    assert gettext("The verification is recorded.") in page and 'id="site-nav"' in page


def test_a_new_family_s_task_says_where_to_go(client, psm):
    proposed = {"address": "Jl. Merdeka No. 7", "rt": "002", "rw": "004"}
    task = VerificationTaskFactory(
        assignee=psm,
        request=ChangeRequestFactory(
            family=None,
            region_id=KEL_A,
            kind="keluarga_baru",
            removal_reason="",
            payload={"family": proposed, "members": [{"name": "Rahmat Hidayat"}]},
            state=RequestState.FIELD_VERIFICATION,
        ),
    )
    client.force_login(psm)
    page = client.get(reverse("verification:task_detail", args=[task.pk])).content.decode()
    assert "Jl. Merdeka No. 7 RT 002 / RW 004" in page and "Rahmat Hidayat" in page


def test_a_task_outside_the_area_is_404(client, task):
    client.force_login(make_user(Role.PSM, scope=KEL_B))
    assert client.get(reverse("verification:task_detail", args=[task.pk])).status_code == 404


def test_the_tksk_sees_overdue_tasks_and_each_psms_load(client, clock, psm):
    today = timezone.localdate()
    late = VerificationTaskFactory(assignee=psm, due_on=today - datetime.timedelta(days=2))
    VerificationTaskFactory(assignee=psm, due_on=today + datetime.timedelta(days=5))
    tksk = make_user(Role.TKSK, scope=KEC_A)
    client.force_login(tksk)
    response = client.get(reverse("verification:task_list"), {"due": "overdue"})
    assert list(response.context["page"].object_list) == [late]
    assert response.context["load"] == [
        {"id": psm.pk, "name": psm.first_name, "open": 2, "overdue": 1}
    ]
    assert response.context["counts"] == {"open": 2, "overdue": 1, "due_soon": 0}
    home = client.get(reverse("core:home"))
    assert home.context["overdue_tasks"] == [late]


def test_the_download_holds_the_filtered_tasks_and_is_audited(client, psm, task):
    VerificationTaskFactory(assignee=psm, state=TaskState.DONE)
    client.force_login(make_user(Role.TKSK, scope=KEC_A))
    response = client.get(reverse("verification:task_export"), {"state": "open"})
    lines = downloaded(response).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2
    assert task.request.receipt in lines[1]
    assert AuditEntry.objects.filter(action="updates.task.exported").count() == 1


def test_the_tksk_assigns_a_waiting_request(client, psm):
    change = ChangeRequestFactory(family=FamilyFactory(region_id=KEL_A))
    client.force_login(make_user(Role.TKSK, scope=KEC_A))
    page = client.get(reverse("verification:task_list"))
    assert list(page.context["waiting"]) == [change]
    form = client.get(reverse("verification:task_assign", args=[change.pk]))
    assert (psm.pk, str(psm)) in form.context["form"].fields["assignee"].choices
    response = client.post(
        reverse("verification:task_assign", args=[change.pk]), {"assignee": "", "due_on": ""}
    )
    assert response.status_code == 400
    assert (
        gettext("Choose a PSM who works in the request's kelurahan.") in response.content.decode()
    )
    assert not VerificationTask.objects.unscoped().exists()
    response = client.post(
        reverse("verification:task_assign", args=[change.pk]), {"assignee": psm.pk}
    )
    assert response.status_code == 302
    assert VerificationTask.objects.unscoped().get().assignee == psm


def test_the_home_page_shows_a_psm_his_open_tasks(client, psm, task):
    VerificationTaskFactory(assignee=psm, state=TaskState.DONE)
    client.force_login(psm)
    response = client.get(reverse("core:home"))
    assert response.context["my_tasks"] == [task]
    assert reverse("verification:task_detail", args=[task.pk]) in response.content.decode()


def test_the_header_counts_unread_notifications(client, psm):
    from padu.notifications.services import notify

    params = {"receipt": "R", "kelurahan": "K", "due": "1 Mei 2026"}
    for _ in range(2):
        notify(recipient=psm, kind="task_due_soon", params=params)
    client.force_login(psm)
    response = client.get(reverse("core:home"))
    assert response.context["unread_count"] == 2
    assert 'class="badge">2<' in response.content.decode()
