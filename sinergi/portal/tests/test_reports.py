"""Community reports: stored, routed to the responsible agency as a case, followed with a code that shows only
the status; photos lose their metadata; bots, floods and non-images are refused."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from sinergi.cases.models import Case, Document, Note
from sinergi.portal.choices import ReportStatus
from sinergi.portal.models import Report, ReportPhoto
from sinergi.portal.services import report_by_code, report_status
from sinergi.portal.tests.conftest import jpeg_with_gps

pytestmark = pytest.mark.django_db
CODE = re.compile(r'data-testid="tracking-code">([A-Z0-9-]+)<')


def _send(client, **fields):
    data = {
        "what_happened": "Tetangga saya ditawari kerja di Kamboja oleh calo, disuruh bayar 10 juta.",
        "where": "Kota Banjarmasin",
        "region": "63.71",
        "who": "Calo bernama Pak Contoh",
        "contact_name": "",
        "contact_phone": "",
        "contact_email": "",
        "leave_empty": "",
        "token": "t-" + str(id(fields)),
    }
    data.update(fields)
    return client.post("/portal/lapor/", data)


def _code(response) -> str:
    match = CODE.search(response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)


def test_a_report_becomes_a_case_of_the_agency_responsible_for_its_region(
    client, bp3mi, regions, django_capture_on_commit_callbacks
):
    village = regions.filter(code__startswith="63.71.", level=4).first()
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, region=village.code, where=village.name, contact_phone="0812-3456-7890")
    assert response.status_code == 200
    code = _code(response)
    report = report_by_code(code)
    assert report.case is not None
    case = report.case
    assert case.lead_agency == bp3mi
    assert case.intake_channel == "COMMUNITY"
    assert case.origin_region == village
    assert "Kamboja" in case.narrative
    # The contact is with the case now (encrypted in people), no longer in the portal's row.
    assert report.contact_phone == ""
    reporter = case.parties.get(role="REPORTER").person
    assert reporter.phones.exists()
    assert report_status(report) == ReportStatus.IN_PROGRESS


def test_the_tracking_code_is_long_random_and_not_stored(client, bp3mi):
    code = _code(_send(client))
    assert len(code.replace("-", "")) == 20
    assert not Report.objects.filter(code_hash__icontains=code.replace("-", "")).exists()
    report = report_by_code(code)
    assert report is not None and report.code_hash != code
    assert report_by_code(code.lower().replace("-", " ")) == report


def test_the_status_page_shows_the_status_and_nothing_of_the_case(
    client, bp3mi, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        code = _code(_send(client, contact_name="Rahmat Contoh", contact_phone="0812-3456-7890"))
    case = report_by_code(code).case
    html = client.post("/portal/lacak/", {"code": code}).content.decode()
    assert 'data-status="IN_PROGRESS"' in html
    for secret in (case.reference, "Kamboja", "Pak Contoh", "Rahmat", "3456", bp3mi.name, case.stage):
        assert secret not in html


def test_a_reporter_adds_information_which_reaches_the_case(
    client, bp3mi, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        code = _code(_send(client))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/portal/lacak/tambah/",
            {
                "code": code,
                "text": "Calonya datang lagi hari Minggu.",
                "photos": SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg"),
            },
        )
    assert response.status_code == 200
    assert 'data-testid="added"' in response.content.decode()
    case = report_by_code(code).case
    assert Note.objects.filter(case=case, text__contains="hari Minggu").exists()
    assert Document.objects.filter(case=case).count() == 1


class _Killed(BaseException):
    """The worker's process dying: nothing of the service's own error handling runs."""


def test_forwarding_run_again_after_a_kill_between_its_steps_adds_each_note_and_photo_once(
    client, bp3mi, monkeypatch, django_capture_on_commit_callbacks
):
    from sinergi.portal import services
    from sinergi.portal.services import report_intake

    with django_capture_on_commit_callbacks(execute=True):
        code = _code(_send(client))
    # Stored, not yet forwarded: the worker's task is what runs next.
    client.post(
        "/portal/lacak/tambah/",
        {
            "code": code,
            "text": "Calonya datang lagi hari Minggu.",
            "photos": SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg"),
        },
    )
    report = report_by_code(code)

    def killed(*args, **kwargs):
        raise _Killed

    # The worker dies after the case holds the note, before the addition is marked; then, on the re-run,
    # after the case holds the photo, before the photo is marked.
    for step in ("_addition_forwarded", "_photo_forwarded"):
        with monkeypatch.context() as dying:
            dying.setattr(services, step, killed)
            with pytest.raises(_Killed):
                report_intake(report_id=report.pk)
    report_intake(report_id=report.pk)
    report_intake(report_id=report.pk)
    case = report.case
    assert Note.objects.filter(case=case, text__contains="hari Minggu").count() == 1
    assert Document.objects.filter(case=case).count() == 1
    photo = ReportPhoto.objects.get(report=report)
    assert photo.forwarded_at is not None and not photo.file


def test_the_same_words_added_twice_reach_the_case_twice(client, bp3mi, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        code = _code(_send(client))
    for _round in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/portal/lacak/tambah/", {"code": code, "text": "Calonya datang lagi."})
    assert Note.objects.filter(case=report_by_code(code).case, text__contains="datang lagi").count() == 2


def test_photos_lose_their_metadata(client, bp3mi):
    raw = jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif()  # the fixture does carry metadata
    code = _code(_send(client, photos=SimpleUploadedFile("foto.jpg", raw, content_type="image/jpeg")))
    photo = ReportPhoto.objects.get(report=report_by_code(code))
    stored = Image.open(photo.file.open("rb"))
    assert not stored.getexif()
    assert "exif" not in stored.info and "GPS" not in repr(stored.info)


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(client, bp3mi):
    fake = SimpleUploadedFile("foto.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg")
    response = _send(client, photos=fake)
    assert response.status_code == 400
    assert "bukan foto" in response.content.decode()
    assert not Report.objects.exists()


def test_the_honeypot_refuses_a_bot(client, bp3mi):
    response = _send(client, leave_empty="http://spam.example")
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_the_same_form_sent_twice_is_one_report(client, bp3mi):
    _send(client, token="same-token")
    again = _send(client, token="same-token")
    assert again.status_code == 409
    assert Report.objects.count() == 1


def test_a_flood_of_reports_from_one_address_is_slowed(client, bp3mi, settings):
    settings.SINERGI_PORTAL_LIMITS = {"reports_per_ip": 3}
    statuses = [_send(client, token=f"t{i}").status_code for i in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert Report.objects.count() == 3


def test_a_guessed_code_finds_nothing_and_guessing_is_slowed(client, bp3mi, settings):
    settings.SINERGI_PORTAL_LIMITS = {"lookups_per_ip": 5}
    _code(_send(client))
    statuses = [
        client.post("/portal/lacak/", {"code": f"AAAA-BBBB-CCCC-DDDD-EEE{i}"}).status_code
        for i in range(2, 9)
    ]
    assert statuses[:5] == [404] * 5
    assert set(statuses[5:]) == {429}


def test_finding_the_place_offers_the_regions_to_choose(client, regions):
    response = client.post(
        "/portal/lapor/", {"what_happened": "x", "where": "Banjarmasin", "find_region": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="region"' in html and "Banjarmasin" in html
    assert not Report.objects.exists()


def test_a_report_from_a_region_no_agency_serves_waits_and_says_received(
    client, regions, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        code = _code(_send(client))
    report = report_by_code(code)
    assert report.case is None and report.intake_error == "no_agency"
    html = client.post("/portal/lacak/", {"code": code}).content.decode()
    assert 'data-status="RECEIVED"' in html
    assert not Case.objects.exists()


def test_intake_run_twice_makes_one_case(client, bp3mi, django_capture_on_commit_callbacks):
    from sinergi.portal.services import report_intake

    with django_capture_on_commit_callbacks(execute=True):
        code = _code(_send(client))
    report = report_by_code(code)
    Report.objects.filter(pk=report.pk).update(case=None)  # as if the link was lost after the case was made
    report_intake(report_id=report.pk)
    assert Case.objects.count() == 1
    assert report_by_code(code).case is not None


def test_audit_entries_of_the_public_carry_no_address(client, bp3mi, django_capture_on_commit_callbacks):
    from sinergi.audit.models import AuditEntry

    with django_capture_on_commit_callbacks(execute=True):
        _send(client, REMOTE_ADDR="203.0.113.9")
    assert AuditEntry.objects.exists()
    assert not AuditEntry.objects.filter(ip_address="203.0.113.9").exists()
