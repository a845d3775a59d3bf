import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone, translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from padu.regions.services import regions_load_file

from .factories import EVENING_UTC, make_user

# Hypothesis judges correctness here, not speed: on a busy two-core CI machine its timing checks
# (a slow example, slow input generation) fail tests that are right.
hypothesis_settings.register_profile(
    "padu", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("padu")


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


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the site's language: a request by a user who chose English leaves
    English active in the thread (the middleware activates a language per request and, as
    Django's own, does not undo it), and a later test reading messages would depend on the
    order the tests ran in."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def regions(transactional_db):
    """Transactional tests (a live server, another process) empty every table when they end:
    load the regions again."""
    for name in ("00_provinsi.csv", "1371_kota_padang.csv"):
        regions_load_file(actor=None, path=settings.DATA_DIR / "wilayah" / name)


@pytest.fixture
def clock(monkeypatch):
    """Stops Django's clock at EVENING_UTC: `timezone.now()`, and with it "today", auto_now fields
    and expiry dates. Returns the instant."""
    monkeypatch.setattr(timezone, "now", lambda: EVENING_UTC)
    return EVENING_UTC


@pytest.fixture
def user_factory(db):
    return make_user


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"
