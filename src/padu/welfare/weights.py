"""The active weight set, and version 1 (the illustrative defaults) made on first use."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from .defaults import default_weights
from .models import Weight, WeightSet


def active_weight_set() -> WeightSet:
    """The weights in use. A registry with none yet (a new installation, a test database) gets
    version 1, the defaults of `defaults.py`, made here once."""
    found = WeightSet.objects.filter(is_active=True).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            first = WeightSet.objects.create(
                version=1,
                is_active=True,
                note=gettext("Default weights (illustrative, not calibrated)"),
            )
            Weight.objects.bulk_create(
                Weight(weight_set=first, variable=variable, code=code, value=value)
                for (variable, code), value in default_weights().items()
            )
            return first
    except IntegrityError:  # someone else made it (or another version is active) meanwhile
        return WeightSet.objects.get(is_active=True)
