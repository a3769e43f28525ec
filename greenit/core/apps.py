from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "greenit.core"
    label = "core"

    def ready(self) -> None:
        from .append_only import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="greenit-append-only")
