"""The wheel carries compiled translation catalogs (.mo): they are build output, not in git, and
without them an installed Padu speaks English. Everything else is in pyproject.toml."""

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
