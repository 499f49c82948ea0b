"""Settings of the kill tests' child processes: the test settings, with their task backend
(tests/robustness/tasks.py)."""

from portal.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "tests.robustness.tasks.ImmediateBackendWithoutDatalab"}}
