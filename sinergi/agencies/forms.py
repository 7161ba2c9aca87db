"""Forms for sign-in, the second factor, profiles, agencies and users. They validate input; services act."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.agencies.choices import AgencyType, ApiScope, Role, UserKind
from sinergi.agencies.letters import DEFAULT_PATTERN, pattern_problems
from sinergi.agencies.models import Agency, User
from sinergi.agencies.selectors import mail_reachable_users
from sinergi.regions.choices import RegionLevel
from sinergi.regions.widgets import RegionChoiceField

# One message for every refused sign-in: wrong password, unknown account, locked or disabled account.
SIGN_IN_FAILED = _(
    "Sign-in failed. Check your username and password and try again. After several failed attempts, "
    "sign-in is paused for a while."
)


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


class OtpForm(forms.Form):
    otp_code = forms.CharField(
        label=_("Code"),
        max_length=12,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class EnrolForm(forms.Form):
    otp_code = forms.CharField(
        label=_("Code from the app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )


class LanguageForm(forms.Form):
    preferred_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


TOKEN_LIFETIMES = [
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("1 year")),
]


class ApiTokenForm(forms.Form):
    """A token for oneself, confirmed with a fresh authenticator code. It always expires (at most a year)."""

    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the system that uses it."),
    )
    lifetime = forms.ChoiceField(label=_("Valid for"), choices=TOKEN_LIFETIMES, initial="90")
    otp_code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )

    def clean(self):
        cleaned = super().clean()
        lifetime = cleaned.get("lifetime")
        # "" is "never": the service allows it only for an integrated system and a platform administrator.
        cleaned["expires_at"] = timezone.now() + timedelta(days=int(lifetime)) if lifetime else None
        return cleaned


class TokenScopesForm(forms.Form):
    """What an integrated system's new token may do on the API."""

    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only what the system needs: a request outside its scopes is refused."),
    )


class SystemTokenForm(ApiTokenForm):
    """A token for an integrated system; a platform administrator may make it never expire, saying why."""

    lifetime = forms.ChoiceField(
        label=_("Valid for"), choices=[*TOKEN_LIFETIMES, ("", _("No expiry"))], required=False, initial="90"
    )
    no_expiry_reason = forms.CharField(
        label=_("Why this token never expires"),
        max_length=200,
        required=False,
        help_text=_("Only for integrated systems, only a platform administrator."),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("lifetime") and not (cleaned.get("no_expiry_reason") or "").strip():
            self.add_error("no_expiry_reason", _("Say why this token must never expire."))
        if cleaned.get("lifetime"):
            cleaned["no_expiry_reason"] = ""
        return cleaned


class PasswordResetForm(DjangoPasswordResetForm):
    """Also reaches staff who never set a password (new accounts); never integrated systems
    (`selectors.mail_reachable_users`).

    The e-mails are sent by a background task (agencies/tasks.py), so the page answers at once and in the same
    time whether or not the address has an account."""

    def get_users(self, email):
        return mail_reachable_users().filter(email__iexact=email)

    def save(self, domain_override=None, use_https=False, request=None, **_kwargs):
        from django.contrib.sites.shortcuts import get_current_site

        from sinergi.agencies.tasks import send_password_reset_email

        domain = domain_override or get_current_site(request).domain
        for user in self.get_users(self.cleaned_data["email"]):
            send_password_reset_email.enqueue(user_id=user.pk, domain=domain, use_https=use_https)


class AgencyForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=64,
        help_text=_("Short unique name, e.g. bp3mi-kalsel. Letters, digits, -."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=AgencyType.choices)
    jurisdiction = RegionChoiceField(
        label=_("Jurisdiction"),
        required=False,
        levels=[RegionLevel.PROVINCE, RegionLevel.REGENCY, RegionLevel.DISTRICT],
        help_text=_("The province, regency/city or district the agency serves; empty for national bodies."),
    )
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        initial="ID",
        help_text=_("ISO code, e.g. ID, or MY for an embassy."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Office phone"), max_length=32, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    letterhead = forms.CharField(
        label=_("Letterhead"),
        required=False,
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One line per row, from the top: e.g. the ministry, then the office's own name."),
    )
    address = forms.CharField(
        label=_("Address"), required=False, max_length=400, widget=forms.Textarea(attrs={"rows": 2})
    )
    letter_place = forms.CharField(
        label=_("Place of signing"),
        required=False,
        max_length=80,
        help_text=_("The city printed before the date."),
    )
    letter_number_pattern = forms.CharField(
        label=_("Letter number pattern"),
        max_length=120,
        required=False,
        initial=DEFAULT_PATTERN,
        help_text=_(
            "{nomor} is the running number of the year, {kode} the agency code, {jenis} the kind of letter, "
            "{bulan} the month in Roman numerals, {tahun} the year."
        ),
    )
    signatory_name = forms.CharField(label=_("Signatory"), required=False, max_length=120)
    signatory_title = forms.CharField(label=_("Signatory's position"), required=False, max_length=160)
    signatory_nip = forms.CharField(label=_("Signatory's NIP"), required=False, max_length=30)

    LETTER_FIELDS = (
        "letterhead",
        "address",
        "letter_place",
        "letter_number_pattern",
        "signatory_name",
        "signatory_title",
        "signatory_nip",
    )

    def __init__(self, *args, instance: Agency | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "code": instance.code,
                "name": instance.name,
                "type": instance.type,
                "jurisdiction": instance.jurisdiction.code if instance.jurisdiction_id else "",
                "country": instance.country,
                "email": instance.email,
                "phone": instance.phone,
                "is_active": instance.is_active,
                **{name: getattr(instance, name) for name in self.LETTER_FIELDS},
            }
        super().__init__(*args, **kwargs)

    def clean_country(self):
        country = self.cleaned_data["country"].strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise ValidationError(_("Enter a two-letter country code."))
        return country

    def clean_letter_number_pattern(self):
        pattern = self.cleaned_data["letter_number_pattern"].strip() or DEFAULT_PATTERN
        problems = pattern_problems(pattern)
        if "no_number" in problems:
            raise ValidationError(_("The pattern needs {nomor}, the running number."))
        unknown = [problem.split(":", 1)[1] for problem in problems if problem.startswith("unknown:")]
        if unknown or "braces" in problems:
            raise ValidationError(
                _("Use only {nomor}, {kode}, {jenis}, {bulan} and {tahun} between braces (not: %(names)s).")
                % {"names": ", ".join("{" + name + "}" for name in unknown) or "{ }"}
            )
        return pattern

    def clean_code(self):
        code = self.cleaned_data["code"].lower()
        others = Agency.objects.filter(code=code)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("Another agency already uses this code."))
        return code


class LetterSettingsForm(AgencyForm):
    """The part of an agency's settings its own administrator keeps: what its letters carry."""

    def __init__(self, *args, instance: Agency, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        for name in list(self.fields):
            if name not in self.LETTER_FIELDS:
                del self.fields[name]


class UserForm(forms.Form):
    """Create or edit a user of the actor's agency (the platform administrator picks the agency)."""

    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        help_text=_("Letters, digits and @ . + - _ only."),
    )
    kind = forms.ChoiceField(label=_("Kind of account"), choices=UserKind.choices, initial=UserKind.PERSON)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("E-mail"), required=False, help_text=_("Used to set and reset the password.")
    )
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to send the user an e-mail link to choose their own password."),
    )
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none(), required=False)

    def __init__(self, *args, actor: User, instance: User | None = None, **kwargs):
        self.actor = actor
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "username": instance.username,
                "kind": instance.kind,
                "first_name": instance.first_name,
                "last_name": instance.last_name,
                "email": instance.email,
                "phone": instance.phone,
                "roles": sorted(instance.role_codes),
            }
        super().__init__(*args, **kwargs)
        if actor.is_superuser and instance is None:
            self.fields["agency"].queryset = Agency.objects.filter(is_active=True)
            self.fields["agency"].required = True
        else:
            del self.fields["agency"]
        if instance is not None:
            # Username, kind and agency identify the account in the audit trail; they are fixed once created.
            for name in ("username", "kind", "password"):
                del self.fields[name]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is already taken."))
        return username

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind") or (self.instance.kind if self.instance else UserKind.PERSON)
        roles = cleaned.get("roles") or []
        if kind == UserKind.SYSTEM and Role.AGENCY_ADMIN in roles:
            self.add_error("roles", _("An integrated system cannot be an agency administrator."))
        if self.instance is None and kind == UserKind.PERSON:
            password = cleaned.get("password")
            if password:
                probe = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
                try:
                    password_validation.validate_password(password, probe)
                except ValidationError as error:
                    self.add_error("password", error)
            elif not cleaned.get("email"):
                self.add_error("email", _("Give an e-mail address or an initial password."))
        return cleaned
