from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "greenit.core"
    label = "core"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from greenit.core.storable import refuse_unstorable

        from .append_only import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="greenit-append-only")
        # Every model, every face: a value its column cannot hold is refused (core/storable.py).
        pre_save.connect(refuse_unstorable, dispatch_uid="greenit.core.storable")
