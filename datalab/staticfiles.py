"""Serves Plotly's own bundled ``plotly.min.js`` as ``datalab/vendor/plotly.min.js``.

The file ships inside the ``plotly`` Python package, so the charting library is served
from our static files (collected by ``collectstatic`` like any other) without a copy in
the repository and without a request to a third-party CDN.
"""

import importlib.util
from pathlib import Path

from csp.constants import UNSAFE_INLINE
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

PLOTLY_STATIC_PATH = "datalab/vendor/plotly.min.js"
_PREFIX, _, _FILENAME = PLOTLY_STATIC_PATH.rpartition("/")

# What Plotly needs from the Content-Security-Policy, added on the pages that draw charts
# (``csp_update(PLOTLY_CSP)`` in views.py); scripts stay strict ('self' only).
# - Two inline <style> elements, allowed by hash so that style elements need no
#   'unsafe-inline': Plotly adds an empty <style id="plotly.js-style-global"> and fills it
#   through the CSSOM (insertRule, which a CSP does not restrict), and it adds MapLibre's
#   style sheet (for map traces, unused here) as one fixed text. Both hashes belong to the
#   installed bundle: tests/datalab/test_plotly_csp.py recomputes them and says what to write
#   here after an upgrade of plotly.
# - Style attributes ('unsafe-inline' in style-src-attr only): Plotly writes the markup of
#   chart text (<b> in the map's hover labels, <i>, <sup>, colours) as style="…" attributes.
#   An attribute can neither run script nor carry selectors, and images come from this
#   site only (img-src), so this allows no script and no reading of the page.
PLOTLY_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # the empty <style>
    "'sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o='",  # MapLibre's CSS (plotly.js 4.1)
]
PLOTLY_CSP = {"style-src": PLOTLY_STYLE_HASHES, "style-src-attr": [UNSAFE_INLINE]}


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
