import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from greenit.core.models import ChineseAddress
from greenit.core.personal import NotPersonal, PersonalData


class Role(models.TextChoices):
    """Staff roles. External contacts have none: their organisation decides what they see."""

    ADMINISTRATOR = "administrator", _("Administrator")
    LOGISTICS = "logistics", _("Logistics")
    TECHNICIAN = "technician", _("Technician")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see every organisation; a contact sees their own; anyone else none."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff_member:
            return self
        if not user.organisation_id:
            return self.none()
        return self.filter(pk=user.organisation_id)


class Organisation(ChineseAddress):
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    is_donor = models.BooleanField(_("donor"), default=False)
    is_sponsor = models.BooleanField(_("sponsor"), default=False)
    is_school = models.BooleanField(_("school"), default=False)
    is_recycler = models.BooleanField(_("recycler"), default=False)
    is_partner = models.BooleanField(_("partner"), default=False)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    personal_data = NotPersonal(
        _("an organisation's name, address and switchboard; its people are accounts")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return f"{self.name} ({self.name_en})" if self.name_en else self.name

    @property
    def kinds(self) -> list[str]:
        labels = {
            "is_donor": _("donor"),
            "is_sponsor": _("sponsor"),
            "is_school": _("school"),
            "is_recycler": _("recycler"),
            "is_partner": _("partner"),
        }
        return [str(label) for flag, label in labels.items() if getattr(self, flag)]


class User(AbstractUser):
    """A person who logs in: staff with roles (Django groups named after Role values), or an
    external contact of one organisation (donor, sponsor, school) with no role."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
        help_text=_("Set for external contacts only; they see nothing but this organisation's."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    personal_data = PersonalData(
        fields=("first_name", "last_name", "email", "phone", "username"),
        identifies=("email", "phone", "username"),
        purpose=_("log in, and name who did what in the chain of custody"),
        seen_by=_("staff; an external contact's own organisation"),
        retention="accounts",
        # An erased person cannot log in again; their past actions keep pointing at the row.
        erase_to={"is_active": False, "password": "!erased"},
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        """People are shown by name (in choices, rosters, custody events); the login name only
        where no name was given."""
        return self.get_full_name().strip() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.is_active:
            return frozenset()
        if self.is_superuser:
            return frozenset(Role.values)
        names = frozenset(self.groups.values_list("name", flat=True)) & set(Role.values)
        return frozenset(Role.values) if Role.ADMINISTRATOR in names else names

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    @property
    def is_staff_member(self) -> bool:
        """Works for the greenit organisation itself (sees across organisations)."""
        return bool(self.roles) and self.organisation_id is None

    @property
    def is_external_contact(self) -> bool:
        return not self.is_staff_member


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class TokenScope(models.TextChoices):
    """What a token may do, on top of what its person may do (docs/api.md, docs/security.md).
    Which operations each scope opens is decided in one place: `greenit.api_auth`."""

    READ = "read", _("read: look up and list, change nothing")
    WRITE = "write", _("read and write: everything you may do")
    WIPE_STATION = (
        "wipe_station",
        _(
            "wipe station: post sanitization records (with the medium's hardware details) and "
            "read a device's media, nothing else"
        ),
    )


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now),
            revoked_at__isnull=True,
            user__is_active=True,
        )

    def authenticate(self, key: str) -> "ApiToken | None":
        """The token with this key, if it is neither revoked nor expired and its person is
        active; None otherwise (the caller answers 401)."""
        token = (
            self.usable().select_related("user", "user__organisation").filter(key_hash=_hash(key))
        ).first()
        if token is None:
            return None
        now = timezone.now()
        # Written at most once a minute per token: machines call often.
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token


class ApiToken(models.Model):
    """A machine's key to the API. It acts as its user, with that user's organisation scope
    and roles; only a hash is stored, the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    scope = models.CharField(
        _("scope"), max_length=20, choices=TokenScope.choices, default=TokenScope.READ
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    personal_data = NotPersonal(_("the name a person gave a token"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(
        cls,
        *,
        user: User,
        name: str,
        scope: str = TokenScope.WRITE,
        expires_at=None,
    ) -> tuple["ApiToken", str]:
        key = "gi_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=key[:8],
            key_hash=_hash(key),
            scope=TokenScope(scope),
            expires_at=expires_at,
        )
        return token, key

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    def revoke(self) -> None:
        """The key opens nothing from now on; the row stays, to show when it was revoked."""
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
