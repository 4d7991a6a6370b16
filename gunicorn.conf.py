"""gunicorn's settings for the web process. gunicorn reads ./gunicorn.conf.py from its working
folder by itself (the image's /app), so `gunicorn mentoring.wsgi:application --bind 0.0.0.0:8000`
uses this file; options given on the command line win over it.

Environment (read here, not by Django's settings):
- WEB_CONCURRENCY: at most this many worker processes. Default and ceiling: 2 x CPUs + 1.
- GUNICORN_TIMEOUT: seconds a request may take before its worker is killed. Default 30.
- PROMETHEUS_MULTIPROC_DIR: an empty folder (a tmpfs) where every worker keeps its request
  metrics, so that /metrics adds up all workers instead of showing the one that answered.

Request bodies: gunicorn does not limit their size. Django refuses a form post above
DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB, mentoring/settings/base.py) and file uploads above each
form's own limit; the TLS proxy in front should cap the body too (nginx: client_max_body_size
12m), so a huge upload is refused before it ties up a worker.
"""

import atexit
import logging
import os
import shutil
import sys
from pathlib import Path


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this container may use
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def worker_count(cpus: int, cap: str | None) -> int:
    """2 x CPUs + 1 (gunicorn's advice for sync workers), lowered to WEB_CONCURRENCY if set."""
    workers = 2 * cpus + 1
    if cap and cap.strip():
        workers = min(workers, max(1, int(cap)))
    return workers


workers = worker_count(_cpus(), os.environ.get("WEB_CONCURRENCY"))
worker_class = "sync"
# Heartbeat files in memory: a slow overlay /tmp can make gunicorn think its workers hang.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108

# The app is imported once, by the master, and warmed there (`when_ready`); each worker is a
# fork of it. A worker that max_requests retires is replaced in milliseconds, ready to serve,
# instead of importing Django for about 2 s of CPU and compiling its templates on its first
# requests: at 2,000 users bench.load saw two such restarts in a 2-minute hold lift every
# page's p95 from under 100 ms to over 600 (requests queued behind the missing worker).
preload_app = True

# A request that takes longer is cut off (its worker restarted); on SIGTERM, running requests
# get graceful_timeout seconds to finish. keepalive: behind a proxy that reuses connections.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# A worker restarts after 20,000 to 30,000 requests, so memory does not creep up for weeks.
# The wide jitter spreads the restarts: workers that started together and share the load
# evenly would otherwise restart together, and a new worker needs seconds to import the app
# (bench.load saw all five restart within 18 s under 80 requests a second: p95 went from
# 67 ms to 3.2 s).
max_requests = 20000
max_requests_jitter = 10000

# Request heads: a request line (method, path and query) of at most 4 KB, at most 100 header
# fields of at most 8 KB each. Longer is refused with 400 before Django sees it.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# One access log line per request on standard output, with its duration in milliseconds and
# the request id that the response carries (mentoring.logs), to find its other log lines.
accesslog = "-"
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms '
    "request_id=%({x-request-id}o)s"
)
errorlog = "-"


# The app is loaded (preload_app) before any hook runs, and its metrics open their files in
# the folder then: it must exist by now.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)


def on_starting(server) -> None:
    """Start with an empty metrics folder: files of a previous run would add old counts. The
    master's own files go too: it serves nothing, and its forks write files of their own."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        for path in Path(folder).iterdir():
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def when_ready(server) -> None:
    """Before the first fork: build what every worker would otherwise build on its first
    requests (the URL patterns, the project's templates, the translation catalogues), so a new
    worker starts warm; then close any connection made meanwhile, which forks must not share."""
    from django.apps import apps
    from django.conf import settings
    from django.core.cache import caches
    from django.db import connections
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().reverse_dict  # noqa: B018 - imports every view module, ready to reverse
    # The project's own templates: its folder and its apps' (those of installed packages are
    # mostly never shown).
    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]]
    folders += [
        Path(app.path) / "templates"
        for app in apps.get_app_configs()
        if (settings.BASE_DIR / app.name.partition(".")[0]).is_dir()
    ]
    engine = engines["django"]
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in {".html", ".txt", ".ics", ".xml"}:
                try:
                    engine.get_template(str(path.relative_to(folder)))
                except (TemplateDoesNotExist, TemplateSyntaxError, UnicodeDecodeError):
                    server.log.warning("template not preloaded: %s", path)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Dashboard")
    connections.close_all()
    caches.close_all()


def worker_exit(server, worker) -> None:
    """A worker that ends normally (retired by max_requests, or stopped) exits without Python
    tearing down its heap object by object: that took about a second of CPU per retired worker
    (of a forked copy, so it also copied the pages it touched), while the worker held its place
    in the pool. The exit handlers still run: log handlers are flushed, Sentry sends what it
    holds. Workers that fail (a boot error, an exception, a timeout's abort) keep Python's own
    exit and its exit status. gunicorn calls this while the worker's SystemExit is on its way
    out (or in the master, for a worker already gone: nothing to do there)."""
    leaving = sys.exc_info()[1]
    normal = isinstance(leaving, SystemExit) and leaving.code in (None, 0)
    if os.getpid() != worker.pid or not worker.booted or not normal:
        return
    from django.db import connections

    connections.close_all()
    atexit._run_exitfuncs()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def child_exit(server, worker) -> None:
    """A worker that ended no longer counts in the live gauges of /metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
