"""Whether a NIK or KK number is already registered, and what the user may be told about it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.scoping import has_capability, in_scope

from ..declarations import FAMILY, PERSON
from ..identifiers import mask_number
from ..models import Family, Person


def nik_taken(actor, nik: str, *, exclude_pk=None) -> str | None:
    """Why `nik` cannot be used, or None. Inside the actor's area the message says where the NIK
    is; outside it, only that it exists."""
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
    return PERSON["nik"].prefixed(
        _(
            "%(nik)s is already registered to a person outside your area. Ask the Dinas Sosial to "
            "check it."
        )
        % {"nik": mask_number(nik)}
    )


def kk_taken(actor, kk: str, *, exclude_pk=None) -> str | None:
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
    return FAMILY["kk_number"].prefixed(
        _(
            "%(kk)s is already registered to a family outside your area. Ask the Dinas Sosial to "
            "check it."
        )
        % {"kk": mask_number(kk)}
    )
