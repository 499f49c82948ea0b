"""The data lab's Content-Security-Policy allows exactly the <style> elements the installed
Plotly bundle creates (tests/e2e/test_content_security_policy.py checks it in a browser)."""

import base64
import hashlib
import re
from pathlib import Path

from django.contrib.staticfiles import finders

from datalab.staticfiles import PLOTLY_STATIC_PATH, PLOTLY_STYLE_HASHES


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_allowed_style_hashes_match_the_installed_plotly():
    bundle = Path(finders.find(PLOTLY_STATIC_PATH)).read_text(encoding="utf-8")
    created = bundle.count('createElement("style")')
    # Plotly's global style element, created empty and filled through the CSSOM.
    styles = [""]
    # Style sheets created with their text, e.g. MapLibre's CSS for map traces.
    styles += re.findall(
        r"createElement\(\"style\"\);?[^;]{0,200}?\.textContent='([^'\\]*)'", bundle
    )
    assert created == len(styles), (
        f"plotly.min.js creates {created} <style> elements; this test knows {len(styles)}: "
        "see which in the browser test's CSP report and update PLOTLY_STYLE_HASHES"
    )
    expected = sorted(_hash(text) for text in styles)
    assert sorted(PLOTLY_STYLE_HASHES) == expected, (
        f"set datalab.staticfiles.PLOTLY_STYLE_HASHES to {expected}"
    )
