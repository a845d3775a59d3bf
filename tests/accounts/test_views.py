"""User management pages: list with filters and htmx refresh, create, edit, deactivate, password
reset, and exports."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from padu.accounts.capabilities import Role
from padu.accounts.models import User
from padu.core.models import AuditEntry
from tests.factories import KEC_A, KEC_B, KEL_A, KEL_A2, KEL_B, downloaded, make_user

LIST = reverse("accounts:user_list")
STRONG = "Tanjung-Priok-2025"


@pytest.fixture
def admin(db):
    return make_user(Role.ADMIN, username="admin_kota", language="en")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def usernames(response) -> list[str]:
    return [u.username for u in response.context["page"].object_list]


class TestList:
    def test_lists_users_of_the_admins_area_only(self, client, db):
        kec_admin = make_user(Role.ADMIN, scope=KEC_A, username="admin_kec_a")
        make_user(Role.PSM, scope=KEL_A, username="psm_a")
        make_user(Role.PSM, scope=KEL_B, username="psm_b")
        make_user(Role.MITRA, username="mitra_x")
        client.force_login(kec_admin)
        response = client.get(LIST)
        assert response.status_code == 200
        assert usernames(response) == ["admin_kec_a", "mitra_x", "psm_a"]
        assert response.context["counts"] == {"total": 3, "active": 3, "inactive": 0}

    def test_filters_by_text_role_and_status(self, admin_client):
        make_user(Role.PSM, username="psm_rina", first_name="Rina")
        make_user(Role.PSM, username="psm_budi", first_name="Budi", is_active=False)
        make_user(Role.TKSK, username="tksk_rina", first_name="Rina")
        assert usernames(admin_client.get(LIST, {"q": "rina"})) == ["psm_rina", "tksk_rina"]
        assert usernames(admin_client.get(LIST, {"role": "psm"})) == ["psm_budi", "psm_rina"]
        assert usernames(admin_client.get(LIST, {"role": "psm", "active": "0"})) == ["psm_budi"]
        # An invalid filter value shows the error and does not filter.
        response = admin_client.get(LIST, {"role": "raja"})
        assert response.context["form"].errors["role"]
        assert len(usernames(response)) == 4

    def test_htmx_request_gets_only_the_rows_and_the_count(self, admin_client):
        make_user(Role.PSM, username="psm_rina", first_name="Rina")
        response = admin_client.get(LIST, {"q": "rina"}, HTTP_HX_REQUEST="true")
        assert response.templates[0].name == "accounts/partials/_user_rows.html"
        html = response.content.decode()
        assert "<html" not in html
        assert 'id="user-count" hx-swap-oob="innerHTML"' in html
        assert "psm_rina" in html
        assert response["Vary"].count("HX-Request") == 1

    def test_history_restore_gets_the_whole_page(self, admin_client):
        response = admin_client.get(
            LIST, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
        )
        assert "<html" in response.content.decode()

    def test_paginates_and_keeps_filters_in_page_links(self, admin_client):
        for n in range(55):
            make_user(Role.PSM, username=f"psm{n:02d}")
        first = admin_client.get(LIST, {"role": "psm"})
        assert first.context["page"].paginator.count == 55
        assert len(usernames(first)) == 50
        assert "?role=psm&amp;page=2" in first.content.decode()
        second = admin_client.get(LIST, {"role": "psm", "page": 2})
        assert usernames(second) == [f"psm{n:02d}" for n in range(50, 55)]

    def test_page_is_accessible_markup(self, admin_client):
        html = admin_client.get(LIST).content.decode()
        assert 'role="search"' in html
        assert '<label for="id_q">' in html
        assert 'id="user-count" role="status"' in html
        assert 'scope="col" role="columnheader"' in html
        assert 'aria-current="page"' in html  # the navigation marks the users page


class TestCreatePage:
    URL = reverse("accounts:user_create")

    def test_form_offers_only_the_admins_regions(self, client, db):
        kec_admin = make_user(Role.ADMIN, scope=KEC_A)
        client.force_login(kec_admin)
        response = client.get(self.URL)
        codes = {
            o["region"].code for g in response.context["form"].region_groups() for o in g["options"]
        }
        assert KEL_A in codes and KEC_A in codes
        assert KEL_B not in codes and KEC_B not in codes

    def test_creates_and_redirects_to_the_user(self, admin_client, admin):
        response = admin_client.post(
            self.URL,
            {
                "username": "psm_baru",
                "first_name": "Rina",
                "role": "psm",
                "regions": [KEL_A, KEL_A2],
                "password": STRONG,
            },
        )
        user = User.objects.get(username="psm_baru")
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
        assert sorted(user.scope_codes()) == [KEL_A, KEL_A2]
        assert AuditEntry.objects.filter(action="accounts.user.created", actor=admin).count() == 1

    def test_service_refusal_is_shown_on_the_field(self, admin_client):
        with translation.override("en"):
            response = admin_client.post(
                self.URL,
                {
                    "username": "tksk_baru",
                    "first_name": "Budi",
                    "role": "tksk",
                    "regions": [KEL_A],
                    "password": STRONG,
                },
            )
        assert response.status_code == 200
        form = response.context["form"]
        assert "can only be given" in form.errors["regions"][0]
        html = response.content.decode()
        assert 'id="id_regions_error"' in html
        assert 'aria-describedby="id_regions_helptext id_regions_error"' in html
        assert 'class="message message-error error-summary" role="alert"' in html
        assert not User.objects.filter(username="tksk_baru").exists()

    def test_weak_password_error_is_on_the_password_field(self, admin_client):
        response = admin_client.post(
            self.URL,
            {
                "username": "psm_baru",
                "first_name": "Rina",
                "role": "psm",
                "regions": [KEL_A],
                "password": "123",
            },
        )
        assert response.context["form"].errors["password"]
        assert not User.objects.filter(username="psm_baru").exists()


class TestDetailPage:
    def url(self, user):
        return reverse("accounts:user_detail", args=[user.pk])

    def test_shows_form_scopes_status_and_password_sections(self, admin_client):
        target = make_user(Role.PSM, scope=[KEL_A, KEL_A2], username="psm_rina")
        response = admin_client.get(self.url(target))
        assert response.status_code == 200
        html = response.content.decode()
        assert [s["scope"].region_id for s in response.context["scopes"]] == [KEL_A, KEL_A2]
        assert reverse("accounts:user_toggle_active", args=[target.pk]) in html
        assert reverse("accounts:user_reset_password", args=[target.pk]) in html
        assert 'name="active" value="0"' in html
        # Two forms on one page, no duplicate element ids.
        assert 'id="status_reason"' in html and 'id="newpw_password"' in html
        assert html.count('id="id_reason"') == 1

    def test_edit_saves_and_audits(self, admin_client):
        target = make_user(Role.PSM, scope=KEL_A, username="psm_rina", first_name="Rina")
        response = admin_client.post(
            self.url(target),
            {
                "first_name": "Rina Wati",
                "role": "psm",
                "regions": [KEL_A2],
                "reason": "Pindah kelurahan",
            },
        )
        assert response.status_code == 302
        target.refresh_from_db()
        assert target.first_name == "Rina Wati"
        assert target.username == "psm_rina"  # cannot be changed
        assert target.scope_codes() == [KEL_A2]
        entry = AuditEntry.objects.filter(action="accounts.user.updated").latest("id")
        assert entry.reason == "Pindah kelurahan"
        assert entry.after["regions"] == [KEL_A2]

    def test_username_cannot_be_changed_through_the_form(self, admin_client):
        target = make_user(Role.PSM, username="psm_rina", first_name="Rina")
        admin_client.post(
            self.url(target),
            {"username": "hacked", "first_name": "Rina", "role": "psm", "regions": [KEL_A]},
        )
        target.refresh_from_db()
        assert target.username == "psm_rina"

    def test_user_outside_the_area_is_404(self, client, db):
        kec_admin = make_user(Role.ADMIN, scope=KEC_A)
        other = make_user(Role.PSM, scope=KEL_B)
        client.force_login(kec_admin)
        assert client.get(self.url(other)).status_code == 404
        assert client.get(reverse("accounts:user_detail", args=[999999])).status_code == 404

    def test_user_also_working_elsewhere_is_shown_read_only(self, client, db):
        kec_admin = make_user(Role.ADMIN, scope=KEC_A, language="en")
        target = make_user(Role.PSM, scope=[KEL_A, KEL_B])
        client.force_login(kec_admin)
        response = client.get(self.url(target))
        assert response.status_code == 200
        assert response.context["can_change"] is False
        html = response.content.decode()
        assert "This user also works outside your area" in html
        assert 'name="active"' not in html and 'name="password"' not in html
        refused = client.post(
            reverse("accounts:user_reset_password", args=[target.pk]), {"password": STRONG}
        )
        assert refused.status_code == 200
        target.refresh_from_db()
        assert target.check_password("rahasia-padu-123")

    def test_deactivate_needs_reason_then_works(self, admin_client):
        target = make_user(Role.PSM, username="psm_rina")
        url = reverse("accounts:user_toggle_active", args=[target.pk])
        refused = admin_client.post(url, {"active": "0", "reason": ""})
        assert refused.status_code == 200
        assert refused.context["active_form"].errors["reason"]
        assert 'aria-describedby="status_reason_error"' in refused.content.decode()
        target.refresh_from_db()
        assert target.is_active

        done = admin_client.post(url, {"active": "0", "reason": "Pindah tugas"})
        assert done.status_code == 302
        target.refresh_from_db()
        assert not target.is_active
        # A double submit does not flip it back.
        admin_client.post(url, {"active": "0", "reason": "Pindah tugas"})
        target.refresh_from_db()
        assert not target.is_active
        assert (
            AuditEntry.objects.filter(
                action="accounts.user.deactivated", object_id=str(target.pk)
            ).count()
            == 1
        )

        admin_client.post(url, {"active": "1", "reason": ""})
        target.refresh_from_db()
        assert target.is_active

    def test_deactivated_user_is_logged_out_at_next_request(self, admin_client, client_factory):
        target = make_user(Role.PSM, username="psm_rina")
        field = client_factory()
        field.force_login(target, backend="django.contrib.auth.backends.ModelBackend")
        assert field.get(reverse("core:home")).status_code == 200
        admin_client.post(
            reverse("accounts:user_toggle_active", args=[target.pk]),
            {"active": "0", "reason": "Berhenti"},
        )
        assert field.get(reverse("core:home")).status_code == 302

    def test_cannot_deactivate_self_from_the_page(self, admin_client, admin):
        response = admin_client.get(self.url(admin))
        assert 'name="active"' not in response.content.decode()
        refused = admin_client.post(
            reverse("accounts:user_toggle_active", args=[admin.pk]),
            {"active": "0", "reason": "coba"},
        )
        assert refused.status_code == 200
        admin.refresh_from_db()
        assert admin.is_active

    def test_password_reset(self, admin_client):
        target = make_user(Role.PSM)
        url = reverse("accounts:user_reset_password", args=[target.pk])
        weak = admin_client.post(url, {"password": "123"})
        assert weak.status_code == 200
        assert weak.context["password_form"].errors["password"]
        assert (
            'aria-describedby="newpw_password_helptext newpw_password_error"'
            in weak.content.decode()
        )
        done = admin_client.post(url, {"password": STRONG})
        assert done.status_code == 302
        target.refresh_from_db()
        assert target.check_password(STRONG)


class TestExport:
    URL = reverse("accounts:user_export")

    def test_csv_has_the_filtered_users_and_is_audited(self, admin_client, admin):
        make_user(Role.PSM, scope=KEL_A, username="psm_rina", first_name="=HYPERLINK(1)")
        make_user(Role.TKSK, username="tksk_budi")
        response = admin_client.get(self.URL, {"role": "psm", "format": "csv"})
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="padu-pengguna-')
        body = b"".join(response.streaming_content).decode("utf-8")
        assert body.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
        assert len(rows) == 2
        assert rows[0][0] == "Username"
        assert rows[1][0] == "psm_rina"
        assert rows[1][1] == "'=HYPERLINK(1)"  # a formula never reaches the spreadsheet
        assert rows[1][4] == KEL_A
        entry = AuditEntry.objects.get(action="accounts.user.exported")
        assert entry.actor == admin
        assert entry.after == {"format": "csv", "filters": {"role": "psm"}, "rows": 1}

    def test_xlsx_opens_with_the_same_rows(self, admin_client):
        make_user(Role.PSM, username="psm_rina")
        response = admin_client.get(self.URL, {"format": "xlsx"})
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = openpyxl.load_workbook(io.BytesIO(downloaded(response))).active
        values = list(sheet.values)
        assert values[0][0] == "Username"
        assert sorted(v[0] for v in values[1:]) == ["admin_kota", "psm_rina"]


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


def test_user_list_query_count_does_not_grow_with_rows(admin_client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_user(Role.PSM, scope=[KEL_A, KEL_A2], username="psm_first")
    admin_client.get(LIST)  # the first request after a login refreshes the session
    with CaptureQueriesContext(connection) as few:
        admin_client.get(LIST)
    for n in range(30):
        make_user(Role.PSM, scope=[KEL_A, KEL_A2], username=f"psm{n:02d}")
    # session, user, the admin's scopes, count, counts by status, page, prefetched scopes with
    # their regions, the header's unread notifications.
    with django_assert_max_num_queries(8) as many:
        response = admin_client.get(LIST)
    assert len(response.context["page"].object_list) == 32
    assert len(many) == len(few)
