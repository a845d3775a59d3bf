from django.conf import settings

from .navigation import navigation_for


def padu(request):
    user = getattr(request, "user", None)
    return {
        "office_name": settings.PADU_OFFICE_NAME,
        "nav_items": navigation_for(request) if user is not None and user.is_authenticated else [],
    }
