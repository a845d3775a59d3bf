import logging

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class CoreConfig(AppConfig):
    name = "padu.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        """The deployment's checks (checks.py). And Padu speaks Indonesian however it was
        installed: a wheel carries compiled catalogs (setup.py), a checkout or an editable
        install has only the .po files until they are compiled here, at start, when missing or
        older than their .po (two stat calls each)."""
        from . import catalogs
        from .checks import sqlite_version

        checks.register(sqlite_version)

        try:
            catalogs.compile_catalogs(catalogs.LOCALE_DIR)
        except (OSError, ImportError) as exc:
            logger.warning(
                "Translation catalogs could not be compiled (%s): Padu shows English", exc
            )
