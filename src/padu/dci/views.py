"""The DCI Social Registry endpoints (`/api/dci/v1/registry/...`), as the standard's document
describes them: `sync/search` and `sync/txn/status` answer at once; `search` and `txn/status`
acknowledge and post their answer to the client's `on-search` / `txn/on-status` callback.

Every call is authenticated by a Padu API token (`Authorization: Bearer`), acts as the token's
owner (its regions, its masking) and is checked against the standard's request schema. A request
that cannot be processed is answered with the standard's acknowledgement `ERR` and an `err.*`
code (HTTP 400); a search that cannot be answered, with the status `rjct` and a `rjct.*` reason.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from padu.accounts.capabilities import Cap
from padu.accounts.tokens import TokenRejected, token_authenticate
from padu.core.errors import DomainError
from padu.core.scoping import has_capability

from . import answers, envelope, search, selectors, services, signing, standard
from .models import DciTransaction


class Refused(Exception):
    def __init__(self, response: JsonResponse):
        self.response = response


def _authenticate(request: HttpRequest):
    """The token's owner, or a 401/403 refusal (envelope.error)."""
    scheme, _sep, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise Refused(
            envelope.error(
                "err.request.unauthorized",
                _("Send the API token in the header Authorization: Bearer <token>."),
                status=401,
            )
        )
    try:
        user, _token = token_authenticate(key.strip())
    except TokenRejected as exc:
        raise Refused(envelope.error("err.request.unauthorized", str(exc), status=401)) from exc
    if not (has_capability(user, Cap.API_USE) and has_capability(user, Cap.REGISTRY_VIEW)):
        raise Refused(
            envelope.error(
                "err.request.forbidden",
                _("Your role may not read the registry through the API."),
                status=403,
            )
        )
    request.user = user
    return user


def _storable(value) -> bool:
    """No NUL and no lone surrogate anywhere (PostgreSQL stores neither), keys included."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return "\x00" not in value
    if isinstance(value, dict):
        return all(_storable(k) and _storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_storable(v) for v in value)
    return True


# What a transaction keeps of the header, at most as long as its column.
HEADER_LIMITS = {
    "message_id": DciTransaction._meta.get_field("message_id").max_length,
    "sender_id": DciTransaction._meta.get_field("sender_id").max_length,
    "sender_uri": DciTransaction._meta.get_field("callback_url").max_length,
}


def _body(request: HttpRequest, path: str) -> dict:
    """The request's JSON, valid against the standard's schema of `POST path`."""
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused(envelope.error("err.request.bad", _("The body is not JSON."))) from exc
    if not _storable(body):
        raise Refused(
            envelope.error(
                "err.request.bad",
                _("Remove the character that cannot be saved (a null or broken character)."),
            )
        )
    problem = standard.first_error(standard.request_validator(path), body)
    if problem is not None:
        message = _("The request does not follow the DCI standard: %(problem)s") % {
            "problem": problem
        }
        raise Refused(envelope.error("err.request.bad", message))
    for name, limit in HEADER_LIMITS.items():
        if len(str(body["header"].get(name, ""))) > limit:
            message = _("header.%(name)s is longer than %(max)d characters.")
            raise Refused(envelope.error("err.request.bad", message % {"name": name, "max": limit}))
    if body["header"].get("is_msg_encrypted") or "ciphertext" in body["message"]:
        raise Refused(
            envelope.error("err.encryption.invalid", _("Padu takes unencrypted messages only."))
        )
    return body


def _check_signature(user, body: dict) -> None:
    """A client with a registered signing key (or any client, with PADU_DCI_SIGNATURES_REQUIRED)
    signs its request; a missing or wrong signature is refused with the standard's
    err.signature.missing / err.signature.invalid (HTTP 401). A client without a key may send
    any signature, which nothing can check."""
    keys = services.client_keys(user)
    if not keys and not settings.PADU_DCI_SIGNATURES_REQUIRED:
        return
    try:
        signing.verify(body, keys)
    except signing.SignatureProblem as problem:
        raise Refused(envelope.error(problem.code, problem.message, status=401)) from problem


def _answer(body: dict) -> JsonResponse:
    """A synchronous answer (header and message), signed when the office signs."""
    return JsonResponse(signing.signed(body))


def _requests(body: dict) -> int:
    message = body["message"]
    return len(message["search_request"]) if "search_request" in message else 1


def endpoint(path: str, summary):
    """A DCI endpoint: POST only, token-authenticated, schema-checked, refusals in the standard's
    shapes. The view gets the user and the request's body; `summary` is shown on the API page."""

    def decorate(view):
        @csrf_exempt  # authenticated by the bearer token only, never by a cookie
        @require_POST
        def wrapped(request: HttpRequest) -> JsonResponse:
            try:
                user = _authenticate(request)
                body = _body(request, path)
                _check_signature(user, body)
                return view(request, user, body)
            except Refused as refused:
                return refused.response

        wrapped.dci_path = path
        wrapped.summary = summary
        return wrapped

    return decorate


def _receive(request, user, body, *, action: str, synchronous: bool):
    header = body["header"]
    problem = envelope.header_problem(header, _requests(body))
    if problem is None:
        try:
            return services.transaction_receive(
                actor=user,
                action=action,
                header=header,
                message=body["message"],
                synchronous=synchronous,
                request=request,
            ), None
        except DomainError as exc:
            problem = (exc.code, str(exc))
    if not synchronous:
        code = problem[0] if problem[0].startswith("err.") else "err.request.bad"
        if problem[0] == "rjct.version.invalid":
            code = "err.version.not_supported"
        message = problem[1] if code == problem[0] else f"{problem[0]}: {problem[1]}"
        raise Refused(envelope.error(code, message))
    return None, problem


def _rejected_header(action: str, header: dict, total: int, problem) -> JsonResponse:
    answer = envelope.callback_header(
        action,
        receiver_id=header["sender_id"],
        status="rjct",
        total=total,
        completed=0,
        reason=problem,
    )
    return _answer({"header": answer})


@endpoint(
    "/registry/sync/search",
    gettext_lazy("Search the registry; the answer carries the families or people found."),
)
def sync_search(request, user, body):
    """Search at once: the answer carries the records."""
    txn, problem = _receive(request, user, body, action="search", synchronous=True)
    if txn is None:
        return _rejected_header("on-search", body["header"], _requests(body), problem)
    responses = search.run(
        user=user, message=body["message"], purpose="dci_search", request=request
    )
    answers.transaction_complete(txn=txn, outcome=search.outcome(responses))
    header = envelope.callback_header(
        "on-search",
        receiver_id=txn.sender_id,
        status="succ",
        total=len(responses),
        completed=len(responses),
    )
    message = {
        "transaction_id": txn.transaction_id,
        "correlation_id": txn.correlation_id,
        "search_response": responses,
    }
    return _answer({"header": header, "message": message})


@endpoint(
    "/registry/search",
    gettext_lazy(
        "Search the registry later: acknowledged at once, the answer is posted to the "
        "address in header.sender_uri (your registry/on-search)."
    ),
)
def async_search(request, user, body):
    """Acknowledge; the records go to the client's on-search callback (tasks.dci_answer)."""
    txn, _problem = _receive(request, user, body, action="search", synchronous=False)
    return envelope.ack(txn.correlation_id)


@endpoint(
    "/registry/sync/txn/status",
    gettext_lazy(
        "The status of searches you sent, by transaction_id, correlation_id or reference_id."
    ),
)
def sync_txn_status(request, user, body):
    txn, problem = _receive(request, user, body, action="txn-status", synchronous=True)
    if txn is None:
        return _rejected_header("txn-on-status", body["header"], 1, problem)
    message = selectors.txn_status_message(
        user=user, message=body["message"], correlation_id=txn.correlation_id
    )
    answers.transaction_complete(txn=txn, outcome=[])
    header = envelope.callback_header(
        "txn-on-status", receiver_id=txn.sender_id, status="succ", total=1, completed=1
    )
    return _answer({"header": header, "message": message})


@endpoint(
    "/registry/txn/status",
    gettext_lazy(
        "The status of searches you sent, posted to the address in header.sender_uri "
        "(your registry/txn/on-status)."
    ),
)
def async_txn_status(request, user, body):
    txn, _problem = _receive(request, user, body, action="txn-status", synchronous=False)
    return envelope.ack(txn.correlation_id)


def document(request: HttpRequest) -> JsonResponse:
    """The standard's OpenAPI document, with this server's address: what a client codes to."""
    doc = dict(standard.document())
    doc["servers"] = [{"url": request.build_absolute_uri("/api/dci/v1"), "description": "Padu"}]
    return JsonResponse(doc)


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """Padu's public signing key (the standard's jwks core API), to check its answers with."""
    return JsonResponse(signing.jwks())
