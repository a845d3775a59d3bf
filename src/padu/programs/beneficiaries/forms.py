"""Forms of the beneficiary pages; every rule is the services', whose errors the views put back
here."""

from django import forms
from django.utils.translation import gettext_lazy as _

from padu.updates.forms import EvidenceField

from ..benefit_codes import Channel
from ..codes import CandidateState, ExitReason
from ..models import Program

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# How many item rows the package form offers (a package with more is entered through the API).
PACKAGE_ROWS = 4


def _blank(choices):
    return [("", _("— all —")), *choices]


class BeneficiaryFilter(forms.Form):
    program = forms.ModelChoiceField(
        label=_("Program"), required=False, queryset=Program.objects.order_by("code")
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=_blank(CandidateState.choices)
    )


class DisbursementFilter(forms.Form):
    program = forms.ModelChoiceField(
        label=_("Program"), required=False, queryset=Program.objects.order_by("code")
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2999)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=_blank(Channel.choices))


class FieldCheckForm(forms.Form):
    checked_on = forms.DateField(label=_("Checked on"), widget=DATE)
    found = forms.BooleanField(label=_("Found at the address"), required=False)
    conditions_met = forms.BooleanField(label=_("Meets the program's conditions"), required=False)
    willing = forms.BooleanField(label=_("Willing to take part"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = EvidenceField(label=_("Photos of the visit"), required=False)


class TransitionForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput, max_length=20)
    exit_reason = forms.ChoiceField(
        label=_("Reason for leaving"), required=False, choices=[("", "—"), *ExitReason.choices]
    )
    reason = forms.CharField(label=_("Note"), required=False, max_length=500)


class DisbursementForm(forms.Form):
    amount = forms.CharField(label=_("Amount (Rp)"), max_length=20)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    reference = forms.CharField(label=_("Transaction reference"), required=False, max_length=80)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    proofs = EvidenceField(label=_("Proof (transfer slip, receipt, photo)"), required=False)


class PackageForm(forms.Form):
    """Up to PACKAGE_ROWS items; an empty row is left out."""

    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, courses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"] = forms.ChoiceField(
            label=_("Training course"),
            required=False,
            choices=[("", "—"), *((str(c.pk), c.name) for c in courses)],
        )
        for n in range(1, PACKAGE_ROWS + 1):
            self.fields[f"name_{n}"] = forms.CharField(
                label=_("Item %(n)d") % {"n": n}, required=False, max_length=120
            )
            self.fields[f"quantity_{n}"] = forms.IntegerField(
                label=_("Quantity"), required=False, min_value=1, max_value=1000
            )
            self.fields[f"unit_value_{n}"] = forms.CharField(
                label=_("Unit value (Rp)"), required=False, max_length=20
            )
            self.fields[f"serial_numbers_{n}"] = forms.CharField(
                label=_("Serial numbers (one a line)"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        return [
            [self[f"{k}_{n}"] for k in ("name", "quantity", "unit_value", "serial_numbers")]
            for n in range(1, PACKAGE_ROWS + 1)
        ]

    def items(self) -> list[dict]:
        d = self.cleaned_data
        return [
            {k: d.get(f"{k}_{n}") for k in ("name", "quantity", "unit_value", "serial_numbers")}
            for n in range(1, PACKAGE_ROWS + 1)
            if d.get(f"name_{n}")
        ]


class HandoverForm(forms.Form):
    handed_over_on = forms.DateField(label=_("Handed over on"), widget=DATE)
    photos = EvidenceField(label=_("Photo of the handover"), required=False)
