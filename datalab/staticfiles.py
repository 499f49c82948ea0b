"""Serves Plotly's own bundled ``plotly.min.js`` as ``datalab/vendor/plotly.min.js``.

The file ships inside the ``plotly`` Python package, so the charting library is served
from our static files (collected by ``collectstatic`` like any other) without a copy in
the repository and without a request to a third-party CDN.
"""

import importlib.util
from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

PLOTLY_STATIC_PATH = "datalab/vendor/plotly.min.js"
_PREFIX, _, _FILENAME = PLOTLY_STATIC_PATH.rpartition("/")


def _package_data_dir() -> Path | None:
    # find_spec locates the package without importing it.
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "package_data"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        directory = _package_data_dir()
        self.storage = None
        if directory is not None and (directory / _FILENAME).is_file():
            self.storage = FileSystemStorage(location=directory)
            self.storage.prefix = _PREFIX

    def check(self, **kwargs):
        if self.storage is None:
            return [
                Error(
                    "plotly.min.js was not found: install the 'plotly' package.",
                    id="datalab.E001",
                )
            ]
        return []

    def find(self, path, find_all=False, **kwargs):
        if self.storage is None or path != PLOTLY_STATIC_PATH:
            return [] if find_all else None
        match = self.storage.path(_FILENAME)
        return [match] if find_all else match

    def list(self, ignore_patterns):
        if self.storage is not None:
            yield _FILENAME, self.storage
