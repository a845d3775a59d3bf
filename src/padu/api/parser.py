"""The request parser: JSON bodies and query strings as ninja reads them, refusing text that no
database column can hold.

PostgreSQL stores no NUL character in text or JSON, and no text that is not valid Unicode (a
lone surrogate, which JSON's `\\ud800` escapes can carry). Left to the database, such a value is
an error 500 in the middle of a write or of the access log; refused here, it is a 400 that names
the field, whatever the endpoint does with it. The pages' forms refuse NUL the same way (Django's
CharField)."""

import json

from django.utils.translation import gettext as _
from ninja.parser import Parser

from padu.core.errors import ValidationFailed


def _unstorable(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _bad_fields(value, path: tuple = ()) -> list[str]:
    """The dotted paths (`members.0.name`) of the unstorable texts inside `value`, keys included."""
    if isinstance(value, str):
        return [".".join(path) or "__all__"] if _unstorable(value) else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            name = str(key)
            found += [".".join((*path, name))] if _unstorable(name) else []
            found += _bad_fields(item, (*path, name))
        return found
    if isinstance(value, list):
        return [f for i, item in enumerate(value) for f in _bad_fields(item, (*path, str(i)))]
    return []


def _refuse_unstorable(data):
    bad = _bad_fields(data)
    if bad:
        message = _("Remove the character that cannot be saved (a null or broken character).")
        raise ValidationFailed({field: [message] for field in bad})
    return data


class StorableTextParser(Parser):
    def parse_body(self, request):
        return _refuse_unstorable(json.loads(request.body))

    def parse_querydict(self, data, list_fields, request):
        return _refuse_unstorable(super().parse_querydict(data, list_fields, request))
