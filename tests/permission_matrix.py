"""The permission matrix: one row per page (URL name and HTTP method) of the web interface.

`tests/test_permission_matrix.py` walks the whole URLconf and fails for any named URL without a
row here, then requests every row as: anonymous, and for every role a user whose area holds the
row's object ("own") and a user of the same role whose area does not ("other"). It asserts

* anonymous → redirect to the login page (or `anonymous=` status for public pages);
* a role without the row's capability → 403;
* another region → 404, the same answer as for a missing object (or `other_region=` status);
* allowed → `ok` (200 unless the page documents a redirect; `ok_location` checks where to);
* for every denial (login, 403, 404, or an `other_region` refusal) nothing changed: the counts
  and key fields in `state()` are the same before and after.

Adding a page = adding a row. A row's fields:

    Row("registry:family_edit",            # URL name
        Cap.REGISTRY_EDIT,                  # Cap.X, a tuple (all needed), ANY_USER or PUBLIC
        method="POST",                      # GET (read) or POST (write)
        target=FAMILY,                      # what the URL's kwargs point at (see TARGETS)
        data=lambda w: {...},               # the POST body (w: the World of test objects)
        ok=302, ok_location=...,            # what an allowed user gets
        placeholder=True)                   # view not built yet: every signed-in user gets 404

`placeholder=True` is for the registry pages that still raise 404 for everyone; when a view
lands, its rows fail with "the view has landed" until the flag goes. New objects for kwargs or
data go into `World` as cached properties (built only when a row uses them), built in the "own"
region KEL_A. Models whose rows must not change on denial go into `state()`.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from padu.accounts.capabilities import Cap, Role
from padu.accounts.models import ApiToken, RegionScope, User
from padu.core.models import AuditEntry
from padu.notifications.models import Notification
from padu.notifications.services import notify
from padu.periods import months
from padu.periods.models import Period
from padu.programs.models import (
    BeneficiaryDecree,
    BenefitGroup,
    BenefitProof,
    Candidate,
    Cohort,
    Disbursement,
    EquipmentItem,
    EquipmentPackage,
    GroupMember,
    Program,
    ProgramCompatibility,
    RuleSet,
    TrainingCourse,
    TrainingParticipant,
)
from padu.programs.services.decrees import decree_prepare
from padu.registry.importer.layout import COLUMNS
from padu.registry.models import (
    DesilRecord,
    Family,
    ImportBatch,
    Person,
    PersonDisability,
    PPKSAssessment,
    PPKSCategory,
)
from padu.updates.codes import MemberPresence, RequestState
from padu.updates.models import ChangeRequest, MuskelAttendee, RequestEvidence, VerificationTask
from padu.welfare.defaults import default_weights
from padu.welfare.models import Recompute, WeightSet
from padu.welfare.services import weight_name
from padu.welfare.weights import active_weight_set
from tests.factories import (
    JPEG_BYTES,
    KEC_A,
    KEC_B,
    KEL_A,
    KEL_B,
    KOTA,
    CandidateFactory,
    ChangeRequestFactory,
    CohortFactory,
    FamilyFactory,
    MuskelAttendeeFactory,
    MuskelSessionFactory,
    PersonDisabilityFactory,
    PersonFactory,
    ProgramFactory,
    RequestEvidenceFactory,
    RuleSetFactory,
    VerificationTaskFactory,
    make_user,
)
from tests.programs.helpers import candidate_in, closed_period

ANY_USER = "any signed-in user"
PUBLIC = "public (no login)"
LOGIN = "redirect to login"
STRONG_PASSWORD = "Tanjung-Priok-2025"
FACTORY_PASSWORD = "rahasia-padu-123"

# The actors: "own" users hold KEL_A (where every target lives); "other" users hold a region of
# the same level elsewhere. A role without a region (mitra) has no "other" variant.
OWN_SCOPE = {
    Role.ADMIN: KOTA,
    Role.OPERATOR: KOTA,
    Role.PIMPINAN: KOTA,
    Role.TKSK: KEC_A,
    Role.PSM: KEL_A,
    Role.KELURAHAN: KEL_A,
    Role.MITRA: None,
    Role.PRIVACY: KOTA,
}
OTHER_SCOPE = {
    Role.ADMIN: KEC_B,
    Role.OPERATOR: KEC_B,
    Role.PIMPINAN: KEC_B,
    Role.TKSK: KEC_B,
    Role.PSM: KEL_B,
    Role.KELURAHAN: KEL_B,
    Role.PRIVACY: KEC_B,
}

# URL prefixes the matrix does not cover, each with the reason.
EXCLUDED = {
    "django-admin/": "Django's own admin site: superusers only, guarded by Django itself",
    "api/": "the REST API has its own permission matrix in tests/api/test_permissions.py, and its "
    "JSON 404 for any other address under api/ its tests in tests/api/test_always_json.py",
}


class World:
    """Objects the URLs point at, all inside KEL_A, built lazily for the rows that use them."""

    def __init__(self, actor=None):
        self.actor = actor

    @cached_property
    def user_in_area(self) -> User:
        return make_user(Role.PSM, scope=KEL_A, username="matrix_psm_target")

    @cached_property
    def family(self) -> Family:
        family = FamilyFactory(region_id=KEL_A)
        PersonFactory(family=family)
        return family

    @cached_property
    def neighbour(self) -> Family:
        """Another family of KEL_A, to share a dwelling with `family`."""
        return FamilyFactory(region_id=KEL_A)

    @cached_property
    def person(self) -> Person:
        return Person.objects.unscoped().filter(family=self.family).first()

    @cached_property
    def disability(self) -> PersonDisability:
        return PersonDisabilityFactory(person=self.person)

    @cached_property
    def ppks(self) -> PPKSCategory:
        return PPKSCategory.objects.order_by("code").first() or PPKSCategory.objects.create(
            code=1, name="Anak Balita Terlantar"
        )

    @cached_property
    def change_request(self) -> ChangeRequest:
        """A PSM's draft: the removal of `family`, which moved away."""
        return ChangeRequestFactory(
            family=self.family, state="draft", removal_reason="pindah", submitted_at=None
        )

    @cached_property
    def muskel_session(self):
        """A Muskel of KEL_A, scheduled, with one attendee."""
        return MuskelAttendeeFactory(session=MuskelSessionFactory(region_id=KEL_A)).session

    @cached_property
    def evidence(self) -> RequestEvidence:
        return RequestEvidenceFactory(request=self.change_request)

    @cached_property
    def submitted_request(self):
        """A submitted request about `family`, waiting for a PSM."""
        return ChangeRequestFactory(family=self.family, state=RequestState.SUBMITTED)

    @cached_property
    def task(self) -> VerificationTask:
        """An open verification task about `family`: the acting PSM's own, if he is one."""
        mine = self.actor is not None and self.actor.has_capability(Cap.REQUEST_VERIFY)
        extra = {"assignee": self.actor} if mine else {}
        return VerificationTaskFactory(
            request=ChangeRequestFactory(family=self.family, state=RequestState.FIELD_VERIFICATION),
            **extra,
        )

    def checklist(self) -> dict:
        """A whole verification form for `task`: found, each member living there, a photo."""
        return {
            "version": self.task.version,
            "found": "true",
            "dukcapil_match": "padan",
            f"member_{self.person.pk}": MemberPresence.LIVES_HERE,
            "photos": SimpleUploadedFile("rumah.jpg", JPEG_BYTES, "image/jpeg"),
        }

    @cached_property
    def notification(self) -> Notification:
        """A notification of the acting user (or of someone, for an anonymous visitor)."""
        recipient = self.actor or make_user(Role.PSM, scope=KEL_A, username="matrix_reader")
        return notify(recipient=recipient, kind="task_due_soon", params=NOTICE_PARAMS)

    @cached_property
    def welfare_job(self):
        """A finished recomputation of the welfare scores."""
        from padu.welfare.services import recompute_now

        return recompute_now()

    @cached_property
    def import_batch(self) -> ImportBatch:
        """A finished import of the city, with an error report to download."""
        owner = make_user(Role.OPERATOR, scope=KOTA, username="matrix_importer")
        report = Path(settings.MEDIA_ROOT) / "imports" / "matrix" / "laporan-matrix.csv"
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(
            "baris,kolom,tingkat,kode,pesan\n2,nik,kesalahan,length,NIK harus 16 digit\n"
        )
        return ImportBatch.objects.create(
            created_by=owner,
            region_id=KOTA,
            file_name="dtsen.csv",
            file_sha256="0" * 64,
            status=ImportBatch.Status.DONE,
            error_rows=1,
            error_report=str(report),
        )

    @cached_property
    def closed_period(self) -> Period:
        """Last month, closed by the system (a family of KEL_A in it)."""
        from padu.periods.services import period_close

        self.family  # noqa: B018 -- someone to freeze
        last = months.preceding(months.current())
        return period_close(actor=None, month=last, run_now=True)

    # Programs after the targeting (tests/programs/helpers.py builds the same objects).
    def _candidate(self, state: str, **kwargs):
        return CandidateFactory(person=self.person, state=state, **kwargs)

    @cached_property
    def approved_candidate(self):
        return self._candidate("approved")

    @cached_property
    def enrolled_candidate(self):
        """An enrolled beneficiary granted Rp 5.000.000 by an approved decree."""
        return candidate_in("enrolled", amount=5_000_000, person=self.person)

    @cached_property
    def decree(self):
        """A draft decree of a cohort drawn from KEL_A, with one verified candidate. (A city's
        decree is seen only by users whose area holds the whole city.)"""
        candidate = self._candidate("verified", cohort=CohortFactory(region_id=KEL_A))
        return decree_prepare(
            actor=make_user(Role.OPERATOR, scope=KOTA, username="matrix_decree_maker"),
            cohort=candidate.cohort,
            number="400/MATRIX/2026",
            decided_on=datetime.date(2026, 1, 10),
            period=closed_period(),
            amount="5000000",
            place="Padang",
            signer_function="Kepala Dinas Sosial",
        )

    @cached_property
    def package(self):
        c = self.enrolled_candidate
        package = EquipmentPackage.objects.create(
            program_id=c.cohort.program_id, candidate=c, region_id=c.region_id
        )
        EquipmentItem.objects.create(package=package, name="Kit", quantity=1, unit_value=100)
        return package

    @cached_property
    def proof(self):
        c = self.enrolled_candidate
        payment = Disbursement.objects.create(
            program_id=c.cohort.program_id,
            candidate=c,
            region_id=c.region_id,
            amount=1,
            paid_on=datetime.date(2026, 1, 10),
            channel="transfer",
        )
        proof = BenefitProof(
            disbursement=payment,
            region_id=c.region_id,
            kind="foto",
            original_name="slip.jpg",
            content_type="image/jpeg",
            size=len(JPEG_BYTES),
            sha256="0" * 64,
        )
        proof.file.save("matrix.jpg", ContentFile(JPEG_BYTES), save=True)
        return proof

    @cached_property
    def group(self):
        """A KUBE of KEC_A being formed."""
        return BenefitGroup.objects.create(
            program=ProgramFactory(target_unit="group"),
            kind="kube",
            name="KUBE Matrix",
            region_id=KEC_A,
            business_type="food",
        )

    @cached_property
    def course(self):
        """A city's training course with the approved candidate's program."""
        return TrainingCourse.objects.create(
            program_id=self.approved_candidate.cohort.program_id,
            name="Menjahit angkatan I",
            skill="Menjahit",
            institution_kind="lpk",
            institution_name="LPK Matrix",
            place="Padang",
            region_id=KOTA,
            starts_on=datetime.date(2026, 1, 5),
            ends_on=datetime.date(2026, 1, 30),
        )

    @cached_property
    def program(self) -> Program:
        return RuleSetFactory(program=ProgramFactory(code="MATRIX")).program

    @cached_property
    def other_program(self) -> Program:
        return ProgramFactory(code="MATRIX2")

    @cached_property
    def cohort(self) -> Cohort:
        """A cohort of kecamatan KEC_A, targeted: `person` holds a place."""
        cohort = Cohort.objects.create(
            program=self.program,
            name="Angkatan Matrix",
            region_id=KEC_A,
            rule_set=self.program.rule_sets.get(),
            state="targeted",
        )
        Candidate.objects.create(cohort=cohort, person=self.person, region_id=KEL_A, rank=1)
        return cohort

    @cached_property
    def candidate(self) -> Candidate:
        return Candidate.objects.unscoped().get(cohort=self.cohort, person=self.person)

    @property
    def import_file(self) -> SimpleUploadedFile:
        """A small CSV in the import layout: its headings and the example row."""
        lines = [",".join(c.name for c in COLUMNS), ",".join(c.example for c in COLUMNS)]
        return SimpleUploadedFile("matrix.csv", "\n".join(lines).encode(), "text/csv")

    def token_of(self, user) -> ApiToken:
        from padu.accounts.tokens import token_create

        return token_create(actor=user, name="matrix")[0]

    @cached_property
    def own_token(self) -> ApiToken:
        """The acting user's token; for an actor who may hold none, someone else's."""
        if self.actor is not None and self.actor.has_capability(Cap.API_USE):
            return self.token_of(self.actor)
        return self.someone_elses_token

    @cached_property
    def someone_elses_token(self) -> ApiToken:
        return self.token_of(make_user(Role.OPERATOR, scope=KOTA, username="matrix_token_owner"))


@dataclass(frozen=True)
class Target:
    """What a URL's kwargs point at. `own(world)` builds kwargs for an object inside the "own"
    area (or belonging to the acting user); `scoped=False` for data without a region (reference
    tables), which every area sees alike."""

    name: str
    own: Callable[[World], dict]
    scoped: bool = True


CHANGE_REQUEST = Target("a change request in KEL_A", lambda w: {"pk": w.change_request.pk})
SUBMIT = Target(
    "the submission of a change request in KEL_A",
    lambda w: {"pk": w.change_request.pk, "name": "submit"},
)
MUSKEL = Target("a Muskel of KEL_A", lambda w: {"pk": w.muskel_session.pk})
EVIDENCE = Target("a photo of a change request in KEL_A", lambda w: {"pk": w.evidence.pk})
NOTICE_PARAMS = {"receipt": "ABCDEFGH23", "kelurahan": "Belakang Pondok", "due": "1 Mei 2026"}
SUBMITTED_REQUEST = Target(
    "a submitted change request in KEL_A", lambda w: {"request_pk": w.submitted_request.pk}
)
TASK = Target("a verification task in KEL_A", lambda w: {"pk": w.task.pk})
# Every user reads only his own notifications, wherever he works.
NOTIFICATION = Target("the acting user's notification", lambda w: {"pk": w.notification.pk}, False)
USER_IN_AREA = Target("a user working in KEL_A", lambda w: {"pk": w.user_in_area.pk})
REGION = Target("the kelurahan KEL_A", lambda w: {"code": KEL_A})
FAMILY = Target("a family in KEL_A", lambda w: {"pk": w.family.pk})
PERSON = Target("a person in KEL_A", lambda w: {"pk": w.person.pk})
DISABILITY = Target("a disability record of a person in KEL_A", lambda w: {"pk": w.disability.pk})
DWELLING = Target("a dwelling in KEL_A", lambda w: {"pk": w.family.dwelling_id})
IMPORT_BATCH = Target("an import by a city operator", lambda w: {"pk": w.import_batch.pk})
PPKS = Target("a PPKS category", lambda w: {"pk": w.ppks.pk}, scoped=False)
# A file received for its columns to be matched is known to its uploader's session only: for
# anyone else (every matrix user) its page is missing.
RECEIVED_FILE = Target("a received file of another session", lambda w: {"token": "0" * 32}, False)
WEIGHTS_V1 = Target(
    "version 1 of the welfare weights",
    lambda w: {"number": active_weight_set().version},
    scoped=False,
)
WELFARE_JOB = Target(
    "a recomputation of the welfare scores", lambda w: {"pk": w.welfare_job.pk}, scoped=False
)
PROGRAM = Target("a program of the catalogue", lambda w: {"pk": w.program.pk}, scoped=False)
COHORT = Target("a cohort of KEC_A", lambda w: {"pk": w.cohort.pk})
EXPLANATION = Target(
    "a person of KEL_A in a cohort of KEC_A",
    lambda w: {"pk": w.cohort.pk, "person_pk": w.person.pk},
)
CANDIDATE = Target("a candidate of KEL_A", lambda w: {"pk": w.candidate.pk})
PERIOD = Target(
    "a closed period (the whole office's)", lambda w: {"month": w.closed_period.month}, False
)
APPROVED = Target("an approved beneficiary in KEL_A", lambda w: {"pk": w.approved_candidate.pk})
ENROLLED = Target("an enrolled beneficiary in KEL_A", lambda w: {"pk": w.enrolled_candidate.pk})
DECREE = Target("a draft decree of a cohort of KEL_A", lambda w: {"pk": w.decree.pk})
PACKAGE = Target("an equipment package in KEL_A", lambda w: {"pk": w.package.pk})
PROOF = Target("a disbursement's proof in KEL_A", lambda w: {"pk": w.proof.pk})
GROUP = Target("a KUBE of KEC_A", lambda w: {"pk": w.group.pk})
COURSE = Target("a training course of the city", lambda w: {"pk": w.course.pk})
# The acting user's own token; "other" means a token of someone else.
OWN_TOKEN = Target(
    "the user's own API token",
    lambda w: {"pk": w.own_token.pk},
    scoped=False,
)
SOMEONE_ELSES_TOKEN = Target(
    "another user's API token", lambda w: {"pk": w.someone_elses_token.pk}, scoped=False
)


@dataclass(frozen=True)
class Row:
    name: str
    capability: str | tuple[str, ...]
    method: str = "GET"
    target: Target | None = None
    data: Callable[[World], dict] | None = None
    ok: int = 200
    ok_location: Callable[[World], str] | None = None
    anonymous: str | int = LOGIN
    other_region: int | None = None  # default: 404 for a scoped target, else the same as "own"
    placeholder: bool = False
    label: str = ""  # tells apart two rows of the same URL and method

    @property
    def id(self) -> str:
        return ":".join(filter(None, (self.name, self.method, self.label)))

    @property
    def capabilities(self) -> tuple[str, ...]:
        if self.capability in (ANY_USER, PUBLIC):
            return ()
        return self.capability if isinstance(self.capability, tuple) else (self.capability,)

    @property
    def write(self) -> bool:
        return self.method != "GET"


def _url(name, **kwargs):
    from django.urls import reverse

    return lambda w: reverse(
        name, kwargs={k: v(w) if callable(v) else v for k, v in kwargs.items()}
    )


def _new_user_data(w):
    return {
        "username": "matrix_new_user",
        "first_name": "Baru",
        "role": Role.PSM,
        "regions": [KEL_A],
        "password": STRONG_PASSWORD,
    }


def _edit_user_data(w):
    return {"first_name": "Diubah", "role": Role.PSM, "regions": [KEL_A], "reason": "matrix"}


ROWS: list[Row] = [
    # core
    Row("core:home", ANY_USER),
    Row(
        "core:set_language",
        PUBLIC,
        method="POST",
        data=lambda w: {"language": "en", "next": "/"},
        ok=302,
        anonymous=302,
    ),
    Row("core:audit", Cap.AUDIT_VIEW),
    Row("core:audit_export", Cap.AUDIT_VIEW),
    Row("core:access", Cap.ACCESS_LOG_VIEW),
    Row("core:access_export", Cap.ACCESS_LOG_VIEW),
    Row("core:person_access", (Cap.ACCESS_LOG_VIEW, Cap.REGISTRY_VIEW), target=PERSON),
    # accounts: authentication
    Row("accounts:login", PUBLIC, anonymous=200, ok=302, ok_location=_url("core:home")),
    Row(
        "accounts:login",
        PUBLIC,
        method="POST",
        data=lambda w: {"username": "nobody", "password": "wrong-password"},
        anonymous=200,
        ok=302,
        ok_location=_url("core:home"),
    ),
    Row("accounts:logout", ANY_USER, method="POST", ok=302, ok_location=_url("accounts:login")),
    Row("accounts:password_change", ANY_USER),
    Row(
        "accounts:password_change",
        ANY_USER,
        method="POST",
        data=lambda w: {
            "old_password": FACTORY_PASSWORD,
            "new_password1": STRONG_PASSWORD,
            "new_password2": STRONG_PASSWORD,
        },
        ok=302,
        ok_location=_url("core:home"),
    ),
    # accounts: user management
    Row("accounts:user_list", Cap.USERS_MANAGE),
    Row("accounts:user_export", Cap.USERS_MANAGE),
    Row("accounts:user_create", Cap.USERS_MANAGE),
    Row(
        "accounts:user_create",
        Cap.USERS_MANAGE,
        method="POST",
        data=_new_user_data,
        ok=302,
        # An admin of another area cannot grant KEL_A: the form comes back, nothing is created.
        other_region=200,
    ),
    Row("accounts:user_detail", Cap.USERS_MANAGE, target=USER_IN_AREA),
    Row(
        "accounts:user_detail",
        Cap.USERS_MANAGE,
        method="POST",
        target=USER_IN_AREA,
        data=_edit_user_data,
        ok=302,
        ok_location=_url("accounts:user_detail", pk=lambda w: w.user_in_area.pk),
    ),
    Row(
        "accounts:user_toggle_active",
        Cap.USERS_MANAGE,
        method="POST",
        target=USER_IN_AREA,
        data=lambda w: {"active": "0", "reason": "matrix"},
        ok=302,
        ok_location=_url("accounts:user_detail", pk=lambda w: w.user_in_area.pk),
    ),
    Row(
        "accounts:user_reset_password",
        Cap.USERS_MANAGE,
        method="POST",
        target=USER_IN_AREA,
        data=lambda w: {"password": STRONG_PASSWORD},
        ok=302,
        ok_location=_url("accounts:user_detail", pk=lambda w: w.user_in_area.pk),
    ),
    # accounts: API tokens (a user's own; "other" = someone else's token)
    Row("accounts:token_list", Cap.API_TOKENS),
    Row(
        "accounts:token_list",
        Cap.API_TOKENS,
        method="POST",
        data=lambda w: {"name": "matrix", "expires_in_days": 30},
    ),
    Row(
        "accounts:token_revoke",
        Cap.API_TOKENS,
        method="POST",
        target=OWN_TOKEN,
        ok=302,
        ok_location=_url("accounts:token_list"),
    ),
    Row(
        "accounts:token_revoke",
        Cap.API_TOKENS,
        method="POST",
        target=SOMEONE_ELSES_TOKEN,
        ok=404,  # nobody revokes another's token from this page, not even an admin
        label="someone else's",
    ),
    # regions
    Row("regions:browse", Cap.REGIONS_VIEW, ok=302),  # one scope: straight to it
    Row("regions:detail", Cap.REGIONS_VIEW, target=REGION),
    Row("regions:ended", Cap.REGISTRY_EDIT),
    # registry: lists and exports
    Row("registry:family_list", Cap.REGISTRY_VIEW),
    Row("registry:person_list", Cap.REGISTRY_VIEW),
    Row("registry:family_export", (Cap.REGISTRY_VIEW, Cap.REGISTRY_EXPORT)),
    Row("registry:person_export", (Cap.REGISTRY_VIEW, Cap.REGISTRY_EXPORT)),
    # registry: records. POST rows with an empty body get the form back with its errors (200).
    Row("registry:family_detail", Cap.REGISTRY_VIEW, target=FAMILY),
    Row("registry:person_detail", Cap.REGISTRY_VIEW, target=PERSON),
    Row("registry:dwelling_detail", Cap.REGISTRY_VIEW, target=DWELLING),
    Row("registry:dwelling_edit", Cap.REGISTRY_EDIT, target=DWELLING),
    Row(
        "registry:dwelling_edit",
        Cap.REGISTRY_EDIT,
        method="POST",
        target=DWELLING,
        data=lambda w: {},
    ),
    Row("registry:family_create", Cap.REGISTRY_EDIT),
    Row("registry:family_create", Cap.REGISTRY_EDIT, method="POST", data=lambda w: {}),
    Row("registry:family_edit", Cap.REGISTRY_EDIT, target=FAMILY),
    Row("registry:family_edit", Cap.REGISTRY_EDIT, method="POST", target=FAMILY, data=lambda w: {}),
    Row("registry:family_status", Cap.REGISTRY_EDIT, target=FAMILY),
    Row(
        "registry:family_status",
        Cap.REGISTRY_EDIT,
        method="POST",
        target=FAMILY,
        data=lambda w: {"form": "status", "status-status": "pindah", "status-reason": "matrix"},
        ok=302,
        ok_location=_url("registry:family_detail", pk=lambda w: w.family.pk),
    ),
    Row("registry:family_desil", (Cap.REGISTRY_VIEW, Cap.DESIL_CORRECT), target=FAMILY),
    Row(
        "registry:family_desil",
        (Cap.REGISTRY_VIEW, Cap.DESIL_CORRECT),
        method="POST",
        target=FAMILY,
        data=lambda w: {
            "version": w.family.version,
            "desil": "3",
            "period": "2025-07-20",
            "reason": "matrix",
        },
        ok=302,
        ok_location=lambda w: _url("registry:family_detail", pk=w.family.pk)(w) + "#desil",
    ),
    Row("registry:member_add", Cap.REGISTRY_EDIT, target=FAMILY),
    Row("registry:member_add", Cap.REGISTRY_EDIT, method="POST", target=FAMILY, data=lambda w: {}),
    # Who lives where: the confirmed move writes; the split and a member's move with an empty
    # body get their form back with its errors.
    Row("registry:family_household", Cap.REGISTRY_EDIT, target=FAMILY),
    Row(
        "registry:family_household",
        Cap.REGISTRY_EDIT,
        method="POST",
        target=FAMILY,
        data=lambda w: {
            "where": "other",
            "reference": w.neighbour.kk_number,
            "reason": "matrix",
            "confirm": "1",
        },
        ok=302,
        ok_location=lambda w: _url("registry:family_detail", pk=w.family.pk)(w) + "#household",
    ),
    Row("registry:family_split", Cap.REGISTRY_EDIT, target=FAMILY),
    Row(
        "registry:family_split", Cap.REGISTRY_EDIT, method="POST", target=FAMILY, data=lambda w: {}
    ),
    Row("registry:person_move_family", Cap.REGISTRY_EDIT, target=PERSON),
    Row(
        "registry:person_move_family",
        Cap.REGISTRY_EDIT,
        method="POST",
        target=PERSON,
        data=lambda w: {},
    ),
    Row("registry:person_edit", Cap.REGISTRY_EDIT, target=PERSON),
    Row("registry:person_edit", Cap.REGISTRY_EDIT, method="POST", target=PERSON, data=lambda w: {}),
    Row("registry:person_status", Cap.REGISTRY_EDIT, target=PERSON),
    Row(
        "registry:person_status",
        Cap.REGISTRY_EDIT,
        method="POST",
        target=PERSON,
        data=lambda w: {"status": "pindah", "reason": "matrix"},
        ok=302,
        ok_location=_url("registry:person_detail", pk=lambda w: w.person.pk),
    ),
    # registry: a person's disability records and PPKS assessments
    Row("registry:disability_add", Cap.REGISTRY_EDIT, target=PERSON),
    Row(
        "registry:disability_add",
        Cap.REGISTRY_EDIT,
        method="POST",
        target=PERSON,
        data=lambda w: {
            "type": "netra",
            "severity": "berat",
            "assessed_on": "2025-06-10",
            "source": "surat_dokter",
        },
        ok=302,
        ok_location=_url("registry:person_detail", pk=lambda w: w.person.pk),
    ),
    Row("registry:disability_end", Cap.REGISTRY_EDIT, target=DISABILITY),
    Row(
        "registry:disability_end",
        Cap.REGISTRY_EDIT,
        method="POST",
        target=DISABILITY,
        data=lambda w: {"reason": "matrix"},
        ok=302,
        ok_location=_url("registry:person_detail", pk=lambda w: w.person.pk),
    ),
    Row("registry:ppks_assess", Cap.REGISTRY_EDIT, target=PERSON),
    Row(
        "registry:ppks_assess",
        Cap.REGISTRY_EDIT,
        method="POST",
        target=PERSON,
        data=lambda w: {
            "category": w.ppks.code,
            "assessed_on": "2025-05-02",
            "assessor": "Yusuf (PSM)",
            "result": "memenuhi",
            "evidence": "Laporan kunjungan",
        },
        ok=302,
        ok_location=_url("registry:person_detail", pk=lambda w: w.person.pk),
    ),
    # registry: imports
    Row("registry:import_list", Cap.REGISTRY_IMPORT),
    Row("registry:import_export", Cap.REGISTRY_IMPORT),
    Row("registry:import_create", Cap.REGISTRY_IMPORT),
    Row(
        "registry:import_create",
        Cap.REGISTRY_IMPORT,
        method="POST",
        data=lambda w: {"file": w.import_file},
        ok=302,  # to the new import's page (its number is not known beforehand)
    ),
    Row("registry:import_template", Cap.REGISTRY_IMPORT),
    Row("registry:import_map", Cap.REGISTRY_IMPORT, target=RECEIVED_FILE, ok=404),
    Row(
        "registry:import_map",
        Cap.REGISTRY_IMPORT,
        method="POST",
        target=RECEIVED_FILE,
        data=lambda w: {"import": "1"},
        ok=404,
    ),
    Row("registry:import_detail", Cap.REGISTRY_IMPORT, target=IMPORT_BATCH),
    Row("registry:import_progress", Cap.REGISTRY_IMPORT, target=IMPORT_BATCH),
    Row("registry:import_errors", Cap.REGISTRY_IMPORT, target=IMPORT_BATCH),
    Row(
        "registry:import_rerun",
        Cap.REGISTRY_IMPORT,
        method="POST",
        target=IMPORT_BATCH,
        ok=302,  # a finished import is not run again: back to its page with the reason
        ok_location=_url("registry:import_detail", pk=lambda w: w.import_batch.pk),
    ),
    # registry: reference tables (no region: every admin sees the same list)
    Row("registry:ppks_list", Cap.REFERENCE_MANAGE),
    Row("registry:ppks_create", Cap.REFERENCE_MANAGE),
    Row(
        "registry:ppks_create",
        Cap.REFERENCE_MANAGE,
        method="POST",
        data=lambda w: {"code": 99, "name": "Kategori Matriks", "source": ""},
        ok=302,
        ok_location=_url("registry:ppks_list"),
    ),
    Row("registry:ppks_edit", Cap.REFERENCE_MANAGE, target=PPKS),
    Row(
        "registry:ppks_edit",
        Cap.REFERENCE_MANAGE,
        method="POST",
        target=PPKS,
        data=lambda w: {"name": "Nama Baru", "source": "Permensos 08/2012"},
        ok=302,
        ok_location=_url("registry:ppks_list"),
    ),
    Row(
        "registry:ppks_status",
        Cap.REFERENCE_MANAGE,
        method="POST",
        target=PPKS,
        data=lambda w: {"active": "0", "reason": "matrix"},
        ok=302,
        ok_location=_url("registry:ppks_list"),
    ),
    # welfare score: the weights (no region: one table for the office) and recomputations
    Row("welfare:weights", Cap.WELFARE_MANAGE),
    Row(
        "welfare:weights",
        Cap.WELFARE_MANAGE,
        method="POST",
        data=lambda w: {weight_name(*key): str(value) for key, value in default_weights().items()},
        ok=302,
        ok_location=_url("welfare:weights"),
    ),
    Row("welfare:version", Cap.WELFARE_MANAGE, target=WEIGHTS_V1),
    Row("welfare:recompute_start", Cap.WELFARE_MANAGE, method="POST", ok=302),
    Row("welfare:recompute", Cap.WELFARE_MANAGE, target=WELFARE_JOB),
    Row("updates:request_list", Cap.REQUEST_VIEW),
    Row("updates:request_export", Cap.REQUEST_VIEW),
    Row("updates:request_new", Cap.REQUEST_PROPOSE),
    Row("updates:request_detail", Cap.REQUEST_VIEW, target=CHANGE_REQUEST),
    # The view needs the capability to see the request; the transition's own capability is the
    # service's, which refuses a viewer (e.g. a leader) with a message on the request's page.
    Row(
        "updates:request_step",
        Cap.REQUEST_VIEW,
        method="POST",
        target=SUBMIT,
        data=lambda w: {"version": w.change_request.version, "reason": ""},
        ok=302,
    ),
    Row("updates:evidence_file", Cap.REQUEST_VIEW, target=EVIDENCE),
    Row("muskel:list", Cap.REQUEST_VIEW),
    Row("muskel:new", Cap.MUSKEL_MANAGE),
    Row("muskel:detail", Cap.REQUEST_VIEW, target=MUSKEL),
    Row(
        "muskel:action",
        Cap.MUSKEL_MANAGE,
        method="POST",
        target=MUSKEL,
        data=lambda w: {
            "action": "attendee",
            "name": "Budi Santoso",
            "role": "rt",
            "version": w.muskel_session.version,
        },
        ok=302,
    ),
    Row("muskel:berita_acara", Cap.REQUEST_VIEW, target=MUSKEL),
    Row("muskel:agenda_export", Cap.REQUEST_VIEW, target=MUSKEL),
    Row("verification:my_tasks", Cap.REQUEST_VERIFY),
    Row("verification:task_list", Cap.REQUEST_ASSIGN),
    Row("verification:task_export", Cap.REQUEST_ASSIGN),
    Row("verification:task_assign", Cap.REQUEST_ASSIGN, target=SUBMITTED_REQUEST),
    Row(
        "verification:task_assign",
        Cap.REQUEST_ASSIGN,
        method="POST",
        target=SUBMITTED_REQUEST,
        data=lambda w: {"assignee": w.user_in_area.pk},
        ok=302,
    ),
    Row("verification:task_detail", Cap.REQUEST_VIEW, target=TASK),
    Row(
        "verification:task_complete",
        Cap.REQUEST_VERIFY,
        method="POST",
        target=TASK,
        data=lambda w: w.checklist(),
        ok=302,
    ),
    Row(
        "verification:task_reassign",
        Cap.REQUEST_ASSIGN,
        method="POST",
        target=TASK,
        data=lambda w: {"assignee": w.user_in_area.pk},
        ok=302,
    ),
    Row("notifications:list", ANY_USER),
    Row("notifications:open", ANY_USER, method="POST", target=NOTIFICATION, ok=302),
    Row("notifications:read_all", ANY_USER, method="POST", ok=302),
    # periods: the office's months (no region); their counts and "as of" lists are scoped
    Row("periods:list", Cap.REGISTRY_VIEW),
    Row("periods:export", Cap.REGISTRY_VIEW),
    Row("periods:close", Cap.PERIOD_CLOSE),
    Row(
        "periods:close",
        Cap.PERIOD_CLOSE,
        method="POST",
        data=lambda w: {"month": months.text(months.current())},
        ok=302,
        ok_location=_url("periods:detail", month=lambda w: months.current()),
    ),
    Row("periods:detail", Cap.REGISTRY_VIEW, target=PERIOD),
    Row("periods:reopen", (Cap.REGISTRY_VIEW, Cap.PERIOD_REOPEN), target=PERIOD),
    Row(
        "periods:reopen",
        (Cap.REGISTRY_VIEW, Cap.PERIOD_REOPEN),
        method="POST",
        target=PERIOD,
        data=lambda w: {"reason": "matrix"},
        ok=302,
        ok_location=_url("periods:detail", month=lambda w: w.closed_period.month),
    ),
    Row("periods:families", Cap.REGISTRY_VIEW, target=PERIOD),
    Row("periods:families_export", (Cap.REGISTRY_VIEW, Cap.REGISTRY_EXPORT), target=PERIOD),
    Row("periods:people", Cap.REGISTRY_VIEW, target=PERIOD),
    Row("periods:people_export", (Cap.REGISTRY_VIEW, Cap.REGISTRY_EXPORT), target=PERIOD),
    # programs: the catalogue is the office's (no region); cohorts, candidates and people scoped
    Row("programs:list", Cap.PROGRAM_VIEW),
    Row("programs:new", Cap.PROGRAM_MANAGE),
    Row("programs:detail", Cap.PROGRAM_VIEW, target=PROGRAM),
    Row("programs:edit", Cap.PROGRAM_MANAGE, target=PROGRAM),
    Row(
        "programs:compatibility",
        Cap.PROGRAM_MANAGE,
        method="POST",
        target=PROGRAM,
        data=lambda w: {"other": w.other_program.pk, "compatible": "0", "note": "matrix"},
        ok=302,
    ),
    Row("programs:rules", Cap.PROGRAM_MANAGE, target=PROGRAM),
    Row(
        "programs:rules",
        Cap.PROGRAM_MANAGE,
        method="POST",
        target=PROGRAM,
        data=lambda w: {"match": "all", "field_a1": "family.desil", "op_a1": "le", "value_a1": "4"},
        ok=302,
    ),
    Row("programs:rule_row", Cap.PROGRAM_MANAGE, target=PROGRAM),
    Row("programs:cohort_list", Cap.PROGRAM_VIEW),
    Row("programs:cohort_new", Cap.COHORT_TARGET),
    Row("programs:cohort_detail", Cap.PROGRAM_VIEW, target=COHORT),
    Row("programs:cohort_edit", Cap.COHORT_TARGET, target=COHORT),
    Row("programs:cohort_target", Cap.COHORT_TARGET, method="POST", target=COHORT, ok=302),
    Row("programs:candidate_list", Cap.PROGRAM_VIEW, target=COHORT),
    Row("programs:candidate_export", (Cap.PROGRAM_VIEW, Cap.REGISTRY_EXPORT), target=COHORT),
    Row("programs:explain", Cap.PROGRAM_VIEW, target=EXPLANATION),
    Row(
        "programs:candidate_drop",
        Cap.COHORT_TARGET,
        method="POST",
        target=CANDIDATE,
        data=lambda w: {"reason": "matrix", "version": w.candidate.version},
        ok=302,
    ),
    # portal: the public page, the same for everyone, signed in or not
    Row("portal:check", PUBLIC, anonymous=200),
    Row(
        "portal:check",
        PUBLIC,
        method="POST",
        data=lambda w: {"nik": w.person.nik, "name": w.person.name},
        anonymous=200,
    ),
    Row("portal:propose", PUBLIC, anonymous=200),
    Row(
        "portal:propose",
        PUBLIC,
        method="POST",
        data=lambda w: {
            "region": KEL_A,
            "address": "Jl. Sawahan No. 5",
            "name": "Yusuf Hamdani",
            "reason": "Belum terdaftar.",
            "photo": SimpleUploadedFile("rumah.jpg", JPEG_BYTES, content_type="image/jpeg"),
            "citizen_name": "Warga",
        },
        anonymous=302,
        ok=302,
    ),
    Row("portal:object", PUBLIC, anonymous=200),
    Row(
        "portal:object",
        PUBLIC,
        method="POST",
        data=lambda w: {
            "nik": w.person.nik,
            "name": w.person.name,
            "reason": "Sudah mampu.",
            "photo": SimpleUploadedFile("rumah.jpg", JPEG_BYTES, content_type="image/jpeg"),
            "citizen_name": "Warga",
        },
        anonymous=302,
        ok=302,
    ),
    Row("portal:receipt", PUBLIC, anonymous=200),
    # Programs after the targeting: beneficiaries, decrees, groups, training.
    Row("beneficiaries:list", Cap.PROGRAM_VIEW),
    Row("beneficiaries:detail", Cap.PROGRAM_VIEW, target=CANDIDATE),
    Row(
        "beneficiaries:field_check",
        Cap.PROGRAM_VERIFY,
        method="POST",
        target=CANDIDATE,
        data=lambda w: {
            "checked_on": "2026-01-10",
            "found": "on",
            "conditions_met": "on",
            "willing": "on",
            "photos": SimpleUploadedFile("rumah.jpg", JPEG_BYTES, "image/jpeg"),
        },
        ok=302,
    ),
    Row(
        "beneficiaries:transition",
        Cap.BENEFIT_MANAGE,
        method="POST",
        target=APPROVED,
        data=lambda w: {"name": "enrol"},
        ok=302,
    ),
    Row(
        "beneficiaries:disburse",
        Cap.BENEFIT_MANAGE,
        method="POST",
        target=ENROLLED,
        data=lambda w: {
            "amount": "2500000",
            "paid_on": "2026-01-10",
            "channel": "transfer",
            "proofs": SimpleUploadedFile("slip.jpg", JPEG_BYTES, "image/jpeg"),
        },
        ok=302,
    ),
    Row(
        "beneficiaries:package",
        Cap.BENEFIT_MANAGE,
        method="POST",
        target=ENROLLED,
        data=lambda w: {"name_1": "Mesin jahit", "quantity_1": "1", "unit_value_1": "2750000"},
        ok=302,
    ),
    Row(
        "beneficiaries:handover",
        Cap.BENEFIT_MANAGE,
        method="POST",
        target=PACKAGE,
        data=lambda w: {
            "handed_over_on": "2026-01-10",
            "photos": SimpleUploadedFile("serah.jpg", JPEG_BYTES, "image/jpeg"),
        },
        ok=302,
    ),
    Row("beneficiaries:proof", Cap.PROGRAM_VIEW, target=PROOF),
    Row("beneficiaries:person_programs", Cap.PROGRAM_VIEW, target=PERSON),
    Row("beneficiaries:family_programs", Cap.PROGRAM_VIEW, target=FAMILY),
    Row("beneficiaries:disbursements", Cap.PROGRAM_VIEW),
    Row("decrees:list", Cap.PROGRAM_VIEW),
    Row(
        "decrees:new",
        Cap.BENEFIT_MANAGE,
        target=Target("a cohort of KEC_A", lambda w: {"cohort": w.cohort.pk}),
    ),
    Row("decrees:detail", Cap.PROGRAM_VIEW, target=DECREE),
    Row("decrees:approve", Cap.DECREE_APPROVE, method="POST", target=DECREE, ok=302),
    Row(
        "decrees:cancel",
        Cap.BENEFIT_MANAGE,
        method="POST",
        target=DECREE,
        data=lambda w: {"reason": "Nomor salah"},
        ok=302,
    ),
    Row("decrees:pdf", Cap.PROGRAM_VIEW, target=DECREE),
    Row("decrees:export", Cap.PROGRAM_VIEW, target=DECREE),
    Row("groups:list", Cap.PROGRAM_VIEW),
    Row("groups:new", Cap.BENEFIT_MANAGE),
    Row("groups:detail", Cap.PROGRAM_VIEW, target=GROUP),
    Row(
        "groups:action",
        Cap.BENEFIT_MANAGE,
        method="POST",
        target=GROUP,
        data=lambda w: {"action": "member", "nik": w.person.nik, "role": "ketua"},
        ok=302,
    ),
    Row(
        "groups:grant",
        Cap.DECREE_APPROVE,
        method="POST",
        target=GROUP,
        data=lambda w: {"amount": "11086250"},
        ok=400,  # a group being formed gets no grant: the refusal is the page, nothing written
    ),
    Row(
        "groups:pay",
        Cap.BENEFIT_MANAGE,
        method="POST",
        target=GROUP,
        data=lambda w: {"amount": "1000", "paid_on": "2026-01-10"},
        ok=400,  # no grant approved: refused, nothing written
    ),
    Row("training:list", Cap.PROGRAM_VIEW),
    Row("training:new", Cap.BENEFIT_MANAGE),
    Row("training:detail", Cap.PROGRAM_VIEW, target=COURSE, other_region=200),
    Row(
        "training:action",
        Cap.BENEFIT_MANAGE,
        method="POST",
        target=COURSE,
        data=lambda w: {"action": "participant", "candidate": w.approved_candidate.pk},
        ok=302,
        other_region=404,  # the course is seen from inside the city, its candidate is not
    ),
]


def state() -> dict:
    """What a denied request must not change."""
    return {
        "audit": AuditEntry.objects.count(),
        "users": list(
            User.objects.order_by("pk").values_list(
                "pk", "is_active", "password", "role", "first_name"
            )
        ),
        "scopes": list(
            RegionScope.objects.order_by("pk").values_list("pk", "user_id", "region_id")
        ),
        "families": list(
            Family.objects.unscoped().order_by("pk").values_list("pk", "version", "status")
        ),
        "people": list(
            Person.objects.unscoped().order_by("pk").values_list("pk", "version", "life_status")
        ),
        "ppks": list(PPKSCategory.objects.order_by("pk").values_list("pk", "name", "is_active")),
        "imports": ImportBatch.objects.count(),
        "disabilities": list(
            PersonDisability.objects.unscoped().order_by("pk").values_list("pk", "version")
        ),
        "assessments": PPKSAssessment.objects.unscoped().count(),
        "desil": DesilRecord.objects.unscoped().count(),  # every region's, to see any write
        "weight_sets": list(WeightSet.objects.order_by("pk").values_list("pk", "is_active")),
        "recomputes": Recompute.objects.count(),
        "tokens": list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at")),
        "change_requests": list(
            ChangeRequest.objects.unscoped().order_by("pk").values_list("pk", "version", "state")
        ),
        "evidence": RequestEvidence.objects.unscoped().count(),
        "muskel_attendees": MuskelAttendee.objects.unscoped().count(),
        "tasks": list(
            VerificationTask.objects.unscoped()
            .order_by("pk")
            .values_list("pk", "version", "state", "assignee")
        ),
        "notifications": list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
        "periods": list(Period.objects.order_by("pk").values_list("pk", "status", "version")),
        "programs": list(Program.objects.order_by("pk").values_list("pk", "version")),
        "pairs": list(ProgramCompatibility.objects.order_by("pk").values_list("pk", "compatible")),
        "rule_sets": RuleSet.objects.count(),
        "cohorts": list(
            Cohort.objects.unscoped().order_by("pk").values_list("pk", "version", "state")
        ),
        "candidates": list(
            Candidate.objects.unscoped().order_by("pk").values_list("pk", "version", "state")
        ),
        **_programs_state(),
    }


def _programs_state() -> dict:
    return {
        "decrees": list(
            BeneficiaryDecree.objects.unscoped().order_by("pk").values_list("pk", "state")
        ),
        "disbursements": Disbursement.objects.unscoped().count(),
        "packages": list(
            EquipmentPackage.objects.unscoped().order_by("pk").values_list("pk", "version")
        ),
        "group_members": GroupMember.objects.unscoped().count(),
        "groups": list(BenefitGroup.objects.unscoped().order_by("pk").values_list("pk", "state")),
        "participants": TrainingParticipant.objects.unscoped().count(),
        "proofs": BenefitProof.objects.unscoped().count(),
    }
