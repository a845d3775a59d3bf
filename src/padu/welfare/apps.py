from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "padu.welfare"
    label = "welfare"
    verbose_name = _("Welfare score")

    def ready(self) -> None:
        # A family's score follows every change the registry's services make to it, its dwelling
        # or its members (registry.changes), in the same transaction.
        from padu.registry import changes

        from .scoring import families_rescore
        from .services import recompute_after_import

        changes.on_families_changed(families_rescore)
        # An import writes in bulk: every score is recomputed by a queued job.
        changes.on_registry_imported(recompute_after_import)
