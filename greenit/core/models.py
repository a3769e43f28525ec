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
