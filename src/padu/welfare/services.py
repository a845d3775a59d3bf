"""Writes of the welfare score: a new version of the weights, and a recomputation of every
family's score (queued as a background job, or run at once by `padu welfare recompute`)."""

from __future__ import annotations

import decimal

from django.db import transaction
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record
from padu.core.errors import ValidationFailed
from padu.core.scoping import require

from .models import Recompute, Weight, WeightSet
from .runner import recompute_run
from .tasks import welfare_recompute
from .variables import variables
from .weights import active_weight_set

LIMIT = decimal.Decimal(1000)
CENT = decimal.Decimal("0.01")


def weight_name(variable: str, code: str) -> str:
    """The name of a weight in a form and in the errors of `weights_publish`."""
    return f"{variable}|{code}"


def _parse(text) -> decimal.Decimal:
    text = str(text if text is not None else "").strip().replace(" ", "").replace(",", ".")
    value = decimal.Decimal(text)
    if not value.is_finite():
        raise decimal.InvalidOperation
    return value


def clean_weights(given: dict) -> dict[tuple[str, str], decimal.Decimal]:
    """{(variable, code): weight} from {weight_name: text}; every variable's every code must be
    there, each a number from -1000 to 1000 with at most two decimals."""
    errors: dict[str, list[str]] = {}
    table = {}
    known = set()
    for v in variables():
        for term in v.terms:
            name = weight_name(v.key, term.code)
            known.add(name)
            label = f"{v.label} – {term.label}" if term.code else f"{v.label} ({term.label})"
            text = given.get(name)
            if text is None or str(text).strip() == "":
                errors[name] = [_("%(weight)s: the weight is missing.") % {"weight": label}]
                continue
            try:
                value = _parse(text)
            except decimal.InvalidOperation:
                errors[name] = [
                    _("%(weight)s: “%(text)s” is not a number; enter e.g. -2.5 or 3.")
                    % {"weight": label, "text": str(text)[:40]}
                ]
                continue
            if abs(value) > LIMIT or value != value.quantize(CENT):
                errors[name] = [
                    _("%(weight)s: enter a number from -1000 to 1000 with at most two decimals.")
                    % {"weight": label}
                ]
                continue
            table[(v.key, term.code)] = value.quantize(CENT)
    for name in sorted(set(given) - known):
        errors[name] = [_("%(name)s is not a variable of the score.") % {"name": name[:80]}]
    if errors:
        raise ValidationFailed(errors)
    return table


def weights_publish(*, actor, weights: dict, note: str = "") -> WeightSet:
    """Save `weights` ({weight_name: text}) as the next version and make it the active one. The
    scores keep the version that made them until they are computed again."""
    require(actor, Cap.WELFARE_MANAGE)
    table = clean_weights(weights)
    note = " ".join(str(note or "").split())
    if len(note) > 200:
        raise ValidationFailed({"note": [_("Note: use at most 200 characters.")]})
    with transaction.atomic():
        current = WeightSet.objects.select_for_update().get(pk=active_weight_set().pk)
        last = WeightSet.objects.order_by("-version").values_list("version", flat=True).first()
        before = {"version": current.version}
        WeightSet.objects.filter(pk=current.pk).update(is_active=False)
        created = WeightSet.objects.create(
            version=last + 1, is_active=True, note=note, created_by=actor
        )
        Weight.objects.bulk_create(
            Weight(weight_set=created, variable=variable, code=code, value=value)
            for (variable, code), value in table.items()
        )
        old = current.table()
        changed = {
            weight_name(*key): str(value)
            for key, value in table.items()
            if old.get(key) != int(value * 100)
        }
        audit_record(
            actor=actor,
            action="welfare.weights.published",
            obj=created,
            before=before,
            after={"version": created.version, "changed": changed, "note": note},
            only_changes=False,
        )
    return created


def recompute_request(*, actor) -> Recompute:
    """Queue a recomputation of every family's score with the active weights."""
    require(actor, Cap.WELFARE_MANAGE)
    with transaction.atomic():
        job = Recompute.objects.create(weight_set=active_weight_set(), created_by=actor)
        audit_record(
            actor=actor,
            action="welfare.recompute.requested",
            obj=job,
            after={"weight_set": job.weight_set.version},
        )
        transaction.on_commit(lambda: welfare_recompute.enqueue(job.pk))
    return job


def recompute_after_import() -> Recompute:
    """Queue a recomputation of every score by the system after an import (registry.changes)."""
    with transaction.atomic():
        job = Recompute.objects.create(weight_set=active_weight_set())
        transaction.on_commit(lambda: welfare_recompute.enqueue(job.pk))
    return job


def recompute_now(*, actor=None) -> Recompute:
    """Record and run a recomputation at once (`padu welfare recompute`). `actor` None: the
    system (the command run on the server)."""
    if actor is not None:
        require(actor, Cap.WELFARE_MANAGE)
    job = Recompute.objects.create(weight_set=active_weight_set(), created_by=actor)
    return recompute_run(job.pk)
