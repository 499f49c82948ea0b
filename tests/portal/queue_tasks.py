"""Tasks for the queue tests: importable by a worker in another process, with effects that
the test can see (files), and one that fails until it is told not to."""

from pathlib import Path

from django_tasks import task


@task()
def write_file_task(path: str, text: str) -> str:
    Path(path).write_text(text)
    return text


@task()
def flaky_task(path: str) -> int:
    """Notes each attempt in ``path``; fails until ``path``.fixed exists."""
    log = Path(path)
    with log.open("a") as handle:
        handle.write("attempt\n")
    if not Path(f"{path}.fixed").exists():
        raise RuntimeError("not fixed yet")
    return len(log.read_text().splitlines())
