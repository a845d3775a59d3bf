"""Scoped reads for the audit trail's page (the trail itself is written by `padu.core.audit`)."""

import datetime

from django.apps import apps
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.dateparse import parse_date

from padu.accounts.capabilities import Cap
from padu.core.models import AccessLog, AuditEntry
from padu.core.scoping import has_capability, region_q, require, scope_codes


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_list(*, user, filters: dict | None = None) -> QuerySet[AuditEntry]:
    """Audit entries inside the admin's area; entries with no region (users without a scope,
    settings) are his too. Without a scope of his own he sees nothing (fail closed)."""
    require(user, Cap.AUDIT_VIEW)
    if not scope_codes(user):
        return AuditEntry.objects.none()
    filters = filters or {}
    qs = AuditEntry.objects.select_related("actor").filter(
        Q(region_code="") | region_q(user, "region_code")
    )
    if action := (filters.get("action") or "").strip():
        qs = qs.filter(action__startswith=action)
    if actor := (filters.get("actor") or "").strip():
        qs = qs.filter(actor__username__iexact=actor)
    if object_type := (filters.get("object_type") or "").strip():
        qs = qs.filter(object_type=object_type)
    if object_id := (filters.get("object_id") or "").strip():
        qs = qs.filter(object_id=object_id)
    # Whole local days, as a range on the indexed column (no per-row date conversion).
    date_from = _as_date(filters.get("date_from"))
    date_to = _as_date(filters.get("date_to"))
    if date_from:
        qs = qs.filter(at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    return qs.order_by("-at", "-id")


def _as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return parse_date(value or "")
    except ValueError:
        return None


def audited_object_types() -> list[tuple[str, str]]:
    """(label_lower, verbose name) of every model, for the audit filter (no query)."""
    choices = [
        (model._meta.label_lower, f"{model._meta.verbose_name} ({model._meta.label_lower})")
        for model in apps.get_models()
        if model._meta.app_label not in {"admin", "contenttypes", "sessions", "axes"}
    ]
    return sorted(choices, key=lambda c: c[0])


# ------------------------------------------------------------------------------- access log


def access_list(*, user, filters: dict | None = None) -> QuerySet[AccessLog]:
    """Reads of people's data inside the user's area (who read what, when, how), for those who
    answer for personal data (Cap.ACCESS_LOG_VIEW)."""
    require(user, Cap.ACCESS_LOG_VIEW)
    if not scope_codes(user):
        return AccessLog.objects.none()
    filters = filters or {}
    qs = AccessLog.objects.select_related("user").filter(region_q(user, "region_code"))
    if reader := (filters.get("reader") or "").strip():
        qs = qs.filter(user__username__iexact=reader)
    if purpose := filters.get("purpose"):
        qs = qs.filter(purpose=purpose)
    if object_type := filters.get("object_type"):
        qs = qs.filter(object_type=object_type)
    if object_ids := filters.get("object_ids"):
        qs = qs.filter(object_id__in=[str(i) for i in object_ids])
    date_from, date_to = _as_date(filters.get("date_from")), _as_date(filters.get("date_to"))
    if date_from:
        qs = qs.filter(at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    return qs.order_by("-at", "-id")


def access_by_reader(queryset: QuerySet[AccessLog]) -> list[dict]:
    """Per reader: how many reads, of how many records, how many rows in lists and downloads,
    and the last read."""
    return list(
        queryset.order_by()
        .values("user__username")
        .annotate(
            reads=Count("id"),
            records=Count("object_id", distinct=True, filter=~Q(object_id="")),
            rows=Sum("rows"),
            last=Max("at"),
        )
        .order_by("-reads", "user__username")
    )


def person_access(*, user, person) -> QuerySet[AccessLog]:
    """Who has seen this person's record: its own page and forms, and its family's (which
    list its members)."""
    qs = access_list(user=user)
    return qs.filter(
        Q(object_type="registry.person", object_id=str(person.pk))
        | Q(object_type="registry.family", object_id=str(person.family_id))
    )


PROBING = "registry.number.probing"


def privacy_alerts(*, user) -> list[AuditEntry]:
    """The last week's reports of users who were stopped for testing too many registered
    numbers (registry.services.identity), for those who read the audit trail."""
    if not has_capability(user, Cap.AUDIT_VIEW):
        return []
    since = timezone.now() - datetime.timedelta(days=7)
    return list(audit_list(user=user, filters={}).filter(action=PROBING, at__gte=since)[:10])
