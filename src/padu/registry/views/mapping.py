"""The mapping page of an import: a file not in the import layout (a kelurahan's list) shows its
columns beside Padu's fields, matched by the declarations' synonyms or by the mapping remembered
for its source; the user corrects the match, previews the first rows as Padu will read them, and
imports. The received file is known to the user's session only (`remember_received`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.errors import DomainError
from padu.core.htmx import redirect_after_post

from ..forms import ImportMappingForm
from ..importer import sources
from ..importer.mapping import REGION_FIELD, SKIPPED, build, column_of, suggest
from .editing import error_summary

SESSION_KEY = "padu_import_received"


def remember_received(request, received: sources.Received) -> str:
    """Keep `received` in the session (the files it holds: a few at a time) and return the URL
    of its mapping page."""
    kept = request.session.get(SESSION_KEY, {})
    kept = dict(list(kept.items())[-4:])
    kept[received.token] = received.as_json()
    request.session[SESSION_KEY] = kept
    return reverse("registry:import_map", args=[received.token])


def _received(request, token: str) -> sources.Received:
    data = request.session.get(SESSION_KEY, {}).get(token)
    if data is None:
        raise Http404
    return sources.Received.from_json(data)


def _initial(received: sources.Received) -> dict:
    saved = sources.saved_mapping(received.source)
    chosen = suggest(list(received.headings), saved)
    initial = {f"column_{i}": column for i, column in enumerate(chosen)}
    initial["source"] = received.source
    if saved is not None:
        initial["heads_only"] = saved.heads_only
        initial["region"] = saved.fixed.get(column_of(REGION_FIELD), "")
    return initial


@login_required
@capability_required(Cap.REGISTRY_IMPORT)
@require_http_methods(["GET", "POST"])
def import_map(request, token: str):
    received = _received(request, token)
    posted = request.method == "POST"
    form = ImportMappingForm(
        request.POST if posted else None,
        user=request.user,
        headings=received.headings,
        initial=_initial(received),
    )
    preview, status, mapping = None, 200, None
    if posted and not form.is_valid():
        status = 400
    else:
        chosen, fixed, heads_only = _choices(form, received, posted)
        try:
            mapping = build(list(received.headings), chosen, fixed=fixed, heads_only=heads_only)
        except DomainError as exc:
            if posted:
                form.add_error(None, str(exc))
                status = 400
            else:
                messages.info(request, str(exc))
    if posted and mapping is not None and "import" in request.POST:
        try:
            batch = sources.import_confirm(
                actor=request.user,
                received=received,
                mapping=mapping,
                source=form.cleaned_data["source"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
            status = 400
        else:
            kept = request.session.get(SESSION_KEY, {})
            kept.pop(token, None)
            request.session[SESSION_KEY] = kept
            messages.success(
                request, _("The file has been received; the import runs in the background.")
            )
            return redirect_after_post(request, reverse("registry:import_detail", args=[batch.pk]))
    if mapping is not None and status == 200:
        try:
            preview = sources.import_preview(actor=request.user, received=received, mapping=mapping)
        except DomainError as exc:
            form.add_error(None, str(exc))
            status = 400
    return render(
        request,
        "registry/import_map.html",
        {
            "form": form,
            "errors": error_summary([(None, form)]) if posted else [],
            "received": received,
            "preview": preview,
            "source_names": sources.source_names(),
        },
        status=status,
    )


def _choices(form: ImportMappingForm, received, posted: bool) -> tuple[list[str], dict, bool]:
    """The chosen column of each heading, the values for every row and the heads-only choice:
    from the posted (valid) form, else the initial ones."""
    values = form.cleaned_data if posted else form.initial
    chosen = [values.get(f"column_{i}") or SKIPPED for i in range(len(received.headings))]
    fixed = {column_of(REGION_FIELD): values.get("region") or ""}
    return chosen, fixed, bool(values.get("heads_only"))
