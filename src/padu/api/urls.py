from django.http import Http404, JsonResponse
from django.urls import path, re_path

from .api import api
from .errors import error_body


def not_found(request, *args, **kwargs):
    """Any other path under /api/v1/ answers in the API's error shape, not with an HTML page."""
    status, body = error_body(Http404())
    return JsonResponse(body, status=status)


urlpatterns = [path("", api.urls), re_path(r"", not_found)]
