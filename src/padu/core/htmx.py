"""htmx conventions (after NetBox): partials live in templates/<app>/partials/_*.html, responses
vary on HX-Request so caches never mix a fragment with a page, and a POST that succeeds answers
with HX-Redirect."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


class VaryOnHtmxMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_vary_headers(response, ("HX-Request",))
        return response


def querystring_without_page(request) -> str:
    """The list's query string (its filters, its sort) for the links of its pages."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def render_page_or_partial(request, template: str, partial: str, context: dict, **kwargs):
    """The full page for a normal request, only the fragment for an htmx one."""
    htmx = getattr(request, "htmx", None)
    # A boosted link and a history restore (Back after hx-push-url) need the whole page.
    is_htmx = bool(htmx) and not htmx.boosted and not htmx.history_restore_request
    return render(request, partial if is_htmx else template, context, **kwargs)


def redirect_after_post(request, url: str):
    from django.shortcuts import redirect

    if getattr(request, "htmx", False):
        # A whole navigation, not HX-Location: htmx would fetch the next page as an htmx request,
        # and a view that answers htmx with a fragment (render_page_or_partial) would replace the
        # page's body with that fragment, without the layout, the menu or the success message.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
