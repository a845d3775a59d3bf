"""The pages of who lives where (issue #11 point 1): a family moves to another dwelling, members
split off into a new KK, a member moves to another family, a new family registered into an
existing dwelling or a new one with its housing. Each page: the roles that may, those that may
not, outside the area, every refusal with its message and nothing written, the confirmation step
(nothing written before it), and the history afterwards."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap, Role, capabilities_for
from padu.core.models import AccessLog, AuditEntry
from padu.registry import codes
from padu.registry.masks import mask_number
from padu.registry.models import Dwelling, Family, Person
from tests.factories import (
    KEC_B,
    KEL_A,
    KEL_A2,
    FamilyFactory,
    PersonFactory,
    make_kk,
    make_nik,
    make_user,
)

pytestmark = pytest.mark.django_db
HEAD, SPOUSE, CHILD, CHILD_IN_LAW = (
    codes.Relationship.HEAD,
    codes.Relationship.SPOUSE,
    codes.Relationship.CHILD,
    codes.Relationship.CHILD_IN_LAW,
)
EDITORS = [r for r in Role if Cap.REGISTRY_EDIT in capabilities_for(r)]
NOT_EDITORS = [r for r in Role if Cap.REGISTRY_EDIT not in capabilities_for(r) and r != Role.MITRA]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def operator():
    return make_user(Role.OPERATOR, language="en", first_name="Rahmat")


@pytest.fixture
def logged_in(client, operator):
    client.force_login(operator)
    return client


def family_with_head(name: str, region=KEL_A) -> Family:
    family = FamilyFactory(region_id=region)
    head = PersonFactory(family=family, name=name)
    family.dwelling.head = head
    family.dwelling.save(update_fields=["head"])
    return family


@pytest.fixture
def parents():
    """A family with a married son and his wife living with the parents."""
    family = family_with_head("Bapak Syahrial")
    PersonFactory(family=family, name="Ibu Rosna", relationship=SPOUSE, sex=codes.Sex.FEMALE)
    son = PersonFactory(
        family=family, name="Rudi", relationship=CHILD, birth_date=datetime.date(2000, 1, 1)
    )
    wife = PersonFactory(
        family=family,
        name="Sari",
        relationship=CHILD_IN_LAW,
        sex=codes.Sex.FEMALE,
        birth_date=datetime.date(2001, 1, 1),
    )
    return family, son, wife


def fresh(obj):
    return type(obj).objects.unscoped().get(pk=obj.pk)


def written() -> tuple[int, ...]:
    """What a refused or unconfirmed transition must leave as it was."""
    return (
        Dwelling.objects.unscoped().count(),
        Family.objects.unscoped().count(),
        AuditEntry.objects.count(),
        *Person.objects.unscoped().order_by("pk").values_list("family_id", flat=True),
        *Family.objects.unscoped().order_by("pk").values_list("dwelling_id", flat=True),
    )


def last_message(response) -> str:
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def page_text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


URLS = {
    "registry:family_household": lambda family, person: family.pk,
    "registry:family_split": lambda family, person: family.pk,
    "registry:person_move_family": lambda family, person: person.pk,
}


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(URLS))
def test_only_editors_inside_their_area_open_the_pages(client, parents, name):
    family, son, _wife = parents
    url = reverse(name, args=[URLS[name](family, son)])
    for role in EDITORS:
        client.force_login(make_user(role, language="en"))
        assert client.get(url).status_code == 200, role
    before = written()
    for role in NOT_EDITORS:
        client.force_login(make_user(role, language="en"))
        assert client.get(url).status_code == 403, role
        assert client.post(url, {"reason": "x", "confirm": "1"}).status_code == 403, role
    outsider = make_user(Role.OPERATOR, scope=KEC_B, language="en")
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x", "confirm": "1"}).status_code == 404
    assert written() == before


def test_the_pages_are_linked_from_the_family_and_person_pages(client, operator, parents):
    family, son, _wife = parents
    head = family.members.get(relationship=HEAD)
    client.force_login(operator)
    html = page_text(client.get(reverse("registry:family_detail", args=[family.pk])))
    assert reverse("registry:family_split", args=[family.pk]) in html
    assert reverse("registry:family_household", args=[family.pk]) in html
    html = page_text(client.get(reverse("registry:person_detail", args=[son.pk])))
    assert reverse("registry:person_move_family", args=[son.pk]) in html
    # the head moves only after another member is made the head: no link for him
    html = page_text(client.get(reverse("registry:person_detail", args=[head.pk])))
    assert reverse("registry:person_move_family", args=[head.pk]) not in html
    reader = make_user(Role.PSM, language="en")
    client.force_login(reader)
    html = page_text(client.get(reverse("registry:family_detail", args=[family.pk])))
    assert reverse("registry:family_split", args=[family.pk]) not in html
    assert reverse("registry:family_household", args=[family.pk]) not in html
    html = page_text(client.get(reverse("registry:person_detail", args=[son.pk])))
    assert reverse("registry:person_move_family", args=[son.pk]) not in html


# --- a family moves to another dwelling ------------------------------------------------------


def test_a_family_moves_into_a_neighbours_dwelling_after_confirming(logged_in, parents):
    family, _son, _wife = parents
    neighbour = family_with_head("Yusri Amir")
    url = reverse("registry:family_household", args=[family.pk])
    nik = neighbour.members.get().nik
    before = written()
    data = {"where": "other", "reference": nik, "reason": "Kunjungan rumah"}
    html = page_text(logged_in.post(url, data))
    assert 'id="confirm"' in html and neighbour.dwelling.code in html
    assert mask_number(neighbour.kk_number) in html and neighbour.kk_number not in html
    assert written() == before, "the confirmation step wrote something"
    # "Change" goes back to the form with what was entered
    html = page_text(logged_in.post(url, {**data, "edit": "1"}))
    assert 'id="confirm"' not in html and f'value="{nik}"' in html
    response = logged_in.post(url, {**data, "confirm": "1"})
    assert response.status_code == 302
    assert fresh(family).dwelling_id == neighbour.dwelling_id
    assert last_message(response) == _("The family's move to another dwelling is recorded.")
    html = page_text(logged_in.get(reverse("registry:family_detail", args=[family.pk])))
    assert _("Moved to another dwelling") in html and "Kunjungan rumah" in html
    # and back into a dwelling of its own, by its ID
    response = logged_in.post(url, {"where": "own", "reason": "Rumah sendiri", "confirm": "1"})
    assert response.status_code == 302
    assert fresh(family).dwelling_id not in (neighbour.dwelling_id, family.dwelling_id)


@pytest.mark.parametrize(
    "case",
    [
        "no reason",
        "no reference",
        "unknown reference",
        "outside the area",
        "own dwelling",
        "other kelurahan",
    ],
)
def test_moving_a_family_refuses_with_a_message_and_writes_nothing(client, parents, case):
    family, _son, _wife = parents
    operator = make_user(Role.OPERATOR, scope=KEL_A, language="en")
    client.force_login(operator)
    elsewhere = family_with_head("Andi", region=KEL_A2)  # outside a kelurahan operator's area
    other_kel = family_with_head("Budi", region=KEL_A2)
    if case == "other kelurahan":
        client.force_login(make_user(Role.OPERATOR, language="en"))
    data, expected = {
        "no reason": (
            {"where": "own", "reason": ""},
            _("This field is required."),
        ),
        "no reference": (
            {"where": "other", "reference": "", "reason": "x"},
            _("Enter the dwelling's ID, a KK number or a member's NIK."),
        ),
        "unknown reference": (
            {"where": "other", "reference": "R-NOPE", "reason": "x"},
            _("No dwelling with this ID, KK number or NIK was found in your area."),
        ),
        "outside the area": (
            {"where": "other", "reference": elsewhere.kk_number, "reason": "x"},
            _("No dwelling with this ID, KK number or NIK was found in your area."),
        ),
        "own dwelling": (
            {"where": "own", "reason": "x"},
            _("This family already lives alone in its dwelling."),
        ),
        "other kelurahan": (
            {"where": "other", "reference": other_kel.dwelling.code, "reason": "x"},
            _(
                "Dwelling %(code)s is in another kelurahan: change the family's address "
                "first, or choose a dwelling in its kelurahan."
            )
            % {"code": other_kel.dwelling.code},
        ),
    }[case]
    before = written()
    response = client.post(
        reverse("registry:family_household", args=[family.pk]), {**data, "confirm": "1"}
    )
    html = page_text(response)
    assert expected.replace("'", "&#x27;") in html
    assert 'id="error-summary"' in html
    assert written() == before


# --- a split -------------------------------------------------------------------------------------


def split_data(son, wife, kk, **extra):
    return {
        "kk_number": kk,
        f"member_{son.pk}": str(HEAD),
        f"member_{wife.pk}": str(SPOUSE),
        "where": "same",
        "reason": "Menikah, KK baru terbit",
        **extra,
    }


def test_a_married_son_splits_off_after_confirming_and_the_history_shows_it(logged_in, parents):
    family, son, wife = parents
    url = reverse("registry:family_split", args=[family.pk])
    html = page_text(logged_in.get(url))
    # every member but the head, each with the KK codes of a relationship
    for name in ("Ibu Rosna", "Rudi", "Sari"):
        assert name in html
    assert f'name="member_{family.members.get(relationship=HEAD).pk}"' not in html
    assert html.count(f'<option value="{CHILD_IN_LAW}"') == 3
    kk = make_kk(KEL_A)
    before = written()
    html = page_text(logged_in.post(url, split_data(son, wife, kk)))
    assert 'id="confirm"' in html and kk in html
    assert "Rudi — " + _("Head of family") in html and "Sari — " + _("Wife/husband") in html
    assert written() == before
    response = logged_in.post(url, {**split_data(son, wife, kk), "confirm": "1"})
    assert response.status_code == 302
    new = Family.objects.unscoped().get(kk_number=kk)
    assert response.url == reverse("registry:family_detail", args=[new.pk])
    assert last_message(response) == _("The new family KK %(kk)s has been formed.") % {"kk": kk}
    assert new.dwelling_id == family.dwelling_id
    assert sorted(new.members.values_list("name", "relationship")) == [
        ("Rudi", HEAD),
        ("Sari", SPOUSE),
    ]
    html = page_text(logged_in.get(response.url))
    assert _("Family formed by a split") in html and "Menikah, KK baru terbit" in html
    html = page_text(logged_in.get(reverse("registry:family_detail", args=[family.pk])))
    assert _("Members left to form a new family") in html


def test_a_split_family_may_move_into_another_dwelling(logged_in, parents):
    family, son, wife = parents
    neighbour = family_with_head("Yusri Amir")
    kk = make_kk(KEL_A)
    data = split_data(son, wife, kk, where="other", reference=neighbour.dwelling.code)
    response = logged_in.post(
        reverse("registry:family_split", args=[family.pk]), {**data, "confirm": "1"}
    )
    assert response.status_code == 302
    assert Family.objects.unscoped().get(kk_number=kk).dwelling_id == neighbour.dwelling_id


@pytest.mark.parametrize(
    "case", ["bad kk", "kk taken", "nobody", "two heads", "no head", "no reason", "bad code"]
)
def test_a_split_refuses_with_a_message_and_writes_nothing(logged_in, parents, case):
    family, son, wife = parents
    kk = make_kk(KEL_A)
    data, expected = {
        "bad kk": ({"kk_number": "12345"}, "KK number must have exactly 16 digits"),
        "kk taken": (
            {"kk_number": family.kk_number},
            _("%(kk)s is already registered to a family (%(status)s) in %(kelurahan)s.")
            % {
                "kk": mask_number(family.kk_number),
                "status": family.get_status_display().lower(),
                "kelurahan": family.region.name,
            },
        ),
        "nobody": (
            {f"member_{son.pk}": "", f"member_{wife.pk}": ""},
            _("Members: choose who leaves to form the new family."),
        ),
        "two heads": (
            {f"member_{wife.pk}": str(HEAD)},
            _("Members: exactly one of them must be the head of the new family."),
        ),
        "no head": (
            {f"member_{son.pk}": str(CHILD)},
            _("Members: exactly one of them must be the head of the new family."),
        ),
        "no reason": ({"reason": ""}, _("This field is required.")),
        "bad code": ({f"member_{son.pk}": "99"}, "Select a valid choice."),
    }[case]
    before = written()
    html = page_text(
        logged_in.post(
            reverse("registry:family_split", args=[family.pk]),
            {**split_data(son, wife, kk), **data, "confirm": "1"},
        )
    )
    assert expected in html and 'id="error-summary"' in html
    assert written() == before


# --- a member moves to another family ------------------------------------------------------------


def test_a_family_numbered_past_a_thousand_is_offered_by_its_number(logged_in, parents):
    # The radio's value is the family's id as the form reads it: no thousands separator.
    _family, son, _wife = parents
    target = FamilyFactory(pk=123456)
    PersonFactory(family=target, name="Yusri Amir")
    url = reverse("registry:person_move_family", args=[son.pk])
    html = page_text(logged_in.get(url, {"q": "Yusri"}))
    assert 'name="family" value="123456"' in html


def test_a_member_moves_to_a_family_found_by_a_search(logged_in, parents):
    family, son, _wife = parents
    target = family_with_head("Yusri Amir")
    family_with_head("Yusri Amin", region=KEL_A2)  # another kelurahan: not offered
    url = reverse("registry:person_move_family", args=[son.pk])
    html = page_text(logged_in.get(url, {"q": "Yusri"}))
    assert f'name="family" value="{target.pk}"' in html and mask_number(target.kk_number) in html
    assert "Yusri Amin" not in html and target.kk_number not in html
    assert f'name="family" value="{family.pk}"' not in html  # his own family is not offered
    data = {"q": "Yusri", "family": target.pk, "relationship": CHILD_IN_LAW, "reason": "Menikah"}
    before = written()
    html = page_text(logged_in.post(url, data))
    assert 'id="confirm"' in html and "Yusri Amir" in html and _("Son/daughter-in-law") in html
    assert written() == before
    response = logged_in.post(url, {**data, "confirm": "1"})
    assert response.status_code == 302
    son = fresh(son)
    assert (son.family_id, son.relationship) == (target.pk, CHILD_IN_LAW)
    html = page_text(logged_in.get(reverse("registry:person_detail", args=[son.pk])))
    assert _("Moved to another family") in html and "Menikah" in html
    html = page_text(logged_in.get(reverse("registry:family_detail", args=[target.pk])))
    assert _("A member joined from another family") in html


@pytest.mark.parametrize("case", ["no family", "outside", "head", "no reason", "other kelurahan"])
def test_moving_a_member_refuses_with_a_message_and_writes_nothing(client, parents, case):
    _family, son, _wife = parents
    target = family_with_head("Yusri Amir")
    client.force_login(make_user(Role.OPERATOR, scope=KEL_A, language="en"))
    outside = family_with_head("Andi", region=KEL_A2)
    data = {"family": target.pk, "relationship": CHILD, "reason": "x"}
    choose = _("Choose the new family among the search results.")
    changes, expected = {
        "no family": ({"family": ""}, choose),
        "outside": ({"family": outside.pk}, choose),
        "head": (
            {"relationship": HEAD},
            _("Relationship: that family already has a head."),
        ),
        "no reason": ({"reason": ""}, _("This field is required.")),
        "other kelurahan": ({"family": outside.pk}, None),
    }[case]
    if case == "other kelurahan":
        client.force_login(make_user(Role.OPERATOR, language="en"))
        expected = _(
            "The families are in different kelurahan: record the move as leaving one and "
            "joining the other."
        )
    before = written()
    html = page_text(
        client.post(
            reverse("registry:person_move_family", args=[son.pk]),
            {**data, **changes, "confirm": "1"},
        )
    )
    assert expected in html and 'id="error-summary"' in html
    assert written() == before


# --- registering a family into a dwelling --------------------------------------------------------


def register_data(kk, head_nik, **dwelling):
    data = {
        "kk_number": kk,
        "region": KEL_A,
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "30",
        "members-0-nik": head_nik,
        "members-0-name": "Rudi Hartono",
        "members-0-sex": str(codes.Sex.MALE),
        "members-0-birth_place": "Padang",
        "members-0-birth_date": "2000-01-01",
        "members-0-relationship": str(HEAD),
        "members-0-marital_status": str(codes.MaritalStatus.MARRIED),
        "members-0-mother_name": "Rosna",
        "confirm_warnings": "1",
    }
    data.update({f"dwelling-{k}": v for k, v in dwelling.items()})
    return data


def head_nik() -> str:
    return make_nik(KEL_A, datetime.date(2000, 1, 1), codes.Sex.MALE)


def test_the_register_form_offers_the_housing_fields_of_the_declaration(logged_in):
    from padu.registry.declarations.dwelling import HOUSING_FIELDS

    html = page_text(logged_in.get(reverse("registry:family_create")))
    for name in HOUSING_FIELDS:
        assert f'name="dwelling-{name}"' in html, name
    assert 'name="dwelling-where"' in html and 'name="dwelling-reference"' in html


def test_a_new_family_gets_a_new_dwelling_with_its_housing(logged_in):
    kk = make_kk(KEL_A)
    response = logged_in.post(
        reverse("registry:family_create"),
        register_data(kk, head_nik(), where="own", floor_area="36", toilet="1", assets="televisi"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    family = Family.objects.unscoped().get(kk_number=kk)
    dwelling = family.dwelling
    assert (dwelling.floor_area, dwelling.toilet, dwelling.assets) == (36, 1, ["televisi"])
    assert dwelling.head.name == "Rudi Hartono"


def test_a_new_family_moves_into_an_existing_dwelling(logged_in, parents):
    family, _son, _wife = parents
    kk = make_kk(KEL_A)
    response = logged_in.post(
        reverse("registry:family_create"),
        register_data(kk, head_nik(), where="other", reference=family.kk_number),
    )
    assert response.status_code == 302
    new = Family.objects.unscoped().get(kk_number=kk)
    assert new.dwelling_id == family.dwelling_id
    assert fresh(family.dwelling).head.name == "Bapak Syahrial"  # the first family's head stays


@pytest.mark.parametrize("case", ["unknown", "other kelurahan", "bad housing"])
def test_registering_into_a_dwelling_refuses_with_a_message_and_writes_nothing(logged_in, case):
    other = family_with_head("Andi", region=KEL_A2)
    dwelling, expected = {
        "unknown": (
            {"where": "other", "reference": "R-NOPE"},
            _("No dwelling with this ID, KK number or NIK was found in your area."),
        ),
        "other kelurahan": (
            {"where": "other", "reference": other.dwelling.code},
            _(
                "Dwelling %(code)s is in another kelurahan: change the family's address "
                "first, or choose a dwelling in its kelurahan."
            )
            % {"code": other.dwelling.code},
        ),
        "bad housing": ({"where": "own", "floor_area": "0"}, "Floor area (m²): "),
    }[case]
    before = (written(), Person.objects.unscoped().count())
    html = page_text(
        logged_in.post(
            reverse("registry:family_create"),
            register_data(make_kk(KEL_A), head_nik(), **dwelling),
        )
    )
    assert expected.replace("'", "&#x27;") in html and 'id="error-summary"' in html
    assert (written(), Person.objects.unscoped().count()) == before


# --- the dwelling page: numbers as on the family page ------------------------------------------


@pytest.mark.parametrize("role", [r for r in Role if Cap.REGISTRY_VIEW in capabilities_for(r)])
def test_the_dwelling_page_masks_every_listed_number_and_logs_the_read(client, parents, role):
    family, son, _wife = parents
    user = make_user(role, language="en")
    client.force_login(user)
    html = page_text(client.get(reverse("registry:dwelling_detail", args=[family.dwelling_id])))
    assert "Rudi" in html
    for number in (family.kk_number, son.nik):
        assert number not in html and mask_number(number) in html
    assert AccessLog.objects.filter(
        user=user, object_type="registry.dwelling", object_id=str(family.dwelling_id)
    ).exists()
