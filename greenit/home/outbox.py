"""The developer's outbox: with DEBUG on, e-mail is written to files under EMAIL_FILE_PATH
(Django's file backend) instead of being sent, and /outbox/ lists it, newest first, so whoever
walks a journey on `make run` reads the donor's confirmation or the school's set-password link
without a mail server. The page does not exist with DEBUG off."""

from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

# Django's file backend ends every message with a line of 79 dashes.
_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


@dataclass(frozen=True)
class SentMail:
    date: str
    to: str
    subject: str
    body: str


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""


def sent_mail(folder: Path, *, limit: int = 100) -> list[SentMail]:
    """The last `limit` messages written to the outbox folder, newest first."""
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.log"), key=lambda f: f.stat().st_mtime, reverse=True)
    found: list[SentMail] = []
    for file in files:
        for raw in reversed(file.read_bytes().split(_SEPARATOR)):
            if not raw.strip():
                continue
            message = message_from_bytes(raw.lstrip(b"\n"), policy=policy.default)
            found.append(
                SentMail(
                    date=str(message.get("Date", "")),
                    to=str(message.get("To", "")),
                    subject=str(message.get("Subject", "")),
                    body=_body(message),
                )
            )
            if len(found) >= limit:
                return found
    return found
