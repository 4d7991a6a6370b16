"""A private Redis the fault tests may stop and start, and a real beat process beside the
workers. Never the machine's shared Redis: other people's tests run against it."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

import redis
from django.conf import settings

from tests.integration.support import free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class PrivateRedis:
    """redis-server on a free port, its data in `directory`. `stop()` is a service stop (it
    saves its data, as a packaged Redis does), `start()` brings it back on the same port."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self, timeout: float = 10.0) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--save",
                "3600 1",
                "--appendonly",
                "no",
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + timeout
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
            finally:
                client.close()
        # Saved before a stop, loaded at the next start: give it a moment to finish loading.
        while client.info("persistence").get("loading"):
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: saves, then exits
            self.process.wait(timeout=30)
        self.process = None


class Beat:
    """`celery beat` of this project with its schedule file in a temporary folder."""

    def __init__(self, *, directory: Path, env: dict[str, str]) -> None:
        self.log_path = directory / "beat.log"
        self._log_file = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "mentoring",
                "beat",
                "--loglevel=INFO",
                f"--schedule={directory / 'beat-schedule'}",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_file.close()
