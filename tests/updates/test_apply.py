"""An approved request's change reaches the registry through its services, once, and the
registry's history leads back to the request."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from padu.accounts.capabilities import Role
from padu.core.errors import DomainError
from padu.core.models import AuditEntry
from padu.registry.codes import FamilyStatus, LifeStatus, Relationship
from padu.registry.models import Family, Person
from padu.updates.codes import RemovalReason, RequestKind, RequestState
from padu.updates.deadlines import lapse_date
from padu.updates.models import ChangeRequest, RequestEvent, VerificationTask
from padu.updates.services.lapse import requests_lapse
from padu.updates.services.requests import request_create, request_create_from_citizen
from padu.updates.services.transitions import request_transition
from tests.factories import (
    JPEG_BYTES,
    KEL_A,
    ChangeRequestFactory,
    FamilyFactory,
    PersonFactory,
    VerificationTaskFactory,
    make_kk,
    make_user,
)
from tests.registry.test_services import family, person

K = RequestKind


def checked(request: ChangeRequest) -> ChangeRequest:
    """The request as a Dinsos operator finds it after the Muskel agreed and he checked it."""
    ChangeRequest.objects.unscoped().filter(pk=request.pk).update(state=RequestState.CHECKED)
    request.refresh_from_db()
    return request


def approve(request, operator=None):
    operator = operator or make_user(Role.OPERATOR)
    return request_transition(actor=operator, request=checked(request), name="approve")


def history(obj) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)))


@pytest.fixture
def psm(db):
    return make_user(Role.PSM, scope=KEL_A)


@pytest.mark.django_db
def test_a_new_family_is_registered_with_its_history(psm):
    data = {"family": family(), "members": [person()]}
    request = approve(request_create(actor=psm, kind=K.NEW_FAMILY, data=data))
    new = Family.objects.unscoped().get(pk=request.applied_family_id)
    assert new.kk_number == data["family"]["kk_number"]
    assert [m.name for m in new.members.all()] == ["Budi Santoso"]
    [registered] = [e for e in history(new) if e.action == "registry.family.registered"]
    assert registered.source == request.reference
    assert request.applied_by is not None and request.applied_at is not None


@pytest.mark.django_db
def test_the_family_page_s_history_links_to_the_request_for_who_may_see_it(psm, client):
    from django.urls import reverse

    data = {"family": family(), "members": [person()]}
    request = approve(request_create(actor=psm, kind=K.NEW_FAMILY, data=data))
    page_url = reverse("registry:family_detail", args=[request.applied_family_id])
    link = f'href="{reverse("updates:request_detail", args=[request.pk])}"'
    client.force_login(psm)
    page = client.get(page_url).content.decode()
    assert link in page and request.receipt in page
    assert request.reference not in page
    # The administrator sees families but not requests: no link, and no code either.
    client.force_login(make_user(Role.ADMIN))
    page = client.get(page_url).content.decode()
    assert link not in page and request.reference not in page


@pytest.mark.django_db
def test_a_new_member_joins_the_family(psm):
    fam = FamilyFactory()
    PersonFactory(family=fam)
    child = person(
        relationship=Relationship.CHILD,
        birth=datetime.date(2015, 3, 2),
        name="Siti",
        marital_status=1,
    )
    request = approve(
        request_create(actor=psm, kind=K.NEW_MEMBER, family=fam, data={"person": child})
    )
    assert request.applied_person.family_id == fam.pk
    assert request.applied_person.name == "Siti"


@pytest.mark.django_db
def test_a_change_is_applied_and_refused_when_the_record_changed_meanwhile(psm):
    fam = FamilyFactory(rt="002")
    request = request_create(actor=psm, kind=K.CHANGE, family=fam, data={"changes": {"rt": "7"}})
    approve(request)
    fam.refresh_from_db()
    assert fam.rt == "007"
    assert any(e.source == request.reference for e in history(fam))

    stale = request_create(actor=psm, kind=K.CHANGE, family=fam, data={"changes": {"rw": "9"}})
    Family.objects.unscoped().filter(pk=fam.pk).update(rw="004")
    with pytest.raises(DomainError) as info:
        approve(stale)
    assert info.value.code == "conflict"
    stale.refresh_from_db()
    assert stale.state == RequestState.CHECKED
    assert Family.objects.unscoped().get(pk=fam.pk).rw == "004"


@pytest.mark.django_db
def test_a_member_moves_and_a_kk_splits(psm):
    old = FamilyFactory()
    PersonFactory(family=old)
    son = PersonFactory(family=old, relationship=Relationship.CHILD)
    other = FamilyFactory()
    PersonFactory(family=other)
    move = request_create(
        actor=psm,
        kind=K.MOVE,
        person=son,
        target_family=other,
        data={"relationship": Relationship.CHILD_IN_LAW},
        notes="Menikah.",
    )
    approve(move)
    son.refresh_from_db()
    assert (son.family_id, son.relationship) == (other.pk, Relationship.CHILD_IN_LAW)

    daughter = PersonFactory(family=old, relationship=Relationship.CHILD)
    kk = make_kk(KEL_A)
    split = approve(
        request_create(
            actor=psm,
            kind=K.MOVE,
            family=old,
            data={"kk_number": kk, "members": [[daughter.pk, Relationship.HEAD]]},
            notes="Pecah KK.",
        )
    )
    assert split.applied_family.kk_number == kk
    assert Person.objects.unscoped().get(pk=daughter.pk).family_id == split.applied_family_id


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reason", "status"),
    [(RemovalReason.DECEASED, LifeStatus.DECEASED), (RemovalReason.MOVED, LifeStatus.MOVED)],
)
def test_a_member_is_removed_by_the_registrys_transition(psm, reason, status):
    fam = FamilyFactory()
    PersonFactory(family=fam)
    child = PersonFactory(family=fam, relationship=Relationship.CHILD)
    approve(request_create(actor=psm, kind=K.REMOVAL, person=child, removal_reason=reason))
    child.refresh_from_db()
    assert child.life_status == status


@pytest.mark.django_db
def test_an_objection_and_a_withdrawal_take_the_family_off_the_active_list():
    fam = FamilyFactory()
    PersonFactory(family=fam)
    receipt = request_create_from_citizen(
        kind=K.OBJECTION,
        name="Warga",
        family=fam,
        reason="Rumah mewah.",
        evidence=[("rumah.jpg", JPEG_BYTES)],
    )
    approve(ChangeRequest.objects.unscoped().get(receipt=receipt))
    fam.refresh_from_db()
    assert fam.status == FamilyStatus.WELL_OFF


@pytest.mark.django_db
def test_a_removal_for_refusal_is_not_applied_as_something_else(psm):
    fam = FamilyFactory()
    request = request_create(
        actor=psm, kind=K.REMOVAL, family=fam, removal_reason=RemovalReason.REFUSED
    )
    with pytest.raises(DomainError):
        approve(request)
    fam.refresh_from_db()
    assert fam.status == FamilyStatus.ACTIVE


@pytest.mark.django_db
def test_an_unverified_objection_lapses_on_its_day(clock, settings):
    fam = FamilyFactory()
    late = ChangeRequestFactory(
        family=fam, kind=K.OBJECTION, removal_reason="", lapses_on=lapse_date(clock)
    )
    task = VerificationTaskFactory(request=late)
    ChangeRequest.objects.unscoped().filter(pk=late.pk).update(
        state=RequestState.FIELD_VERIFICATION
    )
    early = ChangeRequestFactory(
        family=fam,
        kind=K.OBJECTION,
        removal_reason="",
        lapses_on=lapse_date(clock) + datetime.timedelta(days=1),
    )
    verified = ChangeRequestFactory(
        family=fam,
        kind=K.OBJECTION,
        removal_reason="",
        state=RequestState.VERIFIED,
        lapses_on=lapse_date(clock),
    )
    day = timezone.localdate(clock) + datetime.timedelta(days=settings.PADU_OBJECTION_LAPSE_DAYS)
    assert requests_lapse(today=day - datetime.timedelta(days=1)) == []
    assert requests_lapse(today=day) == [late.pk]
    assert requests_lapse(today=day) == []  # once
    states = dict(ChangeRequest.objects.unscoped().values_list("pk", "state"))
    assert states == {
        late.pk: RequestState.LAPSED,
        early.pk: RequestState.SUBMITTED,
        verified.pk: RequestState.VERIFIED,
    }
    event = RequestEvent.objects.unscoped().get(request=late)
    assert (event.transition, event.actor, event.by_citizen) == ("lapse", None, False)
    assert "14" in event.reason
    assert VerificationTask.objects.unscoped().get(pk=task.pk).state == "cancelled"


@pytest.mark.django_db
def test_a_citizen_s_objection_lapses_14_days_on_by_the_daily_command(monkeypatch):
    """The clock frozen when a citizen objects, then moved on: the daily command lapses nothing
    on day 13, the objection on day 14 (the default period), once, on the record; the receipt
    says so."""
    import io

    from django.core.management import call_command

    from padu.updates.selectors import request_by_receipt

    sent = datetime.datetime(2026, 11, 2, 3, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: sent)
    fam = FamilyFactory()
    PersonFactory(family=fam)
    receipt = request_create_from_citizen(
        kind=K.OBJECTION,
        name="Warga",
        family=fam,
        reason="Sudah mampu.",
        evidence=[("rumah.jpg", JPEG_BYTES)],
    )
    objection = ChangeRequest.objects.unscoped().get(receipt=receipt)
    assert objection.lapses_on == datetime.date(2026, 11, 16)

    def run_on(day: int) -> str:
        monkeypatch.setattr(timezone, "now", lambda: sent + datetime.timedelta(days=day))
        out = io.StringIO()
        call_command("updates", "lapse", stdout=out)
        return out.getvalue()

    assert run_on(13).startswith("0 ")
    assert ChangeRequest.objects.unscoped().get(pk=objection.pk).state == RequestState.SUBMITTED
    assert run_on(14).startswith("1 ")
    assert run_on(15).startswith("0 ")  # once
    objection.refresh_from_db()
    assert objection.state == RequestState.LAPSED
    assert objection.state_changed_at == sent + datetime.timedelta(days=14)
    event = RequestEvent.objects.unscoped().get(request=objection, transition="lapse")
    assert event.actor is None and "14" in event.reason
    assert request_by_receipt(receipt).state == RequestState.LAPSED


def test_working_days_skip_weekends_and_holidays(settings):
    settings.PADU_OBJECTION_LAPSE_WORKING_DAYS = True
    settings.PADU_OBJECTION_LAPSE_DAYS = 3
    settings.TIME_ZONE = "Asia/Jakarta"
    # Thursday 14 May 2026 (Kenaikan Yesus Kristus) and Friday 15 May (cuti bersama) are off.
    submitted = datetime.datetime(2026, 5, 13, 3, 0, tzinfo=datetime.UTC)  # Wednesday
    assert lapse_date(submitted) == datetime.date(2026, 5, 20)
    settings.PADU_OBJECTION_LAPSE_WORKING_DAYS = False
    assert lapse_date(submitted) == datetime.date(2026, 5, 16)


@pytest.mark.postgres
def test_two_operators_approving_at_once_apply_it_once(regions):
    fam = FamilyFactory()
    PersonFactory(family=fam)
    request = checked(ChangeRequestFactory(family=fam, removal_reason=RemovalReason.MOVED))
    operators = [make_user(Role.OPERATOR), make_user(Role.OPERATOR)]
    barrier = threading.Barrier(2)
    outcomes = []

    def run(operator):
        try:
            barrier.wait()
            request_transition(actor=operator, request=request, name="approve")
            outcomes.append("approved")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(op,)) for op in operators]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["approved", "invalid_state"]
    assert (
        RequestEvent.objects.unscoped().filter(request=request, transition="approve").count() == 1
    )
    moved = AuditEntry.objects.filter(
        object_type="registry.family", object_id=str(fam.pk), source=request.reference
    )
    assert moved.count() == 1
