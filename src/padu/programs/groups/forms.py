from django import forms
from django.utils.translation import gettext_lazy as _

from padu.regions.models import Level, Region
from padu.updates.forms import EvidenceField

from ..benefit_codes import BusinessType, GroupKind, GroupRole
from ..models import Program


class GroupFilter(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("— all —")), *GroupKind.choices]
    )


class GroupForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=GroupKind.choices)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"))
    name = forms.CharField(label=_("Name"), max_length=120)
    business_type = forms.ChoiceField(label=_("Business type"), choices=BusinessType.choices)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    bank_name = forms.CharField(label=_("Bank"), max_length=80, required=False)
    bank_account_number = forms.CharField(label=_("Account number"), max_length=30, required=False)
    bank_account_holder = forms.CharField(label=_("Account holder"), max_length=120, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(
            target_unit="group", is_active=True
        ).order_by("code")
        kecamatan = Region.objects.filter(level=Level.KECAMATAN, valid_until__isnull=True)
        codes = user.scope_codes()
        self.fields["kecamatan"].choices = [
            (r.code, r.name)
            for r in kecamatan.order_by("code")
            if any(
                r.code == c or r.code.startswith(f"{c}.") or c.startswith(f"{r.code}.")
                for c in codes
            )
        ]


class MemberForm(forms.Form):
    nik = forms.CharField(label=_("NIK"), max_length=16, min_length=16)
    role = forms.ChoiceField(label=_("Role"), choices=GroupRole.choices, initial=GroupRole.MEMBER)


class GrantForm(forms.Form):
    amount = forms.CharField(label=_("Grant (Rp)"), max_length=20)


class GroupPaymentForm(forms.Form):
    amount = forms.CharField(label=_("Amount (Rp)"), max_length=20)
    paid_on = forms.DateField(
        label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reference = forms.CharField(label=_("Transaction reference"), required=False, max_length=80)
    proofs = EvidenceField(label=_("Proof (transfer slip)"), required=False)
