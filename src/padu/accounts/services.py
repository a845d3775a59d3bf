"""Writes on user accounts. Every one checks the actor's capability and area, runs in one
transaction, and leaves an audit entry with the values before and after."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from padu.core.audit import audit_record, export_recorded, snapshot
from padu.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from padu.core.scoping import in_scope, require, scope_codes
from padu.regions.models import VILLAGE_LEVELS, Level, Region
from padu.regions.selectors import common_region

from . import selectors
from .capabilities import Cap, Role
from .models import RegionScope, User

AUDITED = [
    "username",
    "first_name",
    "last_name",
    "email",
    "phone",
    "organisation",
    "role",
    "is_active",
]
PROFILE_FIELDS = ("first_name", "last_name", "email", "phone", "organisation")
# Roles whose work is in the field: their scope must be a kecamatan or below.
FIELD_ROLES = {
    Role.TKSK: (Level.KECAMATAN,),
    Role.PSM: VILLAGE_LEVELS,
    Role.KELURAHAN: VILLAGE_LEVELS,
}


def _require_manageable(actor, user: User) -> None:
    """The actor may change only users who work entirely inside his area."""
    if not selectors.user_can_change(actor=actor, user=user):
        raise PermissionDeniedError(
            _(
                "This user also works outside your area. An administrator whose area covers all "
                "of the user's regions must make this change."
            )
        )


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationFailed({"role": [_("Choose a valid role.")]})


def _check_scopes(*, actor, role: str, granted: list[Region]) -> None:
    """`granted` are the regions the actor chose: inside his area, at the role's level."""
    for region in granted:
        if not in_scope(actor, region.code):
            raise DomainError(
                _("You cannot grant %(region)s: it lies outside your own area.")
                % {"region": region.name},
                field="regions",
            )
    allowed = FIELD_ROLES.get(role)
    if allowed:
        for region in granted:
            if region.level not in allowed:
                raise DomainError(
                    _("Role %(role)s can only be given a %(levels)s; %(region)s is a %(level)s.")
                    % {
                        "role": Role(role).label,
                        "levels": " / ".join(str(Level(level).label) for level in allowed),
                        "region": region.name,
                        "level": region.get_level_display(),
                    },
                    field="regions",
                )
    if role != Role.MITRA and not granted:
        raise DomainError(_("Choose at least one region for this role."), field="regions")


def _current_scope_codes(user: User) -> list[str]:
    return sorted(user.scopes.values_list("region_id", flat=True))


def _set_scopes(*, actor, user: User, regions: list[Region]) -> None:
    """Make the user's scopes inside the actor's area exactly `regions`; leave the rest alone."""
    wanted = {r.code for r in regions}
    have = set(user.scopes.values_list("region_id", flat=True))
    removable = [code for code in have - wanted if in_scope(actor, code)]
    if removable:
        user.scopes.filter(region_id__in=removable).delete()
    RegionScope.objects.bulk_create(
        [RegionScope(user=user, region_id=code) for code in sorted(wanted - have)]
    )
    user.__dict__.pop("_scope_codes", None)


def _validate_new_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed({"password": list(exc.messages)}) from exc


def _require_free_username(username: str) -> None:
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed({"username": [_("This username is already taken.")]})


def _save_new_user(
    *, actor, candidate: User, password: str, regions: list[Region], source: str = ""
) -> User:
    _validate_new_password(password, candidate)
    try:
        with transaction.atomic():
            candidate.set_password(password)
            candidate.save()
            _set_scopes(actor=actor, user=candidate, regions=regions)
            codes = sorted(r.code for r in regions)
            audit_record(
                actor=actor,
                action="accounts.user.created",
                obj=candidate,
                region_code=common_region(codes),
                before=None,
                after={**snapshot(candidate, AUDITED), "regions": codes},
                source=source,
            )
    except IntegrityError as exc:  # the same username created a moment ago by someone else
        raise ValidationFailed({"username": [_("This username is already taken.")]}) from exc
    return candidate


def user_create(
    *, actor, username: str, password: str, role: str, regions: list[Region], **fields
) -> User:
    """A new account with its role and region scopes."""
    require(actor, Cap.USERS_MANAGE)
    _check_role(role)
    _check_scopes(actor=actor, role=role, granted=regions)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    _require_free_username(username)
    candidate = User(username=username, role=role, **fields)
    return _save_new_user(actor=actor, candidate=candidate, password=password, regions=regions)


def user_create_admin(*, username: str, password: str, region_code: str, source: str) -> User:
    """An administrator made on the server's command line (`padu createadmin`): the first one,
    or a new one when no administrator can sign in. No actor: whoever runs it holds the server,
    and the audit trail names the command as `source`."""
    username = username.strip()
    try:
        User._meta.get_field("username").clean(username, None)
    except ValidationError as exc:
        raise ValidationFailed({"username": list(exc.messages)}) from exc
    region = Region.objects.filter(code=region_code.strip()).first()
    if region is None:
        raise ValidationFailed(
            {
                "region": [
                    _(
                        "Region %(code)s is not in the region tree. Load it first with "
                        "`padu regions load`, or give the code of the office's kabupaten/kota."
                    )
                    % {"code": region_code}
                ]
            }
        )
    if region.level not in (Level.PROVINSI, Level.KABUPATEN, Level.KOTA):
        raise ValidationFailed(
            {
                "region": [
                    _(
                        "An administrator's area is a province or a kabupaten/kota; "
                        "%(region)s is a %(level)s."
                    )
                    % {"region": region.name, "level": region.get_level_display()}
                ]
            }
        )
    _require_free_username(username)
    candidate = User(username=username, role=Role.ADMIN, organisation=settings.PADU_OFFICE_NAME)
    return _save_new_user(
        actor=None, candidate=candidate, password=password, regions=[region], source=source
    )


def user_update(
    *, actor, user: User, role: str, regions: list[Region], reason: str = "", **fields
) -> User:
    """Change a user's profile, role and regions; only for a user working inside the actor's
    area (see selectors.user_can_change)."""
    require(actor, Cap.USERS_MANAGE)
    _check_role(role)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        _require_manageable(actor, locked)
        if locked.pk == actor.pk and role != locked.role:
            raise DomainError(_("You cannot change your own role."), field="role")
        _check_scopes(actor=actor, role=role, granted=regions)
        before = {**snapshot(locked, AUDITED), "regions": _current_scope_codes(locked)}
        locked.role = role
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=["role", *fields])
        _set_scopes(actor=actor, user=locked, regions=regions)
        after = {**snapshot(locked, AUDITED), "regions": _current_scope_codes(locked)}
        if before != after:
            audit_record(
                actor=actor,
                action="accounts.user.updated",
                obj=locked,
                region_code=common_region(before["regions"] + after["regions"]),
                before=before,
                after=after,
                reason=reason,
            )
    return locked


def user_set_active(*, actor, user: User, active: bool, reason: str = "") -> User:
    """Deactivate (with a reason) or reactivate an account. A deactivated user cannot log in and
    his open sessions end at his next request."""
    require(actor, Cap.USERS_MANAGE)
    if user.pk == actor.pk and not active:
        raise DomainError(_("You cannot deactivate your own account."))
    reason = (reason or "").strip()
    if not active and not reason:
        raise DomainError(_("Say why the account is being deactivated."), field="reason")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        _require_manageable(actor, locked)
        if locked.is_active == active:
            return locked
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="accounts.user.activated" if active else "accounts.user.deactivated",
            obj=locked,
            region_code=common_region(_current_scope_codes(locked)),
            before={"is_active": not active},
            after={"is_active": active},
            reason=reason,
        )
    return locked


def user_set_password(*, actor, user: User, password: str) -> None:
    """An admin sets a new password for someone (e.g. who forgot his own). The user's open
    sessions end, because Django ties a session to the password hash."""
    require(actor, Cap.USERS_MANAGE)
    _validate_new_password(password, user)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        _require_manageable(actor, locked)
        locked.set_password(password)
        locked.save(update_fields=["password"])
        audit_record(
            actor=actor,
            action="accounts.user.password_reset",
            obj=locked,
            region_code=common_region(_current_scope_codes(locked)),
        )


def user_change_own_password(*, user: User, password: str) -> None:
    """The signed-in user changes his own password (the form has checked the old one)."""
    _validate_new_password(password, user)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.set_password(password)
        locked.save(update_fields=["password"])
        user.password = locked.password
        audit_record(
            actor=user,
            action="accounts.user.password_changed",
            obj=locked,
            region_code=common_region(_current_scope_codes(locked)),
        )


def user_set_language(*, user: User, language: str) -> None:
    """Remember the interface language on the account (a preference, not audited)."""
    if user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def user_export(*, actor, filters: dict, file_format: str) -> QuerySet[User]:
    """The users an export will contain; the export itself is recorded (staff contact data)."""
    require(actor, Cap.USERS_MANAGE)
    users = selectors.user_list(user=actor, filters=filters)
    export_recorded(
        actor=actor,
        action="accounts.user.exported",
        object_type="accounts.user",
        object_repr=_("User list"),
        region_code=common_region(scope_codes(actor)),
        filters={k: v for k, v in filters.items() if v},
        file_format=file_format,
        rows=users.count(),
    )
    return users
