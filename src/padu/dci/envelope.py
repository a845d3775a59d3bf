"""The standard's envelope: the acknowledgement of an asynchronous request, the errors of the
transport (HttpErrorResponse), the callback header, and the checks of a request's header whose
failures the standard names (MsgHeaderStatusReasonCode)."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

VERSION = "1.0.0"
# At most this many searches in one message (header.total_count).
MAX_BATCH = 10
# ISO 639-3 codes of the languages Padu answers in (`locale` of a search response).
LOCALES = {"id": "ind", "en": "eng"}


def now() -> str:
    return timezone.now().isoformat()


def new_id() -> str:
    return uuid.uuid4().hex


def locale() -> str:
    return LOCALES.get((translation.get_language() or "id")[:2], "ind")


def sender_id() -> str:
    """Who Padu is in the messages it sends (`header.sender_id`)."""
    return settings.PADU_DCI_SENDER_ID


def ack(correlation_id: str, *, status: int = 200) -> JsonResponse:
    """ACK: the request is valid and its answer will be posted to the sender's callback. HTTP
    200: the standard gives the acknowledgement as the operation's `default` answer, and the
    standard's own compliance scenarios (spdci/SR-Mockup-Compliance) expect 200."""
    body = {"message": {"ack_status": "ACK", "timestamp": now(), "correlation_id": correlation_id}}
    return JsonResponse(body, status=status)


def error(code: str, message: str, *, status: int = 400) -> JsonResponse:
    """A request refused before it is processed (400 invalid, 401 no valid token, 403 not
    allowed), with one of the standard's Error codes (err.*). The body is at once the standard's
    HttpErrorResponse (`errors`) and its acknowledgement ERR (`message`), the two shapes the
    standard gives a refusal, so that a client reading either understands it."""
    message = message[:999]
    body = {
        "errors": [{"code": code, "message": message}],
        "message": {
            "ack_status": "ERR",
            "timestamp": now(),
            "correlation_id": new_id(),
            "error": {"code": code, "message": message},
        },
    }
    return JsonResponse(body, status=status)


def callback_header(
    action: str,
    *,
    receiver_id: str,
    status: str,
    total: int,
    completed: int,
    reason: tuple[str, str] | None = None,
) -> dict:
    """MsgCallbackHeader_V1.0.0 of an answer (sync) or callback (async)."""
    header = {
        "version": VERSION,
        "message_id": new_id(),
        "message_ts": now(),
        "action": action,
        "status": status,
        "total_count": total,
        "completed_count": completed,
        "sender_id": sender_id(),
        "receiver_id": receiver_id,
        "is_msg_encrypted": False,
    }
    if reason is not None:
        header["status_reason_code"], header["status_reason_message"] = reason
    return header


def header_problem(header: dict, count: int) -> tuple[str, str] | None:
    """What is wrong with a (schema-valid) request header, as (reason code, message)."""
    if header.get("version", VERSION) != VERSION:
        return "rjct.version.invalid", _("Padu speaks version 1.0.0 of the DCI messages.")
    try:
        ts = datetime.datetime.fromisoformat(str(header["message_ts"]).replace("Z", "+00:00"))
    except ValueError:
        ts = None
    if ts is None or ts.tzinfo is None:
        return "rjct.message_ts.invalid", _(
            "message_ts is a date and time with its time zone, e.g. 2025-01-31T08:00:00+07:00."
        )
    if header.get("total_count") != count:
        return "rjct.total_count.invalid", _(
            "total_count must be the number of requests in the message."
        )
    if count > MAX_BATCH:
        return "rjct.total_count.limit_exceeded", _(
            "Send at most %(max)d requests in one message."
        ) % {"max": MAX_BATCH}
    return None
