"""An import's changes show in the family's and the person's history as coming from that import."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from padu.accounts.capabilities import Role
from padu.registry.models import Family, ImportBatch, Person
from padu.synth.population import generate_population
from tests.factories import KOTA, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def _import_as(client, language: str, *paths) -> list[ImportBatch]:
    """Import the files with `padu import registry` as an operator of the city, who is then
    logged in; the batches in order."""
    operator = make_user(Role.OPERATOR, scope=KOTA, language=language, username="op_history")
    for path in paths:
        call_command("import", "registry", str(path), "--user", operator.username, verbosity=0)
    client.force_login(operator)
    return list(ImportBatch.objects.order_by("pk"))


def test_family_and_person_timelines_link_to_the_import(client, tmp_path, media):
    path = tmp_path / "populasi.csv"
    generate_population(path, people=12, seed=5)
    (batch,) = _import_as(client, "en", path)
    family = Family.objects.unscoped().order_by("pk").first()
    person = family.members.order_by("pk").first()
    detail = reverse("registry:import_detail", args=[batch.pk])

    for url in (
        reverse("registry:family_detail", args=[family.pk]),
        reverse("registry:person_detail", args=[person.pk]),
    ):
        page = client.get(url).content.decode()
        assert f'href="{detail}"' in page, url
        assert f"from import #{batch.pk}" in page, url


def test_a_later_import_shows_above_the_registration_and_both_name_their_import(
    client, tmp_path, media
):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    generate_population(first, people=12, seed=5)
    lines = first.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("nama")] = "Nama Baru Sekali"
    second.write_text("\n".join([lines[0], ",".join(row)]) + "\n", encoding="utf-8")
    registered, changed = _import_as(client, "en", first, second)
    person = Person.objects.unscoped().get(name="Nama Baru Sekali")
    assert (person.created_import_id, person.last_import_id) == (registered.pk, changed.pk)

    page = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert timeline.index(f"from import #{changed.pk}") < timeline.index("Member added")
    assert timeline.index("Member added") < timeline.index(f"from import #{registered.pk}")
    assert "Nama Baru Sekali" in timeline and f"Imported from a.csv (import #{registered.pk})" in (
        timeline
    )
    family = client.get(reverse("registry:family_detail", args=[person.family_id])).content
    assert b"Family registered" in family
    assert family.decode().count("Member added") == person.family.members.count()


def test_the_registration_reads_in_indonesian(client, tmp_path, media):
    path = tmp_path / "populasi.csv"
    generate_population(path, people=5, seed=8)
    (batch,) = _import_as(client, "id", path)
    person = Person.objects.unscoped().order_by("pk").first()
    page = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert f"Diimpor dari populasi.csv (impor #{batch.pk})." in page
    assert "Imported from" not in page
