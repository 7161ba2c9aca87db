"""Pages of the outreach app: the event list, planning and recording an event, attendance import, the coverage
map. Thin adapters over selectors.py and services.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sinergi.core.errors import ApplicationError
from sinergi.core.page_views import RestrictedPageView
from sinergi.outreach import selectors, services
from sinergi.outreach.choices import PARTICIPANT_FIELDS, Audience
from sinergi.outreach.forms import AttendanceForm, CoverageFilterForm, EventForm
from sinergi.outreach.models import can_plan_outreach, can_view_outreach


def _require(check, user) -> None:
    if not check(user):
        raise PermissionDenied


def _event_data(form: EventForm) -> services.EventData:
    data = form.cleaned_data
    return services.EventData(
        title=data["title"],
        held_on=data["held_on"],
        region_code=data["region"].code,
        audiences=list(data["audiences"]),
        participants={field: data.get(field) or 0 for field, _sex, _age in PARTICIPANT_FIELDS},
        materials=data["materials"],
        follow_up=data["follow_up"],
        partner_agency_ids=[agency.pk for agency in data["partner_agencies"]],
    )


def _form_error(form: EventForm, error: ApplicationError) -> None:
    form.add_error(None, error.message)


@login_required
def index(request):
    _require(can_view_outreach, request.user)
    events = selectors.event_list(user=request.user).prefetch_related("partner_agencies")
    page = Paginator(events, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "outreach/index.html",
        {
            "page": page,
            "can_plan": can_plan_outreach(request.user),
            "audience_labels": dict(Audience.choices),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request):
    _require(can_plan_outreach, request.user)
    form = EventForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.outreach_event_create(actor=request.user, data=_event_data(form))
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Outreach event saved."))
            return redirect("outreach:event_detail", event_id=event.pk)
    return render(
        request, "outreach/event_form.html", {"form": form, "title": _("Plan or record an outreach event")}
    )


class OutreachEventPageView(RestrictedPageView):
    """A page over one outreach event: `selectors.access_event_by_id` (OutreachEvent.objects.restrict + 404),
    after the role check (403 whatever the id)."""

    http_method_names = ["get", "post", "head"]
    pk_url_kwarg = "event_id"
    role_check = staticmethod(can_view_outreach)

    def check_role(self) -> None:
        _require(type(self).role_check, self.request.user)

    def lookup_object(self, pk: int):
        return selectors.access_event_by_id(self.request.user, pk, self.restrict_action())


class EventEditView(OutreachEventPageView):
    role_check = staticmethod(can_plan_outreach)
    restrict_actions = {"GET": "change", "HEAD": "change", "POST": "change"}

    def get(self, request, event_id):
        event = self.object
        initial = {
            "title": event.title,
            "held_on": event.held_on,
            "region": event.region,
            "audiences": event.audiences,
            "materials": event.materials,
            "follow_up": event.follow_up,
            "partner_agencies": list(event.partner_agencies.all()),
            **{field: getattr(event, field) for field, _sex, _age in PARTICIPANT_FIELDS},
        }
        form = EventForm(request.POST or None, actor=request.user, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.outreach_event_update(actor=request.user, event_id=event.pk, data=_event_data(form))
            except ApplicationError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("Outreach event saved."))
                return redirect("outreach:event_detail", event_id=event.pk)
        return render(
            request,
            "outreach/event_form.html",
            {"form": form, "title": _("Edit outreach event"), "event": event},
        )

    post = get


event_edit = EventEditView.as_view()


class EventDetailView(OutreachEventPageView):
    # The attendance upload (POST) reads the event for "view" and refuses a reader from another agency itself.
    restrict_actions = {"POST": "view"}

    def get(self, request, event_id):
        event = self.object
        may_change = can_plan_outreach(request.user) and event.agency_id == request.user.agency_id
        form = AttendanceForm(request.POST or None, request.FILES or None)
        if request.method == "POST":
            if not may_change:
                raise PermissionDenied
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    count = services.attendance_import(
                        actor=request.user, event_id=event.pk, name=upload.name, data=upload.read()
                    )
                except ApplicationError as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(request, _("%(count)d attendees imported.") % {"count": count})
                    return redirect("outreach:event_detail", event_id=event.pk)
        counts = [
            {"label": f"{sex.label}, {age.label}", "value": getattr(event, field)}
            for field, sex, age in PARTICIPANT_FIELDS
        ]
        attendees = event.attendees.all() if selectors.may_read_attendance(request.user, event) else None
        return render(
            request,
            "outreach/event_detail.html",
            {
                "event": event,
                "counts": counts,
                "audiences": [Audience(code).label for code in event.audiences if code in Audience.values],
                "partners": event.partner_agencies.all(),
                "attendees": attendees,
                "may_change": may_change,
                "form": form,
            },
        )

    post = get


event_detail = EventDetailView.as_view()


@login_required
def coverage(request):
    _require(can_view_outreach, request.user)
    form = CoverageFilterForm(request.GET or None)
    return render(request, "outreach/coverage.html", {"form": form, "query": request.GET.urlencode()})


@login_required
def coverage_data(request):
    """Held events per regency for the coverage map, as JSON (the map script reads it)."""
    _require(can_view_outreach, request.user)
    form = CoverageFilterForm(request.GET or None)
    since = until = None
    if form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    values = selectors.coverage_by_regency(user=request.user, since=since, until=until)
    return JsonResponse(
        {
            "metric": "events",
            "legend": _("Outreach events held"),
            "regions": {code: {"value": row["events"], **row} for code, row in values.items()},
        }
    )
