"""The programs pages' forms: the catalogue, the compatibility of two programs, a cohort's
settings, the rule editor's rows (read into a tree by `tree_from_post`), and the version of
the record a page showed, which its forms send back (`posted_version`)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import BadRequest
from django.utils.translation import gettext_lazy as _

from padu.core.schemas import DB_INT_MAX
from padu.regions.models import Region

from . import targeting
from .codes import CandidateState, CohortState
from .models import Program
from .services.catalogue import PROGRAM_FIELDS

BLANK = [("", "—")]


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = PROGRAM_FIELDS
        widgets = {
            "active_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "active_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }


class CompatibilityForm(forms.Form):
    other = forms.ModelChoiceField(queryset=Program.objects.none(), label=_("Other program"))
    compatible = forms.TypedChoiceField(
        label=_("May be combined"),
        choices=[("1", _("Yes")), ("0", _("No"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = Program.objects.exclude(pk=program.pk)


class CohortForm(forms.Form):
    program = forms.ModelChoiceField(
        queryset=Program.objects.filter(is_active=True), label=_("Program")
    )
    name = forms.CharField(
        label=_("Name"), max_length=120, help_text=_("For example “Angkatan I 2026”.")
    )
    region = forms.ChoiceField(label=_("Area it draws from"))
    reference_date = forms.DateField(
        label=_("Reference date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day ages are reckoned on; empty: the day targeting runs."),
    )
    quota_total = forms.IntegerField(label=_("Total quota"), required=False, min_value=0)
    quotas = forms.CharField(
        label=_("Quotas per area"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One area per line: its kecamatan or kelurahan code, a space and its number of "
            "places, e.g. “13.71.01 10”. All kecamatan, or all kelurahan."
        ),
    )
    priority_1 = forms.ChoiceField(label=_("Rank first by"), required=False)
    priority_2 = forms.ChoiceField(label=_("then by"), required=False)
    priority_3 = forms.ChoiceField(label=_("then by"), required=False)
    priority_4 = forms.ChoiceField(label=_("then by"), required=False)
    waiting_factor = forms.DecimalField(
        label=_("Waiting list (times the quota)"),
        min_value=0,
        max_value=10,
        decimal_places=1,
        initial=1,
        help_text=_("How many more people than places to keep in line, per area."),
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, str(r)) for r in regions]
        keys = [*BLANK, *targeting.KEY_LABELS.items()]
        for i in range(1, 5):
            self.fields[f"priority_{i}"].choices = keys
            self.fields[f"priority_{i}"].initial = targeting.DEFAULT_ORDER[i - 1]

    def clean_quotas(self) -> dict[str, int]:
        out = {}
        for number, line in enumerate(self.cleaned_data["quotas"].splitlines(), start=1):
            parts = line.replace(":", " ").replace("=", " ").split()
            if not parts:
                continue
            if len(parts) != 2 or not parts[1].isdigit():
                raise forms.ValidationError(
                    _("Line %(n)d: write an area code, a space and a number."), params={"n": number}
                )
            out[parts[0]] = int(parts[1])
        return out

    def priority(self) -> dict:
        order = [
            self.cleaned_data[f"priority_{i}"]
            for i in range(1, 5)
            if self.cleaned_data.get(f"priority_{i}")
        ]
        return {"order": order, "waiting_factor": str(self.cleaned_data["waiting_factor"])}

    @staticmethod
    def initial_for(cohort) -> dict:
        priority = targeting.Priority.read(cohort.priority)
        initial = {
            "program": cohort.program_id,
            "name": cohort.name,
            "region": cohort.region_id,
            "reference_date": cohort.reference_date,
            "quota_total": cohort.quota_total,
            "quotas": "\n".join(f"{q.region_id} {q.quota}" for q in cohort.quotas.all()),
            "waiting_factor": priority.waiting_factor,
        }
        for i in range(1, 5):
            initial[f"priority_{i}"] = priority.order[i - 1] if i <= len(priority.order) else ""
        return initial


class CohortFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[*BLANK, *CohortState.choices]
    )

    def filters(self) -> dict:
        return {k: v for k, v in (self.cleaned_data or {}).items() if v} if self.is_bound else {}


class CandidateFilterForm(forms.Form):
    list = forms.ChoiceField(
        label=_("List"),
        required=False,
        choices=[*BLANK, ("places", _("Holding a place")), ("waiting", _("Waiting list"))],
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[*BLANK, *CandidateState.choices]
    )
    area = forms.CharField(label=_("Area code"), required=False, max_length=13)
    q = forms.CharField(label=_("Name"), required=False, max_length=80)

    def clean_area(self):
        code = self.cleaned_data["area"].strip()
        if code and not Region.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Unknown area code."))
        return code

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class DropForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class _VersionForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=1, max_value=DB_INT_MAX)


def posted_version(request) -> int | None:
    """The version of the record the page showed (a hidden `version` in its form), for the
    service to refuse the change if someone changed the record since; None if the form sent
    none. Only a tampered form sends one that is not a version: 400."""
    form = _VersionForm(request.POST)
    if not form.is_valid():
        raise BadRequest("version")
    return form.cleaned_data["version"]
