from django import forms
from django.utils.translation import gettext_lazy as _

from padu.periods.models import Period

from ..benefit_codes import DecreeState
from ..models import Program

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DecreeFilter(forms.Form):
    program = forms.ModelChoiceField(
        label=_("Program"), required=False, queryset=Program.objects.order_by("code")
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("— all —")), *DecreeState.choices]
    )


class DecreeForm(forms.Form):
    number = forms.CharField(label=_("Decree number"), max_length=80)
    decided_on = forms.DateField(label=_("Decree date"), widget=DATE)
    period = forms.TypedChoiceField(label=_("Data period"), coerce=int)
    amount = forms.CharField(label=_("Amount per beneficiary (Rp)"), max_length=20)
    place = forms.CharField(label=_("Place of signing"), max_length=80)
    signer_function = forms.CharField(label=_("Signed as"), max_length=120)
    signer_name = forms.CharField(label=_("Signed by"), max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        closed = Period.objects.filter(status=Period.Status.CLOSED).order_by("-month")[:24]
        self.fields["period"].choices = [(p.month, p.label) for p in closed]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
