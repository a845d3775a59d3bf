"""The demo's programs (`padu demo`), made through the services by the demo's users as an office
would, so that the history and the audit trail tell how each came to be:

- the catalogue seeded (seed.py);
- a training cohort (Pelatihan Keterampilan Penyandang Disabilitas) under a second version of its
  rules, targeted per kecamatan with a waiting list; its candidates checked in the field by the
  PSM, TKSK or operator of their area (one not found, one who gave up his place to the first of
  the waiting list), approved by a decree the leader approved, enrolled in a course whose
  attendance was recorded day by day, paid their transport by transfer, completed with
  certificates, their sewing kits handed over (one still enrolled: he missed too many days);
  and a second decree waiting for the leader;
- a UEP cohort targeted, its candidates not yet checked;
- a KUBE cohort being verified, whose checked candidates formed a group, granted and paid to its
  bank account, and a second group still forming;
- a PENA cohort still a draft.

Told in one run, the story took weeks: each step runs on its own day (`_Demo.on`), so that the
targeting comes before the field checks, the checks before the decree, the decree before the
course, and each record's times and audit entries say the day it was done.

Deterministic (the same population gives the same cohorts: ranks break ties by id) and small
(a few dozen candidates whatever the population's size). Safe to repeat: nothing is made when
the demo's operator has made cohorts already."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone

from padu.accounts.models import RegionScope
from padu.core.scoping import within
from padu.periods.models import Period
from padu.regions.models import Region
from padu.registry.codes import LifeStatus, Relationship
from padu.registry.models import Person

from .benefit_codes import OFFICERS, BusinessType, Channel, GroupKind, GroupRole, InstitutionKind
from .models import BenefitGroup, Candidate, Cohort, Program
from .seed import programs_seed
from .services.benefits import disbursement_record, package_hand_over, package_record
from .services.cohorts import candidate_drop, cohort_save, cohort_target
from .services.decrees import decree_approve, decree_prepare
from .services.field_checks import field_check_record
from .services.groups import (
    MIN_MEMBERS,
    group_create,
    group_form,
    group_grant_approve,
    group_member_add,
)
from .services.rules import rule_set_create
from .services.training import (
    attendance_record,
    course_create,
    course_participant_add,
    participant_complete,
)

# A photo of a visit, a handover or a transfer slip (a JPEG's signature is all the check reads).
PHOTO = ("foto.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 60)
KECAMATAN_CODE = 8  # "13.71.01"
QUOTA_AREAS = 6
TRAINING_RULES = {
    "all": [
        {
            "any": [
                {"field": "disability_type", "op": "not_empty"},
                {"field": "family.desil", "op": "between", "value": [1, 4]},
            ]
        },
        {"field": "age", "op": "between", "value": [18, 59]},
    ]
}
COURSE_DAYS = 12
# The days (before today) the stories begin: the training cohort's targeting, the KUBE's.
TRAINING_TARGETED, KUBE_TARGETED = 25, 20
KIT = [
    {"name": "Mesin jahit portabel", "quantity": 1, "unit_value": "2750000"},
    {"name": "Gunting dan perlengkapan jahit", "quantity": 1, "unit_value": "250000"},
]
GRANT = "20000000"


@dataclass
class Made:
    cohorts: int = 0
    candidates: int = 0
    decrees: int = 0
    groups: int = 0


def demo_programs(users: dict, *, office: str) -> Made:
    """`users`: the demo's users by name (operator, pimpinan, tksk, psm, psm2); `office`: the
    demo office's region code."""
    programs_seed(actor=None)
    made = Made()
    operator = users["operator"]
    if Cohort.objects.unscoped().filter(created_by=operator).exists():
        return made
    today = timezone.localdate()
    # The story's staff held their areas when it began (the demo made their scopes today).
    began = today - datetime.timedelta(days=max(TRAINING_TARGETED, KUBE_TARGETED))
    RegionScope.objects.filter(user__in=users.values(), valid_from__gt=began).update(
        valid_from=began
    )
    programs = {p.code: p for p in Program.objects.all()}
    areas = _quota_areas(users, office)
    demo = _Demo(users, office, today, made)

    training = demo.targeted(
        programs["PELATIHAN_DISABILITAS"],
        f"Pelatihan Menjahit Angkatan I {today.year}",
        days_ago=TRAINING_TARGETED,
        quotas=dict.fromkeys(areas, 2),
        rules=TRAINING_RULES,
    )
    demo.training(training)
    demo.targeted(
        programs["UEP_DISABILITAS"], f"UEP Disabilitas {today.year}", days_ago=0, quota_total=20
    )
    kube = demo.targeted(
        programs["KUBE"],
        f"KUBE {today.year} Tahap I",
        days_ago=KUBE_TARGETED,
        quotas=dict.fromkeys(areas, 10),
    )
    demo.groups(kube)
    cohort_save(
        actor=operator,
        program=programs["PENA"],
        name=f"PENA {today.year} (rencana)",
        region_code=office,
        quota_total=25,
    )
    made.cohorts += 1
    return made


def _quota_areas(users: dict, office: str) -> list[str]:
    """The TKSK's kecamatan, then those of the office where most people live."""
    counts = (
        Person.objects.scoped(users["operator"])
        .annotate(kecamatan=Substr("region_id", 1, KECAMATAN_CODE))
        .values("kecamatan")
        .annotate(n=Count("pk"))
        .order_by("-n", "kecamatan")
    )
    areas = [k for k in users["tksk"].scope_codes() if within(k, office)]
    for row in counts:
        if len(areas) >= QUOTA_AREAS:
            break
        if row["kecamatan"] not in areas:
            areas.append(row["kecamatan"])
    return [a for a in areas if Region.objects.filter(code=a).exists()]


class _Demo:
    def __init__(self, users: dict, office: str, today: datetime.date, made: Made):
        self.users, self.office, self.today, self.made = users, office, today, made
        self.operator, self.pimpinan = users["operator"], users["pimpinan"]
        self.period = Period.objects.filter(status=Period.Status.CLOSED).order_by("-month").first()
        self.place = Region.objects.get(code=office).name.removeprefix("Kota ")

    def day(self, days_ago: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days_ago)

    @contextmanager
    def on(self, days_ago: int) -> Iterator[None]:
        """Run a step of the story `days_ago` days before today: the services stamp what they
        write (a cohort's targeting, created and updated times, the audit trail) with
        `timezone.now()`, and refuse days after `timezone.localdate()`. Only the demo's own
        run, before anything serves, moves the clock, and puts it back."""
        real = timezone.now
        timezone.now = lambda: real() - datetime.timedelta(days=days_ago)
        try:
            yield
        finally:
            timezone.now = real

    def targeted(self, program, name, *, days_ago: int, rules=None, **quotas) -> Cohort:
        with self.on(days_ago):
            rule_set = None
            if rules is not None:
                rule_set = rule_set_create(
                    actor=self.operator,
                    program=program,
                    tree=rules,
                    note="Angkatan ini: penyandang disabilitas atau warga desil 1–4, usia 18–59.",
                )
            cohort = cohort_save(
                actor=self.operator, program=program, name=name, region_code=self.office, **quotas
            )
            cohort = cohort_target(actor=self.operator, cohort=cohort, rule_set=rule_set)
        self.made.cohorts += 1
        self.made.candidates += (
            Candidate.objects.scoped(self.operator).filter(cohort=cohort).count()
        )
        return cohort

    def places(self, cohort: Cohort) -> list[Candidate]:
        return list(
            Candidate.objects.scoped(self.operator)
            .filter(cohort=cohort, on_waiting_list=False, state="candidate")
            .order_by("quota_area", "rank", "pk")
        )

    def checker(self, candidate: Candidate):
        """The PSM, else the TKSK, of the candidate's area; elsewhere the Dinsos operator."""
        for name in ("psm", "psm2", "tksk"):
            if any(within(candidate.region_id, s) for s in self.users[name].scope_codes()):
                return self.users[name]
        return self.operator

    def check(self, candidate: Candidate, *, days_ago: int, found: bool = True) -> None:
        with self.on(days_ago):
            field_check_record(
                actor=self.checker(candidate),
                candidate=candidate,
                checked_on=self.day(days_ago),
                found=found,
                conditions_met=True,
                willing=True,
                note="" if found else "Tidak ditemukan di alamat; menurut tetangga sudah pindah.",
                photos=[PHOTO] if found else [],
            )

    def decree(self, cohort: Cohort, number: int, *, days_ago: int):
        with self.on(days_ago):
            return decree_prepare(
                actor=self.operator,
                cohort=cohort,
                number=f"400.9/{number:03d}/SK-PLT/DINSOS/{self.today.year}",
                decided_on=self.day(days_ago),
                period=self.period,
                amount="3500000",
                place=self.place,
                signer_function="Kepala Dinas Sosial",
                signer_name="Drs. Syahrial Tanjung, M.Si",
            )

    def training(self, cohort: Cohort) -> None:
        """Field checks, the decree, the course, its certificates and kits, a second decree."""
        places = self.places(cohort)
        if len(places) < 3 or self.period is None:
            return
        self.check(places[0], days_ago=22, found=False)
        with self.on(22):
            promoted = candidate_drop(
                actor=self.operator,
                candidate=places[1],
                reason="Mengundurkan diri: sudah bekerja di pabrik garmen.",
            )
        rest = places[2:] + ([promoted] if promoted else [])
        first, later = (rest[:-1], rest[-1]) if len(rest) > 1 else (rest, None)
        for candidate in first:
            self.check(candidate, days_ago=21)
        decree = self.decree(cohort, 1, days_ago=19)
        with self.on(19):
            decree_approve(actor=self.pimpinan, decree=decree)
        self.made.decrees += 1
        starts = COURSE_DAYS + 4
        with self.on(starts + 2):
            course = course_create(
                actor=self.operator,
                program=cohort.program,
                region=self.office,
                institution_kind=InstitutionKind.LPK,
                name=cohort.name,
                skill="Menjahit",
                institution_name="LPK Karya Mandiri",
                place="Aula UPTD Rehabilitasi Sosial",
                starts_on=self.day(starts),
                ends_on=self.day(5),
            )
            joined = [
                course_participant_add(actor=self.operator, course=course, candidate=c)
                for c in first
            ]
        # The last participant missed the first five days: too few to complete the course.
        poor = joined[-1] if len(joined) > 1 else None
        for n in range(COURSE_DAYS):
            present = [p.pk for p in joined if not (p is poor and n < 5)]
            with self.on(starts - n):
                attendance_record(
                    actor=self.operator,
                    course=course,
                    day=self.day(starts - n),
                    present_ids=present,
                )
        # Those who attended were paid their transport (which delivers their benefit); all of
        # them but the last have their certificate and kit (the last graduate's kit waits for
        # its handover); the last one's certificate is still to come.
        attended = [p for p in joined if p is not poor]
        with self.on(5):
            for n, participant in enumerate(attended, start=1):
                disbursement_record(
                    actor=self.operator,
                    candidate=participant.candidate,
                    amount="300000",
                    paid_on=self.day(5),
                    channel=Channel.TRANSFER,
                    reference=f"TRF-{self.day(5):%Y%m%d}-{n:04d}",
                    note="Uang transport selama pelatihan.",
                )
        graduates = attended[:-1] if len(attended) > 1 else attended
        packages = []
        with self.on(4):
            for n, participant in enumerate(graduates, start=1):
                participant_complete(
                    actor=self.operator,
                    participant=participant,
                    certificate_number=f"{n:03d}/LPK-KM/{self.today.year}",
                    completed_on=self.day(4),
                )
                items = [{**KIT[0], "serial_numbers": f"MJ-{self.today.year}-{n:04d}"}, KIT[1]]
                packages.append(
                    package_record(
                        actor=self.operator,
                        candidate=participant.candidate,
                        course=course,
                        items=items,
                    )
                )
        with self.on(2):
            for package in packages[:-1]:
                package_hand_over(
                    actor=self.operator, package=package, handed_over_on=self.day(2), photos=[PHOTO]
                )
        if later is not None:
            self.check(later, days_ago=1)
            self.decree(cohort, 2, days_ago=0)  # waits for the leader
            self.made.decrees += 1

    def groups(self, cohort: Cohort) -> None:
        """A KUBE formed of candidates of one kecamatan, granted and paid; a second forming."""
        kecamatan = self._by_candidates(cohort)
        if not kecamatan:
            return
        members = self._members(cohort, kecamatan[0], 7)
        first = self._group(
            cohort.program,
            kecamatan[0],
            "KUBE Maju Bersama",
            BusinessType.FOOD,
            members=members,
            days_ago=13,
        )
        if first is None or len(members) < MIN_MEMBERS:
            return
        with self.on(12):
            group_form(actor=self.operator, group=first)
        with self.on(10):
            group_grant_approve(
                actor=self.pimpinan, group=first, amount=GRANT, approved_on=self.day(10)
            )
        with self.on(7):
            disbursement_record(
                actor=self.operator,
                group=first,
                amount=GRANT,
                paid_on=self.day(7),
                channel=Channel.GROUP_ACCOUNT,
                reference=f"TRF-{self.day(7):%Y%m%d}-0002",
                note="Bantuan modal usaha KUBE.",
                proofs=[PHOTO],
            )
        if len(kecamatan) > 1:
            self._group(
                cohort.program,
                kecamatan[1],
                "KUBE Sejahtera",
                BusinessType.CRAFT,
                members=self._members(cohort, kecamatan[1], 3),
                days_ago=3,
            )

    def _by_candidates(self, cohort: Cohort) -> list[str]:
        rows = (
            Candidate.objects.scoped(self.operator)
            .filter(cohort=cohort)
            .annotate(kecamatan=Substr("region_id", 1, KECAMATAN_CODE))
            .values("kecamatan")
            .annotate(n=Count("pk"))
            .order_by("-n", "kecamatan")
        )
        return [r["kecamatan"] for r in rows]

    def _members(self, cohort: Cohort, kecamatan: str, size: int) -> list[Person]:
        """The cohort's candidates of `kecamatan` (checked in the field first), then heads of
        other families there: one a family."""
        people = Person.objects.scoped(self.operator)
        chosen, families = [], set()
        candidates = (
            Candidate.objects.scoped(self.operator)
            .filter(cohort=cohort, region__code__startswith=f"{kecamatan}.", on_waiting_list=False)
            .select_related("person")
            .order_by("rank", "pk")
        )
        for c in candidates:
            if len(chosen) < size and c.person.family_id not in families:
                self.check(c, days_ago=14)
                chosen.append(c.person)
                families.add(c.person.family_id)
        heads = people.filter(
            region__code__startswith=f"{kecamatan}.",
            relationship=Relationship.HEAD,
            life_status=LifeStatus.ACTIVE,
        ).order_by("pk")
        for person in heads:
            if len(chosen) >= size:
                break
            if person.family_id not in families:
                chosen.append(person)
                families.add(person.family_id)
        return chosen

    def _group(
        self, program, kecamatan, name, business, *, members, days_ago: int
    ) -> BenefitGroup | None:
        if len(members) < len(OFFICERS):
            return None
        roles = [*OFFICERS, *[GroupRole.MEMBER] * (len(members) - len(OFFICERS))]
        with self.on(days_ago):
            group = group_create(
                actor=self.operator,
                program=program,
                kind=GroupKind.KUBE,
                kecamatan=kecamatan,
                name=name,
                business_type=business,
                address=f"Sekretariat {name}",
                bank_name="Bank Nagari",
                bank_account_number=f"1100-{kecamatan.replace('.', '')[-4:]}-{len(members):04d}",
                bank_account_holder=name,
            )
            for person, role in zip(members, roles, strict=True):
                group_member_add(actor=self.operator, group=group, person=person, role=role)
        self.made.groups += 1
        return group
