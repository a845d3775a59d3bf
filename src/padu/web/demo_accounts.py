"""The demo's users: one account per role, placed in the office's region tree."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Role
from padu.regions.models import VILLAGE_LEVELS, Level, Region


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    region: str | None
    organisation: str = ""


def demo_accounts(region: Region) -> tuple[DemoAccount, ...]:
    """One account per role in `region`: the office roles over all of it, the TKSK over its
    first kecamatan, the PSM and the kelurahan over that kecamatan's first village, a second PSM
    in the fourth kecamatan (Kota Padang: Padang Selatan, Belakang Pondok, Air Tawar Timur)."""
    below = Region.objects.filter(code__startswith=f"{region.code}.", ended_by=None)
    kecamatan = list(below.filter(level=Level.KECAMATAN).values_list("code", flat=True)[:4])
    if not kecamatan:
        raise CommandError(
            _("Region %(code)s has no kecamatan in the loaded tree.") % {"code": region.code}
        )
    villages = below.filter(level__in=VILLAGE_LEVELS).order_by("code")
    first = villages.filter(parent_id=kecamatan[0]).values_list("code", flat=True).first()
    second = villages.filter(parent_id=kecamatan[-1]).values_list("code", flat=True).first()
    if first is None or second is None:
        raise CommandError(
            _("Region %(code)s has no kelurahan/desa in the loaded tree.") % {"code": region.code}
        )
    office = region.code
    return (
        DemoAccount("admin", Role.ADMIN, office),
        DemoAccount("operator", Role.OPERATOR, office),
        DemoAccount("pimpinan", Role.PIMPINAN, office),
        DemoAccount("tksk", Role.TKSK, kecamatan[0]),
        DemoAccount("psm", Role.PSM, first),
        DemoAccount("psm2", Role.PSM, second),
        DemoAccount("kelurahan", Role.KELURAHAN, first),
        DemoAccount("mitra", Role.MITRA, None, f"Disdukcapil {region.name}"),
        DemoAccount("privasi", Role.PRIVACY, office),
    )
