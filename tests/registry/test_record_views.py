"""Family and person pages through the Django test client: permissions, masking, the access log,
create (with "add another member" with and without htmx), edit with conflicts, warnings,
status changes, the timeline, and escaping."""

import datetime
import re

import pytest
from django.urls import reverse

from padu.accounts.capabilities import Role
from padu.core.audit import audit_record
from padu.core.models import AccessLog, AuditEntry
from padu.registry import codes, services
from padu.registry.masks import mask_number
from padu.registry.models import Family, Person
from tests.factories import (
    KEC_A,
    KEL_A,
    KEL_B,
    FamilyFactory,
    PersonFactory,
    make_kk,
    make_nik,
    make_user,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def login(client, role=Role.OPERATOR, scope=None):
    user = make_user(role, scope=scope, language="en")
    client.force_login(user)
    return user


@pytest.fixture
def operator(client):
    return login(client)


@pytest.fixture
def fam():
    family = FamilyFactory(region_id=KEL_A, desil=2, rw="001", rt="002", address="Jl. Sawahan 5")
    PersonFactory(family=family, name="Hendra Gunawan", birth_date=datetime.date(1980, 5, 17))
    PersonFactory(
        family=family,
        name="Rina Marlina",
        sex=codes.Sex.FEMALE,
        relationship=codes.Relationship.SPOUSE,
        birth_date=datetime.date(1984, 8, 21),
        disability=["sensorik"],
    )
    return family


def text(response) -> str:
    return response.content.decode()


def member_fields(index: int, *, nik, name, sex="L", birth="1980-05-17", relationship=1) -> dict:
    prefix = f"members-{index}-"
    return {
        f"{prefix}nik": nik,
        f"{prefix}name": name,
        f"{prefix}sex": sex,
        f"{prefix}birth_date": birth,
        f"{prefix}relationship": str(relationship),
        f"{prefix}dukcapil_status": "belum",
    }


def create_post(members: list[dict], **family) -> dict:
    data = {
        "kk_number": make_kk(KEL_A),
        "region": KEL_A,
        "rw": "3",
        "rt": "4",
        "address": "Jl. Veteran 1",
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": "1",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "30",
    }
    for i, member in enumerate(members):
        data.update(member_fields(i, **member))
    data.update(family)
    return data


# ----------------------------------------------------------------------------- permissions


def test_anonymous_is_sent_to_login(client, fam):
    for url in (
        reverse("registry:family_detail", args=[fam.pk]),
        reverse("registry:family_create"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("accounts:login")
        )


def test_a_psm_reads_but_cannot_edit(client, fam):
    login(client, Role.PSM)
    head = fam.members.get(relationship=1)
    assert client.get(reverse("registry:family_detail", args=[fam.pk])).status_code == 200
    for url in (
        reverse("registry:family_create"),
        reverse("registry:family_edit", args=[fam.pk]),
        reverse("registry:member_add", args=[fam.pk]),
        reverse("registry:family_status", args=[fam.pk]),
        reverse("registry:person_edit", args=[head.pk]),
        reverse("registry:person_status", args=[head.pk]),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {"rt": "9"}).status_code == 403
    fam.refresh_from_db()
    assert (fam.rt, fam.version) == ("002", 1)
    assert "Edit family" not in text(client.get(reverse("registry:family_detail", args=[fam.pk])))


def test_another_area_is_not_found_and_not_logged(client):
    login(client, Role.OPERATOR, scope=KEC_A)
    other = FamilyFactory(region_id=KEL_B)
    person = PersonFactory(family=other)
    for url in (
        reverse("registry:family_detail", args=[other.pk]),
        reverse("registry:family_edit", args=[other.pk]),
        reverse("registry:person_detail", args=[person.pk]),
        reverse("registry:person_edit", args=[person.pk]),
    ):
        assert client.get(url).status_code == 404
    assert AccessLog.objects.count() == 0


# ------------------------------------------------------------------------------ detail pages


def test_family_page_shows_the_record_and_masks_member_niks(client, operator, fam):
    response = client.get(reverse("registry:family_detail", args=[fam.pk]))
    assert response.status_code == 200
    page = text(response)
    assert fam.kk_number in page  # an operator may see whole numbers
    for person in fam.members.all():
        assert mask_number(person.nik) in page and person.nik not in page
    assert "Belakang Pondok" in page and "Padang Selatan" in page
    assert "Sensory" in page and "Hendra Gunawan" in page
    assert (
        AccessLog.objects.filter(
            user=operator, object_type="registry.family", object_id=str(fam.pk)
        ).count()
        == 1
    )


def test_leaders_see_masked_numbers(client, fam):
    login(client, Role.PIMPINAN)
    head = fam.members.get(relationship=1)
    page = text(client.get(reverse("registry:family_detail", args=[fam.pk])))
    assert mask_number(fam.kk_number) in page and fam.kk_number not in page
    page = text(client.get(reverse("registry:person_detail", args=[head.pk])))
    assert mask_number(head.nik) in page and head.nik not in page
    assert "partly hidden" in page


def test_person_page_shows_the_whole_nik_to_an_operator_and_logs_each_opening(
    client, operator, fam
):
    head = fam.members.get(relationship=1)
    url = reverse("registry:person_detail", args=[head.pk])
    assert head.nik in text(client.get(url))
    client.get(url)
    logs = AccessLog.objects.filter(object_type="registry.person", object_id=str(head.pk))
    assert [(log.user, log.region_code, log.purpose) for log in logs] == [
        (operator, KEL_A, "person_detail")
    ] * 2


def test_the_family_page_does_not_query_per_member(client, operator, django_assert_max_num_queries):
    small = FamilyFactory()
    PersonFactory(family=small)
    big = FamilyFactory()
    for i in range(6):
        PersonFactory(
            family=big,
            relationship=1 if i == 0 else 3,
            birth_date=datetime.date(1980 + i * 5, 1, 1),
        )
    client.get(reverse("registry:family_detail", args=[small.pk]))  # warm caches (session, user)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_queries:
        client.get(reverse("registry:family_detail", args=[small.pk]))
    with CaptureQueriesContext(connection) as big_queries:
        client.get(reverse("registry:family_detail", args=[big.pk]))
    assert len(big_queries) == len(small_queries)


def test_script_in_a_name_is_escaped_everywhere(client, operator, fam):
    head = fam.members.get(relationship=1)
    services.person_update(
        actor=operator, person=head, expected_version=1, data={"name": SCRIPT + " Budi"}
    )
    for url in (
        reverse("registry:family_detail", args=[fam.pk]),
        reverse("registry:person_detail", args=[head.pk]),
        reverse("registry:person_edit", args=[head.pk]),
        reverse("registry:person_status", args=[head.pk]),
        reverse("registry:family_status", args=[fam.pk]),
    ):
        page = text(client.get(url))
        assert SCRIPT not in page, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Budi" in page, url


def test_the_timeline_shows_who_what_before_after_why_and_the_import(client, operator, fam):
    head = fam.members.get(relationship=1)
    services.family_update(
        actor=operator,
        family=fam,
        expected_version=1,
        data={"address": "Jl. Baru 9", "rw": "7"},
        reason="home visit",
    )
    services.person_change_status(
        actor=operator,
        person=fam.members.get(relationship=2),
        status="pindah",
        reason="married out",
    )
    from django.db import transaction

    with transaction.atomic():
        audit_record(
            actor=operator,
            action="registry.person.updated",
            obj=head,
            region_code=KEL_A,
            before={"occupation": ""},
            after={"occupation": "Nelayan"},
            source="import:7",
        )
    page = text(client.get(reverse("registry:family_detail", args=[fam.pk])))
    timeline = page[page.index('id="timeline"') :]
    assert "Family data changed" in timeline and "Member status changed" in timeline
    assert (
        '<th scope="row">Street address</th><td>Jl. Sawahan 5</td><td>Jl. Baru 9</td>' in timeline
    )
    assert '<th scope="row">RW</th>' in timeline
    assert '<th scope="row">Status</th><td>Living in the family</td><td>Moved away</td>' in timeline
    assert "home visit" in timeline and "married out" in timeline
    assert f'href="{reverse("registry:import_detail", args=[7])}">from import #7</a>' in timeline
    assert operator.get_full_name() in timeline
    # newest first
    assert (
        timeline.index("from import #7")
        < timeline.index("Member status changed")
        < timeline.index("Family data changed")
    )


def test_the_timeline_masks_numbers_for_those_who_may_not_see_them(client, fam):
    operator = make_user(Role.OPERATOR)
    head = fam.members.get(relationship=1)
    new_nik = make_nik(KEL_A, head.birth_date, "L")
    services.person_update(actor=operator, person=head, expected_version=1, data={"nik": new_nik})
    login(client, Role.PIMPINAN)
    page = text(client.get(reverse("registry:person_detail", args=[head.pk])))
    assert new_nik not in page and mask_number(new_nik) in page


# ----------------------------------------------------------------------------------- create


def test_register_a_family_with_two_members(client, operator):
    head_nik = make_nik(KEL_A, datetime.date(1980, 5, 17), "L")
    wife_nik = make_nik(KEL_A, datetime.date(1984, 8, 21), "P")
    data = create_post(
        [
            {"nik": head_nik, "name": "Hendra Gunawan"},
            {
                "nik": wife_nik,
                "name": "Rina Marlina",
                "sex": "P",
                "birth": "1984-08-21",
                "relationship": 2,
            },
        ],
        **{"livestock_kambing": "2", "members-1-ppks": ["24"]},
    )
    response = client.post(reverse("registry:family_create"), data)
    family = Family.objects.unscoped().get(kk_number=data["kk_number"])
    assert response.status_code == 302 and response["Location"] == reverse(
        "registry:family_detail", args=[family.pk]
    )
    assert (family.rw, family.rt, family.livestock) == ("003", "004", {"kambing": 2})
    assert family.dwelling.families.get() == family
    assert list(
        family.members.order_by("relationship").values_list("nik", "name", "relationship")
    ) == [
        (head_nik, "Hendra Gunawan", 1),
        (wife_nik, "Rina Marlina", 2),
    ]
    assert list(
        Person.objects.unscoped().get(nik=wife_nik).ppks.values_list("code", flat=True)
    ) == [24]


def test_adding_a_member_without_javascript_keeps_the_input_and_shows_no_errors(client, operator):
    data = create_post([{"nik": "1371", "name": "Hendra"}])
    data["add_member"] = "1"
    response = client.post(reverse("registry:family_create"), data)
    page = text(response)
    assert response.status_code == 200
    assert 'name="members-TOTAL_FORMS" value="2"' in page
    assert 'id="id_members-1-nik"' in page and "autofocus" in page
    assert 'value="Hendra"' in page and 'value="1371"' in page
    assert "errorlist" not in page and "Please correct" not in page
    assert Family.objects.unscoped().count() == 0


def test_adding_a_member_with_htmx_returns_one_form_and_the_new_count(client, operator):
    response = client.get(
        reverse("registry:family_create"), {"member": "2"}, HTTP_HX_REQUEST="true"
    )
    page = text(response)
    assert response.status_code == 200
    assert 'id="id_members-2-nik"' in page and "Member 3" in page
    assert (
        '<input type="hidden" name="members-TOTAL_FORMS" value="3" id="id_members-TOTAL_FORMS" '
        'hx-swap-oob="true">' in page
    )
    assert (
        f'hx-get="{reverse("registry:family_create")}?member=3"' in page
        and 'hx-swap-oob="true">Add another member' in page
    )
    assert "<html" not in page
    assert client.get(reverse("registry:family_create"), {"member": "x"}).status_code == 404
    assert client.get(reverse("registry:family_create"), {"member": "30"}).status_code == 404


def test_an_empty_extra_member_form_is_ignored(client, operator):
    data = create_post(
        [{"nik": make_nik(KEL_A, datetime.date(1980, 5, 17), "L"), "name": "Hendra"}]
    )
    data["members-TOTAL_FORMS"] = "2"
    data["members-1-dukcapil_status"] = "belum"
    response = client.post(reverse("registry:family_create"), data)
    assert response.status_code == 302
    assert Family.objects.unscoped().get(kk_number=data["kk_number"]).members.count() == 1


def test_errors_are_shown_by_field_and_nothing_is_saved(client, operator):
    data = create_post([{"nik": "1371045203900000", "name": "Hendra"}])
    response = client.post(reverse("registry:family_create"), data)
    page = text(response)
    assert response.status_code == 200
    message = "NIK: the serial number (the last four digits) cannot be 0000."
    assert f'<ul class="errorlist" id="id_members-0-nik_error"><li>{message}</li></ul>' in page
    assert re.search(
        r'<input[^>]+aria-invalid="true"[^>]+id="id_members-0-nik"', page
    ) or re.search(r'aria-describedby="id_members-0-nik_helptext id_members-0-nik_error"', page)
    assert f'<a href="#id_members-0-nik">Member 1 — {message}</a>' in page
    assert Family.objects.unscoped().count() == 0


def test_warnings_are_confirmed_with_the_checked_button(client, operator):
    head = {
        "nik": make_nik(KEL_A, datetime.date(1990, 1, 1), "L"),
        "name": "Andi",
        "birth": "1990-01-01",
    }
    child = {
        "nik": make_nik(KEL_A, datetime.date(1985, 1, 1), "L"),
        "name": "Rudi",
        "birth": "1985-01-01",
        "relationship": 3,
    }
    data = create_post([head, child])
    page = text(client.post(reverse("registry:family_create"), data))
    assert (
        "Rudi — Date of birth: a child born on 1 January 1985 is not younger than the head of "
        "family Andi" in page
    )
    assert (
        '<button type="submit" name="confirm_warnings" value="1">I have checked, save</button>'
        in page
    )
    assert Family.objects.unscoped().count() == 0
    response = client.post(reverse("registry:family_create"), {**data, "confirm_warnings": "1"})
    assert response.status_code == 302
    assert Family.objects.unscoped().get(kk_number=data["kk_number"]).members.count() == 2


# ------------------------------------------------------------------------------------- edit


def family_edit_post(family, **changes) -> dict:
    data = {
        "kk_number": family.kk_number,
        "region": family.region_id,
        "rw": family.rw,
        "rt": family.rt,
        "address": family.address,
        "version": str(family.version),
        "reason": "",
    }
    data.update(changes)
    return data


def test_edit_a_family(client, operator, fam):
    url = reverse("registry:family_edit", args=[fam.pk])
    page = text(client.get(url))
    assert '<input type="hidden" name="version" value="1"' in page
    response = client.post(url, family_edit_post(fam, rt="5", reason="home visit"))
    assert response.status_code == 302
    fam.refresh_from_db()
    assert (fam.rt, fam.version) == ("005", 2)
    assert AuditEntry.objects.get(action="registry.family.updated").reason == "home visit"


def test_a_conflicting_edit_shows_both_values_and_loses_nothing(client, operator, fam):
    url = reverse("registry:family_edit", args=[fam.pk])
    mine = family_edit_post(fam, rt="5", address="Jl. Sawahan 5")  # read at version 1
    other = make_user(Role.OPERATOR)
    services.family_update(
        actor=other, family=fam, expected_version=1, data={"address": "Jl. Baru 9"}
    )

    response = client.post(url, mine)
    page = text(response)
    assert response.status_code == 200
    assert "Someone else saved this record while you were editing it" in page
    assert (
        '<th scope="row">Street address</th>\n          <td>Jl. Baru 9</td>\n'
        "          <td>Jl. Sawahan 5</td>" in page
    )
    # the form: their address, my RT, the new version
    assert 'name="address" value="Jl. Baru 9"' in page
    assert 'name="rt" value="5"' in page
    assert '<input type="hidden" name="version" value="2"' in page
    fam.refresh_from_db()
    assert (fam.address, fam.rt, fam.version) == ("Jl. Baru 9", "002", 2)

    response = client.post(url, family_edit_post(fam, rt="5"))
    assert response.status_code == 302
    fam.refresh_from_db()
    assert (fam.address, fam.rt, fam.version) == ("Jl. Baru 9", "005", 3)


def person_edit_post(person, **changes) -> dict:
    data = {
        "nik": person.nik,
        "name": person.name,
        "sex": person.sex,
        "birth_date": person.birth_date.isoformat(),
        "relationship": str(person.relationship),
        "marital_status": str(person.marital_status or ""),
        "dukcapil_status": person.dukcapil_status,
        "version": str(person.version),
    }
    data.update(changes)
    return data


def test_a_conflicting_person_edit_when_both_changed_the_same_field(client, operator, fam):
    head = fam.members.get(relationship=1)
    url = reverse("registry:person_edit", args=[head.pk])
    services.person_update(
        actor=make_user(Role.OPERATOR), person=head, expected_version=1, data={"occupation": "Guru"}
    )
    page = text(client.post(url, person_edit_post(head, occupation="Petani")))
    assert "Yours (you both changed it: check it)" in page
    assert 'name="occupation" value="Petani"' in page
    assert '<input type="hidden" name="version" value="2"' in page
    head.refresh_from_db()
    assert head.occupation == "Guru"


def test_add_a_member_and_confirm_a_warning(client, operator, fam):
    url = reverse("registry:member_add", args=[fam.pk])
    assert 'value="3" selected' in text(client.get(url))  # a child, since the family has a head
    nik = make_nik(KEL_A, datetime.date(2012, 3, 4), "P")
    data = {
        "nik": nik,
        "name": "Putri",
        "sex": "L",  # the NIK says a woman
        "birth_date": "2012-03-04",
        "relationship": "3",
        "dukcapil_status": "belum",
        "disability": ["fisik", "sensorik"],
        "disability_severity": "sedang",
    }
    page = text(client.post(url, data))
    assert "NIK: digits 7–8 (44) mark the person as female, but sex is male." in page
    assert not Person.objects.unscoped().filter(nik=nik).exists()
    response = client.post(url, {**data, "sex": "P"})
    assert response.status_code == 302
    person = Person.objects.unscoped().get(nik=nik)
    assert (person.family, person.region_id, person.disability_label) == (
        fam,
        KEL_A,
        "Multiple (ganda)",
    )


def test_person_status_with_a_new_head(client, operator, fam):
    head = fam.members.get(relationship=1)
    wife = fam.members.get(relationship=2)
    url = reverse("registry:person_status", args=[head.pk])
    page = text(client.get(url))
    assert 'name="new_head"' in page and "Moved away" in page
    response = client.post(url, {"status": "meninggal", "reason": ""})
    assert "Reason: This field is required." in text(response) or "This field is required." in text(
        response
    )
    response = client.post(url, {"status": "meninggal", "reason": "died 2 Nov 2025"})
    assert "New head of family: the head leaves the family" in text(response)
    response = client.post(
        url, {"status": "meninggal", "reason": "died 2 Nov 2025", "new_head": str(wife.pk)}
    )
    assert response.status_code == 302
    wife.refresh_from_db()
    assert wife.relationship == 1
    # a deceased person: only the correction back to active is offered
    page = text(client.get(url))
    assert 'value="aktif"' in page and 'value="pindah"' not in page


def test_family_status_change(client, operator, fam):
    url = reverse("registry:family_status", args=[fam.pk])
    response = client.post(
        url, {"form": "status", "status-status": "pindah", "status-reason": "moved to Solok"}
    )
    assert response.status_code == 302
    fam.refresh_from_db()
    assert fam.status == "pindah"
    assert set(fam.members.values_list("life_status", flat=True)) == {"pindah"}
    page = text(client.get(reverse("registry:family_detail", args=[fam.pk])))
    assert "Add a member" not in page


def test_change_head_on_the_family_status_page(client, operator, fam):
    wife = fam.members.get(relationship=2)
    url = reverse("registry:family_status", args=[fam.pk])
    response = client.post(
        url,
        {
            "form": "head",
            "head-new_head": str(wife.pk),
            "head-former_head_relationship": "2",
            "head-reason": "KK renewed",
        },
    )
    assert response.status_code == 302
    assert dict(fam.members.values_list("name", "relationship")) == {
        "Hendra Gunawan": 2,
        "Rina Marlina": 1,
    }
