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
