"""The duplicate review page: pairs of person records the linker is unsure of, merged or kept apart by a person.

Thin adapters over `selectors` (reads, limited to the people the user's agency may see) and `services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sinergi.audit.services import audit_read
from sinergi.core.errors import ApplicationError
from sinergi.exchange.duplicates import selectors, services
from sinergi.people.nik import nik_mask

PAGE_SIZE = 20


def _require(user) -> None:
    if not selectors.may_review_duplicates(user):
        raise PermissionDenied


def _side(person) -> dict:
    return {
        "person": person,
        "nik": nik_mask(person.nik) if person.nik else "",
        "region": person.address_region.name if person.address_region_id else "",
    }


@login_required
def review(request):
    """The queue: unsure pairs first; tabs for likely matches and decided pairs (with undo)."""
    _require(request.user)
    queue = request.GET.get("queue") if request.GET.get("queue") in selectors.QUEUES else "review"
    page = Paginator(selectors.pair_list(user=request.user, queue=queue), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {"pair": pair, "sides": [_side(pair.person_a), _side(pair.person_b)]} for pair in page.object_list
    ]
    audit_read(
        actor=request.user,
        object_type="exchange.duplicatepair",
        summary="duplicate pair list viewed",
        count=len(rows),
        searched={"queue": queue},
    )
    context = {
        "queue": queue,
        "page_obj": page,
        "rows": rows,
        "runs": selectors.latest_runs(),
        "may_run": selectors.may_request_link_run(request.user),
    }
    return render(request, "exchange/duplicates/review.html", context)


def _back(request) -> str:
    queue = request.POST.get("queue")
    url = reverse("exchange:duplicates")
    return f"{url}?queue={queue}" if queue in selectors.QUEUES else url


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@login_required
@require_POST
def pair_decide(request, pair_id):
    _require(request.user)
    try:
        services.pair_decide(
            actor=request.user,
            pair_id=pair_id,
            decision=request.POST.get("decision", ""),
            version=_version(request),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if request.POST.get("decision") == "merge":
            messages.success(request, _("Recorded: the same person. You can undo it under Decided."))
        else:
            messages.success(request, _("Recorded: different people."))
    return redirect(_back(request))


@login_required
@require_POST
def pair_undo(request, pair_id):
    _require(request.user)
    try:
        services.pair_undo(actor=request.user, pair_id=pair_id, version=_version(request))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Decision undone: the pair is back in its queue."))
    return redirect(_back(request))


@login_required
@require_POST
def run_request(request):
    _require(request.user)
    try:
        services.link_run_request(actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Linkage run queued. The pairs appear here when it has finished."))
    return redirect("exchange:duplicates")
