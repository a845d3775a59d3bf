"""The periods pages' forms: the list's filters, closing and reopening, and the filters of the
registry "as of" a period. Their `filters()` is what the selectors take."""

from django import forms
from django.utils.translation import gettext_lazy as _

from padu.registry import codes
from padu.registry.filters import DESIL_CHOICES, QuickSelect, region_choices

from .models import Period

ALL = [("", _("All"))]


class PeriodFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2999)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=ALL + Period.Status.choices
    )

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class CloseForm(forms.Form):
    month = forms.CharField(
        label=_("Period (month)"),
        max_length=7,
        help_text=_("As YYYY-MM, for example 2026-11."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=1000,
        help_text=_("Recorded in the audit trail with your name."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AsOfFilterForm(forms.Form):
    """Kecamatan and kelurahan of the user's area, and the status as of the period (families:
    their desil as well)."""

    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False, widget=QuickSelect)
    kelurahan = forms.ChoiceField(label=_("Kelurahan"), required=False, widget=QuickSelect)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, user, record: str, **kwargs):
        super().__init__(*args, **kwargs)
        kecamatan, villages = region_choices(user)
        self.fields["kecamatan"].choices = [("", _("All kecamatan")), *kecamatan]
        self.fields["kelurahan"].choices = [("", _("All kelurahan")), *villages.items()]
        statuses = codes.FamilyStatus if record == "family" else codes.LifeStatus
        self.fields["status"].choices = ALL + statuses.choices
        if record == "family":
            self.fields["desil"] = forms.ChoiceField(
                label=_("Desil"), required=False, choices=DESIL_CHOICES
            )

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
