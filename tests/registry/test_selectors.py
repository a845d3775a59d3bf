"""family_list / person_list: every filter, name and number search, sorting, counts, and scoping."""

import datetime

import pytest
from django.test import override_settings

from padu.accounts.capabilities import Role
from padu.registry import codes, selectors, services
from padu.registry.models import PPKSCategory
from padu.registry.selectors import family_list, list_count, person_list
from tests.factories import (
    KEC_A,
    KEL_A,
    KEL_A2,
    KEL_B,
    FamilyFactory,
    PersonFactory,
    make_user,
    today,
)

pytestmark = pytest.mark.django_db


def years_ago(years: int, days: int = 0) -> datetime.date:
    day = today()
    try:
        day = day.replace(year=day.year - years)
    except ValueError:
        day = day.replace(year=day.year - years, day=28)
    return day - datetime.timedelta(days=days)


def names(qs) -> list[str]:
    return [p.name for p in qs]


@pytest.fixture
def registry():
    """Three families in three kelurahan (two of them in kecamatan A), with varied members."""
    fam_a = FamilyFactory(region_id=KEL_A, desil=1)
    fam_a2 = FamilyFactory(region_id=KEL_A2, desil=5)
    fam_b = FamilyFactory(region_id=KEL_B, desil=None, status=codes.FamilyStatus.MOVED)
    people = {
        "yusuf": PersonFactory(family=fam_a, name="Muhammad Yusuf", birth_date=years_ago(40)),
        "siti": PersonFactory(
            family=fam_a,
            name="Siti Nurul Aini",
            sex=codes.Sex.FEMALE,
            relationship=codes.Relationship.SPOUSE,
            birth_date=years_ago(38),
            disability=["fisik"],
        ),
        "baby": PersonFactory(
            family=fam_a,
            name="Ahmad Fauzi",
            relationship=codes.Relationship.CHILD,
            birth_date=years_ago(2),
            disability=["intelektual", "sensorik"],
        ),
        "maruf": PersonFactory(
            family=fam_a2,
            name="Ma'ruf Hidayat",
            birth_date=years_ago(70),
            disability=["mental"],
            life_status=codes.LifeStatus.DECEASED,
        ),
        "rina": PersonFactory(
            family=fam_a2,
            name="Rina Yusuff",
            sex=codes.Sex.FEMALE,
            relationship=codes.Relationship.CHILD,
            birth_date=years_ago(17),
        ),
        "budi": PersonFactory(
            family=fam_b,
            name="Budi Santoso",
            sex=codes.Sex.FEMALE,
            birth_date=years_ago(60),
        ),
    }
    disabled = PPKSCategory.objects.get(code=9)
    people["siti"].ppks.add(disabled)
    people["maruf"].ppks.add(PPKSCategory.objects.get(code=8))
    return {"families": {"a": fam_a, "a2": fam_a2, "b": fam_b}, "people": people, "ppks": disabled}


@pytest.fixture
def operator():
    return make_user(Role.OPERATOR)


def people(user, **filters) -> set[str]:
    return set(names(person_list(user=user, filters=filters)))


def families(user, **filters) -> set[int]:
    return {f.pk for f in family_list(user=user, filters=filters)}


# --- person filters ------------------------------------------------------------------------


def test_no_filters_lists_everyone_in_the_area(registry, operator):
    assert len(people(operator)) == 6
    assert list_count(person_list(user=operator, filters={})) == 6


def test_region_filters(registry, operator):
    assert people(operator, kecamatan=KEC_A) == {
        "Muhammad Yusuf",
        "Siti Nurul Aini",
        "Ahmad Fauzi",
        "Ma'ruf Hidayat",
        "Rina Yusuff",
    }
    assert people(operator, kelurahan=KEL_A2) == {"Ma'ruf Hidayat", "Rina Yusuff"}
    assert people(operator, kecamatan=KEC_A, kelurahan=KEL_B) == set()


@pytest.mark.parametrize(
    ("desil", "expected"),
    [
        ("1", {"Muhammad Yusuf", "Siti Nurul Aini", "Ahmad Fauzi"}),
        (5, {"Ma'ruf Hidayat", "Rina Yusuff"}),
        (
            "1-5",
            {"Muhammad Yusuf", "Siti Nurul Aini", "Ahmad Fauzi", "Ma'ruf Hidayat", "Rina Yusuff"},
        ),
        ((2, 4), set()),
        ("none", {"Budi Santoso"}),
    ],
)
def test_desil_filter(registry, operator, desil, expected):
    assert people(operator, desil=desil) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("any", {"Siti Nurul Aini", "Ahmad Fauzi", "Ma'ruf Hidayat"}),
        ("fisik", {"Siti Nurul Aini"}),
        ("intelektual", {"Ahmad Fauzi"}),
        ("mental", {"Ma'ruf Hidayat"}),
        ("sensorik", {"Ahmad Fauzi"}),
        ("ganda", {"Ahmad Fauzi"}),
    ],
)
def test_disability_filter(registry, operator, value, expected):
    assert people(operator, disability=value) == expected


def test_ppks_status_and_sex_filters(registry, operator):
    assert people(operator, ppks=registry["ppks"].pk) == {"Siti Nurul Aini"}
    assert people(operator, status=codes.LifeStatus.DECEASED) == {"Ma'ruf Hidayat"}
    assert people(operator, sex=codes.Sex.FEMALE) == {
        "Siti Nurul Aini",
        "Rina Yusuff",
        "Budi Santoso",
    }


@pytest.mark.parametrize(
    ("band", "expected"),
    [
        ("0-5", {"Ahmad Fauzi"}),
        ("6-17", {"Rina Yusuff"}),
        ("18-59", {"Muhammad Yusuf", "Siti Nurul Aini"}),
        ("60+", {"Ma'ruf Hidayat", "Budi Santoso"}),
    ],
)
def test_age_band_filter(registry, operator, band, expected):
    assert people(operator, age_band=band) == expected


def test_age_band_edges():
    day = datetime.date(2025, 3, 1)
    # 18 today: born 2007-03-01; still 17: born 2007-03-02.
    assert selectors.age_band_range("18-59", day) == (
        datetime.date(1965, 3, 1),
        datetime.date(2007, 3, 1),
    )
    assert selectors.age_band_range("60+", day) == (None, datetime.date(1965, 3, 1))
    leap = datetime.date(2024, 2, 29)
    assert selectors.age_band_range("0-5", leap) == (datetime.date(2018, 2, 28), leap)


def test_parse_desil():
    assert selectors.parse_desil("") is None
    assert selectors.parse_desil("none") == "none"
    assert selectors.parse_desil("3") == (3, 3)
    assert selectors.parse_desil("1-4") == (1, 4)
    for bad in ("0", "11", "5-2", "x", "1-2-3"):
        with pytest.raises(ValueError):
            selectors.parse_desil(bad)


def test_filters_combine(registry, operator):
    assert people(operator, kecamatan=KEC_A, desil="1", disability="any", sex=codes.Sex.MALE) == {
        "Ahmad Fauzi"
    }


# --- search ---------------------------------------------------------------------------------------


def test_nik_is_an_exact_lookup(registry, operator):
    siti = registry["people"]["siti"]
    assert people(operator, q=siti.nik) == {"Siti Nurul Aini"}
    spaced = f"{siti.nik[:6]} {siti.nik[6:12]} {siti.nik[12:]}"
    assert people(operator, q=spaced) == {"Siti Nurul Aini"}
    assert people(operator, q=siti.nik[:15] + "9") == set() or siti.nik.endswith("9")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("M. Yusuf", {"Muhammad Yusuf"}),
        ("muhamad yusuf", {"Muhammad Yusuf"}),
        ("Moh Yusuff", {"Muhammad Yusuf"}),
        ("yusuf", {"Muhammad Yusuf", "Rina Yusuff"}),
        ("Nur Aini", {"Siti Nurul Aini"}),
        ("Maruf", {"Ma'ruf Hidayat"}),
        ("SITI", {"Siti Nurul Aini"}),
    ],
)
def test_name_search_tolerates_spelling_variants(registry, operator, query, expected):
    assert people(operator, q=query) == expected


def test_name_search_without_letters_finds_nobody(registry, operator):
    assert people(operator, q=".,' -") == set()


def test_name_search_matches_word_beginnings(registry, operator):
    assert people(operator, q="Hid") == {"Ma'ruf Hidayat"}


def test_sqlite_and_postgresql_compare_a_query_of_several_words_with_the_whole_name(
    registry, operator
):
    # Both databases score by trigram similarity (pg_trgm, or registry.trigrams): two fragments
    # in another order are too far from the whole name, a whole name in another order is not.
    assert people(operator, q="yus rin") == set()
    assert people(operator, q="Yusuff Rina") == {"Rina Yusuff"}


# --- sorting --------------------------------------------------------------------------------------


def test_default_sort_is_by_name(registry, operator):
    assert names(person_list(user=operator, filters={}))[:2] == ["Ahmad Fauzi", "Budi Santoso"]


def test_sorts(registry, operator):
    by_age = names(person_list(user=operator, filters={"sort": "birth_date"}))
    assert by_age[0] == "Ma'ruf Hidayat" and by_age[-1] == "Ahmad Fauzi"
    by_desil = names(person_list(user=operator, filters={"sort": "-desil"}))
    assert by_desil[:2] == ["Rina Yusuff", "Ma'ruf Hidayat"]  # ties: name, reversed too
    assert by_desil[-1] == "Budi Santoso"  # no desil: last either way
    assert names(person_list(user=operator, filters={"sort": "desil"}))[-1] == "Budi Santoso"


def test_unknown_sort_falls_back_to_default(registry, operator):
    qs = person_list(user=operator, filters={"sort": "password"})
    assert names(qs) == names(person_list(user=operator, filters={}))


# --- families -------------------------------------------------------------------------------------


def test_family_filters(registry, operator):
    fams = registry["families"]
    assert families(operator) == {f.pk for f in fams.values()}
    assert families(operator, kecamatan=KEC_A) == {fams["a"].pk, fams["a2"].pk}
    assert families(operator, desil="none") == {fams["b"].pk}
    assert families(operator, status=codes.FamilyStatus.MOVED) == {fams["b"].pk}
    assert families(operator, disability="ganda") == {fams["a"].pk}
    assert families(operator, disability="mental") == {fams["a2"].pk}
    assert families(operator, ppks=registry["ppks"].pk) == {fams["a"].pk}
    # sex and age band are the head's
    assert families(operator, sex=codes.Sex.FEMALE) == {fams["b"].pk}
    assert families(operator, age_band="60+") == {fams["a2"].pk, fams["b"].pk}
    assert families(operator, age_band="0-5") == set()


def test_family_search_by_kk_member_nik_and_member_name(registry, operator):
    fams, ppl = registry["families"], registry["people"]
    assert families(operator, q=fams["a2"].kk_number) == {fams["a2"].pk}
    assert families(operator, q=ppl["baby"].nik) == {fams["a"].pk}
    assert families(operator, q="Rina Yusuf") == {fams["a2"].pk}
    assert families(operator, q="yusuf") == {fams["a"].pk, fams["a2"].pk}


def test_family_rows_carry_head_and_active_member_count(registry, operator):
    rows = {f.pk: f for f in family_list(user=operator, filters={})}
    fam_a, fam_a2 = rows[registry["families"]["a"].pk], rows[registry["families"]["a2"].pk]
    assert [p.name for p in fam_a.heads] == ["Muhammad Yusuf"]
    assert fam_a.member_count == 3
    assert fam_a2.member_count == 1  # Ma'ruf died
    assert fam_a.region.parent.code == KEC_A


def test_family_sorts(registry, operator):
    fams = registry["families"]
    assert [f.pk for f in family_list(user=operator, filters={"sort": "desil"})] == [
        fams["a"].pk,
        fams["a2"].pk,
        fams["b"].pk,
    ]
    assert [f.pk for f in family_list(user=operator, filters={"sort": "-kelurahan"})] == [
        fams["b"].pk,
        fams["a2"].pk,
        fams["a"].pk,
    ]


# --- scoping --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "scope", "visible"),
    [
        (Role.OPERATOR, None, 6),
        (Role.PIMPINAN, None, 6),
        (Role.TKSK, KEC_A, 5),
        (Role.PSM, KEL_A, 3),
        (Role.KELURAHAN, KEL_A2, 2),
        (Role.PSM, [KEL_A2, KEL_B], 3),
        (Role.MITRA, None, 0),
        (Role.ADMIN, None, 6),
    ],
)
def test_lists_are_scoped_by_role_and_area(registry, role, scope, visible):
    user = make_user(role, scope=scope)
    assert list_count(person_list(user=user, filters={})) == visible
    assert len(people(user)) == visible


def test_psm_finds_nobody_of_another_kelurahan(registry):
    psm = make_user(Role.PSM, scope=KEL_A)
    budi = registry["people"]["budi"]
    rina = registry["people"]["rina"]
    assert people(psm, q=budi.nik) == set()
    assert people(psm, q=rina.nik) == set()
    assert people(psm, q="Budi Santoso") == set()
    assert people(psm, q="Rina Yusuff") == set()
    assert people(psm, q="yusuf") == {"Muhammad Yusuf"}
    assert people(psm, kelurahan=KEL_B) == set()
    assert list_count(person_list(user=psm, filters={"kecamatan": KEC_A})) == 3
    assert families(psm, q=registry["families"]["b"].kk_number) == set()
    assert families(psm, q=budi.nik) == set()
    assert families(psm, q="Rina") == set()
    assert families(psm) == {registry["families"]["a"].pk}


def test_inactive_user_sees_nothing(registry):
    user = make_user(Role.OPERATOR, is_active=False)
    assert people(user) == set()


# --- Trigram similarity (pg_trgm on PostgreSQL, registry.trigrams elsewhere) ---------------------


def test_trigram_search_tolerates_typos_and_ranks_by_similarity(registry, operator):
    assert people(operator, q="Muhamad Yusup") == {"Muhammad Yusuf"}
    assert people(operator, q="Budi Santosa") == {"Budi Santoso"}
    ranked = names(person_list(user=operator, filters={"q": "Rina Yusuf"}))
    assert ranked[0] == "Rina Yusuff"


def test_trigram_threshold_is_a_setting(registry, operator):
    # Two letters from Budi Santoso ("Santsa"): found by trigrams only; one slip ("Santosa"):
    # by trigrams and as a slip, whose score (SLIP_SCORE) the threshold cuts as well.
    with override_settings(PADU_NAME_SEARCH_THRESHOLD=0.95):
        assert people(operator, q="Budi Santsa") == set()
        assert people(operator, q="Budi Santosa") == set()
        assert people(operator, q="Budi Santoso") == {"Budi Santoso"}
    with override_settings(PADU_NAME_SEARCH_THRESHOLD=0.5):
        assert people(operator, q="Budi Santsa") == {"Budi Santoso"}
        assert people(operator, q="Budi Santosa") == {"Budi Santoso"}


def test_trigram_search_is_scoped(registry):
    psm = make_user(Role.PSM, scope=KEL_A)
    assert people(psm, q="Budi Santosa") == set()
    assert people(psm, q="Rina Yusup") == set()


def test_a_misspelt_name_with_a_common_word_finds_the_person_first(registry, operator):
    family = registry["families"]["a2"]
    for name in ("Muhammad Rizky", "Muhammad Hafiz", "Muhammad Hu", "Muhammad Rizal", "Muhammad"):
        PersonFactory(family=family, name=name)
    assert names(person_list(user=operator, filters={"q": "Muhamad Rizki"}))[0] == "Muhammad Rizky"
    # A typo in the short other word still puts the person before the names that share only
    # the common word.
    found = names(person_list(user=operator, filters={"q": "Muhamad Hifiz"}))
    assert found[0] == "Muhammad Hafiz"
    ranked = family_list(user=operator, filters={"q": "Muhamad Hifiz"})
    assert [f.pk for f in ranked] == [family.pk]


@pytest.mark.postgres
def test_name_search_keeps_its_thresholds_after_a_rollback(registry, operator):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        assert people(operator, q="Budi Santosa") == {"Budi Santoso"}
        raise RuntimeError
    with override_settings(PADU_NAME_SEARCH_THRESHOLD=0.95):
        assert people(operator, q="Budi Santosa") == set()
    assert people(operator, q="Budi Santosa") == {"Budi Santoso"}


def test_name_search_goes_through_the_registered_keys(registry, operator):
    from padu.registry.models import NameKey

    person = PersonFactory(family=registry["families"]["a2"], name="Zulfikar Anwar")
    assert NameKey.objects.filter(key=person.name_key).exists()
    assert people(operator, q="Zulfikar Anwat") == {"Zulfikar Anwar"}
    # Renamed (by the service): the old key stays (it finds nobody), the new one is registered.
    services.person_update(
        actor=operator,
        person=person,
        expected_version=person.version,
        data={"name": "Bambang Sutrisno"},
        confirm_warnings=True,
    )
    assert people(operator, q="Zulfikar Anwat") == set()
    assert people(operator, q="Bambang Sutrisna") == {"Bambang Sutrisno"}


def test_a_query_like_more_names_than_the_limit_takes_the_most_alike(registry, operator):
    family = registry["families"]["a2"]
    for name in ("Rahmat", "Rahmah Putri", "Rahmawati"):
        PersonFactory(family=family, name=name)
    with override_settings(PADU_NAME_SEARCH_MAX_KEYS=1):
        assert names(person_list(user=operator, filters={"q": "Rahmat"})) == ["Rahmat"]
    assert "Rahmat" in names(person_list(user=operator, filters={"q": "Rahmat"}))
