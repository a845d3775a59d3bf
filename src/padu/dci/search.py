"""Answering a search message: each `search_request` of the batch run as the client (scoped,
masked as its role is), its page of records read, and the read written to the access log."""

from __future__ import annotations

from django.utils.translation import gettext as _

from padu.core.audit import access_record
from padu.core.scoping import scope_codes
from padu.regions.selectors import common_region
from padu.registry.disclosure import Disclosure
from padu.registry.selectors import with_disabilities

from . import codes, envelope, query, records

OBJECT_TYPES = {codes.GROUP: "registry.family", codes.MEMBER: "registry.person"}


def _rejected(item: dict, code: str, message: str) -> dict:
    return {
        "reference_id": item.get("reference_id", ""),
        "timestamp": envelope.now(),
        "status": "rjct",
        "status_reason_code": code,
        "status_reason_message": message[:999],
        "locale": envelope.locale(),
    }


def _unsupported_event(criteria: dict) -> bool:
    """Padu's registry is searched for registered groups and members (REGISTER); the other event
    type of the standard (NewHouseHoldMember) is a subscription's, which Padu does not offer."""
    return criteria.get("reg_event_type", "REGISTER") != "REGISTER"


def run_one(*, user, item: dict, purpose: str, request=None, transaction_id: str = "") -> dict:
    """One search_request → one search_response item (records, page and status)."""
    criteria = item["search_criteria"]
    if _unsupported_event(criteria):
        return _rejected(
            item,
            "rjct.search_criteria.invalid",
            _("Padu is searched with reg_event_type REGISTER."),
        )
    try:
        search = query.build(user=user, criteria=criteria)
        qs = search.queryset
        if search.entity == codes.MEMBER:
            qs = with_disabilities(qs.select_related("family"))
        total = qs.count()
        start = (search.page_number - 1) * search.page_size
        page = list(qs[start : start + search.page_size])
    except query.CriteriaError as exc:
        return _rejected(item, exc.code, exc.message)
    disclosure = Disclosure(user)
    if search.entity == codes.GROUP:
        found = records.groups(user=user, families=page, disclosure=disclosure)
    else:
        found = records.members(people=page, disclosure=disclosure)
    access_record(
        user=user,
        object_type=OBJECT_TYPES[search.entity],
        region_code=common_region(scope_codes(user)),
        purpose=purpose,
        request=request,
        filters={
            "transaction_id": transaction_id,
            "reference_id": item.get("reference_id", ""),
            "query_type": criteria["query_type"],
            "query": criteria["query"],
            "response_entity": search.entity,
            "page_number": search.page_number,
        },
        rows=len(found),
    )
    return {
        "reference_id": item.get("reference_id", ""),
        "timestamp": envelope.now(),
        "status": "succ",
        "data": {"version": envelope.VERSION, "reg_records": found},
        "pagination": {
            "page_size": search.page_size,
            "page_number": search.page_number,
            "total_count": total,
        },
        "locale": envelope.locale(),
    }


def run(*, user, message: dict, purpose: str, request=None) -> list[dict]:
    return [
        run_one(
            user=user,
            item=item,
            purpose=purpose,
            request=request,
            transaction_id=message.get("transaction_id", ""),
        )
        for item in message["search_request"]
    ]


def outcome(responses: list[dict]) -> list[dict]:
    """What a transaction keeps of its answers: no records, only their status and number."""
    kept = ("reference_id", "timestamp", "status", "status_reason_code", "status_reason_message")
    return [
        {
            **{k: r[k] for k in kept if k in r},
            "total_count": r.get("pagination", {}).get("total_count"),
        }
        for r in responses
    ]
