"""Logging in and out, changing one's password, lockout, session expiry, remembered language."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from padu.accounts.capabilities import Role
from padu.accounts.middleware import REFRESHED, SESSION_REFRESH_SECONDS
from padu.core.models import AuditEntry
from tests.factories import make_user

PASSWORD = "rahasia-padu-123"  # the factories' password
LOGIN = reverse("accounts:login")
HOME = reverse("core:home")


@pytest.fixture(autouse=True)
def clean_axes(db):
    axes_reset()
    yield
    axes_reset()


@pytest.fixture
def psm(db):
    return make_user(Role.PSM, username="psm_rina")


def login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


class TestLogin:
    def test_login_page_is_public_and_labelled(self, client, db):
        response = client.get(LOGIN)
        assert response.status_code == 200
        html = response.content.decode()
        assert '<label for="id_username">' in html
        assert '<label for="id_password">' in html
        assert 'autocomplete="current-password"' in html

    def test_right_password_logs_in_and_goes_home(self, client, psm):
        response = login(client, "psm_rina", PASSWORD)
        assert response.status_code == 302
        assert response["Location"] == HOME
        assert client.get(HOME).context["user"] == psm

    def test_next_is_followed_only_inside_padu(self, client, psm):
        url = reverse("regions:browse")
        response = client.post(
            f"{LOGIN}?next={url}", {"username": "psm_rina", "password": PASSWORD, "next": url}
        )
        assert response["Location"] == url
        client.logout()
        response = client.post(
            LOGIN, {"username": "psm_rina", "password": PASSWORD, "next": "https://evil.example/"}
        )
        assert response["Location"] == HOME

    def test_wrong_password_shows_error_linked_to_fields(self, client, psm):
        response = login(client, "psm_rina", "salah-sekali")
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="login-error"' in html and 'role="alert"' in html
        assert 'aria-describedby="login-error"' in html
        assert "_auth_user_id" not in client.session

    def test_deactivated_user_cannot_log_in(self, client, db):
        make_user(Role.PSM, username="pensiun", is_active=False)
        response = login(client, "pensiun", PASSWORD)
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    def test_signed_in_user_is_sent_home_from_login_page(self, client, psm):
        client.force_login(psm)
        assert client.get(LOGIN)["Location"] == HOME

    def test_logout_needs_post_and_ends_session(self, client, psm):
        client.force_login(psm)
        assert client.get(reverse("accounts:logout")).status_code == 405
        response = client.post(reverse("accounts:logout"))
        assert response.status_code == 302
        assert response["Location"] == LOGIN
        assert client.get(HOME)["Location"].startswith(LOGIN)


class TestPasswordChange:
    URL = reverse("accounts:password_change")

    def test_needs_login(self, client, db):
        assert client.get(self.URL)["Location"].startswith(LOGIN)

    def test_changes_password_keeps_session_and_audits(self, client, psm):
        client.force_login(psm)
        page = client.get(self.URL)
        assert page.status_code == 200
        new = "Bukit-Tinggi-2025"
        response = client.post(
            self.URL, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        )
        assert response.status_code == 302
        assert response["Location"] == HOME
        psm.refresh_from_db()
        assert psm.check_password(new)
        # Still logged in on this device.
        assert client.get(HOME).status_code == 200
        assert (
            AuditEntry.objects.filter(action="accounts.user.password_changed", actor=psm).count()
            == 1
        )

    def test_wrong_old_password_changes_nothing(self, client, psm):
        client.force_login(psm)
        count = AuditEntry.objects.count()
        response = client.post(
            self.URL,
            {
                "old_password": "bukan-ini",
                "new_password1": "Bukit-Tinggi-2025",
                "new_password2": "Bukit-Tinggi-2025",
            },
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert 'aria-invalid="true"' in html
        assert 'aria-describedby="id_old_password_error"' in html
        psm.refresh_from_db()
        assert psm.check_password(PASSWORD)
        assert AuditEntry.objects.count() == count

    def test_weak_new_password_is_refused(self, client, psm):
        client.force_login(psm)
        response = client.post(
            self.URL, {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["new_password2"]
        psm.refresh_from_db()
        assert psm.check_password(PASSWORD)

    def test_other_sessions_end_after_the_change(self, psm):
        phone, laptop = Client(), Client()
        phone.force_login(psm)
        laptop.force_login(psm)
        new = "Bukit-Tinggi-2025"
        laptop.post(
            self.URL, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        )
        assert phone.get(HOME)["Location"].startswith(LOGIN)
        assert laptop.get(HOME).status_code == 200


class TestLockout:
    def test_locked_after_failure_limit_even_with_right_password(self, psm):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        limit = settings.AXES_FAILURE_LIMIT
        for _attempt in range(limit - 1):
            assert login(client, "psm_rina", "salah-sekali").status_code == 200
        locked = login(client, "psm_rina", "salah-sekali")
        assert locked.status_code == 429
        assert "accounts/locked_out.html" in [t.name for t in locked.templates]
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        assert locked.context["cooloff_timedelta"] == settings.AXES_COOLOFF_TIME
        assert locked.context["failure_limit"] == limit
        text = " ".join(locked.content.decode().split())
        assert (
            f"After {limit} wrong passwords this account is locked for {minutes} minutes." in text
        )
        assert 'role="alert"' in text

        # The right password is refused too, and on a fresh client (lockout is per username).
        fresh = Client()
        again = login(fresh, "psm_rina", PASSWORD)
        assert again.status_code == 429
        assert "_auth_user_id" not in fresh.session

    def test_lockout_is_per_username(self, client, psm):
        make_user(Role.PSM, username="psm_lain")
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            login(client, "psm_rina", "salah-sekali")
        assert login(Client(), "psm_lain", PASSWORD).status_code == 302

    def test_unlocked_after_cool_off(self, client, psm):
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            login(client, "psm_rina", "salah-sekali")
        assert login(client, "psm_rina", PASSWORD).status_code == 429
        # Time passes: the attempts are older than the cool-off period.
        past = timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)
        AccessAttempt.objects.update(attempt_time=past)
        assert login(client, "psm_rina", PASSWORD).status_code == 302

    def test_success_before_the_limit_resets_the_count(self, client, psm):
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            login(client, "psm_rina", "salah-sekali")
        assert login(client, "psm_rina", PASSWORD).status_code == 302
        client.logout()
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            assert login(client, "psm_rina", "salah-sekali").status_code == 200
        assert login(client, "psm_rina", PASSWORD).status_code == 302


class TestSessionExpiry:
    def test_settings_end_idle_sessions(self):
        assert settings.SESSION_COOKIE_AGE == 30 * 60
        assert "padu.accounts.middleware.IdleSessionMiddleware" in settings.MIDDLEWARE
        assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
        assert settings.SESSION_COOKIE_HTTPONLY is True

    def test_a_request_pushes_expiry_forward_at_most_once_a_minute(self, client, psm):
        login(client, "psm_rina", PASSWORD)
        key = client.session.session_key
        session = Session.objects.get(session_key=key)
        expected = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
        assert abs((session.expire_date - expected).total_seconds()) < 60
        soon = timezone.now() + datetime.timedelta(minutes=5)
        Session.objects.filter(session_key=key).update(expire_date=soon)
        assert client.get(HOME).status_code == 200
        # Within the minute: nothing written.
        assert Session.objects.get(session_key=key).expire_date == soon
        stored = client.session
        stored[REFRESHED] -= SESSION_REFRESH_SECONDS
        stored.save()
        Session.objects.filter(session_key=key).update(expire_date=soon)
        assert client.get(HOME).status_code == 200
        refreshed = Session.objects.get(session_key=key).expire_date
        assert refreshed > timezone.now() + datetime.timedelta(minutes=25)

    def test_an_anonymous_visit_stores_no_session(self, client):
        client.get(LOGIN)
        assert not Session.objects.exists()

    def test_idle_session_is_logged_out(self, client, psm):
        login(client, "psm_rina", PASSWORD)
        key = client.session.session_key
        Session.objects.filter(session_key=key).update(
            expire_date=timezone.now() - datetime.timedelta(seconds=1)
        )
        response = client.get(HOME)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


class TestLanguage:
    URL = reverse("core:set_language")

    def test_choice_is_saved_on_the_account(self, client, psm):
        client.force_login(psm)
        response = client.post(self.URL, {"language": "en", "next": HOME})
        assert response.status_code == 302
        assert response["Location"] == HOME
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        psm.refresh_from_db()
        assert psm.language == "en"

    def test_saved_language_follows_the_user_to_a_new_device(self, client, psm):
        client.force_login(psm)
        client.post(self.URL, {"language": "en", "next": HOME})

        fresh = Client(HTTP_ACCEPT_LANGUAGE="id")
        response = login(fresh, "psm_rina", PASSWORD)
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        page = fresh.get(HOME)
        assert page["Content-Language"] == "en"
        assert '<html lang="en">' in page.content.decode()

    def test_indonesian_is_the_default(self, client, psm):
        client.force_login(psm)
        page = client.get(HOME)
        assert page["Content-Language"] == "id"
        assert '<html lang="id">' in page.content.decode()

    def test_anonymous_switch_sets_cookie_only(self, client, db):
        response = client.post(self.URL, {"language": "en", "next": LOGIN})
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        assert client.get(LOGIN)["Content-Language"] == "en"

    def test_unknown_language_and_foreign_next_are_ignored(self, client, psm):
        client.force_login(psm)
        response = client.post(self.URL, {"language": "xx", "next": "https://evil.example/"})
        assert response["Location"] == "/"
        psm.refresh_from_db()
        assert psm.language == "id"


# "sandi" alone (Django's word) where Padu says "kata sandi".
BARE_SANDI = re.compile(r"(?<!kata )\bsandi\b", re.IGNORECASE)


def test_one_word_for_password_on_every_password_page(client, psm):
    """Django's catalog says "Sandi"; Padu's pages say "Kata sandi", also in Django's texts
    (labels, help texts, validation errors) of the login and password forms."""
    psm.language = "id"
    psm.save(update_fields=["language"])
    pages = [
        client.get(LOGIN),
        login(client, psm.username, "salah"),
    ]
    client.force_login(psm)
    url = reverse("accounts:password_change")
    pages += [
        client.get(url),
        client.post(url, {"old_password": "bukan", "new_password1": "1", "new_password2": "2"}),
        client.post(
            url, {"old_password": PASSWORD, "new_password1": "1234", "new_password2": "1234"}
        ),
    ]
    for response in pages:
        text = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
        assert "kata sandi" in text.lower()
        assert not BARE_SANDI.findall(text), BARE_SANDI.findall(text)
