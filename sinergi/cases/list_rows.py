"""The head and rows of the case list's table, written in Python.

A page of the list (or of a search) is 25 rows of seven cells; through the template engine each row cost some
twenty tag and filter nodes, so the rows were about a fifth of the page's CPU (bench/load.py's list and
search). This writes the same table: the column labels once for the head and every row's cell label, the link
escaped once per page, every value escaped
(`sinergi.core.renderers.text`, what `{{ value }}` writes), the same helpers (the stage label of the case's
own flow, the regency only, the destination city as the reader may see it).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from sinergi.cases.access import shown
from sinergi.cases.templatetags.cases import regency_of, stage_label
from sinergi.core.countries import country_name
from sinergi.core.renderers import text

# Any id: the detail URL of every row is this one with the row's id in its place.
_ANY_ID = 987654321


def case_table(cases: Iterable) -> SafeString:
    """The `<thead>` and the `<tbody>` with a `<tr>` for each case (as `case_list_rows` read them: `is_overdue`
    annotated, relations selected)."""
    label = {
        name: text(value)
        for name, value in (
            ("reference", _("Reference")),
            ("reported", _("Reported")),
            ("stage", _("Stage")),
            ("lead", _("Lead agency")),
            ("origin", _("Origin")),
            ("destination", _("Destination")),
            ("worker", _("Case worker")),
        )
    }

    def cell(name: str) -> str:  # a translation holding a brace must not open a field
        escaped = label[name].replace("{", "{{").replace("}", "}}")
        return f'\n      <td><span class="cell-label">{escaped}</span>'

    # The row with its labels in place; the braces left are the fields of each row.
    row = (
        '\n    <tr data-testid="case-row" data-reference="{reference}">'
        + cell("reference")
        + '<a href="{href}">{reference}</a>{badges}</td>'
        + "".join(cell(name) + "{" + name + "}</td>" for name in list(label)[1:])
        + "\n    </tr>"
    )
    badges = {
        "overdue": format_html(
            ' <span class="badge badge-overdue" data-testid="overdue-badge">{}</span>', _("Overdue")
        ),
        "closed": format_html(' <span class="badge">{}</span>', _("Closed")),
    }
    href = reverse("cases:detail", args=[_ANY_ID])
    dates: dict = {}  # a page holds a few days: each written once
    head = "".join(f"<th>{value}</th>" for value in label.values())
    rows = "".join(row.format(**_cells(case, href, badges, dates)) for case in cases)
    return mark_safe(f"<thead><tr>{head}</tr></thead>\n  <tbody>{rows}\n  </tbody>")  # noqa: S308


def _cells(case, href: str, badges: dict, dates: dict) -> dict:
    reported = template_localtime(case.reported_at)
    day = reported.date()
    if day not in dates:
        dates[day] = text(date_filter(reported, "j M Y"))
    destination = text(country_name(case.destination_country) or "—")
    city = shown(case, "destination_city")
    worker = case.assigned_to
    return {
        "reference": text(case.reference),
        "href": href.replace(str(_ANY_ID), str(case.pk)),
        "badges": (badges["overdue"] if getattr(case, "is_overdue", False) else "")
        + (badges["closed"] if case.status == "CLOSED" else ""),
        "reported": dates[day],
        "stage": text(stage_label(case)),
        "lead": text(case.lead_agency.name),
        "origin": text(regency_of(case.origin_region) or "—"),
        "destination": f"{destination}, {text(city)}" if city else destination,
        "worker": text((worker.get_full_name() or worker.username) if worker else "—"),
    }
