"""The audit trail page: supervisors and agency administrators read their agency's entries, filtered."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sinergi.audit.filtersets import AuditEntryFilterSet
from sinergi.audit.models import AuditEntry, can_read_audit
from sinergi.audit.selectors import audit_entries_grouped, record_type_label
from sinergi.audit.summaries import summary_label
from sinergi.core.htmx import is_htmx

PAGE_SIZE = 50


@require_GET
@login_required
def index(request):
    if not can_read_audit(request.user):
        raise PermissionDenied
    queryset = AuditEntry.objects.restrict(request.user, "view").select_related("agency").order_by("-id")
    filterset = AuditEntryFilterSet(request.GET or None, queryset=queryset, request=request)
    # Invalid filters (a typed URL, an end date before the start) show their message and no entries, never
    # the unfiltered trail, so the reader never mistakes the result for what they asked.
    if not filterset.is_bound:
        entries = queryset
    elif filterset.is_valid():
        entries = filterset.qs
    else:
        entries = queryset.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.record_type_label = record_type_label(entry.object_type)
        entry.summary_label = summary_label(entry.summary)
    context = {
        "form": filterset.form,
        "page": page,
        "groups": audit_entries_grouped(page.object_list),
        "show_agency": request.user.is_superuser,
    }
    template = "audit/_results.html" if is_htmx(request) else "audit/index.html"
    return render(request, template, context)
