"""The forms of the field verification pages. They render and read what is sent; every check is
the services' (services.verification, checklist.clean_checklist)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .checklist import checklist_fields, checklist_members
from .codes import MemberPresence, TaskState
from .verification_selectors import DUE_SOON, OVERDUE, psms_for, psms_in_area


class TaskFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *TaskState.choices]
    )
    due = forms.ChoiceField(
        label=_("Due"),
        required=False,
        choices=[("", _("Any due date")), (OVERDUE, _("Overdue")), (DUE_SOON, _("Due soon"))],
    )
    assignee = forms.ModelChoiceField(label=_("PSM"), required=False, queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = psms_in_area(user=user)
        self.fields["assignee"].empty_label = _("Every PSM")


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("PSM"))
    due_on = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the office's usual period."),
    )

    def __init__(self, *args, region_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "—")] + [
            (u.pk, str(u)) for u in psms_for(region_code)
        ]


class ReassignForm(AssignForm):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class PhotosInput(forms.ClearableFileInput):
    allow_multiple_selected = True  # the view reads them with FILES.getlist


class ChecklistForm(forms.Form):
    """The checklist's answers (the model's fields), each member's status, the coordinates and
    the photos."""

    latitude = forms.CharField(
        label=_("Latitude"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    longitude = forms.CharField(
        label=_("Longitude"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    photos = forms.FileField(
        label=_("Photos"),
        required=False,
        widget=PhotosInput(attrs={"accept": "image/*"}),
    )

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        answers = {}
        for field in checklist_fields():
            answers[field.name] = field.formfield(required=False)
        self.fields = {**answers, **self.fields}
        self.members = []
        for member in checklist_members(task):
            name = f"member_{member.key}"
            self.fields[name] = forms.TypedChoiceField(
                label=member.name,
                required=False,
                choices=[("", "—"), *MemberPresence.choices],
            )
            self.members.append(self[name])

    def answers(self) -> dict:
        """What was sent, as the service takes it."""
        data = self.data
        checklist = {f.name: data.get(f.name) for f in checklist_fields()}
        checklist["member_statuses"] = {
            key.removeprefix("member_"): value
            for key, value in data.items()
            if key.startswith("member_") and value
        }
        return checklist

    @property
    def answer_fields(self):
        return [self[f.name] for f in checklist_fields()]
