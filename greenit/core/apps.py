from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "greenit.core"
    label = "core"

    def ready(self):
        from django.db.models.signals import pre_save

        from greenit.core.storable import refuse_unstorable

        # Every model, every face: a value its column cannot hold is refused (core/storable.py).
        pre_save.connect(refuse_unstorable, dispatch_uid="greenit.core.storable")
