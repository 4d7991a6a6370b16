"""Telling htmx requests from plain ones: views answer a partial to htmx, a page otherwise."""

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
