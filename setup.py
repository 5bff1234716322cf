"""The build step pyproject.toml cannot say: the wheel carries the run-time data files.

They stay in the repository's top-level resources/ (forms, icons, samples); a wheel can only carry
files inside its packages, so the build copies them into the package as segdesk/_resources/,
where segdesk/base/resource_files.py looks first. Everything else is in pyproject.toml.
"""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RESOURCES = Path(__file__).resolve().parent / "resources"
# What segdesk reads at run time: the form templates, the window icons and the sample filing the
# window opens when given none (the other samples are test inputs). MANIFEST.in puts the same
# files in the sdist, so a wheel built from the sdist has them too.
RUNTIME = ("forms/*.toml", "icons/*", "samples/daily_seg_sample.pdf")


class BuildPyWithResources(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads resources/ in place
        for pattern in RUNTIME:
            found = sorted(p for p in RESOURCES.glob(pattern) if p.is_file())
            if not found:  # a wheel without them installs but cannot read a filing
                raise SystemExit(f"setup.py: nothing matches resources/{pattern}")
            for src in found:
                dest = Path(self.build_lib, "segdesk", "_resources", src.relative_to(RESOURCES))
                self.mkpath(str(dest.parent))
                self.copy_file(str(src), str(dest))


setup(cmdclass={"build_py": BuildPyWithResources})
