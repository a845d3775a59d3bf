"""The periods pages and API: closing and reopening from the pages with their confirmations,
refusals shown in Indonesian, the summary, and the registry as of a period (page, download, API)
inside the user's area only."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Role
from padu.core.models import AccessLog, AuditEntry
from padu.periods import months
from padu.periods.models import Period
from padu.registry.masks import mask_number
from tests.factories import KEL_A, KEL_B, KOTA, FamilyFactory, PersonFactory, make_user

from .test_services import back

pytestmark = pytest.mark.django_db

LIST = reverse("periods:list")
CLOSE = reverse("periods:close")


@pytest.fixture
def people():
    """Two families in KEL_A (one desil 1), one in KEL_B; a member each."""
    a1 = PersonFactory(family=FamilyFactory(region_id=KEL_A, desil=1))
    a2 = PersonFactory(family=FamilyFactory(region_id=KEL_A, desil=7))
    b = PersonFactory(family=FamilyFactory(region_id=KEL_B, desil=1))
    return a1, a2, b


def closed_by_page(client, month, django_capture_on_commit_callbacks):
    client.force_login(make_user(Role.OPERATOR, scope=KOTA))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CLOSE, {"month": months.text(month)})
    assert response.status_code == 302
    assert response["Location"] == reverse("periods:detail", args=[month])
    return Period.objects.get(pk=month)


def test_an_operator_closes_a_period_from_the_list_after_confirming(
    client, people, django_capture_on_commit_callbacks
):
    operator = make_user(Role.OPERATOR, scope=KOTA)
    client.force_login(operator)
    home = client.get(reverse("core:home")).content.decode()
    assert LIST in home
    page = client.get(LIST).content.decode()
    assert CLOSE in page
    confirm = client.get(CLOSE).content.decode()
    assert f'value="{months.text(months.current())}"' in confirm
    assert not Period.objects.exists()  # asking is not closing
    period = closed_by_page(client, back(1), django_capture_on_commit_callbacks)
    assert period.status == Period.Status.CLOSED
    detail = client.get(reverse("periods:detail", args=[back(1)])).content.decode()
    assert f"<strong>{Period.Status.CLOSED.label}</strong>" in detail
    listed = client.get(LIST).content.decode()
    assert months.label(back(1)) in listed


def test_a_future_month_is_refused_on_the_page_with_the_reason(client):
    client.force_login(make_user(Role.OPERATOR, scope=KOTA))
    future = months.text(months.following(months.current()))
    response = client.post(CLOSE, {"month": future})
    assert response.status_code == 400
    message = _(
        "Period %(period)s has not begun yet: a month can be closed from its first day."
    ) % {"period": future}
    assert escape(message) in response.content.decode()
    assert not Period.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="periods.").exists()


def test_only_an_admin_reopens_and_a_reason_is_needed(
    client, people, django_capture_on_commit_callbacks
):
    closed_by_page(client, back(1), django_capture_on_commit_callbacks)
    url = reverse("periods:reopen", args=[back(1)])
    assert client.post(url, {"reason": "salah"}).status_code == 403  # the operator
    admin = make_user(Role.ADMIN, scope=KOTA)
    client.force_login(admin)
    detail = client.get(reverse("periods:detail", args=[back(1)])).content.decode()
    assert url in detail
    assert client.get(url).status_code == 200
    empty = client.post(url, {"reason": " "})
    assert empty.status_code == 400
    assert Period.objects.get(pk=back(1)).status == Period.Status.CLOSED
    response = client.post(url, {"reason": "Hasil muskel belum masuk"})
    assert response.status_code == 302
    assert Period.objects.get(pk=back(1)).status == Period.Status.REOPENED
    assert AuditEntry.objects.get(action="periods.period.reopened").actor == admin
    # A reopened period cannot be read as of: its lists are missing.
    assert client.get(reverse("periods:families", args=[back(1)])).status_code == 404


def test_the_summary_and_the_lists_as_of_show_only_the_users_area(
    client, people, django_capture_on_commit_callbacks
):
    a1, a2, b = people
    closed_by_page(client, back(1), django_capture_on_commit_callbacks)
    kelurahan = make_user(Role.KELURAHAN, scope=KEL_A)
    client.force_login(kelurahan)
    detail = client.get(reverse("periods:detail", args=[back(1)]))
    summary = detail.context["summary"]
    assert summary["family"]["registered"] == 2
    assert summary["person"]["registered"] == 2
    listed = client.get(reverse("periods:families", args=[back(1)]))
    text = listed.content.decode()
    assert mask_number(a1.family.kk_number) in text
    assert mask_number(b.family.kk_number) not in text
    assert a1.family.kk_number not in text
    filtered = client.get(reverse("periods:families", args=[back(1)]), {"desil": "1"})
    assert [s.family_id for s in filtered.context["page"].object_list] == [a1.family_id]
    persons = client.get(reverse("periods:people", args=[back(1)])).content.decode()
    assert a2.name in persons and b.name not in persons
    assert AccessLog.objects.filter(user=kelurahan, purpose="person_as_of_list").exists()

    export = client.get(reverse("periods:families_export", args=[back(1)]), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 3  # the header and KEL_A's two families
    assert {r[0] for r in rows[1:]} == {
        mask_number(a1.family.kk_number),
        mask_number(a2.family.kk_number),
    }
    entry = AuditEntry.objects.get(action="periods.family.exported")
    assert entry.after["rows"] == 2


def test_the_api_lists_periods_and_answers_as_of_inside_the_area(
    client, people, django_capture_on_commit_callbacks
):
    from padu.accounts.tokens import token_create

    a1, _a2, b = people
    closed_by_page(client, back(1), django_capture_on_commit_callbacks)
    key = token_create(actor=make_user(Role.PSM, scope=KEL_A), name="HP PSM")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    listed = client.get("/api/v1/periods", **headers).json()
    assert listed[0]["month"] == months.text(back(1))
    assert (listed[0]["families_registered"], listed[0]["people_registered"]) == (2, 2)
    summary = client.get(f"/api/v1/periods/{months.text(back(1))}/summary", **headers).json()
    assert summary["first"] is True and summary["families"]["added"] == 2
    families = client.get(f"/api/v1/periods/{months.text(back(1))}/families", **headers).json()
    assert families["count"] == 2
    assert b.family_id not in {f["id"] for f in families["items"]}
    assert families["items"][0]["kk_number"] != a1.family.kk_number
    missing = client.get(f"/api/v1/periods/{months.text(back(2))}/families", **headers)
    assert missing.status_code == 404
    bad = client.get(f"/api/v1/periods/{months.text(back(1))}/families?desil=11", **headers)
    assert bad.status_code == 400
