"""What the public page reads: the registered person a citizen names (by NIK and name together),
what may be told of the family, and the lookups counted by the rate limits.

These are system reads: the citizen has no account and so no area, and the registry's scoped
managers would refuse him everything. What bounds the read instead is the key he must give (a NIK
and the name registered with it, both), and what bounds the answer is the masked view a staff
role without `Cap.REGISTRY_VIEW_NIK` gets (`registry.disclosure`), narrowed to the family's status,
its desil and its kelurahan.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from padu.core.scoping import subtree_q
from padu.regions.models import VILLAGE_LEVELS, Region
from padu.registry.codes import FamilyStatus
from padu.registry.disclosure import Disclosure
from padu.registry.models import Family, Person
from padu.registry.names import name_key
from padu.registry.trigrams import similarity

from .models import Lookup


def names_match(typed: str, registered_key: str) -> bool:
    """Whether the name a citizen typed is the registered one, as the name search compares names
    (`registry.names`: case, titles, degrees and spelling reforms folded into the search key)
    and a slip of a letter or two forgiven (`PADU_PORTAL_NAME_SIMILARITY`). A part of the name
    ("Budi" for "Budi Santoso") is not the name."""
    typed_key = name_key(typed)
    if not typed_key or not registered_key:
        return False
    if typed_key == registered_key:
        return True
    return similarity(typed_key, registered_key) >= settings.PADU_PORTAL_NAME_SIMILARITY


def person_for_citizen(*, nik: str, name: str) -> Person | None:
    """The registered person with this NIK whose name matches `name`, with the family and its
    kelurahan; None when there is none, and the same None when the NIK is registered under
    another name (a caller cannot tell the two apart)."""
    # A system read, unscoped on purpose: a citizen has no area; the NIK and the matching name
    # together are the key (module docstring). Only this one row is read, and only the masked
    # answer (`citizen_answer`) leaves the portal.
    person = (
        Person.objects.unscoped().select_related("family__region__parent").filter(nik=nik).first()
    )
    if person is None or not names_match(name, person.name_key):
        return None
    return person


@dataclass(frozen=True)
class CitizenAnswer:
    """All the public page tells of a registered family: its identifiers masked as a masked
    staff role sees them, where it is registered (the kelurahan and kecamatan, as an address
    shows), whether it is active, and its desil with the period it was given for."""

    nik: str
    kk: str
    kelurahan: str
    kecamatan: str
    status: str
    active: bool
    desil: int | None
    desil_period: datetime.date | None


def citizen_answer(person: Person) -> CitizenAnswer:
    family: Family = person.family
    masked = Disclosure(full=False)
    region = family.region
    return CitizenAnswer(
        nik=masked.number(person.nik),
        kk=masked.number(family.kk_number),
        kelurahan=region.name,
        kecamatan=region.parent.name if region.parent else "",
        status=family.get_status_display(),
        active=family.status == FamilyStatus.ACTIVE,
        desil=family.desil,
        desil_period=family.desil_period,
    )


def office_villages() -> list[tuple[str, list[tuple[str, str]]]]:
    """The kelurahan/desa of the office's area (`PADU_ROOT_REGION`), grouped by kecamatan, as
    choices: where a citizen may propose a family."""
    villages = (
        Region.objects.filter(
            subtree_q("code", [settings.PADU_ROOT_REGION]), level__in=VILLAGE_LEVELS
        )
        .select_related("parent")
        .order_by("parent__name", "name")
    )
    groups: dict[str, list[tuple[str, str]]] = {}
    for village in villages:
        groups.setdefault(village.parent.name if village.parent else "", []).append(
            (village.code, village.name)
        )
    return list(groups.items())


def lookup_window_start() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=settings.PADU_PORTAL_WINDOW_MINUTES)


SUBMISSIONS = (Lookup.Kind.PROPOSAL, Lookup.Kind.OBJECTION)


@dataclass(frozen=True)
class LookupCounts:
    by_nik: int  # lookups of the NIK, from any address
    by_client: int  # lookups of any kind from the address
    sent_by_client: int  # proposals and objections sent from the address


def lookups_since(*, since: datetime.datetime, client_digest: str, nik_digest: str = ""):
    """What the log holds since `since` of this address and this NIK, counted by their keyed
    hashes (one query)."""
    by_nik = Q(nik_digest=nik_digest) if nik_digest else Q(pk__in=[])
    by_client = Q(client_digest=client_digest)
    # Counting rows by hash reads no one's data: unscoped for the rate limit, a system check.
    counts = (
        Lookup.objects.unscoped()
        .filter(by_nik | by_client, at__gte=since)
        .aggregate(
            by_nik=Count("pk", filter=by_nik),
            by_client=Count("pk", filter=by_client),
            sent_by_client=Count("pk", filter=by_client & Q(kind__in=SUBMISSIONS)),
        )
    )
    return LookupCounts(**counts)
