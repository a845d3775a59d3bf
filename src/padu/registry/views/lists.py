"""The family and person lists (filters, search, sorting, pages) and their exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.exports import requested_format
from padu.core.htmx import render_page_or_partial
from padu.core.scoping import has_capability

from .. import exports, selectors
from ..declarations.person import age_on
from ..disclosure import Disclosure, age_band
from ..filters import FamilyFilterForm, PersonFilterForm
from ..masks import mask_number

PER_PAGE = 25

FAMILY_COLUMNS = [
    ("kk", gettext_lazy("KK number")),
    (None, gettext_lazy("Head of family")),
    ("kelurahan", gettext_lazy("Kelurahan")),
    (None, gettext_lazy("Members")),
    ("desil", gettext_lazy("Desil")),
    ("status", gettext_lazy("Status")),
]
PERSON_COLUMNS = [
    ("name", gettext_lazy("Name")),
    ("nik", gettext_lazy("NIK")),
    ("birth_date", gettext_lazy("Age")),
    ("kelurahan", gettext_lazy("Kelurahan")),
    ("desil", gettext_lazy("Desil")),
    (None, gettext_lazy("Disability")),
    (None, gettext_lazy("Status")),
]


class ListPaginator(Paginator):
    """A paginator that spares the database a count where it can:

    - a name search (rows ranked by relevance) counts in the same query, `COUNT(*) OVER ()`, so
      the trigram index is scanned once, not twice;
    - a first page that is not full is its own count (a NIK lookup costs no count);
    - otherwise the count leaves out the ordering and the row annotations (selectors.list_count);
    - a page takes the ids of its rows first, then those rows with their joins (a "late row
      lookup": the rows skipped or filtered out are never read whole).
    """

    def __init__(self, object_list, per_page, *, rows):
        super().__init__(object_list, per_page)
        self.rows = rows  # ids → the page's rows with what they show (selectors.*_rows)

    @cached_property
    def count(self) -> int:
        return selectors.list_count(self.object_list)

    def get_page(self, number):
        if "count" in self.__dict__:
            return super().get_page(number)
        try:
            number = max(int(number or 1), 1)
        except (TypeError, ValueError):
            number = 1
        offset = (number - 1) * self.per_page
        if "relevance" in self.object_list.query.annotations:
            # Ids, relevance order and the total from the search itself, before any join.
            bare = self.object_list.select_related(None).prefetch_related(None)
            windowed = bare.annotate(_total=Window(Count("pk"))).values_list("pk", "_total")
            found = list(windowed[offset : offset + self.per_page])
            if found:
                self.count = found[0][1]
                return self._get_page(self._rows([pk for pk, _ in found]), number, self)
            if number == 1:  # nobody matches: that is the count, no second trigram scan
                self.count = 0
                return self._get_page([], 1, self)
        elif number == 1:
            ids = self._ids(0, self.per_page + 1)
            if len(ids) <= self.per_page:
                self.count = len(ids)
            return self._get_page(self._rows(ids[: self.per_page]), 1, self)
        else:
            number = self.validate_number(min(number, self.num_pages or 1))
            offset = (number - 1) * self.per_page
            return self._get_page(self._rows(self._ids(offset, self.per_page)), number, self)
        return super().get_page(number)

    def _ids(self, offset: int, limit: int) -> list:
        """The ids of a page's rows, first: no joins, no annotations to carry past the rows
        skipped, so the database walks an index that holds every column the filters read
        (person_name_idx: the name, id, region and family) without reading the table. Reading
        whole rows along the index cost 4× as much at 1,000,000 people."""
        return list(self.object_list.values_list("pk", flat=True)[offset : offset + limit])

    def _rows(self, ids: list) -> list:
        return self.rows(ids) if ids else []


@login_required
@capability_required(Cap.REGISTRY_VIEW)
@require_GET
def family_list(request):
    form = FamilyFilterForm(request.GET or None, user=request.user)
    page, context = _list(
        request,
        form,
        (selectors.family_list, selectors.family_rows),
        FAMILY_COLUMNS,
        "family",
        selectors.FAMILY_DEFAULT_SORT,
    )
    for family in page.object_list:
        family.kk_masked = mask_number(family.kk_number)
        family.head = family.heads[0] if family.heads else None
    context["can_import"] = has_capability(request.user, Cap.REGISTRY_IMPORT)
    return render_page_or_partial(
        request, "registry/family_list.html", "registry/partials/_family_results.html", context
    )


@login_required
@capability_required(Cap.REGISTRY_VIEW)
@require_GET
def person_list(request):
    form = PersonFilterForm(request.GET or None, user=request.user)
    page, context = _list(
        request,
        form,
        (selectors.person_list, selectors.person_rows),
        PERSON_COLUMNS,
        "person",
        selectors.PERSON_DEFAULT_SORT,
    )
    disclosure = Disclosure(request.user)
    for person in page.object_list:
        person.nik_masked = mask_number(person.nik)
        person.shown_age = (
            age_on(person.birth_date, disclosure.today)
            if disclosure.full
            else age_band(person.birth_date, disclosure.today)
        )
    return render_page_or_partial(
        request, "registry/person_list.html", "registry/partials/_person_results.html", context
    )


@login_required
@capability_required(Cap.REGISTRY_VIEW, Cap.REGISTRY_EXPORT)
@require_GET
def family_export(request):
    form = FamilyFilterForm(request.GET or None, user=request.user)
    return _export(request, form, exports.family_export, "registry:family_list")


@login_required
@capability_required(Cap.REGISTRY_VIEW, Cap.REGISTRY_EXPORT)
@require_GET
def person_export(request):
    form = PersonFilterForm(request.GET or None, user=request.user)
    return _export(request, form, exports.person_export, "registry:person_list")


def _list(request, form, selectors_, columns, kind: str, default_sort: str):
    """`selectors_`: the list's (filters → the rows in order) and its rows' (ids → rows)."""
    selector, rows = selectors_
    if form.is_bound and not form.is_valid():
        queryset = selector(user=request.user, filters={}).none()
    else:
        queryset = selector(user=request.user, filters=form.filters())
    paginator = ListPaginator(queryset, PER_PAGE, rows=lambda ids: rows(user=request.user, ids=ids))
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    filters = form.filters()
    params = request.GET.copy()
    params.pop("page", None)
    export_params = {k: v for k, v in params.items() if k in (*filters, "sort")}
    context = {
        "form": form,
        "page": page,
        "filtered": any(k != "sort" for k in filters),
        "searching": bool(filters.get("q")),
        # The filter panel opens by itself only when a filter beyond the search box is in force.
        "more_filters": any(k not in ("q", "sort") for k in filters),
        "querystring": params.urlencode(),
        "headers": _headers(request, columns, _sorted_by(queryset, filters, default_sort)),
        "full": Disclosure(request.user).full,
        # A masked role may not test numbers: say so rather than "nothing found".
        "number_refused": bool(selectors.clean_number(filters.get("q")))
        and not Disclosure(request.user).full,
        "can_export": has_capability(request.user, Cap.REGISTRY_EXPORT),
        "can_edit": has_capability(request.user, Cap.REGISTRY_EDIT),
        "can_import": has_capability(request.user, Cap.REGISTRY_IMPORT),
        "export_querystring": _urlencode(export_params),
        "list_url": reverse(f"registry:{kind}_list"),
        "export_url": reverse(f"registry:{kind}_export"),
    }
    return page, context


def _headers(request, columns, sort: str) -> list[dict]:
    """Column headers: label, aria-sort, and the link that sorts by the column (again: reversed)."""
    params = request.GET.copy()
    params.pop("page", None)
    disclosure = Disclosure(request.user)
    headers = []
    for key, label in columns:
        header = {"label": label, "key": key, "aria_sort": None, "url": None}
        if key is not None and disclosure.may_sort(key):
            direction = "ascending" if sort == key else "descending" if sort == f"-{key}" else None
            params["sort"] = f"-{key}" if direction == "ascending" else key
            header.update(aria_sort=direction, url=f"?{params.urlencode()}")
        headers.append(header)
    return headers


def _sorted_by(queryset, filters: dict, default_sort: str) -> str:
    """The column the rows are in order of: the chosen one, else the default, or none when a
    name search ranks them by similarity."""
    if filters.get("sort"):
        return filters["sort"]
    if "relevance" in queryset.query.annotations:
        return ""
    return default_sort


def _urlencode(params: dict) -> str:
    from django.utils.http import urlencode

    return urlencode(params)


def _export(request, form, export, list_name: str):
    back = f"{reverse(list_name)}?{request.GET.urlencode()}"
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Correct the filters before downloading."))
        return redirect(back)
    file_format = requested_format(request)
    try:
        return export(user=request.user, filters=form.filters(), file_format=file_format)
    except exports.TooManyRowsError as error:
        messages.error(
            request,
            _("More than %(limit)s rows: narrow the filters or download CSV instead.")
            % {"limit": intcomma(error.limit)},
        )
        return redirect(back)
