"""Liveness and readiness: /healthz answers without the database, /readyz checks the services."""

import socket

import pytest
from django.db import connection
from django.test import override_settings


def closed_port() -> int:
    """A port on this machine where nothing listens: connections to it are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any database access here would raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "sessionid" not in response.cookies
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_ready_when_every_service_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert {name: c["status"] for name, c in body["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
        "migrations": "ok",
    }
    assert "sessionid" not in response.cookies
    assert "csrftoken" not in response.cookies


@pytest.mark.django_db
def test_readyz_stays_ready_but_degraded_naming_the_cache_when_its_redis_is_unreachable(client):
    # Pages serve without the cache: a Redis outage must not empty the load balancer.
    unreachable = {
        "default": {
            "BACKEND": "mentoring.cache.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    with override_settings(CACHES=unreachable):
        response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["degraded"] == ["cache"]
    assert body["checks"]["cache"]["status"] == "failed"
    assert body["checks"]["database"]["status"] == "ok"
    assert "127.0.0.1" not in response.content.decode()  # the details go to the log only


@pytest.mark.django_db
def test_readyz_stays_ready_but_degraded_naming_the_broker_when_it_is_unreachable(client):
    # Tasks wait as outbox rows while the broker is away: bookings still succeed.
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{closed_port()}/0"):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["degraded"] == ["broker"]


@pytest.mark.django_db
def test_readyz_is_503_while_a_migration_is_unapplied(client):
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = 'webhooks' AND name = '0001_initial'"
        )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["migrations"]


def test_both_probes_are_exempt_from_the_https_redirect(settings):
    assert r"^healthz$" in settings.SECURE_REDIRECT_EXEMPT
    assert r"^readyz$" in settings.SECURE_REDIRECT_EXEMPT
