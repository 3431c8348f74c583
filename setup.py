"""Build step: the top-level templates/, static/ and migrations/ ship inside the package.

The repository keeps them at the top level (`make run`, an editable install and the tests read them
there); a wheel carries copies under helpdesk/_resources/, where create_app() finds them when the
source tree is not around. The English catalogue is compiled (.po to .mo) into the wheel too.
Everything else is configured in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
RESOURCES = ("templates", "static", "migrations")


class BuildWithResources(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return  # an editable install reads the source tree
        target = Path(self.build_lib) / "helpdesk" / "_resources"
        for name in RESOURCES:
            if (target / name).exists():
                shutil.rmtree(target / name)
            shutil.copytree(HERE / name, target / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        self._compile_catalogues(Path(self.build_lib) / "helpdesk" / "translations")

    def _compile_catalogues(self, folder):
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in folder.glob("*/LC_MESSAGES/*.po"):
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=po.parent.parent.name)
            with po.with_suffix(".mo").open("wb") as fh:
                write_mo(fh, catalog, use_fuzzy=True)


setup(cmdclass={"build_py": BuildWithResources})
