"""A PostgreSQL cluster of our own, and gunicorn and Celery worker processes pointed at it, for the
tests (and `bench.faults`) that restart the database: the machine's shared server is never
stopped.

PostgreSQL refuses to run as root, so the cluster belongs to the postgres user (`runuser`), in a
folder of its own under /tmp (pytest's folders are closed to other users).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Self

import psycopg2

from tests.integration.support import LoggedProcess, celery_argv, free_port

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
ROOT = Path(__file__).resolve().parent.parent.parent


def _as_postgres(*command: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


class PrivateCluster:
    """initdb'd on entry, started; stopped and removed on exit."""

    def __init__(self) -> None:
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        self.data = self.folder / "data"

    def _run(self, *command: str) -> None:
        subprocess.run(
            _as_postgres(*command), check=True, capture_output=True, timeout=120, cwd="/"
        )

    def _ctl(self, action: str, *extra: str) -> None:
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "postgres.log"),
            "-o",
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1",
            "-w",
            *extra,
            action,
        )

    def __enter__(self) -> Self:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")
        self._ctl("start")
        return self

    def restart(self) -> None:
        """Restart as an operator would: fast mode ends every open connection."""
        self._ctl("restart", "-m", "fast")

    def create_database(self, name: str) -> str:
        self._run(
            str(PG_BIN / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            name,
        )
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def connections(self, database: str) -> int:
        """Connections open to `database` right now, other than this one."""
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database)
        try:
            with conn.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [database],
                )
                return cursor.fetchone()[0]
        finally:
            conn.close()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self._ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def manage(env: dict[str, str], *args: str) -> str:
    """Run manage.py with `env`; its standard output."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def app_shell(env: dict[str, str], code: str) -> str:
    """The last line `code` printed, run by `manage.py shell` against `env`'s database."""
    return manage(env, "shell", "-c", code).strip().splitlines()[-1]


def signed_in_session(env: dict[str, str], email: str) -> str:
    """A session key for a new, verified person, made by the app itself (manage.py shell)."""
    code = (
        "from importlib import import_module\n"
        "from django.conf import settings\n"
        "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY\n"
        "from tests.factories import UserFactory\n"
        f"user = UserFactory(email={email!r})\n"
        "store = import_module(settings.SESSION_ENGINE).SessionStore()\n"
        "store[SESSION_KEY] = str(user.pk)\n"
        "store[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "store[HASH_SESSION_KEY] = user.get_session_auth_hash()\n"
        "store.save()\n"
        "print(store.session_key)\n"
    )
    return app_shell(env, code)


def child_pids(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in path.read_text().split()} if path.exists() else set()


class Gunicorn(LoggedProcess):
    """`gunicorn mentoring.wsgi:application` with gunicorn.conf.py, as the image runs it."""

    stop_timeout = 40.0

    def __init__(self, *, env: dict[str, str], workers: int, log_path: Path) -> None:
        self.port = free_port()
        self.workers = workers
        super().__init__(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "mentoring.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
            ],
            env=env,
            log_path=log_path,
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str, *, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """(status, body); status 0 when the connection itself failed."""
        request = urllib.request.Request(self.url(path), headers=headers or {})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except OSError:
            return 0, b""

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.get("/healthz")[0] != 200 or len(self.worker_pids()) < self.workers:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start:\n" + self.log())
            time.sleep(0.2)

    def worker_pids(self) -> set[int]:
        return child_pids(self.process.pid)


class CeleryWorker(LoggedProcess):
    """`celery worker` as production runs it (prefork), with `concurrency` child processes."""

    stop_timeout = 30.0

    def __init__(self, *, env: dict[str, str], concurrency: int, log_path: Path) -> None:
        self.hostname = f"{log_path.stem}@localhost"
        super().__init__(
            celery_argv(
                "worker",
                f"--concurrency={concurrency}",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
                f"--hostname={self.hostname}",
            ),
            env=env,
            log_path=log_path,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while f"{self.hostname} ready." not in self.log():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the worker did not start:\n" + self.log())
            time.sleep(0.2)

    def pids(self) -> set[int]:
        """The main process and its pool's children."""
        return {self.process.pid} | child_pids(self.process.pid)
