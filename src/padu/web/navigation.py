"""Role-aware navigation: an item shows only to users holding its capability."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from padu.accounts.capabilities import Cap
from padu.core.scoping import has_capability


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: str | None
    section: str


NAV = [
    NavItem(_("Home"), "core:home", None, "core"),
    NavItem(_("Families"), "registry:family_list", Cap.REGISTRY_VIEW, "registry"),
    NavItem(_("People"), "registry:person_list", Cap.REGISTRY_VIEW, "registry"),
    NavItem(_("Import"), "registry:import_list", Cap.REGISTRY_IMPORT, "registry"),
    NavItem(_("Regions"), "regions:browse", Cap.REGIONS_VIEW, "regions"),
    NavItem(_("Users"), "accounts:user_list", Cap.USERS_MANAGE, "accounts"),
    NavItem(_("PPKS categories"), "registry:ppks_list", Cap.REFERENCE_MANAGE, "registry"),
    NavItem(_("Audit trail"), "core:audit", Cap.AUDIT_VIEW, "core"),
    NavItem(_("API tokens"), "accounts:token_list", Cap.API_USE, "accounts"),
]


def navigation_for(request) -> list[dict]:
    path = request.path
    items = []
    for item in NAV:
        if item.capability and not has_capability(request.user, item.capability):
            continue
        url = reverse(item.url_name)
        current = path == url if url == "/" else path.startswith(url)
        items.append({"label": item.label, "url": url, "current": current})
    return items
