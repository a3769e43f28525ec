"""greenit keys init [--force]: make the organisation's Ed25519 signing key (for the content of
certificates of sanitization) at SIGNING_KEY_FILE, and, when there is none yet, a self-made CA
and the X.509 certificate that signs the certificate PDFs (PAdES) in SIGNING_PDF_DIR.
greenit keys show: print the public key, its fingerprint and the PDF signing certificate.
greenit keys ca [--force]: make the self-made CA and PDF signing certificate again.
greenit keys import-chain --key K --cert C --chain CHAIN: sign PDFs with a certificate issued
by a real CA instead (see docs/sanitization.md, "Signed certificates")."""

from pathlib import Path

from cryptography import x509
from django.core.management.base import BaseCommand, CommandError

from greenit.sanitization import signing


class Command(BaseCommand):
    help = "Make, show or import the keys that sign certificates of sanitization."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["init", "show", "ca", "import-chain"])
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace an existing key (certificates signed with it then need its public "
            "key in SIGNING_PUBLIC_KEYS_DIR to verify)",
        )
        parser.add_argument("--key", type=Path, help="import-chain: the private key (PEM)")
        parser.add_argument("--cert", type=Path, help="import-chain: its certificate (PEM)")
        parser.add_argument(
            "--chain",
            type=Path,
            help="import-chain: the issuing CA certificates up to the root (PEM, issuer first)",
        )

    def handle(self, *args, action: str, force: bool, **options):
        if action == "init":
            self._init(force)
        elif action == "ca":
            self._ca(force)
        elif action == "import-chain":
            self._import(options["key"], options["cert"], options["chain"])
        self._show()

    def _init(self, force: bool) -> None:
        path = signing.key_file()
        if path.exists() and not force:
            raise CommandError(
                f"A signing key already exists at {path}; it is not replaced. "
                "Use --force to replace it (keep its public key in "
                "SIGNING_PUBLIC_KEYS_DIR so older certificates still verify)."
            )
        signing.create_key(path, force=force)
        self.stdout.write(self.style.SUCCESS(f"Signing key written to {path}"))
        if not (signing.pdf_dir() / signing.PDF_KEY).exists():
            self._ca(force=False)

    def _ca(self, force: bool) -> None:
        try:
            signing.create_chain(force=force)
        except FileExistsError:
            raise CommandError(
                f"A PDF signing certificate already exists in {signing.pdf_dir()}; it is not "
                "replaced. Use --force to make a new CA (PDFs signed before then verify only "
                "with the old CA certificate: keep a copy of chain.pem)."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Self-made CA and PDF signing certificate written to {signing.pdf_dir()}"
            )
        )

    def _import(self, key: Path | None, cert: Path | None, chain: Path | None) -> None:
        if not (key and cert and chain):
            raise CommandError("import-chain needs --key, --cert and --chain")
        try:
            signing.import_chain(key.read_bytes(), cert.read_bytes(), chain.read_bytes())
        except OSError as error:
            raise CommandError(f"cannot read a file: {error}") from None
        except (ValueError, TypeError) as error:
            raise CommandError(f"not imported: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(f"PDF signing chain imported into {signing.pdf_dir()}")
        )

    def _show(self) -> None:
        try:
            public = signing.private_key().public_key()
        except signing.KeyMissing as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Fingerprint: {signing.fingerprint(public)}")
        self.stdout.write(signing.public_pem(public).decode().strip())
        try:
            _key, cert_pem, _chain = signing.pdf_signing_files()
        except signing.KeyMissing as error:
            self.stdout.write(f"PDF signature: {error}")
            return
        cert = x509.load_pem_x509_certificate(cert_pem)
        self.stdout.write(
            f"PDF signing certificate: {cert.subject.rfc4514_string()}, issued by "
            f"{cert.issuer.rfc4514_string()}, valid until {cert.not_valid_after_utc:%Y-%m-%d}"
        )
        for root in signing.trust_roots():
            self.stdout.write(
                f"Trusted root: {root.subject.rfc4514_string()} "
                f"(SHA-256 {signing.certificate_fingerprint(root)})"
            )
