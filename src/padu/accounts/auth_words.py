"""Django's own texts of the login and password forms, named here so that `makemessages` keeps
them in Padu's catalog: Django's Indonesian catalog calls a password "sandi", Padu says "kata
sandi" everywhere, and Padu's catalog (LOCALE_PATHS) wins over Django's. Nothing imports this
module; `tests/accounts/test_auth.py` holds the pages to the one word."""

from django.utils.translation import gettext_noop

DJANGO_AUTH_TEXTS = (
    gettext_noop("Password"),
    gettext_noop("Password confirmation"),
    gettext_noop("Enter the same password as before, for verification."),
    gettext_noop("The two password fields didn’t match."),
    gettext_noop(
        "Please enter a correct %(username)s and password. Note that both fields may be "
        "case-sensitive."
    ),
    gettext_noop("Old password"),
    gettext_noop("New password confirmation"),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("Password changed successfully."),
)
