"""API tokens: the services, the management page, and `padu token create`."""

import datetime
import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from padu.accounts.capabilities import Role
from padu.accounts.models import ApiToken
from padu.accounts.tokens import token_authenticate, token_create, token_revoke
from padu.core.errors import PermissionDeniedError, ValidationFailed
from padu.core.models import AuditEntry
from tests.factories import make_user

PAGE = "/akun/token-api/"


@pytest.fixture
def psm(db):
    return make_user(Role.PSM)


@pytest.fixture
def holder(db):
    """A user who manages his own keys on the token page."""
    return make_user(Role.OPERATOR)


def test_create_stores_only_a_hash_and_a_prefix(psm):
    token, raw = token_create(actor=psm, name="Aplikasi kelurahan", expires_in_days=30)
    assert raw.startswith("padu_") and len(raw) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert stored.prefix == raw[:12]
    assert raw not in {str(v) for v in vars(stored).values()}
    assert stored.user == psm
    expected = timezone.now() + datetime.timedelta(days=30)
    assert abs((stored.expires_at - expected).total_seconds()) < 60
    entry = AuditEntry.objects.get(action="accounts.api_token.created")
    assert entry.actor == psm and entry.object_id == str(token.pk)
    assert raw not in str(entry.after)
    assert token_authenticate(raw) == (psm, stored)


def test_two_tokens_have_different_keys(psm):
    assert token_create(actor=psm, name="a")[1] != token_create(actor=psm, name="b")[1]


@pytest.mark.parametrize(
    ("name", "days", "field"),
    [("", 30, "name"), ("x", 0, "expires_in_days"), ("x", 366, "expires_in_days")],
)
def test_create_validates(psm, name, days, field):
    with pytest.raises(ValidationFailed) as info:
        token_create(actor=psm, name=name, expires_in_days=days)
    assert set(info.value.errors) == {field}
    assert not ApiToken.objects.exists()


def test_a_role_without_api_use_cannot_create(db):
    with pytest.raises(PermissionDeniedError):
        token_create(actor=make_user(Role.MITRA), name="x")
    assert not ApiToken.objects.exists()


def test_revoke_is_audited_once(psm):
    token, _raw = token_create(actor=psm, name="x")
    token_revoke(actor=psm, token=token)
    token_revoke(actor=psm, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == psm
    assert AuditEntry.objects.filter(action="accounts.api_token.revoked").count() == 1


def test_nobody_else_may_revoke_except_a_user_manager(psm):
    token, _raw = token_create(actor=psm, name="x")
    with pytest.raises(PermissionDeniedError):
        token_revoke(actor=make_user(Role.PSM), token=token)
    token_revoke(actor=make_user(Role.ADMIN), token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None


# ------------------------------------------------------------------------------------ the page


def test_page_creates_a_token_and_shows_the_key_once(client, holder):
    client.force_login(holder)
    response = client.post(PAGE, {"name": "Skrip laporan", "expires_in_days": "90"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=holder)
    raw = response.context["raw_key"]
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw in response.content.decode()
    again = client.get(PAGE)
    assert raw not in again.content.decode()
    assert token.prefix in again.content.decode()


def test_page_shows_form_errors(client, holder):
    client.force_login(holder)
    response = client.post(PAGE, {"name": "", "expires_in_days": "90"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_page_revokes_own_token(client, holder):
    token, _raw = token_create(actor=holder, name="x")
    client.force_login(holder)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_page_cannot_revoke_someone_elses_token(client, holder):
    token, _raw = token_create(actor=holder, name="x")
    other = make_user(Role.PIMPINAN)
    client.force_login(other)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert token.pk not in [t.pk for t in client.get(PAGE).context["tokens"]]


def test_revoke_needs_post(client, holder):
    token, _raw = token_create(actor=holder, name="x")
    client.force_login(holder)
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OPERATOR, Role.PIMPINAN])
def test_roles_that_make_tokens_see_the_page_and_the_menu_entry(client, db, role):
    client.force_login(make_user(role))
    response = client.get(PAGE)
    assert response.status_code == 200
    assert any(item["url"] == PAGE for item in response.context["nav_items"])


@pytest.mark.parametrize("role", [Role.TKSK, Role.PSM, Role.KELURAHAN, Role.PRIVACY, Role.MITRA])
def test_other_roles_are_refused_and_have_no_menu_entry(client, db, role):
    """Field workers use the API with keys the office gives their devices; they make none."""
    client.force_login(make_user(role))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"name": "x", "expires_in_days": "30"}).status_code == 403
    assert not ApiToken.objects.exists()
    home = client.get("/")
    assert all(item["url"] != PAGE for item in home.context["nav_items"])


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    response = client.post(PAGE, {"name": "x", "expires_in_days": "30"})
    assert response.status_code == 302
    assert not ApiToken.objects.exists()


def test_page_post_needs_csrf(db, holder):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(holder)
    assert client.post(PAGE, {"name": "x", "expires_in_days": "30"}).status_code == 403
    assert not ApiToken.objects.exists()


# --------------------------------------------------------------------------------- the command


def test_command_creates_a_token_and_prints_the_key(psm):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "token", "create", psm.username, "--name", "etl", "--days", "10", stdout=out, stderr=err
    )
    raw = out.getvalue().strip()
    token = ApiToken.objects.get(user=psm)
    assert token.name == "etl"
    assert token_authenticate(raw)[0] == psm
    assert "shown only now" in err.getvalue()
    assert AuditEntry.objects.get(action="accounts.api_token.created").source == "command"


def test_command_refuses_unknown_user_and_bad_input(psm):
    with pytest.raises(CommandError, match="no such user"):
        call_command("token", "create", "nobody", "--name", "x")
    with pytest.raises(CommandError):
        call_command("token", "create", psm.username, "--name", "x", "--days", "0")
    assert not ApiToken.objects.exists()
