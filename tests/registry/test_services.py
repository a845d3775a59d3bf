"""Registry writes: registration, updates with optimistic locking, warnings, NIK uniqueness,
status transitions, desil history, PPKS categories; permissions and area scoping."""

import datetime

import pytest
from django.utils import timezone, translation

from padu.accounts.capabilities import Role
from padu.core.errors import (
    ConflictError,
    DomainError,
    PermissionDeniedError,
    ValidationFailed,
    WarningsNeedConfirmation,
)
from padu.core.models import AuditEntry
from padu.registry import codes, services
from padu.registry.masks import mask_number
from padu.registry.models import DesilRecord, Family, Person, PPKSCategory
from padu.registry.names import name_key
from tests.factories import (
    KEC_A,
    KEL_A,
    KEL_A2,
    KEL_B,
    FamilyFactory,
    PersonFactory,
    make_kk,
    make_nik,
    make_user,
)

pytestmark = pytest.mark.django_db

L, P = codes.Sex.MALE, codes.Sex.FEMALE
HEAD, SPOUSE, CHILD, PARENT = (
    codes.Relationship.HEAD,
    codes.Relationship.SPOUSE,
    codes.Relationship.CHILD,
    codes.Relationship.PARENT,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def operator(db):
    return make_user(Role.OPERATOR)


def person(region=KEL_A, *, birth=datetime.date(1980, 5, 17), sex=L, **overrides) -> dict:
    data = {
        "nik": make_nik(region, birth, sex),
        "name": "Budi Santoso",
        "sex": sex,
        "birth_place": "Padang",
        "birth_date": birth,
        "relationship": HEAD,
        "marital_status": codes.MaritalStatus.MARRIED,
    }
    data.update(overrides)
    return data


def family(region=KEL_A, **overrides) -> dict:
    data = {
        "kk_number": make_kk(region),
        "region": region,
        "rw": "1",
        "rt": "02",
        "address": "Jl. Sawahan No. 5",
        "livestock": {"kambing": 2, "sapi": 0},
    }
    data.update(overrides)
    return data


def register(actor, members=None, **family_overrides):
    return services.family_register(
        actor=actor,
        data=family(**family_overrides),
        members=members or [person()],
        confirm_warnings=True,
    )


def registry_entries() -> int:
    return AuditEntry.objects.filter(action__startswith="registry.").count()


def audit(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


# ---------------------------------------------------------------------------------- register


def test_register_writes_family_members_and_history(operator):
    head = person(name="Hendra  Gunawan")
    wife = person(
        name="Rina Marlina", sex=P, birth=datetime.date(1984, 8, 21), relationship=SPOUSE, ppks=[9]
    )
    wife["disability"] = ["sensorik"]
    housing = {
        "ownership": codes.Ownership.RENT,
        "floor_area": 36,
        "assets": ["sepeda_motor", "televisi"],
    }
    result = services.family_register(
        actor=operator, data=family(), members=[head, wife], housing=housing
    )

    fam = Family.objects.unscoped().get(pk=result.pk)
    assert (fam.region_id, fam.rw, fam.rt, fam.version, fam.status) == (
        KEL_A,
        "001",
        "002",
        1,
        "aktif",
    )
    dwelling = fam.dwelling
    assert dwelling.assets == ["televisi", "sepeda_motor"]
    assert (dwelling.ownership, dwelling.floor_area, dwelling.region_id) == (2, 36, KEL_A)
    assert dwelling.head == Person.objects.unscoped().get(family=fam, relationship=HEAD)
    assert dwelling.code.startswith("R-") and fam.kk_number not in dwelling.code
    assert fam.livestock == {"kambing": 2}
    assert (fam.created_by, fam.updated_by) == (operator, operator)
    people = list(Person.objects.unscoped().filter(family=fam).order_by("relationship"))
    assert [(p.name, p.name_key, p.region_id, p.version) for p in people] == [
        ("Hendra Gunawan", name_key("Hendra Gunawan"), KEL_A, 1),
        ("Rina Marlina", name_key("Rina Marlina"), KEL_A, 1),
    ]
    assert list(people[1].ppks.values_list("code", flat=True)) == [9]

    registered = audit("registry.family.registered")
    assert len(registered) == 1
    entry = registered[0]
    assert (entry.actor, entry.object_id, entry.region_code, entry.before) == (
        operator,
        str(fam.pk),
        KEL_A,
        None,
    )
    assert entry.after["kk_number"] == fam.kk_number and entry.after["region"] == KEL_A
    added = audit("registry.person.added")
    assert [(e.object_id, e.region_code) for e in added] == [(str(p.pk), KEL_A) for p in people]
    assert added[1].after["ppks"] == [9] and added[1].after["disability"] == ["sensorik"]


def test_register_reports_every_error_by_field(operator):
    bad = person(nik="1371045203900000", name="  ", relationship=CHILD)
    future = person(birth=timezone.localdate() + datetime.timedelta(days=1), relationship=CHILD)
    future["nik"] = make_nik(KEL_A, datetime.date(1990, 1, 1), L)
    with pytest.raises(ValidationFailed) as info:
        services.family_register(
            actor=operator,
            data=family(kk_number="1371011501200000", rw="12a", latitude="1.0"),
            members=[bad, future],
        )
    errors = info.value.errors
    assert errors["kk_number"] == [
        "KK number: the serial number (the last four digits) cannot be 0000."
    ]
    assert errors["rw"] == ["RW: enter a number of one to three digits."]
    assert errors["longitude"] == ["Longitude: give both latitude and longitude, or neither."]
    assert errors["members.0.nik"] == [
        "NIK: the serial number (the last four digits) cannot be 0000."
    ]
    assert errors["members.0.name"] == ["Full name: this field is required."]
    assert errors["members.1.birth_date"][0].startswith("Date of birth: ") and errors[
        "members.1.birth_date"
    ][0].endswith(" is in the future.")
    assert errors["members"] == ["Members: a family needs exactly one head of family; 0 are given."]
    assert Family.objects.unscoped().count() == 0 and registry_entries() == 0


def test_register_refuses_a_kelurahan_outside_the_actors_area(db):
    tksk = make_user(Role.OPERATOR, scope=KEC_A)
    with pytest.raises(ValidationFailed) as info:
        register(tksk, region=KEL_B)
    assert info.value.errors == {
        "region": ["Kelurahan/desa: you can register families only in your own area."]
    }
    assert Family.objects.unscoped().count() == 0


def test_the_same_nik_twice_in_one_family(operator):
    head = person()
    child = person(relationship=CHILD, birth=datetime.date(2010, 1, 1), nik=head["nik"])
    with pytest.raises(ValidationFailed) as info:
        services.family_register(actor=operator, data=family(), members=[head, child])
    assert info.value.errors == {"members.1.nik": ["NIK: the same NIK is given for member 1."]}


def test_nik_already_registered_inside_the_area_says_where(operator):
    existing = PersonFactory(name="Siti Aminah", sex=P)
    with pytest.raises(ValidationFailed) as info:
        register(operator, members=[person(nik=existing.nik)])
    masked_nik = mask_number(existing.nik)
    masked_kk = mask_number(existing.family.kk_number)
    assert info.value.errors == {
        "members.0.nik": [
            f"NIK: {masked_nik} is already registered to Siti Aminah (living in the family) in "
            f"the family "
            f"with KK {masked_kk} in Belakang Pondok."
        ]
    }


def test_nik_already_registered_outside_the_area_leaks_nothing(db):
    existing = PersonFactory(name="Siti Aminah", family=FamilyFactory(region_id=KEL_B))
    operator_a = make_user(Role.OPERATOR, scope=KEC_A)
    with pytest.raises(ValidationFailed) as info:
        register(operator_a, members=[person(nik=existing.nik)])
    message = info.value.errors["members.0.nik"][0]
    masked = mask_number(existing.nik)
    # That it is registered, and nothing of where, in which family or under which name.
    assert message == (
        f"NIK: {masked} is already registered. Ask the Dinas Sosial to check it if this is wrong."
    )
    assert "Siti" not in message and "Air Tawar" not in message and "area" not in message
    [answer] = AuditEntry.objects.filter(action="registry.number.registered_elsewhere")
    assert answer.actor == operator_a and existing.nik not in str(answer.after)


def test_too_many_registered_answers_in_an_hour_stop_the_user_and_tell_the_admin(db, settings):
    settings.PADU_REGISTERED_ANSWERS_PER_HOUR = 3
    others = [PersonFactory(family=FamilyFactory(region_id=KEL_B)) for _ in range(5)]
    operator_a = make_user(Role.OPERATOR, scope=KEC_A)
    for other in others[:3]:
        with pytest.raises(ValidationFailed):
            register(operator_a, members=[person(nik=other.nik)])
    for other in others[3:]:
        with pytest.raises(DomainError) as info:
            register(operator_a, members=[person(nik=other.nik)])
        assert info.value.code == "too_many_checks"
    assert AuditEntry.objects.filter(action="registry.number.registered_elsewhere").count() == 3
    [report] = AuditEntry.objects.filter(action="registry.number.probing")
    assert report.actor == operator_a and report.after["limit"] == 3
    assert not Family.objects.unscoped().filter(region_id=KEL_A).exists()


def test_kk_already_registered(operator):
    existing = FamilyFactory()
    with pytest.raises(ValidationFailed) as info:
        register(operator, kk_number=existing.kk_number)
    masked = mask_number(existing.kk_number)
    assert info.value.errors == {
        "kk_number": [
            f"KK number: {masked} is already registered to a family (active) in Belakang Pondok."
        ]
    }


def test_warnings_need_confirmation_then_are_kept_in_the_history(operator):
    head = person(name="Andi", birth=datetime.date(1990, 1, 1))
    child = person(name="Rudi", relationship=CHILD, birth=datetime.date(1985, 6, 1))
    oldest = person(name="Nenek", relationship=PARENT, sex=P, birth=datetime.date(1905, 3, 1))
    with pytest.raises(WarningsNeedConfirmation) as info:
        services.family_register(actor=operator, data=family(), members=[head, child, oldest])
    age = (
        timezone.localdate().year
        - 1905
        - (timezone.localdate() < datetime.date(timezone.localdate().year, 3, 1))
    )
    assert info.value.warnings == [
        "Rudi — Date of birth: a child born on 1 June 1985 is not younger than the head of family "
        "Andi "
        "(born on 1 January 1990).",
        f"Nenek — Date of birth: the person would be {age} years old; check the date.",
    ]
    assert info.value.code == "warnings"
    assert Family.objects.unscoped().count() == 0

    fam = services.family_register(
        actor=operator, data=family(), members=[head, child, oldest], confirm_warnings=True
    )
    entry = AuditEntry.objects.get(action="registry.family.registered", object_id=str(fam.pk))
    assert entry.after["confirmed_warnings"] == info.value.warnings


def test_a_nik_that_disagrees_with_sex_and_birth_date_warns(operator):
    head = person(name="Andi")
    head["nik"] = make_nik(KEL_A, datetime.date(1980, 5, 18), P)  # a woman born a day later
    with pytest.raises(WarningsNeedConfirmation) as info:
        services.family_register(actor=operator, data=family(), members=[head])
    assert info.value.warnings == [
        "Andi — NIK: digits 7–8 (58) mark the person as female, but sex is male.",
        "Andi — NIK: digits 7–12 (58-05-80) give the date of birth 18-05-80, but the date of "
        "birth is 17 May 1980.",
    ]


def test_register_with_a_desil_starts_the_history(operator):
    fam = services.family_register(
        actor=operator,
        data={**family(), "desil": 3, "desil_period": datetime.date(2025, 7, 1)},
        members=[person()],
    )
    assert (fam.desil, fam.desil_period) == (3, datetime.date(2025, 7, 1))
    assert list(
        DesilRecord.objects.unscoped().filter(family=fam).values_list("desil", "period", "source")
    ) == [(3, datetime.date(2025, 7, 1), "")]


# ---------------------------------------------------------------------------------- update


def test_update_changes_fields_bumps_version_and_records_before_after(operator):
    fam = register(operator)
    updated = services.family_update(
        actor=operator,
        family=fam,
        expected_version=1,
        data={"address": "Jl. Veteran No. 1", "rt": "7", "rw": "001"},
        reason="checked at a home visit",
    )
    assert (updated.address, updated.rt, updated.version) == ("Jl. Veteran No. 1", "007", 2)
    entry = AuditEntry.objects.get(action="registry.family.updated")
    assert entry.before == {"address": "Jl. Sawahan No. 5", "rt": "002", "version": 1}
    assert entry.after == {"address": "Jl. Veteran No. 1", "rt": "007", "version": 2}
    assert (entry.reason, entry.region_code, entry.actor) == (
        "checked at a home visit",
        KEL_A,
        operator,
    )


def test_an_update_that_changes_nothing_writes_nothing(operator):
    fam = register(operator)
    same = services.family_update(actor=operator, family=fam, expected_version=1, data={"rw": "1"})
    assert same.version == 1
    assert not AuditEntry.objects.filter(action="registry.family.updated").exists()


def test_moving_a_family_moves_its_members(operator):
    fam = register(
        operator, members=[person(), person(relationship=CHILD, birth=datetime.date(2010, 2, 2))]
    )
    services.family_update(actor=operator, family=fam, expected_version=1, data={"region": KEL_A2})
    assert set(
        Person.objects.unscoped().filter(family=fam).values_list("region_id", flat=True)
    ) == {KEL_A2}
    assert AuditEntry.objects.get(action="registry.family.updated").region_code == KEL_A2


def test_the_second_editor_gets_a_conflict_naming_what_changed(operator):
    other = make_user(Role.OPERATOR)
    fam = register(operator)
    # the other user saves first, from version 1
    services.family_update(
        actor=other, family=fam, expected_version=1, data={"address": "Jl. Baru 2", "rt": "9"}
    )
    # the first user, still on version 1, changes the RW and also the RT
    with pytest.raises(ConflictError) as info:
        services.family_update(
            actor=operator,
            family=fam,
            expected_version=1,
            data={"address": "Jl. Sawahan No. 5", "rw": "3", "rt": "4"},
        )
    exc = info.value
    assert exc.current_version == 2
    assert sorted(exc.changes, key=lambda c: c["field"]) == [
        {
            "field": "address",
            "label": "Street address",
            "theirs": "Jl. Baru 2",
            "yours": "Jl. Sawahan No. 5",
            "original": "Jl. Sawahan No. 5",
            "yours_changed": False,
        },
        {
            "field": "rt",
            "label": "RT",
            "theirs": "009",
            "yours": "004",
            "original": "002",
            "yours_changed": True,
        },
    ]
    fam.refresh_from_db()
    assert (fam.address, fam.rw, fam.rt, fam.version) == ("Jl. Baru 2", "001", "009", 2)
    # with the current version, the save goes through
    services.family_update(
        actor=operator, family=fam, expected_version=2, data={"rw": "3", "rt": "4"}
    )
    fam.refresh_from_db()
    assert (fam.address, fam.rw, fam.rt, fam.version) == ("Jl. Baru 2", "003", "004", 3)


def test_a_status_change_in_between_is_a_conflict_too(operator):
    fam = register(operator)
    services.family_change_status(actor=operator, family=fam, status="mampu", reason="graduated")
    with pytest.raises(ConflictError) as info:
        services.family_update(actor=operator, family=fam, expected_version=1, data={"rt": "5"})
    assert [
        (c["field"], c["theirs"], c["original"], c["yours_changed"]) for c in info.value.changes
    ] == [("status", "mampu", "aktif", False)]


def test_person_update_keeps_name_key_and_records_ppks(operator):
    fam = register(operator)
    head = fam.members.get()
    services.person_update(
        actor=operator,
        person=head,
        expected_version=1,
        data={"name": "Muhammad Yusuf", "ppks": [24, 9]},
        reason="KK checked",
    )
    head.refresh_from_db()
    assert (head.name, head.name_key, head.version) == (
        "Muhammad Yusuf",
        name_key("Muhammad Yusuf"),
        2,
    )
    assert sorted(head.ppks.values_list("code", flat=True)) == [9, 24]
    entry = AuditEntry.objects.get(action="registry.person.updated")
    assert entry.before == {"name": "Budi Santoso", "ppks": [], "version": 1}
    assert entry.after == {"name": "Muhammad Yusuf", "ppks": [9, 24], "version": 2}
    assert entry.reason == "KK checked"


def test_person_update_conflict(operator):
    fam = register(operator)
    head = fam.members.get()
    services.person_update(
        actor=make_user(Role.OPERATOR), person=head, expected_version=1, data={"occupation": "Guru"}
    )
    with pytest.raises(ConflictError) as info:
        services.person_update(
            actor=operator, person=head, expected_version=1, data={"occupation": "Petani"}
        )
    assert info.value.changes == [
        {
            "field": "occupation",
            "label": "Occupation",
            "theirs": "Guru",
            "yours": "Petani",
            "original": "",
            "yours_changed": True,
        }
    ]
    head.refresh_from_db()
    assert head.occupation == "Guru"


def test_person_update_asks_only_for_new_warnings(operator):
    fam = register(operator, members=[person(name="Andi", birth=datetime.date(1990, 1, 1))])
    child = services.person_add(
        actor=operator,
        family=fam,
        data=person(name="Rudi", relationship=CHILD, birth=datetime.date(1985, 1, 1)),
        confirm_warnings=True,
    )
    # the confirmed warning is not asked again for an unrelated change
    services.person_update(
        actor=operator, person=child, expected_version=1, data={"occupation": "Pelajar"}
    )
    child.refresh_from_db()
    with pytest.raises(WarningsNeedConfirmation) as info:
        services.person_update(actor=operator, person=child, expected_version=2, data={"sex": P})
    assert info.value.warnings == [
        "NIK: digits 7–8 (01) mark the person as male, but sex is female."
    ]


def test_nik_change_to_one_already_used(operator):
    fam = register(operator)
    other = PersonFactory()
    head = fam.members.get()
    with pytest.raises(ValidationFailed) as info:
        services.person_update(
            actor=operator, person=head, expected_version=1, data={"nik": other.nik}
        )
    assert list(info.value.errors) == ["nik"]
    assert info.value.errors["nik"][0].startswith("NIK: " + mask_number(other.nik))


def test_the_head_relationship_changes_only_through_change_head(operator):
    fam = register(
        operator,
        members=[person(), person(relationship=SPOUSE, sex=P, birth=datetime.date(1982, 1, 1))],
    )
    head, wife = fam.members.order_by("relationship")
    with pytest.raises(ValidationFailed) as info:
        services.person_update(
            actor=operator, person=head, expected_version=1, data={"relationship": SPOUSE}
        )
    assert info.value.errors["relationship"] == [
        "Relationship to the head of family: the head of family cannot be given another "
        "relationship here. Use “Change head of family” on the family page."
    ]
    with pytest.raises(ValidationFailed) as info:
        services.person_update(
            actor=operator, person=wife, expected_version=1, data={"relationship": HEAD}
        )
    assert list(info.value.errors) == ["relationship"]

    services.family_change_head(
        actor=operator,
        family=fam,
        new_head=wife,
        former_head_relationship=SPOUSE,
        reason="divorce decree",
    )
    head.refresh_from_db()
    wife.refresh_from_db()
    assert (head.relationship, wife.relationship, head.version, wife.version) == (
        SPOUSE,
        HEAD,
        2,
        2,
    )
    assert [e.reason for e in audit("registry.person.updated")] == [
        "divorce decree",
        "divorce decree",
    ]


def test_person_add_rules(operator):
    fam = register(operator)
    with pytest.raises(ValidationFailed) as info:
        services.person_add(actor=operator, family=fam, data=person())
    assert info.value.errors["relationship"] == [
        "Relationship to the head of family: Budi Santoso is already the head of this family. "
        "To change the head, use “Change head of family” on the family page."
    ]
    services.family_change_status(
        actor=operator, family=fam, status="pindah", reason="moved to Bukittinggi"
    )
    with pytest.raises(DomainError) as info:
        services.person_add(
            actor=operator,
            family=fam,
            data=person(relationship=CHILD, birth=datetime.date(2012, 1, 1)),
        )
    assert (
        str(info.value) == "Members can be added only to an active family; this one is moved away."
    )


# -------------------------------------------------------------------------------- statuses


def test_a_deceased_person_cannot_be_made_moved(operator):
    fam = register(
        operator, members=[person(), person(relationship=CHILD, birth=datetime.date(2005, 1, 1))]
    )
    child = fam.members.get(relationship=CHILD)
    services.person_change_status(
        actor=operator, person=child, status="meninggal", reason="death certificate 12/2025"
    )
    with pytest.raises(DomainError) as info:
        services.person_change_status(actor=operator, person=child, status="pindah", reason="x")
    assert (
        str(info.value) == "Status: a person recorded as deceased cannot be recorded as moved away."
    )
    child.refresh_from_db()
    assert (child.life_status, child.version) == ("meninggal", 2)
    entry = AuditEntry.objects.get(action="registry.person.status_changed")
    assert (entry.before, entry.after, entry.reason) == (
        {"life_status": "aktif", "version": 1},
        {"life_status": "meninggal", "version": 2},
        "death certificate 12/2025",
    )


def test_a_status_change_needs_a_reason(operator):
    fam = register(operator)
    with pytest.raises(ValidationFailed) as info:
        services.person_change_status(
            actor=operator, person=fam.members.get(), status="meninggal", reason="  "
        )
    assert info.value.errors == {"reason": ["Reason: say why the status changes."]}


def test_when_the_head_dies_another_member_must_become_head(operator):
    fam = register(
        operator,
        members=[
            person(),
            person(name="Rina", relationship=SPOUSE, sex=P, birth=datetime.date(1982, 1, 1)),
        ],
    )
    head, wife = fam.members.order_by("relationship")
    with pytest.raises(ValidationFailed) as info:
        services.person_change_status(
            actor=operator, person=head, status="meninggal", reason="died 2025-11-02"
        )
    assert info.value.errors == {
        "new_head": [
            "New head of family: the head leaves the family, so choose which of the other members "
            "becomes the head."
        ]
    }
    services.person_change_status(
        actor=operator, person=head, status="meninggal", reason="died 2025-11-02", new_head=wife
    )
    head.refresh_from_db()
    wife.refresh_from_db()
    assert (head.life_status, head.relationship) == ("meninggal", HEAD)
    assert (wife.life_status, wife.relationship) == ("aktif", HEAD)
    fam.refresh_from_db()
    assert fam.status == "aktif"
    # the deceased head cannot come back as a second head
    with pytest.raises(DomainError) as info:
        services.person_change_status(
            actor=operator, person=head, status="aktif", reason="recorded by mistake"
        )
    assert str(info.value) == (
        "Status: Rina is now the head of this family. Change this person's relationship first, "
        "then record the return."
    )


def test_when_the_last_member_dies_the_family_is_dissolved(operator):
    fam = register(operator)
    services.person_change_status(
        actor=operator, person=fam.members.get(), status="meninggal", reason="died"
    )
    fam.refresh_from_db()
    assert (fam.status, fam.version) == ("bubar", 2)
    entry = AuditEntry.objects.get(action="registry.family.status_changed")
    assert (entry.before, entry.after, entry.reason) == (
        {"status": "aktif", "version": 1},
        {"status": "bubar", "version": 2},
        "died",
    )


def test_a_family_that_moves_takes_its_members_and_brings_them_back(operator):
    fam = register(
        operator,
        members=[
            person(),
            person(relationship=CHILD, birth=datetime.date(2006, 1, 1)),
            person(relationship=CHILD, birth=datetime.date(2008, 1, 1)),
        ],
    )
    head, older, younger = fam.members.order_by("birth_date")
    services.person_change_status(actor=operator, person=younger, status="meninggal", reason="died")
    services.family_change_status(
        actor=operator, family=fam, status="pindah", reason="moved to Solok"
    )
    statuses = dict(fam.members.values_list("pk", "life_status"))
    assert statuses == {head.pk: "pindah", older.pk: "pindah", younger.pk: "meninggal"}

    services.family_change_status(actor=operator, family=fam, status="aktif", reason="came back")
    statuses = dict(fam.members.values_list("pk", "life_status"))
    assert statuses == {head.pk: "aktif", older.pk: "aktif", younger.pk: "meninggal"}
    assert [e.after["life_status"] for e in audit("registry.person.status_changed")] == [
        "meninggal",
        "pindah",
        "pindah",
        "aktif",
        "aktif",
    ]


def test_family_status_guards(operator):
    fam = register(operator)
    with pytest.raises(DomainError) as info:
        services.family_change_status(actor=operator, family=fam, status="bubar", reason="x")
    assert str(info.value) == (
        "Status: 1 member(s) still live in the family. Record first that they died or moved away, "
        "or choose another status."
    )
    services.family_change_status(
        actor=operator, family=fam, status="ganda", reason="same as KK 1371…"
    )
    with pytest.raises(DomainError) as info:
        services.family_change_status(actor=operator, family=fam, status="pindah", reason="x")
    assert str(info.value) == "Status: a family that is duplicate cannot be made moved away."
    with pytest.raises(DomainError) as info:
        services.person_change_status(
            actor=operator, person=fam.members.get(), status="aktif", reason="x"
        )
    assert str(info.value) == (
        "Status: the family is duplicate. Make the family active again first; its members who "
        "left with "
        "it come back with it."
    )


def test_desil_history(operator):
    fam = register(operator)
    april, october = datetime.date(2025, 4, 20), datetime.date(2024, 10, 20)
    services.family_correct_desil(
        actor=operator, family=fam, expected_version=1, desil=4, period=april, reason="BPS letter"
    )
    services.family_correct_desil(
        actor=operator, family=fam, expected_version=2, desil=6, period=october, reason="older"
    )
    fam.refresh_from_db()
    # The older period is in the history, the family keeps the latest period's desil.
    assert (fam.desil, fam.desil_period, fam.version) == (4, april, 3)
    assert list(fam.desil_history.order_by("period").values_list("desil", "period")) == [
        (6, october),
        (4, april),
    ]
    with pytest.raises(ValidationFailed) as info:
        services.family_correct_desil(
            actor=operator, family=fam, expected_version=3, desil=11, period=april, reason="x"
        )
    assert info.value.errors == {"desil": ["DTSEN desil: choose a desil from 1 to 10."]}


# ---------------------------------------------------------------------- permission and scope


def test_a_psm_cannot_edit(db):
    psm = make_user(Role.PSM)
    fam = FamilyFactory()
    head = PersonFactory(family=fam)
    before = (
        Family.objects.unscoped().count(),
        Person.objects.unscoped().count(),
        registry_entries(),
    )
    with pytest.raises(PermissionDeniedError):
        register(psm)
    with pytest.raises(PermissionDeniedError):
        services.family_update(actor=psm, family=fam, expected_version=1, data={"rt": "9"})
    with pytest.raises(PermissionDeniedError):
        services.person_change_status(actor=psm, person=head, status="meninggal", reason="x")
    fam.refresh_from_db()
    assert (fam.rt, fam.version) == ("002", 1)
    assert (
        Family.objects.unscoped().count(),
        Person.objects.unscoped().count(),
        registry_entries(),
    ) == before


def test_an_operator_of_one_kecamatan_cannot_touch_another(db):
    operator_a = make_user(Role.OPERATOR, scope=KEC_A)
    fam_b = FamilyFactory(region_id=KEL_B)
    head_b = PersonFactory(family=fam_b)
    with pytest.raises(PermissionDeniedError):
        services.family_update(actor=operator_a, family=fam_b, expected_version=1, data={"rt": "9"})
    with pytest.raises(PermissionDeniedError):
        services.person_update(
            actor=operator_a, person=head_b, expected_version=1, data={"name": "X"}
        )
    with pytest.raises(PermissionDeniedError):
        services.person_add(actor=operator_a, family=fam_b, data=person(KEL_B, relationship=CHILD))
    with pytest.raises(PermissionDeniedError):
        services.family_change_status(actor=operator_a, family=fam_b, status="pindah", reason="x")
    # nor move one of his own families there
    fam_a = FamilyFactory(region_id=KEL_A)
    with pytest.raises(ValidationFailed) as info:
        services.family_update(
            actor=operator_a, family=fam_a, expected_version=1, data={"region": KEL_B}
        )
    assert info.value.errors == {
        "region": ["Kelurahan/desa: you can register families only in your own area."]
    }
    assert registry_entries() == 0


# ---------------------------------------------------------------------------- PPKS categories


def test_the_26_categories_are_seeded():
    assert PPKSCategory.objects.count() == 26
    assert PPKSCategory.objects.get(code=24).name == "Fakir Miskin"
    assert set(PPKSCategory.objects.values_list("source", flat=True)) == {"Permensos 08/2012"}


def test_ppks_categories_are_created_renamed_and_retired(db):
    admin = make_user(Role.ADMIN)
    category = services.ppks_category_create(
        actor=admin, code=27, name="ODGJ Terlantar", source="Dinsos Padang 2025"
    )
    with pytest.raises(ValidationFailed) as info:
        services.ppks_category_create(actor=admin, code=27, name="fakir miskin")
    assert info.value.errors == {
        "code": ["Code: 27 is already used by another category."],
        "name": ["Name: another category already has this name."],
    }
    services.ppks_category_update(
        actor=admin, category=category, name="Orang dengan Gangguan Jiwa Terlantar", source=""
    )
    with pytest.raises(ValidationFailed):
        services.ppks_category_set_active(actor=admin, category=category, active=False, reason="")
    services.ppks_category_set_active(
        actor=admin, category=category, active=False, reason="merged into 9"
    )
    category.refresh_from_db()
    assert (category.name, category.source, category.is_active) == (
        "Orang dengan Gangguan Jiwa Terlantar",
        "",
        False,
    )
    assert [
        e.action for e in AuditEntry.objects.filter(action__startswith="registry.").order_by("id")
    ] == [
        "registry.ppks.created",
        "registry.ppks.updated",
        "registry.ppks.deactivated",
    ]
    with pytest.raises(PermissionDeniedError):
        services.ppks_category_create(actor=make_user(Role.OPERATOR), code=28, name="X")


def test_a_retired_category_stays_but_cannot_be_given(operator):
    fam = register(operator, members=[person(ppks=[13])])
    head = fam.members.get()
    services.ppks_category_set_active(
        actor=make_user(Role.ADMIN),
        category=PPKSCategory.objects.get(code=13),
        active=False,
        reason="no longer used",
    )
    # kept when other fields change
    services.person_update(
        actor=operator, person=head, expected_version=1, data={"occupation": "Pemulung"}
    )
    head.refresh_from_db()
    assert list(head.ppks.values_list("code", flat=True)) == [13]
    with pytest.raises(ValidationFailed) as info:
        services.person_add(
            actor=operator,
            family=fam,
            data=person(relationship=CHILD, birth=datetime.date(2010, 1, 1), ppks=[13]),
        )
    assert info.value.errors == {
        "ppks": ["PPKS categories: PPKS category 13 is no longer in use and cannot be given."]
    }
