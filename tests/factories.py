"""Factories for tests. Regions come from the shipped Kota Padang data (loaded once per run)."""

import base64
import datetime
import hashlib
import itertools

import factory
from django.db import transaction
from django.utils import timezone

from padu.accounts.capabilities import Role
from padu.accounts.models import RegionScope, User
from padu.core.audit import audit_record
from padu.core.models import AuditEntry
from padu.dci.models import DciClientKey, DciTransaction
from padu.programs import codes as program_codes
from padu.programs.models import (
    BenefitGroup,
    Candidate,
    Cohort,
    CohortQuota,
    Program,
    RuleSet,
    TrainingCourse,
)
from padu.registry import codes
from padu.registry.models import Dwelling, Family, Person, PersonDisability
from padu.registry.names import name_key, register_name_keys
from padu.updates import codes as update_codes
from padu.updates.models import (
    ChangeRequest,
    MuskelAttendee,
    MuskelItem,
    MuskelSession,
    RequestEvent,
    RequestEvidence,
    VerificationTask,
)

KOTA = "13.71"
KEC_A = "13.71.01"  # Padang Selatan
KEL_A = "13.71.01.1001"  # Belakang Pondok
KEL_A2 = "13.71.01.1002"  # Alang Laweh, same kecamatan
KEC_B = "13.71.04"  # Padang Utara
KEL_B = "13.71.04.1001"  # Air Tawar Timur

DEFAULT_SCOPE = {
    Role.ADMIN: KOTA,
    Role.OPERATOR: KOTA,
    Role.PIMPINAN: KOTA,
    Role.TKSK: KEC_A,
    Role.PSM: KEL_A,
    Role.KELURAHAN: KEL_A,
    Role.MITRA: None,
    Role.PRIVACY: KOTA,
}

_serial = itertools.count(1)


def make_nik(
    region_code: str, birth_date: datetime.date, sex: str, serial: int | None = None
) -> str:
    prefix = region_code.replace(".", "")[:6]
    day = birth_date.day + (40 if sex == codes.Sex.FEMALE else 0)
    return f"{prefix}{day:02d}{birth_date:%m%y}{(serial or next(_serial)) % 10000 or 1:04d}"


def make_kk(region_code: str, serial: int | None = None) -> str:
    prefix = region_code.replace(".", "")[:6]
    return f"{prefix}150120{(serial or next(_serial)) % 10000 or 1:04d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    role = Role.OPERATOR
    password = factory.PostGenerationMethodCall("set_password", "rahasia-padu-123")

    @factory.post_generation
    def scope(obj, create, extracted, **kwargs):
        code = extracted if extracted is not None else DEFAULT_SCOPE.get(obj.role)
        if create:
            obj.save()
            for c in [code] if isinstance(code, str) else (code or []):
                RegionScope.objects.create(user=obj, region_id=c)


def make_user(role: str, scope=None, **kwargs) -> User:
    """A user of `role` scoped to `scope` (a code or list), or to the role's usual area."""
    return UserFactory(role=role, scope=scope, **kwargs)


class DwellingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dwelling

    region_id = KEL_A
    code = factory.Sequence(lambda n: f"R-T{n:08d}")


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    region_id = KEL_A
    dwelling = factory.SubFactory(DwellingFactory, region_id=factory.SelfAttribute("..region_id"))
    kk_number = factory.LazyAttribute(lambda o: make_kk(o.region_id))
    rw = "001"
    rt = "002"
    address = factory.Faker("street_address", locale="id_ID")
    desil = 2


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    family = factory.SubFactory(FamilyFactory)
    region_id = factory.LazyAttribute(lambda o: o.family.region_id)
    name = factory.Faker("name", locale="id_ID")
    name_key = factory.LazyAttribute(lambda o: name_key(o.name))
    sex = codes.Sex.MALE
    birth_date = datetime.date(1980, 5, 17)
    nik = factory.LazyAttribute(lambda o: make_nik(o.region_id, o.birth_date, o.sex))
    relationship = codes.Relationship.HEAD
    marital_status = codes.MaritalStatus.MARRIED

    @factory.post_generation
    def search_key(obj, create, extracted, **kwargs):
        """The name search finds people through their keys, as the services register them."""
        if create:
            register_name_keys([obj.name_key])

    @factory.post_generation
    def disability(obj, create, extracted, **kwargs):
        """`PersonFactory(disability=["fisik", "netra"])`: records in force of these types."""
        if create and extracted:
            for kind in extracted:
                PersonDisabilityFactory(person=obj, type=kind, **kwargs)
            obj.disability_rows = None


class PersonDisabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonDisability

    person = factory.SubFactory(PersonFactory)
    type = codes.DisabilityType.PHYSICAL
    severity = codes.DisabilitySeverity.MODERATE
    assessed_on = datetime.date(2025, 3, 1)
    source = codes.DisabilitySource.DOCTOR


class ChangeRequestFactory(factory.django.DjangoModelFactory):
    """A request as the services leave it, written directly: `state` any of the workflow's
    (the services' tests make theirs through `request_create`). By default a removal of a
    family of KEL_A whose head died."""

    class Meta:
        model = ChangeRequest

    family = factory.SubFactory(FamilyFactory)
    region_id = factory.LazyAttribute(lambda o: o.family.region_id if o.family else KEL_A)
    kind = update_codes.RequestKind.REMOVAL
    removal_reason = update_codes.RemovalReason.DECEASED
    source = update_codes.RequestSource.PSM
    state = update_codes.RequestState.SUBMITTED
    notes = "Kepala keluarga meninggal dunia."
    state_changed_at = factory.LazyFunction(timezone.now)
    submitted_at = factory.LazyFunction(timezone.now)


class RequestEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequestEvent

    request = factory.SubFactory(ChangeRequestFactory)
    transition = "submit"
    from_state = update_codes.RequestState.DRAFT
    to_state = factory.LazyAttribute(lambda o: o.request.state)


# The smallest file each check accepts: a JPEG's first bytes are all the checks read.
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 60
PDF_BYTES = b"%PDF-1.4\n%%EOF\n"


class RequestEvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequestEvidence

    request = factory.SubFactory(ChangeRequestFactory)
    kind = update_codes.EvidenceKind.PHOTO
    file = factory.django.FileField(filename="rumah.jpg", data=JPEG_BYTES)
    original_name = "rumah.jpg"
    content_type = "image/jpeg"
    size = len(JPEG_BYTES)
    sha256 = factory.LazyFunction(lambda: hashlib.sha256(JPEG_BYTES).hexdigest())


class VerificationTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VerificationTask

    request = factory.SubFactory(
        ChangeRequestFactory, state=update_codes.RequestState.FIELD_VERIFICATION
    )
    region_id = factory.LazyAttribute(lambda o: o.request.region_id)
    assignee = factory.SubFactory(UserFactory, role=Role.PSM)
    assigned_by = factory.SubFactory(UserFactory, role=Role.TKSK)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))


class MuskelSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MuskelSession

    region_id = KEL_A
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=3))
    place = "Kantor Lurah"
    quorum = 3


class MuskelAttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MuskelAttendee

    session = factory.SubFactory(MuskelSessionFactory)
    name = factory.Faker("name", locale="id_ID")
    role = update_codes.AttendeeRole.RT


class MuskelItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MuskelItem

    session = factory.SubFactory(MuskelSessionFactory)
    request = factory.SubFactory(
        ChangeRequestFactory,
        state=update_codes.RequestState.ON_AGENDA,
        family__region_id=factory.SelfAttribute("...session.region_id"),
    )


class DciTransactionFactory(factory.django.DjangoModelFactory):
    """A DCI search a client sent and Padu answered at once (no request kept, no callback)."""

    class Meta:
        model = DciTransaction

    user = factory.SubFactory(UserFactory, role=Role.MITRA)
    created_by = factory.SelfAttribute("user")
    updated_by = factory.SelfAttribute("user")
    action = DciTransaction.Action.SEARCH
    synchronous = True
    transaction_id = factory.Sequence(lambda n: f"txn-{n}")
    correlation_id = factory.Sequence(lambda n: f"corr-{n:08d}")
    message_id = factory.Sequence(lambda n: f"msg-{n}")
    sender_id = "spmis"
    status = DciTransaction.Status.SUCCEEDED
    outcome = factory.LazyFunction(
        lambda: [
            {
                "reference_id": "r-1",
                "timestamp": timezone.now().isoformat(),
                "status": "succ",
                "total_count": 0,
            }
        ]
    )


class DciClientKeyFactory(factory.django.DjangoModelFactory):
    """A DCI client's registered ed25519 public key (any 32 bytes make one)."""

    class Meta:
        model = DciClientKey

    user = factory.SubFactory(UserFactory, role=Role.MITRA)
    key_id = factory.Sequence(lambda n: f"key-{n}")
    public_key = factory.Sequence(lambda n: base64.b64encode(n.to_bytes(32, "big")).decode())


# 15:30 UTC on 31 January: still the 31st in Jakarta (22:30 WIB) and Makassar (23:30 WITA), already
# 1 February in Jayapura (00:30 WIT). A day, and here a month, that depends on the time zone.
EVENING_UTC = datetime.datetime(2026, 1, 31, 15, 30, tzinfo=datetime.UTC)
DAY_IN = {
    "Asia/Jakarta": datetime.date(2026, 1, 31),
    "Asia/Makassar": datetime.date(2026, 1, 31),
    "Asia/Jayapura": datetime.date(2026, 2, 1),
}


def today() -> datetime.date:
    return timezone.localdate()


def make_audit_entry(actor=None, **fields) -> AuditEntry:
    """An audit entry written as a service writes one (inside its transaction)."""
    values = {"action": "test.thing.changed", "object_type": "test.thing", "object_id": "1"}
    with transaction.atomic():
        return audit_record(actor=actor, **{**values, **fields})


def downloaded(response) -> bytes:
    """The body of a download, whether streamed (CSV, a file) or not."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    code = factory.Sequence(lambda n: f"PRG{n:03d}")
    name = factory.Sequence(lambda n: f"Program {n}")
    target_unit = program_codes.TargetUnit.PERSON
    benefit_type = program_codes.BenefitType.TRAINING
    funding_source = program_codes.FundingSource.APBD_KAB
    owning_agency = "Dinas Sosial"


class RuleSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RuleSet

    program = factory.SubFactory(ProgramFactory)
    version = factory.Sequence(lambda n: n + 1)
    tree = factory.LazyFunction(
        lambda: {"all": [{"field": "family.desil", "op": "between", "value": [1, 5]}]}
    )


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Angkatan {n} 2026")
    region_id = KOTA
    rule_set = factory.SubFactory(RuleSetFactory, program=factory.SelfAttribute("..program"))


class CohortQuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CohortQuota

    cohort = factory.SubFactory(CohortFactory)
    region_id = KEC_A
    quota = 5


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    cohort = factory.SubFactory(CohortFactory)
    person = factory.SubFactory(PersonFactory)
    # A family program's candidates name their family too (programs/rules/compiler.py).
    family = None
    region_id = factory.LazyAttribute(lambda o: (o.person or o.family).region_id)
    rank = factory.Sequence(lambda n: n + 1)


class BenefitGroupFactory(factory.django.DjangoModelFactory):
    """A KUBE of kecamatan A, forming."""

    class Meta:
        model = BenefitGroup

    program = factory.SubFactory(ProgramFactory, target_unit="group")
    kind = "kube"
    name = "KUBE Maju"
    region_id = KEC_A
    business_type = "food"


class TrainingCourseFactory(factory.django.DjangoModelFactory):
    """A two-day sewing course of kecamatan A."""

    class Meta:
        model = TrainingCourse

    program = factory.SubFactory(ProgramFactory)
    name = "Menjahit I"
    skill = "Menjahit"
    institution_kind = "lpk"
    institution_name = "LPK Padang"
    place = "Padang"
    region_id = KEC_A
    starts_on = datetime.date(2026, 1, 20)
    ends_on = datetime.date(2026, 1, 21)
