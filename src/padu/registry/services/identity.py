"""Whether a NIK or KK number is already registered, and what the user may be told about it
(no existence oracle: docs/privacy.md)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record
from padu.core.errors import DomainError
from padu.core.models import AuditEntry
from padu.core.scoping import has_capability, in_scope, scope_codes
from padu.regions.selectors import common_region

from ..declarations import FAMILY, PERSON
from ..masks import mask_number
from ..models import Family, Person


def nik_taken(actor, nik: str, *, exclude_pk=None) -> str | None:
    """Why `nik` cannot be used, or None. Inside the actor's area the message says where the NIK
    is; outside it, only that it is registered (audited and rate-limited: `registered_elsewhere`).
    Call it outside the write's transaction, so that its audit entry stays when the write fails."""
    # A NIK is unique in the whole registry: looked up everywhere, told only inside the area.
    other = (
        Person.objects.unscoped()
        .select_related("family", "region")
        .filter(nik=nik)
        .exclude(pk=exclude_pk)
        .first()
    )
    if other is None:
        return None
    if has_capability(actor, Cap.REGISTRY_VIEW) and in_scope(actor, other.region_id):
        return PERSON["nik"].prefixed(
            _(
                "%(nik)s is already registered to %(name)s (%(status)s) in the family with KK "
                "%(kk)s in %(kelurahan)s."
            )
            % {
                "nik": mask_number(nik),
                "name": other.name,
                "status": other.get_life_status_display().lower(),
                "kk": mask_number(other.family.kk_number),
                "kelurahan": other.region.name,
            }
        )
    registered_elsewhere(actor, "nik", nik)
    return PERSON["nik"].prefixed(REGISTERED % {"number": mask_number(nik)})


def kk_taken(actor, kk: str, *, exclude_pk=None) -> str | None:
    """As `nik_taken`, for a KK number."""
    other = (
        Family.objects.unscoped()  # as a NIK: unique everywhere
        .select_related("region")
        .filter(kk_number=kk)
        .exclude(pk=exclude_pk)
        .first()
    )
    if other is None:
        return None
    if has_capability(actor, Cap.REGISTRY_VIEW) and in_scope(actor, other.region_id):
        return FAMILY["kk_number"].prefixed(
            _("%(kk)s is already registered to a family (%(status)s) in %(kelurahan)s.")
            % {
                "kk": mask_number(kk),
                "status": other.get_status_display().lower(),
                "kelurahan": other.region.name,
            }
        )
    registered_elsewhere(actor, "kk_number", kk)
    return FAMILY["kk_number"].prefixed(REGISTERED % {"number": mask_number(kk)})


# An answer that a number is registered where the user may not look says no more than that: not
# where, in which family or under which name. Each such answer is audited, and a user who gets
# more than PADU_REGISTERED_ANSWERS_PER_HOUR of them in an hour is stopped for the rest of it
# and reported in the audit trail (`registry.number.probing`), which the administrator reads.
REGISTERED = gettext_lazy(
    "%(number)s is already registered. Ask the Dinas Sosial to check it if this is wrong."
)
ANSWERED = "registry.number.registered_elsewhere"
PROBING = "registry.number.probing"
WINDOW = datetime.timedelta(hours=1)


class TooManyChecksError(DomainError):
    code = "too_many_checks"
    # Seconds after which the user may try again: the answers counted are those of the last hour.
    retry_after = int(WINDOW.total_seconds())


def registered_elsewhere(actor, field: str, number: str) -> None:
    """Record the answer, or refuse it when the user has had too many in the last hour."""
    since = timezone.now() - WINDOW
    limit = settings.PADU_REGISTERED_ANSWERS_PER_HOUR
    region = common_region(scope_codes(actor))
    with transaction.atomic():
        answered = AuditEntry.objects.filter(actor=actor, action=ANSWERED, at__gte=since).count()
        if answered >= limit:
            if not AuditEntry.objects.filter(actor=actor, action=PROBING, at__gte=since).exists():
                audit_record(
                    actor=actor,
                    action=PROBING,
                    object_type="accounts.user",
                    object_id=str(actor.pk),
                    object_repr=actor.get_username(),
                    region_code=region,
                    after={"answers_in_the_last_hour": answered, "limit": limit},
                    only_changes=False,
                )
        else:
            audit_record(
                actor=actor,
                action=ANSWERED,
                object_type=f"registry.{'person' if field == 'nik' else 'family'}",
                object_repr=mask_number(number),
                region_code=region,
                after={"field": field, "number": mask_number(number)},
                only_changes=False,
            )
    if answered >= limit:
        raise TooManyChecksError(
            _(
                "You have entered more numbers that are already registered than an hour allows "
                "(%(limit)s). Wait an hour before trying again; the administrator has been "
                "told."
            )
            % {"limit": limit},
            field=field,
        )
