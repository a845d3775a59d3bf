"""Files uploaded on the import's mapping page and never confirmed are removed once they are
PADU_IMPORT_UPLOAD_ABANDON_HOURS old, by the worker (a job queued after every upload) or by
`padu import prune-uploads`; a file an import was recorded with, and a fresh one, stay."""

import io
import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from padu.accounts.capabilities import Role
from padu.registry.importer import sources
from padu.registry.importer.mapping import build, suggest
from padu.registry.importer.uploads import uploads_prune
from padu.registry.tasks import import_uploads_prune
from tests.factories import KEL_A, KOTA, make_user

HEADER = ["NO", "NIK", "NAMA KEPALA KELUARGA", "JENIS KELAMIN", "TANGGAL LAHIR", "NO. KK"]
ROW = ["1", "1371011701730001", "BUDI SANTOSO", "LAKI-LAKI", "17/01/1973", "1371011501200001"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PADU_IMPORT_UPLOAD_ABANDON_HOURS = 24
    return settings.MEDIA_ROOT


@pytest.fixture
def operator(db):
    return make_user(Role.OPERATOR, scope=KOTA)


def _receive(operator) -> sources.Received:
    content = (",".join(HEADER) + "\n" + ",".join(ROW) + "\n").encode()
    return sources.import_receive(
        actor=operator, upload=io.BytesIO(content), file_name="bnba.csv", source="Kel. X"
    )


def _age(path: str, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_an_abandoned_upload_is_removed_once_old_and_a_confirmed_one_stays(operator):
    abandoned, fresh, confirmed = _receive(operator), _receive(operator), _receive(operator)
    mapping = build(HEADER, suggest(HEADER), fixed={"kode_wilayah": KEL_A}, heads_only=True)
    batch = sources.import_confirm(
        actor=operator, received=confirmed, mapping=mapping, source="Kel. X"
    )
    assert batch.stored_path == confirmed.path
    _age(abandoned.path, 25)
    _age(confirmed.path, 48)
    _age(fresh.path, 23)
    stray = Path(abandoned.path).with_name("notes.txt")  # not an upload's name: not Padu's
    stray.write_text("x")
    _age(str(stray), 100)

    assert uploads_prune() == 1

    assert not Path(abandoned.path).exists()
    assert Path(fresh.path).exists() and Path(confirmed.path).exists() and stray.exists()
    # Confirming the removed upload now says why it cannot go on.
    with pytest.raises(sources.ImportFileError) as refused:
        sources.import_preview(actor=operator, received=abandoned, mapping=mapping)
    assert refused.value.code == "file_gone"


def test_every_upload_queues_the_workers_cleanup(operator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        received = _receive(operator)
    assert len(queued) == 1
    _age(received.path, 30)
    import_uploads_prune.call()  # what the worker runs
    assert not Path(received.path).exists()


def test_the_command_removes_the_abandoned_uploads_and_says_how_many(operator, settings):
    received = _receive(operator)
    _age(received.path, 5)
    out = io.StringIO()
    call_command("import", "prune-uploads", stdout=out)
    assert Path(received.path).exists()  # younger than a day
    settings.PADU_IMPORT_UPLOAD_ABANDON_HOURS = 4
    call_command("import", "prune-uploads", stdout=out)
    assert not Path(received.path).exists()
    assert out.getvalue().split()[0] == "0" and "\n1 " in out.getvalue()
