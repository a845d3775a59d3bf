"""Token authentication of the API: who gets in, who gets 401/403, in which language."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from padu.accounts.capabilities import Role
from padu.accounts.models import ApiToken
from padu.accounts.tokens import LAST_USED_RESOLUTION, token_revoke
from tests.factories import make_user

URL = "/api/v1/families"
# The messages are asserted in English; without the header the API answers in Indonesian.
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def operator(db):
    return make_user(Role.OPERATOR)


def test_valid_token_authenticates(api, operator, token_for):
    response = api.get(URL, token=token_for(operator))
    assert response.status_code == 200
    assert response.data["count"] == 0


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Token abc",
        "Basic dXNlcjpwYXNz",
        "Bearer padu_not-a-real-key",
    ],
)
def test_missing_or_malformed_or_unknown_token_is_401(api, db, header):
    headers = {"Authorization": header} if header is not None else {}
    response = api.get(URL, headers=headers)
    assert response.status_code == 401
    assert response.data["code"] == "unauthenticated"
    assert response.data["detail"]
    assert response["WWW-Authenticate"] == 'Bearer realm="padu"'


def test_revoked_token_is_401(api, operator, token_for):
    key = token_for(operator)
    token_revoke(actor=operator, token=ApiToken.objects.get(user=operator))
    response = api.get(URL, token=key, headers=ENGLISH)
    assert response.status_code == 401
    assert response.data["detail"] == "This API token has been revoked."


def test_expired_token_is_401(api, operator, token_for):
    key = token_for(operator)
    ApiToken.objects.filter(user=operator).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = api.get(URL, token=key, headers=ENGLISH)
    assert response.status_code == 401
    assert response.data["detail"] == "This API token has expired."


def test_token_of_inactive_user_is_401(api, operator, token_for):
    key = token_for(operator)
    operator.is_active = False
    operator.save(update_fields=["is_active"])
    response = api.get(URL, token=key, headers=ENGLISH)
    assert response.status_code == 401
    assert response.data["detail"] == "The account this API token belongs to is not active."


def test_token_of_a_role_without_api_use_is_403(api, db, token_for):
    mitra = make_user(Role.MITRA)
    response = api.get(URL, token=token_for(mitra))
    assert response.status_code == 403
    assert response.data["code"] == "permission_denied"


def test_a_session_cookie_is_not_enough(api, operator):
    """Only the bearer token authenticates; a logged-in browser session does not (no CSRF hole)."""
    api.client.force_login(operator)
    response = api.get(URL)
    assert response.status_code == 401


def test_last_used_is_recorded_at_most_once_a_minute(api, operator, token_for):
    key = token_for(operator)
    token = ApiToken.objects.get(user=operator)
    assert token.last_used_at is None
    api.get(URL, token=key)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    api.get(URL, token=key)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - LAST_USED_RESOLUTION)
    api.get(URL, token=key)
    token.refresh_from_db()
    assert token.last_used_at > first


MISSING = "Authentication required: send an API token in the header Authorization: Bearer <token>."


@pytest.mark.parametrize(
    ("accept", "language"),
    [(None, "id"), ("en", "en"), ("id", "id"), ("en-GB,en;q=0.9", "en"), ("fr", "id")],
)
def test_messages_follow_accept_language_indonesian_by_default(api, db, accept, language):
    headers = {"Accept-Language": accept} if accept else {}
    response = api.get(URL, headers=headers)
    assert response["Content-Language"] == language
    with translation.override(language):
        assert response.data["detail"] == gettext(MISSING)


@pytest.mark.parametrize("path", ["/api/v1/families/abc", "/api/v1/nothing", "/api/v1/people/1/x"])
def test_unknown_paths_answer_json_404(db, path):
    from django.test import Client

    response = Client().get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    with translation.override("id"):
        assert response.json() == {
            "detail": gettext("Not found."),
            "code": "not_found",
            "errors": {},
        }
