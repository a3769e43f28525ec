"""Uploaded files are private: pages link to a view that checks who may see the object, and
the view hands over the file from whatever storage holds it."""

import mimetypes
from pathlib import PurePosixPath

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect


def serve(file: FieldFile) -> HttpResponse:
    """The stored file: streamed from local storage, or a redirect to the storage's own
    short-lived signed address (S3-compatible storage signs its URLs)."""
    if not file:
        raise Http404
    storage = file.storage
    try:
        storage.path(file.name)
    except NotImplementedError:
        return redirect(file.url)
    if not storage.exists(file.name):
        raise Http404
    content_type, _encoding = mimetypes.guess_type(file.name)
    return FileResponse(
        storage.open(file.name, "rb"),
        content_type=content_type or "application/octet-stream",
        filename=PurePosixPath(file.name).name,
    )
