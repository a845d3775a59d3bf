"""Response rules every page shares: nothing Padu answers is kept by a browser or proxy cache,
and every error status has a page in the user's language (Django answers some with an empty
body)."""

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

API_PREFIX = "/api/"


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every answer that reaches a view: pages, exports and the API
    hold personal data, and a shared computer's cache or a proxy must not keep them (UU 27/2022).
    Static files never get here: WhiteNoise, placed before, answers them with its own headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class ErrorPageMiddleware:
    """A 405 from `require_http_methods` has no body, which a browser shows as a blank page: give
    it the layout and a way back. The API answers its own errors in JSON, so it is left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not response.streaming
            and not response.content
            and not request.path.startswith(API_PREFIX)
        ):
            page = render(request, "405.html", status=405)
            page["Allow"] = response["Allow"]
            return page
        return response


def bad_request(request, exception):
    """handler400: Django's own renders 400.html without the request, so without the layout."""
    return render(request, "400.html", status=400)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent after its page went stale (or from elsewhere), in words a
    user can act on. The reason is not shown: Django's CSRF check has already logged it."""
    return render(request, "403_csrf.html", status=403)
