from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class DciConfig(AppConfig):
    name = "padu.dci"
    label = "dci"
    verbose_name = _("DCI Social Registry API")

    def ready(self):
        from .checks import signing_key

        checks.register(signing_key)
