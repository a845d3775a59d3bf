"""What the record pages share when they edit: a service's errors put back on a form and listed
at the top of the page, the confirmation of warnings, and the numbers shown to the user."""

from django.core.exceptions import ValidationError

from padu.accounts.capabilities import Cap
from padu.core.audit import access_record
from padu.core.errors import DomainError, ValidationFailed
from padu.core.scoping import has_capability

from ..masks import mask_number

# Service messages already name their field ("NIK: …"); the error summary does not name it again.
NAMED = "named"


def apply_errors(form, errors: dict) -> None:
    """Put a service's `{field: [messages]}` on `form`: on the field when the form has it."""
    for key, messages_ in errors.items():
        field = form.field_for(key) if hasattr(form, "field_for") else key
        target = field if field in form.fields else None
        for message in messages_:
            form.add_error(target, ValidationError(str(message), code=NAMED))


def form_service(form, call):
    """`(True, call())`, or `(False, None)` with the service's refusal put on `form`: its
    `ValidationFailed` on the fields, any other `DomainError` above them."""
    try:
        return True, call()
    except ValidationFailed as exc:
        apply_errors(form, exc.errors)
    except DomainError as exc:
        form.add_error(None, str(exc))
    return False, None


def error_summary(items) -> list[dict]:
    """[{href, text}] for every error of the (title, form) pairs, linking to the field."""
    out = []
    for title, form in items:
        if form is None or not form.is_bound:
            continue
        for error in form.non_field_errors():
            out.append({"href": "", "text": f"{title} — {error}" if title else error})
        for field in form:
            for error in field.errors.as_data():
                message = " ".join(str(m) for m in error.messages)
                text = message if error.code == NAMED else f"{field.label}: {message}"
                suffix = "_0" if field.field.widget.use_fieldset else ""
                out.append(
                    {
                        "href": f"#{field.auto_id}{suffix}",
                        "text": f"{title} — {text}" if title else text,
                    }
                )
    return out


def confirm_requested(request) -> bool:
    return request.POST.get("confirm_warnings") == "1"


def number_for(user, number: str) -> str:
    """A NIK or KK number as `user` may see it."""
    return number if has_capability(user, Cap.REGISTRY_VIEW_NIK) else mask_number(number)


def status_choices(transitions, current, choices_class):
    allowed = transitions.get(current, set())
    return [(value, label) for value, label in choices_class.choices if value in allowed]


def log_access(request, obj, purpose: str) -> None:
    """The access-log row of a page or form that shows `obj`'s full record (UU 27/2022)."""
    access_record(
        user=request.user, obj=obj, region_code=obj.region_id, purpose=purpose, request=request
    )
