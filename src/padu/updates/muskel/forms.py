"""The Muskel pages' forms: what a user types, before the services check it again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from padu.regions.selectors import village_choices

from ..codes import AttendeeRole, MuskelDecision, SessionState


class SessionFilter(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("all")), *SessionState.choices]
    )
    region = forms.ChoiceField(label=_("Kelurahan"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("all"))] + [
            (r.code, r.name) for r in village_choices(user=user)
        ]


class ScheduleForm(forms.Form):
    region = forms.ChoiceField(label=_("Kelurahan"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200)
    quorum = forms.IntegerField(
        label=_("Quorum"),
        min_value=1,
        max_value=100,
        initial=5,
        help_text=_("The fewest attendees present for the decisions to stand."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.villages = {r.code: r for r in village_choices(user=user)}
        self.fields["region"].choices = [(c, r.name) for c, r in self.villages.items()]


class AttendeeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    role = forms.ChoiceField(label=_("Role"), choices=AttendeeRole.choices)
    present = forms.BooleanField(label=_("Present"), required=False, initial=True)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=MuskelDecision.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(forms.Form):
    number = forms.CharField(label=_("Berita Acara number"), max_length=80)


class RemoveItemForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
