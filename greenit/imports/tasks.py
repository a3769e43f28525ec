from django.contrib.auth import get_user_model
from django_tasks import task

from .models import AssetImport


@task()
def run_import(import_id: int, actor_id: int | None) -> None:
    """Import a big asset list off the request; the import page shows its progress."""
    from . import services

    asset_import = AssetImport.objects.select_related("donation").get(pk=import_id)
    actor = get_user_model().objects.get(pk=actor_id) if actor_id else None
    services.import_run(asset_import=asset_import, actor=actor)
