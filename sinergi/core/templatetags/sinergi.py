"""Template helpers shared by every app: `{% load sinergi %}`."""

from __future__ import annotations

from django import template
from django.forms import BoundField, CheckboxInput, CheckboxSelectMultiple, RadioSelect

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    """`agency.country|country_name` → "Malaysia" (in the reader's language)."""
    from sinergi.core.countries import country_name as name

    return name(code)


@register.simple_tag(takes_context=True)
def query_replace(context, **changes) -> str:
    """The current query string with some parameters replaced (None or "" removes one), for pagination links.

    `?{% query_replace page=3 %}` keeps the user's filters while moving to page 3.
    """
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query is None:
        from django.http import QueryDict

        query = QueryDict(mutable=True)
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def field_widget(field: BoundField):
    """Renders a form field's widget wired for screen readers: help text and errors via aria-describedby."""
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_help")
    if field.errors:
        described_by.append(f"{field.auto_id}_errors")
    attrs: dict[str, str | bool] = {}
    existing = field.field.widget.attrs.get("aria-describedby")
    if existing:
        described_by.insert(0, existing)
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, CheckboxInput)


@register.filter
def is_choice_list(field: BoundField) -> bool:
    """Radio buttons and checkbox lists: labelled by a fieldset legend rather than a single <label>."""
    return isinstance(field.field.widget, RadioSelect | CheckboxSelectMultiple)
