"""Agencies, their users and the roles users hold."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.agencies.choices import AgencyType, LetterKind, Role, UserKind
from sinergi.agencies.letters import DEFAULT_PATTERN
from sinergi.core.fields import EncryptedTextField


class AgencyQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> AgencyQuerySet:
        """The agencies `user` may act on.

        Every signed-in staff member reads the directory (a referral needs the receiving agency); only the
        platform administrator creates or edits agencies.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if action == "view" or user.is_superuser:
            return self
        return self.none()


class Agency(models.Model):
    """An organisation that takes part in Sinergi: a BP3MI office, a Polda TPPO unit, a KBRI, an NGO..."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=AgencyType.choices, db_index=True)
    jurisdiction = models.ForeignKey(
        "regions.Region",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        help_text=_("The region the agency serves; empty for national bodies and embassies."),
    )
    country = models.CharField(
        _("country"), max_length=2, default="ID", help_text=_("ISO 3166-1 alpha-2; embassies sit abroad.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("office phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    # What the agency's letters (surat rujukan, case summary, handover record) carry.
    letterhead = models.TextField(
        _("letterhead"),
        blank=True,
        help_text=_("One line per row, from the top: e.g. the ministry, then the office's own name."),
    )
    address = models.TextField(_("address"), blank=True)
    letter_place = models.CharField(
        _("place of signing"), max_length=80, blank=True, help_text=_("The city printed before the date.")
    )
    letter_number_pattern = models.CharField(
        _("letter number pattern"),
        max_length=120,
        default=DEFAULT_PATTERN,
        help_text=_(
            "{nomor} is the running number of the year, {kode} the agency code, {jenis} the kind of letter, "
            "{bulan} the month in Roman numerals, {tahun} the year."
        ),
    )
    signatory_name = models.CharField(_("signatory"), max_length=120, blank=True)
    signatory_title = models.CharField(_("signatory's position"), max_length=160, blank=True)
    signatory_nip = models.CharField(_("signatory's NIP"), max_length=30, blank=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class UserQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> UserQuerySet:
        """The users `user` may see ("view") or manage ("change").

        Staff see the people of their own agency; an agency administrator manages them; the platform
        administrator sees and manages everyone. Anything else is out of scope and answers 404.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        if user.agency_id is None:
            return self.none()
        if action == "view" or user.has_role(Role.AGENCY_ADMIN):
            return self.filter(agency_id=user.agency_id)
        return self.none()


class SinergiUserManager(UserManager.from_queryset(UserQuerySet)):
    """No default join on the agency: PostgreSQL cannot lock the nullable side of an outer join, which would
    break `select_for_update()` and `update_or_create()` on users. The session user is loaded with its agency
    by the authentication backend instead."""


class User(AbstractUser):
    """A staff member or an integrated system, always belonging to one agency (platform staff to PLATFORM)."""

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=10, choices=UserKind.choices, default=UserKind.PERSON)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    preferred_language = models.CharField(_("language"), max_length=8, default="id")

    # Second factor (TOTP, RFC 6238). The secret is encrypted like any other credential at rest.
    totp_secret = EncryptedTextField(_("TOTP secret"), blank=True, default="")
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    totp_last_counter = models.BigIntegerField(
        default=0, help_text="Last accepted TOTP time step, so a code cannot be replayed."
    )

    # Lock-out after repeated failures.
    failed_login_count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    lockout_count = models.PositiveIntegerField(
        default=0, help_text="Lock-outs since the last successful sign-in: each one lasts twice as long."
    )

    objects = SinergiUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agency__isnull=False) | models.Q(is_superuser=True),
                name="user_agency_required_unless_superuser",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_codes(self) -> frozenset[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(_role_codes_of(self.pk)) if self.pk else frozenset()
            self._role_codes = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes.intersection(roles))

    @property
    def is_platform_admin(self) -> bool:
        return self.is_superuser

    @property
    def has_totp(self) -> bool:
        return self.totp_confirmed_at is not None

    @property
    def is_locked(self) -> bool:
        return bool(self.locked_until and self.locked_until > timezone.now())


def _role_codes_of(user_id: int) -> list[str]:
    # Plain SQL: every signed-in request asks for the user's roles once, and compiling the ORM query cost
    # more than running it.
    table = connection.ops.quote_name(UserRole._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT role FROM {table} WHERE user_id = %s", [user_id])  # noqa: S608 (the model's own table)
        return [row[0] for row in cursor.fetchall()]


class UserRole(models.Model):
    """One role held by one user. A user may hold several (a supervisor who is also a case worker)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="user_role_unique")]
        verbose_name = _("role")

    def __str__(self) -> str:
        return self.get_role_display()


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 of the secret is kept; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(
        max_length=12, db_index=True, help_text="First characters, to recognise a token."
    )
    key_hash = models.CharField(max_length=64, unique=True)
    credential_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        help_text="A keyed hash of the owner's password hash and second factor when the token was made.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    no_expiry_reason = models.CharField(
        _("reason for no expiry"),
        max_length=200,
        blank=True,
        help_text=_("Only integrated systems, only set by a platform administrator."),
    )
    scopes = models.JSONField(
        _("scopes"),
        null=True,
        blank=True,
        default=None,
        help_text=_("What an integrated system's token may do (ApiScope); none for a person's own token."),
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_because = models.CharField(max_length=32, blank=True, help_text="A code: why the token stopped.")

    class Meta:
        verbose_name = _("API token")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__isnull=False) | ~models.Q(no_expiry_reason=""),
                name="api_token_expires_unless_reason_given",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_valid(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class UserSession(models.Model):
    """The server-side sessions of a user, so that logout, disabling or a password reset ends all of them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"session of user {self.user_id}"


class DeviceLockout(models.Model):
    """The failed sign-ins of one trusted browser (its device cookie) and that browser's lock.

    OWASP's "device cookies": a browser that completed a sign-in gets a signed cookie for the account, and its
    failures count here instead of towards the account's lock, which then stops only clients without a valid
    cookie. So whoever guesses from many addresses can lock the account for everyone else but not keep its
    owner out of their own browser. A row exists once its cookie has failed; a sign-in with it deletes the row.
    Only a hash of the cookie's nonce is stored.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="device_lockouts")
    nonce_hash = models.CharField(max_length=64, unique=True)
    failed_count = models.PositiveIntegerField(default=0)
    first_failed_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    lockout_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("locked browser")

    def __str__(self) -> str:
        return f"device cookie {self.pk} of user {self.user_id}"

    @property
    def is_locked(self) -> bool:
        return bool(self.locked_until and self.locked_until > timezone.now())


class RecoveryCode(models.Model):
    """A one-time code that replaces the authenticator app once, e.g. when the phone is lost.

    Only a keyed hash is stored; the codes are shown to the user once, when they are generated.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"recovery code {self.pk} of user {self.user_id}"


class LetterCounter(models.Model):
    """The last letter number an agency issued in a year (incremented with F() inside the issuing
    transaction, so two letters never share a number)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="lettercounter_agency_year")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last}"


class IssuedLetter(models.Model):
    """The register of outgoing letters (agenda surat keluar): one number per agency, kind and record, kept
    when the letter is printed again."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(_("kind"), max_length=16, choices=LetterKind.choices)
    record_id = models.PositiveBigIntegerField()
    year = models.PositiveSmallIntegerField()
    serial = models.PositiveIntegerField()
    number = models.CharField(_("letter number"), max_length=160)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("issued letter")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "record_id"], name="issuedletter_one_per_record"
            ),
            models.UniqueConstraint(fields=["agency", "year", "serial"], name="issuedletter_serial_unique"),
        ]

    def __str__(self) -> str:
        return self.number
