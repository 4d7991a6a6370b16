"""Who did it and from where, for every entry written while a request is served."""

from collections.abc import Callable

from allauth.account.adapter import get_adapter
from auditlog.context import set_actor
from django.http import HttpRequest, HttpResponse


class AuditContextMiddleware:
    """The signed-in person is the actor; the address is the client's as the sign-in rate
    limits see it (X-Forwarded-For only as far as TRUSTED_PROXY_COUNT trusts it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        with set_actor(actor=user, remote_addr=get_adapter(request).get_client_ip(request)):
            return self.get_response(request)
