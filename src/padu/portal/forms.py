"""The public page's forms. Their fields are the registry's declared ones (`PERSON`'s NIK and
name), checked by the declaration's own rules: a malformed NIK is refused with the message staff
get, before anything is looked up."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from padu.core.records.derive import form_fields
from padu.registry.context import RecordContext
from padu.registry.declarations import PERSON

# What a citizen reads under each field: the staff's help text speaks of the KK's layout.
CITIZEN_HELP = {
    "nik": _("The 16 digits on your KTP or on the family card (KK)."),
    "name": _("Your full name as written on the KTP or KK."),
}


class LookupForm(forms.Form):
    fields_declared = ("nik", "name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in PERSON.select(self.fields_declared):
            self.fields.update(form_fields(f.kind, f))
            self.fields[f.name].help_text = CITIZEN_HELP[f.name]
        self.fields["nik"].widget.attrs["autocomplete"] = "off"
        self.fields["name"].widget.attrs.update(autocomplete="name", spellcheck="false")

    def clean(self):
        data = super().clean()
        # The fields Django already refused (left empty) are not read twice.
        given = [name for name in self.fields_declared if name not in self.errors]
        cleaned = PERSON.clean(data, RecordContext(), only=given)
        data.update(cleaned.values)
        for name, messages in cleaned.errors.items():
            for message in messages:
                self.add_error(name, message)
        return data
