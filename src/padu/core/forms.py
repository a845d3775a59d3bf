"""Pieces the filter forms of every app share: a date field of a range and the rule that the
range's end is not before its start."""

from django import forms
from django.utils.translation import gettext_lazy as _

# The browser's date picker; the value it sends is ISO (YYYY-MM-DD).
DATE_INPUT = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}
# A username typed into a filter: no capital letter or spelling fix added by a phone keyboard.
USERNAME_INPUT = {"attrs": {"autocapitalize": "none", "spellcheck": "false"}}


def date_filter(label) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=forms.DateInput(**DATE_INPUT))


def username_filter(label) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=150, widget=forms.TextInput(**USERNAME_INPUT)
    )


class DateRangeForm(forms.Form):
    """A filter form with `date_from` and `date_to` fields (declared by the subclass, in its own
    order, with `date_filter`)."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned
