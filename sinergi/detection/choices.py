"""Choices of the detection app: risk levels, post and review states, contact kinds, departure screening."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskLevel(models.TextChoices):
    """The engine's three levels; their Indonesian names are the stored values, as the engine returns them."""

    TINGGI = "tinggi", _("High")
    SEDANG = "sedang", _("Medium")
    # Never "low" or "safe": the engine can only say that the text shows no red flag (see engine/verdict.py).
    RENDAH = "rendah", _("No red flag found")


# Ordering weight of each level, stored beside it so the queue sorts by risk in the database.
class Verdict(models.TextChoices):
    """What the engine answers in words (ScreeningResult.verdict); the same sentences on every page."""

    TINGGI = "tinggi", _("High risk: many red flags of trafficking")
    SEDANG = "sedang", _("Medium risk: red flags found, check before going further")
    TIDAK_DITEMUKAN = "tidak_ditemukan", _("No red flag found in this text")
    KURANG_INFORMASI = "kurang_informasi", _("Too little information to judge: ask these questions first")


RISK_RANK: dict[str, int] = {RiskLevel.TINGGI: 3, RiskLevel.SEDANG: 2, RiskLevel.RENDAH: 1}
RANK_RISK: dict[int, str] = {rank: level for level, rank in RISK_RANK.items()}


class PostSource(models.TextChoices):
    UPLOAD = "upload", _("File upload")
    API = "api", _("API")
    CLI = "cli", _("Command line")
    DEMO = "demo", _("Demo data")


class BatchStatus(models.TextChoices):
    """An uploaded file is checked at once, then screened and stored by the background worker."""

    QUEUED = "queued", _("Waiting to be screened")
    RUNNING = "running", _("Being screened")
    DONE = "done", _("Stored")
    FAILED = "failed", _("Not stored")


class ReviewStatus(models.TextChoices):
    NEW = "new", _("To review")
    CONFIRMED = "confirmed", _("Confirmed risky")
    DISMISSED = "dismissed", _("Dismissed")


class ReviewDecision(models.TextChoices):
    CONFIRM = "confirm", _("Confirm as risky")
    DISMISS = "dismiss", _("Dismiss")


DECISION_STATUS: dict[str, str] = {
    ReviewDecision.CONFIRM: ReviewStatus.CONFIRMED,
    ReviewDecision.DISMISS: ReviewStatus.DISMISSED,
}


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone number")
    WHATSAPP = "wa", _("WhatsApp link")
    TELEGRAM = "telegram", _("Telegram handle")
    EMAIL = "email", _("E-mail address")
    HANDLE = "handle", _("Other handle")


class CheckpointType(models.TextChoices):
    AIRPORT = "airport", _("Airport")
    SEAPORT = "seaport", _("Seaport")
    PLBN = "plbn", _("Land border post (PLBN)")


class DepartureAction(models.TextChoices):
    """Recommended action after a departure screening, from the mildest to the most serious."""

    LET_DEPART = "let_depart", _("Let depart, with information on safe migration")
    VERIFY = "verify", _("Interview further and verify with BP3MI before departure")
    HOLD_BP3MI = "hold_bp3mi", _("Hold and refer to BP3MI")
    REFER_POLICE = "refer_police", _("Hold and refer to the police (suspected trafficking)")


ACTION_RANK = {
    DepartureAction.LET_DEPART: 0,
    DepartureAction.VERIFY: 1,
    DepartureAction.HOLD_BP3MI: 2,
    DepartureAction.REFER_POLICE: 3,
}
