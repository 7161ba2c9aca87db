"""What needs attention: the overdue list (and what falls due this week), notifications."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sinergi.audit.services import audit_read
from sinergi.cases import selectors, services
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
    audit_read(
        actor=request.user,
        object_type="cases.case",
        summary="overdue list viewed",
        count=len(page.object_list),
        searched={"soon": soon} if soon else None,
    )
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
