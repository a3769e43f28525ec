"""A request id on every request and every log line written while serving it.

The id comes from the proxy's `X-Request-ID` header when it looks like one (nginx sends its
`$request_id`, so its access log and ours can be joined), otherwise it is made here; the
response carries it back in `X-Request-ID`. With `LOG_FORMAT=json` each log line is a JSON
object with a `request_id` field (python-json-logger); outside a request it is "-"."""

import contextvars
import logging
import re
import uuid

from django.http import HttpRequest, HttpResponse

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
# Letters, digits, dashes and dots, at most 64: a client cannot inject text into our logs.
_WELL_FORMED = re.compile(r"[A-Za-z0-9.\-]{8,64}")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = offered if _WELL_FORMED.fullmatch(offered) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response
