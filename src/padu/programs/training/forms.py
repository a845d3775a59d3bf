from django import forms
from django.utils.translation import gettext_lazy as _

from padu.regions.models import Region

from ..benefit_codes import InstitutionKind
from ..models import Program

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CourseForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none())
    name = forms.CharField(label=_("Name"), max_length=120)
    skill = forms.CharField(label=_("Skill taught"), max_length=120)
    institution_kind = forms.ChoiceField(
        label=_("Kind of institution"), choices=InstitutionKind.choices
    )
    institution_name = forms.CharField(label=_("Institution"), max_length=160)
    place = forms.CharField(label=_("Place"), max_length=200)
    region = forms.ChoiceField(label=_("Area"))
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500, initial=32)
    min_attendance = forms.IntegerField(
        label=_("Minimum attendance (%)"), min_value=0, max_value=100, initial=80
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(
            benefit_type="training", is_active=True
        ).order_by("code")
        roots = Region.objects.filter(code__in=user.scope_codes()).order_by("code")
        self.fields["region"].choices = [(r.code, r.name) for r in roots]


class AttendanceForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DATE)


class CompleteForm(forms.Form):
    participant = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=80)
    completed_on = forms.DateField(label=_("Completed on"), widget=DATE)
