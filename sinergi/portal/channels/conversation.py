"""What the portal answers to a message: a Cek Lowongan check of a forwarded offer, a report, a status.

    LAPOR <what happened>          -> a report (the sender's number goes with it, encrypted) and its code
    TAMBAH <code> <information>    -> information added to a report
    STATUS <code>                  -> the report's status
    anything else                  -> the text is checked as a job offer

Replies are in Bahasa Indonesia (the public's language on these channels) and never say the offer is safe.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import override

from sinergi.core import throttle
from sinergi.core.errors import ApplicationError
from sinergi.portal import guidance
from sinergi.portal.channels.types import Incoming
from sinergi.portal.choices import ReportChannel, ReportStatus
from sinergi.portal.offer import offer_check

REPORT_WORDS = ("LAPOR", "LAPORAN", "REPORT")
ADD_WORDS = ("TAMBAH", "INFO", "ADD")
STATUS_WORDS = ("STATUS", "LACAK", "CEK")
MAX_SIGNS = 5
SMS_MAX_CHARS = 459  # three SMS segments


def reply_to(message: Incoming) -> str:
    """The reply text for one incoming message, after doing what it asks."""
    with override("id"):
        return _reply(message)


def _reply(message: Incoming) -> str:
    text = (message.text or "").strip()
    if not text:
        return _(
            "Please send the job offer as text (copy and paste it), not as a photo or a voice message. "
            "To report, write LAPOR followed by what happened."
        )
    first, _sep, rest = text.partition(" ")
    word = first.upper().strip(":.,")
    if not throttle.allow(
        f"portal_msg_{message.channel}", message.sender, limit=30, window=timedelta(hours=1)
    ):
        return _("Too many messages from this number. Please try again in an hour.")
    if word in REPORT_WORDS:
        return _report(message, rest.strip())
    if word in ADD_WORDS:
        code, _sep, info = rest.strip().partition(" ")
        return _add(message, code, info.strip())
    if word in STATUS_WORDS and rest.strip() and len(rest.strip()) <= 40:
        return _status(message, rest.strip())
    return _check(message, text)


def _report(message: Incoming, story: str) -> str:
    from sinergi.portal.services import report_submit

    if len(story) < 10:
        return _(
            "Write LAPOR followed by what happened: who, where, when. Example: LAPOR my neighbour was offered..."
        )
    if not throttle.allow("portal_report_msg", message.sender, limit=5, window=timedelta(days=1)):
        return _("Too many reports from this number today. Please call a hotline: police 110, SAPA 129.")
    _report_row, code = report_submit(
        channel=message.channel, what_happened=story, contact_phone=_as_phone(message.sender)
    )
    return _(
        "Your report was received. Your tracking code: %(code)s\n"
        "Keep it: only you have it. Send STATUS %(code)s to follow it, or TAMBAH %(code)s followed by new "
        "information. Your number is passed to the officer handling the report so that they can contact you; "
        "to report without it, use the website form."
    ) % {"code": code}


def _add(message: Incoming, code: str, info: str) -> str:
    from sinergi.portal.services import report_add_information, report_by_code

    if not throttle.allow("portal_code_msg", message.sender, limit=10, window=timedelta(hours=1)):
        return _("Too many attempts. Please try again in an hour.")
    report = report_by_code(code)
    if report is None or not info:
        return _("Write TAMBAH, your tracking code, then the information. Check the code: it was not found.")
    try:
        report_add_information(report=report, text=info)
    except ApplicationError as exc:
        return str(exc.message)
    return _("Thank you: the information was added to your report.")


def _status(message: Incoming, code: str) -> str:
    from sinergi.portal.services import report_by_code, report_status

    if not throttle.allow("portal_code_msg", message.sender, limit=10, window=timedelta(hours=1)):
        return _("Too many attempts. Please try again in an hour.")
    report = report_by_code(code)
    if report is None:
        return _("No report has this tracking code. Check the code and send STATUS followed by it.")
    return _("Status of your report: %(status)s") % {"status": ReportStatus(report_status(report)).label}


def _check(message: Incoming, text: str) -> str:
    check = offer_check(text)
    lines = [str(check.title) + "."]
    for sign in check.signs[:MAX_SIGNS]:
        words = ", ".join(f'"{w}"' for w in sign.words[:3])
        lines.append(f"- {sign.title}" + (f" ({words})" if words else ""))
    if len(check.signs) > MAX_SIGNS:
        lines.append(_("- and %(n)d more signs") % {"n": len(check.signs) - MAX_SIGNS})
    lines.append(str(check.advice))
    if check.verdict == guidance.TOO_LITTLE:
        lines.extend(f"? {q}" for q in check.questions[:3])
    hotlines = ", ".join(f"{h.name} {h.number}" for h in guidance.HOTLINES)
    lines.append(_("Help: %(hotlines)s.") % {"hotlines": hotlines})
    lines.append(_("To report it, reply LAPOR followed by what happened."))
    reply = "\n".join(lines)
    if message.channel == ReportChannel.SMS and len(reply) > SMS_MAX_CHARS:
        short = [lines[0], *lines[1 : 1 + min(3, len(check.signs))], lines[-2], lines[-1]]
        reply = "\n".join(short)[:SMS_MAX_CHARS]
    return reply


def _as_phone(sender: str) -> str:
    digits = "".join(ch for ch in sender if ch.isdigit())
    return "+" + digits if digits else ""
