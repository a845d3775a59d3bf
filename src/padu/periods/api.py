"""Periods endpoints: the closed months, a period's summary and the families as of a period.
Thin: the same selectors as the pages, scoped to the token owner's area; numbers masked as in
the lists."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, Path, Query, Router, Schema
from pydantic import field_validator

from padu.accounts.capabilities import Cap
from padu.core.audit import access_record
from padu.core.schemas import DETAIL_ERRORS, READ_ERRORS, PageParams
from padu.core.scoping import require, scope_codes
from padu.regions.selectors import common_region
from padu.registry.codes import FamilyStatus
from padu.registry.masks import mask_number
from padu.registry.schemas import KECAMATAN_CODE, KELURAHAN_CODE
from padu.registry.selectors import parse_desil

from . import months, selectors
from .models import Period

router = Router(tags=[gettext_noop("periods")])

MONTH = r"^[0-9]{4}-[0-9]{2}$"
PeriodStatus = Period.Status


class PeriodOut(Schema):
    month: str = Field(description="The period, YYYY-MM.")
    status: PeriodStatus
    closed_at: datetime.datetime | None
    reopened_at: datetime.datetime | None
    families_registered: int | None = Field(
        description="Families registered at the close, inside the caller's area."
    )
    people_registered: int | None = Field(
        description="People registered at the close, inside the caller's area."
    )


class CountsOut(Schema):
    registered: int
    added: int
    changed: int
    removed: int
    removed_by: dict[str, int] = Field(description="Removed, by the status that removed them.")


class SummaryOut(Schema):
    month: str
    first: bool = Field(description="The first closed period: everyone counts as added.")
    families: CountsOut
    people: CountsOut


class FamilyAsOfOut(Schema):
    id: int
    kk_number: str = Field(description="Masked.")
    kelurahan: str = Field(description="Kelurahan code as of the period.")
    desil: int | None
    status: FamilyStatus


class FamilyAsOfPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[FamilyAsOfOut]


class AsOfFilters(PageParams):
    kecamatan: str | None = Field(None, pattern=KECAMATAN_CODE)
    kelurahan: str | None = Field(None, pattern=KELURAHAN_CODE)
    status: FamilyStatus | None = None
    desil: str | None = Field(
        None,
        max_length=5,
        description="A desil (`3`), an inclusive range (`1-4`), or `none` (not ranked yet).",
    )

    @field_validator("desil")
    @classmethod
    def _desil(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        try:
            parse_desil(value)
        except ValueError:
            raise ValueError(
                _("Enter a desil from 1 to 10, a range such as 1-4, or none.")
            ) from None
        return value


def _closed(month: str) -> Period:
    key = months.parse(month)
    period = Period.objects.filter(pk=key, status=Period.Status.CLOSED).first() if key else None
    if period is None:
        raise Http404
    return period


@router.get(
    "/periods",
    response={200: list[PeriodOut], **READ_ERRORS},
    operation_id="period_list",
    summary=gettext_noop("List the periods"),
)
def period_list(request):
    """Every period, newest first, with its registered counts inside the caller's area."""
    user = request.auth
    require(user, Cap.REGISTRY_VIEW)
    periods = list(selectors.period_list(filters={}))
    counts = selectors.registered_counts(user=user, months=[p.month for p in periods])
    return [
        {
            "month": p.text,
            "status": p.status,
            "closed_at": p.closed_at,
            "reopened_at": p.reopened_at,
            "families_registered": counts.get(p.month, {}).get("family"),
            "people_registered": counts.get(p.month, {}).get("person"),
        }
        for p in periods
    ]


@router.get(
    "/periods/{month}/summary",
    response={200: SummaryOut, **DETAIL_ERRORS},
    operation_id="period_summary",
    summary=gettext_noop("A closed period's summary"),
)
def period_summary(request, month: str = Path(..., pattern=MONTH)):
    """Families and people registered, added, changed and removed (by reason) in the period,
    inside the caller's area."""
    user = request.auth
    require(user, Cap.REGISTRY_VIEW)
    period = _closed(month)
    summary = selectors.period_summary(user=user, period=period)
    first = not Period.objects.filter(month__lt=period.month, status=Period.Status.CLOSED).exists()
    return {
        "month": period.text,
        "first": first,
        "families": summary["family"],
        "people": summary["person"],
    }


@router.get(
    "/periods/{month}/families",
    response={200: FamilyAsOfPageOut, **DETAIL_ERRORS},
    operation_id="period_families",
    summary=gettext_noop("Families as of a closed period"),
)
def period_families(request, filters: Query[AsOfFilters], month: str = Path(..., pattern=MONTH)):
    """The families as they were frozen at the period's close (kelurahan, desil, status),
    inside the caller's area; `count` is the total before paging."""
    user = request.auth
    require(user, Cap.REGISTRY_VIEW)
    period = _closed(month)
    values = filters.model_dump(exclude={"limit", "offset"}, exclude_none=True)
    queryset = selectors.families_as_of(user=user, period=period, filters=values)
    states = list(queryset[filters.offset : filters.offset + filters.limit])
    access_record(
        user=user,
        object_type="registry.family",
        region_code=common_region(scope_codes(user)),
        purpose="api_family_as_of_list",
        request=request,
        filters={**values, "period": period.text},
        rows=len(states),
    )
    return {
        "count": queryset.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [
            {
                "id": s.family_id,
                "kk_number": mask_number(s.family.kk_number),
                "kelurahan": s.region_id,
                "desil": s.desil,
                "status": s.status,
            }
            for s in states
        ],
    }
