"""greenit verify-certificate FILE.pdf [--public-key PEM]: check a certificate of sanitization
offline. Exit code 0 when the signature over the attached content holds, 1 otherwise."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from greenit.sanitization import signing
from greenit.sanitization.offline import check_pdf


class Command(BaseCommand):
    help = "Check the signature of a certificate of sanitization PDF offline (exit 0 valid)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--public-key",
            type=Path,
            help="the organisation's public key (PEM, from /sanitization/public-key.pem); "
            "default: the key of this installation",
        )

    def handle(self, *args, file: Path, public_key: Path | None, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        key = None
        if public_key:
            try:
                key = signing.load_public_key(public_key.read_bytes())
            except (OSError, ValueError) as error:
                raise CommandError(f"{public_key}: not an Ed25519 public key ({error})") from None
        try:
            result = check_pdf(file.read_bytes(), public_key=key)
        except signing.KeyMissing as error:
            raise CommandError(f"{error}; or pass --public-key") from None
        if not result.valid:
            self.stderr.write(f"INVALID: {file}: {result.message}")
            raise SystemExit(1)
        payload = result.check.payload
        self.stdout.write(f"VALID: {file}: {result.message}")
        self.stdout.write(
            f"  {payload['number']} · donation {payload['donation']['reference']} · "
            f"{payload['donation']['donor']} · {payload['media_count']} media · "
            f"issued {payload['issued_at']}"
        )
        self.stdout.write(
            f"  Key {payload.get('key_fingerprint', '')}. Revocation is shown online: "
            f"{payload['verify_url']}"
        )
