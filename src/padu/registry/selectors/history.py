"""The history of a family or person page: audit entries and registrations by import."""

from django.db.models import F, Q

from padu.accounts.capabilities import Cap
from padu.core.scoping import has_capability

from ..models import Family, Person

# ------------------------------------------ record pages (registry.views.families, .people)


def family_timeline(*, user, family: Family):
    """The audit entries of the family and of every person ever in it, newest first, with the
    actor. `family` comes from `family_get` (so it is inside the user's area); checked again
    here."""
    from padu.core.models import AuditEntry
    from padu.core.scoping import in_scope

    if not has_capability(user, Cap.REGISTRY_VIEW) or not in_scope(user, family.region_id):
        return AuditEntry.objects.none()
    member_ids = [str(pk) for pk in family.members.values_list("pk", flat=True)]
    return (
        AuditEntry.objects.filter(
            Q(object_type="registry.family", object_id=str(family.pk))
            | Q(object_type="registry.person", object_id__in=member_ids)
        )
        .select_related("actor")
        .order_by("-at", "-id")
    )


def person_timeline(*, user, person: Person):
    """The audit entries of one person, and of his disability records and PPKS assessments,
    newest first, with the actor."""
    from padu.core.models import AuditEntry
    from padu.core.scoping import in_scope

    if not has_capability(user, Cap.REGISTRY_VIEW) or not in_scope(user, person.region_id):
        return AuditEntry.objects.none()
    # Bounded by the person, inside the user's area (checked above).
    disabilities = [str(pk) for pk in person.disabilities.values_list("pk", flat=True)]
    assessments = [str(pk) for pk in person.ppks_assessments.values_list("pk", flat=True)]
    return (
        AuditEntry.objects.filter(
            Q(object_type="registry.person", object_id=str(person.pk))
            | Q(object_type="registry.persondisability", object_id__in=disabilities)
            | Q(object_type="registry.ppksassessment", object_id__in=assessments)
        )
        .select_related("actor")
        .order_by("-at", "-id")
    )


def import_registrations(*, user, family: Family | None = None, person: Person | None = None):
    """The registrations done by imports, as unsaved audit entries for the timeline: the family
    and those of its members (or the one person) that an import created. An import keeps one
    audit entry for all it creates (see `created_import`); this is each record's share of it,
    oldest first. `family` or `person` comes from `family_get`/`person_get`."""
    from padu.core.models import AuditEntry
    from padu.core.scoping import in_scope

    record = family if family is not None else person
    if not has_capability(user, Cap.REGISTRY_VIEW) or not in_scope(user, record.region_id):
        return []
    from ..models import ImportBatch

    people = (family.members if family is not None else Person.objects.scoped(user)).filter(
        **({} if family is not None else {"pk": person.pk}), created_import__isnull=False
    )
    records = list(people)
    if family is not None and family.created_import_id is not None:
        records.append(family)
    batches = ImportBatch.objects.select_related("created_by").in_bulk(
        {obj.created_import_id for obj in records}
    )
    entries = []
    for obj in records:
        batch = batches[obj.created_import_id]
        is_family = isinstance(obj, Family)
        entries.append(
            AuditEntry(
                at=obj.created_at,
                actor=batch.created_by,
                action="registry.family.registered" if is_family else "registry.person.added",
                object_type="registry.family" if is_family else "registry.person",
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                region_code=obj.region_id,
                before=None,
                after={},
                reason=batch.audit_reason(),
                source=f"import:{batch.pk}",
            )
        )
    return sorted(entries, key=lambda entry: (entry.at, not entry.object_type.endswith("family")))


def family_desil_timeline(*, user, family: Family) -> list:
    """The family's desil history, latest period first (within a period the latest recorded
    first), with the import that brought each entry and who recorded it. Each entry gets
    `previous`: the desil of the entry before it in time, and `is_first`, so that a page can say
    where the family moved; `import_visible` when the user may open the entry's import. `family`
    comes from `family_get`; checked again here."""
    from padu.core.scoping import in_scope

    from ..models import DesilRecord

    if not has_capability(user, Cap.REGISTRY_VIEW) or not in_scope(user, family.region_id):
        return []
    entries = list(
        DesilRecord.objects.scoped(user)
        .filter(family=family)
        .select_related("import_batch", "recorded_by")
        .order_by(F("period").desc(nulls_last=True), "-recorded_at", "-pk")
    )
    from ..importer.selectors import imports_visible

    batches = {e.import_batch_id for e in entries if e.import_batch_id is not None}
    visible = (
        set(imports_visible(user).filter(pk__in=batches).values_list("pk", flat=True))
        if batches
        else set()
    )
    for newer, older in zip(entries, [*entries[1:], None], strict=False):
        newer.is_first = older is None
        newer.previous = older.desil if older is not None else None
        newer.import_visible = newer.import_batch_id in visible
    return entries
