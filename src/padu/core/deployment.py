"""What a production start needs from the settings: `padu serve` refuses to start while any of
these says no, and names each problem in the office's language.

SQLite is allowed: a small office runs Padu on one machine (README), and the web server and the
task worker share the file through WAL. PostgreSQL is for more users and larger registries."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

NEW_KEY_HINT = 'python3 -c "import secrets; print(secrets.token_urlsafe(50))"'


def _secret_key() -> str:
    try:
        return settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        return ""


def insecure_settings() -> list[str]:
    """One message for each setting that makes this start unsafe; empty when all is well."""
    problems = []
    key = _secret_key()
    if not key:
        problems.append(
            _("SECRET_KEY is not set. Put a long random value in the environment file: %(hint)s")
            % {"hint": NEW_KEY_HINT}
        )
    elif key == settings.DEVELOPMENT_SECRET_KEY or len(key) < 50 or len(set(key)) < 5:
        # Django's own deployment check asks for the same: 50 characters, 5 different ones.
        problems.append(
            _(
                "SECRET_KEY is the demo's built-in key or too short (fewer than 50 characters). "
                "Make a new one: %(hint)s"
            )
            % {"hint": NEW_KEY_HINT}
        )
    if settings.DEBUG:
        problems.append(
            _(
                "DEBUG is on: error pages would show the settings and people's data to anyone. "
                "Remove DEBUG from the environment."
            )
        )
    elif settings.DEVELOPMENT:
        problems.append(
            _(
                "PADU_DEMO or PADU_TESTING is set: they are for the demo and the tests only. "
                "Remove them from the environment."
            )
        )
    if not settings.ALLOWED_HOSTS:
        problems.append(
            _(
                "ALLOWED_HOSTS is not set. Give the host names Padu answers to, separated by "
                "commas, e.g. ALLOWED_HOSTS=padu.example.go.id"
            )
        )
    elif "*" in settings.ALLOWED_HOSTS:
        problems.append(_("ALLOWED_HOSTS contains *: name the host names Padu answers to instead."))
    if not settings.PADU_HTTPS:
        problems.append(
            _(
                "PADU_HTTPS is off: passwords and session cookies would travel unencrypted. Serve "
                "Padu behind an HTTPS reverse proxy (deploy/) and leave PADU_HTTPS on."
            )
        )
    return problems
