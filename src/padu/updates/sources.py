"""The registry's history names an approved request as its source (`updates.request:<pk>`, the
request's `reference`): shown as a link to the request, for who may see it (registry.sources)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.scoping import has_capability

from .models import ChangeRequest


def describe_requests(user, keys: list[str]) -> dict[str, tuple[str, str]]:
    if not has_capability(user, Cap.REQUEST_VIEW):
        return {}
    ids = [int(k) for k in keys if k.isdigit() and len(k) < 19]
    found = ChangeRequest.objects.scoped(user).filter(pk__in=ids).values_list("pk", "receipt")
    return {
        str(pk): (
            _("change request %(receipt)s") % {"receipt": receipt},
            reverse("updates:request_detail", args=[pk]),
        )
        for pk, receipt in found
    }
