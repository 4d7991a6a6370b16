"""The deployment files agree with the code: docker-compose.yml, Dockerfile, .env.example, settings.

No Docker engine runs here, so these parse the files and check what they name against the
project itself. None needs the database.
"""

import importlib
import importlib.util
import itertools
import json
import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from django.urls import resolve

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_SOURCE = (ROOT / "mentoring" / "settings" / "base.py").read_text()
APP_SERVICES = ("web", "worker", "beat")

# `env("NAME"`, `env.bool("NAME"`, `env.db("NAME"`…: every variable the settings read.
ENV_READ = re.compile(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")
GUNICORN_READ = re.compile(r"os\.environ\.get\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")
# `NAME=value`, active or commented out (`# NAME=value`: a default no literal reproduces).
ENV_EXAMPLE_LINE = re.compile(r"^(?:#\s?)?([A-Z][A-Z0-9_]*)=")
# gunicorn's APP_MODULE (`package.module:callable`); a bind address starts with a digit.
WSGI_TARGET = re.compile(r"^([A-Za-z_][\w.]*):[A-Za-z_]\w*$")


def settings_variables() -> set[str]:
    return set(ENV_READ.findall(SETTINGS_SOURCE))


def gunicorn_variables() -> set[str]:
    """What gunicorn.conf.py reads from the environment (workers, timeout, metrics folder)."""
    return set(GUNICORN_READ.findall((ROOT / "gunicorn.conf.py").read_text()))


def env_example_lines() -> list[str]:
    return (ROOT / ".env.example").read_text().splitlines()


def env_example_variables() -> list[str]:
    return [m[1] for line in env_example_lines() if (m := ENV_EXAMPLE_LINE.match(line))]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose: dict) -> dict:
    return compose["services"]


def command_of(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else [str(arg) for arg in command]


def environment_of(service: dict) -> dict[str, str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):  # compose also accepts ["NAME=value", …]
        environment = dict(item.split("=", 1) for item in environment)
    return {name: str(value) for name, value in environment.items()}


def python_modules_in(argv: list[str]) -> set[str]:
    """The modules a command imports: gunicorn's APP_MODULE and celery's -A/--app."""
    modules = {m[1] for arg in argv if (m := WSGI_TARGET.match(arg))}
    for option, value in itertools.pairwise(argv):
        if option in ("-A", "--app"):
            modules.add(value)
    return modules


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    logical, pending = [], ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical.append(pending + stripped)
        pending = ""
    return [(text.split(None, 1)[0].upper(), text.split(None, 1)[1]) for text in logical]


def clean_environment(**overrides: str) -> dict[str, str]:
    """This process's environment without anything that configures the settings.

    pytest-django's test settings put DATABASE_URL, REDIS_URL and DEBUG into os.environ; left
    in, the subprocess would check this machine's test setup instead of the values given here.
    """
    leaking = settings_variables() | {"DJANGO_SETTINGS_MODULE", "DJANGO_CONFIGURATION"}
    environment = {name: value for name, value in os.environ.items() if name not in leaking}
    return environment | overrides


def run_manage(*args: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def production_environment(tmp_path: Path) -> dict[str, str]:
    return clean_environment(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(45),  # 60 characters, as check --deploy wants
        ALLOWED_HOSTS="mentoring.example.org",
        DJANGO_SETTINGS_MODULE="mentoring.settings.base",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
    )


DOTENV_HINT = (
    " A .env beside manage.py fills in variables missing from the environment; check it."
    if (ROOT / ".env").exists()
    else ""
)


# docker-compose.yml


def test_compose_defines_every_service_of_the_stack(services):
    assert {"proxy", "web", "worker", "beat", "db", "redis", "mail"} <= set(services)


def test_compose_has_no_obsolete_version_key(compose):
    assert "version" not in compose


def test_database_is_postgresql_16(services):
    assert services["db"]["image"].startswith("postgres:16")


def test_redis_is_version_7_and_mail_is_caught_by_mailpit(services):
    assert services["redis"]["image"].startswith("redis:7")
    assert services["mail"]["image"].startswith("axllent/mailpit")


def test_web_serves_the_wsgi_application_with_gunicorn(services):
    argv = command_of(services["web"])
    assert argv[0] == "gunicorn"
    assert "mentoring.wsgi:application" in argv
    assert "0.0.0.0:8000" in argv


def test_web_is_built_from_the_dockerfile(services):
    build = services["web"]["build"]
    dockerfile = build if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
    assert dockerfile in (".", "Dockerfile")


@pytest.mark.parametrize("role", ["worker", "beat"])
def test_worker_and_beat_run_the_mentoring_celery_app(services, role):
    argv = command_of(services[role])
    assert argv[:3] == ["celery", "-A", "mentoring"]
    assert role in argv[3:]


def test_beat_keeps_its_schedule_file_where_the_app_user_may_write(services):
    argv = command_of(services["beat"])
    schedule = argv[argv.index("--schedule") + 1]
    volumes = [str(volume).split(":")[1] for volume in services["beat"].get("volumes", [])]
    # The image's code directory is root-owned; beat runs as the app user. (/tmp here is the
    # container's, not this machine's.)
    in_tmp = schedule.startswith("/tmp/")  # noqa: S108
    assert in_tmp or any(schedule.startswith(v) for v in volumes)


def test_every_python_module_named_in_a_command_is_importable(services):
    modules = set().union(*(python_modules_in(command_of(services[s])) for s in APP_SERVICES))
    assert modules == {"mentoring.wsgi", "mentoring"}
    for module in modules:
        assert importlib.util.find_spec(module) is not None, module


def test_the_celery_app_the_commands_name_is_mentorings_celery_instance():
    app = importlib.import_module("mentoring.celery").app
    assert isinstance(app, Celery)
    # `celery -A mentoring` resolves the name this way; it must land on the configured app.
    assert find_app("mentoring") is app


def test_web_worker_and_beat_share_one_environment(services):
    web, worker, beat = (environment_of(services[s]) for s in APP_SERVICES)
    assert web == worker == beat
    assert web["DATABASE_URL"] == "postgres://mentoring:mentoring@db:5432/mentoring"
    assert web["REDIS_URL"] == "redis://redis:6379/0"
    assert web["EMAIL_URL"] == "smtp://mail:1025"
    assert web["DEBUG"] == "0"


def test_compose_sets_only_variables_the_settings_or_gunicorn_read(services):
    read = settings_variables() | gunicorn_variables()
    assert set(environment_of(services["web"])) - read == set()


def test_secret_key_must_come_from_the_host_with_a_clear_error(services):
    assert environment_of(services["web"])["SECRET_KEY"] == "${SECRET_KEY:?set SECRET_KEY}"


@pytest.mark.parametrize("role", APP_SERVICES)
def test_app_services_wait_for_healthy_database_and_redis(services, role):
    depends_on = services[role]["depends_on"]
    assert depends_on["db"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"


def test_services_waited_for_as_healthy_have_a_healthcheck(services):
    awaited = {
        name
        for service in services.values()
        for name, rule in (service.get("depends_on") or {}).items()
        if rule.get("condition") == "service_healthy"
    }
    assert awaited == {"db", "redis", "web"}
    assert all(services[name]["healthcheck"]["test"] for name in awaited)


def test_migrations_run_once_before_any_app_process_starts(services):
    assert command_of(services["migrate"])[1:] == ["manage.py", "migrate", "--no-input"]
    for role in APP_SERVICES:
        condition = services[role]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully"


def test_web_healthcheck_calls_readyz_with_python_not_curl(services):
    test = services["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    script = test[3]
    assert "http://127.0.0.1:8000/readyz" in script
    compile(script, "healthcheck", "exec")  # a syntax error would only show as "unhealthy"
    assert resolve("/readyz").url_name == "readyz"


def test_local_http_overrides_are_only_the_three_tls_switches(services):
    environment = environment_of(services["web"])
    assert {name for name, value in environment.items() if value == "0"} == {
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    }


# More than one machine's worth: web x2 and worker x2 behind one address, beat alone


def replicas(service: dict) -> int:
    return int((service.get("deploy") or {}).get("replicas", 1))


def bind_port(argv: list[str]) -> str:
    return next(value for option, value in itertools.pairwise(argv) if option in ("-b", "--bind"))


def test_two_web_and_two_worker_containers_run_but_only_one_beat(services):
    assert replicas(services["web"]) == 2
    assert replicas(services["worker"]) == 2
    assert replicas(services["beat"]) == 1


def test_only_the_proxy_publishes_the_app_port_and_web_publishes_none(services):
    """Two replicas cannot both publish one host port: people reach web through the proxy."""
    assert "ports" not in services["web"]
    assert services["proxy"]["ports"] == ["127.0.0.1:8000:8000"]
    assert services["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"


def caddyfile_of(services: dict) -> tuple[Path, str]:
    [mount] = [v for v in services["proxy"]["volumes"] if ":/etc/caddy/Caddyfile" in v]
    host_path = ROOT / mount.split(":")[0]
    return host_path, host_path.read_text()


def test_the_proxy_spreads_requests_over_every_web_replica(services):
    """Caddy looks the service name up in Docker's DNS (one address per replica) on the port
    gunicorn binds, again and again so `--scale web=N` needs no reload."""
    assert services["proxy"]["image"].startswith("caddy:2")
    path, caddyfile = caddyfile_of(services)
    assert path.is_relative_to(ROOT / "deploy"), path
    gunicorn_port = bind_port(command_of(services["web"])).rsplit(":", 1)[1]
    published_port = services["proxy"]["ports"][0].rsplit(":", 1)[1]
    assert re.search(
        rf"dynamic a \{{\s*name web\s*port {gunicorn_port}\s*refresh \d+s\s*\}}", caddyfile
    ), caddyfile
    assert re.search(rf"^:{published_port} \{{", caddyfile, re.MULTILINE)
    assert re.search(r"^\s*lb_policy round_robin$", caddyfile, re.MULTILINE)
    # A restarting replica costs a retry on the other, not an error page.
    assert re.search(r"^\s*lb_try_duration \d+s$", caddyfile, re.MULTILINE)
    assert caddyfile.count("{") == caddyfile.count("}")


def test_every_web_and_worker_replica_shares_the_same_files(compose, services):
    """Replicas of one service share its named volumes on one machine; across machines the
    materials go to a bucket (MATERIALS_STORAGE=s3, tests/exchange/test_materials_s3.py)."""
    mounts = {role: sorted(services[role]["volumes"]) for role in APP_SERVICES}
    assert mounts["web"] == mounts["worker"] == mounts["beat"]
    assert all(v.split(":")[0] in compose["volumes"] for v in mounts["web"])
    assert 'MATERIALS_STORAGE = env("MATERIALS_STORAGE", default="local")' in SETTINGS_SOURCE
    assert '"BACKEND": "storages.backends.s3.S3Storage"' in SETTINGS_SOURCE


# Dockerfile


def test_dockerfile_starts_from_python_3_11_slim():
    assert dockerfile_instructions()[0] == ("FROM", "python:3.11-slim")


def test_dockerfile_serves_the_same_wsgi_module_as_compose(services):
    commands = [args for name, args in dockerfile_instructions() if name == "CMD"]
    argv = json.loads(commands[-1])  # exec form, so gunicorn is PID 1 and gets SIGTERM
    assert argv[0] == "gunicorn"
    assert python_modules_in(argv) == python_modules_in(command_of(services["web"]))
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:8000"
    # The number of workers comes from gunicorn.conf.py (the CPUs, WEB_CONCURRENCY).
    assert "--workers" not in argv


@pytest.mark.parametrize("where", ["Dockerfile", "docker-compose.yml"])
def test_gunicorn_reads_its_config_file_from_the_image(services, where):
    """Named with -c (a missing file stops gunicorn) and copied into the image's /app, the
    working folder, by `COPY . .`."""
    if where == "Dockerfile":
        [argv] = [json.loads(a) for name, a in dockerfile_instructions() if name == "CMD"][-1:]
    else:
        argv = command_of(services["web"])
    assert argv[argv.index("-c") + 1] == "gunicorn.conf.py"
    assert (ROOT / "gunicorn.conf.py").is_file()
    assert "gunicorn.conf.py" not in (ROOT / ".dockerignore").read_text()


def test_dockerfile_installs_requirements_before_copying_the_project():
    instructions = dockerfile_instructions()
    copy_requirements = instructions.index(("COPY", "requirements.txt ."))
    install = instructions.index(("RUN", "pip install --no-cache-dir -r requirements.txt"))
    copy_project = instructions.index(("COPY", ". ."))
    assert copy_requirements < install < copy_project


def test_dockerfile_never_bakes_a_secret_key_into_the_image():
    instructions = dockerfile_instructions()
    assert not [args for name, args in instructions if name in ("ENV", "ARG") and "SECRET" in args]
    collectstatic = [args for name, args in instructions if "collectstatic" in args]
    assert len(collectstatic) == 1
    assert collectstatic[0].startswith("DEBUG=0 SECRET_KEY=")
    assert "--no-input" in collectstatic[0]


def test_dockerfile_runs_as_a_non_root_user_and_exposes_8000():
    instructions = dockerfile_instructions()
    users = [args for name, args in instructions if name == "USER"]
    assert users
    assert users[-1] not in ("root", "0")
    assert ("EXPOSE", "8000") in instructions


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().splitlines())
    expected = {".venv", ".git", ".env", "db.sqlite3*", ".run", "staticfiles", "media"}
    assert expected | {"test-artifacts"} <= ignored


def test_collectstatic_succeeds_as_the_docker_build_runs_it(tmp_path):
    # The build's RUN line, outside Docker: a missing file referenced from CSS breaks the
    # manifest storage only here, with DEBUG off.
    environment = clean_environment(
        DEBUG="0",
        SECRET_KEY="build-only-throwaway-key",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    result = run_manage("collectstatic", "--no-input", environment=environment)
    assert result.returncode == 0, result.stderr + DOTENV_HINT
    assert (tmp_path / "static" / "staticfiles.json").exists()


# .env.example


def test_env_example_names_only_variables_the_settings_read():
    for name in env_example_variables():
        assert name in SETTINGS_SOURCE, name
    assert set(env_example_variables()) - settings_variables() == set()


def test_env_example_names_every_variable_the_settings_read():
    read = settings_variables()
    assert {"SECRET_KEY", "DATABASE_URL", "EMAIL_URL", "MEDIA_ROOT"} <= read  # the regex works
    assert read - set(env_example_variables()) == set()


def test_env_example_names_each_variable_once_under_its_own_comment():
    names = env_example_variables()
    assert len(names) == len(set(names))
    lines = env_example_lines()
    for index, line in enumerate(lines):
        if ENV_EXAMPLE_LINE.match(line):
            above = lines[index - 1]
            assert above.startswith("# "), line
            assert not ENV_EXAMPLE_LINE.match(above), line


def test_copying_env_example_to_env_changes_no_setting(tmp_path):
    # The file says `cp .env.example .env` keeps the embedded mode: load it the way the settings
    # load .env and compare every setting with and without it.
    script = (
        "import environ, json, sys, django\n"
        "if sys.argv[1] == 'with':\n"
        "    environ.Env.read_env('.env.example', overwrite=False)\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        "print(json.dumps({k: repr(getattr(settings, k)) for k in dir(settings) if k.isupper()}))\n"
    )
    environment = clean_environment(DJANGO_SETTINGS_MODULE="mentoring.settings.base")
    dumps = {}
    for mode in ("without", "with"):
        result = subprocess.run(
            [sys.executable, "-c", script, mode],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        dumps[mode] = json.loads(result.stdout)
    differing = {k for k in dumps["with"] if dumps["with"][k] != dumps["without"].get(k)}
    assert differing == set()


# Settings as production starts them


def test_deploy_check_passes_with_production_settings(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", environment=production_environment(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr + DOTENV_HINT
    assert "System check identified no issues" in result.stdout


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off(tmp_path):
    environment = production_environment(tmp_path)
    del environment["SECRET_KEY"]
    result = run_manage("check", environment=environment)
    assert result.returncode != 0, result.stdout + DOTENV_HINT
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_web_and_worker_share_the_private_materials_folder(compose, services):
    """Web stores a shared file, the worker attaches it to the email: both must see one named
    volume at the folder the settings use by default (.run/materials), apart from media."""
    assert 'env.path("MATERIALS_ROOT", default=RUN_DIR / "materials")' in SETTINGS_SOURCE
    for role in ("web", "worker"):
        mounts = {v.split(":")[1]: v.split(":")[0] for v in services[role]["volumes"]}
        assert mounts["/app/.run/materials"] in compose["volumes"], role
        assert mounts["/app/.run/materials"] != mounts["/app/.run/media"], role


# the embedded mode


def test_the_embedded_mode_migrates_an_empty_sqlite_database_and_loads_the_demo(tmp_path):
    environment = clean_environment(
        DJANGO_SETTINGS_MODULE="mentoring.settings.base",
        DATABASE_URL=f"sqlite:///{tmp_path / 'embedded.sqlite3'}",
        MATERIALS_ROOT=str(tmp_path / "materials"),
    )

    migrated = run_manage("migrate", "--verbosity", "0", environment=environment)
    assert migrated.returncode == 0, migrated.stderr

    seeded = run_manage("seed_demo", environment=environment)
    assert seeded.returncode == 0, seeded.stderr
    assert "lucy@demo.mentoring.example" in seeded.stdout


def test_seed_demo_refuses_to_run_with_debug_off_unless_forced(tmp_path):
    environment = production_environment(tmp_path) | {"MATERIALS_ROOT": str(tmp_path / "m")}
    assert run_manage("migrate", "--verbosity", "0", environment=environment).returncode == 0

    refused = run_manage("seed_demo", environment=environment)
    forced = run_manage("seed_demo", "--force", environment=environment)

    assert refused.returncode != 0
    assert "looks like production: nothing was loaded" in refused.stderr
    assert forced.returncode == 0, forced.stderr


def test_metrics_add_up_every_gunicorn_worker_in_a_tmpfs_of_each_container(services):
    """/metrics counts the requests of all of a container's workers, not only the one that
    answers the scrape: each keeps its counts in one folder, private to the container."""
    folder = services["web"]["environment"]["PROMETHEUS_MULTIPROC_DIR"]
    for role in ("web", "worker", "beat"):
        assert folder in services[role].get("tmpfs", []), role
