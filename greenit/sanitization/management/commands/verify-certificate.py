"""greenit verify-certificate FILE.pdf [--public-key PEM] [--ca PEM] [--online]: check a
certificate of sanitization as a file. Exit code 0 when the PDF's own signature holds over the
whole, unchanged file (PAdES, leading to our certificate authority) and the Ed25519 signature
over the attached content holds; 1 otherwise, or when --online finds it revoked.

Offline it cannot know whether the certificate was revoked, and says so; --online fetches the
certificate's signed status from the server named in the certificate and checks its signature."""

import json
import urllib.request
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from greenit.sanitization import revocation, signing
from greenit.sanitization.offline import check_pdf

TIMEOUT = 15


def fetch_status(url: str) -> object:
    """The JSON answer of the certificate's status address (replaced in tests)."""
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"not a web address: {url}")
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 -- checked above
        return json.loads(response.read(1_000_000))


class Command(BaseCommand):
    help = "Check a certificate of sanitization PDF: both signatures, and revocation with --online."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--public-key",
            type=Path,
            help="the organisation's public key (PEM, from /sanitization/public-key.pem); "
            "default: the key of this installation",
        )
        parser.add_argument(
            "--ca",
            type=Path,
            help="the organisation's certificate authority (PEM, from /sanitization/ca.pem); "
            "default: the chain of this installation",
        )
        parser.add_argument(
            "--online",
            action="store_true",
            help="ask the server named in the certificate whether it was revoked",
        )

    def _read(self, path: Path | None, what: str) -> bytes | None:
        if path is None:
            return None
        try:
            return path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: cannot read the {what} ({error})") from None

    def handle(self, *args, file: Path, public_key, ca, online: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        key, key_pem = None, self._read(public_key, "public key")
        if key_pem is not None:
            try:
                key = signing.load_public_key(key_pem)
            except ValueError as error:
                raise CommandError(f"{public_key}: not an Ed25519 public key ({error})") from None
        chain = self._read(ca, "certificate authority")
        try:
            result = check_pdf(file.read_bytes(), public_key=key, trust_chain_pem=chain)
        except signing.KeyMissing as error:
            raise CommandError(f"{error}; or pass --public-key and --ca") from None
        except ValueError as error:
            raise CommandError(f"{ca}: not a PEM certificate ({error})") from None
        if not result.valid:
            self.stderr.write(f"INVALID: {file}: {result.message}")
            raise SystemExit(1)
        payload = result.check.payload
        self.stdout.write(f"VALID: {file}: {result.file_message} {result.message}")
        self.stdout.write(f"  Signed by {result.signer}.")
        self.stdout.write(
            f"  {payload['number']} · donation {payload['donation']['reference']} · "
            f"{payload['donation']['donor']} · {payload['media_count']} media · "
            f"issued {payload['issued_at']} · key {payload.get('key_fingerprint', '')}"
        )
        if not online:
            self.stdout.write(
                "  Revocation: cannot be known offline. Run with --online, or see "
                f"{payload['verify_url']}"
            )
            return
        self._revocation(payload, key or signing.public_key_for(payload.get("key_fingerprint")))

    def _revocation(self, payload: dict, key) -> None:
        url = payload["verify_url"] + "status.json"
        try:
            statement = revocation.check_answer(fetch_status(url), payload["number"], key)
        except (OSError, ValueError) as error:
            self.stderr.write(
                f"  Revocation: UNKNOWN, {url} did not answer with a valid signed status ({error})."
            )
            raise SystemExit(1) from None
        if statement["status"] == "revoked":
            self.stderr.write(
                f"REVOKED on {statement['revoked_at']}: {statement['reason']} "
                "(signed revocation, signature holds)"
            )
            raise SystemExit(1)
        self.stdout.write(
            f"  Revocation: not revoked as of {statement['checked_at']} "
            "(signed answer of the server, signature holds)"
        )
