"""The public page's forms. Their fields about a family or a person are the registry's declared
ones (`FAMILY`, `PERSON`), checked by the declaration's own rules: a malformed NIK is refused with
the message staff get, before anything is looked up or sent."""

from __future__ import annotations

import os

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from padu.core.records.derive import form_fields
from padu.registry.codes import Relationship
from padu.registry.context import RecordContext
from padu.registry.declarations import FAMILY, PERSON

from .selectors import office_villages

# What a citizen reads under each field: the staff's help text speaks of the KK's layout.
CITIZEN_HELP = {
    "nik": _("The 16 digits on your KTP or on the family card (KK)."),
    "name": _("Your full name as written on the KTP or KK."),
}


def add_declared(form, record, names, *, optional=(), help_text=None) -> None:
    """Give `form` the declared fields `names` of `record`, as its forms have them."""
    for f in record.select(names):
        form.fields.update(form_fields(f.kind, f))
        if f.name in optional:
            form.fields[f.name].required = False
        if help_text and f.name in help_text:
            form.fields[f.name].help_text = help_text[f.name]


def clean_declared(form, record, names, data: dict) -> dict:
    """`data` read by `record`'s own rules for the fields `names` (those given, and not already
    refused by the form); each problem is put on its field."""
    given = [n for n in names if n not in form.errors and data.get(n) not in (None, "")]
    cleaned = record.clean(data, RecordContext(), only=given)
    data.update(cleaned.values)
    for name, messages in cleaned.errors.items():
        for message in messages:
            form.add_error(name, message)
    return data


class LookupForm(forms.Form):
    """A person by NIK and name: a check of one's own family, or the family objected to."""

    person_fields = ("nik", "name")
    help_text = CITIZEN_HELP

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_declared(self, PERSON, self.person_fields, help_text=self.help_text)
        self.fields["nik"].widget.attrs["autocomplete"] = "off"
        self.fields["name"].widget.attrs.update(autocomplete="name", spellcheck="false")

    def clean(self):
        return clean_declared(self, PERSON, self.person_fields, super().clean())


class CitizenForm(forms.Form):
    """What every request from the public page carries: who sends it, how to reach him, why, and
    a photo. The photo's size and content are checked by the updates app (`check_files`) before
    anything is written; here only its kind (a photo, not a document) is narrowed."""

    citizen_name = forms.CharField(label=_("Your name"), max_length=120)
    contact = forms.CharField(
        label=_("Telephone or e-mail"),
        max_length=120,
        required=False,
        help_text=_("Optional: for the office to ask you about the request."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )
    photo = forms.FileField(label=_("Photo"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["citizen_name"].widget.attrs["autocomplete"] = "name"
        self.fields["photo"].widget.attrs["accept"] = ",".join(photo_extensions())
        self.fields["photo"].help_text = _(
            "A photo of the house (%(types)s), at most %(size)s."
        ) % {
            "types": ", ".join(photo_extensions()),
            "size": filesizeformat(settings.PADU_EVIDENCE_MAX_BYTES),
        }

    def clean_photo(self):
        photo = self.cleaned_data["photo"]
        extension = os.path.splitext(photo.name or "")[1].lower()
        if extension not in photo_extensions():
            raise forms.ValidationError(
                _("%(name)s is not a photo: send a %(types)s file."),
                params={"name": photo.name, "types": ", ".join(photo_extensions())},
            )
        return photo


def photo_extensions() -> list[str]:
    """The extensions of the photo types evidence may have (`PADU_EVIDENCE_TYPES`)."""
    return [
        extension
        for content_type, extensions in settings.PADU_EVIDENCE_TYPES.items()
        if content_type.startswith("image/")
        for extension in extensions
    ]


class ObjectionForm(LookupForm, CitizenForm):
    """A sanggah: the family objected to, named by one member's NIK and name (as a check of
    one's own family is), why, and a photo."""

    help_text = {
        "nik": _("The NIK of a member of the family you object to."),
        "name": _("That member's full name as written on the KTP or KK."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        self.order_fields(["nik", "name", "reason", "photo", "citizen_name", "contact"])


class ProposalForm(CitizenForm):
    """An usul: a family not registered yet, as far as the citizen knows it (its kelurahan,
    address and KK number; its head's name and NIK), why, and a photo of the house. The
    updates app checks what is given by the declarations again when it takes the request."""

    family_fields = ("region", "address", "kk_number")
    head_fields = ("name", "nik")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_declared(self, FAMILY, self.family_fields, optional=("kk_number",))
        add_declared(
            self,
            PERSON,
            self.head_fields,
            optional=("nik",),
            help_text={"nik": _("Optional, if you know it.")},
        )
        self.fields["address"].required = True
        self.fields["region"].choices = [("", _("— choose —")), *office_villages()]
        self.fields["name"].label = _("Name of the head of family")
        self.fields["nik"].label = _("NIK of the head of family")
        self.order_fields(
            ["region", "address", "kk_number", "name", "nik", "reason", "photo", "citizen_name"]
        )

    def clean(self):
        data = super().clean()
        data = clean_declared(self, FAMILY, self.family_fields, data)
        return clean_declared(self, PERSON, self.head_fields, data)

    def family_data(self) -> dict:
        """The request's data in the updates app's form (declared field names)."""
        data = self.cleaned_data
        family = {n: data[n] for n in self.family_fields if data.get(n) not in (None, "")}
        head = {n: data[n] for n in self.head_fields if data.get(n) not in (None, "")}
        return {"family": family, "members": [{**head, "relationship": Relationship.HEAD}]}


class ReceiptForm(forms.Form):
    # "nomor": the page's address carries it (`/cek/tanda-terima/?nomor=...`).
    nomor = forms.CharField(
        label=_("Receipt number"),
        max_length=24,
        help_text=_("As given when you sent the request."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomor"].widget.attrs.update(
            autocomplete="off", spellcheck="false", autocapitalize="characters"
        )
