"""Padu's REST API (`/api/v1/`): a second interface over the same services and selectors as the
pages, with the same scoping, masking and audit. Each app contributes a router from `<app>/api.py`.
"""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_noop
from ninja import NinjaAPI

from padu.notifications import api as notifications_api
from padu.periods import api as periods_api
from padu.programs import api as programs_api
from padu.programs import api_benefits as programs_benefits_api
from padu.programs import api_fieldwork as programs_fieldwork_api
from padu.programs import api_groups as programs_groups_api
from padu.programs import benefit_codes as programs_benefit_codes
from padu.registry import api as registry_api
from padu.registry import api_disabilities as registry_disabilities_api
from padu.registry import codes as registry_codes
from padu.registry import households_api
from padu.updates import api as updates_api
from padu.updates import codes as updates_codes
from padu.updates import verification_api
from padu.updates.muskel import api as muskel_api

from . import errors
from .auth import TokenAuth
from .docs import PaduDocs
from .parser import StorableTextParser

# Marked for translation (gettext_noop: the document itself stays English): the docs page shows it
# in the reader's language.
DESCRIPTION = gettext_noop("""\
The REST API of Padu, the social-welfare information system of a Dinas Sosial.

**Authentication.** Every endpoint needs an API token: create one on the *API tokens* page (or
`padu token create USERNAME --name NAME`) and send it as `Authorization: Bearer <token>`. The token
acts as its owner: the same role, the same regions, nothing more.

**Scope and masking.** Lists and records are limited to the owner's regions; a record outside them
is answered `404`, exactly like one that does not exist. NIK and KK numbers are masked
(`1371••••••••KQXA`) except on a detail record for roles that may see them whole. Opening a person's
full record is written to the access log.

**Errors** have one shape: `{"detail": "...", "code": "...", "errors": {"field": ["..."]}}` with
`400` (invalid data), `401` (no or bad token), `403` (not allowed), `404` (not found or not yours),
`405` (the address does not take the method; see `Allow`), `409` (someone else changed the record:
re-read and resend with the new `version`), `422` (the data is unusual: resend with
`"confirm_warnings": true` to save it anyway) and `429` (too many numbers that are registered
outside your area in an hour: wait as `Retry-After` says). A number outside its documented range
(an id, `offset`, `version`) and text with a null character are `400` like any invalid value.

**Language.** Messages follow `Accept-Language` (`id` or `en`); Indonesian by default.
""")


class PaduAPI(NinjaAPI):
    """NinjaAPI whose document explains coded values: each enum component built from a Django
    choices class gets a description listing code → English label (e.g. `1`: Own)."""

    choices_classes: dict[str, type[models.Choices]] = {}

    def get_openapi_schema(self, *args, **kwargs):
        document = super().get_openapi_schema(*args, **kwargs)
        components = document.get("components", {}).get("schemas", {})
        with translation.override("en"):
            for name, choices in self.choices_classes.items():
                component = components.get(name)
                if component is None or "enum" not in component:
                    continue
                labels = "; ".join(f"`{value}`: {label}" for value, label in choices.choices)
                intro = (choices.__doc__ or "").strip()
                component["description"] = f"{intro} {labels}".strip() if intro else labels
        return document

    def describe_choices(self, *classes: type[models.Choices]) -> None:
        self.choices_classes = {**self.choices_classes, **{c.__name__: c for c in classes}}


api = PaduAPI(
    title="Padu API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=TokenAuth(),
    parser=StorableTextParser(),
    docs=PaduDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)

# One router per app (`<app>/api.py`), mounted at the root of /api/v1/.
api.add_router("/", registry_api.router)
api.add_router("/", households_api.router)
api.add_router("/", registry_disabilities_api.router)
api.add_router("/", updates_api.router)
api.add_router("/", verification_api.router)
api.add_router("/", muskel_api.router)
api.add_router("/", notifications_api.router)
api.add_router("/", periods_api.router)
api.add_router("/", programs_benefits_api.router)
api.add_router("/", programs_fieldwork_api.router)
api.add_router("/", programs_groups_api.router)
api.add_router("/", programs_api.router)
api.describe_choices(
    *(
        c
        for codes in (registry_codes, updates_codes, programs_benefit_codes)
        for c in vars(codes).values()
        if isinstance(c, type) and issubclass(c, models.Choices)
    )
)
