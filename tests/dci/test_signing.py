"""The standard's message signature: a client with a registered key signs its requests (a
missing or wrong signature is refused with err.signature.missing / err.signature.invalid and
nothing is recorded), and Padu signs its answers and callbacks with its own key, whose public
half it publishes as a JSON Web Key Set."""

import base64
import io
import time

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.management import CommandError, call_command
from django.test import Client

from padu.accounts.capabilities import Role
from padu.core.errors import DomainError
from padu.core.models import AuditEntry
from padu.dci import services, signing
from padu.dci.models import DciClientKey, DciTransaction
from tests.factories import DciClientKeyFactory, make_user

from .conftest import BASE, CALLBACK, idtype, search_body

SYNC = "/registry/sync/search"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@pytest.fixture
def client_key(world, psm):
    """A signing key registered for the PSM client, and the private half the client keeps."""
    private = Ed25519PrivateKey.generate()
    admin = make_user(Role.ADMIN)
    services.client_key_add(
        actor=admin,
        client=psm,
        key_id="k1",
        public_key=_b64(private.public_key().public_bytes_raw()),
    )
    return private


def _signed(body: dict, private, *, sender_id=None, key_id="k1") -> dict:
    sender = sender_id or body["header"]["sender_id"]
    body["signature"] = signing.sign(body, private, sender_id=sender, key_id=key_id)
    return body


def test_a_signed_request_of_a_client_with_a_key_is_answered(dci, psm, token, client_key):
    body = _signed(search_body(idtype("UIN", "1" * 16)), client_key)
    response = dci.post(SYNC, body, token=token(psm))
    assert response.status_code == 200
    assert response.data["header"]["status"] == "succ"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda body, key: body.pop("signature", None), "err.signature.missing"),
        (lambda body, key: body.update(signature="invalid-signature"), "err.signature.invalid"),
        (lambda body, key: body.update(signature="unsigned-stub"), "err.signature.invalid"),
        # Signed, then changed: the digest no longer matches.
        (
            lambda body, key: (_signed(body, key), body["header"].update(sender_id="other")),
            "err.signature.invalid",
        ),
        (
            lambda body, key: (
                _signed(body, key),
                body["message"]["search_request"][0].update(reference_id="changed"),
            ),
            "err.signature.invalid",
        ),
        # Signed by another key, or under a key id the office did not register.
        (lambda body, key: _signed(body, Ed25519PrivateKey.generate()), "err.signature.invalid"),
        (lambda body, key: _signed(body, key, key_id="k2"), "err.signature.invalid"),
        (lambda body, key: _signed(body, key, sender_id="not-me"), "err.signature.invalid"),
    ],
)
def test_a_bad_signature_is_refused_with_the_standards_code_and_nothing_is_recorded(
    dci, psm, token, client_key, change, code
):
    body = search_body(idtype("UIN", "1" * 16), sender_uri=CALLBACK)
    change(body, client_key)
    for path in (SYNC, "/registry/search"):
        response = dci.post(path, body, token=token(psm))
        assert response.status_code == 401
        assert response.data["message"]["error"]["code"] == code
        assert response.data["errors"][0]["code"] == code
    assert not DciTransaction.objects.exists()


def test_an_expired_signature_is_refused(dci, psm, token, client_key, monkeypatch):
    body = _signed(search_body(idtype("UIN", "1" * 16)), client_key)
    later = time.time() + signing.LIFETIME_SECONDS + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = dci.post(SYNC, body, token=token(psm))
    assert response.data["message"]["error"]["code"] == "err.signature.invalid"


def test_a_revoked_key_no_longer_requires_or_verifies(dci, psm, token, client_key, settings):
    admin = make_user(Role.ADMIN)
    services.client_key_revoke(actor=admin, client=psm, key_id="k1")
    body = search_body(idtype("UIN", "1" * 16))
    assert dci.post(SYNC, body, token=token(psm)).status_code == 200
    settings.PADU_DCI_SIGNATURES_REQUIRED = True
    unsigned = search_body(idtype("UIN", "1" * 16))
    del unsigned["signature"]
    refused = dci.post(SYNC, unsigned, token=token(psm))
    assert refused.data["message"]["error"]["code"] == "err.signature.missing"


def test_a_client_without_a_key_need_not_sign_unless_the_office_requires_it(
    dci, world, psm, token, settings
):
    body = search_body(idtype("UIN", "1" * 16))
    body["signature"] = "unsigned-stub"
    assert dci.post(SYNC, body, token=token(psm)).status_code == 200
    settings.PADU_DCI_SIGNATURES_REQUIRED = True
    # No key to check it with: any signature is one Padu cannot verify.
    refused = dci.post(SYNC, body, token=token(psm))
    assert refused.status_code == 401
    assert refused.data["message"]["error"]["code"] == "err.signature.invalid"
    del body["signature"]
    missing = dci.post(SYNC, body, token=token(psm))
    assert missing.data["message"]["error"]["code"] == "err.signature.missing"


@pytest.fixture
def padu_key(settings):
    private = Ed25519PrivateKey.generate()
    settings.PADU_DCI_SIGNING_KEY = _b64(private.private_bytes_raw())
    settings.PADU_DCI_SIGNING_KEY_ID = "2026-1"
    return private.public_key()


def _check_padu_signature(body: dict, public: Ed25519PublicKey) -> None:
    parsed = signing.parse(body["signature"])
    assert parsed.sender_id == "padu"
    assert parsed.key_id == "2026-1"
    public.verify(parsed.signature, signing.signing_content(body, parsed.created, parsed.expires))


def test_padu_signs_its_answers_and_publishes_its_key(dci, world, psm, token, padu_key):
    response = dci.post(SYNC, search_body(idtype("UIN", world["head_a"].nik)), token=token(psm))
    _check_padu_signature(response.data, padu_key)
    # The published key verifies it as well.
    [jwk] = Client().get(BASE + "/.well-known/jwks.json").json()["keys"]
    assert (jwk["kty"], jwk["crv"], jwk["use"], jwk["kid"]) == (
        "OKP",
        "Ed25519",
        "sig",
        "padu|2026-1|ed25519",
    )
    raw = base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
    assert raw == padu_key.public_bytes_raw()
    # Changed on the way, the answer no longer verifies.
    response.data["message"]["search_response"][0]["status"] = "rjct"
    with pytest.raises(InvalidSignature):
        _check_padu_signature(response.data, padu_key)


def test_padu_signs_its_callbacks(
    dci, world, psm, token, callbacks, padu_key, django_capture_on_commit_callbacks
):
    body = search_body(idtype("KK", world["fam_a"].kk_number), sender_uri=CALLBACK)
    with django_capture_on_commit_callbacks(execute=True):
        assert dci.post("/registry/search", body, token=token(psm)).status_code == 200
    [(_url, posted)] = callbacks
    _check_padu_signature(posted, padu_key)


def test_without_a_signing_key_padu_signs_nothing_and_publishes_no_key(dci, world, psm, token):
    response = dci.post(SYNC, search_body(idtype("UIN", "1" * 16)), token=token(psm))
    assert "signature" not in response.data
    assert Client().get(BASE + "/.well-known/jwks.json").json() == {"keys": []}


@pytest.mark.parametrize(
    ("key_id", "public_key"),
    [("", "x"), ("a|b", "x"), ("k", "not base64!"), ("k", _b64(b"short"))],
)
def test_a_bad_key_is_refused_and_nothing_written(world, psm, key_id, public_key):
    admin = make_user(Role.ADMIN)
    with pytest.raises(DomainError):
        services.client_key_add(actor=admin, client=psm, key_id=key_id, public_key=public_key)
    assert not DciClientKey.objects.exists()


def test_only_a_user_manager_registers_keys_and_each_is_audited(world, psm):
    public = _b64(Ed25519PrivateKey.generate().public_key().public_bytes_raw())
    with pytest.raises(DomainError):
        services.client_key_add(actor=psm, client=psm, key_id="k", public_key=public)
    admin = make_user(Role.ADMIN)
    services.client_key_add(actor=admin, client=psm, key_id="k", public_key=public)
    with pytest.raises(DomainError):
        services.client_key_add(actor=admin, client=psm, key_id="k", public_key=public)
    assert DciClientKey.objects.count() == 1
    assert AuditEntry.objects.filter(action="dci.client_key.added", actor=admin).count() == 1


def test_the_command_registers_revokes_and_makes_keys(world, psm):
    admin = make_user(Role.ADMIN)
    out = io.StringIO()
    call_command("dci", "signing-key", stdout=out, stderr=io.StringIO())
    private_b64, public_b64 = out.getvalue().split()
    private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(private_b64))
    assert _b64(private.public_key().public_bytes_raw()) == public_b64
    call_command(
        "dci",
        "key-add",
        psm.username,
        "k9",
        public_b64,
        "--by",
        admin.username,
        stdout=io.StringIO(),
    )
    assert services.client_keys(psm) == {"k9": public_b64}
    call_command(
        "dci", "key-revoke", psm.username, "k9", "--by", admin.username, stdout=io.StringIO()
    )
    assert services.client_keys(psm) == {}
    other = DciClientKeyFactory(user=psm)
    assert services.client_keys(psm) == {other.key_id: other.public_key}
    with pytest.raises(CommandError):
        call_command("dci", "key-add", psm.username, "k9", public_b64, "--by", admin.username)


def test_a_broken_signing_key_fails_the_system_check(settings):
    from padu.dci.checks import signing_key

    settings.PADU_DCI_SIGNING_KEY = "bm90IGEga2V5"
    assert [e.id for e in signing_key()] == ["padu.dci.E001"]
    settings.PADU_DCI_SIGNING_KEY = ""
    assert signing_key() == []
