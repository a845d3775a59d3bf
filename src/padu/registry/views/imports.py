"""The registry import pages: the list of imports (filters, pages, download), the upload form,
the file templates, one import's page with its live progress and first problems, and the
download of its error report. The engine (`registry.importer`) decides and scopes; these views
only shape requests and answers."""

import csv
import itertools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.files.uploadhandler import FileUploadHandler
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.audit import access_record
from padu.core.errors import DomainError
from padu.core.exports import (
    XLSX_MAX_ROWS,
    Table,
    csv_response,
    requested_format,
    xlsx_response,
)
from padu.core.formats import megabytes
from padu.core.htmx import querystring_without_page, redirect_after_post, render_page_or_partial

from .. import exports
from ..filters import ImportFilterForm
from ..forms import ImportUploadForm
from ..importer import checks, sources
from ..importer import exports as import_exports
from ..importer import selectors as import_selectors
from ..importer import services as import_services
from ..importer.heartbeat import imports_interrupt_stale
from ..importer.layout import COLUMNS
from ..models import ImportBatch
from . import mapping
from .editing import error_summary

PER_PAGE = 25
FINISHED = (ImportBatch.Status.DONE, ImportBatch.Status.FAILED, ImportBatch.Status.INTERRUPTED)
# The detail page shows the first problems of the report; the whole list is the download.
PROBLEMS_SHOWN = 50
TEMPLATE_STEM = "templat-impor-registri"
# The report's level codes (Indonesian in the file) as the page's language says them.
LEVELS = {
    checks.ERROR: gettext_lazy("Error (not imported)"),
    checks.WARNING: gettext_lazy("Warning (imported)"),
}


# ------------------------------------------------------------------------------------- list


@login_required
@capability_required(Cap.REGISTRY_IMPORT)
@require_GET
def import_list(request):
    imports_interrupt_stale()
    form = ImportFilterForm(request.GET or None)
    queryset = _filtered(request.user, form)
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    return render_page_or_partial(
        request,
        "registry/import_list.html",
        "registry/partials/_import_results.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(form.filters()),
            "querystring": querystring_without_page(request),
            "export_querystring": _querystring(form),
        },
    )


@login_required
@capability_required(Cap.REGISTRY_IMPORT)
@require_GET
def import_list_export(request):
    form = ImportFilterForm(request.GET or None)
    back = f"{reverse('registry:import_list')}?{request.GET.urlencode()}"
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Correct the filters before downloading."))
        return redirect(back)
    file_format = requested_format(request)
    try:
        return import_exports.import_list_export(
            user=request.user, filters=form.filters(), file_format=file_format
        )
    except exports.TooManyRowsError:
        messages.error(
            request,
            _("More than %(limit)s rows: narrow the filters or download CSV instead.")
            % {"limit": intcomma(XLSX_MAX_ROWS)},
        )
        return redirect(back)


def _filtered(user, form: ImportFilterForm):
    if form.is_bound and not form.is_valid():
        return import_selectors.imports_visible(user).none()
    return import_exports.imports_filtered(user=user, filters=form.filters())


def _querystring(form: ImportFilterForm) -> str:
    return urlencode({k: str(v) for k, v in form.filters().items()})


# ----------------------------------------------------------------------------------- upload


class ImportSizeLimitHandler(FileUploadHandler):
    """Stops keeping an upload one byte past the import limit.

    Django would otherwise write the whole request body to a temporary file however large it is.
    The bytes past the limit are read and dropped; the file that reaches the view is the first
    `limit + 1` bytes, which `import_receive` refuses with its own "too large" message, so the
    user reads the same words whether the limit was met here or in the service."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        room = self.limit + 1 - self.received
        self.received += len(raw_data)
        if room <= 0:
            return None  # the later handlers (memory, temporary file) never see these bytes
        return raw_data[:room]

    def file_complete(self, file_size):
        return None  # the next handler builds the file


@csrf_exempt  # CSRF is checked in _import_create, once the size limit is in place
@login_required
@capability_required(Cap.REGISTRY_IMPORT)
@require_http_methods(["GET", "POST"])
def import_create(request):
    # Upload handlers must be set before the request body is read, which the CSRF middleware
    # would do before the view; hence the exemption above and csrf_protect below.
    request.upload_handlers.insert(
        0, ImportSizeLimitHandler(request, limit=settings.PADU_IMPORT_MAX_BYTES)
    )
    return _import_create(request)


@csrf_protect
def _import_create(request):
    posted = request.method == "POST"
    form = ImportUploadForm(request.POST if posted else None, request.FILES if posted else None)
    status = 200
    if posted:
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                received = sources.import_receive(
                    actor=request.user,
                    upload=upload,
                    file_name=upload.name,
                    source=form.cleaned_data["source"],
                )
                if not received.standard:
                    # Another source's columns: matched on the mapping page first.
                    url = mapping.remember_received(request, received)
                    return redirect_after_post(request, url)
                batch = sources.import_confirm(
                    actor=request.user,
                    received=received,
                    mapping=None,
                    source=received.source,
                )
            except DomainError as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(
                    request,
                    _("The file has been received; the import runs in the background."),
                )
                return redirect_after_post(
                    request, reverse("registry:import_detail", args=[batch.pk])
                )
        status = 400
    return render(
        request,
        "registry/import_form.html",
        {
            "form": form,
            "errors": error_summary([(None, form)]),
            "columns": [{"column": column, "parts": column.name.split("_")} for column in COLUMNS],
            "max_mb": megabytes(settings.PADU_IMPORT_MAX_BYTES),
            "source_names": sources.source_names(),
        },
        status=status,
    )


# --------------------------------------------------------------------------------- template


@login_required
@capability_required(Cap.REGISTRY_IMPORT)
@require_GET
def import_template(request):
    """An empty file in the import layout: the column headings and one example row, every cell
    text (a 16-digit NIK typed into a number cell loses its last digits, RT "002" its zeros)."""
    table = Table(
        header=[column.name for column in COLUMNS],
        rows=[[column.example for column in COLUMNS]],
        title="registri",
        text=True,
    )
    if request.GET.get("format") == "xlsx":
        return xlsx_response(TEMPLATE_STEM, table)
    return csv_response(TEMPLATE_STEM, table)


# ----------------------------------------------------------------------------------- detail


@login_required
@capability_required(Cap.REGISTRY_IMPORT)
@require_GET
def import_detail(request, pk: int):
    imports_interrupt_stale()
    batch = _batch(request.user, pk)
    return render(request, "registry/import_detail.html", _progress_context(batch))


@login_required
@capability_required(Cap.REGISTRY_IMPORT)
@require_GET
def import_progress(request, pk: int):
    """The live part of the detail page; htmx polls it while the import is queued or running,
    and the answer for a finished import carries no trigger, so the polling stops."""
    imports_interrupt_stale()
    batch = _batch(request.user, pk)
    return render_page_or_partial(
        request,
        "registry/import_detail.html",
        "registry/partials/_import_progress.html",
        _progress_context(batch),
    )


@login_required
@capability_required(Cap.REGISTRY_IMPORT)
@require_POST
def import_rerun(request, pk: int):
    """Run an interrupted import's stored file again: a new import, on its own page."""
    batch = _batch(request.user, pk)
    try:
        again = import_services.import_rerun(actor=request.user, batch=batch)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect_after_post(request, reverse("registry:import_detail", args=[batch.pk]))
    messages.success(request, _("The file is being imported again, in the background."))
    return redirect_after_post(request, reverse("registry:import_detail", args=[again.pk]))


def _batch(user, pk: int) -> ImportBatch:
    """One of the user's imports; a missing one and another area's are the same 404."""
    try:
        return import_selectors.import_get(user, pk)
    except ImportBatch.DoesNotExist as exc:
        raise Http404 from exc


def _progress_context(batch: ImportBatch) -> dict:
    finished = batch.status in FINISHED
    report = import_services.import_error_report_path(batch) if finished else None
    return {
        "batch": batch,
        "finished": finished,
        "has_report": report is not None,
        "problems": _first_problems(report) if report is not None else [],
        "problems_shown": PROBLEMS_SHOWN,
    }


def _first_problems(path) -> list[dict]:
    """The first lines of the error report: its columns are row, column, level, code, message
    (with Indonesian headings, as the file is for the office), read by position."""
    problems = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        lines = csv.reader(handle)
        next(lines, None)
        for row, column, level, _code, message in itertools.islice(lines, PROBLEMS_SHOWN):
            problems.append(
                {
                    "row": row,
                    "column": column,
                    "error": level == checks.ERROR,
                    "level": LEVELS.get(level, level),
                    "message": message,
                }
            )
    return problems


@login_required
@capability_required(Cap.REGISTRY_IMPORT)
@require_GET
def import_errors(request, pk: int):
    batch = _batch(request.user, pk)
    path = import_services.import_error_report_path(batch)
    if path is None:
        raise Http404
    import_exports.import_error_report_record(actor=request.user, batch=batch)
    # The report quotes the file's rows: people's data read, as from a list.
    access_record(
        user=request.user,
        obj=batch,
        region_code=batch.region_id or "",
        purpose="import_error_report",
        request=request,
        rows=batch.error_rows,
    )
    return FileResponse(
        open(path, "rb"),  # FileResponse closes it when sent
        as_attachment=True,
        filename=f"laporan-kesalahan-impor-{batch.pk}.csv",
        content_type="text/csv; charset=utf-8",
    )
