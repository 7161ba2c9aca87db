"""The case letters as PDFs: a referral's surat rujukan, the case summary and a transfer's handover record.

Each PDF is read back as text (pdftotext): the letterhead, number and signatory come from the agency's settings,
what the reader may not see is not in it, and a record the reader may not see answers 404 and prints nothing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from sinergi.agencies.models import IssuedLetter
from sinergi.audit.models import AuditEntry
from sinergi.cases import services
from sinergi.cases.choices import AgeGroup, PartyRole
from sinergi.conftest import sign_in

pytestmark = pytest.mark.django_db

VICTIM = "Nurhayati Wulandari"
NIK = "6371015204950002"


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(content)
    out = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext") or "pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    )
    return " ".join(out.stdout.split())


@pytest.fixture
def letterhead(cast):
    agency = cast.bp3mi.agency
    agency.letterhead = "Kementerian Perlindungan Pekerja Migran Indonesia\nBP3MI Kalimantan Selatan"
    agency.address = "Jl. Contoh Raya No. 1, Banjarbaru"
    agency.letter_place = "Banjarbaru"
    agency.signatory_name = "Drs. Contoh Pejabat"
    agency.signatory_title = "Kepala Balai"
    agency.signatory_nip = "197001012000031001"
    agency.save()
    return agency


@pytest.fixture
def referred_case(cast, make_person, letterhead):
    victim = make_person(cast.bp3mi.agency, full_name=VICTIM, nik=NIK)
    case = services.case_intake(
        actor=cast.bp3mi.worker,
        intake_channel="HOTLINE",
        narrative=f"{VICTIM} direkrut lewat Facebook, paspor ditahan di Kuala Lumpur.",
        destination_country="MY",
        parties=[{"person": victim, "role": PartyRole.VICTIM, "age_group": AgeGroup.ADULT}],
    )
    referral = services.referral_create(
        actor=cast.bp3mi.worker,
        case=case,
        to_agency=cast.polda.agency,
        need="INVESTIGATION",
        reason=f"Mohon penyelidikan atas perekrutan {VICTIM}.",
    )
    return case, referral


def _get(client, user, url):
    return sign_in(client, user).get(url)


def test_the_lead_prints_the_referral_letter_with_letterhead_number_and_signatory(
    client, cast, referred_case, tmp_path
):
    case, referral = referred_case
    response = _get(client, cast.bp3mi.worker, reverse("cases:letter_referral", args=[case.pk, referral.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="surat-rujukan-')
    text = pdf_text(response.content, tmp_path)
    year = timezone.localdate().year
    assert "SURAT RUJUKAN" in text
    assert "KEMENTERIAN PERLINDUNGAN PEKERJA MIGRAN INDONESIA" in text
    assert "Jl. Contoh Raya No. 1, Banjarbaru" in text
    assert "Nomor: 001/BP3MI-KALSEL/RJK/" in text and f"/{year}" in text
    assert "Subdit TPPO Polda Kalsel" in text  # the addressee
    assert "Drs. Contoh Pejabat" in text and "Kepala Balai" in text and "NIP 197001012000031001" in text
    assert VICTIM in text and NIK in text  # the lead sees the victim's identity
    assert f"Rujukan kasus {case.reference}: Penyidikan" in text  # the need, in Indonesian
    assert "Yth." in text


def test_the_addressee_still_deciding_gets_the_letter_with_the_victim_masked(
    client, cast, referred_case, tmp_path
):
    case, referral = referred_case
    response = _get(client, cast.polda.worker, reverse("cases:letter_referral", args=[case.pk, referral.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert VICTIM not in text and "Nurhayati" not in text and NIK not in text
    assert "Mohon penyelidikan atas perekrutan [Korban 1]." in text
    assert "Korban 1 identitas tidak ditampilkan" in text  # the reason, with the name masked
    assert "disamarkan" in text or "tidak ditampilkan" in text  # the letter says something is withheld
    # Still the referring agency's letter: its number and letterhead, whoever prints it.
    assert "RJK" in text and "BP3MI KALIMANTAN SELATAN" in text


def test_a_letter_keeps_its_number_and_each_new_letter_counts_on(client, cast, referred_case, tmp_path):
    case, referral = referred_case
    sign_in(client, cast.bp3mi.worker)
    first = pdf_text(
        client.get(reverse("cases:letter_referral", args=[case.pk, referral.pk])).content, tmp_path
    )
    again = pdf_text(
        client.get(reverse("cases:letter_referral", args=[case.pk, referral.pk])).content, tmp_path
    )
    summary = pdf_text(client.get(reverse("cases:letter_case_summary", args=[case.pk])).content, tmp_path)
    assert "Nomor: 001/" in first and "Nomor: 001/" in again
    assert "Nomor: 002/BP3MI-KALSEL/RKS/" in summary
    assert IssuedLetter.objects.filter(agency=cast.bp3mi.agency).count() == 2


def test_every_download_is_in_the_audit_trail(client, cast, referred_case):
    case, referral = referred_case
    sign_in(client, cast.polda.worker)
    before = AuditEntry.objects.count()
    client.get(reverse("cases:letter_referral", args=[case.pk, referral.pk]))
    client.get(reverse("cases:letter_referral", args=[case.pk, referral.pk]))
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert [(e.action, e.object_type, e.actor_id) for e in entries] == [
        ("export", "cases.referral", cast.polda.worker.pk)
    ] * 2
    assert entries[0].changes["letter_number"].startswith("001/BP3MI-KALSEL/RJK/")


def test_the_case_summary_shows_what_the_reader_may_see(client, cast, referred_case, tmp_path):
    case, referral = referred_case
    services.referral_accept(actor=cast.polda.worker, referral=referral)
    lead = pdf_text(
        _get(client, cast.bp3mi.worker, reverse("cases:letter_case_summary", args=[case.pk])).content,
        tmp_path,
    )
    assert "RINGKASAN KASUS" in lead and case.reference in lead
    assert f"{VICTIM} direkrut lewat Facebook" in lead
    client.logout()
    police = _get(client, cast.polda.worker, reverse("cases:letter_case_summary", args=[case.pk]))
    police_text = pdf_text(police.content, tmp_path)
    # The police's own letterhead and number (no letterhead set: its name), the victim masked without consent.
    assert "SUBDIT TPPO POLDA KALSEL" in police_text and "/POLDA-KALSEL/RKS/" in police_text
    assert "[Korban 1] direkrut lewat Facebook" in police_text
    assert VICTIM not in police_text and NIK not in police_text


def test_the_handover_record_names_both_agencies_and_both_signatories(client, cast, referred_case, tmp_path):
    case, _referral = referred_case
    transfer = services.lead_transfer_request(
        actor=cast.bp3mi.worker,
        case=case,
        to_agency=cast.uptd.agency,
        reason="Korban kembali ke daerah asal.",
    )
    services.lead_transfer_accept(actor=cast.uptd.worker, transfer=transfer)
    response = _get(client, cast.uptd.worker, reverse("cases:letter_handover", args=[case.pk, transfer.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert "BERITA ACARA SERAH TERIMA" in text
    assert "BP3MI Kalimantan Selatan" in text and "UPTD PPA Kalimantan Selatan" in text
    assert "Yang menyerahkan" in text and "Yang menerima" in text
    assert "/BP3MI-KALSEL/BAST/" in text
    assert (
        "Rujukan terbuka yang diserahkan" in text and "Penyidikan" in text
    )  # the open referral handed over with the case


@pytest.mark.parametrize("who", ["outsider", "reader_of_other_agency"])
def test_a_letter_of_a_case_the_reader_may_not_see_is_404_and_prints_nothing(
    client, cast, referred_case, who
):
    case, referral = referred_case
    user = cast.dinsos.worker if who == "outsider" else cast.kbri.reader
    sign_in(client, user)
    before = (AuditEntry.objects.count(), IssuedLetter.objects.count())
    for url in (
        reverse("cases:letter_referral", args=[case.pk, referral.pk]),
        reverse("cases:letter_case_summary", args=[case.pk]),
        reverse("cases:letter_referral", args=[case.pk, 999999]),
        reverse("cases:letter_handover", args=[case.pk, 999999]),
    ):
        assert client.get(url).status_code == 404, url
    assert (AuditEntry.objects.count(), IssuedLetter.objects.count()) == before


def test_a_referral_of_another_case_is_404(client, cast, referred_case, make_case):
    _case, referral = referred_case
    other = make_case()
    response = _get(client, cast.bp3mi.worker, reverse("cases:letter_referral", args=[other.pk, referral.pk]))
    assert response.status_code == 404


def test_anonymous_is_sent_to_sign_in(client, referred_case):
    case, referral = referred_case
    response = client.get(reverse("cases:letter_referral", args=[case.pk, referral.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_letter_renders_as_an_a4_page(client, cast, referred_case, tmp_path):
    case, referral = referred_case
    content = _get(
        client, cast.bp3mi.worker, reverse("cases:letter_referral", args=[case.pk, referral.pk])
    ).content
    (tmp_path / "letter.pdf").write_bytes(content)
    subprocess.run(  # noqa: S603
        [
            shutil.which("pdftoppm") or "pdftoppm",
            "-png",
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "1",
            str(tmp_path / "letter.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    from PIL import Image

    image = Image.open(next(tmp_path.glob("page*.png")))
    width, height = image.size
    assert abs(height / width - 297 / 210) < 0.02  # A4 portrait
    assert len(set(image.convert("L").get_flattened_data())) > 2  # something is printed on it


def test_the_case_page_and_the_inboxes_link_the_letters(client, cast, referred_case):
    case, referral = referred_case
    transfer = services.lead_transfer_request(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, reason="Pindah penanganan."
    )
    page = _get(client, cast.bp3mi.worker, reverse("cases:detail", args=[case.pk])).content.decode()
    for url in (
        reverse("cases:letter_case_summary", args=[case.pk]),
        reverse("cases:letter_referral", args=[case.pk, referral.pk]),
        reverse("cases:letter_handover", args=[case.pk, transfer.pk]),
    ):
        assert f'href="{url}"' in page
    client.logout()
    inbox = _get(client, cast.polda.worker, reverse("cases:referral_inbox")).content.decode()
    assert reverse("cases:letter_referral", args=[case.pk, referral.pk]) in inbox
    client.logout()
    transfers = _get(client, cast.uptd.worker, reverse("cases:transfer_inbox")).content.decode()
    assert reverse("cases:letter_handover", args=[case.pk, transfer.pk]) in transfers
