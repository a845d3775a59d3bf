"""An import whose process died: its stale heartbeat makes it interrupted, shown as such, and its
stored file can be run again (issue 10, point 7)."""

import datetime
import hashlib
import io
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from padu.accounts.capabilities import Role
from padu.core.errors import DomainError
from padu.core.models import AuditEntry
from padu.registry.importer.heartbeat import Heartbeat, imports_interrupt_stale
from padu.registry.importer.services import import_rerun
from padu.registry.models import ImportBatch, Person
from tests.factories import KEC_B, KOTA, make_user
from tests.registry.test_import_engine import _row, _write_csv

pytestmark = pytest.mark.django_db

LIST = reverse("registry:import_list")


@pytest.fixture
def stored(media):
    """A valid one-row file kept where an upload is kept."""
    media.mkdir(parents=True, exist_ok=True)
    path = _write_csv(media / "dtsen.csv", [_row()])
    return path


def _batch(path, *, beat_minutes_ago: float | None, user=None, **fields) -> ImportBatch:
    now = timezone.now()
    return ImportBatch.objects.create(
        created_by=user,
        file_name="dtsen.csv",
        file_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        file_size=path.stat().st_size,
        stored_path=str(path),
        status=ImportBatch.Status.RUNNING,
        phase=ImportBatch.Phase.WRITING,
        total_rows=1,
        processed_rows=1,
        started_at=now - datetime.timedelta(minutes=60),
        heartbeat_at=None
        if beat_minutes_ago is None
        else now - datetime.timedelta(minutes=beat_minutes_ago),
        **{"region_id": KOTA, **fields},
    )


def test_a_stale_import_is_interrupted_a_fresh_one_is_not_and_it_can_run_again(
    client, stored, settings, django_capture_on_commit_callbacks
):
    settings.PADU_IMPORT_STALE_MINUTES = 10
    operator = make_user(Role.OPERATOR, scope=KOTA, language="id", username="op_kota")
    stale = _batch(stored, beat_minutes_ago=11, user=operator)
    fresh = _batch(stored, beat_minutes_ago=1, user=operator)
    silent = _batch(stored, beat_minutes_ago=None, user=operator)  # died before its first beat
    client.force_login(operator)

    page = client.get(LIST).content.decode()

    for batch in (stale, fresh, silent):
        batch.refresh_from_db()
    assert (stale.status, silent.status) == (ImportBatch.Status.INTERRUPTED,) * 2
    assert fresh.status == ImportBatch.Status.RUNNING and fresh.finished_at is None
    assert stale.finished_at is not None and stale.phase == ""
    # In Indonesian, with the action to run it again, for the interrupted ones only.
    assert page.count('badge-danger">Terhenti</span>') == 2
    assert page.count(">Jalankan lagi</button>") == 2
    rerun = reverse("registry:import_rerun", args=[stale.pk])
    assert f'action="{rerun}"' in page
    assert reverse("registry:import_rerun", args=[fresh.pk]) not in page
    detail = client.get(reverse("registry:import_detail", args=[stale.pk])).content.decode()
    assert "Jalankan lagi" in detail and "hx-trigger" not in detail
    assert "tidak ada data dari berkas ini yang disimpan" in detail.lower()
    entry = AuditEntry.objects.get(action="registry.import.interrupted", object_id=str(stale.pk))
    assert entry.actor is None and entry.after == {"status": "interrupted"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(rerun)
    again = ImportBatch.objects.exclude(pk__in=[stale.pk, fresh.pk, silent.pk]).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:import_detail", args=[again.pk])
    assert (again.status, again.people_created, again.stored_path) == (
        ImportBatch.Status.DONE,
        1,
        stale.stored_path,
    )
    assert Person.objects.unscoped().count() == 1
    assert AuditEntry.objects.filter(
        action="registry.import.rerun", after={"interrupted_import": stale.pk}
    ).exists()


def test_only_an_interrupted_import_with_its_file_unchanged_runs_again(stored, settings):
    operator = make_user(Role.OPERATOR, scope=KOTA)
    running = _batch(stored, beat_minutes_ago=1, user=operator)
    with pytest.raises(DomainError) as refused:
        import_rerun(actor=operator, batch=running)
    assert refused.value.code == "not_interrupted"
    interrupted = _batch(stored, beat_minutes_ago=60, user=operator)
    assert imports_interrupt_stale() == 1
    interrupted.refresh_from_db()
    stored.write_text(stored.read_text() + "\n")
    with pytest.raises(DomainError) as changed:
        import_rerun(actor=operator, batch=interrupted)
    stored.unlink()
    with pytest.raises(DomainError) as gone:
        import_rerun(actor=operator, batch=interrupted)
    assert (changed.value.code, gone.value.code) == ("file_changed", "file_gone")
    assert ImportBatch.objects.count() == 2


def test_another_areas_interrupted_import_is_not_found(client, stored):
    owner = make_user(Role.OPERATOR, scope=KOTA)
    batch = _batch(stored, beat_minutes_ago=60, user=owner)
    imports_interrupt_stale()
    client.force_login(make_user(Role.OPERATOR, scope=KEC_B, username="op_b"))
    assert client.post(reverse("registry:import_rerun", args=[batch.pk])).status_code == 404
    assert ImportBatch.objects.count() == 1


def test_the_import_command_marks_stale_imports_when_it_starts(tmp_path, stored):
    stale = _batch(stored, beat_minutes_ago=60)
    call_command(
        "import",
        "registry",
        str(_write_csv(tmp_path / "x.csv", [_row()])),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    stale.refresh_from_db()
    assert stale.status == ImportBatch.Status.INTERRUPTED


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_beats_from_its_own_connection(stored, settings):
    settings.PADU_IMPORT_HEARTBEAT_SECONDS = 0.05
    batch = _batch(stored, beat_minutes_ago=60, region_id=None)  # no region tree here
    with Heartbeat(batch.pk):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            batch.refresh_from_db()
            if batch.heartbeat_at > timezone.now() - datetime.timedelta(minutes=1):
                break
            time.sleep(0.05)
    assert batch.heartbeat_at > timezone.now() - datetime.timedelta(minutes=1)
    assert imports_interrupt_stale() == 0
