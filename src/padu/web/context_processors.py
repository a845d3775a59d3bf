from django.conf import settings

from padu.notifications.selectors import unread_count

from .navigation import navigation_for


def padu(request):
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "office_name": settings.PADU_OFFICE_NAME,
        "nav_items": navigation_for(request) if signed_in else [],
        # One indexed count per page (notification_unread_idx), never cached: it is the reader's.
        "unread_count": unread_count(user=user) if signed_in else 0,
    }
