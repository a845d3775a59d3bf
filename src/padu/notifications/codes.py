"""The kinds of notification and the sentence each shows. A notification stores its kind and the
sentence's parameters, never the sentence: it is written in the reader's language when shown, and
a parameter is never a name or an identifier (a receipt number, a date, a kelurahan), so that the
table holds no personal data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    TASK_ASSIGNED = "task_assigned", _("Verification task assigned")
    TASK_DUE_SOON = "task_due_soon", _("Verification task due soon")
    TASK_OVERDUE = "task_overdue", _("Verification task overdue")
    REQUEST_RETURNED = "request_returned", _("Request returned for correction")
    MUSKEL_SCHEDULED = "muskel_scheduled", _("Muskel session scheduled")


# The sentence of each kind; its %(name)s parameters are the notification's `params`.
SENTENCES = {
    NotificationKind.TASK_ASSIGNED: _(
        "You have a new verification task: request %(receipt)s in %(kelurahan)s, due %(due)s."
    ),
    NotificationKind.TASK_DUE_SOON: _(
        "The verification of request %(receipt)s in %(kelurahan)s is due %(due)s."
    ),
    NotificationKind.TASK_OVERDUE: _(
        "The verification of request %(receipt)s in %(kelurahan)s was due %(due)s and is overdue."
    ),
    NotificationKind.REQUEST_RETURNED: _(
        "Request %(receipt)s was returned for correction: %(reason)s"
    ),
    NotificationKind.MUSKEL_SCHEDULED: _(
        "A Muskel session in %(kelurahan)s is scheduled for %(date)s at %(place)s."
    ),
}
