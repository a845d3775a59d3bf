"""The public page (`/cek/`, no login): a citizen checks whether his family is registered,
proposes a family (usul) or objects to one (sanggah), and follows his request by its receipt.

A lookup by NIK is a POST, so that the NIK never appears in an address (nor in the web server's
log). A NIK registered under another name and an unregistered NIK get the same page, word for
word, on the check and on an objection.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from padu.core.errors import ValidationFailed
from padu.updates.codes import RequestKind
from padu.updates.selectors import request_by_receipt
from padu.updates.services.requests import request_create_from_citizen

from . import keys, services
from .forms import LookupForm, ObjectionForm, ProposalForm, ReceiptForm
from .models import Lookup
from .selectors import citizen_answer, person_for_citizen

NOT_FOUND = gettext_lazy("No registered family was found for this NIK and name")


def too_many(request, error: services.TooManyLookupsError):
    response = render(request, "portal/too_many.html", {"message": str(error)}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


def _client(request) -> str:
    return keys.client_digest(keys.client_address(request))


@require_http_methods(["GET", "POST"])
def check(request):
    if request.method == "GET":
        return render(request, "portal/check.html", {"form": LookupForm()})
    client = _client(request)
    try:
        services.lookup_throttle(client_digest=client)
        form = LookupForm(request.POST)
        if not form.is_valid():
            return render(request, "portal/check.html", {"form": form}, status=400)
        nik = keys.nik_digest(form.cleaned_data["nik"])
        services.lookup_throttle(client_digest=client, nik_digest=nik)
    except services.TooManyLookupsError as error:
        return too_many(request, error)
    person = person_for_citizen(nik=form.cleaned_data["nik"], name=form.cleaned_data["name"])
    services.lookup_record(
        kind=Lookup.Kind.CHECK,
        nik_digest=nik,
        client_digest=client,
        family=person.family if person else None,
    )
    answer = citizen_answer(person) if person is not None else None
    return render(request, "portal/answer.html", {"answer": answer, "form": LookupForm()})


# The updates app's error keys → the public forms' fields (its payload is declared names under
# "family." and "members.0." for the head); a key not here goes above the form.
ERROR_FIELDS = {
    "citizen_name": "citizen_name",
    "notes": "reason",
    "evidence": "photo",
    "family.region": "region",
    "family.address": "address",
    "family.kk_number": "kk_number",
    "members.0.name": "name",
    "members.0.nik": "nik",
}


def _refused(form, error: ValidationFailed) -> None:
    for key, texts in error.errors.items():
        field = ERROR_FIELDS.get(key)
        for text in texts:
            form.add_error(field if field in form.fields else None, str(text))


def _sent(request, receipt: str):
    messages.success(
        request,
        _("Your request has been received. Keep its receipt number: %(receipt)s.")
        % {"receipt": receipt},
    )
    return redirect(f"{reverse('portal:receipt')}?{urlencode({'nomor': receipt})}")


def _send(request, form_class, template: str, submit):
    """The page of a request form: shown (GET), or read, checked and sent by `submit(form,
    client)`, which returns the receipt or None with the form's errors set."""
    if request.method == "GET":
        return render(request, template, {"form": form_class()})
    client = _client(request)
    try:
        services.lookup_throttle(client_digest=client, sending=True)
        form = form_class(request.POST, request.FILES)
        receipt = submit(form, client) if form.is_valid() else None
    except services.TooManyLookupsError as error:
        return too_many(request, error)
    if receipt is None:
        return render(request, template, {"form": form}, status=400)
    return _sent(request, receipt)


def _propose(form: ProposalForm, client: str) -> str | None:
    data = form.cleaned_data
    try:
        receipt = request_create_from_citizen(
            kind=RequestKind.NEW_FAMILY,
            name=data["citizen_name"],
            contact=data["contact"],
            region=data["region"],
            data=form.family_data(),
            reason=data["reason"],
            evidence=[data["photo"]],
        )
    except ValidationFailed as error:
        _refused(form, error)
        return None
    services.lookup_record(kind=Lookup.Kind.PROPOSAL, client_digest=client)
    return receipt


def _object(form: ObjectionForm, client: str) -> str | None:
    data = form.cleaned_data
    nik = keys.nik_digest(data["nik"])
    services.lookup_throttle(client_digest=client, nik_digest=nik, sending=True)
    person = person_for_citizen(nik=data["nik"], name=data["name"])
    if person is None:
        # The answer a check gets: nothing tells a wrong name from an unregistered NIK.
        services.lookup_record(kind=Lookup.Kind.OBJECTION, nik_digest=nik, client_digest=client)
        form.add_error(None, NOT_FOUND)
        return None
    try:
        receipt = request_create_from_citizen(
            kind=RequestKind.OBJECTION,
            name=data["citizen_name"],
            contact=data["contact"],
            family=person.family,
            reason=data["reason"],
            evidence=[data["photo"]],
        )
    except ValidationFailed as error:
        _refused(form, error)
        return None
    services.lookup_record(
        kind=Lookup.Kind.OBJECTION, nik_digest=nik, client_digest=client, family=person.family
    )
    return receipt


@require_http_methods(["GET", "POST"])
def propose(request):
    return _send(request, ProposalForm, "portal/propose.html", _propose)


@require_http_methods(["GET", "POST"])
def object_to(request):
    return _send(request, ObjectionForm, "portal/object.html", _object)


@require_GET
def receipt(request):
    """A request's state by its receipt number (a GET: the number is no one's personal data,
    and the page may be bookmarked)."""
    if "nomor" not in request.GET:
        return render(request, "portal/receipt.html", {"form": ReceiptForm()})
    form = ReceiptForm(request.GET)
    client = _client(request)
    try:
        services.lookup_throttle(client_digest=client)
    except services.TooManyLookupsError as error:
        return too_many(request, error)
    if not form.is_valid():
        return render(request, "portal/receipt.html", {"form": form}, status=400)
    view = request_by_receipt(form.cleaned_data["nomor"])
    services.lookup_record(kind=Lookup.Kind.RECEIPT, client_digest=client)
    return render(
        request,
        "portal/receipt.html",
        {"form": form, "request_view": view, "searched": True},
    )
