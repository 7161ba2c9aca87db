"""Pages: the permission matrix of every view, the review queue, uploads, screening a text, departure screening."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from sinergi.agencies.choices import AgencyType, Role
from sinergi.audit.models import AuditEntry
from sinergi.core.testing.factories import AgencyFactory, UserFactory
from sinergi.detection import services
from sinergi.detection.choices import PostSource, ReviewStatus
from sinergi.detection.models import Campaign, DepartureScreening, Review, ScreenedPost
from sinergi.detection.tests.conftest import RISKY, SAFE

pytestmark = pytest.mark.django_db

LOW_RISK_ANSWERS = {
    "checkpoint": "PLBN Motaain (Belu)",
    "age": "29",
    "destination_country": "TW",
    "purpose": "work",
    "job_type": "caregiver",
    "visa_type": "work",
    "registered": "yes",
    "documents": [
        "passport",
        "work_visa",
        "placement_agreement",
        "employment_contract",
        "family_permission",
        "health_certificate",
        "orientation",
    ],
    "recruited_via": "p3mi",
    "costs_paid_by": "employer",
    "fee_paid_idr": "0",
    "debt": "no",
    "passport_holder": "self",
    "accompanied_by": "alone",
    "waiting_at_destination": "employer",
    "knows_employer": "yes",
}
HIGH_RISK_ANSWERS = {
    **LOW_RISK_ANSWERS,
    "age": "17",
    "destination_country": "KH",
    "purpose": "tourism",
    "job_type": "online_admin",
    "visa_type": "tourist",
    "registered": "no",
    "documents": ["passport"],
    "recruited_via": "social_media",
    "costs_paid_by": "recruiter",
    "passport_holder": "companion",
    "accompanied_by": "group_with_escort",
    "waiting_at_destination": "unknown_person",
    "knows_employer": "no",
}


def assert_denied(response, *, statuses=(302, 403, 404)):
    assert response.status_code in statuses, response.status_code
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]


@pytest.fixture
def stored(analyst):
    services.post_store_batch(
        actor=analyst,
        results=[
            {"text": RISKY, "account": "akun1", "platform": "facebook"},
            {"text": RISKY + " 🔥", "account": "akun2", "platform": "tiktok"},
            {"text": SAFE, "account": "pt.sentosa"},
        ],
        source=PostSource.API,
    )
    return Campaign.objects.order_by("-post_count").first()


# ------------------------------------------------------------------------------------------ permission matrix


READ_PAGES = ["detection:index", "detection:batches", "detection:contacts"]


@pytest.mark.parametrize("name", READ_PAGES)
def test_read_pages_matrix(client, signed_in, name, case_worker, analyst, read_only, other_analyst, stored):
    url = reverse(name)
    assert_denied(client.get(url))
    assert signed_in(client, case_worker).get(url).status_code == 403
    # Posts are public content, shared across agencies: an analyst of another agency sees the same queue.
    for user in (analyst, read_only, other_analyst):
        assert signed_in(client, user).get(url).status_code == 200


def test_campaign_and_post_pages_matrix(client, signed_in, case_worker, analyst, read_only, stored):
    post = stored.posts.first()
    for url in (reverse("detection:campaign", args=[stored.pk]), reverse("detection:post", args=[post.pk])):
        client.logout()
        assert_denied(client.get(url))
        assert signed_in(client, case_worker).get(url).status_code == 404
        assert signed_in(client, read_only).get(url).status_code == 200
        assert signed_in(client, analyst).get(url).status_code == 200
    assert signed_in(client, analyst).get(reverse("detection:campaign", args=[99999])).status_code == 404


def _reviewed(stored, kind):
    """The campaign itself, or its first post: the two records the review panel decides on."""
    return stored if kind == "campaign" else stored.posts.first()


@pytest.mark.parametrize("kind", ["campaign", "post"])
def test_review_matrix_changes_nothing_on_denial(
    client, signed_in, case_worker, read_only, analyst, stored, kind
):
    target = _reviewed(stored, kind)
    url = reverse(f"detection:{kind}_review", args=[target.pk])
    data = {"decision": "confirm", "reason": "Kamboja"}
    audit_before = AuditEntry.objects.count()  # storing the batch wrote its own
    assert_denied(client.post(url, data))
    for user in (case_worker, read_only):
        assert signed_in(client, user).post(url, data).status_code == 404
    assert not Review.objects.exists()
    assert AuditEntry.objects.count() == audit_before
    target.refresh_from_db()
    assert target.status == ReviewStatus.NEW

    response = signed_in(client, analyst).post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse(f"detection:{kind}", args=[target.pk])
    target.refresh_from_db()
    assert target.status == ReviewStatus.CONFIRMED


def test_upload_matrix(client, signed_in, case_worker, read_only, analyst):
    url = reverse("detection:upload")
    assert_denied(client.get(url))
    for user in (case_worker, read_only):
        client = signed_in(client, user)
        assert client.get(url).status_code == 403
        upload = SimpleUploadedFile("p.jsonl", json.dumps({"text": RISKY}).encode())
        assert client.post(url, {"file": upload}).status_code == 403
    assert not ScreenedPost.objects.exists()
    assert signed_in(client, analyst).get(url).status_code == 200


def test_screen_page_is_for_every_signed_in_officer(client, signed_in, case_worker):
    url = reverse("detection:screen")
    assert_denied(client.get(url))
    response = signed_in(client, case_worker).post(url, {"text": RISKY})
    assert response.status_code == 200
    assert b"<mark" in response.content
    assert not ScreenedPost.objects.exists()


# ------------------------------------------------------------------------------------------ queue and review


def test_queue_orders_by_risk_and_hides_low_risk_by_default(client, signed_in, analyst, stored):
    response = signed_in(client, analyst).get(reverse("detection:index"))
    page = list(response.context["page"].object_list)
    assert page and all(c.risk_rank >= 2 for c in page)
    assert [c.risk_rank for c in page] == sorted((c.risk_rank for c in page), reverse=True)
    everything = client.get(reverse("detection:index"), {"risk": "", "status": ""}).context["page"]
    assert everything.paginator.count == Campaign.objects.count() == 2


def test_queue_filters(client, signed_in, analyst, stored):
    client = signed_in(client, analyst)
    tiktok = client.get(reverse("detection:index"), {"platform": "TikTok"}).context["page"]
    assert [c.pk for c in tiktok.object_list] == [stored.pk]
    none = client.get(reverse("detection:index"), {"platform": "line"}).context["page"]
    assert none.paginator.count == 0
    bad_date = client.get(reverse("detection:index"), {"seen_from": "kemarin"})
    assert bad_date.status_code == 200


def test_campaign_page_highlights_every_indicator(client, signed_in, analyst, stored):
    response = signed_in(client, analyst).get(reverse("detection:campaign", args=[stored.pk]))
    body = response.content.decode()
    post = stored.representative
    assert body.count("<mark") >= 1
    for indicator in post.indicators:
        assert escape(indicator["explanation"]) in body
        assert escape(indicator["basis"]) in body
    assert "akun2" in body  # its accounts
    assert 'data-testid="open-case"' in body


def test_post_text_is_escaped(client, signed_in, analyst):
    services.post_store_batch(
        actor=analyst,
        results=[{"text": "<script>alert(1)</script> gaji 15jt tanpa pengalaman"}],
        source="api",
    )
    post = ScreenedPost.objects.get()
    body = signed_in(client, analyst).get(reverse("detection:post", args=[post.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


@pytest.mark.parametrize("kind", ["campaign", "post"])
def test_htmx_review_returns_the_decided_panel(client, signed_in, analyst, stored, kind):
    url = reverse(f"detection:{kind}_review", args=[_reviewed(stored, kind).pk])
    response = signed_in(client, analyst).post(
        url, {"decision": "dismiss", "reason": "Iklan resmi"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'data-testid="decision"' in response.content.decode()
    again = client.post(url, {"decision": "confirm", "reason": "lagi"}, HTTP_HX_REQUEST="true")
    assert again.status_code == 409
    assert Review.objects.get().decision == "dismiss"


def test_review_without_reason_shows_the_form_again(client, signed_in, analyst, stored):
    url = reverse("detection:campaign_review", args=[stored.pk])
    response = signed_in(client, analyst).post(
        url, {"decision": "confirm", "reason": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Review.objects.exists()


def test_open_case_links_to_the_intake_for_those_who_register_cases(
    client, signed_in, analyst, other_analyst, stored
):
    from django.urls import NoReverseMatch

    url = reverse("detection:campaign", args=[stored.pk])
    # An analyst only flags; an investigator (other_analyst) also registers cases.
    analyst_page = signed_in(client, analyst).get(url).content.decode()
    investigator_page = signed_in(client, other_analyst).get(url).content.decode()
    assert "disabled" in analyst_page.split('data-testid="open-case"')[0].rsplit("<", 1)[-1]
    try:
        intake = reverse("cases:intake")
    except NoReverseMatch:
        assert "disabled" in investigator_page.split('data-testid="open-case"')[0].rsplit("<", 1)[-1]
    else:
        assert f"{intake}?detection_post={stored.representative_id}" in investigator_page


# ------------------------------------------------------------------------------------------ upload


def test_upload_is_queued_the_batch_page_polls_then_shows_the_posts(client, signed_in, analyst):
    from sinergi.detection import services
    from sinergi.detection.models import PostBatch

    content = "\n".join(json.dumps({"text": t, "id": str(i)}) for i, t in enumerate([RISKY, SAFE])).encode()
    client = signed_in(client, analyst)
    response = client.post(reverse("detection:upload"), {"file": SimpleUploadedFile("posts.jsonl", content)})
    assert response.status_code == 302
    batch = PostBatch.objects.get()
    assert response["Location"] == reverse("detection:batch", args=[batch.pk])
    # The test transaction never commits, so the worker has not run yet: the page says so and polls.
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="queued"' in page and 'hx-trigger="every 2s"' in page
    assert "Menunggu disaring" in page and not ScreenedPost.objects.exists()
    poll = client.get(response["Location"], headers={"HX-Request": "true"})
    assert poll.status_code == 200 and 'id="batch-status"' in poll.content.decode()
    services.post_upload_process(batch_id=batch.pk)
    # Once stored, the next poll reloads the page, which lists the posts.
    poll = client.get(response["Location"], headers={"HX-Request": "true"})
    assert poll.status_code == 204 and poll["HX-Refresh"] == "true"
    page = client.get(response["Location"]).content.decode()
    assert "batch-status" not in page and ScreenedPost.objects.count() == 2


def test_upload_with_broken_lines_lists_them_and_stores_nothing(client, signed_in, analyst):
    content = (json.dumps({"text": RISKY}) + "\n{broken\n" + json.dumps({"text": ""}) + "\n").encode()
    response = signed_in(client, analyst).post(
        reverse("detection:upload"), {"file": SimpleUploadedFile("posts.jsonl", content)}
    )
    assert response.status_code == 400
    assert response.context["line_errors"][0].startswith("2:")
    assert response.context["line_errors"][1].startswith("3:")
    assert not ScreenedPost.objects.exists()


def test_upload_of_a_wrong_file_type(client, signed_in, analyst):
    response = signed_in(client, analyst).post(
        reverse("detection:upload"), {"file": SimpleUploadedFile("posts.pdf", b"%PDF-1.4 ...")}
    )
    assert response.status_code == 400
    assert not ScreenedPost.objects.exists()


# ------------------------------------------------------------------------------------------ departure


def test_departure_screening_by_an_officer(client, signed_in, officer):
    response = signed_in(client, officer).post(reverse("detection:departure_new"), HIGH_RISK_ANSWERS)
    assert response.status_code == 302
    screening = DepartureScreening.objects.get()
    assert screening.risk_level == "tinggi"
    assert screening.recommended_action == "refer_police"
    assert screening.province_code == "53"
    assert screening.agency == officer.agency
    assert {r["code"] for r in screening.reasons} >= {
        "under_18",
        "non_placement_country",
        "passport_held_by_other",
    }
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "UU 18/2017" in page.content.decode()
    viewed = AuditEntry.objects.get(object_type="detection.departurescreening", action="view")
    assert viewed.actor == officer


def test_departure_screening_low_risk_lets_depart(client, signed_in, officer):
    signed_in(client, officer).post(reverse("detection:departure_new"), LOW_RISK_ANSWERS)
    screening = DepartureScreening.objects.get()
    assert (screening.risk_level, screening.recommended_action) == ("rendah", "let_depart")


def test_departure_form_with_missing_answers_changes_nothing(client, signed_in, officer):
    response = signed_in(client, officer).post(reverse("detection:departure_new"), {"checkpoint": "x"})
    assert response.status_code == 400
    assert not DepartureScreening.objects.exists()


def test_departure_matrix(client, signed_in, officer, imigrasi, provinces):
    signed_in(client, officer).post(reverse("detection:departure_new"), HIGH_RISK_ANSWERS)
    screening = DepartureScreening.objects.get()
    url = reverse("detection:departure_detail", args=[screening.pk])
    ntt = provinces["53"]
    bp3mi_ntt = AgencyFactory(code="bp3mi-ntt", type=AgencyType.BP3MI, jurisdiction=ntt)
    police_ntb = AgencyFactory(code="polda-ntb-x", type=AgencyType.POLRI, jurisdiction=provinces["52"])
    colleague_ro = UserFactory(username="ro-imigrasi", agency=imigrasi, roles=[Role.READ_ONLY])
    allowed = [
        UserFactory(username="bp3mi-ntt-cw", agency=bp3mi_ntt, roles=[Role.CASE_WORKER]),
        colleague_ro,
    ]
    refused = [
        UserFactory(username="polda-ntb-inv", agency=police_ntb, roles=[Role.INVESTIGATOR]),
        UserFactory(
            username="dinsos-ntt",
            agency=AgencyFactory(code="dinsos-ntt", type=AgencyType.DINSOS, jurisdiction=ntt),
            roles=[Role.CASE_WORKER],
        ),
        # The platform administrator sees no person's record, and a screening names a traveller.
        UserFactory(username="root", agency=None, is_superuser=True, roles=[]),
    ]
    client.logout()
    assert_denied(client.get(url))
    for user in allowed:
        assert signed_in(client, user).get(url).status_code == 200, user.username
    for user in refused:
        assert signed_in(client, user).get(url).status_code == 404, user.username
        assert not signed_in(client, user).get(reverse("detection:departures")).context["page"].object_list
    # Read-only users and agencies without a checkpoint mandate cannot screen.
    before = DepartureScreening.objects.count()
    for user in (colleague_ro, refused[1]):
        assert (
            signed_in(client, user).post(reverse("detection:departure_new"), LOW_RISK_ANSWERS).status_code
            == 403
        )
    assert DepartureScreening.objects.count() == before


# ------------------------------------------------------------------------------------------ contacts, query counts


def test_contact_page_lists_the_posts_that_give_it(client, signed_in, analyst, case_worker, stored):
    from sinergi.detection.models import Contact

    contact = Contact.objects.get(kind="phone")
    url = reverse("detection:contact", args=[contact.pk])
    assert_denied(client.get(url))
    assert signed_in(client, case_worker).get(url).status_code == 404
    response = signed_in(client, analyst).get(url)
    assert response.status_code == 200
    assert {p.account for p in response.context["page"].object_list} == {"akun1", "akun2"}
    assert "+6281234567890" in response.content.decode()


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The first request after sign-in also renews the session (at most once a minute), which is not the page's
    # cost: one request first, so that both counts compared are of the page alone.
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


WORDS = [
    "kamboja",
    "myanmar",
    "gaji",
    "juta",
    "admin",
    "operator",
    "tiket",
    "visa",
    "turis",
    "paspor",
    "calo",
    "sponsor",
    "berangkat",
    "minggu",
    "kapal",
    "ikan",
    "kebun",
    "sawit",
    "majikan",
    "arab",
    "dubai",
    "taiwan",
    "korea",
    "jepang",
    "biaya",
    "potong",
    "utang",
    "ijazah",
    "mess",
    "bonus",
    "komisi",
]


def distinct_offers(count: int, seed: int) -> list[str]:
    import random

    rng = random.Random(seed)
    return [" ".join(rng.sample(WORDS, 14)) for _ in range(count)]


def test_queue_and_campaign_pages_do_not_query_per_row(client, signed_in, analyst):
    offers = distinct_offers(3, seed=1)
    services.post_store_batch(
        actor=analyst, results=[{"text": t, "account": "a"} for t in offers], source="api"
    )
    client = signed_in(client, analyst)
    queue = reverse("detection:index") + "?risk=&status="
    few = _queries(client, queue)
    services.post_store_batch(
        actor=analyst,
        results=[{"text": t, "account": f"akun{i}"} for i, t in enumerate(distinct_offers(8, seed=2))]
        + [{"text": offers[0], "account": f"repost{i}"} for i in range(6)],
        source="api",
    )
    assert Campaign.objects.count() == 11
    assert _queries(client, queue) == few
    campaign = Campaign.objects.get(post_count=7)
    assert _queries(client, reverse("detection:campaign", args=[campaign.pk])) <= few + 6


def test_case_intake_opens_with_the_departure_screening_attached(client, signed_in, officer):
    from django.urls import NoReverseMatch

    signed_in(client, officer).post(reverse("detection:departure_new"), HIGH_RISK_ANSWERS)
    screening = DepartureScreening.objects.get()
    page = client.get(reverse("detection:departure_detail", args=[screening.pk])).content.decode()
    try:
        intake = reverse("cases:intake")
    except NoReverseMatch:
        pytest.skip("no case intake on this installation")
    link = f"{intake}?departure_screening={screening.pk}"
    assert link in page
    response = client.get(link)
    assert response.status_code == 200
    assert screening.checkpoint_name in response.content.decode()


def test_screen_page_says_the_honest_verdict_and_what_to_ask(client, signed_in, case_worker):
    client = signed_in(client, case_worker)
    plain = client.post(
        reverse("detection:screen"), {"text": "Dicari kasir toko roti di Bandung, kirim CV ke email."}
    )
    body = plain.content.decode()
    assert "Tidak ditemukan tanda bahaya" in body
    assert "aman" not in body.lower().split("screen-result", 1)[1].split("</section>", 1)[0]
    vague = client.post(reverse("detection:screen"), {"text": "Ada lowongan kerja di luar negeri, berminat?"})
    body = vague.content.decode()
    assert "Informasi belum cukup" in body
    assert 'data-testid="questions"' in body and "SIP3MI" in body
    risky = client.post(reverse("detection:screen"), {"text": RISKY}).content.decode()
    assert "Risiko" in risky and 'data-testid="score-parts"' in risky


# ------------------------------------------------------------------------------------------ read audit


def test_each_read_of_the_queue_a_contact_or_a_screening_is_one_audit_entry(
    client, signed_in, analyst, officer, stored
):
    from sinergi.detection.models import Contact

    def written(request) -> list[tuple[str, str, str]]:
        before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        request()
        return list(
            AuditEntry.objects.filter(id__gt=before)
            .order_by("id")
            .values_list("object_type", "object_id", "summary")
        )

    reader = signed_in(client, analyst)
    assert written(lambda: reader.get(reverse("detection:index"))) == [
        ("detection.campaign", "", "post queue viewed")
    ]
    contact = Contact.objects.get(kind="phone")
    assert written(lambda: reader.get(reverse("detection:contact", args=[contact.pk]))) == [
        ("detection.contact", str(contact.pk), "contact viewed")
    ]
    listed = AuditEntry.objects.filter(summary="post queue viewed").latest("id")
    assert listed.changes["kinds"] == ["risk", "status"]  # the queue's default filters

    officer_client = signed_in(client, officer)
    officer_client.post(reverse("detection:departure_new"), HIGH_RISK_ANSWERS)
    screening = DepartureScreening.objects.get()
    assert written(lambda: officer_client.get(f"/api/v1/detection/departure-screenings/{screening.pk}/")) == [
        ("detection.departurescreening", str(screening.pk), "record read through the API")
    ]
    assert written(lambda: officer_client.get(reverse("detection:departures"))) == [
        ("detection.departurescreening", "", "departure screening list viewed")
    ]
