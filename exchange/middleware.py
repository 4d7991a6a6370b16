"""An open thread's poll answered from the cache alone when nothing changed (see exchange/live.py).

Sits before the session and authentication middleware: it reads only the session cookie's value
and the cache. It answers 204 No Content, which htmx 2 leaves unswapped (its default
responseHandling: `{code: "204", swap: false}`), while a 304 would be swapped as an empty
success; polling goes on either way.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from exchange.live import poll_unchanged, session_key_of

POLL_VIEW = "exchange:thread_poll"


class ThreadPollNotModifiedMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request.GET.get("live") if request.method == "GET" else None
        if token:
            try:
                match = resolve(request.path_info)
            except Resolver404:
                match = None
            if (
                match is not None
                and match.view_name == POLL_VIEW
                and poll_unchanged(
                    token=token,
                    session_key=session_key_of(request),
                    pairing_id=match.kwargs.get("pairing_id"),
                )
            ):
                response = HttpResponse(status=204)
                response["Cache-Control"] = "no-store"
                return response
        return self.get_response(request)
