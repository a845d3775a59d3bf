"""Writes on PPKS categories: create, rename, retire and bring back. Categories are never
deleted (the people's history refers to their codes)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record, snapshot
from padu.core.errors import ValidationFailed
from padu.core.scoping import require

from ..models import PPKSCategory
from .base import reason_message

PPKS_AUDIT = ("code", "name", "source", "is_active")


def _ppks_values(*, code, name: str, source: str, exclude_pk=None) -> dict:
    errors: dict[str, list[str]] = {}
    name = " ".join(str(name or "").split())
    source = " ".join(str(source or "").split())
    try:
        code = int(code)
        if not 1 <= code <= 32767:
            raise ValueError
    except (TypeError, ValueError):
        errors["code"] = [_("Code: enter a whole number from 1 to 32767.")]
    else:
        if PPKSCategory.objects.filter(code=code).exclude(pk=exclude_pk).exists():
            errors["code"] = [
                _("Code: %(code)d is already used by another category.") % {"code": code}
            ]
    if not name:
        errors["name"] = [_("Name: this field is required.")]
    elif len(name) > 120:
        errors["name"] = [_("Name: use at most 120 characters.")]
    elif PPKSCategory.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        errors["name"] = [_("Name: another category already has this name.")]
    if len(source) > 120:
        errors["source"] = [_("Legal source: use at most 120 characters.")]
    if errors:
        raise ValidationFailed(errors)
    return {"code": code, "name": name, "source": source}


def ppks_category_create(*, actor, code: int, name: str, source: str = "") -> PPKSCategory:
    require(actor, Cap.REFERENCE_MANAGE)
    values = _ppks_values(code=code, name=name, source=source)
    try:
        with transaction.atomic():
            category = PPKSCategory.objects.create(**values)
            audit_record(
                actor=actor,
                action="registry.ppks.created",
                obj=category,
                before=None,
                after=snapshot(category, list(PPKS_AUDIT)),
            )
    except IntegrityError as exc:
        raise ValidationFailed(
            {"code": [_("Code: this code was just used by someone else.")]}
        ) from exc
    return category


def ppks_category_update(
    *, actor, category: PPKSCategory, name: str, source: str = "", reason: str = ""
) -> PPKSCategory:
    """Rename a category or change its source. The code stays: the history refers to it."""
    require(actor, Cap.REFERENCE_MANAGE)
    with transaction.atomic():
        locked = PPKSCategory.objects.select_for_update().get(pk=category.pk)
        values = _ppks_values(code=locked.code, name=name, source=source, exclude_pk=locked.pk)
        before = snapshot(locked, list(PPKS_AUDIT))
        if (locked.name, locked.source) == (values["name"], values["source"]):
            return locked
        locked.name, locked.source = values["name"], values["source"]
        locked.save(update_fields=["name", "source"])
        audit_record(
            actor=actor,
            action="registry.ppks.updated",
            obj=locked,
            before=before,
            after=snapshot(locked, list(PPKS_AUDIT)),
            reason=reason,
        )
    return locked


def ppks_category_set_active(
    *, actor, category: PPKSCategory, active: bool, reason: str = ""
) -> PPKSCategory:
    """Retire a category (it stays on the people who have it, but cannot be given any more), or
    bring it back. Categories are never deleted."""
    require(actor, Cap.REFERENCE_MANAGE)
    reason = (reason or "").strip()
    if not active and not reason:
        raise ValidationFailed(
            {"reason": [reason_message(_("say why the category is no longer used."))]}
        )
    with transaction.atomic():
        locked = PPKSCategory.objects.select_for_update().get(pk=category.pk)
        if locked.is_active == active:
            return locked
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="registry.ppks.reactivated" if active else "registry.ppks.deactivated",
            obj=locked,
            before={"is_active": not active},
            after={"is_active": active},
            reason=reason,
        )
    return locked
