"""What the API page says about the DCI endpoints (padu/api/docs.py shows it): the endpoints,
the identifier types, the attributes a search may use and sort by, and Padu's codes in the DCI's
code directories, all read from the code that answers."""

from __future__ import annotations

from django.urls import reverse

from padu.registry.codes import MaritalStatus, Relationship, Sex
from padu.registry.disclosure import Disclosure

from . import codes, envelope, query, urls


def _aliases(kind: str) -> list[str]:
    return sorted(name for name, target in codes.IDENTIFIER_TYPES.items() if target == kind)


def _attributes(entity: str) -> list[str]:
    return sorted(query.Attributes(entity=entity, disclosure=Disclosure(full=True)).handlers)


def summary() -> dict:
    endpoints = [
        {"method": "POST", "path": reverse(f"dci:{p.name}"), "summary": p.callback.summary}
        for p in urls.urlpatterns
        if hasattr(p.callback, "summary")
    ]
    return {
        "endpoints": endpoints,
        "document_url": reverse("dci:openapi"),
        "jwks_url": reverse("dci:jwks"),
        "identifiers": [
            {"name": codes.NIK, "aliases": _aliases(codes.NIK)},
            {"name": codes.KK, "aliases": _aliases(codes.KK)},
        ],
        "entities": [
            {
                "name": entity,
                "record": record,
                "attributes": _attributes(entity),
                "sorts": sorted(query.sort_fields(entity, True)),
            }
            for entity, record in ((codes.GROUP, "SRGroup"), (codes.MEMBER, "SRMember"))
        ],
        "codes": [
            {
                "name": "identifier_type (CD.COM.01)",
                "pairs": [(name, codes.IDENTIFIER_OUT[name]) for name in (codes.NIK, codes.KK)],
            },
            {"name": "sex (CD.COM.03)", "pairs": [(Sex(k).label, v) for k, v in codes.SEX.items()]},
            {
                "name": "marital_status (CD.COM.02)",
                "pairs": [(MaritalStatus(k).label, v) for k, v in codes.MARITAL_STATUS.items()],
            },
            {
                "name": "relationship_head (CD.COM.07)",
                "pairs": [(Relationship(k).label, v) for k, v in codes.RELATIONSHIP.items()],
            },
        ],
        "max_page_size": query.MAX_PAGE_SIZE,
        "max_batch": envelope.MAX_BATCH,
    }
