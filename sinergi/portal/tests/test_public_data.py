"""No public response ever carries data of a case beyond its status.

A report becomes a case, the agency works on it (a note, a referral, a named victim, a task), and then every
public URL of the portal is requested by an anonymous visitor: plain GETs, the status page with the right
code, the status and add-information forms with wrong codes, the webhooks. No response may contain the case's
reference, narrative, stage, people, notes, agencies or officers; the status page says only the status.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from sinergi.agencies.choices import AgencyType, Role
from sinergi.core.testing.factories import AgencyFactory, UserFactory
from sinergi.core.testing.world import all_routes, url_for
from sinergi.portal.choices import ReportChannel
from sinergi.portal.services import report_by_code, report_intake, report_submit

pytestmark = pytest.mark.django_db
CODE = re.compile(r"[A-Z0-9]{4}(?:-[A-Z0-9]{4}){4}")


def test_no_public_response_contains_case_data(regions, bp3mi):
    from sinergi.cases import services as cases
    from sinergi.people.services import PersonData

    report, code = report_submit(
        channel=ReportChannel.WEB,
        what_happened="Adik saya direkrut ke Kamboja oleh sponsor.",
        region=regions.get(code="63.71"),
        who="Sponsor bernama Contoh Raharja",
        contact_name="Wulan Contoh",
        contact_phone="+6281234567890",
        contact_email="wulan@example.org",
    )
    case = report_intake(report_id=report.pk).case
    worker = UserFactory(
        username="petugas-bp3mi",
        first_name="Gilang",
        last_name="Petugas",
        agency=bp3mi,
        roles=[Role.CASE_WORKER],
    )
    polda = AgencyFactory(
        code="polda-kalsel",
        name="Ditreskrimum Polda Kalsel",
        type=AgencyType.POLRI,
        jurisdiction=regions.get(code="63"),
    )
    cases.note_add(
        actor=worker, case=case, text="Korban diduga di Sihanoukville, keluarga Zulkarnaen diancam."
    )
    cases.referral_create(
        actor=worker, case=case, to_agency=polda, need="INVESTIGATION", reason="Mohon penyelidikan."
    )
    cases.case_party_add(
        actor=worker, case=case, new_person=PersonData(full_name="Siti Korbanwati", sex="F"), role="VICTIM"
    )
    cases.task_create(
        actor=worker,
        case=case,
        title="Hubungi keluarga korban",
        owner=worker,
        due_at=timezone.now() + timedelta(days=2),
    )
    case.refresh_from_db()
    secrets = [
        case.reference,
        case.stage,
        "Kamboja",
        "Contoh Raharja",
        "Wulan",
        "wulan@example.org",
        "4567890",
        "Sihanoukville",
        "Zulkarnaen",
        "Siti Korbanwati",
        "Hubungi keluarga",
        bp3mi.name,
        bp3mi.code,
        polda.name,
        "Gilang",
        "penyelidikan",
        "portal-intake",
        f"PORTAL-{report.pk}",
    ]

    client = Client(raise_request_exception=False)
    responses = []
    for route in all_routes():
        if route.startswith("portal/"):
            url = url_for(route, {})
            responses.append((f"GET {url}", client.get(url)))
            responses.append((f"POST {url}", client.post(url, {"code": code, "text": "x", "q": code})))
    responses.append(("status", client.post("/portal/lacak/", {"code": code})))
    responses.append(("status lower", client.post("/portal/lacak/", {"code": code.lower().replace("-", "")})))
    responses.append(("add", client.post("/portal/lacak/tambah/", {"code": code, "text": "Info baru."})))
    responses.append(("wrong code", client.post("/portal/lacak/", {"code": "AAAA-BBBB-CCCC-DDDD-EEEE"})))

    for label, response in responses:
        body = response.content.decode("utf-8", "replace")
        found = [s for s in secrets if s and s in body]
        assert found == [], f"{label} shows {found}"
        assert response.status_code < 500, label
    status_page = responses[-4][1].content.decode()
    assert 'data-status="IN_PROGRESS"' in status_page
    # The code itself is never echoed back into a page, where it could be cached or shoulder-read later.
    assert not [label for label, r in responses if code in r.content.decode("utf-8", "replace")]
    assert report_by_code(code).contact_phone == ""


def test_closed_case_reads_closed_and_nothing_else(regions, bp3mi, client):
    from sinergi.cases.models import Case
    from sinergi.portal.choices import ReportStatus
    from sinergi.portal.services import report_status

    report, code = report_submit(
        channel=ReportChannel.WEB, what_happened="Ada calo.", region=regions.get(code="63.71")
    )
    case = report_intake(report_id=report.pk).case
    Case.objects.filter(pk=case.pk).update(status="CLOSED", closure_reason="NOT_A_VICTIM")
    assert report_status(report_by_code(code)) == ReportStatus.CLOSED
    html = client.post("/portal/lacak/", {"code": code}).content.decode()
    assert 'data-status="CLOSED"' in html
    assert "NOT_A_VICTIM" not in html and "Bukan kasus" not in html
