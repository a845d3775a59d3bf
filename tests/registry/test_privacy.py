"""Masks that cannot be undone (docs/privacy.md). A NIK is region (6 digits) + date of birth (6,
the day +40 for a woman) + serial (4). Over a generated population, every page, list, download and
API answer that a role seeing masked numbers receives is searched for what would give a NIK away:
the number itself, its date digits, the date of birth in any form, an exact age. What is left (a
band of five years of age) leaves at least 1,826 dates, so at least 1,826 NIKs, even with the
kecamatan, the sex and the serial known."""

import csv
import datetime
import io
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from padu.accounts.capabilities import Cap, Role, capabilities_for
from padu.accounts.tokens import token_create
from padu.registry.disclosure import AGE_BAND_YEARS, age_band
from padu.registry.importer.services import import_local_file
from padu.registry.masks import mask_number
from padu.registry.models import Family, Person
from padu.synth.population import generate_population
from tests.factories import downloaded, make_user

pytestmark = pytest.mark.django_db

MASKED_ROLES = [r for r in Role if Cap.REGISTRY_VIEW in capabilities_for(r)]
MASKED_ROLES = [r for r in MASKED_ROLES if Cap.REGISTRY_VIEW_NIK not in capabilities_for(r)]


@pytest.fixture
def population(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    operator = make_user(Role.OPERATOR)
    path = tmp_path / "people.csv"
    generate_population(path, people=40, seed=21)
    assert import_local_file(actor=operator, path=path).error_rows == 0
    return list(Person.objects.unscoped().select_related("family").order_by("pk"))


def _date_forms(day: datetime.date) -> set[str]:
    """A date as a page, a file or an answer could write it."""
    forms = {day.isoformat(), day.strftime("%d-%m-%Y"), day.strftime("%d/%m/%Y")}
    for language in ("id", "en"):
        with translation.override(language):
            forms.add(formats.date_format(day, "DATE_FORMAT"))
            forms.add(formats.date_format(day, "SHORT_DATE_FORMAT"))
    return forms


def _received(role, people) -> str:
    """Everything the role receives about these people, as one text."""
    user = make_user(role)
    client = Client()
    client.force_login(user)
    parts = []
    families = {p.family_id for p in people}
    for person in people:
        parts.append(client.get(reverse("registry:person_detail", args=[person.pk])).content)
    for family in families:
        parts.append(client.get(reverse("registry:family_detail", args=[family])).content)
    for dwelling in {p.family.dwelling_id for p in people}:
        parts.append(client.get(reverse("registry:dwelling_detail", args=[dwelling])).content)
    for page in range(1, 4):
        parts.append(client.get(reverse("registry:person_list"), {"page": page}).content)
    if Cap.REGISTRY_EXPORT in capabilities_for(role):
        for name in ("registry:person_export", "registry:family_export"):
            parts.append(downloaded(client.get(reverse(name), {"format": "csv"})))
    if Cap.AUDIT_VIEW in capabilities_for(role):
        parts.append(client.get(reverse("core:audit")).content)
        parts.append(downloaded(client.get(reverse("core:audit_export"), {"format": "csv"})))
    if Cap.API_USE in capabilities_for(role):
        _token, key = token_create(actor=user, name="privacy")
        api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        parts.append(api.get("/api/v1/people", {"limit": 200}).content)
        parts.append(api.get("/api/v1/families", {"limit": 200}).content)
        for person in people:
            parts.append(api.get(f"/api/v1/people/{person.pk}").content)
        for family in families:
            parts.append(api.get(f"/api/v1/families/{family}").content)
    text = "\n".join(p.decode("utf-8", "replace") for p in parts)
    # The filters' choices (an age band "60 tahun ke atas") tell nothing of a person.
    return re.sub(r"<select.*?</select>", "", text, flags=re.S)


@pytest.mark.parametrize("role", MASKED_ROLES)
def test_no_nik_can_be_rebuilt_from_what_a_masked_role_receives(population, role):
    text = _received(role, population)
    today = timezone.localdate()
    for person in population:
        nik, kk = person.nik, person.family.kk_number
        assert nik not in text and kk not in text
        assert nik[6:12] not in text  # the date digits of the NIK
        leaked = [form for form in _date_forms(person.birth_date) if form in text]
        assert not leaked, (person.pk, leaked)
        # An age is only ever a band of five years.
        for match in re.finditer(r"(?<![–\d])(\d{1,3}) (tahun|years)\b", text):
            pytest.fail(f"an exact age is shown: {match.group()}")
        band_low = int(age_band(person.birth_date, today).split("–")[0])
        earliest = datetime.date(today.year - band_low - AGE_BAND_YEARS, today.month, 1)
        latest = datetime.date(today.year - band_low, today.month, 1)
        # The dates of birth the band leaves, each a NIK with the serial guessed.
        assert (latest - earliest).days >= 1000


def test_masks_differ_between_people_and_tell_nothing_of_the_digits(population):
    masks = {mask_number(p.nik) for p in population}
    assert len(masks) == len(population)
    for person in population:
        masked = mask_number(person.nik)
        assert masked[:4] == person.nik[:4] and not any(c.isdigit() for c in masked[4:])


@pytest.mark.parametrize("role", MASKED_ROLES)
def test_a_masked_role_cannot_search_or_sort_by_numbers(client, population, role):
    client.force_login(make_user(role))
    person = population[0]
    response = client.get(reverse("registry:person_list"), {"q": person.nik})
    assert person.name not in response.content.decode()
    assert "cannot search by them" in response.content.decode() or "tidak dapat mencari" in (
        response.content.decode()
    )
    by_nik = client.get(reverse("registry:person_list"), {"sort": "nik"}).content.decode()
    default = client.get(reverse("registry:person_list")).content.decode()
    names = [p.name for p in Person.objects.unscoped().order_by("nik")[:5]]
    assert by_nik == default or names[0] not in by_nik.split("<tbody>")[-1][:400]


def test_an_export_for_a_masked_role_gives_bands_not_dates(client, population):
    # A TKSK sees whole numbers on pages but exports them masked.
    client.force_login(make_user(Role.TKSK, scope="13.71"))
    text = downloaded(client.get(reverse("registry:person_export"), {"format": "csv"}))
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig").split("\n", 1)[1])))
    assert rows
    births = [r["tanggal_lahir"] for r in rows]
    assert all(re.fullmatch(r"\d+–\d+ (tahun|years)", b) for b in births), births[:3]
    niks = [r["nik"] for r in rows]
    assert all(re.fullmatch(r"\d{4}•{8}[A-Z]{4}", n) for n in niks), niks


def test_the_api_gives_a_masked_role_no_date_of_birth(population):
    user = make_user(Role.PIMPINAN)
    _token, key = token_create(actor=user, name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    person = population[0]
    data = json.loads(api.get(f"/api/v1/people/{person.pk}").content)
    assert data["birth_date"] is None and data["age_band"]
    listed = json.loads(api.get("/api/v1/people").content)["items"]
    assert all(item["birth_date"] is None for item in listed)
    assert Family.objects.unscoped().exists()
