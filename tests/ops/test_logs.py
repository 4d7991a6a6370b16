"""Logs: a request id on every response and, with LOG_FORMAT=json, one JSON object per line."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

SCRIPT = """
import logging, django
django.setup()
from django.http import HttpResponse
from django.test import RequestFactory
from mentoring.logs import RequestIdMiddleware

def view(request):
    logging.getLogger("mentoring.test").warning("inside %s", "a request")
    return HttpResponse()

response = RequestIdMiddleware(view)(RequestFactory().get("/", headers={"X-Request-ID": "abc-123"}))
logging.getLogger("mentoring.test").info("outside any request")
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("mentoring.test").exception("it broke")
print(response["X-Request-ID"])
"""


def run_logging(log_format: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "LOG_FORMAT": log_format}
    environment["DJANGO_SETTINGS_MODULE"] = "mentoring.settings.test"
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_json_logs_are_one_object_per_line_with_level_logger_message_and_request_id():
    result = run_logging("json")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "abc-123"
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    ours = [line for line in lines if line["logger"] == "mentoring.test"]
    inside, outside, broke = ours
    assert inside["level"] == "WARNING"
    assert inside["message"] == "inside a request"
    assert inside["request_id"] == "abc-123"
    assert inside["timestamp"]
    assert outside == {
        "timestamp": outside["timestamp"],
        "level": "INFO",
        "logger": "mentoring.test",
        "message": "outside any request",
    }
    assert broke["level"] == "ERROR"
    assert "ZeroDivisionError" in broke["exc_info"]


def test_plain_logs_stay_the_default_text():
    result = run_logging("plain")
    assert result.returncode == 0, result.stderr
    assert " WARNING mentoring.test: inside a request" in result.stderr


def test_an_unknown_log_format_stops_start_up():
    result = run_logging("xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be plain or json" in result.stderr


def test_each_response_carries_a_request_id_of_its_own(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32
    assert first != second


@pytest.mark.parametrize(
    ("given", "kept"),
    [("4bf92f3577b34da6a3ce929d0e0e4736", True), ("a b", False), ("x" * 65, False), ("", False)],
)
def test_a_proxy_request_id_is_kept_when_it_is_sane(client, given, kept):
    answered = client.get("/healthz", headers={"X-Request-ID": given})["X-Request-ID"]
    assert (answered == given) is kept
