"""People pages: list with live search, detail with masked identifiers, create, edit, delete, reveal.

Thin adapters: reads through sinergi.people.selectors, writes through sinergi.people.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sinergi.core.countries import nationality_name
from sinergi.core.errors import ApplicationError, ConflictError
from sinergi.core.htmx import is_htmx
from sinergi.core.page_views import RestrictedPageView
from sinergi.core.session_memo import reads_only
from sinergi.people import access
from sinergi.people.choices import PersonAction, RevealableField
from sinergi.people.forms import (
    HandleFormSet,
    PersonFilterForm,
    PersonForm,
    PhoneFormSet,
    initial_from_person,
    person_data,
)
from sinergi.people.models import Person
from sinergi.people.selectors import (
    NAME_SEARCH_LIMIT,
    parse_query,
    person_get,
    person_list,
    person_may,
    person_search_record,
    query_error,
)
from sinergi.people.services import (
    NikMismatchWarning,
    person_create,
    person_delete,
    person_reveal,
    person_update,
)

PAGE_SIZE = 25


class PeekPage:
    """One page of results without counting them all: fetches one row more to know whether a next page exists.

    A COUNT over a million matching rows would cost more than the search itself, and "page 3 of 4,012" helps
    nobody looking for one person.
    """

    def __init__(self, queryset, number: str | None, size: int = PAGE_SIZE):
        try:
            self.number = max(1, min(int(number or 1), 10_000))
        except (TypeError, ValueError):
            self.number = 1
        offset = (self.number - 1) * size
        rows = list(queryset[offset : offset + size + 1])
        self.object_list = rows[:size]
        self.has_next = len(rows) > size
        self.has_previous = self.number > 1
        self.next_page_number = self.number + 1
        self.previous_page_number = self.number - 1

    def __iter__(self):
        return iter(self.object_list)


def _person_for(user, person_id, action: str, *, audit: bool = True) -> Person:
    """The person for `action`, or 403 when the user may see the record but not do this, else 404."""
    try:
        return person_get(user=user, person_id=person_id, action=action, audit=audit)
    except Http404:
        if (
            action != PersonAction.VIEW
            and Person.objects.restrict(user, PersonAction.VIEW).filter(pk=_int_or_none(person_id)).exists()
        ):
            raise PermissionDenied from None
        raise


class PersonPageView(RestrictedPageView):
    """A page over one person record: found through Person.objects.restrict(user, action) before the handler
    runs; 404 when out of scope, 403 when the reader may see the record but not take this action."""

    model = Person
    pk_url_kwarg = "person_id"

    def audits_read(self) -> bool:
        return False

    def lookup_object(self, pk: int) -> Person:
        return _person_for(self.request.user, pk, self.restrict_action(), audit=self.audits_read())


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@reads_only
@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    """The list of people the user may see. Searching is a POST (live search by HTMX swaps #people-results
    only): a NIK, a phone number or a name typed here never enters an address, a browser history or a log.
    Each search writes one audit entry with a keyed hash of what was searched and how many were found."""
    data = request.POST if request.method == "POST" else None
    filter_form = PersonFilterForm(data)
    query = ((data.get("q") if data else "") or "").strip()[:200]
    filters = filter_form.filters() if data else {}
    people = person_list(user=request.user, query=query, filters=filters)
    page = PeekPage(people, data.get("page") if data else request.GET.get("page"))
    person_search_record(user=request.user, query=query, filters=filters, count=len(page.object_list))
    parsed = parse_query(query)
    shown = (page.number - 1) * PAGE_SIZE + len(page.object_list)
    context = {
        "capped": parsed.kind == "name" and not page.has_next and shown >= NAME_SEARCH_LIMIT,
        "limit": NAME_SEARCH_LIMIT,
        "filter_form": filter_form,
        "page_obj": page,
        "query": query,
        "query_kind": parsed.kind,
        "query_error": query_error(parsed),
        "searched": bool(query or any(filters.values())),
        "may_create": access.may_create_person(request.user),
    }
    if is_htmx(request):
        return render(request, "people/includes/results.html", context)
    return render(request, "people/index.html", {**context, "media": filter_form.media})


def _render_form(request, *, form, phones, handles, person=None, warnings=None, conflict=None, status=200):
    return render(
        request,
        "people/form.html",
        {
            "form": form,
            "phones": phones,
            "handles": handles,
            "person": person,
            "warnings": warnings or [],
            "conflict": conflict,
            "media": form.media,
        },
        status=status,
    )


def _bind(request, *, show_confirmation: bool = False):
    form = PersonForm(request.POST, show_confirmation=show_confirmation)
    phones = PhoneFormSet(request.POST, prefix="phones")
    handles = HandleFormSet(request.POST, prefix="handles")
    return form, phones, handles


def _apply_validation_error(form, exc: ValidationError) -> None:
    for field, messages_ in exc.message_dict.items():
        target = field if field in form.fields else None
        for message in messages_:
            form.add_error(target, message)


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    """Records a new person for the user's agency."""
    if not access.may_create_person(request.user):
        raise PermissionDenied
    if request.method == "GET":
        return _render_form(
            request,
            form=PersonForm(),
            phones=PhoneFormSet(prefix="phones"),
            handles=HandleFormSet(prefix="handles"),
        )
    form, phones, handles = _bind(request)
    if not (form.is_valid() and phones.is_valid() and handles.is_valid()):
        return _render_form(request, form=form, phones=phones, handles=handles, status=400)
    try:
        person = person_create(
            actor=request.user,
            data=person_data(form, phones, handles),
            confirm_nik_mismatch=form.cleaned_data["confirm_nik_mismatch"],
        )
    except NikMismatchWarning as warning:
        form, phones, handles = _bind(request, show_confirmation=True)
        form.is_valid(), phones.is_valid(), handles.is_valid()
        return _render_form(request, form=form, phones=phones, handles=handles, warnings=warning.warnings)
    except ValidationError as exc:
        _apply_validation_error(form, exc)
        return _render_form(request, form=form, phones=phones, handles=handles, status=400)
    except ApplicationError as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(request, _("The person was recorded."))
    return redirect("people:detail", person_id=person.pk)


class DetailView(PersonPageView):
    """One person, identifiers masked; every view is in the audit trail."""

    http_method_names = ["get", "head"]
    restrict_actions = {"GET": PersonAction.VIEW, "HEAD": PersonAction.VIEW}

    def audits_read(self) -> bool:
        return True

    def get(self, request, person_id: int):
        person = self.object
        return render(
            request,
            "people/detail.html",
            {
                "person": person,
                "nationality": nationality_name(person.nationality),
                "may_change": person_may(request.user, person, PersonAction.CHANGE),
                "may_reveal": person_may(request.user, person, PersonAction.REVEAL),
                "may_delete": person_may(request.user, person, PersonAction.DELETE),
                "cases": access.person_cases(request.user, person),
            },
        )


detail = DetailView.as_view()


class EditView(PersonPageView):
    """Edits a person on top of the version the form was loaded with (a concurrent edit is refused)."""

    http_method_names = ["get", "post", "head"]
    restrict_actions = {"GET": PersonAction.CHANGE, "HEAD": PersonAction.CHANGE, "POST": PersonAction.CHANGE}

    def audits_read(self) -> bool:
        return self.request.method == "GET"

    def get(self, request, person_id: int):
        person = self.object
        if request.method == "GET":
            initial, phone_rows, handle_rows = initial_from_person(person)
            return _render_form(
                request,
                form=PersonForm(initial=initial),
                phones=PhoneFormSet(initial=phone_rows, prefix="phones"),
                handles=HandleFormSet(initial=handle_rows, prefix="handles"),
                person=person,
            )
        form, phones, handles = _bind(request)
        if not (form.is_valid() and phones.is_valid() and handles.is_valid()):
            return _render_form(request, form=form, phones=phones, handles=handles, person=person, status=400)
        version = form.cleaned_data.get("version") or 0
        try:
            person = person_update(
                actor=request.user,
                person_id=person.pk,
                version=version,
                data=person_data(form, phones, handles),
                confirm_nik_mismatch=form.cleaned_data["confirm_nik_mismatch"],
            )
        except ConflictError as exc:
            # Keep what the user typed; only the version moves on, so saving again is a deliberate overwrite.
            current = Person.objects.get(pk=person.pk)
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = PersonForm(data)
            phones = PhoneFormSet(data, prefix="phones")
            handles = HandleFormSet(data, prefix="handles")
            form.is_valid(), phones.is_valid(), handles.is_valid()
            return _render_form(
                request,
                form=form,
                phones=phones,
                handles=handles,
                person=current,
                conflict=exc.message,
                status=409,
            )
        except NikMismatchWarning as warning:
            form, phones, handles = _bind(request, show_confirmation=True)
            form.is_valid(), phones.is_valid(), handles.is_valid()
            return _render_form(
                request, form=form, phones=phones, handles=handles, person=person, warnings=warning.warnings
            )
        except ValidationError as exc:
            _apply_validation_error(form, exc)
            return _render_form(request, form=form, phones=phones, handles=handles, person=person, status=400)
        messages.success(request, _("The changes were saved."))
        return redirect("people:detail", person_id=person.pk)

    post = get


edit = EditView.as_view()


class DeleteView(PersonPageView):
    """Asks for confirmation, then deletes."""

    http_method_names = ["get", "post", "head"]
    restrict_actions = {"GET": PersonAction.DELETE, "HEAD": PersonAction.DELETE, "POST": PersonAction.DELETE}

    def get(self, request, person_id: int):
        person = self.object
        if request.method == "POST":
            try:
                person_delete(actor=request.user, person_id=person.pk)
            except ApplicationError as exc:
                messages.error(request, exc.message)
                return redirect("people:detail", person_id=person.pk)
            messages.success(request, _("The person record was deleted."))
            return redirect("people:index")
        return render(request, "people/confirm_delete.html", {"person": person})

    post = get


delete = DeleteView.as_view()


class RevealView(PersonPageView):
    """Shows one identifier in full (HTMX fragment, or the detail page without JavaScript); audited."""

    http_method_names = ["post"]
    restrict_actions = {"POST": PersonAction.REVEAL}

    def post(self, request, person_id: int, field_name: str):
        if field_name not in RevealableField.values:
            raise Http404
        person = person_reveal(actor=request.user, person_id=person_id, field_name=field_name)
        context = {"person": person, "field_name": field_name, "revealed": True, "may_reveal": True}
        if is_htmx(request):
            return render(request, "people/includes/identifier.html", context)
        person = person_get(user=request.user, person_id=person_id, audit=False)
        return render(
            request,
            "people/detail.html",
            {
                "person": person,
                "nationality": nationality_name(person.nationality),
                "revealed_field": field_name,
                "may_change": person_may(request.user, person, PersonAction.CHANGE),
                "may_reveal": True,
                "may_delete": person_may(request.user, person, PersonAction.DELETE),
                "cases": access.person_cases(request.user, person),
            },
        )


reveal = RevealView.as_view()
