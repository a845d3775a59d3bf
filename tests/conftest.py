import pytest
from django.conf import settings
from django.db import connection

from padu.regions.services import regions_load_file

from .factories import make_user


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the provinces and Kota Padang loaded."""
    with django_db_blocker.unblock():
        for name in ("00_provinsi.csv", "1371_kota_padang.csv"):
            regions_load_file(actor=None, path=settings.DATA_DIR / "wilayah" / name)


def pytest_configure(config):
    """Compile the translation catalogs when a .po is newer than its .mo (Babel, no GNU gettext)."""
    from padu.core.catalogs import compile_catalogs

    compile_catalogs()


def pytest_collection_modifyitems(config, items):
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip = pytest.mark.skip(reason="needs PostgreSQL")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)


@pytest.fixture
def user_factory(db):
    return make_user


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"
