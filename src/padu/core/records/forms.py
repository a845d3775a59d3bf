"""A form whose fields are a record's declared fields (`derive.form_fields`). It only shapes input:
every rule is the declaration's, applied by the service the view calls, whose errors the view puts
back on the form (`field_for`)."""

from __future__ import annotations

from django import forms
from django.forms.utils import ErrorDict

from .derive import form_fields, form_initial, form_value, record_values
from .record import Field, Record


class RecordForm(forms.Form):
    record: Record = None
    exclude: tuple[str, ...] = ()
    # The form's groups of fields (the declarations' `group`), in order, with their titles.
    group_titles: dict[str, object] = {}
    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._by_field: dict[str, list[str]] = {}
        for f in self.record_fields():
            added = form_fields(f.kind, f)
            self.fields.update(added)
            self._by_field[f.name] = list(added)

    @classmethod
    def record_fields(cls) -> tuple[Field, ...]:
        return tuple(f for f in cls.record.writable if f.name not in cls.exclude)

    def hold_errors(self):
        """Keep a bound form from validating when it is shown again only to add a member (the
        user has not asked to save yet)."""
        self._errors = ErrorDict()
        self.cleaned_data = {}

    def group(self, key: str) -> list:
        """The bound form fields of the declared fields of group `key`."""
        return [
            self[name]
            for f in self.record_fields()
            if f.group == key
            for name in self._by_field[f.name]
        ]

    def groups(self) -> list[dict]:
        """The groups with their title and fields; `open` when a group holds an error or
        something entered (a collapsed group would hide it)."""
        out = []
        for key, title in self.group_titles.items():
            fields = self.group(key)
            entered = self.is_bound and any(
                bf.data not in (None, "", [], False) and str(bf.data) != str(bf.initial or "")
                for bf in fields
            )
            out.append(
                {
                    "title": title,
                    "fields": fields,
                    "open": entered or any(bf.errors for bf in fields),
                }
            )
        return out

    def to_data(self) -> dict:
        """The service's data dict (declared field names) from the cleaned form."""
        return {f.name: form_value(f.kind, f, self.cleaned_data) for f in self.record_fields()}

    @classmethod
    def initial_from_data(cls, data: dict) -> dict:
        """Form values from a service data dict (or a record's current values)."""
        initial = {}
        for f in cls.record_fields():
            initial.update(form_initial(f.kind, f, data.get(f.name)))
        return initial

    @classmethod
    def initial_from_instance(cls, obj) -> dict:
        return cls.initial_from_data(
            record_values(cls.record, obj, [f.name for f in cls.record_fields()])
        )

    def field_for(self, name: str) -> str | None:
        """The form field that shows a service error about the declared field `name`."""
        names = getattr(self, "_by_field", {}).get(name)
        if names:
            return names[0]
        return name if name in self.fields else None
