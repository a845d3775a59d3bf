"""Browsing the region tree: each user sees his own subtrees, the path above them as breadcrumbs,
and counts from his own area only."""

import pytest
from django.urls import reverse

from padu.accounts.capabilities import Role
from tests.factories import (
    KEC_A,
    KEC_B,
    KEL_A,
    KEL_A2,
    KEL_B,
    KOTA,
    FamilyFactory,
    PersonFactory,
    make_user,
)

BROWSE = reverse("regions:browse")


def detail(code):
    return reverse("regions:detail", args=[code])


@pytest.fixture
def families(db):
    """Two families in kelurahan A (three people), one in A2, one in kecamatan B, one moved away."""
    a = FamilyFactory(region_id=KEL_A)
    PersonFactory(family=a)
    PersonFactory(family=a)
    PersonFactory(family=FamilyFactory(region_id=KEL_A))
    FamilyFactory(region_id=KEL_A2)
    PersonFactory(family=FamilyFactory(region_id=KEL_B))
    FamilyFactory(region_id=KEL_A, status="pindah")


def rows(response) -> dict[str, tuple]:
    return {
        r["region"].code: (r["villages"], r["families"], r["people"])
        for r in response.context["rows"]
    }


def test_single_scope_redirects_to_it(client, db):
    client.force_login(make_user(Role.TKSK, scope=KEC_A))
    response = client.get(BROWSE)
    assert response["Location"] == detail(KEC_A)


def test_several_scopes_are_listed(client, db):
    client.force_login(make_user(Role.PSM, scope=[KEL_A, KEL_B]))
    response = client.get(BROWSE)
    assert response.status_code == 200
    assert list(rows(response)) == [KEL_A, KEL_B]


def test_city_shows_kecamatan_with_kelurahan_family_and_people_counts(client, families):
    client.force_login(make_user(Role.OPERATOR, scope=KOTA))
    response = client.get(detail(KOTA))
    table = rows(response)
    assert len(table) == 11
    assert table[KEC_A] == (12, 3, 3)  # Padang Selatan has 12 kelurahan in the shipped data
    assert sum(v for v, _f, _p in table.values()) == 104
    assert table[KEC_B][1:] == (1, 1)
    assert response.context["totals"] == (4, 4)
    html = response.content.decode()
    assert f'<th scope="row"><a href="{detail(KEC_A)}">' in html


def test_tksk_at_the_city_page_sees_only_the_branch_to_his_kecamatan(client, families):
    client.force_login(make_user(Role.TKSK, scope=KEC_A))
    response = client.get(detail(KOTA))
    assert response.status_code == 200
    assert list(rows(response)) == [KEC_A]
    assert response.context["totals"] == (3, 3)  # B's family is not counted
    assert response.context["in_scope"] is False


def test_psm_sees_his_kelurahan_with_breadcrumbs(client, families):
    client.force_login(make_user(Role.PSM, scope=KEL_A))
    response = client.get(detail(KEL_A))
    assert response.status_code == 200
    assert [a.code for a in response.context["ancestors"]] == ["13", KOTA, KEC_A]
    assert response.context["totals"] == (2, 3)
    assert response.context["rows"] == []
    html = response.content.decode()
    assert '<span aria-current="page">' in html
    # His kecamatan page shows only his kelurahan.
    assert list(rows(client.get(detail(KEC_A)))) == [KEL_A]


@pytest.mark.parametrize("code", [KEL_B, KEC_B, KEL_A2, "13.72", "99.99", "13.71.01.9999"])
def test_regions_outside_the_area_are_404_like_missing_ones(client, db, code):
    client.force_login(make_user(Role.PSM, scope=KEL_A))
    assert client.get(detail(code)).status_code == 404


def test_mitra_may_not_browse(client, db):
    client.force_login(make_user(Role.MITRA))
    assert client.get(BROWSE).status_code == 403


def test_query_count_is_flat(client, families, django_assert_max_num_queries):
    client.force_login(make_user(Role.OPERATOR, scope=KOTA))
    client.get(detail(KOTA))  # the first request after a login refreshes the session
    # session, user, scopes, region, children, family counts, people counts, villages,
    # ancestors
    with django_assert_max_num_queries(10):
        client.get(detail(KOTA))


@pytest.mark.parametrize(
    ("role", "scope"),
    [(Role.OPERATOR, KOTA), (Role.TKSK, KEC_A), (Role.PSM, KEL_A), (Role.PSM, [KEL_A, KEL_B])],
)
def test_every_count_links_to_the_list_it_counts(client, families, role, scope):
    """Each count of families or people on a region's page (its rows and its totals) links to
    the family or person list filtered to the same region, which holds as many rows."""
    client.force_login(make_user(role, scope=scope))
    codes = [KOTA, KEC_A, KEC_B, KEL_A, KEL_A2, KEL_B]
    checked = 0
    for code in codes:
        response = client.get(detail(code))
        if response.status_code != 200:
            continue
        context = response.context
        counted = [(row["lists"], row["families"], row["people"]) for row in context["rows"]]
        if context["lists"]:
            counted.append((context["lists"], *context["totals"]))
        html = response.content.decode()
        for lists, families, people in counted:
            if lists is None:
                continue
            for url, count in ((lists["families"], families), (lists["people"], people)):
                assert f'href="{url.replace("&", "&amp;")}"' in html
                listed = client.get(url)
                assert listed.status_code == 200
                assert listed.context["page"].paginator.count == count, (code, url)
                checked += 1
    assert checked >= 2
