"""Registry endpoints: families and people. Thin: reads go through registry.selectors (scoped),
writes through registry.services (validated, locked, audited); errors are DomainErrors that
padu.api.errors turns into JSON. Numbers are masked here exactly as on the pages."""

from contextlib import contextmanager

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Query, Router, Status

from padu.accounts.capabilities import Cap
from padu.core.audit import access_record
from padu.core.errors import ConflictError, ValidationFailed
from padu.core.records import Sensitivity
from padu.core.records.derive import record_values
from padu.core.records.schemas import api_name
from padu.core.schemas import (
    COMMON_ERRORS,
    DETAIL_ERRORS,
    READ_ERRORS,
    ConflictOut,
    ErrorOut,
    RecordId,
    WarningsOut,
)
from padu.core.scoping import require, scope_codes
from padu.regions.selectors import common_region

from . import codes, selectors, services
from .declarations import DWELLING, FAMILY, PERSON
from .disclosure import Disclosure, age_band
from .masks import mask_number
from .models import Family, Person, PPKSCategory
from .schemas import (
    FamilyFilters,
    FamilyIn,
    FamilyOut,
    FamilyPageOut,
    FamilyPatch,
    PersonFilters,
    PersonIn,
    PersonOut,
    PersonPageOut,
    PersonPatch,
)
from .search_box import SearchError

router = Router(tags=[gettext_noop("registry")])

# 429: the user was told too often that a number is registered outside his area (services.identity).
WRITE_ERRORS = {**COMMON_ERRORS, 400: ErrorOut, 404: ErrorOut, 422: WarningsOut, 429: ErrorOut}
UPDATE_ERRORS = {**WRITE_ERRORS, 409: ConflictOut}

# ------------------------------------------------------------------------------ output mapping


def region_out(region) -> dict | None:
    return {"code": region.code, "name": region.name} if region is not None else None


def _birth(person: Person, disclosure: Disclosure) -> dict:
    """The date of birth for a role that sees whole numbers, and the band of age for all."""
    return {
        "birth_date": person.birth_date if disclosure.full else None,
        "age_band": age_band(person.birth_date, disclosure.today),
    }


def _member(person: Person, disclosure: Disclosure) -> dict:
    return {
        "id": person.pk,
        "nik": mask_number(person.nik),
        "name": person.name,
        "sex": person.sex,
        **_birth(person, disclosure),
        "relationship": person.relationship,
        "life_status": person.life_status,
        "disability": person.disability_types,
        "version": person.version,
    }


def _family_list_item(family: Family) -> dict:
    return {
        "id": family.pk,
        "kk_number": mask_number(family.kk_number),
        "kelurahan": region_out(family.region),
        "kecamatan": region_out(family.region.parent),
        "rw": family.rw,
        "rt": family.rt,
        "address": family.address,
        "head_name": _head_name(family),
        "member_count": family.member_count,
        "desil": family.desil,
        "status": family.status,
        "version": family.version,
    }


def declared(record, obj, disclosure: Disclosure) -> dict:
    """The record's declared fields by their API names, as the caller may receive them: an
    identifier masked, a date that narrows one left out (its band is given beside it)."""
    out = {}
    for f, value in zip(record.fields, record_values(record, obj).values(), strict=True):
        if f.sensitivity == Sensitivity.QUASI_IDENTIFIER and not disclosure.full:
            value = None
        out[api_name(f)] = disclosure.value(f, value) if value is not None else None
    return out


def _dwelling(dwelling, disclosure: Disclosure) -> dict:
    values = declared(DWELLING, dwelling, disclosure)
    return {**values, "id": dwelling.pk, "head_id": dwelling.head_id, "version": dwelling.version}


def _family(family: Family, *, members: list[Person], disclosure: Disclosure) -> dict:
    return {
        **declared(FAMILY, family, disclosure),
        "id": family.pk,
        "kelurahan": region_out(family.region),
        "kecamatan": region_out(family.region.parent),
        "dwelling": _dwelling(family.dwelling, disclosure) if family.dwelling_id else None,
        "desil_history": [
            {
                "desil": r.desil,
                "period": r.period,
                "kind": r.kind,
                "source": r.source,
                "import_id": r.import_batch_id,
                "reason": r.reason,
            }
            for r in family.desil_history.all()
        ],
        "members": [_member(p, disclosure) for p in members],
        "created_at": family.created_at,
        "updated_at": family.updated_at,
        "version": family.version,
    }


def _person_list_item(person: Person, disclosure: Disclosure) -> dict:
    return {
        "id": person.pk,
        "nik": mask_number(person.nik),
        "name": person.name,
        "sex": person.sex,
        **_birth(person, disclosure),
        "relationship": person.relationship,
        "family_id": person.family_id,
        "kelurahan": region_out(person.region),
        "desil": person.family.desil,
        "disability": person.disability_types,
        "life_status": person.life_status,
        "version": person.version,
    }


def _person(person: Person, *, disclosure: Disclosure) -> dict:
    family = person.family
    return {
        **declared(PERSON, person, disclosure),
        "age_band": age_band(person.birth_date, disclosure.today),
        "id": person.pk,
        "ppks": [{"code": c.code, "name": c.name} for c in person.ppks.all()],
        "family": {
            "id": family.pk,
            "kk_number": disclosure.number(family.kk_number),
            "desil": family.desil,
            "status": family.status,
        },
        "kelurahan": region_out(person.region),
        "created_at": person.created_at,
        "updated_at": person.updated_at,
        "version": person.version,
    }


# ------------------------------------------------------------------------------- input mapping


def record_data(record, sent: dict) -> dict:
    """The request's properties by API name → the service's data dict (declared names)."""
    return {f.name: sent[api_name(f)] for f in record.fields if api_name(f) in sent}


# The declared names that the API calls otherwise (`region` → `kelurahan`).
API_FIELD = {f.name: api_name(f) for record in (FAMILY, PERSON) for f in record.fields}


def _api_field(path: str) -> str:
    """`members.0.region` → `members.0.kelurahan`: the last part of a path, in the API's terms."""
    head, _dot, last = path.rpartition(".")
    name = API_FIELD.get(last, last)
    return f"{head}.{name}" if head else name


@contextmanager
def in_api_terms():
    """Errors of a service call, with field names as the client sent them."""
    try:
        yield
    except ValidationFailed as exc:
        renamed: dict[str, list] = {}
        for field, messages in exc.errors.items():
            renamed.setdefault(_api_field(field), []).extend(messages)
        exc.errors = renamed
        raise
    except ConflictError as exc:
        exc.changes = [
            {**c, "field": _api_field(c["field"])} if isinstance(c, dict) and "field" in c else c
            for c in exc.changes
        ]
        raise


# ----------------------------------------------------------------------------------- helpers


def _page(filters) -> tuple[dict, int, int]:
    values = filters.model_dump(mode="json", exclude_none=True)
    limit, offset = values.pop("limit"), values.pop("offset")
    return values, limit, offset


def family_record(user, pk: int | None = None, *, family: Family | None = None) -> dict:
    family = family or selectors.family_get(user=user, pk=pk)
    members = list(
        selectors.people_visible(user=user)
        .filter(family_id=family.pk)
        .order_by("relationship", "birth_date", "pk")
    )
    return _family(family, members=members, disclosure=Disclosure(user))


def person_record(user, pk: int) -> dict:
    person = selectors.person_get(user=user, pk=pk)
    return _person(person, disclosure=Disclosure(user))


def _log_list(request, object_type: str, purpose: str, filters: dict, rows: int) -> None:
    """One access-log row for a page of a list: people's names and data were read."""
    access_record(
        user=request.auth,
        object_type=object_type,
        region_code=common_region(scope_codes(request.auth)),
        purpose=purpose,
        request=request,
        filters=filters,
        rows=rows,
    )


def _head_name(family: Family) -> str | None:
    """The active head among the heads `selectors.family_list` prefetched."""
    if not family.heads:
        return None
    active = [h for h in family.heads if h.life_status == codes.LifeStatus.ACTIVE]
    return (active or family.heads)[0].name


def _list_filters(user, filters) -> tuple[dict, int, int]:
    """The selector's filter dict from the query parameters, and the page's limit and offset.
    The API takes a PPKS category by its code (stable across offices); the selector by its id."""
    values, limit, offset = _page(filters)
    query = (values.get("q") or "").strip()
    if query and not selectors.clean_number(query):
        try:
            selectors.read_search(user, query)
        except SearchError as error:
            raise ValidationFailed({"q": [str(error.message)]}) from error
    if "ppks" in values:
        pk = PPKSCategory.objects.filter(code=values["ppks"]).values_list("pk", flat=True).first()
        if pk is None:
            raise ValidationFailed({"ppks": [_("There is no PPKS category with this code.")]})
        values["ppks"] = pk
    return values, limit, offset


# --------------------------------------------------------------------------------- families


@router.get(
    "/families",
    response={200: FamilyPageOut, **READ_ERRORS},
    operation_id="family_list",
    summary=gettext_noop("List families"),
)
def family_list(request, filters: Query[FamilyFilters]):
    """Families inside the caller's area, filtered; `count` is the total before paging."""
    user = request.auth
    require(user, Cap.REGISTRY_VIEW)
    values, limit, offset = _list_filters(user, filters)
    queryset = selectors.family_list(user=user, filters=values)
    # The page's ids first, then its rows (as the list page does: registry.views.lists).
    ids = list(queryset.values_list("pk", flat=True)[offset : offset + limit])
    families = selectors.family_rows(user=user, ids=ids)
    _log_list(request, "registry.family", "api_family_list", values, len(families))
    return {
        "count": selectors.list_count(queryset),
        "limit": limit,
        "offset": offset,
        "items": [_family_list_item(f) for f in families],
    }


@router.get(
    "/families/{int:family_id}",
    response={200: FamilyOut, **DETAIL_ERRORS},
    operation_id="family_get",
    summary=gettext_noop("One family with its members"),
)
def family_get(request, family_id: RecordId):
    """The family record. KK whole only for roles that may see it; opening it is logged."""
    user = request.auth
    require(user, Cap.REGISTRY_VIEW)
    family = selectors.family_get(user=user, pk=family_id)
    access_record(
        user=user,
        obj=family,
        region_code=family.region_id,
        purpose="api_family_detail",
        request=request,
    )
    return family_record(user, family=family)


@router.post(
    "/families",
    response={201: FamilyOut, **WRITE_ERRORS},
    operation_id="family_register",
    summary=gettext_noop("Register a family with its members"),
)
def family_register(request, payload: FamilyIn):
    user = request.auth
    require(user, Cap.REGISTRY_EDIT)
    fields = payload.model_dump(mode="json", exclude={"members", "confirm_warnings"})
    with in_api_terms():
        family = services.family_register(
            actor=user,
            data=record_data(FAMILY, fields),
            members=[record_data(PERSON, m.model_dump(mode="json")) for m in payload.members],
            confirm_warnings=payload.confirm_warnings,
        )
    return Status(201, family_record(user, family.pk))


@router.patch(
    "/families/{int:family_id}",
    response={200: FamilyOut, **UPDATE_ERRORS},
    operation_id="family_update",
    summary=gettext_noop("Change a family"),
)
def family_update(request, family_id: RecordId, payload: FamilyPatch):
    """Changes only the fields sent. `version` must be the one the client read; when someone
    saved in between, 409 with what changed."""
    user = request.auth
    require(user, Cap.REGISTRY_EDIT)
    family = selectors.family_get(user=user, pk=family_id)
    fields = payload.model_dump(
        mode="json", exclude_unset=True, exclude={"version", "reason", "confirm_warnings"}
    )
    with in_api_terms():
        services.family_update(
            actor=user,
            family=family,
            expected_version=payload.version,
            data=record_data(FAMILY, fields),
            reason=payload.reason,
            confirm_warnings=payload.confirm_warnings,
        )
    return family_record(user, family.pk)


@router.post(
    "/families/{int:family_id}/members",
    response={201: PersonOut, **WRITE_ERRORS},
    operation_id="person_add",
    summary=gettext_noop("Add a member to a family"),
)
def person_add(request, family_id: RecordId, payload: PersonIn):
    user = request.auth
    require(user, Cap.REGISTRY_EDIT)
    family = selectors.family_get(user=user, pk=family_id)
    with in_api_terms():
        person = services.person_add(
            actor=user,
            family=family,
            data=record_data(PERSON, payload.model_dump(mode="json", exclude={"confirm_warnings"})),
            confirm_warnings=payload.confirm_warnings,
        )
    return Status(201, person_record(user, person.pk))


# ----------------------------------------------------------------------------------- people


@router.get(
    "/people",
    response={200: PersonPageOut, **READ_ERRORS},
    operation_id="person_list",
    summary=gettext_noop("List and search people"),
)
def person_list(request, filters: Query[PersonFilters]):
    """People inside the caller's area. A `q` of 16 digits finds a NIK exactly (only inside the
    area); other text searches names, tolerant of spelling variants. NIKs are masked."""
    user = request.auth
    require(user, Cap.REGISTRY_VIEW)
    values, limit, offset = _list_filters(user, filters)
    queryset = selectors.person_list(user=user, filters=values)
    ids = list(queryset.values_list("pk", flat=True)[offset : offset + limit])
    people = selectors.person_rows(user=user, ids=ids)
    _log_list(request, "registry.person", "api_person_list", values, len(people))
    disclosure = Disclosure(user)
    return {
        "count": selectors.list_count(queryset),
        "limit": limit,
        "offset": offset,
        "items": [_person_list_item(p, disclosure) for p in people],
    }


@router.get(
    "/people/{int:person_id}",
    response={200: PersonOut, **DETAIL_ERRORS},
    operation_id="person_get",
    summary=gettext_noop("One person's full record"),
)
def person_get(request, person_id: RecordId):
    """The full record. NIK and KK whole only for roles that may see them; every opening is
    logged."""
    user = request.auth
    require(user, Cap.REGISTRY_VIEW)
    person = selectors.person_get(user=user, pk=person_id)
    access_record(
        user=user,
        obj=person,
        region_code=person.region_id,
        purpose="api_person_detail",
        request=request,
    )
    return _person(person, disclosure=Disclosure(user))


@router.patch(
    "/people/{int:person_id}",
    response={200: PersonOut, **UPDATE_ERRORS},
    operation_id="person_update",
    summary=gettext_noop("Change a person"),
)
def person_update(request, person_id: RecordId, payload: PersonPatch):
    """Changes only the fields sent. `version` must be the one the client read; when someone
    saved in between, 409 with what changed."""
    user = request.auth
    require(user, Cap.REGISTRY_EDIT)
    person = selectors.person_get(user=user, pk=person_id)
    fields = payload.model_dump(
        mode="json", exclude_unset=True, exclude={"version", "reason", "confirm_warnings"}
    )
    with in_api_terms():
        services.person_update(
            actor=user,
            person=person,
            expected_version=payload.version,
            data=record_data(PERSON, fields),
            reason=payload.reason,
            confirm_warnings=payload.confirm_warnings,
        )
    return person_record(user, person.pk)
