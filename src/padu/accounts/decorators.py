from functools import wraps

from django.core.exceptions import PermissionDenied

from padu.core.scoping import has_capability


def capability_required(*capabilities: str):
    """403 unless the user holds every capability named. Put it under @login_required."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not all(has_capability(request.user, c) for c in capabilities):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_capabilities = capabilities
        return wrapped

    return decorator
