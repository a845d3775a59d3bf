"""Capabilities are named verbs; a role grants a fixed set of them (DESIGN.md, "Who uses it").

Views, services and the API ask for a verb, never for a role, so a role can change what it
may do in one place.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Dinsos administrator")
    OPERATOR = "operator", _("Dinsos operator")
    PIMPINAN = "pimpinan", _("Leader (pimpinan)")
    TKSK = "tksk", _("TKSK")
    PSM = "psm", _("PSM")
    KELURAHAN = "kelurahan", _("Kelurahan operator")
    MITRA = "mitra", _("Partner agency (mitra)")
    # UU 27/2022: who answers for the protection of personal data reads who saw which record.
    PRIVACY = "privasi", _("Data protection officer")


class Cap:
    REGIONS_VIEW = "regions.view"
    USERS_MANAGE = "users.manage"
    AUDIT_VIEW = "audit.view"
    REGISTRY_VIEW = "registry.view"
    REGISTRY_VIEW_NIK = "registry.view_nik"
    REGISTRY_EDIT = "registry.edit"
    # Correct a family's desil with a reason, or record a muskel decision on it: the desil
    # decides who may receive aid (DOMAIN.md §1.4), so it is a verb of its own.
    DESIL_CORRECT = "registry.desil_correct"
    REGISTRY_IMPORT = "registry.import"
    REGISTRY_EXPORT = "registry.export"
    REGISTRY_EXPORT_NIK = "registry.export_nik"
    REFERENCE_MANAGE = "reference.manage"
    API_USE = "api.use"
    # Make and revoke one's own keys on the token page. Field workers use the API through keys
    # the office gives their devices (`padu token create`), so they do not manage keys.
    API_TOKENS = "api.tokens"
    ACCESS_LOG_VIEW = "access_log.view"
    # Edit the welfare score's weights (a new version) and recompute every family's score.
    WELFARE_MANAGE = "welfare.manage"
    # Change requests (updates app; the transitions each needs: updates/workflow.py).
    REQUEST_VIEW = "updates.view"
    REQUEST_PROPOSE = "updates.propose"  # make, edit and submit one's area's requests
    REQUEST_ASSIGN = "updates.assign"  # send a request to field verification, assign its PSM
    REQUEST_VERIFY = "updates.verify"  # record the field verification's outcome
    MUSKEL_MANAGE = "updates.muskel"  # run a Muskel: its agenda and decisions
    REQUEST_CHECK = "updates.check"  # Dinsos: check what a Muskel agreed
    REQUEST_APPROVE = "updates.approve"  # Dinsos: approve (apply), return or reject
    # Close a month (the registry's state is frozen as that period); reopening a closed one
    # undoes the freeze, so it is an administrator's, with a reason.
    PERIOD_CLOSE = "periods.close"
    PERIOD_REOPEN = "periods.reopen"
    # Programs (programs app): see the catalogue, cohorts and candidates of one's area; edit the
    # catalogue, the compatibility table and the eligibility rules; make cohorts and run their
    # targeting (who is chosen, in which order, and who fills a place left).
    PROGRAM_VIEW = "programs.view"
    PROGRAM_MANAGE = "programs.manage"
    COHORT_TARGET = "programs.target"
    # A candidate's field check (found, meets the conditions, willing): verifies or rejects him.
    PROGRAM_VERIFY = "programs.verify"
    # Approve a beneficiary decree (SK) or a group's grant: it commits the program's budget.
    DECREE_APPROVE = "programs.approve"
    # Prepare decrees; enrol beneficiaries, record disbursements and equipment, end their
    # participation; form groups; run training courses and their attendance.
    BENEFIT_MANAGE = "programs.benefits"


_FIELD = {Cap.REGIONS_VIEW, Cap.REGISTRY_VIEW, Cap.REGISTRY_VIEW_NIK, Cap.API_USE}
_PROPOSE = {Cap.REQUEST_VIEW, Cap.REQUEST_PROPOSE}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        {
            Cap.REGIONS_VIEW,
            Cap.USERS_MANAGE,
            Cap.AUDIT_VIEW,
            Cap.REGISTRY_VIEW,
            Cap.REFERENCE_MANAGE,
            Cap.API_USE,
            Cap.API_TOKENS,
            Cap.ACCESS_LOG_VIEW,
            Cap.WELFARE_MANAGE,
            Cap.PERIOD_REOPEN,
            Cap.PROGRAM_VIEW,
            Cap.PROGRAM_MANAGE,
        }
    ),
    Role.OPERATOR: frozenset(
        _FIELD
        | {
            Cap.REGISTRY_EDIT,
            Cap.DESIL_CORRECT,
            Cap.REGISTRY_IMPORT,
            Cap.REGISTRY_EXPORT,
            Cap.REGISTRY_EXPORT_NIK,
            Cap.API_TOKENS,
            *_PROPOSE,
            Cap.REQUEST_ASSIGN,
            Cap.REQUEST_CHECK,
            Cap.REQUEST_APPROVE,
            Cap.PERIOD_CLOSE,
            Cap.PROGRAM_VIEW,
            Cap.PROGRAM_MANAGE,
            Cap.COHORT_TARGET,
            Cap.PROGRAM_VERIFY,
            Cap.BENEFIT_MANAGE,
        }
    ),
    Role.PIMPINAN: frozenset(
        {
            Cap.REGIONS_VIEW,
            Cap.REGISTRY_VIEW,
            Cap.REGISTRY_EXPORT,
            Cap.API_USE,
            Cap.API_TOKENS,
            Cap.REQUEST_VIEW,
            Cap.PROGRAM_VIEW,
            Cap.DECREE_APPROVE,
        }
    ),
    Role.TKSK: frozenset(
        _FIELD
        | _PROPOSE
        | {Cap.REGISTRY_EXPORT, Cap.REQUEST_ASSIGN, Cap.PROGRAM_VIEW, Cap.PROGRAM_VERIFY}
    ),
    Role.PSM: frozenset(
        _FIELD | _PROPOSE | {Cap.REQUEST_VERIFY, Cap.PROGRAM_VIEW, Cap.PROGRAM_VERIFY}
    ),
    Role.KELURAHAN: frozenset(_FIELD | _PROPOSE | {Cap.REGISTRY_EXPORT, Cap.MUSKEL_MANAGE}),
    # A partner agency sees only the people referred to it (casework), never the registry.
    Role.MITRA: frozenset(),
    # Reads the trails of the whole area; sees people's records as a leader does (masked).
    Role.PRIVACY: frozenset(
        {Cap.REGIONS_VIEW, Cap.REGISTRY_VIEW, Cap.AUDIT_VIEW, Cap.ACCESS_LOG_VIEW}
    ),
}


def capabilities_for(role: str) -> frozenset[str]:
    return ROLE_CAPABILITIES.get(role, frozenset())
