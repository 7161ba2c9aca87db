"""My own casework: my open tasks and the cases assigned to me that nobody has acted on yet."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sinergi.cases import selectors
from sinergi.cases.access import VIEW_ROLES

MY_WORK_LIMIT = 200


@login_required
@require_GET
def my_work(request):
    user = request.user
    if not user.agency_id or not user.has_role(*VIEW_ROLES):
        raise PermissionDenied
    context = {
        "tasks": list(selectors.my_open_tasks(user=user)[:MY_WORK_LIMIT]),
        "awaiting": list(selectors.cases_awaiting_action(user=user)[:MY_WORK_LIMIT]),
        "now": timezone.now(),
        "limit": MY_WORK_LIMIT,
    }
    return render(request, "cases/my_work.html", context)
