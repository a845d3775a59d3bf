from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UpdatesConfig(AppConfig):
    name = "padu.updates"
    label = "updates"
    verbose_name = _("Registry updates")

    def ready(self):
        from padu.registry import sources

        from .models.requests import REFERENCE_PREFIX
        from .sources import describe_requests

        sources.register(REFERENCE_PREFIX, describe_requests)
