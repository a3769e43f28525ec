"""greenit keys init [--force]: make the organisation's Ed25519 signing key (for certificates
of sanitization) at SIGNING_KEY_FILE. greenit keys show: print the public key and its
fingerprint."""

from django.core.management.base import BaseCommand, CommandError

from greenit.sanitization import signing


class Command(BaseCommand):
    help = "Make (init) or show the organisation's Ed25519 key that signs certificates."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["init", "show"])
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace an existing key (certificates signed with it then need its public "
            "key in SIGNING_PUBLIC_KEYS_DIR to verify)",
        )

    def handle(self, *args, action: str, force: bool, **options):
        path = signing.key_file()
        if action == "init":
            if path.exists() and not force:
                raise CommandError(
                    f"A signing key already exists at {path}; it is not replaced. "
                    "Use --force to replace it (keep its public key in "
                    "SIGNING_PUBLIC_KEYS_DIR so older certificates still verify)."
                )
            key = signing.create_key(path, force=force)
            self.stdout.write(self.style.SUCCESS(f"Signing key written to {path}"))
        else:
            try:
                key = signing.private_key()
            except signing.KeyMissing as error:
                raise CommandError(str(error)) from None
        public = key.public_key()
        self.stdout.write(f"Fingerprint: {signing.fingerprint(public)}")
        self.stdout.write(signing.public_pem(public).decode().strip())
