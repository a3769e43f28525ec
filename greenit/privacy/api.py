"""A person's information for administrators' tools: find and export (PIPL art. 45) and erase
(art. 47), the same services as the pages at /privacy/person/."""

from typing import Any

from ninja import Router, Schema

from greenit.core.schema_types import text

from . import services

router = Router(tags=["personal information"])


class PersonOut(Schema):
    subject: str
    records: dict[str, list[dict[str, Any]]]


class EraseIn(Schema):
    q: text(200, required=True)
    confirm: bool


class ErasedOut(Schema):
    counts: dict[str, int]


@router.get("/people", response=PersonOut)
def find_person(request, q: text(200, required=True)):
    """Every record greenit holds about the person whose e-mail, phone or name is `q`, every
    field but secrets, by model (administrators only)."""
    return {"subject": q, "records": services.person_find(actor=request.user, query=q)}


@router.post("/people/erase", response=ErasedOut)
def erase_person(request, payload: EraseIn):
    """Anonymise the person everywhere (administrators only; `confirm` must be true). Rows
    stay, so devices, custody events, certificates and figures stay whole."""
    counts = services.person_erase(actor=request.user, query=payload.q, confirmed=payload.confirm)
    return {"counts": counts}
