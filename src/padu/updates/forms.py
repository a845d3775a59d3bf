"""Forms of the change request pages. What a request asks is entered in the registry's own record
forms (their fields are the declarations'); every rule is the service's, whose errors the views
put back here."""

from django import forms
from django.utils.translation import gettext_lazy as _

from padu.regions.selectors import village_choices

from .codes import RemovalReason, RequestKind, RequestSource, RequestState


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Any number of files; their type and size are checked by services.evidence."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(EvidenceField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _blank(choices):
    return [("", _("— all —")), *choices]


class RequestFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=_blank(RequestState.choices)
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_blank(RequestKind.choices))
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=_blank(RequestSource.choices)
    )
    region = forms.ChoiceField(label=_("Kelurahan/desa"), required=False)
    receipt = forms.CharField(label=_("Receipt number"), required=False, max_length=16)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _blank(
            [(v.code, v.name) for v in village_choices(user=user)]
        )


class RequestDetailsForm(forms.Form):
    """What every request carries beside its change: notes, coordinates, evidence."""

    removal_reason = forms.ChoiceField(
        label=_("Reason for removal"),
        required=False,
        choices=[("", _("— choose —")), *RemovalReason.choices],
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    latitude = forms.CharField(label=_("Latitude"), required=False, max_length=20)
    longitude = forms.CharField(label=_("Longitude"), required=False, max_length=20)
    evidence = EvidenceField(
        label=_("Photos and documents"),
        required=False,
        help_text=_("JPEG, PNG, WebP or PDF."),
    )
    submit = forms.BooleanField(label=_("Submit at once (not a draft)"), required=False)


class TransitionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
