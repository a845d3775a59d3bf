"""What the registry's field rules ask the database about one record (a form, an API call, a
service): each question is asked when a rule needs it, and answered once.

The bulk import answers the same questions from sets loaded once per file
(`registry.importer.checks.Context`), which serves both renderings.
"""

from __future__ import annotations

import datetime
from functools import cached_property

from django.utils import timezone

from padu.core.scoping import in_scope, within


class RecordContext:
    """`actor`: the user whose area a record must lie in (None: the deployment's root region).
    `kept_ppks`: PPKS codes the person already has (a retired one may stay)."""

    def __init__(self, actor=None, *, today: datetime.date | None = None, kept_ppks=()):
        self.actor = actor
        self.today = today or timezone.localdate()
        self.kept_ppks = frozenset(kept_ppks)
        self._villages: dict[str, bool] = {}

    def is_village(self, code: str) -> bool:
        from padu.regions.models import VILLAGE_LEVELS, Region

        if code not in self._villages:
            self._villages[code] = Region.objects.filter(
                code=code, level__in=VILLAGE_LEVELS
            ).exists()
        return self._villages[code]

    def in_area(self, code: str) -> bool:
        if self.actor is None:
            from django.conf import settings

            return within(code, settings.PADU_ROOT_REGION)
        return in_scope(self.actor, code)

    @cached_property
    def _ppks(self) -> dict[int, bool]:
        from .models import PPKSCategory

        return dict(PPKSCategory.objects.values_list("code", "is_active"))

    def ppks_state(self, code: int) -> str | None:
        """ "active", "retired" or None (no such category)."""
        if code not in self._ppks:
            return None
        return "active" if self._ppks[code] else "retired"
