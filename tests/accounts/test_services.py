"""Account services: what an admin may grant, and that every write leaves an audit entry."""

import pytest
from django.utils import translation

from padu.accounts import services
from padu.accounts.capabilities import Role
from padu.accounts.models import RegionScope, User
from padu.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from padu.core.models import AuditEntry
from padu.regions.models import Region
from tests.factories import KEC_A, KEC_B, KEL_A, KEL_A2, KEL_B, KOTA, make_user

STRONG = "Tanjung-Priok-2025"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def admin(db):
    return make_user(Role.ADMIN, username="admin_kota")


def regions(*codes):
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def last_entry(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).latest("id")


def create(admin, **overrides):
    values = {
        "actor": admin,
        "username": "psm_baru",
        "password": STRONG,
        "role": Role.PSM,
        "regions": regions(KEL_A),
        "first_name": "Rina",
        "last_name": "Putri",
        "email": "",
        "phone": "0812 3456 789",
        "organisation": "",
    }
    return services.user_create(**{**values, **overrides})


class TestCreate:
    def test_creates_user_with_scopes_and_audit(self, admin):
        user = create(admin, regions=regions(KEL_A, KEL_A2))
        assert user.check_password(STRONG)
        assert sorted(user.scopes.values_list("region_id", flat=True)) == [KEL_A, KEL_A2]
        entry = last_entry("accounts.user.created")
        assert entry.actor == admin
        assert entry.object_type == "accounts.user"
        assert entry.object_id == str(user.pk)
        assert entry.before is None
        assert entry.after["username"] == "psm_baru"
        assert entry.after["role"] == "psm"
        assert entry.after["regions"] == [KEL_A, KEL_A2]
        assert entry.region_code == KEC_A  # the smallest region holding both kelurahan

    def test_scope_outside_admins_area_is_refused(self, db):
        kec_admin = make_user(Role.ADMIN, scope=KEC_A)
        before = User.objects.count(), AuditEntry.objects.count()
        with pytest.raises(DomainError) as excinfo:
            create(kec_admin, regions=regions(KEL_B))
        assert "outside your own area" in str(excinfo.value)
        assert excinfo.value.field == "regions"
        assert (User.objects.count(), AuditEntry.objects.count()) == before

    def test_admin_without_scope_cannot_grant_any_region(self, db):
        nowhere = make_user(Role.ADMIN, scope=[])
        with pytest.raises(DomainError):
            create(nowhere, regions=regions(KEL_A))

    @pytest.mark.parametrize(
        ("role", "code"),
        [
            (Role.TKSK, KEL_A),  # TKSK: a kecamatan
            (Role.TKSK, KOTA),
            (Role.PSM, KEC_A),  # PSM: kelurahan/desa
            (Role.KELURAHAN, KOTA),
        ],
    )
    def test_field_roles_need_their_level(self, admin, role, code):
        with pytest.raises(DomainError) as excinfo:
            create(admin, role=role, regions=regions(code))
        assert "can only be given" in str(excinfo.value)
        assert not User.objects.filter(username="psm_baru").exists()

    @pytest.mark.parametrize(
        ("role", "code"), [(Role.TKSK, KEC_A), (Role.KELURAHAN, KEL_A), (Role.OPERATOR, KEC_B)]
    )
    def test_field_roles_at_their_level_are_accepted(self, admin, role, code):
        user = create(admin, role=role, regions=regions(code))
        assert user.scope_codes() == [code]

    def test_role_other_than_mitra_needs_a_region(self, admin):
        with pytest.raises(DomainError) as excinfo:
            create(admin, role=Role.OPERATOR, regions=[])
        assert "at least one region" in str(excinfo.value)

    def test_mitra_needs_no_region(self, admin):
        user = create(admin, role=Role.MITRA, regions=[], organisation="Disdukcapil Kota Padang")
        assert user.scope_codes() == []
        assert last_entry("accounts.user.created").region_code == ""

    def test_duplicate_username_is_refused_case_insensitively(self, admin):
        create(admin)
        count = User.objects.count()
        with pytest.raises(ValidationFailed) as excinfo:
            create(admin, username="PSM_Baru")
        assert excinfo.value.errors == {"username": ["This username is already taken."]}
        assert User.objects.count() == count

    @pytest.mark.parametrize("password", ["pendek", "1234567890123", "password123", "psm_baru_1"])
    def test_weak_password_is_refused(self, admin, password):
        with pytest.raises(ValidationFailed) as excinfo:
            create(admin, password=password)
        assert list(excinfo.value.errors) == ["password"]
        assert not User.objects.filter(username="psm_baru").exists()
        assert not AuditEntry.objects.filter(action="accounts.user.created").exists()

    def test_unknown_role_is_refused(self, admin):
        with pytest.raises(ValidationFailed):
            create(admin, role="superuser")

    @pytest.mark.parametrize(
        "role", [Role.OPERATOR, Role.PIMPINAN, Role.TKSK, Role.PSM, Role.KELURAHAN, Role.MITRA]
    )
    def test_only_user_managers_may_create(self, db, role):
        with pytest.raises(PermissionDeniedError):
            create(make_user(role))


class TestUpdate:
    def test_changes_role_and_scopes_with_before_and_after(self, admin):
        target = make_user(Role.PSM, scope=KEL_A, username="rina")
        services.user_update(
            actor=admin,
            user=target,
            role=Role.TKSK,
            regions=regions(KEC_A),
            reason="Dipromosikan",
            first_name="Rina",
            last_name="",
            email="",
            phone="",
            organisation="",
        )
        target.refresh_from_db()
        assert target.role == Role.TKSK
        assert list(target.scopes.values_list("region_id", flat=True)) == [KEC_A]
        entry = last_entry("accounts.user.updated")
        assert entry.reason == "Dipromosikan"
        assert entry.before["role"] == "psm"
        assert entry.after["role"] == "tksk"
        assert entry.before["regions"] == [KEL_A]
        assert entry.after["regions"] == [KEC_A]
        # Only what changed is kept.
        assert "username" not in entry.after

    def test_no_change_writes_no_audit_entry(self, admin):
        target = make_user(Role.PSM, scope=KEL_A, first_name="Rina", last_name="")
        count = AuditEntry.objects.count()
        services.user_update(
            actor=admin,
            user=target,
            role=Role.PSM,
            regions=regions(KEL_A),
            first_name="Rina",
            last_name="",
            email="",
            phone="",
            organisation="",
        )
        assert AuditEntry.objects.count() == count

    def test_user_also_working_elsewhere_is_changed_only_by_an_admin_covering_all(self, db):
        """A PSM working in kecamatan A and B: the admin of A sees him but may not change him
        (nor reset his password and act in B in his name); the city admin may."""
        kec_admin = make_user(Role.ADMIN, scope=KEC_A)
        target = make_user(Role.PSM, scope=[KEL_A, KEL_B])
        count = AuditEntry.objects.count()
        with pytest.raises(PermissionDeniedError) as excinfo:
            services.user_update(
                actor=kec_admin, user=target, role=Role.PSM, regions=regions(KEL_A2)
            )
        assert "also works outside your area" in str(excinfo.value)
        with pytest.raises(PermissionDeniedError):
            services.user_set_password(actor=kec_admin, user=target, password=STRONG)
        with pytest.raises(PermissionDeniedError):
            services.user_set_active(actor=kec_admin, user=target, active=False, reason="x")
        target.refresh_from_db()
        assert sorted(target.scope_codes()) == [KEL_A, KEL_B]
        assert target.check_password("rahasia-padu-123") and target.is_active
        assert AuditEntry.objects.count() == count

        city_admin = make_user(Role.ADMIN, scope=KOTA)
        services.user_update(actor=city_admin, user=target, role=Role.PSM, regions=regions(KEL_A2))
        assert list(target.scopes.values_list("region_id", flat=True)) == [KEL_A2]

    def test_superusers_and_staff_are_out_of_reach(self, admin):
        root = make_user(Role.ADMIN, scope=[], is_superuser=True, is_staff=True)
        with pytest.raises(PermissionDeniedError):
            services.user_set_password(actor=admin, user=root, password=STRONG)
        from padu.accounts.selectors import user_list

        assert not user_list(user=admin).filter(pk=root.pk).exists()

    def test_user_entirely_outside_the_area_is_refused(self, db):
        kec_admin = make_user(Role.ADMIN, scope=KEC_A)
        target = make_user(Role.PSM, scope=KEL_B)
        with pytest.raises(PermissionDeniedError):
            services.user_update(
                actor=kec_admin, user=target, role=Role.PSM, regions=regions(KEL_A)
            )
        assert list(target.scopes.values_list("region_id", flat=True)) == [KEL_B]

    def test_cannot_change_own_role(self, admin):
        with pytest.raises(DomainError) as excinfo:
            services.user_update(actor=admin, user=admin, role=Role.OPERATOR, regions=regions(KOTA))
        assert excinfo.value.field == "role"
        admin.refresh_from_db()
        assert admin.role == Role.ADMIN


class TestActivation:
    def test_deactivate_needs_reason_and_is_audited(self, admin):
        target = make_user(Role.PSM)
        with pytest.raises(DomainError) as excinfo:
            services.user_set_active(actor=admin, user=target, active=False, reason="  ")
        assert excinfo.value.field == "reason"
        target.refresh_from_db()
        assert target.is_active

        services.user_set_active(actor=admin, user=target, active=False, reason="Pindah tugas")
        target.refresh_from_db()
        assert not target.is_active
        entry = last_entry("accounts.user.deactivated")
        assert (entry.before, entry.after, entry.reason) == (
            {"is_active": True},
            {"is_active": False},
            "Pindah tugas",
        )
        assert entry.region_code == KEL_A

    def test_reactivate_is_audited_and_repeating_is_harmless(self, admin):
        target = make_user(Role.PSM, is_active=False)
        services.user_set_active(actor=admin, user=target, active=True)
        count = AuditEntry.objects.count()
        services.user_set_active(actor=admin, user=target, active=True)
        target.refresh_from_db()
        assert target.is_active
        assert AuditEntry.objects.count() == count
        assert last_entry("accounts.user.activated").after == {"is_active": True}

    def test_cannot_deactivate_self(self, admin):
        with pytest.raises(DomainError) as excinfo:
            services.user_set_active(actor=admin, user=admin, active=False, reason="test")
        assert "your own account" in str(excinfo.value)
        admin.refresh_from_db()
        assert admin.is_active

    def test_deactivated_user_loses_capabilities_and_scope(self, admin):
        from padu.core.scoping import has_capability, scope_codes

        target = make_user(Role.OPERATOR)
        services.user_set_active(actor=admin, user=target, active=False, reason="Berhenti")
        target = User.objects.get(pk=target.pk)
        assert not has_capability(target, "registry.view")
        assert scope_codes(target) == []


class TestPasswords:
    def test_admin_reset_sets_password_and_audits_without_the_password(self, admin):
        target = make_user(Role.PSM)
        services.user_set_password(actor=admin, user=target, password=STRONG)
        target.refresh_from_db()
        assert target.check_password(STRONG)
        entry = last_entry("accounts.user.password_reset")
        assert entry.object_id == str(target.pk)
        assert entry.before is None and entry.after is None

    def test_admin_reset_refuses_weak_password(self, admin):
        target = make_user(Role.PSM)
        with pytest.raises(ValidationFailed):
            services.user_set_password(actor=admin, user=target, password="123")
        target.refresh_from_db()
        assert target.check_password("rahasia-padu-123")

    def test_own_change_is_audited(self, db):
        user = make_user(Role.PSM)
        services.user_change_own_password(user=user, password=STRONG)
        user.refresh_from_db()
        assert user.check_password(STRONG)
        assert last_entry("accounts.user.password_changed").actor == user


def test_scope_rows_follow_the_user(admin):
    user = create(admin)
    assert RegionScope.objects.filter(user=user).count() == 1
