"""The audit trail's recording rules (`padu.core.audit`); its page and export are in
tests/web/test_audit_trail.py."""

import pytest
from django.db import transaction
from django.utils import timezone

from padu.accounts.capabilities import Role
from padu.core.audit import audit_record, diff, snapshot
from padu.core.models import AuditEntry
from tests.factories import KEL_A, make_audit_entry, make_user


class TestRecording:
    def test_refuses_to_run_outside_a_transaction(self, db, monkeypatch):
        """Each test runs inside a transaction, so the connection is made to report that it is not
        in one: exactly what a service that forgot its `transaction.atomic()` would look like."""
        from padu.core import audit

        class NoTransaction:
            in_atomic_block = False

        monkeypatch.setattr(audit.transaction, "get_connection", lambda using=None: NoTransaction())
        count = AuditEntry.objects.count()
        with pytest.raises(RuntimeError, match="inside the service's transaction"):
            audit_record(
                actor=None, action="test.thing.changed", object_type="test.thing", object_id="1"
            )
        monkeypatch.undo()
        assert AuditEntry.objects.count() == count

    def test_diff_keeps_only_changed_keys(self):
        before = {"name": "Rina", "role": "psm", "regions": ["13.71.01.1001"], "phone": ""}
        after = {"name": "Rina", "role": "tksk", "regions": ["13.71.01"], "email": "r@x.id"}
        assert diff(before, after) == (
            {"role": "psm", "regions": ["13.71.01.1001"], "phone": "", "email": None},
            {"role": "tksk", "regions": ["13.71.01"], "phone": None, "email": "r@x.id"},
        )
        assert diff({"a": 1}, {"a": 1}) == ({}, {})
        assert diff(None, {"a": 1}) == ({"a": None}, {"a": 1})

    def test_entry_keeps_only_changes_and_json_values(self, db):
        actor = make_user(Role.ADMIN)
        when = timezone.now()
        entry = make_audit_entry(
            actor=actor,
            obj=actor,
            object_type="",
            object_id="",
            before={"first_name": "Rina", "last_login": None, "is_active": True},
            after={"first_name": "Rini", "last_login": when, "is_active": True},
            reason="Salah ketik",
        )
        entry.refresh_from_db()
        assert entry.object_type == "accounts.user"
        assert entry.object_id == str(actor.pk)
        assert entry.before == {"first_name": "Rina", "last_login": None}
        assert entry.after == {"first_name": "Rini", "last_login": when.isoformat()}
        assert entry.actor == actor

    def test_rolled_back_write_leaves_no_entry(self, db):
        count = AuditEntry.objects.count()
        with pytest.raises(ValueError), transaction.atomic():
            audit_record(actor=None, action="test.thing.changed", object_type="t", object_id="1")
            raise ValueError("the service failed after recording")
        assert AuditEntry.objects.count() == count

    def test_snapshot_reads_foreign_keys_as_ids(self, db):
        from padu.accounts.models import RegionScope

        user = make_user(Role.PSM)
        scope = RegionScope.objects.get(user=user)
        assert snapshot(scope, ["user", "region", "valid_from"]) == {
            "user": user.pk,
            "region": KEL_A,
            "valid_from": scope.valid_from.isoformat(),
        }
