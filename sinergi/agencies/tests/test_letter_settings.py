"""An agency keeps its own letterhead, letter-number pattern and signatory; letter numbers count per year."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django.urls import reverse

from sinergi.agencies.choices import LetterKind, Role
from sinergi.agencies.letters import letter_number, pattern_problems
from sinergi.agencies.models import Agency, IssuedLetter
from sinergi.agencies.services import letter_issue_in_transaction
from sinergi.conftest import sign_in
from sinergi.core.testing.factories import AgencyFactory, UserFactory


def test_the_number_fills_the_pattern():
    issued = date(2026, 12, 1)
    assert (
        letter_number(
            "{nomor}/{kode}/{jenis}/{bulan}/{tahun}",
            serial=7,
            agency_code="bp3mi-kalsel",
            kind_code="RJK",
            issued_on=issued,
        )
        == "007/BP3MI-KALSEL/RJK/XII/2026"
    )
    assert (
        letter_number(
            "B-{nomor}/TPPO/{tahun}", serial=1234, agency_code="x", kind_code="RJK", issued_on=issued
        )
        == "B-1234/TPPO/2026"
    )
    assert pattern_problems("{kode}/{tahun}") == ["no_number"]
    assert pattern_problems("{nomor}/{nama}") == ["unknown:nama"]


@pytest.mark.django_db
def test_numbers_run_per_agency_and_are_kept_per_record():
    one, two = AgencyFactory(code="satu"), AgencyFactory(code="dua")
    actor = UserFactory(agency=one, roles=[Role.CASE_WORKER])
    with transaction.atomic():
        first = letter_issue_in_transaction(actor=actor, agency=one, kind=LetterKind.REFERRAL, record_id=10)
        second = letter_issue_in_transaction(
            actor=actor, agency=one, kind=LetterKind.CASE_SUMMARY, record_id=10
        )
        again = letter_issue_in_transaction(actor=actor, agency=one, kind=LetterKind.REFERRAL, record_id=10)
        other = letter_issue_in_transaction(actor=actor, agency=two, kind=LetterKind.REFERRAL, record_id=10)
    assert (first.serial, second.serial, again.pk, other.serial) == (1, 2, first.pk, 1)
    assert IssuedLetter.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_number_is_issued_only_inside_the_callers_transaction():
    agency = AgencyFactory()
    with pytest.raises(RuntimeError):
        letter_issue_in_transaction(
            actor=UserFactory(agency=agency), agency=agency, kind=LetterKind.REFERRAL, record_id=1
        )


@pytest.fixture
def office(db):
    agency = AgencyFactory(code="bp3mi-kalsel", name="BP3MI Kalimantan Selatan")
    return agency, UserFactory(agency=agency, roles=[Role.AGENCY_ADMIN])


def test_the_agency_administrator_sets_the_letterhead_and_signatory(client, office):
    agency, admin = office
    sign_in(client, admin)
    url = reverse("agencies:letter_settings", args=[agency.code])
    assert (
        reverse("agencies:letter_settings", args=[agency.code])
        in client.get(reverse("agencies:index")).content.decode()
    )
    response = client.post(
        url,
        {
            "letterhead": "Kementerian P2MI\nBP3MI Kalimantan Selatan",
            "address": "Jl. Contoh No. 1",
            "letter_place": "Banjarbaru",
            "letter_number_pattern": "B-{nomor}/{kode}/{tahun}",
            "signatory_name": "Drs. Contoh",
            "signatory_title": "Kepala Balai",
            "signatory_nip": "",
        },
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.letterhead.splitlines() == ["Kementerian P2MI", "BP3MI Kalimantan Selatan"]
    assert (agency.letter_number_pattern, agency.signatory_name) == (
        "B-{nomor}/{kode}/{tahun}",
        "Drs. Contoh",
    )
    assert agency.name == "BP3MI Kalimantan Selatan"  # the rest of the agency is not this page's business


def test_a_pattern_without_the_running_number_is_refused_in_indonesian(client, office):
    agency, admin = office
    sign_in(client, admin)
    response = client.post(
        reverse("agencies:letter_settings", args=[agency.code]),
        {"letter_number_pattern": "{kode}/{nama}", "letterhead": "X"},
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert response.status_code == 200
    assert "Pola harus memuat {nomor}" in response.content.decode()
    agency.refresh_from_db()
    assert (
        agency.letterhead == ""
        and agency.letter_number_pattern == Agency._meta.get_field("letter_number_pattern").default
    )


def test_only_the_agencys_own_administrator_or_the_platform_edits_it(client, office):
    agency, _admin = office
    other_admin = UserFactory(agency=AgencyFactory(code="lain"), roles=[Role.AGENCY_ADMIN])
    worker = UserFactory(agency=agency, roles=[Role.CASE_WORKER])
    url = reverse("agencies:letter_settings", args=[agency.code])
    for user in (other_admin, worker):
        client.logout()
        sign_in(client, user)
        assert (
            client.post(url, {"letter_number_pattern": "{nomor}", "letterhead": "Bukan"}).status_code == 403
        )
    agency.refresh_from_db()
    assert agency.letterhead == ""
    client.logout()
    assert client.get(url).status_code == 302  # anonymous: to sign-in
