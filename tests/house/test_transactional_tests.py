"""Transactional tests must all restore the database the same way.

A transactional test without ``serialized_rollback`` ends with a flush that re-creates the
content types (post_migrate); the next test with ``serialized_rollback`` then loads them a
second time and fails in its setup with a duplicate key. pytest-django runs transactional
tests last, so the failure lands on whichever test happens to follow.
"""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    name = path.relative_to(TESTS) if path.is_relative_to(TESTS) else path.name
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and node.arg == "transactional_db":
            found.append(f"{name}:{node.lineno} asks for transactional_db")
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("mark.django_db"):
            options = {k.arg: ast.unparse(k.value) for k in node.keywords}
            if (
                options.get("transaction") == "True"
                and options.get("serialized_rollback") != "True"
            ):
                found.append(f"{name}:{node.lineno} lacks serialized_rollback")
    return found


def test_every_transactional_test_rolls_back_by_serialisation():
    problems = [problem for path in sorted(TESTS.rglob("test_*.py")) for problem in _problems(path)]
    assert problems == []


def test_the_check_sees_a_plain_transactional_test(tmp_path):
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "import pytest\n"
        "@pytest.mark.django_db(transaction=True)\ndef test_a(): pass\n"
        "def test_b(transactional_db): pass\n"
        "@pytest.mark.django_db(transaction=True, serialized_rollback=True)\ndef test_c(): pass\n"
    )
    assert len(_problems(sample)) == 2
