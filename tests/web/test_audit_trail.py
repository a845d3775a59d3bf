"""The audit trail's page: its filters and scoping, and its export."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from padu.accounts.capabilities import Role
from padu.core.audit import audit_record
from padu.core.errors import PermissionDeniedError
from padu.core.models import AuditEntry
from padu.web import selectors
from tests.factories import (
    KEC_A,
    KEC_B,
    KEL_A,
    KEL_B,
    KOTA,
    downloaded,
    make_audit_entry,
    make_user,
)

AUDIT = reverse("core:audit")
EXPORT = reverse("core:audit_export")


@pytest.fixture
def entries(db):
    """One entry in each kecamatan, one at city level and one without a region."""
    actor = make_user(Role.OPERATOR, username="operator_satu")
    return {
        "kec_a": make_audit_entry(
            actor=actor,
            action="registry.family.updated",
            object_type="registry.family",
            object_id="11",
            region_code=KEL_A,
        ),
        "kec_b": make_audit_entry(
            actor=actor,
            action="registry.family.updated",
            object_type="registry.family",
            object_id="12",
            region_code=KEL_B,
        ),
        "kota": make_audit_entry(
            action="accounts.user.updated",
            object_type="accounts.user",
            object_id="5",
            region_code=KOTA,
        ),
        "none": make_audit_entry(
            action="accounts.user.created", object_type="accounts.user", object_id="6"
        ),
    }


def visible(user, **filters) -> set[int]:
    return set(selectors.audit_list(user=user, filters=filters).values_list("pk", flat=True))


class TestScoping:
    def test_kecamatan_admin_sees_his_area_and_unregioned_entries_only(self, entries):
        admin = make_user(Role.ADMIN, scope=KEC_A)
        seen = visible(admin)
        assert entries["kec_a"].pk in seen
        assert entries["none"].pk in seen
        assert entries["kec_b"].pk not in seen
        assert entries["kota"].pk not in seen

    def test_city_admin_sees_everything_in_the_city(self, entries):
        admin = make_user(Role.ADMIN, scope=KOTA)
        assert {e.pk for e in entries.values()} <= visible(admin)

    def test_admin_without_scope_sees_nothing(self, entries):
        assert visible(make_user(Role.ADMIN, scope=[])) == set()

    @pytest.mark.parametrize("role", [Role.OPERATOR, Role.PIMPINAN, Role.PSM, Role.MITRA])
    def test_other_roles_are_refused(self, entries, role):
        with pytest.raises(PermissionDeniedError):
            selectors.audit_list(user=make_user(role), filters={})

    def test_page_of_kecamatan_admin_omits_other_regions(self, client, entries):
        client.force_login(make_user(Role.ADMIN, scope=KEC_B))
        shown = {e.pk for e in client.get(AUDIT).context["page"].object_list}
        assert entries["kec_b"].pk in shown
        assert entries["kec_a"].pk not in shown
        # Asking for the entry by its object id does not reveal it either.
        by_id = client.get(AUDIT, {"object_type": "registry.family", "object_id": "11"})
        assert list(by_id.context["page"].object_list) == []


class TestFilters:
    @pytest.fixture
    def admin(self, db):
        return make_user(Role.ADMIN, scope=KOTA, username="admin_kota", language="en")

    def test_action_prefix(self, admin, entries):
        assert visible(admin, action="registry.family") == {
            entries["kec_a"].pk,
            entries["kec_b"].pk,
        }
        assert visible(admin, action="accounts.user.created") >= {entries["none"].pk}
        assert entries["kota"].pk not in visible(admin, action="accounts.user.created")

    def test_actor_username(self, admin, entries):
        assert visible(admin, actor="OPERATOR_SATU") == {entries["kec_a"].pk, entries["kec_b"].pk}
        assert visible(admin, actor="nobody") == set()

    def test_object_type_and_id(self, admin, entries):
        assert visible(admin, object_type="registry.family", object_id="12") == {
            entries["kec_b"].pk
        }

    def test_date_range_in_local_days(self, admin, entries):
        today = timezone.localdate()
        yesterday = today - datetime.timedelta(days=1)
        # Move one entry to late yesterday evening, Jakarta time.
        late = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(23, 30)))
        AuditEntry.objects.filter(pk=entries["kec_a"].pk).update(at=late)
        assert entries["kec_a"].pk in visible(admin, date_from=yesterday, date_to=yesterday)
        assert entries["kec_b"].pk not in visible(admin, date_from=yesterday, date_to=yesterday)
        assert entries["kec_a"].pk not in visible(admin, date_from=today)
        assert entries["kec_b"].pk in visible(
            admin, date_from=today.isoformat(), date_to=today.isoformat()
        )

    def test_page_filter_form_and_readable_changes(self, client, admin):
        with transaction.atomic():
            audit_record(
                actor=admin,
                action="accounts.user.updated",
                object_type="accounts.user",
                object_id="77",
                before={"first_name": "Rina", "is_active": True},
                after={"first_name": "Rini", "is_active": False},
                reason="Salah ketik nama",
                source="web",
            )
        client.force_login(admin)
        response = client.get(AUDIT, {"action": "accounts.user.updated", "object_id": "77"})
        [entry] = response.context["page"].object_list
        assert [(c["field"], c["before"], c["after"]) for c in entry.changes] == [
            ("first name", "Rina", "Rini"),
            ("active", "yes", "no"),
        ]
        html = response.content.decode()
        assert "<del>Rina</del>" in html and "<ins>Rini</ins>" in html
        assert "Salah ketik nama" in html
        assert '<label for="id_action">' in html

    def test_invalid_dates_are_reported_not_applied(self, client, admin, entries):
        client.force_login(admin)
        response = client.get(AUDIT, {"date_from": "2025-13-45"})
        assert response.context["form"].errors["date_from"]
        response = client.get(AUDIT, {"date_from": "2025-06-02", "date_to": "2025-06-01"})
        assert response.context["form"].errors["date_to"]
        assert response.context["page"].paginator.count >= len(entries)

    def test_htmx_gets_rows_only(self, client, admin, entries):
        client.force_login(admin)
        response = client.get(AUDIT, {"action": "registry"}, HTTP_HX_REQUEST="true")
        assert response.templates[0].name == "web/partials/_audit_rows.html"
        assert 'id="audit-count" hx-swap-oob="innerHTML"' in response.content.decode()


class TestExport:
    def test_csv_export_is_filtered_scoped_and_audited(self, client, entries):
        admin = make_user(Role.ADMIN, scope=KEC_A, username="admin_kec_a")
        client.force_login(admin)
        response = client.get(EXPORT, {"action": "registry.family", "format": "csv"})
        assert response.status_code == 200
        body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
        rows = list(csv.reader(io.StringIO(body)))
        assert len(rows) == 2  # header + the kecamatan A entry; not B's
        assert rows[1][2].startswith("Mengubah data keluarga")  # what happened, in words
        assert rows[1][3:6] == ["registry.family.updated", "registry.family", "11"]
        logged = AuditEntry.objects.get(action="core.audit.exported")
        assert logged.actor == admin
        assert logged.region_code == KEC_A
        assert logged.after == {
            "format": "csv",
            "filters": {"action": "registry.family"},
            "rows": 1,
        }

    def test_export_does_not_contain_its_own_make_audit_entry(self, client, db):
        admin = make_user(Role.ADMIN, scope=KOTA)
        client.force_login(admin)
        first = b"".join(client.get(EXPORT, {"action": "core.audit"}).streaming_content).decode()
        assert first.count("core.audit.exported") == 0
        second = b"".join(client.get(EXPORT, {"action": "core.audit"}).streaming_content).decode()
        assert second.count("core.audit.exported") == 1

    def test_xlsx_export(self, client, entries):
        client.force_login(make_user(Role.ADMIN, scope=KOTA))
        response = client.get(EXPORT, {"object_type": "registry.family", "format": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(downloaded(response))).active
        rows = list(sheet.values)
        assert len(rows) == 3
        assert isinstance(rows[1][0], datetime.datetime)
        assert (
            AuditEntry.objects.filter(action="core.audit.exported", after__format="xlsx").count()
            == 1
        )


def test_audit_list_query_count_does_not_grow_with_rows(client, db, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = make_user(Role.ADMIN, scope=KOTA)
    actors = [make_user(Role.OPERATOR) for _ in range(5)]
    make_audit_entry(actor=actors[0], region_code=KEL_A, before={"a": 1}, after={"a": 2})
    client.force_login(admin)
    client.get(AUDIT)  # the first request after a login refreshes the session
    with CaptureQueriesContext(connection) as few:
        client.get(AUDIT)
    for n in range(40):
        make_audit_entry(
            actor=actors[n % 5], region_code=KEC_A, before={"a": n}, after={"a": n + 1}
        )
    # session, user, scopes, count, page with actors, the header's unread notifications
    with django_assert_max_num_queries(6) as many:
        response = client.get(AUDIT)
    assert len(response.context["page"].object_list) >= 41
    assert len(many) == len(few)
