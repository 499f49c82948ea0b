"""Load: 50 concurrent clients for 60 s against gunicorn + PostgreSQL (locust, headless, loopback).

The demo content (``manage.py load_demo``) in a throwaway database, plus ``--clients``
member accounts that log in through the login form (an active membership of every
network) and four meetings with 1, 3, 5 and unlimited seats; gunicorn (gthread, DEBUG off,
``bench/http_settings.py``) serves it on 127.0.0.1. Four fifths of the clients are members,
the rest anonymous visitors (``--visitors``); each waits 1-3 s between tasks (``--think``)
and mixes:

- search, as a page and through the API, with the queries of bench/*_queries.json;
- case and lesson pages, the index pages, network and meeting pages;
- the data lab: overview, a chart's JSON, the semantic map;
- members only: register for a meeting open for registration, or cancel where registered
  (POST with the CSRF token), then the meeting page; their own meeting list.

Reported per kind of request: count, throughput in the measured window (from when every
member is signed in, ``--seconds`` long), p50 / p95 / max and errors (no answer, any 5xx, or
a status other than the one expected: 200 for pages, 302 for login, register and cancel).
Afterwards, in the database: no meeting has more seats held than its capacity, no member
has two current registrations for a meeting, nobody waits while a seat is free, the waiting
list was served in order, and each member's registrations are what their client was told.

    .venv/bin/python bench/bench_load.py                      # 50 clients, 60 s, PostgreSQL
    .venv/bin/python bench/bench_load.py --quick              # 10 clients, 15 s
    .venv/bin/python bench/bench_load.py --database both --clients 20 --seconds 30
"""

from __future__ import annotations

import argparse
import atexit
import json
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import _site
import _support
from _servers import (
    PYTHON,
    Database,
    Server,
    child_result,
    load,
    package_version,
    setup_child_django,
    stop_all,
    vendors,
)
from _support import BENCH_DIR, REPO_DIR, log

EXIT_FAILED_CHECK = 3


# Child processes (Django) ---------------------------------------------------------------------


def run_child(argv: list[str]) -> int:
    setup_child_django()
    if argv[0] == "setup":
        members = _site.create_members(int(argv[1]))
        meetings = _site.create_bench_meetings()
        from datalab.dashboard import CHARTS

        result = {
            "usernames": members,
            "bench_meetings": meetings,
            "site": _site.site_map(members[0] if members else None),
            "charts": {key: spec.members_only for key, spec in CHARTS.items()},
            "registrations_before": _site.registration_summary(),
        }
    elif argv[0] == "check":
        beliefs = json.loads(Path(argv[1]).read_text("utf-8")) if len(argv) > 1 else None
        result = _site.check_registrations(beliefs)
    else:
        raise SystemExit(f"unknown child task {argv[0]}")
    child_result(result)
    return 0


# The run --------------------------------------------------------------------------------------


def run_locust(server: Server, setup: dict, args, folder: Path) -> dict:
    parameters = {
        "host": server.url,
        "clients": args.clients,
        "members": args.members,
        "seconds": args.seconds,
        "spawn_rate": args.spawn_rate,
        "think_min": args.think[0],
        "think_max": args.think[1],
        "seed": args.seed,
        "password": _site.BENCH_PASSWORD,
        "usernames": setup["usernames"][: args.members],
        "site": setup["site"],
        "charts": setup["charts"],
    }
    parameters_path = folder / "locust-parameters.json"
    output_path = folder / "locust-output.json"
    parameters_path.write_text(json.dumps(parameters), "utf-8")
    subprocess.run(
        [PYTHON, str(BENCH_DIR / "_load_users.py"), str(parameters_path), str(output_path)],
        cwd=REPO_DIR,
        check=True,
        timeout=args.seconds + 600,
    )
    return json.loads(output_path.read_text("utf-8"))


def summarise(output: dict) -> dict:
    """Per kind of request: count, throughput, p50/p95/max, errors; over the window."""
    start, end = output["window"]["start"], output["window"]["end"]
    seconds = end - start
    names: dict[str, list] = {}
    for sample in output["samples"]:
        names.setdefault(sample[0], []).append(sample)
    rows = {}
    for name, samples in sorted(names.items(), key=lambda item: -len(item[1])):
        inside = [s for s in samples if start <= s[3] < end]
        chosen = inside or samples  # the login happens before the window
        times = [s[2] / 1000 for s in chosen]
        errors = [s for s in samples if s[4]]
        statuses: dict[str, int] = {}
        for s in samples:
            statuses[str(s[1])] = statuses.get(str(s[1]), 0) + 1
        rows[name] = {
            "in_window": bool(inside),
            "count": len(chosen),
            "per_s": round(len(inside) / seconds, 2) if inside else None,
            **_support.latency_summary(times),
            "max_ms": round(max(times) * 1000, 1),
            "errors": len(errors),
            "server_errors": sum(s[1] >= 500 for s in samples),
            "statuses": statuses,
            "error_samples": sorted({s[4] for s in errors})[:5],
        }
    inside = [s for s in output["samples"] if start <= s[3] < end]
    times = [s[2] / 1000 for s in inside]
    total = {
        "count": len(inside),
        "per_s": round(len(inside) / seconds, 2),
        **(_support.latency_summary(times) if times else {}),
        "max_ms": round(max(times) * 1000, 1) if times else None,
        "errors": sum(1 for s in output["samples"] if s[4]),
        "server_errors": sum(1 for s in output["samples"] if s[1] >= 500),
        "requests_outside_window": len(output["samples"]) - len(inside),
        "window_s": round(seconds, 2),
        "stop_s": round(output["window"]["stopped"] - end, 2),
        "login_phase_s": output["login_phase_s"],
        "signed_in": output["window"]["signed_in"],
    }
    return {"total": total, "by_request": rows}


def run_database(vendor: str, args, workdir: Path) -> dict:
    database = Database(vendor, workdir, Path(__file__))
    figures: dict = {"corpus": database.load_demo()}
    setup, wall = database.child("setup", str(args.clients))
    figures["setup_s"] = round(wall, 1)
    figures["registrations_before"] = setup["registrations_before"]
    figures["open_meetings"] = [
        {"slug": m["slug"], "capacity": m["capacity"]} for m in setup["site"]["open_meetings"]
    ]
    server = Server(
        database, args.workers, args.threads, keep_alive=30, omp=args.omp_threads, quiet=True
    )
    log(f"{vendor}: starting gunicorn ({server.describe()})")
    server.start()
    figures["first_answer_s"] = round(server.wait_ready(), 1)
    figures["workers_ready"] = server.wait_workers()
    figures["load_before"] = load()
    log(
        f"{vendor}: {args.clients} clients ({args.members} members), {args.seconds:g} s, "
        f"think {args.think[0]:g}-{args.think[1]:g} s"
    )
    output = run_locust(server, setup, args, database.folder)
    figures["load_after"] = load()
    server.stop()
    figures.update(summarise(output))
    beliefs_path = database.folder / "beliefs.json"
    beliefs_path.write_text(json.dumps(output["beliefs"]), "utf-8")
    check, _ = database.child("check", str(beliefs_path))
    figures["check"] = check
    figures["internal_errors"] = server.internal_errors()[:50]
    figures["gunicorn_errors"] = [
        line for line in server.error_log_tail(2000).splitlines() if "[ERROR]" in line
    ][:30]
    database.drop()
    return figures


def report(vendor: str, figures: dict) -> None:
    rows = [
        [
            name,
            part["count"],
            part["per_s"] if part["per_s"] is not None else "(before)",
            part["p50_ms"],
            part["p95_ms"],
            part["max_ms"],
            part["errors"],
            " ".join(f"{s}:{n}" for s, n in sorted(part["statuses"].items())),
        ]
        for name, part in figures["by_request"].items()
    ]
    total = figures["total"]
    rows.append(
        [
            "all (in the window)",
            total["count"],
            total["per_s"],
            total.get("p50_ms"),
            total.get("p95_ms"),
            total["max_ms"],
            total["errors"],
            "",
        ]
    )
    _support.print_table(
        ["request", "count", "/s", "p50 ms", "p95 ms", "max ms", "errors", "statuses"],
        rows,
        title=f"{vendor}: {total['window_s']} s measured, {total['signed_in']} members signed in "
        f"in {total['login_phase_s']} s first; load {figures['load_before'][0]} -> "
        f"{figures['load_after'][0]}",
    )
    check = figures["check"]
    exercised = {m["slug"] for m in figures["open_meetings"]}
    bench = [
        m
        for m in check["meetings"]
        if m["slug"] in exercised or m["waitlisted"] or m["cancelled"] or m["promoted"]
    ]
    _support.print_table(
        ["meeting", "capacity", "seats held", "waiting", "cancelled", "promoted"],
        [
            [
                m["slug"],
                m["capacity"] if m["capacity"] is not None else "-",
                m["seats_held"],
                m["waitlisted"],
                m["cancelled"],
                m["promoted"],
            ]
            for m in bench
        ],
        title=f"{vendor}: registrations after the run (the meetings open for registration, "
        "and any other with a waiting list, cancellations or promotions)",
    )
    print(
        f"oversold meetings: {check['oversold']}; duplicate current registrations: "
        f"{check['duplicate_current_registrations']}; other problems: {len(check['problems'])}; "
        f"client/database mismatches: {len(check['client_state_mismatches'])}"
    )
    for line in check["problems"][:20] + check["client_state_mismatches"][:20]:
        print(f"  ! {line}")
    for part_name, part in figures["by_request"].items():
        for sample in part["error_samples"]:
            print(f"  error {part_name}: {sample}")
    for error in figures["internal_errors"][:20]:
        print(f"  ! 500 {error['path']}: {error['exception']}")
    for line in figures["gunicorn_errors"][:10]:
        print(f"  ! gunicorn: {line}")


def main() -> int:
    parser = _support.argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, help="concurrent clients (default 50)")
    parser.add_argument("--seconds", type=float, help="measured seconds (default 60)")
    parser.add_argument(
        "--database", default="postgresql", help="postgresql, sqlite or both (default postgresql)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    parser.add_argument(
        "--omp-threads", type=int, default=1, help="OMP_NUM_THREADS of the workers (default 1)"
    )
    parser.add_argument(
        "--visitors", type=float, default=0.2, help="share of anonymous clients (default 0.2)"
    )
    parser.add_argument(
        "--think", default="1,3", help="seconds between a client's tasks, min,max (default 1,3)"
    )
    parser.add_argument("--spawn-rate", type=float, default=10, help="clients started per second")
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_child(args.child)
    args.clients = args.clients or (10 if args.quick else 50)
    args.seconds = args.seconds or (15.0 if args.quick else 60.0)
    args.members = args.clients - round(args.clients * args.visitors)
    args.think = tuple(float(value) for value in args.think.split(","))
    if len(args.think) != 2:
        parser.error("--think takes min,max")
    databases = vendors(args.database)

    workdir = Path(tempfile.mkdtemp(prefix="erfa-bench-load-"))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    atexit.register(stop_all)  # runs before the folder goes (atexit is last in, first out)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    figures = {}
    for vendor in databases:
        figures[vendor] = run_database(vendor, args, workdir)
        report(vendor, figures[vendor])
    parameters = {
        "quick": args.quick,
        "clients": args.clients,
        "members": args.members,
        "visitors": args.clients - args.members,
        "seconds": args.seconds,
        "think_s": list(args.think),
        "spawn_rate": args.spawn_rate,
        "seed": args.seed,
        "server": Server.describe_parameters(args.workers, args.threads, 30, args.omp_threads),
        "settings": "bench.http_settings (DEBUG off; e-mail to memory; tasks run at once)",
        "client": f"locust {package_version('locust')} (FastHttpUser), headless, loopback",
        "databases": databases,
    }
    name = "load_quick" if args.quick else "load"
    _support.write_results(name, figures, parameters, enabled=not args.no_write)
    failed = any(
        part["check"]["oversold"]
        or part["check"]["duplicate_current_registrations"]
        or part["check"]["problems"]
        or part["total"]["server_errors"]
        for part in figures.values()
    )
    return EXIT_FAILED_CHECK if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
