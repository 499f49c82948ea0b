"""portal/faults.py: a named fault point kills the process at its n-th call, and only then."""

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE = """
from portal.faults import fault_point
for step in range(1, 4):
    fault_point("other.point")
    fault_point("the.point")
    print(step, flush=True)
"""


def _run(fault: str | None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "ERFA_FAULT_POINT"}
    if fault is not None:
        env["ERFA_FAULT_POINT"] = fault
    return subprocess.run(
        [sys.executable, "-c", CODE], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_without_the_variable_nothing_happens():
    result = _run(None)
    assert (result.returncode, result.stdout.split()) == (0, ["1", "2", "3"])


def test_the_named_point_kills_at_its_nth_call():
    result = _run("the.point:2")
    assert result.returncode == -signal.SIGKILL
    assert result.stdout.split() == ["1"]
    assert _run("the.point").stdout.split() == []


def test_another_name_never_kills():
    assert _run("elsewhere:1").stdout.split() == ["1", "2", "3"]
