"""Backups and restore, as README.md ("Backups and restore") describes them, with the real tools:
the demo is seeded into a fresh PostgreSQL database, dumped with `pg_dump -Fc`, the materials
folder is archived with tar; both are restored (`pg_restore --clean --if-exists` into another
empty database, the archive into an empty folder) and Django, pointed at the copy, finds every
person, session, message, pairing and material of the original, each file with the same bytes.
"""

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from psycopg2 import sql

BASE_DIR = Path(settings.BASE_DIR)
MARKER = "SNAPSHOT:"

# Run by `manage.py shell -c` against one database and one materials folder: every model's row
# count, and every row (as its own field values) of the models a restore must not lose.
SNAPSHOT = f"""
import hashlib, json
from django.apps import apps
from django.contrib.auth import get_user_model
from accounts.models import Profile
from exchange.models import Material, Message, materials_storage
from pairings.models import Pairing
from sessions_app.models import Appointment

def rows(model, *fields):
    return [list(map(str, row)) for row in model.objects.order_by("pk").values_list("pk", *fields)]

def file_digest(name):
    with materials_storage().open(name, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()

materials = rows(Material, "pairing_id", "kind", "title", "file", "url", "shared_by_id")
snapshot = {{
    "counts": {{m._meta.label: m.objects.count() for m in apps.get_models()}},
    "people": rows(get_user_model(), "email", "display_name", "password", "date_joined"),
    "profiles": rows(Profile, "user_id", "headline"),
    "pairings": rows(Pairing, "cohort_id", "mentor_id", "mentee_id", "status"),
    "sessions": rows(Appointment, "pairing_id", "starts_at", "ends_at", "mode"),
    "messages": rows(Message, "pairing_id", "sender_id", "body", "created_at"),
    "materials": materials,
    "files": {{m[4]: file_digest(m[4]) for m in materials if m[2] == "file"}},
}}
print({MARKER!r} + json.dumps(snapshot))
"""


def pg_args(db: dict) -> list[str]:
    return ["-h", db["HOST"], "-p", str(db["PORT"] or 5432), "-U", db["USER"]]


def database_url(db: dict, name: str) -> str:
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


def admin_connection(db: dict):
    conn = psycopg2.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"],
        dbname="postgres",
    )
    conn.autocommit = True
    return conn


@pytest.fixture
def two_empty_databases() -> Iterator[tuple[str, str]]:
    """Two new, empty databases named after this run's own (so parallel runs never meet),
    dropped afterwards."""
    db = settings.DATABASES["default"]
    stem = f"{db['NAME'][:30]}_bk_{uuid.uuid4().hex[:8]}"
    names = (f"{stem}_live", f"{stem}_restored")
    conn = admin_connection(db)
    try:
        with conn.cursor() as cur:
            for name in names:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield names
    finally:
        with conn.cursor() as cur:
            for name in names:
                cur.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        conn.close()


def manage(database: str, materials_root: Path, *args: str) -> str:
    """Run manage.py in its own process, as an operator would, on that database and folder."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentoring.settings.test",
        "DATABASE_URL": database_url(db, database),
        "MATERIALS_STORAGE": "local",
        "MATERIALS_ROOT": str(materials_root),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


def snapshot(database: str, materials_root: Path) -> dict:
    out = manage(database, materials_root, "shell", "-c", SNAPSHOT)
    [line] = [line for line in out.splitlines() if line.startswith(MARKER)]
    return json.loads(line.removeprefix(MARKER))


def run(*command: str) -> None:
    if shutil.which(command[0]) is None:
        pytest.fail(f"{command[0]} is not on PATH: install PostgreSQL's client tools.")
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{command[0]}: {done.stderr[-4000:]}"


def test_a_dump_and_a_materials_archive_restore_everything(two_empty_databases, tmp_path):
    started = time.monotonic()
    live, restored = two_empty_databases
    db = settings.DATABASES["default"]
    live_files, restored_files = tmp_path / "materials-live", tmp_path / "materials-restored"
    live_files.mkdir()
    restored_files.mkdir()
    manage(live, live_files, "migrate", "--no-input", "-v0")
    manage(live, live_files, "seed_demo")

    # The backup: the database in PostgreSQL's custom format, then the materials folder.
    dump, archive = tmp_path / "mentoring.dump", tmp_path / "materials.tar.gz"
    run("pg_dump", "-Fc", *pg_args(db), "-d", live, "-f", str(dump))
    run("tar", "-czf", str(archive), "-C", str(live_files), ".")
    # The restore, in README's order: the database into an empty one, then the files.
    run(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        *pg_args(db),
        "-d",
        restored,
        str(dump),
    )
    run("tar", "-xzf", str(archive), "-C", str(restored_files))
    # Again, over what is there now (restoring over the damaged live database): --clean
    # --if-exists drops each object before recreating it, so nothing is doubled.
    run(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        *pg_args(db),
        "-d",
        restored,
        str(dump),
    )

    original, copy = snapshot(live, live_files), snapshot(restored, restored_files)

    for key in ("people", "pairings", "sessions", "messages", "materials", "files"):
        assert original[key], f"the demo seeded no {key}: nothing would be checked"
        assert copy[key] == original[key], key
    assert copy["counts"] == original["counts"]
    # The figures the report quotes, on failure or with -s.
    print(
        {
            key: len(original[key])
            for key in ("people", "pairings", "sessions", "messages", "materials")
        },
        f"{len(original['files'])} files, {time.monotonic() - started:.1f}s",
    )
    assert time.monotonic() - started < 60
