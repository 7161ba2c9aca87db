"""The audit trail's filters, shared by the page and the API: user, record, action, agency and date range."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sinergi.audit.choices import AuditAction
from sinergi.audit.models import AuditEntry


def record_type_choices() -> list[tuple[str, str]]:
    """Sinergi's own record types ("people.person"), by their readable name in the current language: the
    models that name themselves (internal tables such as counters and outboxes do not, and are never audited)
    and the actions recorded without a row (a search, an export)."""
    from sinergi.audit.summaries import RECORD_TYPES

    choices = [
        (model._meta.label_lower, str(model._meta.verbose_name).capitalize())
        for model in apps.get_models()
        if model.__module__.startswith("sinergi.")
        and model is not AuditEntry
        and "verbose_name" in model._meta.original_attrs
    ]
    choices += [(code, str(label).capitalize()) for code, label in RECORD_TYPES.items()]
    return sorted(choices, key=lambda choice: choice[1].lower())


def _agencies(request):
    # The agency model through the entry's foreign key: the audit trail sits below the agencies app.
    return AuditEntry._meta.get_field("agency").related_model.objects.all()


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class AuditEntryFilterSet(django_filters.FilterSet):
    user = django_filters.CharFilter(label=_("Username"), method="filter_user")
    agency = django_filters.ModelChoiceFilter(
        label=_("Agency"), queryset=_agencies, empty_label=_("All agencies")
    )
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AuditAction.choices, empty_label=_("All"))
    object_type = django_filters.ChoiceFilter(
        label=pgettext_lazy("audit", "Record type"), choices=record_type_choices, empty_label=_("All")
    )
    object_id = django_filters.CharFilter(label=pgettext_lazy("audit", "Record id"), max_length=64)
    date_from = django_filters.DateFilter(
        label=pgettext_lazy("audit", "From"),
        method="filter_date_from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=pgettext_lazy("audit", "Until"),
        method="filter_date_to",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEntry
        fields = ["user", "agency", "action", "object_type", "object_id", "date_from", "date_to"]
        form = AuditFilterForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = user if user is not None else getattr(request, "user", None)
        # Only platform administrators read more than one agency's trail.
        if user is None or not getattr(user, "is_superuser", False):
            self.filters.pop("agency")

    def filter_user(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(actor__username__iexact=value) | Q(actor_label__iexact=value))

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(at__gte=_start_of_day(value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(at__lt=_start_of_day(value + dt.timedelta(days=1)))
