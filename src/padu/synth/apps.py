from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SynthConfig(AppConfig):
    """No models: installed so that `padu generate` is found."""

    name = "padu.synth"
    label = "synth"
    verbose_name = _("Synthetic data")
