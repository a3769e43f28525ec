from django.db import models
from django.utils.translation import gettext_lazy as _


class ChineseAddress(models.Model):
    """An address in the order Chinese addresses are written: province, city, district, street."""

    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    district = models.CharField(_("district / county"), max_length=50, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def address(self) -> str:
        return " ".join(p for p in (self.province, self.city, self.district, self.street) if p)


class WorkerHeartbeat(models.Model):
    """A task worker (`greenit worker`) that is alive: it writes `beat_at` every few seconds.
    A task still marked running by a worker whose heartbeat stopped is put back in the queue
    (greenit/core/worker.py)."""

    worker_id = models.CharField(_("worker"), max_length=64, primary_key=True)
    host = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process id"), default=0)
    started_at = models.DateTimeField(_("started"))
    beat_at = models.DateTimeField(_("last heartbeat"), db_index=True)

    class Meta:
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")

    def __str__(self) -> str:
        return self.worker_id
