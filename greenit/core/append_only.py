"""Records that are written once and never changed: custody events, sanitization records.

The model and its querysets refuse here; each table also has a database trigger (see the
migrations) so that no other code or console can change a row either."""

from django.db import models
from django.utils import translation


class AppendOnly(Exception):
    pass


def _refuse(model) -> AppendOnly:
    with translation.override("en"):
        return AppendOnly(f"{model._meta.verbose_name_plural} are append-only")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise _refuse(self.model)

    def delete(self):
        raise _refuse(self.model)


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise _refuse(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _refuse(type(self))
