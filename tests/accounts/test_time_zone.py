"""A user's region scopes start and end on the office's days, and a token's expiry day is told in
the office's time zone (`PADU_TIME_ZONE`)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from padu.accounts.capabilities import Role
from padu.accounts.models import RegionScope, User
from tests.factories import DAY_IN, KEC_A, make_user

pytestmark = pytest.mark.django_db
ZONES = pytest.mark.parametrize("zone", list(DAY_IN))


@ZONES
def test_a_scope_ending_on_31_january_ends_with_the_local_day(clock, zone):
    psm = make_user(Role.PSM, scope=[])
    RegionScope.objects.create(
        user=psm, region_id=KEC_A, valid_from="2026-01-01", valid_until="2026-01-31"
    )
    with override_settings(TIME_ZONE=zone):
        codes = User.objects.get(pk=psm.pk).scope_codes()
    assert codes == ([KEC_A] if DAY_IN[zone].month == 1 else [])


@ZONES
def test_a_new_scope_starts_today_in_the_office(clock, zone):
    psm = make_user(Role.PSM, scope=[])
    with override_settings(TIME_ZONE=zone):
        scope = RegionScope.objects.create(user=psm, region_id=KEC_A)
    assert scope.valid_from == DAY_IN[zone]


@ZONES
def test_the_token_command_tells_the_local_expiry_day(clock, zone):
    psm = make_user(Role.PSM)
    err = io.StringIO()
    with override_settings(TIME_ZONE=zone):
        call_command(
            "token", "create", psm.username, "--name", "etl", "--days", "1", stdout=io.StringIO(),
            stderr=err,
        )  # fmt: skip
    expires = DAY_IN[zone] + datetime.timedelta(days=1)
    assert f"expires {expires:%Y-%m-%d};" in err.getvalue()
