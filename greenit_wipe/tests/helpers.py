"""Test helpers: file targets with "secret" content, a drive that drops writes, and a small
HTTP server that behaves like greenit's records API."""

from __future__ import annotations

import json
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from greenit_wipe.methods import BlockIO

SECRET = b"\xa5"  # what was on the donor's drive


def make_target(path, size: int) -> str:
    with open(path, "wb") as f:
        f.write(SECRET * size)
    return str(path)


class DroppingIO(BlockIO):
    """A drive that acknowledges every write but silently leaves the bytes in `bad` (a
    range of offsets) as they were: the old data survives the overwrite."""

    def __init__(self, path: str, bad: range) -> None:
        self.bad = bad
        with open(path, "rb") as f:
            f.seek(bad.start)
            self.old = f.read(len(bad))

    def write(self, fd, data, offset):
        lo, hi = max(offset, self.bad.start), min(offset + len(data), self.bad.stop)
        if lo < hi:
            data = bytearray(data)
            data[lo - offset : hi - offset] = self.old[lo - self.bad.start : hi - self.bad.start]
        super().write(fd, data, offset)


def closed_port() -> int:
    """A localhost port nobody listens on (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeServer:
    """Mimics POST /api/sanitization/records: 201 {"status": "created"} for a new
    record_id, 200 {"status": "duplicate"} for one it already has. `drop_replies` makes it
    store the next N records and hang up before answering (a lost response); `reject`
    answers 422 to everything."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.records: dict[str, dict] = {}
        self.requests: list[tuple[str, str, dict]] = []  # (path, auth, body)
        self.drop_replies = 0
        self.reject = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append((self.path, self.headers.get("Authorization"), body))
                if self.headers.get("Authorization") != f"Bearer {server.token}":
                    return self.answer(401, {"detail": "Unauthorized"})
                if server.reject:
                    return self.answer(
                        422, {"detail": "Invalid input", "errors": {"asset_tag": ["unknown"]}}
                    )
                duplicate = body["record_id"] in server.records
                server.records.setdefault(body["record_id"], body)
                if server.drop_replies:
                    server.drop_replies -= 1
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return None
                if duplicate:
                    return self.answer(200, {"status": "duplicate"})
                return self.answer(201, {"status": "created", "id": len(server.records)})

            def answer(self, status, data):
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def read(path) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def fsize(path) -> int:
    return os.path.getsize(path)
