"""The public pages: no account, no JavaScript needed, nothing typed kept unless the person sends a report.

Rate limits (sinergi.core.throttle, counted per client address, and per tracking code) slow down floods and
guessing; every refusal is a page that says what happened, with status 429.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sinergi.core import throttle
from sinergi.core.errors import ApplicationError
from sinergi.core.middleware import client_ip
from sinergi.portal import guidance, registry
from sinergi.portal.choices import ReportChannel, ReportStatus
from sinergi.portal.forms import AddInformationForm, CompanyForm, OfferForm, ReportForm, TrackForm
from sinergi.portal.offer import offer_check
from sinergi.portal.services import report_add_information, report_by_code, report_status, report_submit

REGION_CHOICES = 8


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, "SINERGI_PORTAL_LIMITS", {}).get(name, default))


def _allowed(request, scope: str, limit: int, window: timedelta, key: str | None = None) -> bool:
    return throttle.allow(scope, key if key is not None else client_ip(request), limit=limit, window=window)


def _too_many(request) -> HttpResponse:
    return _page(request, "portal/too_many.html", {}, status=429)


def _page(request, template: str, context: dict, *, status: int = 200, private: bool = False) -> HttpResponse:
    context.setdefault("hotlines", guidance.HOTLINES)
    response = render(request, template, context, status=status)
    if private:
        # A tracking code or a report's status on screen: no browser or proxy cache may keep it.
        response.sinergi_no_store = True
    return response


@require_http_methods(["GET", "HEAD"])
def home(request):
    return _page(request, "portal/home.html", {})


@require_http_methods(["GET", "HEAD", "POST"])
def check_offer(request):
    """Cek Lowongan. The text is screened in memory and shown back; nothing is written but a rate-limit hit."""
    form = OfferForm(request.POST or None)
    context: dict = {"form": form}
    if request.method == "POST":
        if not _allowed(request, "portal_check_ip", _limit("checks_per_ip", 120), timedelta(minutes=10)):
            return _too_many(request)
        if form.is_valid():
            context.update(
                check=offer_check(form.cleaned_data["text"]),
                checklist=guidance.CHECKLIST,
                safe_migration=guidance.SAFE_MIGRATION,
                law=guidance.LAW,
            )
    return _page(request, "portal/check_offer.html", context, private=request.method == "POST")


@require_http_methods(["GET", "HEAD"])
def check_company(request):
    """Cek Perusahaan: a GET form (a company name is not personal data, and the answer can be shared)."""
    form = CompanyForm(request.GET or None)
    context: dict = {"form": form, "info": registry.registry_info()}
    if request.GET and form.is_valid():
        if not _allowed(request, "portal_company_ip", _limit("companies_per_ip", 300), timedelta(minutes=10)):
            return _too_many(request)
        context.update(
            results=registry.company_search(form.cleaned_data["q"]), searched=form.cleaned_data["q"]
        )
    return _page(request, "portal/check_company.html", context)


def _region_choices(where: str) -> list[tuple[str, str]]:
    from sinergi.regions.selectors import region_search

    if len((where or "").strip()) < 3:
        return []
    found = region_search(query=where, levels=[2, 3, 4]).only("code", "name", "path_name")[:REGION_CHOICES]
    return [(region.code, region.path_name or region.name) for region in found]


@require_http_methods(["GET", "HEAD", "POST"])
def report(request):
    """The anonymous report form. "Find the place" re-shows the form with the matching regions to choose
    from; sending stores the report and shows its tracking code once, on this response (never in a URL)."""
    if request.method != "POST":
        form = ReportForm(initial={"token": secrets.token_urlsafe(24)})
        return _page(request, "portal/report.html", {"form": form})
    # Every attempt counts here (photos are decoded in validation); only stored reports count below.
    if not _allowed(request, "portal_report_post_ip", _limit("report_posts_per_ip", 60), timedelta(hours=1)):
        return _too_many(request)
    where = request.POST.get("where", "")[:300]
    choices = _region_choices(where)
    form = ReportForm(request.POST, request.FILES, region_choices=choices)
    finding = "find_region" in request.POST
    if finding or not form.is_valid():
        if finding:
            form.errors.clear()
        context = {"form": form, "finding": finding, "choices": choices}
        return _page(request, "portal/report.html", context, status=200 if finding else 400)
    if not _allowed(request, "portal_report_ip", _limit("reports_per_ip", 10), timedelta(hours=1)):
        return _too_many(request)
    region = None
    code = form.cleaned_data["region"] or (choices[0][0] if len(choices) == 1 else "")
    if code:
        from sinergi.regions.models import Region

        region = Region.objects.filter(pk=code).first()
    data = form.cleaned_data
    try:
        _report, tracking_code = report_submit(
            channel=ReportChannel.WEB,
            what_happened=data["what_happened"],
            where_text=data["where"],
            region=region,
            who=data["who"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            contact_email=data["contact_email"],
            photos=data["photos"],
            submission_token=data["token"],
        )
    except ApplicationError as exc:
        return _page(request, "portal/report.html", {"form": form, "refusal": exc.message}, status=409)
    return _page(request, "portal/report_sent.html", {"code": tracking_code}, private=True)


def _open_report(request, code: str):
    """The report a code opens, within the limits: (report or None, refusal response or None)."""
    window = timedelta(hours=1)
    if not _allowed(request, "portal_track_ip", _limit("lookups_per_ip", 30), window):
        return None, _too_many(request)
    from sinergi.portal.codes import normalise

    canonical = normalise(code)
    if canonical and not _allowed(
        request, "portal_track_code", _limit("lookups_per_code", 30), window, canonical
    ):
        return None, _too_many(request)
    return report_by_code(code), None


@require_http_methods(["GET", "HEAD", "POST"])
def track(request):
    """Follow a report: the code is sent in the form body, and the answer is the status and nothing else."""
    form = TrackForm(request.POST or None)
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        found, refusal = _open_report(request, form.cleaned_data["code"])
        if refusal:
            return refusal
        if found is None:
            form.add_error("code", _("No report has this tracking code. Check each character and try again."))
            return _page(request, "portal/track.html", context, status=404, private=True)
        return _status_page(request, found, form.cleaned_data["code"])
    return _page(request, "portal/track.html", context, private=request.method == "POST")


def _status_page(request, found, code: str, *, add_form=None, added: bool = False, status: int = 200):
    from sinergi.portal.codes import normalise

    state = report_status(found)
    context = {
        "status": ReportStatus(state),
        "statuses": ReportStatus,
        "add_form": add_form or AddInformationForm(initial={"code": normalise(code)}),
        "closed": state == ReportStatus.CLOSED,
        "added": added,
    }
    return _page(request, "portal/track_status.html", context, status=status, private=True)


@require_http_methods(["POST"])
def add_information(request):
    form = AddInformationForm(request.POST, request.FILES)
    code = request.POST.get("code", "")[:60]
    found, refusal = _open_report(request, code)
    if refusal:
        return refusal
    if found is None:
        return _page(
            request, "portal/track.html", {"form": TrackForm(), "unknown": True}, status=404, private=True
        )
    if not form.is_valid():
        return _status_page(request, found, code, add_form=form, status=400)
    if not _allowed(
        request, "portal_add_code", _limit("additions_per_code", 10), timedelta(days=1), found.code_hash
    ):
        return _too_many(request)
    try:
        report_add_information(
            report=found, text=form.cleaned_data["text"], photos=form.cleaned_data["photos"]
        )
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return _status_page(request, found, code, add_form=form, status=400)
    return _status_page(request, found, code, added=True)
