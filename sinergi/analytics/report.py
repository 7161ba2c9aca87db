"""The monthly report in Bahasa Indonesia, as PDF (Typst, sinergi.core.pdf) and XLSX (openpyxl), with charts."""

from __future__ import annotations

import io
from datetime import date

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sinergi.analytics import charts
from sinergi.analytics.dashboard import Dashboard, dashboard
from sinergi.analytics.periods import add_months

TEMPLATE = "sinergi/analytics/typst/monthly_report.typ"


def _figures(board: Dashboard) -> list[tuple[str, str]]:
    def days(value):
        return "—" if value is None else f"{value:g} " + _("days")

    return [
        (_("Cases reported"), str(board.cases_total)),
        (_("Still open"), str(board.cases_open)),
        (_("Victims in these cases"), str(board.victims)),
        (_("Referrals past their service deadline"), str(board.overdue_referrals)),
        (_("Referrals unanswered past their answer deadline"), str(board.unanswered_referrals)),
        (_("Median time to the first handling step"), days(board.days_to_first_action)),
        (_("Cases closed"), str(board.closed)),
        (_("Median time from report to closure"), days(board.days_to_close)),
        (_("Victims returned home"), str(board.victims_repatriated)),
        (_("Victims reintegrated"), str(board.victims_reintegrated)),
        (_("Flagged recruitment campaigns"), str(board.flagged_campaigns)),
        (_("Outreach events held"), str(board.outreach_events)),
        (_("Outreach participants"), str(board.outreach_participants)),
        (
            _("Districts with cases reached by outreach"),
            f"{board.districts_with_cases_reached} / {board.districts_with_cases}",
        ),
    ]


def report_content(*, user, month: date, region: str = "") -> dict:
    """Everything the report shows, in Indonesian, with its two charts as SVG."""
    with translation.override("id"):
        board = dashboard(user=user, since=month, until=month, region=region)
        trend = dashboard(user=user, since=add_months(month, -11), until=month, region=region)
        month_name = date_format(month, "F Y")
        title = _("Monthly report %(month)s") % {"month": month_name}
        agency = user.agency.name if user.agency_id else _("Platform")
        stages = charts.bar_chart(_("Cases by stage"), board.by_stage or [(_("no cases"), 0)])
        trend_svg = charts.column_chart(
            _("Cases reported per month"),
            [date_format(m, "M y") for m, _n in trend.monthly],
            [n for _m, n in trend.monthly],
        )
        return {
            "title": title,
            "subtitle": f"{agency} · "
            + (_("region %(code)s") % {"code": region} if region else _("all regions")),
            "figures": _figures(board),
            "campaigns": [
                (c.destination_country or "—", c.get_highest_risk_display(), c.post_count)
                for c in board.top_campaigns
            ],
            "footer": _("Sinergi · made %(when)s · only the cases this agency may see")
            % {"when": date_format(timezone.localtime(), "j F Y H:i")},
            "note": _(
                "Figures count only the cases, referrals and posts the agency may see under need-to-know. "
                "Charts: numbers are written on every bar."
            ),
            "charts": {"stages.svg": stages, "trend.svg": trend_svg},
            "trend": [(date_format(m, "M Y"), n) for m, n in trend.monthly],
            "by_stage": board.by_stage,
        }


def report_pdf(content: dict) -> bytes:
    from sinergi.core.pdf import render_pdf

    data = {key: value for key, value in content.items() if key != "charts"}
    files = {name: svg.encode("utf-8") for name, svg in content["charts"].items()}
    return render_pdf(TEMPLATE, data=data, files=files)


def report_xlsx(content: dict) -> bytes:
    """The same report as a workbook: a summary sheet and two data sheets, each with its native chart."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.label import DataLabelList

    with translation.override("id"):
        book = Workbook()
        summary = book.active
        summary.title = "Ringkasan"
        summary.append([content["title"]])
        summary.append([content["subtitle"]])
        summary.append([])
        for label, value in content["figures"]:
            summary.append([label, value])
        summary.column_dimensions["A"].width = 55

        for title, rows, sheet_name in (
            (_("Cases by stage"), content["by_stage"], "Tahap"),
            (_("Cases reported per month"), content["trend"], "Tren"),
        ):
            sheet = book.create_sheet(sheet_name)
            sheet.append([title, _("Cases")])
            for row in rows:
                sheet.append(list(row))
            sheet.column_dimensions["A"].width = 32
            if rows:
                chart = BarChart()
                chart.type = "bar" if sheet_name == "Tahap" else "col"
                chart.title = title
                chart.legend = None
                chart.add_data(
                    Reference(sheet, min_col=2, min_row=1, max_row=len(rows) + 1), titles_from_data=True
                )
                chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(rows) + 1))
                chart.dataLabels = DataLabelList()
                chart.dataLabels.showVal = True  # the numbers on the bars: readable without colour
                sheet.add_chart(chart, "D2")
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
