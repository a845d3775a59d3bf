from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UpdatesConfig(AppConfig):
    name = "padu.updates"
    label = "updates"
    verbose_name = _("Registry updates")
