"""The public page (`/cek/`, no login): a citizen checks whether his family is registered.

The lookup is a POST, so that the NIK never appears in an address (nor in the web server's log).
A NIK registered under another name and an unregistered NIK get the same page, word for word.
"""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from . import keys, services
from .forms import LookupForm
from .models import Lookup
from .selectors import citizen_answer, person_for_citizen


def too_many(request, error: services.TooManyLookupsError):
    response = render(request, "portal/too_many.html", {"message": str(error)}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


@require_http_methods(["GET", "POST"])
def check(request):
    if request.method == "GET":
        return render(request, "portal/check.html", {"form": LookupForm()})
    client = keys.client_digest(keys.client_address(request))
    try:
        services.lookup_throttle(client_digest=client)
    except services.TooManyLookupsError as error:
        return too_many(request, error)
    form = LookupForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/check.html", {"form": form}, status=400)
    nik = keys.nik_digest(form.cleaned_data["nik"])
    try:
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
