"""The Locust side of bench.load, in its own process: gevent's monkey patching stays out of the
process that set Django up, and this process's CPU time is Locust's alone.

`python -m bench._load_locust CONFIG.json RESULT.json`: CONFIG (written by bench.load) holds
the server's address, the steps, the hold and settle seconds, and each persona's signed-in
people (session cookie, CSRF cookie, their pairing or cohort). It ramps the users up step by
step and writes each step's figures to RESULT as it goes.

The personas, their pages and think times are described in bench/load.py's docstring.
"""

import itertools
import json
import random
import re
import sys
import time
from http.cookiejar import Cookie
from pathlib import Path

import gevent
import psutil
from locust import FastHttpUser, between, task
from locust.env import Environment

from bench._load_pages import url

CONFIG = json.loads(Path(sys.argv[1]).read_text()) if __name__ == "__main__" else {}
HOST = CONFIG.get("host", "http://127.0.0.1:8000")

POLL_EVERY = 3.0  # templates/exchange/thread.html: hx-trigger="every 3s"
# static/js/thread.js: a thread with no message and no keystroke for QUIET_AFTER seconds sends
# one poll in QUIET_EVERY. CONFIG "quiet_polls" false polls every 3 s regardless (the model as
# it was before the page did this), to compare.
QUIET_AFTER, QUIET_EVERY = 120.0, 15.0
QUIET_POLLS = CONFIG.get("quiet_polls", True)
TYPING = (5.0, 30.0)  # seconds spent writing a message before it is sent
THREAD_STAY = (30.0, 120.0)  # seconds a thread stays open and visible, polling
SEND_SHARE = 0.3  # open threads in which a message is sent
BOOK_SHARE = 0.25  # visits of the booking page that end in a booking
CHOOSE_TIME = (5.0, 15.0)  # seconds spent picking a time before "Book this session"
ARRIVAL_SPREAD = 30.0  # seconds over which a step's new users open their first page

CURSOR = re.compile(rb'id="thread-cursor" name="since" value="(\d+)"')
LIVE = re.compile(rb'id="thread-live" name="live" value="([^"]*)"')
MESSAGE_KEY = re.compile(rb'class="thread-message[^"]*"[^>]*data-key="(\d+)"')
TOKEN = re.compile(rb'name="token" value="([0-9a-f-]{36})"')
LENGTH = re.compile(rb'type="hidden" name="length" value="(\d+)"')
SLOT = re.compile(rb'type="radio" name="starts_at" value="([^"]+)"')
MODE = re.compile(rb'type="radio" name="mode" value="([a-z_]+)"')
SESSION_PAGE = re.compile(r"^(?:https?://[^/]+)?/sessions/\d+/$")
# A booking of a time someone took a moment before (or of a week that just filled up) is a
# normal refusal when the page says so (sessions_app.services.booking).
REFUSALS = (b"no longer free", b"that week is now full")
MESSAGES = [
    "Thanks for today, I tried the approach we talked about.",
    "Could we move the focus of next session to the presentation?",
    "Here is the draft I mentioned, let me know what you think.",
    "Quick question: how did you prepare for your first board meeting?",
    "Good luck tomorrow, you are well prepared.",
]


def _people(role: str):
    """Each persona's signed-in people, handed out in turn (again from the start if more
    users than people: a second tab)."""
    return itertools.cycle(CONFIG.get("identities", {}).get(role, [{}]))


POOLS = {role: _people(role) for role in ("mentee", "mentor", "admin")}


def _cookie(name: str, value: str) -> Cookie:
    return Cookie(0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None,
                  False, None, None, {})  # fmt: skip


class Person(FastHttpUser):
    abstract = True
    host = HOST
    role = ""
    connection_timeout = 60.0
    network_timeout = 60.0

    def on_start(self) -> None:
        self.me = next(POOLS[self.role])
        self.client.cookiejar.set_cookie(_cookie("sessionid", self.me["session"]))
        self.client.cookiejar.set_cookie(_cookie("csrftoken", self.me["csrf"]))
        # People arrive one by one, not all in the second their step starts: each comes back
        # to the dashboard somewhere within one think time.
        gevent.sleep(random.uniform(0, ARRIVAL_SPREAD))
        self.page(url("dashboard"), "dashboard")

    def page(self, path: str, name: str, **headers: str) -> bytes | None:
        """GET a page that must answer 200 itself (a redirect to the sign-in page is an error)."""
        with self.client.get(
            path, name=name, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")
                return None
            return response.content

    def thread(self) -> None:
        """Open the thread, poll it as htmx does while it stays visible, sometimes send."""
        thread_url = url("thread", pairing=self.me["pairing"])
        body = self.page(thread_url, "thread")
        if body is None:
            return
        cursor, live = CURSOR.search(body), LIVE.search(body)
        if not cursor or not live:
            return  # a pairing that is not active shows no poll
        since, token = cursor[1].decode(), live[1].decode()
        stay = random.uniform(*THREAD_STAY)
        send_at = random.uniform(5, stay) if random.random() < SEND_SHARE else None
        typing_from = None if send_at is None else send_at - random.uniform(*TYPING)
        opened = time.monotonic()
        # As the page does: lively when its newest message is recent (both in server time).
        keys = [int(key) for key in MESSAGE_KEY.findall(body)]
        newest_age = (int(since) - max(keys)) / 1e6 if keys else float("inf")
        last_activity = opened - newest_age
        last_poll = float("-inf")
        while (elapsed := time.monotonic() - opened) < stay:
            gevent.sleep(POLL_EVERY)  # htmx asks 3 s after each answer
            elapsed = time.monotonic() - opened
            if typing_from is not None and elapsed >= typing_from:
                last_activity = time.monotonic()  # a keystroke in the form
            if send_at is not None and elapsed >= send_at:
                self.send(thread_url)
                send_at = typing_from = None
                last_activity = time.monotonic()
            now = time.monotonic()
            quiet = now - last_activity > QUIET_AFTER
            if QUIET_POLLS and quiet and now - last_poll < QUIET_EVERY:
                continue  # thread.js cancels this poll
            last_poll = now
            with self.client.get(
                f"{url('poll', pairing=self.me['pairing'])}?since={since}&live={token}",
                name="poll",
                headers={"HX-Request": "true"},
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code == 204:  # unchanged: answered from Redis
                    continue
                found = (CURSOR.search(response.content), LIVE.search(response.content))
                if response.status_code != 200 or not all(found):
                    response.failure(f"poll answered {response.status_code}")
                    return
                since, token = found[0][1].decode(), found[1][1].decode()
                if b"thread-message" in response.content:
                    last_activity = time.monotonic()  # a message came: lively again

    def send(self, thread_url: str) -> None:
        with self.client.post(
            thread_url,
            name="send message",
            data={"body": random.choice(MESSAGES), "csrfmiddlewaretoken": self.me["csrf"]},
            headers={"HX-Request": "true"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # A refusal re-renders the form with HX-Retarget (exchange.views.messages._send).
            if response.status_code != 200 or "HX-Retarget" in response.headers:
                response.failure(f"send refused: {response.status_code}")
            elif b"thread-message" not in response.content:
                response.failure("the sent message is not in the answer")


class Participant(Person):
    """What mentees and mentors both do: the dashboard, their agenda and a thread."""

    abstract = True
    wait_time = between(10, 40)

    @task(3)
    def dashboard(self) -> None:
        self.page(url("dashboard"), "dashboard")

    @task(2)
    def agenda(self) -> None:
        self.page(url("my agenda"), "my agenda")

    @task(3)
    def messages(self) -> None:
        self.thread()


class Mentee(Participant):
    weight = 52
    role = "mentee"

    @task(1)
    def sessions_list(self) -> None:
        self.page(url("pairing's sessions", pairing=self.me["pairing"]), "pairing's sessions")

    @task(2)
    def booking(self) -> None:
        path = url("booking page", pairing=self.me["pairing"])
        body = self.page(path, "booking page")
        if body is None or random.random() >= BOOK_SHARE:
            return
        token, length, slots, mode = (
            TOKEN.search(body),
            LENGTH.search(body),
            SLOT.findall(body),
            MODE.search(body),
        )
        if not (token and length and slots and mode):
            return  # no free time this week: nothing to book
        gevent.sleep(random.uniform(*CHOOSE_TIME))
        data = {
            "csrfmiddlewaretoken": self.me["csrf"],
            "token": token[1].decode(),
            "length": length[1].decode(),
            "starts_at": random.choice(slots[:12]).decode(),  # one of the first days shown
            "mode": mode[1].decode(),
        }
        with self.client.post(
            path, name="book", data=data, allow_redirects=False, catch_response=True
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code == 302 and SESSION_PAGE.match(location):
                booked = location
            elif response.status_code == 200 and any(r in response.content for r in REFUSALS):
                return  # taken meanwhile, and the page says so
            else:
                response.failure(f"booking failed: {response.status_code} {location}")
                return
        self.page(booked, "session page")


class Mentor(Participant):
    weight = 46
    role = "mentor"

    @task(1)
    def availability(self) -> None:
        self.page(url("availability"), "availability")


class Admin(Person):
    weight = 2
    role = "admin"
    wait_time = between(15, 45)

    @task(3)
    def cohort(self) -> None:
        self.page(url("cohort page", cohort=self.me["cohort"]), "cohort page")

    @task(2)
    def pairings(self) -> None:
        self.page(url("cohort pairings", cohort=self.me["cohort"]), "cohort pairings")

    @task(1)
    def dashboard(self) -> None:
        self.page(url("dashboard"), "dashboard")


SLOW_MS = 1000
slow: list[dict] = []  # the first slow requests of a step, with the request id gunicorn logged


def _note_slow(request_type, name, response_time, response_length, response=None, **kwargs):
    if response_time >= SLOW_MS and len(slow) < 200:
        headers = getattr(response, "headers", None) or {}
        slow.append(
            {
                "at": round(time.time(), 1),
                "page": f"{request_type} {name}",
                "ms": round(response_time),
                "request_id": headers.get("X-Request-ID"),
            }
        )


def _percentile(times: dict[int, int], share: float) -> int | None:
    """Of Locust's response-time histogram {ms: count}."""
    wanted, seen = share * sum(times.values()), 0
    for ms in sorted(times):
        seen += times[ms]
        if seen >= wanted:
            return ms
    return None


def _step_figures(env: Environment, seconds: float) -> dict:
    pages = {}
    for (name, method), entry in sorted(env.stats.entries.items()):
        if not entry.num_requests:
            continue
        pages[f"{method} {name}"] = {
            "requests": entry.num_requests,
            "errors": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "rps": round(entry.num_requests / seconds, 1),
        }
    total = env.stats.total
    # The pages alone: polls are most requests and answer in milliseconds, so the p95 over
    # all requests says little about how a page feels.
    page_times: dict[int, int] = {}
    for (name, _method), entry in env.stats.entries.items():
        if name != "poll":
            for ms, count in entry.response_times.items():
                page_times[ms] = page_times.get(ms, 0) + count
    return {
        "pages_p95_ms": _percentile(page_times, 0.95),
        "requests": total.num_requests,
        "errors": total.num_failures,
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "rps": round(total.num_requests / seconds, 1),
        "pages": pages,
        "error_samples": [
            f"{e.method} {e.name}: {e.error} x{e.occurrences}"
            for e in list(env.stats.errors.values())[:5]
        ],
    }


def _stack() -> dict[str, list[psutil.Process]]:
    """The processes of each part of the stack on this machine, found by their command lines:
    gunicorn (master and workers) bound to our port, the Celery worker, PostgreSQL's backends
    for our database, and this Locust process."""
    port = HOST.rsplit(":", 1)[1]
    parts: dict[str, list[psutil.Process]] = {"gunicorn": [], "celery": [], "postgres": []}
    for process in psutil.process_iter(["cmdline"]):
        line = " ".join(process.info["cmdline"] or [])
        if "gunicorn" in line and f"127.0.0.1:{port}" in line:
            parts["gunicorn"] += [process, *process.children()]
        elif "celery" in line and "--hostname=load@localhost" in line:
            parts["celery"] += [process, *process.children()]
        elif line.startswith("postgres:") and f" {CONFIG['database']} " in line:
            parts["postgres"].append(process)
    parts["locust"] = [psutil.Process()]
    return parts


def _cpu(parts: dict[str, list[psutil.Process]]) -> dict[str, dict[int, float]]:
    seconds: dict[str, dict[int, float]] = {}
    for part, processes in parts.items():
        seconds[part] = {}
        for process in processes:
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue  # ended meanwhile (a worker restarted)
            seconds[part][process.pid] = times.user + times.system
    return seconds


def _cpu_used(before: dict, after: dict, seconds: float) -> dict[str, float]:
    """Percent of one core each part used between the two readings (a process that ended in
    between is missing; one that started counts from its start)."""
    return {
        part: round(
            100 * sum(t - before[part].get(pid, 0.0) for pid, t in after[part].items()) / seconds,
            1,
        )
        for part in after
    }


def main() -> None:
    result_path = Path(sys.argv[2])
    env = Environment(user_classes=[Mentee, Mentor, Admin], host=HOST)
    runner = env.create_local_runner()
    env.events.request.add_listener(_note_slow)
    me = psutil.Process()
    results: list[dict] = []
    for users in CONFIG["steps"]:
        runner.start(users, spawn_rate=CONFIG["spawn_rate"])
        while runner.user_count < users:
            gevent.sleep(1)
        gevent.sleep(CONFIG["settle"])  # the new users past their first pages
        env.stats.reset_all()
        slow.clear()
        cpu_before, system_before = me.cpu_times(), psutil.cpu_times()
        stack_before = _cpu(_stack())
        started, started_at = time.monotonic(), time.time()
        gevent.sleep(CONFIG["hold"])
        seconds = time.monotonic() - started
        cpu_after, system_after = me.cpu_times(), psutil.cpu_times()
        stack_cpu = _cpu_used(stack_before, _cpu(_stack()), seconds)
        own = (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system)
        busy = sum(system_after) - sum(system_before)
        idle = (system_after.idle + system_after.iowait) - (
            system_before.idle + system_before.iowait
        )
        step = {
            "users": users,
            "seconds": round(seconds, 1),
            "window": [started_at, started_at + seconds],
            **_step_figures(env, seconds),
            "locust_cpu_percent": round(100 * own / seconds, 1),  # of one core
            "machine_cpu_percent": round(100 * (busy - idle) / busy, 1) if busy else None,
            # percent of one core (2 cores: 200 % in all), by part of the stack; the rest of
            # the machine's busy time is other people's work on it
            "stack_cpu_percent": stack_cpu,
            "loadavg": Path("/proc/loadavg").read_text().split()[:3],
            "slow": list(slow),
        }
        step["passed"] = step["errors"] == 0 and step["p95_ms"] <= CONFIG["target_p95_ms"]
        results.append(step)
        result_path.write_text(json.dumps(results))
        print(
            f"step {users} users: p50 {step['p50_ms']} ms, p95 {step['p95_ms']} ms "
            f"(pages alone {step['pages_p95_ms']} ms), "
            f"{step['rps']} req/s, {step['errors']} errors, Locust CPU "
            f"{step['locust_cpu_percent']} %, load {' '.join(step['loadavg'])}",
            flush=True,
        )
        if not step["passed"]:
            break
    runner.quit()


if __name__ == "__main__":
    main()
