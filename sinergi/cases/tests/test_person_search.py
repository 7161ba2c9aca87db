"""Finding cases by a person: name variants, exact identifiers, the identity rule, bad input in words."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from sinergi.cases import services
from sinergi.cases.choices import AgeGroup, IntakeChannel, PartyRole
from sinergi.cases.search import case_person_search
from sinergi.conftest import sign_in
from sinergi.people.identifiers import nik_index
from sinergi.people.models import Person
from sinergi.people.names import normalise_name

NIK = "6371015001900001"


def person(agency, name, **fields):
    normalised = normalise_name(name)
    return Person.objects.create(
        full_name=name,
        name_normalised=normalised,
        search_names=" " + normalised,
        owner_agency=agency,
        **fields,
    )


def intake(actor, *people):
    return services.case_intake(
        actor=actor,
        intake_channel=IntakeChannel.COMMUNITY,
        narrative="Dijanjikan kerja di Kuala Lumpur.",
        destination_country="MY",
        parties=[{"person": p, "role": role, "age_group": AgeGroup.ADULT} for p, role in people],
    )


def found(user, query, role=""):
    return [m.case.pk for m in case_person_search(user=user, query=query, role=role).matches]


def test_one_name_spelt_every_way_finds_the_same_cases(cast):
    worker = cast.bp3mi.worker
    spelt = {}
    for name in ("Muhammad Rizki", "Moh. Rizki", "M. Rizki", "Achmad Fauzi"):
        spelt[name] = intake(worker, (person(worker.agency, name), PartyRole.RECRUITER)).pk
    rizki = {spelt["Muhammad Rizki"], spelt["Moh. Rizki"], spelt["M. Rizki"]}
    assert set(found(worker, "Muhamad Rizki")) == rizki
    assert set(found(worker, "mohammad rizki")) == rizki
    assert found(worker, "Ahmad Fauzi") == [spelt["Achmad Fauzi"]]
    assert found(worker, "Ahmad Fauzi", role="victim") == []
    assert found(worker, "Ahmad Fauzi", role="suspect") == [spelt["Achmad Fauzi"]]


def test_identifiers_are_exact_and_the_identity_rule_decides(cast):
    worker = cast.bp3mi.worker
    victim = person(worker.agency, "Siti Rahmawati", nik=NIK, nik_index=nik_index(NIK))
    case = intake(worker, (victim, PartyRole.VICTIM))
    assert found(worker, NIK) == [case.pk]
    assert found(worker, NIK[:-1] + "2") == []
    referral = services.referral_create(
        actor=worker, case=case, to_agency=cast.uptd.agency, need="SHELTER", reason="Rumah aman."
    )
    # Pending: the addressee sees the case summary, never the victim: not found by her name or NIK.
    assert found(cast.uptd.worker, NIK) == [] and found(cast.uptd.worker, "Siti Rahmawati") == []
    services.referral_accept(actor=cast.uptd.worker, referral=referral)
    # Accepted without the victim's consent to share: still not.
    assert found(cast.uptd.worker, "Siti Rahmawati") == []
    party = case.parties.get()
    services.consent_record(actor=worker, party=party, consent="GIVEN")
    assert found(cast.uptd.worker, "Siti Rahmawati") == [case.pk]
    assert found(cast.lpsk.worker, NIK) == []


def test_bad_input_is_told_in_indonesian_and_searches_nothing(cast):
    client = sign_in(Client(), cast.bp3mi.worker)
    url = reverse("cases:find_by_person")
    for query, message in [
        ("A", "Ketik paling sedikit dua huruf nama."),
        ("637101500190000", "NIK terdiri dari 16 digit; Anda mengetik 15."),
        ("0812-34ab-5678", "Nomor telepon hanya berisi angka"),
    ]:
        response = client.post(url, {"q": query})
        assert response.status_code == 400, query
        assert message in response.content.decode(), query
    assert client.get(url).status_code == 200
    assert sign_in(Client(), cast.bp3mi.reader).get(url).status_code == 200


def test_a_persons_page_lists_the_cases_the_reader_may_see(cast):
    worker = cast.bp3mi.worker
    victim = person(worker.agency, "Nur Aini")
    case = intake(worker, (victim, PartyRole.VICTIM))
    page = sign_in(Client(), worker).get(reverse("people:detail", args=[victim.pk])).content.decode()
    assert 'data-testid="person-cases"' in page and case.reference in page
