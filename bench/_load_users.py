"""The simulated visitors of ``bench_load.py``, run headless with locust as a library.

``python bench/_load_users.py PARAMETERS.json OUTPUT.json``: ``bench_load.py`` writes the
parameters (server, clients, seconds, accounts, the site's URLs) and reads the output: every
request (name, status, milliseconds, when), when the measured window began and ended, and
what each member was last told about their registrations. It runs in a process of its own
because locust patches the standard library with gevent when imported.

Members log in first (a real login through the form, CSRF and all); the measured window
starts when every member is signed in, so the logins' password hashing is not counted in
the throughput (it is reported on its own line). At the end of the window no new task starts
and a task under way finishes (``stop_timeout``), so what each member was last told is
what the database must hold.
"""

from __future__ import annotations

import json
import logging
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, between, events, task
from locust.env import Environment

BENCH_DIR = Path(__file__).resolve().parent
QUERY_FILES = ("short_queries.json", "demo_queries.json", "offtopic_queries.json")
# The statuses each kind of request should get; anything else (and any 5xx) is an error.
EXPECTED = {
    "login form": (200,),
    "login": (302,),
    "register": (302,),
    "cancel": (302,),
}

parameters: dict = json.loads(Path(sys.argv[1]).read_text("utf-8"))
output = Path(sys.argv[2])
rng = random.Random(parameters["seed"])
queries = [
    entry["query"]
    for name in QUERY_FILES
    for entry in json.loads((BENCH_DIR / name).read_text("utf-8"))
]
site = parameters["site"]
# Most registrations go to the bench's meetings with 1, 3 and 5 seats (and one without a
# limit), so that the waiting list and promotion from it see contention; the rest to the
# demo's meetings open for registration.
bench_meetings = [m for m in site["open_meetings"] if m["slug"].startswith("bench-")]
# Key -> members only: anonymous visitors ask for the public charts only.
public_charts = [key for key, members_only in parameters["charts"].items() if not members_only]
all_charts = list(parameters["charts"])
samples: list[tuple] = []
beliefs: dict[str, list[int]] = {}
usernames = list(parameters["usernames"])
signed_in: set[str] = set()
window = {"start": None, "end": None}


@events.request.add_listener
def record(request_type, name, response_time, response, exception, context, start_time, **_):
    status = getattr(response, "status_code", 0) or 0
    expected = context.get("expected", (200,)) if context else (200,)
    error = ""
    if exception is not None and status == 0:
        error = f"{type(exception).__name__}: {str(exception)[:120]}"
    elif status >= 500 or status not in expected:
        error = f"{status} (expected {'/'.join(map(str, expected))})"
    samples.append((name, status, round(response_time, 2), round(start_time, 4), error))


class Visitor(FastHttpUser):
    """Anonymous: searches, reads cases and lessons, networks and meetings, the data lab."""

    abstract = True
    wait_time = between(parameters["think_min"], parameters["think_max"])
    pages = site["public"]
    charts = public_charts

    def get(self, url: str, name: str, expected=(200,)):
        return self.client.get(url, name=name, context={"expected": expected})

    @task(3)
    def search_page(self):
        self.get("/search/?" + urlencode({"q": rng.choice(queries)}), "search (page)")

    @task(2)
    def search_api(self):
        self.get("/api/search/?" + urlencode({"q": rng.choice(queries)}), "search (API)")

    @task(3)
    def case_page(self):
        self.get(rng.choice(self.pages["cases"])["url"], "case page")

    @task(1)
    def lesson_page(self):
        if self.pages["lessons"]:
            self.get(rng.choice(self.pages["lessons"])["url"], "lesson page")

    @task(1)
    def index_page(self):
        self.get(rng.choice(site["indexes"]), "case/lesson/network index")

    @task(1)
    def network_page(self):
        self.get(rng.choice(self.pages["networks"])["url"], "network page")

    @task(2)
    def meeting_page(self):
        self.get(rng.choice(self.pages["meetings"])["url"], "meeting page")

    @task(1)
    def datalab_overview(self):
        self.get("/datalab/", "data lab overview")

    @task(1)
    def datalab_chart(self):
        self.get(f"/datalab/charts/{rng.choice(self.charts)}/?format=json", "data lab chart (JSON)")

    @task(1)
    def datalab_map(self):
        self.get("/datalab/map/", "data lab map")


class AnonymousVisitor(Visitor):
    abstract = False
    fixed_count = parameters["clients"] - parameters["members"]


class Member(Visitor):
    """Signed in: all a visitor does, and registers for meetings and cancels."""

    abstract = False
    fixed_count = parameters["members"]
    pages = site["member"]
    charts = all_charts

    def on_start(self):
        self.username = usernames.pop()
        self.registered: set[int] = set()
        beliefs[self.username] = []
        self.get("/accounts/login/", "login form")
        response = self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": parameters["password"],
                "csrfmiddlewaretoken": self.csrf_token(),
            },
            name="login",
            allow_redirects=False,
            context={"expected": EXPECTED["login"]},
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not log in ({response.status_code})")
        signed_in.add(self.username)

    def csrf_token(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""

    def post(self, url: str, name: str):
        return self.client.post(
            url,
            data={"csrfmiddlewaretoken": self.csrf_token()},
            name=name,
            allow_redirects=False,
            context={"expected": EXPECTED[name]},
        )

    @task(4)
    def register_or_cancel(self):
        """Register for a meeting, or cancel where registered; then see the meeting page
        (as a browser follows the redirect). A member with registrations cancels one of
        them half the time; otherwise seven in ten go to the bench's meetings."""
        if self.registered and rng.random() < 0.5:
            chosen = rng.choice(sorted(self.registered))
            meeting = next(m for m in site["open_meetings"] if m["id"] == chosen)
        else:
            meeting = rng.choice(
                bench_meetings if bench_meetings and rng.random() < 0.7 else site["open_meetings"]
            )
        if meeting["id"] in self.registered:
            response = self.post(f"/members/network/meetings/{meeting['id']}/cancel/", "cancel")
            if response.status_code == 302:
                self.registered.discard(meeting["id"])
        else:
            response = self.post(f"/members/network/meetings/{meeting['id']}/register/", "register")
            if response.status_code == 302:
                self.registered.add(meeting["id"])
        beliefs[self.username] = sorted(self.registered)
        self.get(meeting["url"], "meeting page")

    @task(1)
    def my_meetings(self):
        self.get("/members/network/my-meetings/", "my meetings")


def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    environment = Environment(
        user_classes=[Member, AnonymousVisitor],
        host=parameters["host"],
        events=events,
        stop_timeout=60,
    )
    runner = environment.create_local_runner()
    started = time.time()
    runner.start(parameters["clients"], spawn_rate=parameters["spawn_rate"])
    # The window opens once every member is signed in (or after a minute, whatever came).
    while len(signed_in) < parameters["members"] and time.time() - started < 120:
        gevent.sleep(0.05)
    window["start"] = time.time()
    window["signed_in"] = len(signed_in)
    gevent.sleep(parameters["seconds"])
    window["end"] = time.time()
    runner.stop()  # lets tasks under way finish (stop_timeout), so beliefs hold
    window["stopped"] = time.time()
    runner.quit()
    output.write_text(
        json.dumps(
            {
                "samples": samples,
                "window": window,
                "login_phase_s": round(window["start"] - started, 2),
                "beliefs": beliefs,
                "user_counts": {
                    "members": Member.fixed_count,
                    "visitors": AnonymousVisitor.fixed_count,
                },
            }
        ),
        "utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
