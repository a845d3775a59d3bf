"""Closing and reopening periods: "as of" a closed period answers the frozen state exactly after
later edits, deaths, status changes and imports; the counts of a period; the rules of closing
and reopening, each refusal a clear message that writes nothing."""

import csv

import pytest
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Role
from padu.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from padu.core.models import AuditEntry
from padu.periods import months
from padu.periods.models import FamilyState, Period, PersonState, Tally
from padu.periods.selectors import families_as_of, people_as_of, period_summary
from padu.periods.services import period_close, period_reopen
from padu.registry import codes
from padu.registry.importer.layout import NAMES
from padu.registry.importer.services import import_local_file
from padu.registry.models import Family, Person
from padu.registry.services import family_mark_well_off, person_record_death
from tests.factories import KEL_A, KEL_B, KOTA, FamilyFactory, PersonFactory, make_user

pytestmark = pytest.mark.django_db


def back(n: int) -> int:
    """The month `n` months before the current one."""
    month = months.current()
    for _i in range(n):
        month = months.preceding(month)
    return month


@pytest.fixture
def operator():
    return make_user(Role.OPERATOR, scope=KOTA)


@pytest.fixture
def admin():
    return make_user(Role.ADMIN, scope=KOTA)


def close(operator, month, django_capture_on_commit_callbacks) -> Period:
    """Close through the service and its background job, as the page does."""
    with django_capture_on_commit_callbacks(execute=True):
        period_close(actor=operator, month=month)
    return Period.objects.get(pk=month)


def frozen_families(user, period) -> dict:
    return {
        s.family_id: (s.region_id, s.status, s.desil)
        for s in families_as_of(user=user, period=Period.objects.get(pk=period))
    }


def frozen_people(user, period) -> dict:
    return {
        s.person_id: (s.family_id, s.region_id, s.relationship, s.life_status)
        for s in people_as_of(user=user, period=Period.objects.get(pk=period))
    }


def live_families() -> dict:
    return {
        f.pk: (f.region_id, f.status, f.desil) for f in Family.objects.unscoped().order_by("pk")
    }


def live_people() -> dict:
    return {
        p.pk: (p.family_id, p.region_id, p.relationship, p.life_status)
        for p in Person.objects.unscoped().order_by("pk")
    }


def _write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(NAMES))
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in NAMES})
    return path


def _row(kk, nik, name, **more):
    return {
        "no_kk": kk,
        "nik": nik,
        "nama": name,
        "jenis_kelamin": "P",
        "tanggal_lahir": "1980-05-17",
        "hubungan_keluarga": "1",
        "kode_wilayah": KEL_A,
        "desil": "3",
        **more,
    }


def test_as_of_answers_the_frozen_state_after_edits_deaths_and_imports(
    operator, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    first = _write(
        tmp_path / "first.csv",
        [
            _row("1371011501200001", "1371015705800001", "Siti Rahmah"),
            _row("1371011501200002", "1371015705800002", "Rina Marlina", desil="5"),
        ],
    )
    import_local_file(actor=operator, path=first)
    widow = FamilyFactory(region_id=KEL_B, desil=1)
    husband = PersonFactory(family=widow)
    wife = PersonFactory(family=widow, relationship=codes.Relationship.SPOUSE, sex="P")
    graduate = FamilyFactory(region_id=KEL_A, desil=6)
    PersonFactory(family=graduate)

    p1 = close(operator, back(2), django_capture_on_commit_callbacks)
    assert p1.status == Period.Status.CLOSED
    families_then, people_then = live_families(), live_people()
    assert frozen_families(operator, back(2)) == families_then
    assert frozen_people(operator, back(2)) == people_then
    assert (p1.stored_families, p1.stored_people) == (len(families_then), len(people_then))

    # Later changes: a death (the wife becomes head), a graduation, an import that changes a
    # desil, moves a NIK to another KK and registers a new family.
    person_record_death(actor=operator, person=husband, reason="Surat kematian", new_head=wife)
    family_mark_well_off(actor=operator, family=graduate, reason="Muskel: mampu")
    second = _write(
        tmp_path / "second.csv",
        [
            _row("1371011501200001", "1371015705800001", "Siti Rahmah", desil="1"),
            _row("1371011501200001", "1371015705800002", "Rina Marlina", hubungan_keluarga="3"),
            _row("1371011501200003", "1371015705800003", "Dewi Sartika"),
        ],
    )
    import_local_file(actor=operator, path=second)
    assert live_families() != families_then and live_people() != people_then

    # The first period still answers as it was frozen.
    assert frozen_families(operator, back(2)) == families_then
    assert frozen_people(operator, back(2)) == people_then

    p2 = close(operator, back(1), django_capture_on_commit_callbacks)
    assert frozen_families(operator, back(1)) == live_families()
    assert frozen_people(operator, back(1)) == live_people()
    assert frozen_families(operator, back(2)) == families_then
    # Only what changed was stored again: two families' facts changed, one is new; the dead
    # husband, the wife (now head), the moved member, and the new person.
    assert (p2.stored_families, p2.stored_people) == (3, 4)

    summary = period_summary(user=operator, period=p2)
    assert summary["family"]["added"] == 1
    assert summary["family"]["removed_by"] == {codes.FamilyStatus.WELL_OFF: 1}
    assert summary["family"]["changed"] == 1  # the desil of the first KK
    assert summary["person"]["added"] == 1
    assert summary["person"]["removed_by"] == {codes.LifeStatus.DECEASED: 1}
    assert summary["person"]["changed"] == 2  # the new head, the member who moved KK
    active_families = Family.objects.unscoped().filter(status=codes.FamilyStatus.ACTIVE)
    active_people = Person.objects.unscoped().filter(life_status=codes.LifeStatus.ACTIVE)
    assert summary["family"]["registered"] == active_families.count()
    assert summary["person"]["registered"] == active_people.count()
    first_summary = period_summary(user=operator, period=p1)
    assert first_summary["family"]["added"] == len(families_then)
    audit = AuditEntry.objects.filter(action="periods.period.closed").order_by("id")
    assert [e.object_id for e in audit] == [str(back(2)), str(back(1))]
    assert audit[0].actor == operator


def test_a_user_sees_only_his_area_in_the_as_of_lists_and_counts(
    operator, django_capture_on_commit_callbacks
):
    mine = PersonFactory(family=FamilyFactory(region_id=KEL_A))
    theirs = PersonFactory(family=FamilyFactory(region_id=KEL_B))
    p1 = close(operator, back(1), django_capture_on_commit_callbacks)
    psm = make_user(Role.PSM, scope=KEL_A)
    assert set(frozen_families(psm, back(1))) == {mine.family_id}
    assert set(frozen_people(psm, back(1))) == {mine.pk}
    summary = period_summary(user=psm, period=p1)
    assert summary["family"]["registered"] == summary["person"]["registered"] == 1
    assert theirs.pk in frozen_people(operator, back(1))


def test_reopening_needs_an_admin_and_a_reason_and_restores_the_state_before(
    operator, admin, django_capture_on_commit_callbacks
):
    family = FamilyFactory(desil=4)
    PersonFactory(family=family)
    close(operator, back(2), django_capture_on_commit_callbacks)
    Family.objects.unscoped().filter(pk=family.pk).update(desil=7)
    close(operator, back(1), django_capture_on_commit_callbacks)
    states_before = FamilyState.objects.unscoped().count()
    audit_before = AuditEntry.objects.count()

    with pytest.raises(PermissionDeniedError):
        period_reopen(actor=operator, month=back(1), reason="Salah data")
    with pytest.raises(ValidationFailed) as no_reason:
        period_reopen(actor=admin, month=back(1), reason="  ")
    assert no_reason.value.errors["reason"] == [_("Reason: say why the period is reopened.")]
    with pytest.raises(DomainError) as earlier:
        period_reopen(actor=admin, month=back(2), reason="Salah data")
    assert str(earlier.value) == _(
        "Only the last closed period (%(last)s) can be reopened: reopen the later periods first."
    ) % {"last": months.text(back(1))}
    assert FamilyState.objects.unscoped().count() == states_before
    assert AuditEntry.objects.count() == audit_before

    period = period_reopen(actor=admin, month=back(1), reason="Hasil muskel terlambat")
    assert period.status == Period.Status.REOPENED
    assert not Tally.objects.unscoped().filter(period_id=back(1)).exists()
    # The state is again what the first close left: one open version, desil 4.
    open_versions = FamilyState.objects.unscoped().filter(valid_until__isnull=True)
    assert list(open_versions.values_list("family_id", "desil")) == [(family.pk, 4)]
    entry = AuditEntry.objects.get(action="periods.period.reopened")
    assert (entry.actor, entry.reason) == (admin, "Hasil muskel terlambat")
    with pytest.raises(DomainError):
        families_as_of(user=operator, period=period)

    # Closed again, it freezes the registry as it is now.
    Family.objects.unscoped().filter(pk=family.pk).update(desil=8)
    close(operator, back(1), django_capture_on_commit_callbacks)
    assert frozen_families(operator, back(1))[family.pk][2] == 8
    assert frozen_families(operator, back(2))[family.pk][2] == 4


def _refusal(operator, month):
    before = (
        list(Period.objects.order_by("month").values_list("month", "status", "version")),
        FamilyState.objects.unscoped().count(),
        PersonState.objects.unscoped().count(),
        AuditEntry.objects.count(),
    )
    with pytest.raises(DomainError) as refused:
        period_close(actor=operator, month=month)
    after = (
        list(Period.objects.order_by("month").values_list("month", "status", "version")),
        FamilyState.objects.unscoped().count(),
        PersonState.objects.unscoped().count(),
        AuditEntry.objects.count(),
    )
    assert after == before
    return refused.value


def test_bad_closes_are_refused_with_a_clear_message_and_write_nothing(
    operator, django_capture_on_commit_callbacks
):
    PersonFactory()
    future = months.following(months.current())
    assert str(_refusal(operator, future)) == _(
        "Period %(period)s has not begun yet: a month can be closed from its first day."
    ) % {"period": months.text(future)}
    invalid = _refusal(operator, "2026/11")
    assert invalid.errors["month"] == [_("Period: enter a month as YYYY-MM, for example 2026-11.")]
    assert isinstance(_refusal(operator, "2026-13"), ValidationFailed)

    close(operator, back(3), django_capture_on_commit_callbacks)
    assert str(_refusal(operator, back(3))) == _("Period %(period)s is already closed.") % {
        "period": months.text(back(3))
    }
    assert str(_refusal(operator, back(4))) == _(
        "Period %(period)s comes before the last closed period %(last)s: periods are closed in "
        "order."
    ) % {"period": months.text(back(4)), "last": months.text(back(3))}
    assert str(_refusal(operator, back(1))) == _(
        "Close period %(next)s first: periods are closed one month after another."
    ) % {"next": months.text(back(2))}
    psm = make_user(Role.PSM, scope=KEL_A)
    assert isinstance(_refusal(psm, back(2)), PermissionDeniedError)


def test_a_second_close_waits_for_the_first(operator):
    period_close(actor=operator, month=back(2))  # its job not run yet: it is closing
    assert Period.objects.get(pk=back(2)).status == Period.Status.CLOSING
    refused = _refusal(operator, back(1))
    assert str(refused) == _("Period %(period)s is being closed; wait until it has finished.") % {
        "period": months.text(back(2))
    }


def test_a_close_that_fails_writes_nothing_and_can_be_run_again(
    operator, monkeypatch, django_capture_on_commit_callbacks
):
    PersonFactory()
    from padu.periods import freeze

    def broken(kind, month):
        raise RuntimeError("disk full")

    monkeypatch.setattr(freeze, "tally", broken)
    # The job fails (the task backend records it failed); the period says why.
    with django_capture_on_commit_callbacks(execute=True):
        period_close(actor=operator, month=back(1))
    period = Period.objects.get(pk=back(1))
    assert period.status == Period.Status.FAILED
    assert "disk full" in period.message
    assert not FamilyState.objects.unscoped().exists()
    assert not PersonState.objects.unscoped().exists()
    monkeypatch.undo()
    assert close(operator, back(1), django_capture_on_commit_callbacks).status == "closed"
    assert FamilyState.objects.unscoped().count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_close_in_its_own_transaction_reports_its_steps_and_reads_one_snapshot(regions):
    """PostgreSQL, outside a test's transaction, as the job and the command run: REPEATABLE
    READ, the progress written meanwhile from another connection, and the period updated at the
    end without a serialisation failure."""
    from padu.periods.models import CloseProgress
    from padu.periods.runner import STEPS

    family = FamilyFactory(region_id=KEL_A, desil=3)
    PersonFactory(family=family)
    first = period_close(actor=None, month=back(2), run_now=True)
    assert first.status == Period.Status.CLOSED
    assert CloseProgress.objects.get(period=first).step == STEPS
    Family.objects.unscoped().filter(pk=family.pk).update(desil=9)
    second = period_close(actor=None, month=back(1), run_now=True)
    assert second.status == Period.Status.CLOSED
    assert (second.stored_families, second.stored_people) == (1, 0)
    assert frozen_families(make_user(Role.OPERATOR, scope=KOTA), back(2))[family.pk][2] == 3
