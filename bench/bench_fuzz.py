"""Fuzzing over HTTP: 5,000 hostile requests to gunicorn + PostgreSQL; no 5xx, none over 2 s.

The demo content in a throwaway database, served by gunicorn (DEBUG off,
``bench/http_settings.py``) on 127.0.0.1. Requests go out as an anonymous visitor and as a
signed-in member (a member account that logs in through the form; POSTs carry the CSRF
token, so they reach the views) from ``--clients`` threads, each on kept-alive connections,
and are built by a seeded generator (``--seed``), so a run can be repeated exactly:

- every view that reads a query string (``VIEWS`` of tests/fuzz/test_query_strings.py) with
  hostile parameters: the parameters each view knows and unknown ones, each with one to
  three values of every awkward kind (control characters and NUL, any unicode, digits that
  ``int()`` takes but a database does not, ints past 64 bits, 10,000-character strings,
  broken percent-encoding, real topic, country and organisation values beside junk);
- every URL of the project's own apps that takes an id (found as tests/fuzz/test_ids.py
  finds them) with real, huge, negative, zero-padded and non-ASCII ids, by GET and by POST;
- the API (``/api/search/`` with hostile parameters, ``/api/similar/<id>/``), the site's
  pages with hostile query strings, registration forms with hostile fields, junk paths.

gunicorn runs with ``--limit-request-line 0`` so that the long query strings reach Django
(gunicorn's default, 4,094 bytes, answers them with its own 400 before any view sees them).
Before the fuzzing, each view is requested once per role, untimed, so that the figures are
of served requests, not of a worker's first template compile.

Reported: requests sent, statuses, every 5xx with its URL, the slowest requests (client
time, and the worker's own time from gunicorn's access log: the difference is queueing),
p50 / p95 / max, and the URLs slower than 2 s. Exit status 3 when there is a 5xx or a
request slower than 2 s.

    .venv/bin/python bench/bench_fuzz.py                      # 5,000 requests, PostgreSQL
    .venv/bin/python bench/bench_fuzz.py --quick              # 500 requests
    .venv/bin/python bench/bench_fuzz.py --database both --requests 2000 --seed 7
"""

from __future__ import annotations

import argparse
import atexit
import http.client
import random
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

import _site
import _support
from _servers import Database, Server, child_result, load, setup_child_django, stop_all, vendors
from _support import log

SLOW_S = 2.0
EXIT_FAILED_CHECK = 3
URL_SHOWN = 300  # characters of a URL in the report

# Values --------------------------------------------------------------------------------------

# The awkward values of tests/fuzz/test_query_strings.py, and more of the same kinds.
SPECIAL_VALUES = [
    "",
    "\x00",
    "abc\x00def",
    "²",
    "١٢",  # Arabic-Indic digits: str.isdigit() is true, int() accepts them
    "٣",
    "１２",  # full-width digits
    "𝟙𝟚",  # mathematical digits
    "①",
    "Ⅻ",
    "½",
    "99999999999999999999",
    str(2**63 - 1),
    str(2**63),
    str(2**64),
    str(-(2**63) - 1),
    "-1",
    "0",
    "-0",
    "+1",
    " 1",
    "1 ",
    "0x10",
    "1_000",
    "00000000000000000001",
    "1.5",
    "1e309",
    "1e-400",
    "-1e309",
    "NaN",
    "nan",
    "Infinity",
    "-inf",
    "True",
    "null",
    "[]",
    "{}",
    "2024-02-30",
    "9999-12-31",
    "0000-01-01",
    "-2024",
    "sv",
    "da",
    "en",
    "xx",
    "hybrid",
    "keyword",
    "semantic",
    "csv",
    "json",
    "png",
    "svg",
    "xlsx",
    "country",
    "topic",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '"; DROP TABLE x; --',
    "%",
    "%s%s%s%n",
    "{0.__class__}",
    "../../etc/passwd",
    "\r\nSet-Cookie: x=1",
    "\u202e",
    "\ufeff",
    "\u200b",
    "\ufffd",
    "\uffff",
    "e\u0301\u0301\u0301",
    "😀",
    "\t",
    " ",
    "*",
    "?",
    "&",
    "=",
    "#",
    "\\",
    "'",
    '"',
    "x" * 10_000,
    "å" * 10_000,
]
# Appended raw (not percent-encoded by us): what a browser or a bot may send.
RAW_FRAGMENTS = [
    "%",
    "%zz",
    "q=%ff%fe",
    "q=%C0%80",
    "q=%ED%A0%80",
    "q=%E2%82",
    "page=%00",
    "page=%2B1",
    "=",
    "&&&",
    "q",
    "q=a+b%2",
    ";q=1",
    "q[]=1&q[]=2",
    "__proto__[x]=1",
    "q=%25%25%25",
    "page=1&page=2&page=3",
]
ID_VALUES = [
    "0",
    "1",
    str(2**31 - 1),
    str(2**31),
    str(2**53 + 1),
    str(2**63 - 1),
    str(2**63),
    str(2**64),
    "99999999999999999999",
    "1" + "0" * 40,
    "9" * 400,
    "-1",
    "+1",
    "1.5",
    "1e3",
    "00000000000000000001",
    "٣",
    "１",
    "%00",
    "",
]


def random_text(rng: random.Random, max_size: int = 30) -> str:
    """Up to ``max_size`` characters of any kind but lone surrogates (which no UTF-8 URL
    can carry)."""
    out = []
    for _ in range(rng.randint(0, max_size)):
        kind = rng.random()
        if kind < 0.4:
            out.append(chr(rng.randint(0x20, 0x7E)))
        elif kind < 0.5:
            out.append(chr(rng.choice([*range(0x00, 0x20), *range(0x7F, 0xA0)])))
        elif kind < 0.65:
            out.append(rng.choice("åäöÅÄÖæøÆØéüßñçÿ€£§°µ"))
        elif kind < 0.85:
            code = rng.randint(0xA0, 0xFFFD)
            out.append(chr(code) if not 0xD800 <= code <= 0xDFFF else "?")
        elif kind < 0.95:
            out.append(chr(rng.randint(0x10000, 0x10FFFF)))
        else:
            out.append(rng.choice("\u200b\u200e\u202e\ufeff\ufffd\u0301\u0000\u2028"))
    return "".join(out)


class Generator:
    """Seeded hostile requests; ``site`` is what the setup child found in the database."""

    def __init__(self, seed: int, site: dict):
        self.rng = random.Random(seed)
        self.site = site
        self.real_values = site["values"]
        self.real_ids = [str(i) for i in site["ids"]]

    def value(self) -> str:
        rng = self.rng
        pick = rng.random()
        if pick < 0.35:
            return random_text(rng)
        if pick < 0.55:
            # Log-uniform magnitudes up to 2**80, either sign.
            number = int(2 ** (rng.random() * 80))
            return str(number if rng.random() < 0.7 else -number)
        if pick < 0.85:
            return rng.choice(SPECIAL_VALUES)
        if pick < 0.95:
            return rng.choice(self.real_values)
        return rng.choice(["x", "å", "€", "\x00", "%", "😀", "1"]) * rng.choice(
            [100, 1000, 3000, 10_000]
        )

    def key(self, known: list[str]) -> str:
        rng = self.rng
        pick = rng.random()
        if pick < 0.75 and known:
            return rng.choice(known)
        if pick < 0.9:
            return random_text(rng, 8) or "k"
        return rng.choice(["", "Q", "q ", "q[]", "\x00", "page_", "format.", "_", "%"])

    def query_string(self, known: list[str]) -> str:
        rng = self.rng
        pairs = []
        for _ in range(rng.randint(0, 5)):
            key = self.key(known)
            for _ in range(rng.randint(1, 3)):
                pairs.append((key, self.value()))
        query = urlencode(pairs)
        if rng.random() < 0.1:
            query = "&".join(part for part in (query, rng.choice(RAW_FRAGMENTS)) if part)
        return query

    def an_id(self) -> str:
        rng = self.rng
        if rng.random() < 0.3 and self.real_ids:
            return rng.choice(self.real_ids)
        return quote(rng.choice(ID_VALUES), safe="%")

    def request(self) -> tuple[str, str, str, dict | None]:
        """(kind, method, path with query, form fields or None)."""
        rng = self.rng
        site = self.site
        pick = rng.random()
        if pick < 0.62:
            view = rng.choice(list(site["views"]))
            return "query", "GET", f"{view}?{self.query_string(site['views'][view])}", None
        if pick < 0.82:
            route = rng.choice(site["id_routes"])
            path = re.sub(r"<id:\w+>", lambda _: self.an_id(), route)
            path = re.sub(r"<\w+:\w+>", lambda _: quote(random_text(rng, 40) or "x"), path)
            path = "/" + path.lstrip("^").rstrip("$")
            if rng.random() < 0.3:
                path += "?" + self.query_string([])
            method = "POST" if rng.random() < 0.35 else "GET"
            form = {self.key([]): self.value()} if method == "POST" and rng.random() < 0.5 else {}
            return "id", method, path, form if method == "POST" else None
        if pick < 0.9:
            url = rng.choice(site["page_urls"])
            return "page", "GET", f"{url}?{self.query_string(['q', 'page', 'sort'])}", None
        if pick < 0.96:
            meeting = rng.choice(site["meeting_ids"])
            action = rng.choice(["register", "register", "cancel"])
            form = {
                name: self.value()
                for name in rng.sample(["dietary_needs", "accessibility_needs", "next", "notes"], 2)
            }
            return "form", "POST", f"/members/network/meetings/{meeting}/{action}/", form
        junk = rng.choice(
            [
                "/search/" + quote(random_text(rng, 20)) + "/",
                "/" + quote(random_text(rng, 60), safe="/"),
                "/cases/" + quote(random_text(rng, 30)) + "/",
                "/datalab/charts/" + quote(random_text(rng, 20)) + "/",
                "/%00",
                "/search/%ff%fe/",
                "/" + "a/" * 200,
                "/api/" + quote(random_text(rng, 20)),
            ]
        )
        return "junk path", "GET", junk, None


# HTTP ------------------------------------------------------------------------------------------


class Session:
    """One kept-alive connection with its cookies; sends exactly the bytes it is given."""

    def __init__(self, port: int, timeout: float = 120):
        self.port, self.timeout = port, timeout
        self.connection: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def send(self, method: str, path: str, form: dict | None = None) -> tuple[int, float, bytes]:
        """(status, seconds, first bytes of the body); status 0 when no answer came."""
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            fields = dict(form)
            fields["csrfmiddlewaretoken"] = self.cookies.get("csrftoken", "")
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            fresh = self.connection is None
            if fresh:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout
                )
            started = time.perf_counter()
            try:
                self.connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
                for name, value in headers.items():
                    self.connection.putheader(name, value)
                if body is not None:
                    self.connection.putheader("Content-Length", str(len(body)))
                self.connection.endheaders(body)
                response = self.connection.getresponse()
                content = response.read()
                seconds = time.perf_counter() - started
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if fresh or attempt == 2:
                    return 0, time.perf_counter() - started, b""
                continue  # the server closed an idle kept-alive connection
            except (OSError, http.client.HTTPException) as error:
                self.close()
                return 0, time.perf_counter() - started, repr(error).encode()
            for header in response.msg.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
            if response.getheader("Connection", "").lower() == "close" or response.will_close:
                self.close()
            return response.status, seconds, content[:300]
        raise AssertionError("unreachable")

    def log_in(self, username: str, password: str) -> None:
        self.send("GET", "/accounts/login/")
        status, _, body = self.send(
            "POST", "/accounts/login/", {"username": username, "password": password}
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"{username} could not log in: {status} {body[:200]!r}")


@dataclass
class Result:
    number: int
    role: str
    kind: str
    method: str
    path: str
    status: int
    seconds: float
    body: bytes = b""
    server_ms: float | None = None


# Child process (Django) -------------------------------------------------------------------------

# Routes with an id that are not the project's own Django views (tests/fuzz/test_ids.py lists
# those): the API's, Wagtail's, and the personal calendar feed's token.
EXTRA_ID_ROUTES = [
    "api/similar/<id:page_id>/",
    "admin/pages/<id:page_id>/",
    "admin/pages/<id:page_id>/edit/",
    "documents/<id:document_id>/<str:filename>",
    "members/network/feeds/<str:token>.ics",
]


def child_setup() -> dict:
    """A member account, and what the generator needs from the database: the views that
    read a query string, the id routes, real ids and values, some page URLs."""
    from cases.models import CaseStudyPage
    from datalab.dashboard import CHARTS
    from network.models import MeetingPage, Membership, NetworkPage, Registration
    from portal.models import Organisation, Topic
    from tests.fuzz.test_ids import _id_patterns
    from tests.fuzz.test_query_strings import VIEWS

    (username,) = _site.create_members(1)
    site = _site.site_map(username)
    ids = set()
    for model in (CaseStudyPage, MeetingPage, NetworkPage, Membership, Registration):
        ids.update(model.objects.order_by("pk").values_list("pk", flat=True)[:20])
    values = ["SE", "DK", "se", "NO", "2019", "2024", "1", "2"]
    values += list(Topic.objects.values_list("slug", flat=True))
    values += [str(pk) for pk in Organisation.objects.values_list("pk", flat=True)]
    values += list(Organisation.objects.values_list("slug", flat=True))
    values += list(CHARTS)
    page_urls = site["indexes"] + [
        page["url"]
        for name in ("cases", "lessons", "networks", "meetings")
        for page in site["member"][name][:5]
    ]
    return {
        "username": username,
        "views": VIEWS,
        "id_routes": sorted(_id_patterns()) + EXTRA_ID_ROUTES,
        "ids": sorted(ids),
        "values": values,
        "page_urls": page_urls,
        "meeting_ids": [m["id"] for m in site["open_meetings"]]
        or [m["id"] for m in site["member"]["meetings"]],
    }


def run_child(argv: list[str]) -> int:
    setup_child_django()
    if argv[0] == "setup":
        child_result(child_setup())
    else:
        raise SystemExit(f"unknown child task {argv[0]}")
    return 0


# The run --------------------------------------------------------------------------------------


def warm_up(server: Server, setup: dict, sessions: dict[str, Session]) -> dict:
    """Each view once per role, plain, untimed in the figures (their times are kept)."""
    times = {}
    for role, session in sessions.items():
        for path in [*setup["views"], *setup["page_urls"][:4]]:
            status, seconds, _ = session.send("GET", path)
            times[f"{role} {path}"] = [status, round(seconds * 1000, 1)]
    return times


def fuzz(server: Server, setup: dict, args) -> tuple[list[Result], float, bool]:
    """``args.requests`` requests from ``args.clients`` threads; each thread draws from its
    own seeded generator, so the set of requests does not depend on thread timing."""
    results: list[Result] = []
    lock = threading.Lock()
    counter = iter(range(args.requests))
    failures: list[BaseException] = []
    signed_in: list[bool] = []

    def work(number: int) -> None:
        try:
            generator = Generator(args.seed * 1000 + number, setup)
            sessions = {"anonymous": Session(server.port), "member": Session(server.port)}
            sessions["anonymous"].send("GET", "/accounts/login/")  # a CSRF cookie
            sessions["member"].log_in(setup["username"], _site.BENCH_PASSWORD)
            while True:
                with lock:
                    index = next(counter, None)
                if index is None:
                    break
                role = "member" if generator.rng.random() < 0.5 else "anonymous"
                kind, method, path, form = generator.request()
                tag = f"_r=z{index}"
                path += ("&" if "?" in path else "?") + tag
                status, seconds, body = sessions[role].send(method, path, form)
                result = Result(index, role, kind, method, path, status, seconds, body)
                with lock:
                    results.append(result)
                    if len(results) % 500 == 0:
                        log(f"  {len(results)} requests")
            # Still signed in after all that (no request may end a member's session).
            status, _, _ = sessions["member"].send("GET", "/members/network/my-meetings/")
            with lock:
                signed_in.append(status == 200)
            for session in sessions.values():
                session.close()
        except BaseException as error:  # reported after the join
            failures.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(args.clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise failures[0]
    # The worker's own time, from gunicorn's access log (written after each answer).
    time.sleep(0.5)
    by_tag = {}
    for _pid, _status, micros, _method, path in server.requests():
        match = re.search(r"_r=z(\d+)", path)
        if match:
            by_tag[int(match.group(1))] = micros / 1000
    for result in results:
        result.server_ms = by_tag.get(result.number)
    results.sort(key=lambda result: result.number)
    return results, elapsed, all(signed_in)


def shown(path: str) -> str:
    path = re.sub(r"[&?]_r=z\d+$", "", path)
    return path if len(path) <= URL_SHOWN else f"{path[:URL_SHOWN]}… ({len(path)} characters)"


def summarise(results: list[Result], elapsed: float) -> dict:
    seconds = [r.seconds for r in results]
    server = [r.server_ms / 1000 for r in results if r.server_ms is not None]
    statuses: dict[str, int] = {}
    for r in results:
        statuses[str(r.status)] = statuses.get(str(r.status), 0) + 1
    errors = [r for r in results if r.status >= 500 or r.status == 0]
    slow = [r for r in results if r.seconds > SLOW_S]
    slowest = sorted(results, key=lambda r: -r.seconds)[:10]
    groups: dict[str, list[Result]] = {}
    for r in results:
        if r.kind == "query":
            group = r.path.split("?", 1)[0]
        elif r.kind == "id":
            group = "id URLs (" + r.method + ")"
        else:
            group = r.kind
        groups.setdefault(group, []).append(r)
    by_group = {}
    for group, members in sorted(groups.items()):
        times = [r.seconds for r in members]
        by_group[group] = {
            **_support.latency_summary(times),
            "max_ms": round(max(times) * 1000, 1),
            "server_5xx": sum(r.status >= 500 for r in members),
            "no_answer": sum(r.status == 0 for r in members),
            "slower_than_2s": sum(r.seconds > SLOW_S for r in members),
            "statuses": _count(str(r.status) for r in members),
        }

    def entry(r: Result) -> dict:
        return {
            "role": r.role,
            "method": r.method,
            "url": shown(r.path),
            "status": r.status,
            "ms": round(r.seconds * 1000, 1),
            "server_ms": r.server_ms,
        }

    return {
        "requests": len(results),
        "elapsed_s": round(elapsed, 1),
        "requests_per_s": round(len(results) / elapsed, 1),
        "by_role": _count(r.role for r in results),
        "by_kind": _count(r.kind for r in results),
        "statuses": dict(sorted(statuses.items())),
        "server_errors": len([r for r in errors if r.status >= 500]),
        "no_answer": len([r for r in errors if r.status == 0]),
        "errors": [
            {**entry(r), "body": r.body.decode("utf-8", "replace")[:200]} for r in errors[:100]
        ],
        "latency_ms": {
            **_support.latency_summary(seconds),
            "max_ms": round(max(seconds) * 1000, 1),
        },
        "server_latency_ms": {
            **_support.latency_summary(server),
            "max_ms": round(max(server) * 1000, 1),
        }
        if server
        else {},
        "slower_than_2s": len(slow),
        "slow": [entry(r) for r in slow[:100]],
        "slowest": [entry(r) for r in slowest],
        "by_group": by_group,
    }


def _count(values) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))


def run_database(vendor: str, args, workdir: Path) -> dict:
    database = Database(vendor, workdir, Path(__file__))
    figures: dict = {"corpus": database.load_demo()}
    setup, _ = database.child("setup")
    figures["views"] = list(setup["views"])
    figures["id_routes"] = setup["id_routes"]
    server = Server(
        database,
        args.workers,
        args.threads,
        keep_alive=30,
        omp=args.omp_threads,
        extra_args=("--limit-request-line=0", "--limit-request-field_size=0"),
        quiet=True,
    )
    log(f"{vendor}: starting gunicorn ({server.describe()})")
    server.start()
    figures["first_answer_s"] = round(server.wait_ready(), 1)
    figures["workers_ready"] = server.wait_workers()
    sessions = {"anonymous": Session(server.port), "member": Session(server.port)}
    sessions["member"].log_in(setup["username"], _site.BENCH_PASSWORD)
    figures["warm_up_ms"] = warm_up(server, setup, sessions)
    for session in sessions.values():
        session.close()
    figures["load_before"] = load()
    log(f"{vendor}: {args.requests} requests from {args.clients} clients, seed {args.seed}")
    results, elapsed, still_signed_in = fuzz(server, setup, args)
    figures["load_after"] = load()
    server.stop()
    figures.update(summarise(results, elapsed))
    figures["member_still_signed_in"] = still_signed_in
    figures["internal_errors"] = _exceptions(server.internal_errors())
    figures["gunicorn_errors"] = [
        line for line in server.error_log_tail(2000).splitlines() if "[ERROR]" in line
    ][:30]
    database.drop()
    return figures


def _exceptions(errors: list[dict]) -> list[dict]:
    """Django's internal errors grouped by exception class: how many, one message, and
    the first paths."""
    groups: dict[str, dict] = {}
    for error in errors:
        name = error["exception"].split(":", 1)[0]
        group = groups.setdefault(
            name, {"count": 0, "example": error["exception"][:300], "paths": []}
        )
        group["count"] += 1
        if len(group["paths"]) < 5:
            group["paths"].append(shown(error["path"]))
    return [{"exception": name, **group} for name, group in groups.items()]


def report(vendor: str, figures: dict) -> None:
    rows = [
        [
            group,
            part["n"],
            part["p50_ms"],
            part["p95_ms"],
            part["max_ms"],
            part["server_5xx"] + part["no_answer"],
            part["slower_than_2s"],
            " ".join(f"{s}:{n}" for s, n in part["statuses"].items()),
        ]
        for group, part in figures["by_group"].items()
    ]
    latency = figures["latency_ms"]
    rows.append(
        [
            "all",
            figures["requests"],
            latency["p50_ms"],
            latency["p95_ms"],
            latency["max_ms"],
            figures["server_errors"] + figures["no_answer"],
            figures["slower_than_2s"],
            " ".join(f"{s}:{n}" for s, n in figures["statuses"].items()),
        ]
    )
    _support.print_table(
        ["requests", "n", "p50 ms", "p95 ms", "max ms", "5xx", "> 2 s", "statuses"],
        rows,
        title=f"{vendor}: {figures['requests']} fuzzed requests in {figures['elapsed_s']} s "
        f"({figures['by_role']}); load {figures['load_before'][0]} -> "
        f"{figures['load_after'][0]}",
    )
    server = figures["server_latency_ms"]
    if server:
        print(
            f"worker's own time (gunicorn): p50 {server['p50_ms']} ms, p95 {server['p95_ms']} ms, "
            f"max {server['max_ms']} ms"
        )
    print(
        f"5xx: {figures['server_errors']}; no answer: {figures['no_answer']}; "
        f"slower than {SLOW_S:g} s: {figures['slower_than_2s']}; member still signed in "
        f"at the end: {'yes' if figures['member_still_signed_in'] else 'NO'}"
    )
    for error in figures["errors"][:30]:
        print(f"  ! {error['status']} {error['role']} {error['method']} {error['url']}")
    for group in figures["internal_errors"]:
        print(f"  ! {group['count']} x {group['example'][:160]}")
        for path in group["paths"][:3]:
            print(f"      {path[:160]}")
    for line in figures["gunicorn_errors"][:10]:
        print(f"  ! gunicorn: {line}")
    for slow in figures["slow"][:30]:
        print(
            f"  slow {slow['ms']} ms (worker {slow['server_ms']} ms) {slow['role']} "
            f"{slow['method']} {slow['url']}"
        )
    print("slowest:")
    for slow in figures["slowest"][:5]:
        print(
            f"  {slow['ms']} ms (worker {slow['server_ms']} ms) {slow['status']} {slow['role']} "
            f"{slow['method']} {slow['url'][:160]}"
        )


def main() -> int:
    parser = _support.argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, help="requests to send (default 5000)")
    parser.add_argument(
        "--database", default="postgresql", help="postgresql, sqlite or both (default postgresql)"
    )
    parser.add_argument("--seed", type=int, default=20240612, help="the generator's seed")
    parser.add_argument("--clients", type=int, default=2, help="concurrent clients (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (default 2)")
    parser.add_argument(
        "--omp-threads", type=int, default=1, help="OMP_NUM_THREADS of the workers (default 1)"
    )
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_child(args.child)
    args.requests = args.requests or (500 if args.quick else 5000)
    databases = vendors(args.database)

    workdir = Path(tempfile.mkdtemp(prefix="erfa-bench-fuzz-"))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    atexit.register(stop_all)  # runs before the folder goes (atexit is last in, first out)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    figures = {}
    for vendor in databases:
        figures[vendor] = run_database(vendor, args, workdir)
        report(vendor, figures[vendor])
    parameters = {
        "quick": args.quick,
        "requests": args.requests,
        "seed": args.seed,
        "clients": args.clients,
        "slow_s": SLOW_S,
        "server": Server.describe_parameters(
            args.workers,
            args.threads,
            30,
            args.omp_threads,
            ("--limit-request-line=0", "--limit-request-field_size=0"),
        ),
        "settings": "bench.http_settings (DEBUG off)",
        "databases": databases,
    }
    name = "fuzz_quick" if args.quick else "fuzz"
    _support.write_results(name, figures, parameters, enabled=not args.no_write)
    failed = any(
        part["server_errors"] or part["no_answer"] or part["slower_than_2s"]
        for part in figures.values()
    )
    return EXIT_FAILED_CHECK if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
