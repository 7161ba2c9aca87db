"""Planning and recording outreach: bad input is refused with a message and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sinergi.audit.models import AuditEntry
from sinergi.core.errors import ApplicationError
from sinergi.outreach import services
from sinergi.outreach.models import Attendee, OutreachEvent

pytestmark = pytest.mark.django_db


def _data(**overrides):
    values = {
        "title": "Sosialisasi migrasi aman",
        "held_on": timezone.localdate() - timedelta(days=3),
        "region_code": "52.03.01",
        "audiences": ["PROSPECTIVE_MIGRANTS", "FAMILIES"],
        "participants": {"participants_f_18_39": 20, "participants_m_18_39": 12},
    }
    values.update(overrides)
    return services.EventData(**values)


def test_an_event_is_recorded_with_its_counts_and_audited(officer, district):
    event = services.outreach_event_create(actor=officer, data=_data())
    assert event.participants_total == 32 and event.region_id == "52.03.01"
    assert AuditEntry.objects.filter(object_id=str(event.pk), action="create").exists()


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"region_code": "52.99.99"}, "unknown_region"),
        ({"region_code": "52.03"}, "region_level"),
        ({"held_on": timezone.localdate() + timedelta(days=10)}, "future_participants"),
        ({"participants": {"participants_f_u18": -1}}, "bad_count"),
        ({"audiences": ["ALIENS"]}, "unknown_audience"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(officer, district, overrides, code):
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ApplicationError) as caught:
        services.outreach_event_create(actor=officer, data=_data(**overrides))
    assert caught.value.code == code
    assert caught.value.message
    assert OutreachEvent.objects.count() == 0 and AuditEntry.objects.count() == audit_before


def test_a_planned_event_has_no_participants_and_no_attendance_yet(officer, district):
    planned = services.outreach_event_create(
        actor=officer, data=_data(held_on=timezone.localdate() + timedelta(days=10), participants={})
    )
    assert planned.is_planned
    with pytest.raises(ApplicationError) as caught:
        services.attendance_import(
            actor=officer, event_id=planned.pk, name="a.csv", data=b"nama,jk,umur\nA,P,20\n"
        )
    assert caught.value.code == "future_attendance"


def test_an_attendance_file_with_broken_rows_imports_nothing(officer, district):
    event = services.outreach_event_create(actor=officer, data=_data())
    broken = b"nama,jenis_kelamin,umur\nSiti,P,20\nAni,X,22\n"
    with pytest.raises(ApplicationError) as caught:
        services.attendance_import(actor=officer, event_id=event.pk, name="hadir.csv", data=broken)
    assert "baris 3" in caught.value.message  # Indonesian, the default language
    assert Attendee.objects.count() == 0
    count = services.attendance_import(
        actor=officer, event_id=event.pk, name="hadir.csv", data=b"nama,jenis_kelamin,umur\nSiti,P,20\n"
    )
    assert count == 1 and Attendee.objects.get().full_name == "Siti"


def test_a_zip_bomb_attendance_list_is_refused_in_words_and_imports_nothing(officer, district):
    from sinergi.core.testing.hostile import zip_bomb_xlsx

    event = services.outreach_event_create(actor=officer, data=_data())
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ApplicationError) as caught:
        services.attendance_import(actor=officer, event_id=event.pk, name="hadir.xlsx", data=zip_bomb_xlsx())
    assert caught.value.code == "unreadable_file" and "bom zip" in caught.value.message
    assert Attendee.objects.count() == 0 and AuditEntry.objects.count() == audit_before


def test_only_the_organising_agency_changes_an_event(officer, district, other_agency):
    from sinergi.agencies.choices import Role
    from sinergi.core.testing.factories import UserFactory

    event = services.outreach_event_create(actor=officer, data=_data())
    stranger = UserFactory(username="lain", agency=other_agency, roles=[Role.OUTREACH_OFFICER])
    with pytest.raises(ApplicationError) as caught:
        services.outreach_event_update(actor=stranger, event_id=event.pk, data=_data(title="Diubah"))
    assert caught.value.status == 404
    event.refresh_from_db()
    assert event.title == "Sosialisasi migrasi aman"
    # Every agency still sees the event (coordination), but not its attendance list.
    assert OutreachEvent.objects.restrict(stranger, "view").filter(pk=event.pk).exists()
    assert not OutreachEvent.objects.restrict(stranger, "attendance").filter(pk=event.pk).exists()


def test_a_case_worker_may_not_plan_outreach(case_worker, district):
    with pytest.raises(ApplicationError) as caught:
        services.outreach_event_create(actor=case_worker, data=_data())
    assert caught.value.status == 403
