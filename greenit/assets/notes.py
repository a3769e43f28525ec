"""Notes the system writes on custody events ("Scanned in at intake", "Allocated to …"),
shown in the reader's language rather than in the language of whoever caused them.

A SystemNote keeps its English words (a msgid, marked with gettext_noop so that makemessages
finds it) and its parameters. The event stores both (`CustodyEvent.system_note`) and, in
`note`, the English sentence, for the API and for searches; pages translate it when shown."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SystemNote:
    text: str
    params: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str, **params) -> SystemNote:
        """The note with each parameter as text (a project, a number)."""
        return cls(text, {name: str(value) for name, value in params.items()})

    def english(self) -> str:
        return self.text % self.params if self.params else self.text

    def stored(self) -> dict:
        return {"text": self.text, "params": self.params}


def columns(note: str | SystemNote) -> tuple[str, dict | None]:
    """The event's `note` and `system_note` for a note given as either."""
    if isinstance(note, SystemNote):
        return note.english(), note.stored()
    return note, None
