"""Input and output schemas of the change request API (updates/api.py). What a request asks
(`data`) is by the registry declarations' field names, checked by the service
(services.requests); its shape per kind is described there and in the document."""

import datetime
from typing import Any

from ninja import Field, Schema

from padu.core.schemas import PageParams, RecordId, Version

from .codes import RemovalReason, RequestKind, RequestSource, RequestState

KELURAHAN_CODE = r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"
DATA_SHAPES = (
    "What the request asks, by the registry's field names: a new family "
    "`{family: {...}, members: [{...}], housing: {...}}`; a new member `{person: {...}}`; a "
    "change `{changes: {field: value}}`; a move `{relationship: code}` (with `person_id` and "
    "`target_family_id`) or a KK split `{kk_number: '...', members: [[person id, relationship]]}`;"
    " nothing for a removal, objection or withdrawal."
)


class RowOut(Schema):
    label: str = Field(description="The field's label, in the request's language.")
    before: str | None = Field(
        description="The value when the request was made (a change), as `after` shows it."
    )
    after: str = Field(
        description="The value as the pages show it: a code's label, a kelurahan's name with "
        "its code (`Belakang Pondok (13.71.01.1001)`), numbers masked for the caller's role."
    )


class SectionOut(Schema):
    title: str
    rows: list[RowOut]


class EventOut(Schema):
    transition: str
    from_state: RequestState | None
    to_state: RequestState
    actor: str | None = Field(description="The user's name; empty for the citizen or the system.")
    by_citizen: bool
    at: datetime.datetime
    reason: str


class EvidenceOut(Schema):
    id: int
    kind: str
    name: str
    content_type: str
    size: int


class RequestListItemOut(Schema):
    id: int
    receipt: str
    kind: RequestKind
    state: RequestState
    source: RequestSource
    kelurahan: str = Field(description="The kelurahan/desa's code.")
    kelurahan_name: str = Field(description="The kelurahan/desa's name.")
    family_id: int | None
    person_id: int | None
    summary: str = Field(description="What is asked, in one line (identifiers masked as shown).")
    created_at: datetime.datetime
    state_changed_at: datetime.datetime | None
    version: int


class RequestOut(RequestListItemOut):
    target_family_id: int | None
    removal_reason: RemovalReason | None
    notes: str
    latitude: str | None
    longitude: str | None
    lapses_on: datetime.date | None
    applied_family_id: int | None
    applied_person_id: int | None
    sections: list[SectionOut]
    evidence: list[EvidenceOut]
    events: list[EventOut]
    transitions: list[str] = Field(
        description="The transitions the caller may take now through `transitions/{name}` (field "
        "verification and the Muskel take theirs through their own endpoints)."
    )


class RequestPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[RequestListItemOut]


class RequestFilters(PageParams):
    state: RequestState | None = None
    kind: RequestKind | None = None
    source: RequestSource | None = None
    kelurahan: str | None = Field(None, pattern=KELURAHAN_CODE)
    receipt: str | None = Field(None, max_length=16)


class RequestIn(Schema):
    kind: RequestKind
    family_id: RecordId | None = None
    person_id: RecordId | None = None
    target_family_id: RecordId | None = None
    data: dict[str, Any] = Field(default_factory=dict, description=DATA_SHAPES)
    removal_reason: RemovalReason | None = None
    notes: str = Field("", max_length=2000)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    submit: bool = Field(False, description="Submit at once instead of keeping a draft.")


class TransitionIn(Schema):
    reason: str = Field("", max_length=2000)
    version: Version | None = Field(
        None, description="The version the client read; 409 when someone moved it since."
    )
