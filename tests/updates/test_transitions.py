"""Every transition of workflow.TRANSITIONS for every role: allowed where the role holds the
transition's capability and the request is in one of its states, refused otherwise, with
nothing written on a refusal. The table is read from workflow.py, not typed again here. The
steps of field verification and of the Muskel are taken by their services (`via`), and refused
without it."""

import pytest
from django.utils import translation

from padu.accounts.capabilities import Role, capabilities_for
from padu.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from padu.core.models import AuditEntry
from padu.registry.codes import FamilyStatus
from padu.updates.codes import RemovalReason, RequestKind, RequestState
from padu.updates.models import ChangeRequest, RequestEvent
from padu.updates.services.transitions import request_transition
from padu.updates.workflow import TRANSITIONS, allowed_for
from tests.factories import (
    KEL_A,
    KEL_B,
    ChangeRequestFactory,
    FamilyFactory,
    PersonFactory,
    make_user,
)

pytestmark = pytest.mark.django_db

BY_USERS = [t for t in TRANSITIONS.values() if t.capability is not None]
ROLES = list(Role)
REASON = "Sudah diperiksa."


def a_request(state, region=KEL_A, **kwargs) -> ChangeRequest:
    family = FamilyFactory(region_id=region)
    PersonFactory(family=family)
    values = {"kind": RequestKind.REMOVAL, "removal_reason": RemovalReason.MOVED, **kwargs}
    return ChangeRequestFactory(family=family, state=state, **values)


def unchanged(request: ChangeRequest) -> None:
    fresh = ChangeRequest.objects.unscoped().get(pk=request.pk)
    assert (fresh.state, fresh.version) == (request.state, request.version)
    assert not RequestEvent.objects.unscoped().filter(request=request).exists()
    assert not AuditEntry.objects.filter(object_type="updates.changerequest").exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("t", "state"),
    [(t, s) for t in BY_USERS for s in sorted(t.sources)],
    ids=lambda v: getattr(v, "name", str(v)),
)
def test_each_role_may_take_a_transition_only_with_its_capability(t, state, role):
    """From each of the states the transition leaves (return and reject leave several)."""
    request = a_request(state)
    user = make_user(role)
    if t.capability not in capabilities_for(role):
        with pytest.raises(PermissionDeniedError):
            request_transition(actor=user, request=request, name=t.name, reason=REASON, via=t.via)
        unchanged(request)
        assert t not in allowed_for(user, state)
        return
    assert t in allowed_for(user, state)
    moved = request_transition(actor=user, request=request, name=t.name, reason=REASON, via=t.via)
    assert moved.state == t.target
    assert moved.version == request.version + 1
    event = RequestEvent.objects.unscoped().get(request=request)
    assert (event.transition, event.from_state, event.to_state) == (t.name, state, t.target)
    assert (event.actor, event.reason) == (user, REASON)
    assert AuditEntry.objects.get(action=f"updates.request.{t.name}").actor == user


@pytest.mark.parametrize(
    ("t", "state"),
    [(t, s) for t in BY_USERS for s in RequestState if s not in t.sources],
    ids=lambda v: getattr(v, "name", str(v)),
)
def test_a_transition_from_another_state_is_refused(t, state):
    role = next(r for r in ROLES if t.capability in capabilities_for(r))
    request = a_request(state)
    with translation.override("id"), pytest.raises(DomainError) as info:
        request_transition(
            actor=make_user(role), request=request, name=t.name, reason=REASON, via=t.via
        )
    assert info.value.code == "invalid_state"
    assert str(request.get_state_display()).lower() in str(info.value)
    unchanged(request)


@pytest.mark.parametrize("t", BY_USERS, ids=lambda t: t.name)
def test_a_request_outside_the_area_is_not_found(t):
    role = next(r for r in ROLES if t.capability in capabilities_for(r))
    request = a_request(sorted(t.sources)[0], region=KEL_B)
    user = make_user(role, scope=KEL_A)
    with pytest.raises(PermissionDeniedError):
        request_transition(actor=user, request=request, name=t.name, reason=REASON, via=t.via)
    unchanged(request)


@pytest.mark.parametrize("t", [t for t in BY_USERS if t.needs_reason], ids=lambda t: t.name)
def test_a_transition_that_needs_a_reason_refuses_none(t):
    role = next(r for r in ROLES if t.capability in capabilities_for(r))
    request = a_request(sorted(t.sources)[0])
    with pytest.raises(ValidationFailed) as info:
        request_transition(
            actor=make_user(role), request=request, name=t.name, reason="  ", via=t.via
        )
    assert list(info.value.errors) == ["reason"]
    unchanged(request)


ELSEWHERE = [t for t in BY_USERS if t.via]


def test_field_verification_and_the_muskel_have_steps_of_their_own():
    names = {t.name for t in ELSEWHERE}
    assert names == {
        "send_to_verification",
        "verify",
        "mark_not_verifiable",
        "put_on_agenda",
        "remove_from_agenda",
        "agree",
        "reject_in_muskel",
    }


@pytest.mark.parametrize("t", ELSEWHERE, ids=lambda t: t.name)
def test_a_step_of_verification_or_muskel_is_refused_without_its_service(t):
    """The generic transition (a page's form, the API's transitions/{name}) refuses them, by a
    user who holds the capability, from the step's own state, naming where it is taken."""
    role = next(r for r in ROLES if t.capability in capabilities_for(r))
    request = a_request(sorted(t.sources)[0])
    for via in ("", "other"):
        with translation.override("en"):
            with pytest.raises(DomainError) as info:
                request_transition(
                    actor=make_user(role), request=request, name=t.name, reason=REASON, via=via
                )
            label = str(t.label)
        assert info.value.code == "taken_elsewhere"
        where = "field verification" if t.via == "verification" else "Muskel session"
        assert where in str(info.value)
        assert f"“{label}” is taken only" in str(info.value)
        unchanged(request)


def test_the_lapse_is_the_systems_alone():
    request = a_request(RequestState.SUBMITTED, kind=RequestKind.OBJECTION)
    with pytest.raises(PermissionDeniedError):
        request_transition(actor=make_user(Role.OPERATOR), request=request, name="lapse")
    unchanged(request)


def test_approval_applies_the_removal_to_the_registry():
    request = a_request(RequestState.CHECKED)
    request_transition(actor=make_user(Role.OPERATOR), request=request, name="approve")
    request.family.refresh_from_db()
    assert request.family.status == FamilyStatus.MOVED
    entry = AuditEntry.objects.get(object_type="registry.family", object_id=str(request.family_id))
    assert entry.source == f"updates.request:{request.pk}"
    assert request.receipt in entry.reason
