"""Padu speaks Indonesian however it is installed: a wheel carries compiled catalogs, and a
checkout or an editable install compiles missing or stale ones when Django starts."""

import gettext
import runpy
import shutil
from pathlib import Path

from django.apps import apps

from padu.core import catalogs

ROOT = Path(__file__).resolve().parents[2]


def _says_kata_sandi(mo: Path) -> bool:
    with mo.open("rb") as handle:
        return gettext.GNUTranslations(handle).gettext("Password") == "Kata sandi"


def test_the_build_puts_compiled_catalogs_into_the_package(tmp_path, monkeypatch):
    """setup.py's build_py, which `pip install .` runs to build the wheel, compiles the catalogs
    that setuptools' own build_py copied into the build folder (that copy is stood in for here:
    a real build needs a newer setuptools in an isolated environment, fetched from the net)."""
    import setuptools
    from setuptools.command.build_py import build_py
    from setuptools.dist import Distribution

    hooks = {}
    monkeypatch.setattr(setuptools, "setup", lambda **kwargs: hooks.update(kwargs["cmdclass"]))
    runpy.run_path(str(ROOT / "setup.py"))
    package = tmp_path / "padu"
    shutil.copytree(catalogs.LOCALE_DIR, package / "locale", ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(build_py, "run", lambda self: None)
    command = hooks["build_py"](Distribution())
    command.build_lib = str(tmp_path)
    command.run()
    assert _says_kata_sandi(package / "locale" / "id" / "LC_MESSAGES" / "django.mo")


def test_starting_django_compiles_a_missing_catalog(tmp_path, monkeypatch):
    locale = tmp_path / "locale"
    shutil.copytree(catalogs.LOCALE_DIR, locale, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(catalogs, "LOCALE_DIR", locale)
    apps.get_app_config("core").ready()
    assert _says_kata_sandi(locale / "id" / "LC_MESSAGES" / "django.mo")


def test_a_catalog_that_cannot_be_written_leaves_padu_running(tmp_path, monkeypatch, caplog):
    locale = tmp_path / "locale"
    shutil.copytree(catalogs.LOCALE_DIR, locale, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(catalogs, "LOCALE_DIR", locale)

    def read_only(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr(catalogs, "compile_catalogs", read_only)
    apps.get_app_config("core").ready()
    assert "could not be compiled" in caplog.text
