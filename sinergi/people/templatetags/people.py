"""Template helpers of the people pages: masked identifiers (`{% load people %}`)."""

from __future__ import annotations

from django import template

from sinergi.people.nik import nik_mask

register = template.Library()


@register.filter
def mask_nik(value: str) -> str:
    """6371015001900001 -> 6371********0001."""
    return nik_mask(value or "")


@register.filter
def mask_phone(value: str) -> str:
    """+6281234567890 -> +62812*****890: the operator prefix and the last 3 digits."""
    text = value or ""
    if len(text) < 8:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 9) + text[-3:]


@register.filter
def mask_passport(value: str) -> str:
    """C1234567 -> C1*****67."""
    text = value or ""
    if len(text) < 5:
        return "*" * len(text)
    return text[:2] + "*" * (len(text) - 4) + text[-2:]


@register.inclusion_tag("people/includes/identifier.html")
def person_identifier(person, field_name: str, revealed_field: str = "", may_reveal: bool = False):
    """A masked identifier with its "Show" button; `revealed_field` names the one shown in full, if any."""
    return {
        "person": person,
        "field_name": field_name,
        "revealed": bool(revealed_field) and revealed_field == field_name,
        "may_reveal": may_reveal,
    }
