"""Talks to the greenit server: POST one record to /api/sanitization/records with the
station's token. urllib only, so the agent runs where nothing else is installed."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass

PATH = "/api/sanitization/records"


class Transient(Exception):
    """The server could not be reached or did not answer properly: try again later."""


class Rejected(Exception):
    """The server answered 4xx: the record is wrong for it; retrying will not help."""

    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message
        super().__init__(f"HTTP {status}: {message}")


@dataclass
class Delivered:
    status: int
    body: dict


class Client:
    def __init__(self, server: str, token: str, *, timeout: float = 15.0) -> None:
        if not server.startswith(("http://", "https://")):
            raise ValueError(f"server must be an http(s) URL, not {server!r}")
        self.server = server.rstrip("/")
        self.url = self.server + PATH
        self.token = token
        self.timeout = timeout

    def send(self, record: dict) -> Delivered:
        # A spooled item names its own endpoint when it is not a sanitization record (a
        # hardware snapshot, a wipe report's text): see inventory.envelope.
        url, content_type = self.url, "application/json"
        data = json.dumps(record).encode()
        if "path" in record:
            url = self.server + record["path"]
            if "raw" in record:
                data, content_type = record["raw"].encode(), "text/plain; charset=utf-8"
            else:
                data = json.dumps(record["body"]).encode()
        request = urllib.request.Request(  # noqa: S310 (scheme checked in __init__)
            url,
            data=data,
            method="POST",
            headers={
                "Content-Type": content_type,
                "Accept": "application/json",
                "Authorization": f"Bearer {self.token}",
                "User-Agent": "greenit-wipe",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            message = _message(exc.read())
            if 400 <= exc.code < 500 and exc.code not in (408, 429):
                raise Rejected(exc.code, message) from exc
            raise Transient(f"HTTP {exc.code}: {message}") from exc
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            # refused, reset, timed out, or the connection dropped before the answer
            raise Transient(str(getattr(exc, "reason", exc)) or exc.__class__.__name__) from exc
        if not 200 <= status < 300:
            raise Transient(f"HTTP {status}")
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        return Delivered(status=status, body=body if isinstance(body, dict) else {})


def _message(raw: bytes) -> str:
    try:
        data = json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")[:500]
    if isinstance(data, dict):
        detail = data.get("detail", data)
        errors = data.get("errors")
        return f"{detail} {json.dumps(errors, ensure_ascii=False)}" if errors else str(detail)
    return str(data)
