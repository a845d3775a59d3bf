from django import forms
from django.utils.translation import gettext_lazy as _

from padu.core.forms import USERNAME_INPUT, DateRangeForm, date_filter, username_filter

from .access_text import PATHS
from .selectors import audited_object_types


class AuditFilterForm(DateRangeForm):
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=80,
        help_text=_("The start of an action code, e.g. accounts.user"),
        widget=forms.TextInput(**USERNAME_INPUT),
    )
    actor = username_filter(_("Done by (username)"))
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object ID"), required=False, max_length=64)
    date_from = date_filter(_("From"))
    date_to = date_filter(_("Until"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", _("All types")), *audited_object_types()]


class AccessFilterForm(DateRangeForm):
    reader = username_filter(_("Read by (username)"))
    purpose = forms.ChoiceField(label=_("Read through"), required=False)
    date_from = date_filter(_("From"))
    date_to = date_filter(_("Until"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [("", _("Every way")), *PATHS.items()]
