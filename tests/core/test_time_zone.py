"""The deployment's time zone (`PADU_TIME_ZONE` → `TIME_ZONE`): a real IANA zone or no start, and
the days of the audit filter, the times of exports and dated file names follow it."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.test import override_settings

from padu.accounts.capabilities import Role
from padu.core.audit import audit_record
from padu.core.exports import cell, dated_filename
from padu.core.models import AuditEntry
from padu.settings import env_time_zone
from padu.web import selectors
from tests.factories import DAY_IN, make_user

ZONES = pytest.mark.parametrize("zone", list(DAY_IN))


class TestSetting:
    def test_default_is_jakarta_and_an_empty_value_counts_as_unset(self, monkeypatch):
        monkeypatch.delenv("PADU_TIME_ZONE", raising=False)
        assert env_time_zone("PADU_TIME_ZONE", "Asia/Jakarta") == "Asia/Jakarta"
        monkeypatch.setenv("PADU_TIME_ZONE", " ")
        assert env_time_zone("PADU_TIME_ZONE", "Asia/Jakarta") == "Asia/Jakarta"

    @pytest.mark.parametrize("zone", ["Asia/Makassar", "Asia/Jayapura", " Asia/Jayapura ", "UTC"])
    def test_takes_an_iana_zone(self, monkeypatch, zone):
        monkeypatch.setenv("PADU_TIME_ZONE", zone)
        assert env_time_zone("PADU_TIME_ZONE", "Asia/Jakarta") == zone.strip()

    @pytest.mark.parametrize(
        "value",
        ["WIT", "Asia/Jayapur", "asia/jakarta", "+07:00", "../../etc/passwd", "localtime"],
    )
    def test_refuses_anything_else_with_a_clear_message(self, monkeypatch, value):
        monkeypatch.setenv("PADU_TIME_ZONE", value)
        with pytest.raises(ImproperlyConfigured) as raised:
            env_time_zone("PADU_TIME_ZONE", "Asia/Jakarta")
        assert str(raised.value) == (
            f"PADU_TIME_ZONE={value!r} is not a time zone. Use an IANA time zone name: "
            "Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)."
        )

    def test_sets_djangos_time_zone_and_a_wrong_one_stops_the_start(self):
        def start(zone):
            env = {**os.environ, "PADU_TESTING": "1", "PADU_TIME_ZONE": zone}
            code = "import padu.settings as s; print(s.TIME_ZONE)"
            return subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
            )

        started = start("Asia/Jayapura")
        assert (started.returncode, started.stdout) == (0, "Asia/Jayapura\n")
        refused = start("Indonesia/Timur")
        assert refused.returncode != 0
        assert "ImproperlyConfigured: PADU_TIME_ZONE='Indonesia/Timur' is not a time zone" in (
            refused.stderr
        )


@ZONES
def test_the_audit_date_filter_takes_whole_local_days(db, clock, zone):
    admin = make_user(Role.ADMIN)
    with transaction.atomic():
        entry = audit_record(
            actor=admin, action="test.thing.changed", object_type="test.thing", object_id="1"
        )
    day = DAY_IN[zone]
    other_day = ({*DAY_IN.values()} - {day}).pop()

    def entries_of(on):
        filters = {"date_from": on, "date_to": on, "action": "test.thing"}
        return list(selectors.audit_list(user=admin, filters=filters))

    with override_settings(TIME_ZONE=zone):
        assert entries_of(day) == [entry]
        assert entries_of(other_day) == []


@ZONES
def test_exported_times_and_dated_file_names_are_local(clock, zone):
    with override_settings(TIME_ZONE=zone):
        local = cell(clock)
        name = dated_filename("audit")
    assert local.tzinfo is None
    assert local.date() == DAY_IN[zone]
    assert name == f"audit-{local:%Y%m%d-%H%M}"
    assert f"{local:%H:%M}" == {"Asia/Jakarta": "22:30", "Asia/Makassar": "23:30"}.get(
        zone, "00:30"
    )


def test_an_audit_entry_reads_in_local_time(db, clock):
    with transaction.atomic():
        entry = audit_record(
            actor=None, action="test.thing.changed", object_type="t", object_id="1"
        )
    with override_settings(TIME_ZONE="Asia/Jayapura"):
        assert str(entry) == "2026-02-01 00:30 test.thing.changed t:1"
    with override_settings(TIME_ZONE="Asia/Jakarta"):
        assert str(entry) == "2026-01-31 22:30 test.thing.changed t:1"
    assert AuditEntry.objects.get(pk=entry.pk).at == clock
