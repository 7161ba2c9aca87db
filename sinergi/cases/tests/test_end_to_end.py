"""One case from a community report to closure across five agencies, through the API, proving at each step
what every other agency can and cannot see (API and selectors)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from sinergi.audit.choices import AuditAction
from sinergi.audit.models import AuditEntry
from sinergi.cases import selectors
from sinergi.cases.models import Case, Notification, Referral
from sinergi.conftest import sign_in

pytestmark = pytest.mark.django_db


def api(user):
    return sign_in(Client(), user)


def ok(response, status=200):
    """The answer's body; of a list, every item (the test's lists fit in one page)."""
    assert response.status_code == status, response.content
    body = response.json()
    if isinstance(body, dict) and "results" in body and "count" in body:
        assert body["next"] is None
        return body["results"]
    return body


def visible_ids(user):
    return set(selectors.case_list(user=user).values_list("pk", flat=True))


def test_community_report_to_closure(cast, make_person, django_capture_on_commit_callbacks, regions):
    bp3mi, polda, uptd, kbri, lpsk = cast.bp3mi, cast.polda, cast.uptd, cast.kbri, cast.lpsk
    lead = api(bp3mi.worker)
    adult = make_person(bp3mi.agency, full_name="Siti Rahmawati")
    child = make_person(bp3mi.agency, full_name="Nur Aini")
    recruiter = make_person(bp3mi.agency, full_name="Bambang Sugiarto")
    village = regions.filter(level=4, code__startswith="63.").order_by("code").first()

    # 1. Intake from a community report: only BP3MI sees it.
    with django_capture_on_commit_callbacks(execute=True):
        created = ok(
            lead.post(
                "/api/v1/cases/",
                {
                    "intake_channel": "COMMUNITY",
                    "narrative": "Dua kakak beradik direkrut lewat Facebook untuk kerja restoran di Kuala Lumpur; "
                    "paspor ditahan, gaji tidak dibayar.",
                    "origin_region": village.code,
                    "destination_country": "my",
                    "destination_city": "Kuala Lumpur",
                    "recruitment_channel": "SOCIAL_MEDIA",
                    "recruitment_app": "facebook",
                    "exploitation_types": ["FORCED_LABOUR"],
                    "means_of_control": ["WITHHOLDS_DOCUMENTS", "TAKES_EARNINGS"],
                    "parties": [
                        {"person": adult.pk, "role": "VICTIM", "age_group": "ADULT"},
                        {"person": child.pk, "role": "VICTIM", "age_group": "CHILD"},
                        {"person": recruiter.pk, "role": "RECRUITER", "age_group": "ADULT"},
                    ],
                },
                content_type="application/json",
            ),
            201,
        )
    case_id = created["summary"]["id"]
    url = f"/api/v1/cases/{case_id}/"
    assert created["summary"]["destination_country"] == "MY"
    for other in (polda, uptd, kbri, lpsk):
        assert api(other.worker).get(url).status_code == 404
        assert case_id not in visible_ids(other.worker)

    # A second report of the same victim is flagged before saving (NIK/phone/name+birth date).
    adult.birth_date = timezone.localdate() - timedelta(days=25 * 365)
    adult.save(update_fields=["birth_date"])
    hints = ok(
        lead.post(
            "/api/v1/cases/duplicates/",
            {"full_name": "siti  RAHMAWATI", "birth_date": adult.birth_date.isoformat()},
            content_type="application/json",
        )
    )
    assert [h["case_id"] for h in hints["matches"]] == [case_id]
    # Another agency is told at most that a matching record exists elsewhere: no case, no agency.
    assert ok(
        api(polda.worker).post(
            "/api/v1/cases/duplicates/",
            {"full_name": "Siti Rahmawati", "birth_date": adult.birth_date.isoformat()},
            content_type="application/json",
        )
    ) == {"matches": [], "elsewhere": True}

    # 2. Verification and assessment, approved by a supervisor (four eyes).
    ok(lead.post(f"{url}transition/", {"to_stage": "assessment"}, content_type="application/json"))
    refused = lead.post(f"{url}transition/", {"to_stage": "referral"}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "approval_required"
    approval = ok(lead.post(f"{url}approvals/", {"kind": "ASSESSMENT"}, content_type="application/json"), 201)
    ok(
        api(bp3mi.supervisor).post(
            f"/api/v1/approvals/{approval['id']}/decide/", {"approve": True}, content_type="application/json"
        )
    )
    ok(lead.post(f"{url}transition/", {"to_stage": "referral"}, content_type="application/json"))

    # 3. Referrals by need to four agencies.
    referrals = {}
    with django_capture_on_commit_callbacks(execute=True):
        for staff, need in (
            (polda, "INVESTIGATION"),
            (uptd, "SHELTER"),
            (kbri, "REPATRIATION"),
            (lpsk, "WITNESS_PROTECTION"),
        ):
            referrals[need] = ok(
                lead.post(
                    f"{url}referrals/",
                    {"to_agency": staff.agency.pk, "need": need, "reason": "Sesuai asesmen"},
                    content_type="application/json",
                ),
                201,
            )
    assert "UU 21/2007 pasal 52" in referrals["REPATRIATION"]["deadline_source"]
    expected = {item["need"]: item["referral_ids"] for item in ok(lead.get(url))["expected_referrals"]}
    assert expected["INVESTIGATION"] == [referrals["INVESTIGATION"]["id"]]
    assert expected["URGENT_FIRST_AID"] == []  # expected by the stage, not yet referred
    polda_note = Notification.objects.get(recipient=polda.worker, kind="REFERRAL")
    assert (
        "Siti" not in polda_note.message and case_id and created["summary"]["reference"] in polda_note.message
    )
    assert all("Siti" not in m.body and "Nur Aini" not in m.body for m in mail.outbox)

    # A pending agency sees enough to decide, and nothing more.
    pending = ok(api(polda.worker).get(url))
    assert pending["relation"] == "pending"
    assert pending["narrative"] is None and pending["parties"] == [] and pending["modus"] is None
    assert pending["victims"] == 2 and pending["has_child_victim"] is True
    assert [r["need"] for r in pending["referrals"]] == ["INVESTIGATION"]
    assert ok(api(polda.worker).get(f"{url}timeline/")) == []
    assert ok(api(polda.worker).get(f"{url}notes/")) == []
    refused = api(polda.worker).post(f"{url}notes/", {"text": "x"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    assert not Case.objects.get(pk=case_id).notes.exists()

    # Bad input: accepting someone else's referral; a deadline in the past.
    wrong = api(uptd.worker).post(
        f"/api/v1/referrals/{referrals['INVESTIGATION']['id']}/accept/", {}, content_type="application/json"
    )
    assert wrong.status_code == 404  # a pending agency does not even see another agency's referral
    past = lead.post(
        f"{url}referrals/",
        {
            "to_agency": cast.dinsos.agency.pk,
            "need": "REHABILITATION",
            "reason": "x",
            "due_at": (timezone.now() - timedelta(days=1)).isoformat(),
        },
        content_type="application/json",
    )
    assert past.status_code == 400 and past.json()["error"]["code"] == "deadline_in_past"

    # 4. Answers: three accept, LPSK declines and loses sight of the case.
    for staff, need in ((polda, "INVESTIGATION"), (uptd, "SHELTER"), (kbri, "REPATRIATION")):
        ok(
            api(staff.worker).post(
                f"/api/v1/referrals/{referrals[need]['id']}/accept/", {}, content_type="application/json"
            )
        )
    not_mine = api(uptd.worker).post(
        f"/api/v1/referrals/{referrals['INVESTIGATION']['id']}/decline/",
        {"reason": "x"},
        content_type="application/json",
    )
    assert not_mine.status_code == 403 and not_mine.json()["error"]["code"] == "not_addressee"
    ok(
        api(lpsk.worker).post(
            f"/api/v1/referrals/{referrals['WITNESS_PROTECTION']['id']}/decline/",
            {"reason": "Belum ada permohonan"},
            content_type="application/json",
        )
    )
    assert api(lpsk.worker).get(url).status_code == 404
    assert Notification.objects.filter(recipient=bp3mi.supervisor, kind="REFERRAL_DECLINED").exists()

    # 5. Notes by sensitivity, documents, and who reads what.
    lead_notes = {
        "INVESTIGATION": "Perekrut memakai rekening atas nama kerabat, nomor diserahkan ke penyidik.",
        "CARE": "Korban mengalami trauma berat dan perlu konseling psikolog.",
        "GENERAL": "Keluarga sudah dihubungi.",
    }
    for sensitivity, text in lead_notes.items():
        ok(
            lead.post(
                f"{url}notes/", {"text": text, "sensitivity": sensitivity}, content_type="application/json"
            ),
            201,
        )
    doc = ok(
        lead.post(
            f"{url}documents/",
            {
                "file": SimpleUploadedFile("visum.pdf", b"%PDF-1.4 visum"),
                "title": "Visum",
                "sensitivity": "CARE",
            },
        ),
        201,
    )

    def note_kinds(user):
        return sorted(n["sensitivity"] for n in ok(api(user).get(f"{url}notes/")))

    assert note_kinds(bp3mi.worker) == ["CARE", "GENERAL", "INVESTIGATION"]
    assert note_kinds(polda.worker) == ["GENERAL", "INVESTIGATION"]
    assert note_kinds(uptd.worker) == ["CARE", "GENERAL"]
    assert note_kinds(kbri.worker) == ["GENERAL"]
    assert api(uptd.worker).get(f"/api/v1/documents/{doc['id']}/download/").status_code == 200
    for user in (polda.worker, kbri.worker, lpsk.worker):
        assert api(user).get(f"/api/v1/documents/{doc['id']}/download/").status_code == 404

    # Full-text search finds only text the searcher may read.
    def found(user, words):
        return case_id in {c["id"] for c in ok(api(user).post("/api/v1/cases/search/", {"q": words}))}

    assert found(polda.worker, "rekening kerabat") and not found(uptd.worker, "rekening kerabat")
    assert found(uptd.worker, "konseling psikolog") and not found(polda.worker, "konseling psikolog")
    assert found(kbri.worker, "restoran") and not found(lpsk.worker, "restoran")

    # 6. Identities: consent for the adult, child only to child protection.
    def names(user):
        return {p["label"]: p["full_name"] for p in ok(api(user).get(url))["parties"]}

    assert set(names(bp3mi.worker).values()) == {"Siti Rahmawati", "Nur Aini", "Bambang Sugiarto"}
    assert not any(names(kbri.worker).values())  # no consent yet: KBRI sees labels, no names
    assert {n for n in names(polda.worker).values() if n} == {"Bambang Sugiarto"}
    adult_party = next(p for p in ok(lead.get(url))["parties"] if p["full_name"] == "Siti Rahmawati")
    ok(
        lead.post(
            f"/api/v1/case-parties/{adult_party['id']}/consent/",
            {"consent": "GIVEN"},
            content_type="application/json",
        )
    )
    child_party = next(p for p in ok(lead.get(url))["parties"] if p["full_name"] == "Nur Aini")
    ok(
        lead.post(
            f"/api/v1/case-parties/{child_party['id']}/consent/",
            {"consent": "GIVEN"},
            content_type="application/json",
        )
    )
    polda_names = {n for n in names(polda.worker).values() if n}
    uptd_names = {n for n in names(uptd.worker).values() if n}
    kbri_names = {n for n in names(kbri.worker).values() if n}
    assert polda_names == {"Siti Rahmawati", "Bambang Sugiarto"}  # the child only to child protection
    assert uptd_names == {"Siti Rahmawati", "Nur Aini"}  # UPTD PPA holds the child-protection role
    assert kbri_names == {"Siti Rahmawati"}
    from sinergi.people.models import Person

    assert set(Person.objects.restrict(kbri.worker).values_list("full_name", flat=True)) == {"Siti Rahmawati"}

    # 7. The legal track runs beside the care track, moved by the police only.
    bad = api(uptd.worker).post(
        f"{url}transition/", {"to_stage": "police_report"}, content_type="application/json"
    )
    assert bad.status_code == 403 and bad.json()["error"]["code"] == "transition_not_allowed"
    ok(
        api(polda.worker).post(
            f"{url}transition/", {"to_stage": "police_report"}, content_type="application/json"
        )
    )
    ok(
        api(polda.worker).post(
            f"{url}transition/", {"to_stage": "investigation"}, content_type="application/json"
        )
    )
    assert ok(lead.get(url))["legal_stage"] == "investigation"
    assert ok(api(kbri.worker).get(url))["legal_stage"] is None
    assert ok(api(polda.worker).get(url))["summary"]["stage"] == "referral"
    skip = api(polda.worker).post(
        f"{url}transition/", {"to_stage": "verdict"}, content_type="application/json"
    )
    assert skip.status_code == 400 and skip.json()["error"]["code"] == "transition_not_allowed"

    # 8. Case plan, services delivered and reported; repatriation done ends KBRI's access.
    approval = ok(lead.post(f"{url}approvals/", {"kind": "CASE_PLAN"}, content_type="application/json"), 201)
    ok(
        api(bp3mi.supervisor).post(
            f"/api/v1/approvals/{approval['id']}/decide/", {"approve": True}, content_type="application/json"
        )
    )
    version = ok(lead.get(url))["summary"]["version"]
    ok(
        lead.post(
            f"{url}transition/", {"to_stage": "services", "version": version}, content_type="application/json"
        )
    )
    stale = api(bp3mi.supervisor).post(
        f"{url}transition/",
        {"to_stage": "reintegration", "version": version},
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    ok(
        api(kbri.worker).post(
            f"/api/v1/referrals/{referrals['REPATRIATION']['id']}/services/",
            {"description": "Dipulangkan via Bandara Syamsudin Noor"},
            content_type="application/json",
        ),
        201,
    )
    ok(
        api(uptd.worker).post(
            f"/api/v1/referrals/{referrals['SHELTER']['id']}/services/",
            {"description": "Rumah aman 10 hari, konseling"},
            content_type="application/json",
        ),
        201,
    )
    ok(
        lead.post(
            f"/api/v1/referrals/{referrals['REPATRIATION']['id']}/done/", {}, content_type="application/json"
        )
    )
    assert api(kbri.worker).get(url).status_code == 404
    ok(lead.post(f"{url}transition/", {"to_stage": "reintegration"}, content_type="application/json"))
    assert Case.objects.get(pk=case_id).repatriated_at is not None
    ok(lead.post(f"{url}transition/", {"to_stage": "monitoring"}, content_type="application/json"))

    # The police read their part of the timeline while their referral is open.
    polda_timeline = ok(api(polda.worker).get(f"{url}timeline/"))
    assert {e["sensitivity"] for e in polda_timeline} == {"GENERAL", "INVESTIGATION"}
    assert all(e["kind"] != "DOCUMENT_ADDED" for e in polda_timeline)

    # 9. Closure with supervisor approval and an outcome.
    approval = ok(lead.post(f"{url}approvals/", {"kind": "CLOSURE"}, content_type="application/json"), 201)
    ok(
        api(bp3mi.supervisor).post(
            f"/api/v1/approvals/{approval['id']}/decide/", {"approve": True}, content_type="application/json"
        )
    )
    no_outcome = lead.post(f"{url}transition/", {"to_stage": "closed"}, content_type="application/json")
    assert no_outcome.json()["error"]["code"] == "outcome_required"
    # The police referral is still open: closing would leave it hanging, so it is settled first.
    still_open = lead.post(
        f"{url}transition/",
        {"to_stage": "closed", "outcome": "REINTEGRATED"},
        content_type="application/json",
    )
    assert still_open.json()["error"]["code"] == "closure_decision_required"
    assert Case.objects.get(pk=case_id).status == "OPEN"
    for referral in Referral.objects.filter(case_id=case_id, state__in=("PENDING", "ACCEPTED")):
        action = "done" if referral.state == "ACCEPTED" else "revoke"
        ok(
            lead.post(
                f"/api/v1/referrals/{referral.pk}/{action}/",
                {"reason": "Selesai"},
                content_type="application/json",
            )
        )
    closed = ok(
        lead.post(
            f"{url}transition/",
            {"to_stage": "closed", "outcome": "REINTEGRATED"},
            content_type="application/json",
        )
    )
    assert closed["summary"]["status"] == "CLOSED" and closed["summary"]["closure_reason"] == "REINTEGRATED"
    # A closed case is read-only, even for its lead (the police's referral was settled, so they left it).
    assert (
        lead.post(f"{url}notes/", {"text": "x"}, content_type="application/json").json()["error"]["code"]
        == "case_closed"
    )

    # The timeline: one chronological list, filtered per reader.
    lead_kinds = [e["kind"] for e in ok(lead.get(f"{url}timeline/"))]
    for kind in (
        "CREATED",
        "TRANSITION",
        "APPROVAL_DECIDED",
        "REFERRAL_CREATED",
        "REFERRAL_ACCEPTED",
        "REFERRAL_DECLINED",
        "NOTE_ADDED",
        "DOCUMENT_ADDED",
        "LEGAL_STEP",
        "REFERRAL_SERVICES",
        "REFERRAL_DONE",
        "CLOSED",
    ):
        assert kind in lead_kinds
    times = [e["at"] for e in ok(lead.get(f"{url}timeline/"))]
    assert times == sorted(times)

    # Every view of the case is in the audit trail; metrics count the handling.
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.VIEW, object_type="cases.case", object_id=str(case_id)
        ).count()
        >= 10
    )
    metrics = ok(lead.get("/api/v1/cases/metrics/"))
    assert metrics["cases_reported"] == 1 and metrics["report_to_repatriation"]["count"] == 1
    assert metrics["report_to_first_action"]["count"] == 1
    polda_metrics = ok(api(polda.supervisor).get("/api/v1/cases/metrics/"))
    assert polda_metrics["referrals_received"] == 1 and polda_metrics["referral_acceptance"]["count"] == 1
    assert api(polda.supervisor).get("/api/v1/cases/metrics/", {"agency": bp3mi.agency.pk}).status_code == 404
