"""An import's changes show in the family's and the person's history as coming from that import."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from padu.accounts.capabilities import Role
from padu.registry.generator import generate_population
from padu.registry.models import Family, ImportBatch
from tests.factories import KOTA, make_user

pytestmark = pytest.mark.django_db


def test_family_and_person_timelines_link_to_the_import(client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "populasi.csv"
    generate_population(path, people=12, seed=5)
    operator = make_user(Role.OPERATOR, scope=KOTA, language="en", username="op_history")
    call_command("import", "registry", str(path), "--user", operator.username, verbosity=0)
    batch = ImportBatch.objects.get()
    client.force_login(operator)
    family = Family.objects.order_by("pk").first()
    person = family.members.order_by("pk").first()
    detail = reverse("registry:import_detail", args=[batch.pk])

    for url in (
        reverse("registry:family_detail", args=[family.pk]),
        reverse("registry:person_detail", args=[person.pk]),
    ):
        page = client.get(url).content.decode()
        assert f'href="{detail}"' in page, url
        assert f"from import #{batch.pk}" in page, url
