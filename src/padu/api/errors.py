"""One exception handler: every error becomes `{"detail", "code", "errors", ...}` with a status.

Services raise DomainError subclasses; this maps them to HTTP statuses so that endpoints never
build error responses themselves.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError

from padu.core import errors as domain

STATUS_BY_CODE = {
    "unauthenticated": 401,
    "permission_denied": 403,
    "not_found": 404,
    "conflict": 409,
    "warnings": 422,
    "too_many_checks": 429,
}


def _messages(value) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _field_errors(errors) -> dict[str, list[str]]:
    if isinstance(errors, dict):
        return {str(k): _messages(v) for k, v in errors.items()}
    if errors:
        return {"__all__": _messages(errors)}
    return {}


def _request_error_message(error: dict) -> str:
    """Pydantic's messages are English only; say the same thing through gettext."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])  # raised by our own validators, already translated
    if kind == "missing":
        return _("This field is required.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("float_parsing", "float_type", "decimal_parsing", "decimal_type"):
        return _("Enter a number.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Enter true or false.")
    if kind in (
        "date_parsing",
        "date_type",
        "date_from_datetime_parsing",
        "date_from_datetime_inexact",
    ):
        return _("Enter a date as YYYY-MM-DD.")
    if kind in ("string_type",):
        return _("Enter text.")
    if kind in ("list_type",):
        return _("Enter a list.")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("Enter an object.")
    if kind == "enum" or kind == "literal_error":
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind == "string_too_long":
        return _("Use at most %(max)s characters.") % {"max": ctx.get("max_length", "")}
    if kind == "string_too_short":
        return _("Use at least %(min)s characters.") % {"min": ctx.get("min_length", "")}
    if kind == "string_pattern_mismatch":
        return _("The value does not have the expected format.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("Enter a value of at least %(min)s.") % {"min": ctx.get("ge", ctx.get("gt", ""))}
    if kind in ("less_than_equal", "less_than"):
        return _("Enter a value of at most %(max)s.") % {"max": ctx.get("le", ctx.get("lt", ""))}
    if kind == "too_long":
        return _("Too many items.")
    if kind == "extra_forbidden":
        return _("This field is not accepted.")
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    return _("Enter a valid value.")


def _request_errors(exc: RequestValidationError) -> dict[str, list[str]]:
    """Ninja's error list, keyed by the dotted field path the client sent (`members.0.nik`)."""
    out: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [str(p) for p in error.get("loc", ())]
        # loc starts with where the value came from (body/query/path) and, for a body schema,
        # the name of the endpoint's parameter; neither is something the client wrote.
        if loc and loc[0] in ("body", "query", "path", "header", "cookie", "form"):
            source = loc.pop(0)
            if loc and (source, loc[0]) in (("body", "payload"), ("query", "filters")):
                loc.pop(0)
        out.setdefault(".".join(loc) or "__all__", []).append(_request_error_message(error))
    return out


def error_body(exc: Exception) -> tuple[int, dict]:
    """The status and JSON body for an exception raised inside an endpoint."""
    if isinstance(exc, RequestValidationError):
        return 400, {
            "detail": _("Please correct the errors below."),
            "code": "invalid",
            "errors": _request_errors(exc),
        }
    if isinstance(exc, AuthenticationError):
        return 401, {
            "detail": _("Authentication required."),
            "code": "unauthenticated",
            "errors": {},
        }
    if isinstance(exc, Http404):
        return 404, not_found_body()
    if isinstance(exc, PermissionDenied):
        return 403, {
            "detail": _("You do not have permission to do this."),
            "code": "permission_denied",
            "errors": {},
        }
    if isinstance(exc, HttpError) and exc.status_code == 400 and exc.__cause__ is not None:
        # Ninja's "Cannot parse request body", in English, raised from what the parser raised.
        if isinstance(exc.__cause__, domain.DomainError):
            return error_body(exc.__cause__)
        return 400, {
            "detail": _("Please correct the errors below."),
            "code": "invalid",
            "errors": {"__all__": [_("The request body is not valid JSON.")]},
        }
    if isinstance(exc, HttpError):
        return exc.status_code, {"detail": str(exc), "code": "error", "errors": {}}

    body = {"detail": str(exc), "code": exc.code, "errors": {}}
    if isinstance(exc, domain.ConflictError):
        blank = {
            "label": "",
            "theirs": None,
            "yours": None,
            "original": None,
            "yours_changed": False,
        }
        changes = [
            {**blank, "label": str(c.get("field", "")), **c}
            if isinstance(c, dict)
            else {**blank, "field": str(c)}
            for c in exc.changes or []
        ]
        body.update(
            current_version=exc.current_version,
            changed_fields=list(dict.fromkeys(str(c["field"]) for c in changes if "field" in c)),
            changes=changes,
        )
        return 409, body
    if isinstance(exc, domain.WarningsNeedConfirmation):
        body.update(code="warnings", warnings=_messages(exc.warnings), confirm_warnings=True)
        return 422, body
    if isinstance(exc, domain.ValidationFailed):
        body["errors"] = _field_errors(exc.errors)
        return 400, body
    if isinstance(exc, domain.PermissionDeniedError):
        return 403, body
    if exc.field:
        body["errors"] = {exc.field: [str(exc)]}
    return STATUS_BY_CODE.get(exc.code, 400), body


def not_found_body() -> dict:
    return {"detail": _("Not found."), "code": "not_found", "errors": {}}


def method_not_allowed_body(method: str, allowed: list[str]) -> dict:
    return {
        "detail": _("This address does not accept %(method)s, only %(allowed)s.")
        % {"method": method, "allowed": ", ".join(allowed)},
        "code": "method_not_allowed",
        "errors": {},
    }


def install(api) -> None:
    """Register the handler on `api` for every exception it maps."""

    def handler(request: HttpRequest, exc: Exception) -> HttpResponse:
        status, body = error_body(exc)
        response = api.create_response(request, body, status=status)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="padu"'
        if getattr(exc, "retry_after", None):
            response["Retry-After"] = str(exc.retry_after)
        return response

    for exc_class in (
        domain.DomainError,
        RequestValidationError,
        HttpError,
        Http404,
        PermissionDenied,
    ):
        api.add_exception_handler(exc_class, handler)
