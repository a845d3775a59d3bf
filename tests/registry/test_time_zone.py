"""The registry's days follow the office's time zone (`PADU_TIME_ZONE`): the month folder of a
stored import file, the upload day an import list filters on, and a person's age today."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from padu.accounts.capabilities import Role
from padu.registry import selectors
from padu.registry.importer.services import import_submit
from padu.registry.models import ImportBatch
from padu.synth.population import generate_population
from tests.factories import DAY_IN, KOTA, PersonFactory, make_user

pytestmark = pytest.mark.django_db
ZONES = pytest.mark.parametrize("zone", list(DAY_IN))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def operator(clock, client):
    """(After `clock`: the scope starts on the stopped clock's day.)"""
    user = make_user(Role.OPERATOR, scope=KOTA, language="en")
    client.force_login(user)
    return user


@ZONES
def test_an_import_file_is_stored_under_the_local_month(tmp_path, media, operator, zone):
    path = tmp_path / "populasi.csv"
    generate_population(path, people=3, seed=1)
    with override_settings(TIME_ZONE=zone), path.open("rb") as upload:
        batch = import_submit(actor=operator, upload=upload, file_name="populasi.csv")
    month = DAY_IN[zone]
    assert batch.stored_path.startswith(str(media / "imports" / f"{month:%Y}" / f"{month:%m}"))


@ZONES
def test_the_import_list_filters_on_the_local_upload_day(clock, client, operator, zone):
    batch = ImportBatch.objects.create(
        created_by=operator, region_id=KOTA, file_name="dtsen.csv", file_sha256="a" * 64
    )
    assert batch.created_at == clock
    day = DAY_IN[zone]
    other_day = ({*DAY_IN.values()} - {day}).pop()
    url = reverse("registry:import_list")
    with override_settings(TIME_ZONE=zone):
        on_the_day = client.get(url, {"date_from": day, "date_to": day}).content.decode()
        on_another_day = client.get(url, {"date_from": other_day, "date_to": other_day})
    assert "dtsen.csv" in on_the_day
    assert "dtsen.csv" not in on_another_day.content.decode()


@ZONES
def test_an_age_band_counts_the_age_on_the_local_day(clock, zone):
    """18 on 1 February 2026: an adult in Jayapura at 00:30 WIT, still 17 in Jakarta."""
    with override_settings(TIME_ZONE=zone):
        _after, born_by = selectors.age_band_range("18-59")
    assert born_by == DAY_IN[zone].replace(year=2008)


@ZONES
def test_the_person_list_shows_the_age_on_the_local_day(client, operator, zone):
    PersonFactory(birth_date=datetime.date(2008, 2, 1))
    with override_settings(TIME_ZONE=zone):
        page = client.get(reverse("registry:person_list")).content.decode()
    assert ("18 years" if DAY_IN[zone].month == 2 else "17 years") in page
