"""Stored files leave greenit one way: core.files.serve (type by content, nosniff,
attachment unless an image). No view or endpoint hands out a stored file itself."""

import re
from pathlib import Path

import pytest

import greenit
from greenit.core import files

FACES = sorted(
    path
    for path in Path(greenit.__file__).parent.rglob("*.py")
    if path.name in ("views.py", "api.py") and "tests" not in path.parts
)


@pytest.mark.parametrize("path", FACES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_no_face_serves_a_stored_file_itself(path):
    source = path.read_text()
    assert "FileResponse" not in source, f"{path}: serve stored files with core.files.serve"
    assert '.open("rb")' not in source
    assert not re.search(r"\.url\b", source), f"{path}: link to a view that calls files.serve"


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7\n", files.PDF),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", files.JPEG),
        (b"\x89PNG\r\n\x1a\n", files.PNG),
        (b"<html><script>", None),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">', None),
        (b"GIF89a", None),
        (b"MZ\x90\x00", None),
        (b"", None),
    ],
)
def test_the_type_is_read_from_the_content(head, kind):
    assert files.detect(head) is kind
