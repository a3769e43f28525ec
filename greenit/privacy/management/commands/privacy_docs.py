"""`greenit privacy_docs`: rewrite the record of processing in docs/privacy.md from the
models' declarations (a test fails when the file is out of date)."""

from django.core.management.base import BaseCommand

from greenit.privacy.processing import DOCS, docs_with_record


class Command(BaseCommand):
    help = "Rewrite the record of processing in docs/privacy.md from the declarations."

    def handle(self, *args, **options) -> None:
        DOCS.write_text(docs_with_record(DOCS.read_text()))
        self.stdout.write(f"wrote {DOCS}")
