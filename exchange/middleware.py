"""An open thread's poll answered from the cache alone when nothing changed (see exchange/live.py).

Sits before the session and authentication middleware: it reads only the session cookie's value
and the cache. It answers 204 No Content, which htmx 2 leaves unswapped (its default
responseHandling: `{code: "204", swap: false}`), while a 304 would be swapped as an empty
success; polling goes on either way.
"""

import functools
import re

from django.http import HttpRequest, HttpResponse
from django.urls import get_script_prefix, reverse

from exchange.live import poll_unchanged, session_key_of

POLL_VIEW = "exchange:thread_poll"
_ANY_ID = 987654321


@functools.cache
def _poll_path() -> re.Pattern[str]:
    """The poll's path (as path_info, without a script prefix) with its pairing id as a group:
    matched directly, because resolving the path through every URL pattern cost more than the
    rest of the answer."""
    path = "/" + reverse(POLL_VIEW, args=[_ANY_ID])[len(get_script_prefix()) :]
    before, after = path.split(str(_ANY_ID))
    return re.compile(rf"{re.escape(before)}([0-9]+){re.escape(after)}")


class ThreadPollNotModifiedMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request.GET.get("live") if request.method == "GET" else None
        if token:
            match = _poll_path().fullmatch(request.path_info)
            if match is not None and poll_unchanged(
                token=token, session_key=session_key_of(request), pairing_id=int(match[1])
            ):
                response = HttpResponse(status=204)
                response["Cache-Control"] = "no-store"
                return response
        return self.get_response(request)
