"""A private Redis the fault tests may stop and start, and a real beat process beside the
workers. Never the machine's shared Redis: other people's tests run against it."""

import shutil
import subprocess
import time
from pathlib import Path

import redis

from tests.integration.support import LoggedProcess, celery_argv, free_port

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


class Beat(LoggedProcess):
    """`celery beat` of this project with its schedule file in a temporary folder."""

    def __init__(self, *, directory: Path, env: dict[str, str]) -> None:
        super().__init__(
            celery_argv("beat", "--loglevel=INFO", f"--schedule={directory / 'beat-schedule'}"),
            env=env,
            log_path=directory / "beat.log",
        )
