from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    VIEW = "view", _("Viewed")
    EXPORT = "export", _("Exported")
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOGOUT = "logout", _("Signed out")
    SECURITY = "security", _("Security event")
    TRANSITION = "transition", _("Status changed")
    SHARE_OVERRIDE = "share_override", _("Shared without consent (override)")
