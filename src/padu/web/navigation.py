"""Role-aware navigation: an item shows only to users holding its capability. The home page lists
the same items, those with a description, under "What you can do"."""

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
    # What the page offers, shown on the home page; an item without one is in the menu only.
    description: str = ""


NAV = [
    NavItem(_("Home"), "core:home", None),
    NavItem(
        _("Families"),
        "registry:family_list",
        Cap.REGISTRY_VIEW,
        _("Find a family by KK number, name or address in your area."),
    ),
    NavItem(
        _("People"),
        "registry:person_list",
        Cap.REGISTRY_VIEW,
        _("Search people by NIK or name; filter by desil, disability and category."),
    ),
    NavItem(
        _("Change requests"),
        "updates:request_list",
        Cap.REQUEST_VIEW,
        _("Propose new families and changes, verify them, decide and approve them."),
    ),
    NavItem(
        _("My tasks"),
        "verification:my_tasks",
        Cap.REQUEST_VERIFY,
        _("The families you are asked to visit for field verification, and their checklists."),
    ),
    NavItem(
        _("Verification tasks"),
        "verification:task_list",
        Cap.REQUEST_ASSIGN,
        _("Send requests to a PSM for verification; see what is overdue and each PSM's load."),
    ),
    NavItem(
        _("Programs"),
        "programs:list",
        Cap.PROGRAM_VIEW,
        _("Programs, their eligibility rules and cohorts: who is chosen, in which order, and why."),
    ),
    NavItem(
        _("Periods"),
        "periods:list",
        Cap.REGISTRY_VIEW,
        _("Close each month, see what changed, and read the registry as of a closed period."),
    ),
    NavItem(
        _("Beneficiaries"),
        "beneficiaries:list",
        Cap.PROGRAM_VIEW,
        _("Field checks, decrees (SK), disbursements and equipment of each program's people."),
    ),
    NavItem(
        _("Decrees"),
        "decrees:list",
        Cap.PROGRAM_VIEW,
        _("Beneficiary decrees: prepare, approve within the budget ceiling, download the PDF."),
    ),
    NavItem(
        _("Groups"),
        "groups:list",
        Cap.PROGRAM_VIEW,
        _("KUBE and Loka Bina Karya groups: members, officers, bank account and grant."),
    ),
    NavItem(
        _("Training"),
        "training:list",
        Cap.PROGRAM_VIEW,
        _("Training cohorts: participants, daily attendance, certificates and equipment."),
    ),
    NavItem(
        _("Import"),
        "registry:import_list",
        Cap.REGISTRY_IMPORT,
        _("Load the national registry export (CSV/XLSX) and review its errors."),
    ),
    NavItem(
        _("Regions"),
        "regions:browse",
        Cap.REGIONS_VIEW,
        _("Browse kecamatan and kelurahan with their family and people counts."),
    ),
    NavItem(
        _("Ended region codes"),
        "regions:ended",
        Cap.REGISTRY_EDIT,
        _("Re-code the people whose kelurahan/desa code a newer decree ended."),
    ),
    NavItem(
        _("Users"),
        "accounts:user_list",
        Cap.USERS_MANAGE,
        _("Create accounts, set roles and regions, deactivate accounts."),
    ),
    NavItem(
        _("PPKS categories"),
        "registry:ppks_list",
        Cap.REFERENCE_MANAGE,
        _("Keep the list of social welfare service categories up to date."),
    ),
    NavItem(
        _("Muskel"),
        "muskel:list",
        Cap.REQUEST_VIEW,
        _(
            "Kelurahan deliberations: attendance, the decision on each verified request, "
            "the Berita Acara."
        ),
    ),
    NavItem(
        _("Welfare score"),
        "welfare:weights",
        Cap.WELFARE_MANAGE,
        _("Set the weights of the local welfare score and recompute every family's score."),
    ),
    NavItem(
        _("Audit trail"), "core:audit", Cap.AUDIT_VIEW, _("See who changed what, when and why.")
    ),
    NavItem(
        _("Access log"),
        "core:access",
        Cap.ACCESS_LOG_VIEW,
        _("See who read which person's or family's data, and how."),
    ),
    NavItem(_("Notifications"), "notifications:list", None),
    NavItem(_("API tokens"), "accounts:token_list", Cap.API_TOKENS),
]


def _items_for(user) -> list[NavItem]:
    return [i for i in NAV if i.capability is None or has_capability(user, i.capability)]


def navigation_for(request) -> list[dict]:
    path = request.path
    items = []
    for item in _items_for(request.user):
        url = reverse(item.url_name)
        current = path == url if url == "/" else path.startswith(url)
        items.append({"label": item.label, "url": url, "current": current})
    return items


def home_links(user) -> list[dict]:
    return [
        {"url": reverse(item.url_name), "label": item.label, "description": item.description}
        for item in _items_for(user)
        if item.description
    ]
