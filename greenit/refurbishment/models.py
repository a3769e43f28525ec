"""Refurbishment: the test of a device before it goes to a classroom (a checklist, the parts
used, the software kit installed) and its grade. One record per device; a re-test updates it.

The classrooms app filters ready devices by `Refurbishment.grade` ("A" is best)."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from greenit.core.personal import NotPersonal
from greenit.core.querysets import VisibleToQuerySet


class SoftwareKit(models.Model):
    """A software image staff install on refurbished computers (a record staff manage)."""

    name = models.CharField(_("name"), max_length=200)
    # Shown on Chinese pages (and the classroom's public page) when given; the name and
    # contents above are then the English ones.
    name_zh = models.CharField(_("name in Chinese"), max_length=200, blank=True)
    version = models.CharField(_("version"), max_length=50)
    contents = models.TextField(
        _("contents"),
        help_text=_("One item a line, e.g. Scratch offline, Python + Thonny, NVDA screen reader."),
    )
    contents_zh = models.TextField(
        _("contents in Chinese"),
        blank=True,
        help_text=_("The same items, one a line, as Chinese pages show them."),
    )
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("Only kits in use can be installed.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    personal_data = NotPersonal(_("the name of a software kit"))

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = _("software kit")
        verbose_name_plural = _("software kits")
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="software_kit_name_version")
        ]

    def __str__(self) -> str:
        return f"{self.shown_name} {self.version}"

    @property
    def shown_name(self) -> str:
        """The name in the language of the page, the other one when it has none."""
        return _in_language(self.name_zh, self.name)

    @property
    def items(self) -> list[str]:
        return text_lines(_in_language(self.contents_zh, self.contents))


def text_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _in_language(zh: str, en: str) -> str:
    return (zh if (get_language() or "").startswith("zh") else en) or en or zh


class Check(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "na", _("Not applicable")


class Grade(models.TextChoices):
    """A is best. Fail sends the device to recycling."""

    A = "A", _("A: like new")
    B = "B", _("B: good, visible wear")
    C = "C", _("C: works, heavy wear")
    FAIL = "fail", _("Fail: to recycling")


PASSING_GRADES = (Grade.A, Grade.B, Grade.C)

# The checklist, in the order a technician works through it: (field name, label).
CHECKS: tuple[tuple[str, str], ...] = (
    ("powers_on", _("Powers on")),
    ("display", _("Display")),
    ("keyboard", _("Keyboard")),
    ("touchpad", _("Touchpad")),
    ("battery", _("Battery")),
    ("ram", _("Memory (RAM)")),
    ("storage", _("Storage health")),
    ("ports", _("Ports")),
    ("wifi", _("Wi-Fi")),
)


def _check_field(label):
    return models.CharField(
        label, max_length=4, choices=Check.choices, default=Check.NOT_APPLICABLE
    )


def _note_field(label):
    return models.CharField(
        format_lazy(_("{check}: note"), check=label), max_length=300, blank=True
    )


class RefurbishmentQuerySet(VisibleToQuerySet):
    organisation_path = None  # the workshop's records: staff only

    def passing(self) -> "RefurbishmentQuerySet":
        return self.filter(grade__in=PASSING_GRADES)


class Refurbishment(models.Model):
    asset = models.OneToOneField(
        "assets.Asset",
        verbose_name=_("device"),
        on_delete=models.PROTECT,
        related_name="refurbishment",
    )
    powers_on = _check_field(_("Powers on"))
    powers_on_note = _note_field(_("Powers on"))
    display = _check_field(_("Display"))
    display_note = _note_field(_("Display"))
    keyboard = _check_field(_("Keyboard"))
    keyboard_note = _note_field(_("Keyboard"))
    touchpad = _check_field(_("Touchpad"))
    touchpad_note = _note_field(_("Touchpad"))
    battery = _check_field(_("Battery"))
    battery_note = _note_field(_("Battery"))
    battery_health_percent = models.PositiveSmallIntegerField(
        _("battery health (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    ram = _check_field(_("Memory (RAM)"))
    ram_note = _note_field(_("Memory (RAM)"))
    ram_gb = models.DecimalField(
        _("RAM (GB)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    storage = _check_field(_("Storage health"))
    storage_note = _note_field(_("Storage health"))
    ports = _check_field(_("Ports"))
    ports_note = _note_field(_("Ports"))
    wifi = _check_field(_("Wi-Fi"))
    wifi_note = _note_field(_("Wi-Fi"))
    software_kit = models.ForeignKey(
        SoftwareKit,
        verbose_name=_("software kit installed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refurbishments",
    )
    grade = models.CharField(_("grade"), max_length=4, choices=Grade.choices)
    notes = models.TextField(_("notes"), blank=True)
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    tested_at = models.DateTimeField(_("tested at"), default=timezone.now)

    objects = RefurbishmentQuerySet.as_manager()

    class Meta:
        ordering = ["-tested_at", "-pk"]
        verbose_name = _("refurbishment")
        verbose_name_plural = _("refurbishments")
        indexes = [models.Index(fields=["grade"], name="refurbishment_grade")]
        constraints = [
            models.CheckConstraint(
                condition=Q(battery_health_percent__isnull=True)
                | Q(battery_health_percent__lte=100),
                name="refurbishment_battery_percent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.asset} ({self.grade})"

    @property
    def is_passing(self) -> bool:
        return self.grade in PASSING_GRADES

    @property
    def checklist(self) -> list[tuple[str, str, str, str]]:
        """(name, label, result label, note) per check, for display."""
        return [
            (
                name,
                str(label),
                Check(getattr(self, name)).label,
                getattr(self, f"{name}_note"),
            )
            for name, label in CHECKS
        ]

    @property
    def failed_checks(self) -> list[str]:
        return [str(label) for name, label in CHECKS if getattr(self, name) == Check.FAIL]


class PartUsed(models.Model):
    refurbishment = models.ForeignKey(Refurbishment, on_delete=models.CASCADE, related_name="parts")
    part = models.CharField(_("part"), max_length=200)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("part used")
        verbose_name_plural = _("parts used")
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="part_quantity")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.part}"
