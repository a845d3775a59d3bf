from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The top layer: pages and tools that bring several domain apps together (the home page,
    the navigation, the audit trail's page, the region browser, `padu demo`). Nothing below it
    imports it."""

    name = "padu.web"
    label = "web"
    verbose_name = _("Web")
