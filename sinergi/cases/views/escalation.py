"""What needs attention: the overdue list, notifications, the metrics page."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sinergi.cases import selectors, services
from sinergi.cases.forms import (
    MetricsForm,
)
from sinergi.cases.views._shared import PAGE_SIZE, _safe_next
from sinergi.core.htmx import is_htmx


@login_required
@require_GET
def overdue(request):
    """Everything late that my agency is responsible for or leads; with `?soon=1`, what falls due this week."""
    now = timezone.now()
    soon = request.GET.get("soon") == "1"
    if soon:
        items = selectors.due_soon_list(user=request.user, now=now)
    else:
        items = selectors.overdue_list(user=request.user, now=now)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    context = {"page_obj": page, "now": now, "agency_id": request.user.agency_id, "soon": soon}
    return render(request, "cases/overdue.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    """My notifications; mark one or all read (HTMX swaps the row or the list)."""
    if request.method == "POST":
        if request.POST.get("all"):
            ids = list(
                selectors.notification_list(user=request.user, unread_only=True).values_list("pk", flat=True)
            )
        else:
            # Only ids a database key can hold: a 30-digit "id" is junk, not an overflow error.
            ids = [int(v) for v in request.POST.getlist("id") if str(v).isdigit() and len(str(v)) <= 18]
        services.notification_mark_read(actor=request.user, notification_ids=ids)
        if is_htmx(request) and len(ids) == 1 and not request.POST.get("all"):
            note = selectors.notification_list(user=request.user).filter(pk=ids[0]).first()
            if note is None:
                raise Http404
            context = {"note": note, "open_case_ids": _open_case_ids(request.user, [note])}
            return render(request, "cases/includes/notification_row.html", context)
        return redirect(_safe_next(request, reverse("cases:notifications")))
    unread_only = request.GET.get("unread") == "1"
    items = selectors.notification_list(user=request.user, unread_only=unread_only)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "unread_only": unread_only,
        "open_case_ids": _open_case_ids(request.user, page.object_list),
    }
    return render(request, "cases/notifications.html", context)


def _open_case_ids(user, notifications) -> set[int]:
    """The cases of these notifications the user may still open: a referral declined or revoked since, or a
    lead handed over, closes a case to the agency, and its old notifications must not link to a 404."""
    ids = {note.case_id for note in notifications if note.case_id}
    if not ids:
        return set()
    return set(selectors.case_list(user=user).filter(pk__in=ids).values_list("pk", flat=True))


@login_required
@require_GET
def metrics(request):
    """Handling metrics of one agency over a period."""
    agencies = list(selectors.metrics_agencies(user=request.user).order_by("name"))
    if not agencies:
        raise PermissionDenied
    today = timezone.localdate()
    default_agency = (
        request.user.agency_id if any(a.pk == request.user.agency_id for a in agencies) else agencies[0].pk
    )
    data = request.GET.copy() if request.GET else None
    if data is not None:
        data.setdefault("agency", str(default_agency))
        data.setdefault("start", (today - timedelta(days=90)).isoformat())
        data.setdefault("end", today.isoformat())
    form = MetricsForm(
        data,
        agencies=agencies,
        initial={"agency": default_agency, "start": today - timedelta(days=90), "end": today},
    )
    result = None
    chosen = None
    if form.is_bound:
        if form.is_valid():
            chosen = next(a for a in agencies if str(a.pk) == form.cleaned_data["agency"])
            result = selectors.case_metrics(
                user=request.user,
                agency=chosen,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            )
    else:
        chosen = next(a for a in agencies if a.pk == default_agency)
        result = selectors.case_metrics(
            user=request.user, agency=chosen, start=today - timedelta(days=90), end=today
        )
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request, "cases/metrics.html", {"form": form, "result": result, "agency": chosen}, status=status
    )
