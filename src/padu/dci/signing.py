"""The standard's message signature (`signature` beside `header` and `message`, MsgSignature):

    Signature: namespace="spdci", kidId="{sender_id}|{unique_key_id}|{algorithm}",
    algorithm="ed25519", created="1606970629", expires="1607030629",
    headers="(created) (expires) digest", signature="Base64(signing content)"

The standard says what is signed ("{header}+{message}", with the parameters `(created)`,
`(expires)` and `digest`) and by what (ed25519, the sender's key), but not how the signing content
is written. Padu writes it as the scheme the standard's format comes from (the HTTP-signature
profile it names with `headers="(created) (expires) digest"`), one line per parameter:

    (created): 1606970629
    (expires): 1607030629
    digest: BLAKE-512=<base64 of the BLAKE2b-512 of the canonical {"header": ..., "message": ...}>

where canonical is JSON with sorted keys, no whitespace, UTF-8 (`canonical`). The signature is
the base64 ed25519 signature of that text. A client signs with its own key, whose public half
the office registers for it (`DciClientKey`, `padu dci key-add`); Padu signs its answers and
callbacks with PADU_DCI_SIGNING_KEY and publishes the public half at `.well-known/jwks.json`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils.translation import gettext as _

ALGORITHM = "ed25519"
HEADERS = "(created) (expires) digest"
# How far a client's clock may run ahead of Padu's, and how long Padu's own signatures last.
CLOCK_SKEW_SECONDS = 300
LIFETIME_SECONDS = 3600
_PARAM = re.compile(r'([A-Za-z]+)\s*=\s*"([^"]*)"')


class SignatureProblem(Exception):
    """A request's signature is missing or wrong: the standard's code and a message."""

    def __init__(self, code: str, message: str):
        self.code, self.message = code, message
        super().__init__(message)


@dataclass(frozen=True)
class Parsed:
    sender_id: str
    key_id: str
    created: int
    expires: int
    signature: bytes


def canonical(body: dict) -> bytes:
    """What is signed of a message: its header and message, as canonical JSON."""
    part = {"header": body.get("header"), "message": body.get("message")}
    return json.dumps(part, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signing_content(body: dict, created: int, expires: int) -> bytes:
    digest = base64.b64encode(hashlib.blake2b(canonical(body), digest_size=64).digest()).decode()
    return f"(created): {created}\n(expires): {expires}\ndigest: BLAKE-512={digest}".encode()


def _b64(text: str) -> bytes:
    """Base64, standard or URL-safe, padded or not."""
    cleaned = text.strip().replace("-", "+").replace("_", "/")
    return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)


def public_key(text: str) -> Ed25519PublicKey:
    """An ed25519 public key given as base64 of its 32 bytes; ValueError when it is not one."""
    try:
        raw = _b64(text)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64") from exc
    if len(raw) != 32:
        raise ValueError("an ed25519 public key has 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def parse(value: str) -> Parsed:
    """The parameters of a MsgSignature string, or SignatureProblem(err.signature.invalid)."""
    params = dict(_PARAM.findall(value or ""))
    kid = params.get("kidId") or params.get("keyId") or ""
    sender_id, _sep, rest = kid.partition("|")
    key_id, _sep2, algorithm = rest.partition("|")
    bad = SignatureProblem(
        "err.signature.invalid",
        _(
            'The signature is not in the standard\'s form: kidId="{sender_id}|{key id}|ed25519", '
            'algorithm="ed25519", created, expires, headers="(created) (expires) digest" '
            "and signature."
        ),
    )
    if not (sender_id and key_id) or ALGORITHM not in {algorithm, params.get("algorithm")}:
        raise bad
    if params.get("headers", HEADERS).split() != HEADERS.split():
        raise bad
    try:
        return Parsed(
            sender_id=sender_id,
            key_id=key_id,
            created=int(params["created"]),
            expires=int(params["expires"]),
            signature=_b64(params["signature"]),
        )
    except (KeyError, ValueError, binascii.Error) as exc:
        raise bad from exc


def verify(body: dict, keys: dict[str, str], *, now: float | None = None) -> None:
    """Check a request's signature against the client's registered keys ({key id: public
    key}); SignatureProblem with the standard's code when it is missing or does not hold."""
    value = body.get("signature")
    if not value:
        raise SignatureProblem(
            "err.signature.missing",
            _("Sign your messages: the office registered a signing key for you."),
        )
    parsed = parse(str(value))
    if parsed.sender_id != str(body["header"].get("sender_id")):
        raise SignatureProblem(
            "err.signature.invalid", _("The signature's kidId names another sender_id.")
        )
    key = keys.get(parsed.key_id)
    if key is None:
        raise SignatureProblem(
            "err.signature.invalid",
            _("No signing key %(key)s is registered for you.") % {"key": parsed.key_id},
        )
    moment = time.time() if now is None else now
    if parsed.created > moment + CLOCK_SKEW_SECONDS or parsed.expires <= moment:
        raise SignatureProblem(
            "err.signature.invalid",
            _("The signature is not valid now: check its created and expires times."),
        )
    try:
        public_key(key).verify(
            parsed.signature, signing_content(body, parsed.created, parsed.expires)
        )
    except (InvalidSignature, ValueError) as exc:
        raise SignatureProblem(
            "err.signature.invalid", _("The signature does not match the message.")
        ) from exc


def sign(body: dict, private: Ed25519PrivateKey, *, sender_id: str, key_id: str) -> str:
    """The MsgSignature of `body` (its header and message) by `private`."""
    created = int(time.time())
    expires = created + LIFETIME_SECONDS
    signature = private.sign(signing_content(body, created, expires))
    return (
        f'Signature: namespace="spdci", kidId="{sender_id}|{key_id}|{ALGORITHM}", '
        f'algorithm="{ALGORITHM}", created="{created}", expires="{expires}", '
        f'headers="{HEADERS}", signature="{base64.b64encode(signature).decode()}"'
    )


def own_key() -> Ed25519PrivateKey | None:
    """Padu's signing key (PADU_DCI_SIGNING_KEY: base64 of the 32-byte ed25519 private key),
    or None when the office signs nothing."""
    text = settings.PADU_DCI_SIGNING_KEY
    return Ed25519PrivateKey.from_private_bytes(_b64(text)) if text else None


def signed(body: dict) -> dict:
    """`body` with Padu's signature first, when the office has a signing key."""
    private = own_key()
    if private is None:
        return body
    signature = sign(
        body,
        private,
        sender_id=settings.PADU_DCI_SENDER_ID,
        key_id=settings.PADU_DCI_SIGNING_KEY_ID,
    )
    return {"signature": signature, **body}


def jwks() -> dict:
    """Padu's public signing key as a JSON Web Key Set (the standard's jwks core API)."""
    private = own_key()
    if private is None:
        return {"keys": []}
    raw = private.public_key().public_bytes_raw()
    kid = f"{settings.PADU_DCI_SENDER_ID}|{settings.PADU_DCI_SIGNING_KEY_ID}|{ALGORITHM}"
    return {
        "keys": [
            {
                "kty": "OKP",
                "crv": "Ed25519",
                "x": base64.urlsafe_b64encode(raw).rstrip(b"=").decode(),
                "kid": kid,
                "use": "sig",
                "alg": "EdDSA",
            }
        ]
    }
