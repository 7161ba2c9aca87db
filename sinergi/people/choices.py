from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    UNKNOWN = "U", _("Unknown")


class SocialPlatform(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    TIKTOK = "tiktok", "TikTok"
    WHATSAPP = "whatsapp", "WhatsApp"
    TELEGRAM = "telegram", "Telegram"
    INSTAGRAM = "instagram", "Instagram"
    X = "x", "X (Twitter)"
    LINE = "line", "LINE"
    OTHER = "other", _("Other")


class PersonAction(models.TextChoices):
    """What a user may do with a person record; see sinergi/people/access.py for who may do what."""

    VIEW = "view", _("View")
    CHANGE = "change", _("Change")
    DELETE = "delete", _("Delete")
    REVEAL = "reveal", _("Reveal identifiers")


class RevealableField(models.TextChoices):
    """Identifiers shown masked by default; showing one in full is an audited action."""

    NIK = "nik", _("NIK")
    PASSPORT = "passport_number", _("Passport number")
    PHONES = "phones", _("Phone numbers")
