import pytest

from padu.accounts.capabilities import Role
from tests.factories import KOTA, make_user


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def operator(db):
    return make_user(Role.OPERATOR, scope=KOTA)
