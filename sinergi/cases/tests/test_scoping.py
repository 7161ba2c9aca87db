"""The places where pages and API used to decide need-to-know on their own, now all reading restrict():
each test is one divergence the issue listed, and fails if it comes back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sinergi.agencies.choices import Role
from sinergi.cases import selectors, services
from sinergi.cases.models import Case, Notification, Referral, Task
from sinergi.conftest import sign_in
from sinergi.core.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def api(user):
    return sign_in(Client(), user)


def refer(case, cast, staff, need="SHELTER"):
    return services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=staff.agency, need=need, reason="Mohon ditangani."
    )


def test_overdue_lists_nothing_of_a_case_whose_referral_was_revoked(cast, make_case):
    case = make_case()
    referral = refer(case, cast, cast.uptd)
    services.referral_accept(actor=cast.uptd.worker, referral=referral)
    task = services.task_create(
        actor=cast.uptd.worker,
        case=case,
        title="Kunjungan rumah",
        owner=cast.uptd.worker,
        due_at=timezone.now() + timedelta(hours=1),
    )
    Task.objects.filter(pk=task.pk).update(due_at=timezone.now() - timedelta(days=2))
    assert [i.task.pk for i in selectors.overdue_list(user=cast.uptd.worker) if i.task] == [task.pk]
    services.referral_revoke(actor=cast.bp3mi.worker, referral=referral, reason="Ditangani instansi lain.")
    assert selectors.overdue_list(user=cast.uptd.worker) == []
    for url in (reverse("cases:overdue"), "/api/v1/cases/overdue/"):
        body = api(cast.uptd.worker).get(url).content.decode()
        assert case.reference not in body and "Kunjungan rumah" not in body, url


def test_escalation_tells_nobody_whose_access_ended(cast, make_case, django_capture_on_commit_callbacks):
    case = make_case()
    referral = refer(case, cast, cast.uptd)
    services.referral_accept(actor=cast.uptd.worker, referral=referral)
    task = services.task_create(
        actor=cast.uptd.worker,
        case=case,
        title="Kunjungan",
        owner=cast.uptd.worker,
        due_at=timezone.now() + timedelta(hours=1),
    )
    services.referral_revoke(actor=cast.bp3mi.worker, referral=referral, reason="Salah alamat.")
    Task.objects.filter(pk=task.pk).update(due_at=timezone.now() - timedelta(days=2))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.cases_escalate_overdue()
    assert counts["tasks"] == 0
    assert not Notification.objects.filter(recipient__agency=cast.uptd.agency, kind="ESCALATION").exists()
    assert not any(cast.uptd.supervisor.email in m.to for m in mail.outbox)


def test_a_pending_agency_gets_no_destination_city_from_page_or_api(cast, make_case):
    case = make_case(destination_city="Johor Bahru")
    refer(case, cast, cast.uptd)
    client = api(cast.uptd.worker)
    listed = client.get("/api/v1/cases/").json()["results"]
    assert [row["destination_city"] for row in listed] == [None]
    assert client.get(f"/api/v1/cases/{case.pk}/").json()["summary"]["destination_city"] is None
    assert "Johor Bahru" not in client.get(reverse("cases:index")).content.decode()
    assert (
        "Johor Bahru"
        not in client.get(reverse("cases:detail", args=[case.pk]) + "?open=all").content.decode()
    )
    lead = api(cast.bp3mi.worker)
    assert lead.get(f"/api/v1/cases/{case.pk}/").json()["summary"]["destination_city"] == "Johor Bahru"
    assert "Johor Bahru" in lead.get(reverse("cases:index")).content.decode()


def test_task_and_transfer_answers_through_the_api_say_404_like_the_page(cast, make_case):
    case = make_case()
    services.referral_accept(actor=cast.uptd.worker, referral=refer(case, cast, cast.uptd))
    lead_task = services.task_create(
        actor=cast.bp3mi.worker,
        case=case,
        title="Hubungi keluarga",
        owner=cast.bp3mi.worker,
        due_at=timezone.now() + timedelta(days=1),
    )
    transfer = services.lead_transfer_request(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.dinsos.agency, reason="Pindah."
    )
    participant = api(cast.uptd.worker)
    assert participant.post(f"/api/v1/tasks/{lead_task.pk}/complete/").status_code == 404
    page = participant.post(reverse("cases:task_complete", args=[case.pk, lead_task.pk]))
    assert page.status_code == 404
    assert (
        participant.post(
            f"/api/v1/transfers/{transfer.pk}/accept/", {}, content_type="application/json"
        ).status_code
        == 404
    )
    lead_task.refresh_from_db()
    assert lead_task.done_at is None and Case.objects.get(pk=case.pk).lead_agency == cast.bp3mi.agency


def test_assigning_another_agencys_user_reads_like_an_unknown_id(cast, make_case):
    case = make_case()
    client = api(cast.bp3mi.worker)

    def assign(user_id):
        response = client.post(
            f"/api/v1/cases/{case.pk}/assign/", {"assignee": user_id}, content_type="application/json"
        )
        return response.status_code, response.json()["error"]["fields"]

    assert assign(cast.polda.worker.pk) == assign(10**9)  # which user ids exist is not told


def test_the_chronology_masks_the_victim_until_consent(cast, make_case, make_person):
    from sinergi.cases.models import CaseParty
    from sinergi.people.identifiers import nik_index

    victim = make_person(
        cast.bp3mi.agency,
        full_name="Sulastri Marlina",
        nik="6371014101900001",
        nik_index=nik_index("6371014101900001"),
    )
    case = services.case_intake(
        actor=cast.bp3mi.worker,
        intake_channel="HOTLINE",
        narrative="Sulastri Marlina (NIK 6371014101900001) dibawa agen ke Johor.",
        destination_country="MY",
        parties=[{"person": victim, "role": "VICTIM", "age_group": "ADULT"}],
    )
    services.referral_accept(actor=cast.uptd.worker, referral=refer(case, cast, cast.uptd))
    client = api(cast.uptd.worker)
    for body in (
        client.get(reverse("cases:detail", args=[case.pk]) + "?open=all").content.decode(),
        client.get(f"/api/v1/cases/{case.pk}/").content.decode(),
    ):
        assert "Johor" in body and "Marlina" not in body and "6371014101900001" not in body
        assert "[" in body  # the role label stands where the name was
    services.consent_record(actor=cast.bp3mi.worker, party=CaseParty.objects.get(case=case), consent="GIVEN")
    assert "Sulastri Marlina" in client.get(f"/api/v1/cases/{case.pk}/").json()["narrative"]


def test_referral_and_transfer_reasons_are_masked_for_the_pending_addressee_like_the_chronology(
    cast, make_person
):
    case = _case_naming_sulastri(cast, make_person)
    reason = "Sulastri Marlina (NIK 6371014101900001, HP 0812-3456-7890) perlu rumah aman di Banjarmasin."
    referral = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, need="SHELTER", reason=reason
    )
    transfer = services.lead_transfer_request(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, reason=reason
    )
    secrets = ("Marlina", "6371014101900001", "0812-3456-7890")

    def shows(user, url):
        response = api(user).get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        return "Banjarmasin" in body, [secret for secret in secrets if secret in body]

    pending_urls = [
        reverse("cases:referral_inbox"),
        reverse("cases:detail", args=[case.pk]),
        "/api/v1/referrals/",
        f"/api/v1/referrals/{referral.pk}/",
        f"/api/v1/cases/{case.pk}/",
        f"/api/v1/cases/{case.pk}/referrals/",
    ]
    for url in pending_urls:
        assert shows(cast.uptd.worker, url) == (True, []), url  # the reason is there, her identity is not
    for url in (reverse("cases:transfer_inbox"), "/api/v1/transfers/"):
        assert shows(cast.uptd.supervisor, url) == (True, []), url
    shown = api(cast.uptd.worker).get(f"/api/v1/referrals/{referral.pk}/").json()["reason"]
    label = shown[: shown.index("]") + 1]  # "[Korban 1]": the role label, as in the chronology
    assert shown == f"{label} (NIK {label}, HP {label}) perlu rumah aman di Banjarmasin."
    # The lead sees its own words; an accepted participant without consent still reads them masked.
    assert shows(cast.bp3mi.worker, f"/api/v1/cases/{case.pk}/referrals/") == (True, list(secrets))
    services.lead_transfer_decline(actor=cast.uptd.supervisor, transfer=transfer, reason="Belum bisa.")
    services.referral_accept(actor=cast.uptd.worker, referral=referral)
    assert shows(cast.uptd.worker, reverse("cases:detail", args=[case.pk]) + "?open=all") == (True, [])
    assert Referral.objects.get(pk=referral.pk).reason == reason  # masked when read, never when stored


def test_the_intake_form_tells_the_writer_about_the_masking(cast):
    html = api(cast.bp3mi.worker).get(reverse("cases:intake")).content.decode()
    assert "disamarkan" in html or "masked" in html


def test_duplicate_check_takes_a_body_is_throttled_and_answers_pending_agencies_without_naming(
    cast, make_case, monkeypatch
):
    from sinergi.people.identifiers import nik_index

    case = make_case()
    person = case.parties.first().person
    person.nik, person.nik_index = "6371014101900001", nik_index("6371014101900001")
    person.save(update_fields=["nik", "nik_index"])
    refer(case, cast, cast.uptd)
    client = api(cast.uptd.worker)
    url = "/api/v1/cases/duplicates/"
    assert client.get(url, {"nik": "6371014101900001"}).status_code == 405
    answer = client.post(url, {"nik": "6371014101900001"}, content_type="application/json").json()
    assert answer == {"matches": [], "elsewhere": True}  # the case it may open is not named
    assert case.reference not in str(answer)
    monkeypatch.setattr(selectors, "DUPLICATE_CHECKS_PER_WINDOW", 2)
    codes = [
        client.post(url, {"nik": f"63710141019{i:05d}"}, content_type="application/json").status_code
        for i in range(3)
    ]
    assert codes[-1] == 429


def test_a_case_opened_from_a_post_is_one_transaction(cast, regions):
    from sinergi.detection import services as detection
    from sinergi.detection.models import ScreenedPost

    analyst = UserFactory(
        username="ana-bp3mi", agency=cast.bp3mi.agency, roles=[Role.CASE_WORKER, Role.ANALYST]
    )
    batch = detection.post_store_batch(
        actor=analyst,
        results=[{"text": "Lowker ke Kamboja gaji 15jt, WA 0812-0555-1234", "account": "x"}],
        source="api",
    )
    post = batch.posts.first()
    client = api(analyst)
    response = client.post(
        "/api/v1/cases/",
        {"intake_channel": "EARLY_DETECTION", "destination_country": "KH", "source_post_id": post.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    post.refresh_from_db()
    assert post.linked_case_id == response.json()["summary"]["id"]
    # A post the caller may not see refuses the whole intake: no case without its link.
    before = Case.objects.count()
    refused = api(cast.kbri.worker).post(  # a case worker without an analyst role sees no posts
        "/api/v1/cases/",
        {"intake_channel": "EARLY_DETECTION", "source_post_id": post.pk},
        content_type="application/json",
    )
    assert refused.status_code == 404 and Case.objects.count() == before
    assert ScreenedPost.objects.get(pk=post.pk).linked_case_id == response.json()["summary"]["id"]


def test_analysts_outreach_and_the_platform_administrator_open_no_victims_record(
    cast, make_case, platform_admin
):
    case = make_case()
    victim = case.parties.first().person
    analyst = UserFactory(username="an-x", agency=cast.bp3mi.agency, roles=[Role.ANALYST])
    outreach = UserFactory(username="out-x", agency=cast.bp3mi.agency, roles=[Role.OUTREACH_OFFICER])
    for user in (analyst, outreach, platform_admin):
        client = api(user)
        assert client.get(reverse("people:detail", args=[victim.pk])).status_code == 404
        assert client.get(f"/api/v1/people/{victim.pk}/").status_code == 404
        found = client.post(
            "/api/v1/people/search/", {"q": victim.full_name}, content_type="application/json"
        )
        assert found.status_code in (200, 403) and victim.full_name not in found.content.decode()


def _case_naming_sulastri(
    cast, make_person, *, note="Sulastri Marlina (0812-3456-7890) minta dijemput di Johor.", victim=None
):
    """A case whose victim, Sulastri Marlina, is named with her NIK and phone in the narrative and a note."""
    from sinergi.people.identifiers import nik_index, phone_index
    from sinergi.people.models import PersonPhone

    if victim is None:
        victim = make_person(
            cast.bp3mi.agency,
            full_name="Sulastri Marlina",
            nik="6371014101900001",
            nik_index=nik_index("6371014101900001"),
            search_names=" sulastri marlina",
        )
        PersonPhone.objects.create(
            person=victim, number="+6281234567890", number_index=phone_index("+6281234567890")
        )
    case = services.case_intake(
        actor=cast.bp3mi.worker,
        intake_channel="HOTLINE",
        narrative="Sulastri Marlina (NIK 6371014101900001) dibawa agen ke Johor.",
        destination_country="MY",
        parties=[{"person": victim, "role": "VICTIM", "age_group": "ADULT"}],
    )
    services.note_add(actor=cast.bp3mi.worker, case=case, text=note, sensitivity="GENERAL")
    return case


def test_notes_are_masked_like_the_chronology_until_consent(cast, make_case, make_person):
    from sinergi.cases.models import CaseParty

    case = _case_naming_sulastri(cast, make_person)
    services.referral_accept(actor=cast.uptd.worker, referral=refer(case, cast, cast.uptd))
    client = api(cast.uptd.worker)
    page = client.get(reverse("cases:detail", args=[case.pk]) + "?open=all").content.decode()
    notes = client.get(f"/api/v1/cases/{case.pk}/notes/").json()["results"]
    assert [n["text"] for n in notes] == ["[Korban 1] ([Korban 1]) minta dijemput di Johor."]
    assert "dijemput di Johor" in page
    for body in (page, str(notes)):
        assert "Marlina" not in body and "3456-7890" not in body and "Sulastri" not in body
    # The lead sees what was written, and so does the participant once the victim consents.
    assert (
        "Sulastri Marlina (0812-3456-7890)"
        in api(cast.bp3mi.worker).get(f"/api/v1/cases/{case.pk}/notes/").json()["results"][0]["text"]
    )
    services.consent_record(actor=cast.bp3mi.worker, party=CaseParty.objects.get(case=case), consent="GIVEN")
    assert (
        "Sulastri Marlina"
        in client.get(reverse("cases:detail", args=[case.pk]) + "?open=all").content.decode()
    )


def test_the_timeline_shows_its_text_through_the_same_mask(cast, make_person):
    """Whatever text a timeline entry carries passes the case's mask, on the page and in the API alike."""
    from sinergi.cases.models import CaseEvent

    case = _case_naming_sulastri(cast, make_person)
    services.referral_accept(actor=cast.uptd.worker, referral=refer(case, cast, cast.uptd))
    CaseEvent.objects.create(
        case=case, kind="UPDATED", actor=cast.bp3mi.worker, data={"fields": ["Sulastri Marlina"]}
    )
    client = api(cast.uptd.worker)
    page = client.get(reverse("cases:timeline", args=[case.pk])).content.decode()
    entries = client.get(f"/api/v1/cases/{case.pk}/timeline/").json()["results"]
    assert "[Korban 1]" in page and "[Korban 1]" in str(entries)
    assert "Marlina" not in page and "Marlina" not in str(entries)
    lead_entries = api(cast.bp3mi.worker).get(f"/api/v1/cases/{case.pk}/timeline/").json()["results"]
    assert "Sulastri Marlina" in str(lead_entries)


@pytest.mark.parametrize("words", ["Sulastri Marlina", "marlina", "6371014101900001", "0812-3456-7890"])
def test_the_case_search_finds_no_case_by_a_name_the_reader_sees_masked(cast, make_person, words):
    from sinergi.cases.models import CaseParty

    case = _case_naming_sulastri(cast, make_person)
    pending = refer(case, cast, cast.polda, need="INVESTIGATION")
    services.referral_accept(actor=cast.uptd.worker, referral=refer(case, cast, cast.uptd))

    def found(user, q=words):
        return list(selectors.case_list(user=user, filters={"q": q}).values_list("pk", flat=True))

    assert pending.state == "PENDING"
    assert found(cast.polda.worker) == []  # the pending addressee: nothing, not even by the victim's name
    assert found(cast.uptd.worker) == []  # the participant reads "[Korban 1]" there: no match either
    assert found(cast.uptd.worker, "Johor") == [case.pk]  # what it may read still finds the case
    assert found(cast.bp3mi.worker) == [case.pk]  # the lead sees who she is
    services.consent_record(actor=cast.bp3mi.worker, party=CaseParty.objects.get(case=case), consent="GIVEN")
    assert found(cast.uptd.worker) == [case.pk]


@pytest.mark.parametrize("words", ["Marli", "arlina", "SULASTRI MARL", "01410190", "3456-78"])
def test_the_case_search_finds_no_case_by_part_of_a_name_or_number_the_reader_sees_masked(
    cast, make_person, words
):
    """SQLite matches inside words (LIKE), PostgreSQL whole words: on both, part of a masked name finds
    nothing, because the participant's search runs over what it reads."""
    from django.db import connection

    from sinergi.cases.models import CaseParty

    case = _case_naming_sulastri(cast, make_person)
    services.referral_accept(actor=cast.uptd.worker, referral=refer(case, cast, cast.uptd))

    def found(q=words):
        return list(selectors.case_list(user=cast.uptd.worker, filters={"q": q}).values_list("pk", flat=True))

    assert found() == []
    assert found(f"{words} Johor") == [] and found("Johor") == [case.pk]
    services.consent_record(actor=cast.bp3mi.worker, party=CaseParty.objects.get(case=case), consent="GIVEN")
    if connection.vendor == "sqlite":  # the words do match the stored text: only the masking kept them out
        assert found() == [case.pk]


def test_the_case_search_page_as_a_pending_addressee_shows_nothing_for_the_victims_name(cast, make_person):
    case = _case_naming_sulastri(cast, make_person)
    refer(case, cast, cast.polda, need="INVESTIGATION")
    html = api(cast.polda.worker).post(reverse("cases:index"), {"q": "Sulastri Marlina"}).content.decode()
    assert case.reference not in html
    assert case.reference in api(cast.polda.worker).get(reverse("cases:index")).content.decode()


def test_an_agreement_granting_identity_on_a_case_unmasks_it_for_that_participant(
    cast, make_person, monkeypatch
):
    """The hook the data-sharing agreements fill: a grant for (agency, case) reaches the CaseView's reader."""
    from sinergi.cases import policy

    case = _case_naming_sulastri(cast, make_person)
    other = _case_naming_sulastri(cast, make_person, victim=case.parties.get().person)
    for each in (case, other):
        services.referral_accept(actor=cast.uptd.worker, referral=refer(each, cast, cast.uptd))
    monkeypatch.setattr(policy, "_AGREEMENT_SOURCES", [])
    identity = policy.Grant(groups=frozenset({policy.FieldGroup.IDENTITY}))
    policy.register_agreement_source(
        lambda agency_id, case_id: (
            [identity] if (agency_id, case_id) == (cast.uptd.agency.pk, case.pk) else []
        )
    )
    assert "Sulastri Marlina" in selectors.case_detail(user=cast.uptd.worker, case_id=case.pk).narrative()
    assert "Marlina" not in selectors.case_detail(user=cast.uptd.worker, case_id=other.pk).narrative()
