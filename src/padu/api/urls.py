"""The API's addresses: ninja's endpoints, and an answer in the API's error shape for any other
address or method under /api/, never an HTML page."""

from functools import wraps

from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern, include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from padu.dci import urls as dci_urls

from .api import api
from .errors import method_not_allowed_body, not_found_body


def _not_allowed(request, allowed: list[str]) -> JsonResponse:
    answer = JsonResponse(method_not_allowed_body(request.method, allowed), status=405)
    answer["Allow"] = ", ".join(allowed)
    return answer


def _json_not_allowed(view):
    """Ninja answers a method that an endpoint does not take with a plain-text 405: say it as
    JSON, keeping the Allow header."""

    @wraps(view)  # keeps ninja's csrf_exempt mark: its endpoints authenticate by token only
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        return _not_allowed(request, sorted(m.strip() for m in response["Allow"].split(",")))

    return wrapped


def _read_only(view):
    """The OpenAPI document and its page answer any method; they are read with GET."""

    @csrf_exempt  # they write nothing: any other method is refused before the view runs
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return _not_allowed(request, ["GET", "HEAD"])
        return view(request, *args, **kwargs)

    return wrapped


# An unknown address reads and writes nothing, so a forged cross-site request gains nothing from
# it; without the exemption the CSRF check would answer every POST, PUT, PATCH and DELETE here
# with Django's HTML 403 instead of this 404. The endpoints take no session cookie at all
# (auth.TokenAuth), so no request under /api/ is authenticated by what a browser sends by itself.
@csrf_exempt
def not_found(request, *args, **kwargs):
    return JsonResponse(not_found_body(), status=404)


def _in_json(pattern: URLPattern) -> URLPattern:
    view = pattern.callback
    if pattern.name == "api-root":
        # Ninja's root only raises a 404 (an HTML page); it is kept for its name, which ninja
        # reverses to find where the API is mounted.
        view = not_found
    elif getattr(view, "csrf_exempt", False):  # an endpoint
        view = _json_not_allowed(view)
    else:
        view = _read_only(view)
    return URLPattern(pattern.pattern, view, pattern.default_args, pattern.name)


_patterns, _app_name, _namespace = api.urls
endpoints = ([_in_json(p) for p in _patterns], _app_name, _namespace)

# The DCI Social Registry API (padu/dci): the standard's paths under its own prefix.
dci_endpoints = ([_in_json(p) for p in dci_urls.urlpatterns], dci_urls.app_name)

urlpatterns = [
    path("v1/", endpoints),
    path("dci/v1/", include(dci_endpoints)),
    re_path(r"", not_found),
]
