"""Build hook (the rest of the packaging is in pyproject.toml): the wheel carries the compiled
translation catalogs (.mo, not committed), so a server installed with `pip install` shows
Indonesian without GNU gettext or a step after the install."""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithCatalogs(build_py):
    def run(self):
        super().run()
        sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))
        from padu.core.catalogs import compile_catalogs

        compile_catalogs(Path(self.build_lib) / "padu" / "locale", force=True)


setup(cmdclass={"build_py": BuildPyWithCatalogs})
