"""`padu demo --no-serve`: users per role with their areas, a population, and safe to repeat."""

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command, get_commands
from django.test import Client
from django.urls import reverse

from padu.accounts.capabilities import Role
from padu.accounts.models import User
from padu.regions.models import Region
from padu.registry.declarations.desil import DesilSource
from padu.registry.models import DesilRecord, Family, Person
from padu.web.management.commands.demo import DEMO_PASSWORD
from padu.welfare.models import FamilyScore

EXPECTED = {
    "admin": (Role.ADMIN, {"13.71"}),
    "operator": (Role.OPERATOR, {"13.71"}),
    "pimpinan": (Role.PIMPINAN, {"13.71"}),
    "tksk": (Role.TKSK, {"13.71.01"}),
    "psm": (Role.PSM, {"13.71.01.1001"}),
    "psm2": (Role.PSM, {"13.71.04.1001"}),
    "kelurahan": (Role.KELURAHAN, {"13.71.01.1001"}),
    "mitra": (Role.MITRA, set()),
    "privasi": (Role.PRIVACY, {"13.71"}),
}
POPULATION_COMMANDS = {"generate", "import"} <= set(get_commands())


def run_demo(*args: str) -> str:
    """The demo with the region's part of the national tree only (all Indonesia is loaded once,
    in tests/regions/test_national.py)."""
    out = io.StringIO()
    call_command(
        "demo",
        "--no-serve",
        "--only-region",
        "--people",
        "200",
        *args,
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue()


def accounts() -> dict[str, tuple]:
    return {
        u.username: (
            u.pk,
            u.role,
            set(u.scopes.values_list("region_id", flat=True)),
            u.organisation,
            u.is_active,
        )
        for u in User.objects.filter(username__in=EXPECTED).prefetch_related("scopes")
    }


@pytest.mark.django_db
def test_demo_creates_one_user_per_role_with_its_area_and_is_safe_to_repeat(rf):
    first_output = run_demo()

    users = accounts()
    assert set(users) == set(EXPECTED)
    for username, (role, scopes) in EXPECTED.items():
        _pk, got_role, got_scopes, _organisation, active = users[username]
        assert (got_role, got_scopes, active) == (role, scopes, True), username
    assert users["mitra"][3] == "Disdukcapil Kota Padang"
    assert {role for role, _scopes in EXPECTED.values()} == set(Role.values)
    # The printed logins: the shared password, every username, and (nothing serves it after
    # --no-serve) how to start the demo and where it will be.
    assert "`padu demo`" in first_output
    assert "http://127.0.0.1:8000/" in first_output
    assert "Padu demo: http" not in first_output
    assert DEMO_PASSWORD in first_output
    for username in EXPECTED:
        assert f"  {username} " in first_output
    assert authenticate(rf.post("/"), username="psm", password=DEMO_PASSWORD) is not None

    people, families = Person.objects.unscoped().count(), Family.objects.unscoped().count()
    if POPULATION_COMMANDS:
        assert people > 0 and families > 0
        _assert_desil_history_over_periods()
        # Every family has its welfare score, made by the weights in use.
        assert not Family.objects.unscoped().filter(welfare_score__isnull=True).exists()
        assert FamilyScore.objects.unscoped().filter(weight_set__version=1).count() == families
        programs = _assert_programs()

    # A second run changes nothing: the same users (same ids), areas, and population.
    User.objects.filter(username="tksk").update(role=Role.PSM, is_active=False)
    run_demo()
    assert accounts() == users
    assert (Person.objects.unscoped().count(), Family.objects.unscoped().count()) == (
        people,
        families,
    )
    assert User.objects.filter(username__in=EXPECTED).count() == len(EXPECTED)
    if POPULATION_COMMANDS:
        assert _programs_made() == programs


def _programs_made() -> tuple:
    from padu.programs.models import BeneficiaryDecree, Candidate, Cohort, Disbursement

    return (
        list(Cohort.objects.unscoped().values_list("pk", "state", "version")),
        Candidate.objects.unscoped().count(),
        list(BeneficiaryDecree.objects.unscoped().values_list("pk", "state")),
        Disbursement.objects.unscoped().count(),
    )


def _assert_programs() -> tuple:
    """The catalogue, and cohorts in several states brought there by the services and the demo's
    users: a training cohort approved by a decree (its PDF downloads), its candidates ranked with
    a waiting list, checked in the field, trained and equipped; a UEP cohort targeted; a KUBE
    cohort whose group was granted and paid; a draft. The leader's home page charts them."""
    from padu.core.models import AuditEntry
    from padu.programs.benefit_codes import DecreeState, GroupState
    from padu.programs.codes import CandidateState as S
    from padu.programs.codes import CohortState
    from padu.programs.models import (
        BeneficiaryDecree,
        BenefitGroup,
        Candidate,
        Cohort,
        Disbursement,
        EquipmentPackage,
        Program,
    )

    assert Program.objects.filter(code="PELATIHAN_DISABILITAS").exists()
    cohorts = {c.program.code: c for c in Cohort.objects.unscoped().select_related("program")}
    assert {code: c.state for code, c in cohorts.items()} == {
        "PELATIHAN_DISABILITAS": CohortState.APPROVED,
        "UEP_DISABILITAS": CohortState.TARGETED,
        "KUBE": CohortState.VERIFYING,  # its group members were checked in the field
        "PENA": CohortState.DRAFT,
    }
    training = cohorts["PELATIHAN_DISABILITAS"]
    assert training.rule_set.version == 2 and training.quotas.exists()
    candidates = Candidate.objects.unscoped().filter(cohort=training)
    assert candidates.filter(on_waiting_list=True).exists()
    states = set(candidates.values_list("state", flat=True))
    assert {S.REJECTED, S.DROPPED, S.VERIFIED, S.ENROLLED, S.DELIVERED, S.COMPLETED} <= states
    decrees = BeneficiaryDecree.objects.unscoped().filter(cohort=training)
    approved = decrees.get(state=DecreeState.APPROVED)
    assert approved.approved_by.username == "pimpinan"
    assert (
        approved.awards.count()
        == candidates.filter(state__in=[S.ENROLLED, S.DELIVERED, S.COMPLETED]).count()
    )
    assert decrees.filter(state=DecreeState.DRAFT).exists()  # the leader's next approval
    handed = EquipmentPackage.objects.unscoped().filter(handed_over_on__isnull=False)
    assert handed.exists() and not handed.exclude(course__isnull=False).exists()
    # Every step audited with the user who took it.
    actors = set(
        AuditEntry.objects.filter(action__startswith="programs.candidate.").values_list(
            "actor__username", flat=True
        )
    )
    assert {"operator", "pimpinan"} <= actors
    kube = BenefitGroup.objects.unscoped().get(state=GroupState.FUNDED)
    assert kube.members.count() >= 5
    assert Disbursement.objects.unscoped().get(group=kube).amount == kube.grant_amount
    assert BenefitGroup.objects.unscoped().filter(state=GroupState.FORMING).exists()

    client = Client()
    client.force_login(User.objects.get(username="pimpinan"))
    pdf = client.get(reverse("decrees:pdf", args=[approved.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    budget = {bar.label.split(" · ")[0]: bar.value for bar in home.context["program_budget"]}
    assert budget["PELATIHAN_DISABILITAS"] > 0 and budget["KUBE"] > 0
    reach = {chart.title: chart.bars for chart in home.context["program_reach"]}
    bars = reach[training.program.name]
    assert sum(bar.value for bar in bars) == approved.awards.count()
    assert all(bar.of for bar in bars)
    _assert_told_in_order(cohorts.values(), approved)
    return _programs_made()


def _assert_told_in_order(cohorts, approved) -> None:
    """The story's days follow each other: each cohort targeted before its candidates were
    checked in the field, the checks before the decree, the decree before the course; and each
    step recorded on the day it was done."""
    from django.utils.timezone import localdate

    from padu.programs.models import BeneficiaryDecree, Disbursement, FieldCheck, TrainingCourse

    for cohort in cohorts:
        if cohort.targeted_at is None:
            continue
        assert cohort.created_at <= cohort.targeted_at, cohort.name
        targeted = localdate(cohort.targeted_at)
        checks = list(FieldCheck.objects.unscoped().filter(candidate__cohort=cohort))
        for check in checks:
            assert targeted <= check.checked_on == localdate(check.created_at), cohort.name
        for decree in BeneficiaryDecree.objects.unscoped().filter(cohort=cohort):
            assert min(c.checked_on for c in checks) <= decree.decided_on, decree.number
        paid = Disbursement.objects.unscoped().filter(program=cohort.program)
        assert all(targeted <= p.paid_on == localdate(p.created_at) for p in paid), cohort.name
    [course] = TrainingCourse.objects.unscoped().filter(program=approved.cohort.program)
    assert approved.decided_on <= localdate(course.created_at) < course.starts_on


def _assert_desil_history_over_periods():
    """The demo's families have a desil in several years, each from its import, and some moved
    from one desil to another."""
    entries = DesilRecord.objects.unscoped().select_related("import_batch")
    years = {e.period.year for e in entries}
    assert {2023, 2024, 2025} <= years
    assert {e.kind for e in entries} == {DesilSource.IMPORT}
    assert len({e.import_batch.file_name for e in entries}) == 3
    desils: dict[int, set] = {}
    for e in entries:
        desils.setdefault(e.family_id, set()).add(e.desil)
    assert sum(len(d) > 1 for d in desils.values()) >= 5
    # The family's desil is its latest period's.
    latest = {}
    for e in entries.order_by("period"):
        latest[e.family_id] = (e.desil, e.period)
    for family in Family.objects.unscoped().filter(pk__in=list(latest)[:50]):
        assert (family.desil, family.desil_period) == latest[family.pk]


@pytest.mark.django_db
def test_demo_makes_change_requests_in_every_state_once():
    from padu.updates.codes import RequestState
    from padu.updates.models import ChangeRequest

    run_demo("--people", "0")
    states = set(ChangeRequest.objects.unscoped().values_list("state", flat=True))
    assert states == set(RequestState.values)
    made = ChangeRequest.objects.unscoped().count()
    sessions = _assert_two_muskel_sessions()
    run_demo("--people", "0")
    assert ChangeRequest.objects.unscoped().count() == made
    assert _assert_two_muskel_sessions() == sessions


def _assert_two_muskel_sessions() -> list:
    """The demo kelurahan's Muskel: one held, each item decided through the services and closed
    with its number (its Berita Acara downloads); one scheduled with attendees and an agenda, of
    which the kelurahan's PSM and TKSK were told."""
    from padu.notifications.models import Notification
    from padu.updates.codes import MuskelDecision, RequestState, SessionState
    from padu.updates.models import MuskelSession

    kelurahan = User.objects.get(username="kelurahan")
    held, planned = MuskelSession.objects.scoped(kelurahan).order_by("date")
    assert (held.state, planned.state) == (SessionState.DECIDED, SessionState.PLANNED)
    assert held.number and held.region_id == "13.71.01.1001"
    decisions = {i.decision for i in held.items.all()}
    assert decisions == {MuskelDecision.AGREED, MuskelDecision.REJECTED}
    assert not held.items.filter(decision="").exists()
    assert held.attendees.filter(present=True).count() >= held.quorum
    assert planned.attendees.exists()
    assert {i.request.state for i in planned.items.all()} == {RequestState.ON_AGENDA}
    told = Notification.objects.filter(kind="muskel_scheduled", recipient__username="psm")
    assert told.count() == 2
    client = Client()
    client.force_login(kelurahan)
    pdf = client.get(reverse("muskel:berita_acara", args=[held.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    return list(MuskelSession.objects.unscoped().values_list("pk", "state", "version"))


@pytest.mark.django_db
def test_demo_without_population_and_with_another_port():
    output = run_demo("--people", "0", "--port", "8123")
    assert "http://127.0.0.1:8123/" in output
    assert User.objects.filter(username__in=EXPECTED).count() == len(EXPECTED)


@pytest.mark.django_db
def test_demo_rejects_a_negative_population():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        run_demo("--people", "-1")


@pytest.mark.django_db
def test_demo_for_a_kabupaten_of_another_province():
    """Kabupaten Bandung (Jawa Barat): its tree, users over its kecamatan and desa, and a
    population living there, born in Bandung or nearby, first registered around it."""
    output = run_demo("--region", "32.04", "--people", "150")
    users = accounts()
    assert users["admin"][2] == {"32.04"}
    assert users["tksk"][2] == {"32.04.05"}  # its first kecamatan, Cileunyi
    (psm,) = users["psm"][2]
    assert Region.objects.get(code=psm).parent_id == "32.04.05"
    assert users["mitra"][3] == "Disdukcapil Kabupaten Bandung"
    assert users["operator"][3] == "Dinas Sosial Kabupaten Bandung"
    assert "32.04 Kabupaten Bandung" in output
    if not POPULATION_COMMANDS:
        return
    # The generated population (the demo's change requests register a few more).
    people = Person.objects.unscoped().filter(created_import__isnull=False)
    assert people.count() == 150
    assert not people.exclude(region__code__startswith="32.04.").exists()
    birth_places = set(people.values_list("birth_place", flat=True))
    assert "Bandung" in birth_places and "Padang" not in birth_places
    assert people.filter(nik__startswith="3204").count() > 100


def test_demo_rejects_a_region_outside_the_national_list():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"13\.71\.01"):
        run_demo("--region", "13.71.01")
