"""The people on region codes a newer decree ended: listed for re-coding to whoever edits the
registry, inside his own area only."""

import datetime

import pytest
from django.urls import reverse

from padu.accounts.capabilities import Role
from padu.regions.models import Region
from padu.regions.services import regions_load
from padu.registry.selectors.recoding import ended_regions_in_use, people_on_ended_regions
from tests.factories import (
    KEC_A,
    KEC_B,
    KEL_A,
    KEL_A2,
    KEL_B,
    FamilyFactory,
    PersonFactory,
    make_user,
)

DECREE = "Kepmendagri 100.1.1-9999/2026"


def end_village(code: str) -> None:
    """A newer decree lists the village's kecamatan without it."""
    kecamatan = code.rsplit(".", 1)[0]
    rows = ["kode,nama,level,kode_induk,kode_pos"]
    listed = Region.objects.filter(code=kecamatan) | Region.objects.filter(parent_id=kecamatan)
    for r in listed.exclude(code=code):
        rows.append(f"{r.code},{r.name},{r.level},{r.parent_id},{r.postal_code}")
    report = regions_load(
        actor=None,
        data="\n".join(rows).encode(),
        decree=DECREE,
        valid_from=datetime.date(2026, 3, 1),
    )
    assert report.ok and (report.ended, report.updated) == (1, 0)


@pytest.fixture
def world(db):
    on_ended = PersonFactory(name="Siti Ended", family=FamilyFactory(region_id=KEL_A2))
    still_valid = PersonFactory(name="Budi Valid", family=FamilyFactory(region_id=KEL_A))
    elsewhere = PersonFactory(name="Rina Elsewhere", family=FamilyFactory(region_id=KEL_B))
    end_village(KEL_A2)
    end_village(KEL_B)
    return on_ended, still_valid, elsewhere


def test_people_on_ended_codes_are_listed_inside_the_users_area_only(world):
    on_ended, _still_valid, elsewhere = world
    city = make_user(Role.OPERATOR, scope="13.71")
    kec_a = make_user(Role.OPERATOR, scope=KEC_A)
    kec_b = make_user(Role.OPERATOR, scope=KEC_B)
    assert list(people_on_ended_regions(user=city)) == [on_ended, elsewhere]
    assert list(people_on_ended_regions(user=kec_a)) == [on_ended]
    assert list(people_on_ended_regions(user=kec_b)) == [elsewhere]
    rows = ended_regions_in_use(user=kec_a)
    assert [(r["region"].code, r["families"], r["people"]) for r in rows] == [(KEL_A2, 1, 1)]
    # Nothing was deleted: the ended village still holds its family.
    assert Region.objects.get(code=KEL_A2).ended_by.number == DECREE


def test_the_page_lists_them_for_an_operator_and_is_refused_to_a_psm(world, client):
    client.force_login(make_user(Role.OPERATOR, scope=KEC_A))
    response = client.get(reverse("regions:ended"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Siti Ended" in text and KEL_A2 in text and DECREE in text
    assert "Rina Elsewhere" not in text and "Budi Valid" not in text
    client.force_login(make_user(Role.PSM, scope=KEL_A))
    assert client.get(reverse("regions:ended")).status_code == 403


def test_the_region_browser_marks_an_ended_code_and_names_its_decree(world, client):
    client.force_login(make_user(Role.OPERATOR, scope="13.71"))
    kecamatan = client.get(reverse("regions:detail", args=[KEC_A])).content.decode()
    assert kecamatan.count('class="badge badge-warn"') == 1  # the one ended village
    village = client.get(reverse("regions:detail", args=[KEL_A2])).content.decode()
    assert f"28 Februari 2026 ({DECREE})" in village  # valid until the day before the decree
