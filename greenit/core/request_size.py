"""A cap on every request body, by the kind of URL, checked on the Content-Length before
anything is read: a 150 MB POST to a public page is answered 413 at once instead of being
streamed to a temporary file first. Django then reads at most that many bytes (it never reads
past the Content-Length; a body without one is empty). The caps are settings:
REQUEST_MAX_BYTES for every URL, and REQUEST_MAX_BYTES_BY_PATH, the longest matching path
prefix first, for the pages that take bigger or only small files."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _


def body_cap(path: str) -> int:
    """The largest body accepted for this path, in bytes."""
    matches = [
        (len(prefix), cap)
        for prefix, cap in settings.REQUEST_MAX_BYTES_BY_PATH.items()
        if path.startswith(prefix)
    ]
    return max(matches)[1] if matches else settings.REQUEST_MAX_BYTES


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body from a length it cannot read
        cap = body_cap(request.path_info)
        if length > cap:
            message = _(
                "The request is larger than %(mb)s MB, the most this address accepts: "
                "send a smaller file."
            ) % {"mb": f"{cap / 1_000_000:g}"}
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
