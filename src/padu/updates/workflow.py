"""The change request's state machine, in one table: each named transition, the states it leaves
from, the state it reaches and the capability it needs (None: only the system, e.g. the lapse of an
objection). The services (services/transitions.py), the pages' buttons, the API and the tests all
read this table.

    draft → submitted → field_verification → verified | not_verifiable
    verified → on_agenda → agreed | rejected_in_muskel
    agreed → checked → approved (applied to the registry) | returned | rejected
    returned → submitted (corrected); submitted/field_verification objection → lapsed

The steps of field verification and of the Muskel (`via`) are taken only by their own services
(a verification task assigned and completed; a session's agenda and decisions), which do what
the step needs besides the state; the generic transition (page and API) refuses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from padu.accounts.capabilities import Cap

from .codes import RequestState as S


@dataclass(frozen=True)
class Transition:
    name: str
    label: Any
    sources: frozenset[str]
    target: str
    capability: str | None
    # The actor must give a reason (shown on the record and to a citizen following his receipt).
    needs_reason: bool = False
    # The workflow whose service alone takes it (VERIFICATION, MUSKEL), or "" (the generic one).
    via: str = ""


# The services that alone take some steps: services/verification.py and muskel/services.py.
VERIFICATION = "verification"
MUSKEL = "muskel"


def _t(name, label, sources, target, capability, *, needs_reason=False, via="") -> Transition:
    return Transition(name, label, frozenset(sources), target, capability, needs_reason, via)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        _t("submit", _("Submit"), {S.DRAFT}, S.SUBMITTED, Cap.REQUEST_PROPOSE),
        _t("resubmit", _("Resubmit"), {S.RETURNED}, S.SUBMITTED, Cap.REQUEST_PROPOSE),
        _t(
            "send_to_verification",
            _("Send to field verification"),
            {S.SUBMITTED},
            S.FIELD_VERIFICATION,
            Cap.REQUEST_ASSIGN,
            via=VERIFICATION,
        ),
        _t(
            "verify",
            _("Verified"),
            {S.FIELD_VERIFICATION},
            S.VERIFIED,
            Cap.REQUEST_VERIFY,
            via=VERIFICATION,
        ),
        _t(
            "mark_not_verifiable",
            _("Could not be verified"),
            {S.FIELD_VERIFICATION},
            S.NOT_VERIFIABLE,
            Cap.REQUEST_VERIFY,
            needs_reason=True,
            via=VERIFICATION,
        ),
        _t(
            "put_on_agenda",
            _("Put on the Muskel agenda"),
            {S.VERIFIED},
            S.ON_AGENDA,
            Cap.MUSKEL_MANAGE,
            via=MUSKEL,
        ),
        _t(
            "remove_from_agenda",
            _("Take off the agenda"),
            {S.ON_AGENDA},
            S.VERIFIED,
            Cap.MUSKEL_MANAGE,
            needs_reason=True,
            via=MUSKEL,
        ),
        _t("agree", _("Agreed in Muskel"), {S.ON_AGENDA}, S.AGREED, Cap.MUSKEL_MANAGE, via=MUSKEL),
        _t(
            "reject_in_muskel",
            _("Rejected in Muskel"),
            {S.ON_AGENDA},
            S.REJECTED_IN_MUSKEL,
            Cap.MUSKEL_MANAGE,
            needs_reason=True,
            via=MUSKEL,
        ),
        _t("check", _("Checked"), {S.AGREED}, S.CHECKED, Cap.REQUEST_CHECK),
        _t("approve", _("Approve and apply"), {S.CHECKED}, S.APPROVED, Cap.REQUEST_APPROVE),
        _t(
            "return",
            _("Return for correction"),
            {S.AGREED, S.CHECKED, S.NOT_VERIFIABLE, S.REJECTED_IN_MUSKEL},
            S.RETURNED,
            Cap.REQUEST_APPROVE,
            needs_reason=True,
        ),
        _t(
            "reject",
            _("Reject"),
            {S.SUBMITTED, S.AGREED, S.CHECKED, S.NOT_VERIFIABLE, S.REJECTED_IN_MUSKEL},
            S.REJECTED,
            Cap.REQUEST_APPROVE,
            needs_reason=True,
        ),
        # An objection nobody verified in time (services.lapse; the worker runs it daily).
        _t("lapse", _("Lapsed"), {S.SUBMITTED, S.FIELD_VERIFICATION}, S.LAPSED, None),
    )
}

# A request is made in one of these; its events start with this pseudo-transition.
CREATE = "create"


def transition(name: str) -> Transition:
    return TRANSITIONS[name]


def available(state: str) -> list[Transition]:
    """The transitions a request in `state` may take, by anyone."""
    return [t for t in TRANSITIONS.values() if state in t.sources]


def allowed_for(user, state: str) -> list[Transition]:
    """The transitions `user` may take on a request in `state` (scope aside), wherever taken."""
    return [
        t
        for t in available(state)
        if t.capability is not None and user.is_authenticated and user.has_capability(t.capability)
    ]


def generic_for(user, state: str) -> list[Transition]:
    """Those of allowed_for that the generic transition (page and API) takes: not the steps of
    field verification or of the Muskel."""
    return [t for t in allowed_for(user, state) if not t.via]
