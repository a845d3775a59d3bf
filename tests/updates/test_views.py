"""The change request pages: a new request entered in the registry's record forms (bad input:
the declaration's message in Indonesian, nothing written), the list with its filters and
download, a request's page with its diff, evidence and steps, and a transition from it."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from padu.accounts.capabilities import Role
from padu.registry.context import RecordContext
from padu.registry.declarations import FAMILY
from padu.registry.forms import FamilyForm, PersonForm
from padu.updates.codes import RequestKind, RequestState
from padu.updates.models import ChangeRequest, RequestEvidence
from tests.factories import (
    JPEG_BYTES,
    KEL_A,
    KEL_B,
    ChangeRequestFactory,
    FamilyFactory,
    PersonFactory,
    RequestEvidenceFactory,
    downloaded,
    make_user,
)
from tests.registry.test_services import family, person

pytestmark = pytest.mark.django_db

NEW = reverse("updates:request_new")


def prefixed(prefix: str, values: dict) -> dict:
    return {f"{prefix}-{k}": v for k, v in values.items() if v is not None}


def form_values(form_class, data, **kwargs) -> dict:
    initial = form_class.initial_from_data(data)
    return {k: ("on" if v is True else v) for k, v in initial.items() if v not in (None, False)}


@pytest.fixture
def psm_client(client):
    user = make_user(Role.PSM, scope=KEL_A)
    client.force_login(user)
    client.user = user
    return client


def test_a_psm_proposes_a_new_family_on_the_form(psm_client):
    data = {
        **prefixed("family", form_values(FamilyForm, family())),
        **prefixed("head", form_values(PersonForm, person())),
        "notes": "Usulan RT 02",
        "evidence": [SimpleUploadedFile("rumah.jpg", JPEG_BYTES, "image/jpeg")],
        "submit": "on",
    }
    response = psm_client.post(f"{NEW}?kind={RequestKind.NEW_FAMILY}", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    created = ChangeRequest.objects.unscoped().get()
    assert response.url == reverse("updates:request_detail", args=[created.pk])
    assert created.state == RequestState.SUBMITTED
    assert created.payload["members"][0]["name"] == "Budi Santoso"
    assert created.evidence.count() == 1


def test_a_change_on_the_form_keeps_only_what_changed(psm_client):
    fam = FamilyFactory(rt="002")
    current = FamilyForm.initial_from_instance(fam)
    data = prefixed("changes", {**{k: v for k, v in current.items() if v not in (None, False)}})
    data["changes-rt"] = "9"
    response = psm_client.post(f"{NEW}?kind={RequestKind.CHANGE}&family={fam.pk}", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    created = ChangeRequest.objects.unscoped().get()
    assert created.payload == {"changes": {"rt": "009"}}
    assert created.before == {"rt": "002"}


def test_a_bad_value_on_the_form_is_refused_in_indonesian(psm_client):
    fam = FamilyFactory()
    current = FamilyForm.initial_from_instance(fam)
    data = prefixed("changes", {k: v for k, v in current.items() if v not in (None, False)})
    data["changes-rt"] = "ab"
    with translation.override("id"):
        response = psm_client.post(
            f"{NEW}?kind={RequestKind.CHANGE}&family={fam.pk}", data, HTTP_ACCEPT_LANGUAGE="id"
        )
    assert response.status_code == 400
    with translation.override("id"):
        expected = FAMILY.clean({"rt": "ab"}, RecordContext(None), only=["rt"]).errors["rt"]
    assert escape(expected[0]) in response.content.decode()
    assert ChangeRequest.objects.unscoped().count() == 0


def test_evidence_of_the_wrong_type_is_refused_on_the_form(psm_client):
    fam = FamilyFactory()
    data = {
        "removal_reason": "pindah",
        "evidence": [SimpleUploadedFile("virus.exe", b"MZ" + b"\0" * 10, "image/jpeg")],
    }
    response = psm_client.post(f"{NEW}?kind={RequestKind.REMOVAL}&family={fam.pk}", data)
    assert response.status_code == 400
    assert "virus.exe" in response.content.decode()
    assert ChangeRequest.objects.unscoped().count() == 0
    assert RequestEvidence.objects.unscoped().count() == 0


def test_the_list_filters_and_downloads_only_the_area(psm_client):
    mine = ChangeRequestFactory(state=RequestState.VERIFIED)
    other_state = ChangeRequestFactory(state=RequestState.DRAFT)
    theirs = ChangeRequestFactory(family=FamilyFactory(region_id=KEL_B))
    url = reverse("updates:request_list")
    page = psm_client.get(url, {"state": RequestState.VERIFIED}).content.decode()
    assert mine.receipt in page
    assert other_state.receipt not in page and theirs.receipt not in page
    csv = downloaded(psm_client.get(reverse("updates:request_export"), {"format": "csv"}))
    text = csv.decode("utf-8-sig")
    assert mine.receipt in text and other_state.receipt in text
    assert theirs.receipt not in text


def test_a_request_page_shows_the_diff_and_an_operator_approves_it(client):
    fam = FamilyFactory(rt="002")
    PersonFactory(family=fam)
    request = ChangeRequestFactory(
        family=fam,
        kind=RequestKind.CHANGE,
        removal_reason="",
        payload={"changes": {"rt": "009"}},
        before={"rt": "002"},
        state=RequestState.CHECKED,
    )
    operator = make_user(Role.OPERATOR)
    client.force_login(operator)
    page = client.get(reverse("updates:request_detail", args=[request.pk])).content.decode()
    assert "<del>002</del>" in page and "<ins>009</ins>" in page
    assert reverse("updates:request_step", args=[request.pk, "approve"]) in page
    response = client.post(
        reverse("updates:request_step", args=[request.pk, "approve"]),
        {"version": request.version, "reason": ""},
    )
    assert response.status_code == 302
    fam.refresh_from_db()
    assert fam.rt == "009"
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED


def test_a_reason_is_asked_for_on_the_page(client):
    request = ChangeRequestFactory(state=RequestState.CHECKED)
    client.force_login(make_user(Role.OPERATOR))
    response = client.post(
        reverse("updates:request_step", args=[request.pk, "reject"]),
        {"version": request.version, "reason": ""},
    )
    assert response.status_code == 400
    request.refresh_from_db()
    assert request.state == RequestState.CHECKED


def test_evidence_is_served_only_inside_the_area(client):
    evidence = RequestEvidenceFactory()
    url = reverse("updates:evidence_file", args=[evidence.pk])
    client.force_login(make_user(Role.PSM, scope=KEL_B))
    assert client.get(url).status_code == 404
    client.force_login(make_user(Role.PSM, scope=KEL_A))
    response = client.get(url)
    assert response.status_code == 200
    assert downloaded(response) == JPEG_BYTES


def test_the_home_page_shows_what_waits_for_the_user(client):
    ChangeRequestFactory(state=RequestState.CHECKED)
    ChangeRequestFactory(state=RequestState.CHECKED)
    ChangeRequestFactory(state=RequestState.DRAFT)  # someone's draft: not the operator's work
    client.force_login(make_user(Role.OPERATOR))
    page = client.get(reverse("core:home")).content.decode()
    checked = f"{reverse('updates:request_list')}?state={RequestState.CHECKED}"
    assert f'<a href="{checked}">' in page
    with translation.override("id"):
        label = str(RequestState.CHECKED.label)
    assert f"{label}</a>: 2" in page
    assert f"?state={RequestState.DRAFT}" not in page


@pytest.mark.parametrize(
    ("role", "state", "step", "where"),
    [
        (Role.TKSK, RequestState.SUBMITTED, "send_to_verification", "verification:task_assign"),
        (Role.KELURAHAN, RequestState.VERIFIED, "put_on_agenda", "muskel:list"),
        (Role.KELURAHAN, RequestState.ON_AGENDA, "agree", "muskel:detail"),
        (Role.PSM, RequestState.FIELD_VERIFICATION, "verify", "verification:task_detail"),
    ],
)
def test_steps_with_a_page_of_their_own_link_there_and_are_not_taken_bare(
    client, role, state, step, where
):
    """Sending to verification makes a PSM's task, verifying fills its checklist, a Muskel step
    is a session's agenda and decision: the request's page leads there, and its bare transition
    (which would skip the task or the session) is refused with a message saying where."""
    from tests.factories import MuskelItemFactory, VerificationTaskFactory

    request = ChangeRequestFactory(state=state)
    user = make_user(role, scope=KEL_A)
    args = {
        "verification:task_assign": lambda: [request.pk],
        "muskel:list": lambda: [],
        "muskel:detail": lambda: [MuskelItemFactory(request=request).session_id],
        "verification:task_detail": lambda: [
            VerificationTaskFactory(request=request, assignee=user).pk
        ],
    }[where]()
    client.force_login(user)
    page = client.get(reverse("updates:request_detail", args=[request.pk])).content.decode()
    assert f'href="{escape(reverse(where, args=args))}' in page
    step_url = reverse("updates:request_step", args=[request.pk, step])
    assert step_url not in page
    user.language = "en"
    user.save(update_fields=["language"])
    response = client.post(step_url, {"version": request.version, "reason": "x"})
    assert response.status_code == 302
    assert response["Location"] == reverse("updates:request_detail", args=[request.pk])
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    place = "in a Muskel session" if where.startswith("muskel") else "through field verification"
    label = {"put_on_agenda": "Put on the Muskel agenda", "agree": "Agreed in Muskel"}
    label.update(send_to_verification="Send to field verification", verify="Verified")
    assert message.startswith(f"“{label[step]}” is taken only {place}")
    request.refresh_from_db()
    assert (request.state, request.events.count()) == (state, 0)
