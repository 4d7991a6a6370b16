"""The per-address rate of the API, counted before anything else about the request: a client
sending bad tokens or none (answered 401 before DRF's own throttles run) or asking for
addresses that do not exist is held to the same rate as everyone else at its address."""

import math
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.exceptions import Throttled

from api.errors import API_PREFIX
from api.throttling import PerAddressThrottle


class ApiAddressThrottleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            throttle = PerAddressThrottle()
            if not throttle.allow_request(request, None):
                wait = math.ceil(throttle.wait() or 1)
                detail = str(Throttled(wait=wait).detail)
                response = JsonResponse({"detail": detail, "code": "throttled"}, status=429)
                response["Retry-After"] = str(wait)
                return response
        return self.get_response(request)
