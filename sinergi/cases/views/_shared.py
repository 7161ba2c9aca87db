"""Helpers every case page shares: the case of an action, refusals shown on the form, the action runner."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from sinergi.agencies.choices import Role
from sinergi.cases import selectors
from sinergi.cases.access import MANAGE_ROLES, CaseView
from sinergi.cases.choices import (
    Track,
)
from sinergi.cases.flow import default_flow
from sinergi.cases.models import Case, FlowVersion
from sinergi.cases.services.flow import flow_of_version
from sinergi.core.errors import ApplicationError, ConflictError
from sinergi.core.page_views import RestrictedPageView
from sinergi.core.redirects import safe_next_url

PAGE_SIZE = 25


def may_intake(user) -> bool:
    """Mirrors services.case_intake's own check, to show or hide the button (the service checks again)."""
    return bool(getattr(user, "agency_id", None)) and user.has_role(*MANAGE_ROLES, Role.INVESTIGATOR)


def _stage_choices() -> list[tuple[str, str]]:
    """The care-track stages of every active flow (the national default first), for the list filter."""
    # By id and digest: the YAML texts are read and parsed once per version, not on every list page.
    flows = [default_flow()]
    for version_id, sha256 in FlowVersion.objects.filter(is_active=True).values_list("pk", "sha256"):
        try:
            flows.append(flow_of_version(version_id, sha256))
        except ApplicationError:
            continue
    seen: dict[str, str] = {}
    for flow in flows:
        for stage in flow.stages_of(Track.CARE):
            seen.setdefault(stage.code, stage.label)
    return list(seen.items())


def _safe_next(request, default: str) -> str:
    return safe_next_url(request, request.POST.get("next") or request.GET.get("next"), default)


def _status_of(exc: ApplicationError) -> int:
    if isinstance(exc, ConflictError):
        return 409
    return exc.status if exc.status in (400, 403, 404, 409) else 400


def _apply_error(form, exc: ApplicationError) -> bool:
    """Puts the service's field messages on the form fields; False when none of them names a field of the form
    (the caller then shows the general message once, on the form)."""
    placed = False
    for name, errors in (exc.fields or {}).items():
        if form is not None and name in form.fields:
            for error in errors:
                form.add_error(name, error)
                placed = True
    return placed


def _case_url(case, anchor: str = "") -> str:
    """The case page; with `anchor` (a section), that section opened and scrolled to."""
    url = reverse("cases:detail", args=[case.pk])
    return f"{url}?open={anchor}#section-{anchor}" if anchor else url


class CasePageView(RestrictedPageView):
    """A page under /cases/<case_id>/: the case comes through `selectors.case_detail` (Case.objects.restrict +
    the reader's CaseView), so a case out of scope answers 404 like a missing one before anything else runs.
    `self.case_view` is what the page may show; records named by a second id come through
    `self.scoped_child(self.case_view.<list>(), "<kwarg>")`, whose lists are restrict() querysets too.

    The case is found for "view" whatever the method: an action's finer rule (who may accept, who may manage)
    is its service's, which refuses with a message the page shows; scope itself is never the service's."""

    model = Case
    pk_url_kwarg = "case_id"
    restrict_actions = {"POST": "view"}
    http_method_names = ["post"]
    # Reading the case page writes a "case viewed" audit entry; an action on it does not (its service audits).
    audit_read = False
    case_view: CaseView

    def lookup_object(self, pk: int):
        self.case_view = selectors.case_detail(user=self.request.user, case_id=pk, audit=self.audit_read)
        return self.case_view.case


def _view_for(request, case_id):
    """The CaseView for an action (the page view itself is audited by `detail`)."""
    return selectors.case_detail(user=request.user, case_id=case_id, audit=False)


def _agency_from(value):
    from sinergi.agencies.models import Agency

    try:
        return Agency.objects.get(pk=int(value))
    except (Agency.DoesNotExist, TypeError, ValueError):
        raise ApplicationError(_("Choose an agency from the list."), code="validation_error") from None
