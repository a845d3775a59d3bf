"""A beneficiary's way through a program, in one table: each named transition, the states it
leaves from, the state it reaches, the capability it needs, and whether a person may take it by
itself or only through the service that records what justifies it (a field check verifies, a
decree approves, a disbursement, handover or completed training delivers). The services
(services/lifecycle.py), the pages' buttons, the API and the tests read this table.

    candidate → verified | rejected            (field check: services/field_checks.py)
    verified → approved                         (beneficiary decree: services/decrees.py)
    approved → enrolled → delivered             (benefit given: services/benefits.py, training)
    delivered → completed → graduated; approved | enrolled | delivered → exited (with a reason)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from padu.accounts.capabilities import Cap

from .codes import CandidateState as S


@dataclass(frozen=True)
class Transition:
    name: str
    label: Any
    sources: frozenset[str]
    target: str
    capability: str
    # False: only through the service that records its grounds (see the module's docstring).
    direct: bool = True
    needs_reason: bool = False


def _t(name, label, sources, target, capability, *, direct=True, needs_reason=False):
    return Transition(name, label, frozenset(sources), target, capability, direct, needs_reason)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        _t("verify", _("Verified"), {S.CANDIDATE}, S.VERIFIED, Cap.PROGRAM_VERIFY, direct=False),
        _t(
            "reject",
            _("Reject"),
            {S.CANDIDATE, S.VERIFIED},
            S.REJECTED,
            Cap.PROGRAM_VERIFY,
            needs_reason=True,
        ),
        _t("approve", _("Approved"), {S.VERIFIED}, S.APPROVED, Cap.DECREE_APPROVE, direct=False),
        _t("enrol", _("Enrol"), {S.APPROVED}, S.ENROLLED, Cap.BENEFIT_MANAGE),
        _t(
            "deliver",
            _("Benefit delivered"),
            {S.ENROLLED},
            S.DELIVERED,
            Cap.BENEFIT_MANAGE,
            direct=False,
        ),
        _t("complete", _("Completed"), {S.DELIVERED}, S.COMPLETED, Cap.BENEFIT_MANAGE),
        _t("graduate", _("Graduated"), {S.DELIVERED, S.COMPLETED}, S.GRADUATED, Cap.BENEFIT_MANAGE),
        _t(
            "exit",
            _("Exit the program"),
            {S.APPROVED, S.ENROLLED, S.DELIVERED},
            S.EXITED,
            Cap.BENEFIT_MANAGE,
            needs_reason=True,
        ),
    )
}

# In the program: what the overlap check and the person's page count as "enrolled".
ACTIVE_STATES = frozenset({S.APPROVED, S.ENROLLED, S.DELIVERED})
# Benefits may be given to a beneficiary in these states.
RECEIVING_STATES = frozenset({S.ENROLLED, S.DELIVERED})


def available(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources]


def allowed_for(user, state: str) -> list[Transition]:
    """The transitions `user` may take by itself on a candidate in `state` (scope aside)."""
    return [
        t
        for t in available(state)
        if t.direct and user.is_authenticated and user.has_capability(t.capability)
    ]
