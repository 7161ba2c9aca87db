"""The referral and lead-transfer lists of the API filter by side, state, case, agency, deadline and date, and
refuse a filter they cannot apply (400, the parameter named) instead of answering the whole inbox; an unknown
parameter on the case list is refused by name, as on every list (sinergi/core/tests/test_api_conventions.py)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from sinergi.cases import selectors, services
from sinergi.cases.models import LeadTransfer, Referral
from sinergi.conftest import sign_in

pytestmark = pytest.mark.django_db


def api(user, language="id"):
    return sign_in(Client(HTTP_ACCEPT_LANGUAGE=language), user)


def _ids(response):
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def _refused(response, field):
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error" and error["message"] == "Data yang dikirim tidak valid."
    assert list(error["fields"]) == [field], error
    return error["fields"][field]


@pytest.fixture
def referrals(make_case, cast):
    """Of BP3MI's case: one to Polda awaiting its answer (and late), one UPTD accepted, one KBRI declined, and
    one of another case to Polda, sent a month earlier."""
    case = make_case()
    sent = {}
    for staff, need in ((cast.polda, "INVESTIGATION"), (cast.uptd, "SHELTER"), (cast.kbri, "REPATRIATION")):
        sent[need] = services.referral_create(
            actor=cast.bp3mi.worker, case=case, to_agency=staff.agency, need=need, reason="Sesuai asesmen"
        )
    services.referral_accept(actor=cast.uptd.worker, referral=sent["SHELTER"])
    services.referral_decline(
        actor=cast.kbri.worker, referral=sent["REPATRIATION"], reason="Bukan wilayah kami"
    )
    Referral.objects.filter(pk=sent["INVESTIGATION"].pk).update(accept_by=timezone.now() - timedelta(hours=1))
    other = services.referral_create(
        actor=cast.bp3mi.worker,
        case=make_case(),
        to_agency=cast.polda.agency,
        need="INVESTIGATION",
        reason="x",
    )
    Referral.objects.filter(pk=other.pk).update(created_at=timezone.now() - timedelta(days=30))
    return {**sent, "other": other, "case": case}


def test_without_filters_the_referral_list_is_the_inbox(referrals, cast):
    for user in (cast.polda.worker, cast.uptd.worker, cast.bp3mi.worker):
        expected = sorted(r.pk for r in selectors.referral_inbox(user=user))
        assert _ids(api(user).get("/api/v1/referrals/")) == expected
    assert _ids(api(cast.polda.worker).get("/api/v1/referrals/")) == sorted(
        [referrals["INVESTIGATION"].pk, referrals["other"].pk]
    )


def test_referrals_by_side_state_case_agency_deadline_and_date(referrals, cast):
    lead = api(cast.bp3mi.worker)
    every_state = "PENDING,ACCEPTED,DECLINED,DONE,REVOKED"
    sent = lead.get("/api/v1/referrals/", {"direction": "outgoing", "status": every_state})
    assert _ids(sent) == sorted(r.pk for r in Referral.objects.all())
    assert _ids(lead.get("/api/v1/referrals/", {"direction": "incoming", "status": every_state})) == []
    accepted = lead.get("/api/v1/referrals/", {"direction": "outgoing", "status": "ACCEPTED"})
    assert _ids(accepted) == [referrals["SHELTER"].pk]
    by_case = lead.get(
        "/api/v1/referrals/", {"direction": "all", "case": referrals["case"].pk, "status": "PENDING"}
    )
    assert _ids(by_case) == [referrals["INVESTIGATION"].pk]
    to_polda = {"direction": "outgoing", "to_agency": cast.polda.agency.pk}
    assert _ids(lead.get("/api/v1/referrals/", to_polda)) == sorted(
        [referrals["INVESTIGATION"].pk, referrals["other"].pk]
    )
    late = lead.get(
        "/api/v1/referrals/", {"direction": "outgoing", "overdue": "true", "status": "PENDING,ACCEPTED"}
    )
    assert _ids(late) == [referrals["INVESTIGATION"].pk]
    today = timezone.localdate().isoformat()
    recent = lead.get("/api/v1/referrals/", {**to_polda, "created_from": today, "created_to": today})
    assert _ids(recent) == [referrals["INVESTIGATION"].pk]
    month_ago = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert _ids(lead.get("/api/v1/referrals/", {**to_polda, "created_to": month_ago})) == [
        referrals["other"].pk
    ]
    # The addressee's side: Polda's incoming, from BP3MI.
    polda = api(cast.polda.worker)
    assert len(_ids(polda.get("/api/v1/referrals/", {"from_agency": cast.bp3mi.agency.pk}))) == 2
    assert _ids(polda.get("/api/v1/referrals/", {"from_agency": cast.uptd.agency.pk})) == []


def test_another_agencys_referrals_stay_out_of_sight_whatever_the_filters(referrals, cast):
    # Dinas Sosial takes no part: every side and state of BP3MI's referrals is still nothing to it.
    every = {"direction": "all", "status": "PENDING,ACCEPTED,DECLINED,DONE,REVOKED"}
    assert _ids(api(cast.dinsos.worker).get("/api/v1/referrals/", every)) == []
    assert (
        _ids(api(cast.dinsos.worker).get("/api/v1/referrals/", {**every, "case": referrals["case"].pk})) == []
    )


BAD = [
    ({"direction": "masuk"}, "direction"),
    ({"status": "PENDING,SELESAI"}, "status"),
    ({"case": "abc"}, "case"),
    ({"case": "0"}, "case"),
    ({"to_agency": "999999"}, "to_agency"),
    ({"from_agency": "x"}, "from_agency"),
    ({"created_from": "2026-02-30"}, "created_from"),
    ({"created_from": "2026-03-01", "created_to": "2026-02-01"}, "created_to"),
    ({"reportd_from": "2026-01-01"}, "reportd_from"),
    # Transfers have no deadline: there `overdue` is refused as unknown, named all the same.
    ({"overdue": "mungkin"}, "overdue"),
]


def test_a_referral_or_transfer_filter_that_cannot_be_applied_is_refused(referrals, cast):
    client = api(cast.bp3mi.supervisor)
    before = client.get("/api/v1/referrals/", {"direction": "all"}).json()["count"]
    for url in ("/api/v1/referrals/", "/api/v1/transfers/"):
        for params, field in BAD:
            _refused(client.get(url, params), field)
    assert client.get("/api/v1/referrals/", {"direction": "all"}).json()["count"] == before


def test_unknown_agency_and_reversed_dates_are_explained(referrals, cast):
    client = api(cast.bp3mi.supervisor)
    assert _refused(client.get("/api/v1/referrals/", {"to_agency": 999999}), "to_agency") == [
        "Instansi tidak dikenal."
    ]
    reversed_range = {"created_from": "2026-03-01", "created_to": "2026-02-01"}
    assert _refused(client.get("/api/v1/transfers/", reversed_range), "created_to")[0].startswith(
        "Tanggal akhir sebelum tanggal"
    )
    assert _refused(client.get("/api/v1/transfers/", {"overdue": "true"}), "overdue") == [
        "Parameter tidak dikenal."
    ]


def test_lead_transfers_by_side_state_and_case(make_case, cast):
    first, second = make_case(), make_case()
    asked = services.lead_transfer_request(
        actor=cast.bp3mi.supervisor, case=first, to_agency=cast.polda.agency, reason="Penyidikan utama"
    )
    declined = services.lead_transfer_request(
        actor=cast.bp3mi.supervisor, case=second, to_agency=cast.uptd.agency, reason="Pendampingan"
    )
    services.lead_transfer_decline(actor=cast.uptd.supervisor, transfer=declined, reason="Belum bisa.")
    polda = api(cast.polda.supervisor)
    assert _ids(polda.get("/api/v1/transfers/")) == [asked.pk]  # the inbox, as before
    assert _ids(polda.get("/api/v1/transfers/", {"direction": "outgoing"})) == []
    lead = api(cast.bp3mi.supervisor)
    assert _ids(lead.get("/api/v1/transfers/")) == []
    both = lead.get("/api/v1/transfers/", {"direction": "outgoing", "status": "PENDING,DECLINED"})
    assert _ids(both) == sorted([asked.pk, declined.pk])
    assert _ids(lead.get("/api/v1/transfers/", {"direction": "outgoing", "status": "DECLINED"})) == [
        declined.pk
    ]
    by_case = lead.get("/api/v1/transfers/", {"direction": "all", "case": first.pk})
    assert _ids(by_case) == [asked.pk]
    to_uptd = {"direction": "outgoing", "status": "DECLINED", "to_agency": cast.uptd.agency.pk}
    assert _ids(lead.get("/api/v1/transfers/", to_uptd)) == [declined.pk]
    today = timezone.localdate()
    yesterday = {"direction": "outgoing", "created_to": (today - timedelta(days=1)).isoformat()}
    assert _ids(lead.get("/api/v1/transfers/", yesterday)) == []
    # A read-only colleague answers no transfer: the list stays empty for them, as the page.
    assert _ids(api(cast.polda.reader).get("/api/v1/transfers/", {"direction": "all"})) == []
    assert LeadTransfer.objects.count() == 2


def test_an_unknown_parameter_on_the_case_list_is_named_not_ignored(make_case, cast):
    make_case()
    client = api(cast.bp3mi.worker)
    error = client.get("/api/v1/cases/", {"reportd_from": "2026-01-01", "stage": "intake", "zz": ""}).json()
    assert error["error"]["fields"] == {
        "reportd_from": ["Parameter tidak dikenal."],
        "zz": ["Parameter tidak dikenal."],
    }
    english = api(cast.bp3mi.worker, "en").get("/api/v1/cases/", {"reportd_from": "2026-01-01"}).json()
    assert english["error"]["fields"] == {"reportd_from": ["Unknown parameter."]}
    assert english["error"]["message"] == "The data sent is not valid."
    # The words of a search keep their own answer: they belong in a POST body.
    words = _refused(client.get("/api/v1/cases/", {"q": "Siti"}), "q")
    assert "POST" in words[0]
    # The documented ones, the pagination's and DRF's `format` are accepted.
    ok = client.get(
        "/api/v1/cases/", {"reported_from": "2026-01-01", "page": 1, "page_size": 5, "format": "json"}
    )
    assert ok.status_code == 200
    assert client.head("/api/v1/cases/", {"reportd_from": "2026-01-01"}).status_code == 400
    # A GET of a POST-only action is still refused for its method, whatever it carries.
    assert client.get("/api/v1/cases/duplicates/", {"nik": "6371014101900001"}).status_code == 405
