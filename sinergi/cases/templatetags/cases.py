"""Template helpers of the case pages: `{% load cases %}`."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from sinergi.cases import choices as case_choices
from sinergi.cases import selectors
from sinergi.cases.access import VIEW_ROLES
from sinergi.core.errors import ApplicationError
from sinergi.core.session_memo import session_memo

register = template.Library()


@register.filter
def shown(case, name: str):
    """`{{ case|shown:"destination_city" }}`: the field as the reader may see it (access.shown, the same
    redaction the API applies)."""
    from sinergi.cases.access import shown as shown_field

    return shown_field(case, name)


@register.filter
def stage_label(case, code: str | None = None) -> str:
    """The label of the case's care stage (or of `code`) in its own flow version, in the user's language."""
    code = code if code is not None else case.stage
    if not code:
        return "—"
    try:
        stage = selectors.flow_of(case).stage(code)
    except ApplicationError:
        return code
    return stage.label if stage else code


@register.filter
def choice_labels(values, choices_name: str) -> str:
    """`case.exploitation_types|choice_labels:"ExploitationType"` → "Forced labour, Forced criminality"."""
    enum = getattr(case_choices, choices_name, None)
    if enum is None or not values:
        return ""
    labels = dict(enum.choices)
    return ", ".join(str(labels.get(value, value)) for value in values)


@register.filter
def hours(value) -> str:
    """Hours under two days ("5,5 jam"), else days ("3,2 hari"), the number in the reader's locale."""
    if value is None:
        return "—"
    value = float(value)
    # Numbers in the reader's locale: "11,8 jam" in Indonesian, "11.8 hours" in English.
    if value < 48:
        return _("%(n)s hours") % {"n": number_format(value, 1)}
    return _("%(n)s days") % {"n": number_format(value / 24, 1)}


@register.filter
def percent(value) -> str:
    """A share as a percentage in the reader's locale ("97 %" reads "97%", "0,97" never shows)."""
    if value is None:
        return "—"
    return f"{number_format(float(value) * 100, 0)}%"


@register.simple_tag(takes_context=True)
def cases_counts(context) -> dict:
    """Unread notifications and answers awaited from the user's agency, for the section navigation."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Kept for a few seconds: other people's referrals and notifications show within that, the user's own
    # actions at once (a write forgets the memo).
    counts = session_memo(
        request,
        "nav_counts",
        lambda: selectors.navigation_counts(user=user),
        seconds=settings.SINERGI_NAV_COUNTS_SECONDS,
    )
    return {
        # Supervisors decide approvals: the others are not offered the inbox (approvals None hides the link).
        **counts,
        "mine": bool(user.agency_id) and user.has_role(*VIEW_ROLES),
        # The navigation offers only what the user may open.
        "metrics": selectors.may_read_metrics(user),
    }


@register.simple_tag
def case_list_table(cases):
    """`{% case_list_table page_obj %}`: the head and rows of the case list's table (cases/list_rows.py)."""
    from sinergi.cases.list_rows import case_table

    return case_table(cases)


@register.filter
def regency_of(region) -> str:
    """A region named only down to its regency ("Kota Banjarmasin, Kalimantan Selatan"): lists and agencies
    still deciding on a referral see where a victim comes from, not the village."""
    if region is None:
        return ""
    parts = (region.path_name or region.name).split(", ")
    return ", ".join(parts[-2:]) if region.level > 2 else ", ".join(parts)
