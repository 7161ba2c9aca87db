"""Pages of the exchange app: the import wizard (upload, mapping, preview, commit) and the overview.

Thin adapters over sinergi.exchange.imports.services and sinergi.exchange.selectors.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sinergi.core.errors import ApplicationError
from sinergi.core.htmx import is_htmx
from sinergi.exchange import selectors
from sinergi.exchange.forms import (
    ImportMappingForm,
    ImportSheetForm,
    ImportUploadForm,
    RowFilterForm,
    SubscriptionForm,
)
from sinergi.exchange.imports import access, reader
from sinergi.exchange.imports import services as imports
from sinergi.exchange.imports.blank import template_csv, template_xlsx
from sinergi.exchange.imports.schema import RecordType, columns_of
from sinergi.people.views import PeekPage

ROWS_PAGE_SIZE = 50


def _require_importer(user) -> list[str]:
    types = access.importable_types(user)
    if not types:
        raise PermissionDenied
    return types


@login_required
def index(request):
    from sinergi.exchange.agreements.access import may_read_agreements
    from sinergi.exchange.events.access import may_manage_subscriptions
    from sinergi.exchange.exports.services import may_export

    types = access.importable_types(request.user)
    can_read_agreements = may_read_agreements(request.user)
    can_export = may_export(request.user)
    if not (
        types
        or request.user.is_superuser
        or may_manage_subscriptions(request.user)
        or can_read_agreements
        or can_export
    ):
        raise PermissionDenied
    page = PeekPage(selectors.import_list(user=request.user), request.GET.get("page"), size=20)
    context = {
        "page": page,
        "record_types": types,
        "can_subscribe": may_manage_subscriptions(request.user),
        "can_read_agreements": can_read_agreements or request.user.is_superuser,
        "can_export": can_export,
    }
    return render(request, "exchange/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request):
    # Django spools a large upload to a temporary file; its size is checked before it is read into memory.
    types = _require_importer(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None, record_types=types)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        if uploaded.size > reader.MAX_FILE_BYTES:
            form.add_error(
                "file",
                _("The file is too large: at most %(mb)s MB.") % {"mb": reader.MAX_FILE_BYTES // 2**20},
            )
        else:
            try:
                batch = imports.import_upload(
                    actor=request.user,
                    record_type=form.cleaned_data["record_type"],
                    name=uploaded.name,
                    data=uploaded.read(),
                )
            except ApplicationError as exc:
                form.add_error("file", exc.message)
            else:
                return redirect("exchange:import_detail", batch_id=batch.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "exchange/import_new.html", {"form": form}, status=status)


@login_required
def import_template(request, record_type: str, fmt: str):
    if record_type not in RecordType.values or fmt not in ("xlsx", "csv"):
        raise Http404
    _require_importer(request.user)
    name = f"sinergi-{record_type}-template.{fmt}"
    if fmt == "xlsx":
        body = template_xlsx(record_type)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, content_type = template_csv(record_type), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def import_detail(request, batch_id):
    batch = selectors.import_get(user=request.user, batch_id=batch_id)
    stale = imports.is_stale(batch)
    if is_htmx(request) and request.headers.get("HX-Target") == "import-progress":
        if batch.running and not stale:
            return render(request, "exchange/_import_progress.html", {"batch": batch})
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    filters = RowFilterForm(request.GET or None)
    outcome = filters.cleaned_data.get("outcome", "") if filters.is_valid() else ""
    rows = PeekPage(
        selectors.import_rows(batch=batch, outcome=outcome), request.GET.get("page"), ROWS_PAGE_SIZE
    )
    context = {
        "batch": batch,
        "stale": stale,
        "mapping_form": ImportMappingForm(batch=batch),
        "sheet_form": ImportSheetForm(batch=batch),
        "filters": filters,
        "rows": rows,
        "outcome": outcome,
        "fields": columns_of(batch.record_type),
        "hidden_sheets": [s["name"] for s in batch.sheets if s["hidden"]],
    }
    return render(request, "exchange/import_detail.html", context)


def _back(batch_id):
    return redirect("exchange:import_detail", batch_id=batch_id)


@login_required
@require_POST
def import_sheet(request, batch_id):
    batch = selectors.import_get(user=request.user, batch_id=batch_id)
    form = ImportSheetForm(request.POST, batch=batch)
    if form.is_valid():
        try:
            imports.import_sheet_choose(
                actor=request.user, batch_id=batch.pk, sheet_name=form.cleaned_data["sheet"]
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Choose a sheet from the list."))
    return _back(batch.pk)


@login_required
@require_POST
def import_mapping(request, batch_id):
    batch = selectors.import_get(user=request.user, batch_id=batch_id)
    form = ImportMappingForm(request.POST, batch=batch)
    error = None
    if form.is_valid():
        try:
            imports.import_mapping_set(
                actor=request.user,
                batch_id=batch.pk,
                mapping=form.mapping(),
                save_for_agency=form.cleaned_data["save_for_agency"],
            )
        except ApplicationError as exc:
            error = exc
        else:
            try:
                imports.import_start(actor=request.user, batch_id=batch.pk, commit=False)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            return _back(batch.pk)
    if error is not None:
        for name, problems in (error.fields or {}).items():
            for problem in problems:
                form.add_error(None if name == "__all__" or name not in form.fields else name, problem)
    context = {
        "batch": batch,
        "stale": False,
        "mapping_form": form,
        "sheet_form": ImportSheetForm(batch=batch),
        "filters": RowFilterForm(),
        "rows": None,
        "fields": columns_of(batch.record_type),
        "hidden_sheets": [s["name"] for s in batch.sheets if s["hidden"]],
    }
    return render(request, "exchange/import_detail.html", context, status=400)


@login_required
@require_POST
def import_start(request, batch_id):
    batch = selectors.import_get(user=request.user, batch_id=batch_id)
    commit = request.POST.get("commit") == "1"
    try:
        batch = imports.import_start(actor=request.user, batch_id=batch.pk, commit=commit)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if batch.status == "committed":
            messages.success(request, _("The import was saved."))
    return _back(batch.pk)


@login_required
@require_POST
def import_discard(request, batch_id):
    batch = selectors.import_get(user=request.user, batch_id=batch_id)
    try:
        imports.import_discard(actor=request.user, batch_id=batch.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _back(batch.pk)
    messages.success(request, _("The import was cancelled; nothing of it was saved."))
    return redirect("exchange:index")


@login_required
@require_http_methods(["GET", "POST"])
def subscriptions(request):
    from sinergi.exchange.events import services as events
    from sinergi.exchange.events.access import may_manage_subscriptions

    if not may_manage_subscriptions(request.user):
        raise PermissionDenied
    form = SubscriptionForm(request.POST or None, user=request.user)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = events.subscription_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for name, problems in exc.message_dict.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
        else:
            form = SubscriptionForm(user=request.user)
    context = {
        "form": form,
        "created": created,
        "subscriptions": selectors.subscription_list(user=request.user),
        "deliveries": selectors.delivery_list(user=request.user)[:30],
    }
    return render(request, "exchange/subscriptions.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def subscription_stop(request, subscription_id):
    from sinergi.exchange.events import services as events

    try:
        events.subscription_deactivate(actor=request.user, subscription_id=int(subscription_id))
    except ValueError:
        raise Http404 from None
    messages.success(request, _("The subscription was stopped: no more events are sent to it."))
    return redirect("exchange:subscriptions")
