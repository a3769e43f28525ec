"""Signed statements about a certificate's standing. A revocation is signed with the
organisation's Ed25519 key when it is made and kept with the certificate; the public status
address (`…/verify/<number>/<code>/status.json`) answers with it, or, while the certificate
stands, with a statement "valid as of now" signed on the spot. `greenit verify-certificate
--online` fetches and checks that answer, like an OCSP response."""

import json

from django.utils import timezone

from . import signing
from .models import Certificate

REVOKED = "greenit-certificate-revocation"
STANDING = "greenit-certificate-status"


def _signed(statement: dict) -> tuple[str, str]:
    statement["key_fingerprint"] = signing.fingerprint(signing.current_public_key())
    content = signing.canonical(statement)
    signature, _fingerprint = signing.sign(content)
    return content.decode("utf-8"), signature


def sign_revocation(certificate: Certificate) -> tuple[str, str]:
    """(canonical statement, base64 signature) of a certificate's revocation."""
    return _signed(
        {
            "type": REVOKED,
            "number": certificate.number,
            "status": "revoked",
            "revoked_at": certificate.revoked_at.isoformat(),
            "revoked_by": certificate.revoked_by.get_full_name() or certificate.revoked_by.username,
            "reason": certificate.revocation_reason,
        }
    )


def status_answer(certificate: Certificate) -> dict:
    """The signed answer of the public status address."""
    if certificate.revoked and certificate.revocation_statement:
        statement, signature = certificate.revocation_statement, certificate.revocation_signature
    elif certificate.revoked:  # revoked before revocations were signed: signed now
        statement, signature = sign_revocation(certificate)
    else:
        statement, signature = _signed(
            {
                "type": STANDING,
                "number": certificate.number,
                "status": "valid",
                "checked_at": timezone.now().isoformat(),
            }
        )
    return {"statement": statement, "signature": signature}


def check_answer(answer: object, number: str, public_key: signing.Ed25519PublicKey) -> dict:
    """The statement of a status answer when its signature holds and it is about `number`;
    ValueError otherwise."""
    if not isinstance(answer, dict) or not all(
        isinstance(answer.get(k), str) for k in ("statement", "signature")
    ):
        raise ValueError("the status answer is not a signed statement")
    if not signing.verify(answer["statement"].encode("utf-8"), answer["signature"], public_key):
        raise ValueError("the signature of the status answer does not hold")
    statement = json.loads(answer["statement"])
    if statement.get("number") != number or statement.get("status") not in ("valid", "revoked"):
        raise ValueError("the status answer is about another certificate")
    return statement
