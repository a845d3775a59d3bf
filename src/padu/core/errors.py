"""Domain errors: raised by services, shown to users as translated messages."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused the operation. `message` is already translated (lazily)."""

    code = "domain_error"

    def __init__(
        self, message=None, *, code: str | None = None, field: str | None = None, params=None
    ):
        self.message = message if message is not None else _("The operation was refused.")
        if code:
            self.code = code
        self.field = field
        self.params = params or {}
        super().__init__(str(self.message))

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


class PermissionDeniedError(DomainError):
    code = "permission_denied"

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("You do not have permission to do this."), **kwargs)


class ConflictError(DomainError):
    """Someone else saved the record first (optimistic locking)."""

    code = "conflict"

    def __init__(self, message=None, *, changes=None, current_version=None, **kwargs):
        super().__init__(
            message
            or _(
                "Someone else changed this record while you were editing it. Review their changes."
            ),
            **kwargs,
        )
        self.changes = changes or []
        self.current_version = current_version


class ValidationFailed(DomainError):
    """One or more field errors: `errors` maps a field name to a list of messages."""

    code = "invalid"

    def __init__(self, errors: dict, message=None):
        super().__init__(message or _("Please correct the errors below."))
        self.errors = errors


class WarningsNeedConfirmation(DomainError):
    """The data is valid but looks wrong somewhere: `warnings` (translated messages, each naming
    its field) must be shown, and the caller may repeat the call with `confirm_warnings=True`."""

    code = "warnings"

    def __init__(self, warnings: list, message=None):
        super().__init__(message or _("Please check the warnings below, then confirm to save."))
        self.warnings = list(warnings)
