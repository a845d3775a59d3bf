import time

from django.utils import translation


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the browser's, on every device he uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


# How often a signed-in session's expiry is pushed forward (see IdleSessionMiddleware).
SESSION_REFRESH_SECONDS = 60
REFRESHED = "_refreshed"  # session key: when the expiry was last pushed forward (Unix time)


class IdleSessionMiddleware:
    """Keeps a session in use alive: its expiry (SESSION_COOKIE_AGE after the last activity) is
    pushed forward at most once a minute. Saving it on every request instead cost a database
    write and commit on every page and every htmx refresh."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - session.get(REFRESHED, 0) >= SESSION_REFRESH_SECONDS:
                session[REFRESHED] = now
        return response
