"""Making change requests: what each kind asks is checked against the registry's declarations
(unknown field, a value its rule refuses, bad evidence: a clear message, nothing written)."""

import datetime

import pytest
from django.utils import timezone, translation

from padu.accounts.capabilities import Role
from padu.core.errors import PermissionDeniedError, ValidationFailed
from padu.core.models import AuditEntry
from padu.updates.codes import RemovalReason, RequestKind, RequestSource, RequestState
from padu.updates.models import ChangeRequest, RequestEvent, RequestEvidence
from padu.updates.selectors import request_by_receipt
from padu.updates.services.requests import request_create, request_create_from_citizen
from tests.factories import (
    JPEG_BYTES,
    KEL_A,
    KEL_B,
    PDF_BYTES,
    FamilyFactory,
    PersonFactory,
    make_user,
)
from tests.registry.test_services import family, person

pytestmark = pytest.mark.django_db

K = RequestKind


def nothing_written():
    assert ChangeRequest.objects.unscoped().count() == 0
    assert RequestEvent.objects.unscoped().count() == 0
    assert RequestEvidence.objects.unscoped().count() == 0


@pytest.fixture
def psm():
    return make_user(Role.PSM, scope=KEL_A)


def test_a_psm_proposes_a_new_family_checked_by_the_declarations(psm):
    req = request_create(
        actor=psm,
        kind=K.NEW_FAMILY,
        data={"family": family(), "members": [person()]},
        evidence=[("rumah.jpg", JPEG_BYTES), ("kk.pdf", PDF_BYTES)],
        notes="Diusulkan RT 02.",
    )
    assert (req.state, req.source, req.region_id) == (RequestState.DRAFT, RequestSource.PSM, KEL_A)
    assert req.payload["family"]["rt"] == "002"  # as the declaration normalises it
    assert req.payload["members"][0]["birth_date"] == "1980-05-17"
    assert sorted(e.content_type for e in req.evidence.all()) == ["application/pdf", "image/jpeg"]
    assert [e.transition for e in RequestEvent.objects.scoped(psm)] == ["create"]
    assert AuditEntry.objects.filter(
        action="updates.request.create", object_id=str(req.pk)
    ).exists()
    assert len(req.receipt) == 10


def test_a_change_keeps_the_values_before(psm):
    fam = FamilyFactory(rt="002")
    req = request_create(actor=psm, kind=K.CHANGE, family=fam, data={"changes": {"rt": "5"}})
    assert req.payload == {"changes": {"rt": "005"}}
    assert req.before == {"rt": "002"}


def test_an_unknown_field_is_refused_and_nothing_written(psm):
    fam = FamilyFactory()
    with translation.override("id"), pytest.raises(ValidationFailed) as info:
        request_create(actor=psm, kind=K.CHANGE, family=fam, data={"changes": {"warna": "x"}})
    assert "warna" in info.value.errors["changes"][0]
    nothing_written()


def test_a_value_the_declaration_refuses_is_refused(psm):
    fam = FamilyFactory()
    with pytest.raises(ValidationFailed) as info:
        request_create(actor=psm, kind=K.CHANGE, family=fam, data={"changes": {"rt": "abcd"}})
    assert list(info.value.errors) == ["changes.rt"]
    nothing_written()


@pytest.mark.parametrize(
    ("name", "content"),
    [("rumah.exe", b"MZ" + b"\0" * 20), ("rumah.jpg", b"%PDF-1.4"), ("kosong.pdf", b"")],
)
def test_evidence_of_a_wrong_type_is_refused(psm, name, content):
    fam = FamilyFactory()
    with pytest.raises(ValidationFailed) as info:
        request_create(
            actor=psm,
            kind=K.REMOVAL,
            family=fam,
            removal_reason=RemovalReason.MOVED,
            evidence=[(name, content)],
        )
    assert name in info.value.errors["evidence"][0]
    nothing_written()


def test_evidence_too_big_is_refused(psm, settings):
    settings.PADU_EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ValidationFailed) as info:
        request_create(
            actor=psm,
            kind=K.REMOVAL,
            family=FamilyFactory(),
            removal_reason=RemovalReason.MOVED,
            evidence=[("rumah.jpg", JPEG_BYTES + b"\0" * 100)],
        )
    assert "100" in info.value.errors["evidence"][0]
    nothing_written()


def test_a_family_outside_the_area_is_refused(psm):
    with pytest.raises(PermissionDeniedError):
        request_create(
            actor=psm,
            kind=K.REMOVAL,
            family=FamilyFactory(region_id=KEL_B),
            removal_reason=RemovalReason.MOVED,
        )
    nothing_written()


def test_a_member_is_not_removed_as_well_off(psm):
    member = PersonFactory()
    with pytest.raises(ValidationFailed):
        request_create(
            actor=psm, kind=K.REMOVAL, person=member, removal_reason=RemovalReason.WELL_OFF
        )
    nothing_written()


def test_a_citizen_objects_and_follows_his_receipt():
    fam = FamilyFactory()
    receipt = request_create_from_citizen(
        kind=K.OBJECTION,
        name="Warga Peduli",
        contact="0812",
        family=fam,
        reason="Punya mobil dua.",
        evidence=[("rumah.jpg", JPEG_BYTES)],
    )
    req = ChangeRequest.objects.unscoped().get(receipt=receipt)
    assert req.state == RequestState.SUBMITTED
    assert req.lapses_on == timezone.localdate(req.submitted_at) + datetime.timedelta(days=14)
    view = request_by_receipt(receipt.lower())
    assert view.state == RequestState.SUBMITTED
    assert [s.state for s in view.steps] == [RequestState.SUBMITTED]
    assert request_by_receipt("AAAAAAAAAA") is None
