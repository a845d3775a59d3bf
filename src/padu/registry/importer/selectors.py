"""Reads of import batches, scoped like the registry: by the area the import was made for."""

from django.db.models import Q, QuerySet

from padu.accounts.capabilities import Cap
from padu.core.scoping import has_capability, region_q
from padu.registry.models import ImportBatch


def imports_visible(user) -> QuerySet[ImportBatch]:
    """Batches of the user's area (and his own), for users who may import; none otherwise."""
    if not has_capability(user, Cap.REGISTRY_IMPORT):
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(region_q(user, "region__code") | Q(created_by=user))


def import_get(user, pk) -> ImportBatch:
    """One visible batch; `ImportBatch.DoesNotExist` when missing or not the user's."""
    return imports_visible(user).select_related("created_by", "region").get(pk=pk)
