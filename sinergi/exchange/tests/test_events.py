"""Events: the outbox is written with the change, deliveries are signed, retried, withheld from a receiver
that may not see the case, and can be replayed from an offset."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks import Webhook

from sinergi.agencies.choices import AgencyType, Role, UserKind
from sinergi.core.errors import ApplicationError
from sinergi.core.testing.factories import AgencyFactory, UserFactory
from sinergi.exchange.events import delivery
from sinergi.exchange.events.services import new_secret
from sinergi.exchange.models import Delivery, OutboxEvent, Subscription


class Receiver:
    """A receiver on 127.0.0.1 answering `status` (or never, with `hang`), recording what it got."""

    def __init__(self, status=200, hang=False):
        self.status, self.hang, self.requests = status, hang, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"]))
                outer.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                if outer.hang:
                    threading.Event().wait(3)
                    return
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver():
    made = []

    def make(**kwargs):
        made.append(Receiver(**kwargs))
        return made[-1]

    yield make
    for r in made:
        r.close()


@pytest.fixture
def police(regions):
    return AgencyFactory(code="polda-x", type=AgencyType.POLRI, jurisdiction=regions.get(code="63"))


def subscribe(agency, url, types=("case.created", "referral.sent", "referral.accepted")):
    system = UserFactory(
        username=f"sys-{agency.code}", agency=agency, kind=UserKind.SYSTEM, roles=[Role.INVESTIGATOR]
    )
    return Subscription.objects.create(
        agency=agency,
        system_user=system,
        name="sys",
        endpoint_url=url,
        secret=new_secret(),
        event_types=list(types),
    )


def intake(worker):
    from sinergi.cases.services import case_intake

    return case_intake(actor=worker, intake_channel="HOTLINE", destination_country="KH")


def test_the_outbox_is_written_with_the_change_and_only_with_it(importer, police, receiver):
    subscribe(police, receiver().url)
    case = intake(importer)
    event = OutboxEvent.objects.get()
    assert (event.event_type, event.case_id) == ("case.created", case.pk)
    assert Delivery.objects.get().status == "pending"
    with pytest.raises(ApplicationError):
        from sinergi.cases.services import case_intake

        case_intake(actor=importer, intake_channel="HOTLINE", reported_at=case.reported_at.replace(year=2999))
    assert OutboxEvent.objects.count() == 1  # the refused intake wrote no event


def test_signed_delivery_and_what_a_receiver_may_see(importer, police, receiver):
    from sinergi.cases.services import referral_create

    got = receiver()
    subscription = subscribe(police, got.url)
    case = intake(importer)  # the police may not see this case: nothing is sent to them
    delivery.deliver_due()
    assert Delivery.objects.get().status == "withheld" and got.requests == []
    referral_create(
        actor=importer, case=case, to_agency=police, need="INVESTIGATION", reason="Mohon diselidiki."
    )
    delivery.deliver_due()
    sent = Delivery.objects.get(event__event_type="referral.sent")
    assert sent.status == "delivered"
    headers, body = got.requests[0]
    Webhook(subscription.secret).verify(body, headers)  # raises if the signature is wrong
    payload = json.loads(body)
    assert headers["webhook-id"] == payload["id"] == sent.event.event_id
    assert payload["case"]["reference"] == case.reference
    assert "narrative" not in payload["case"] and "parties" not in payload["case"]


@pytest.mark.parametrize("hang", [False, True], ids=["answers-500", "never-answers"])
def test_a_failing_receiver_is_retried_with_back_off_under_the_same_key(
    importer, police, receiver, monkeypatch, hang
):
    from sinergi.cases.services import referral_create

    monkeypatch.setattr(delivery, "TIMEOUT_SECONDS", 0.5)
    bad = receiver(status=500, hang=hang)
    subscribe(police, bad.url, types=["referral.sent"])
    case = intake(importer)
    referral_create(
        actor=importer, case=case, to_agency=police, need="INVESTIGATION", reason="Mohon diselidiki."
    )
    delivery.deliver_due()
    item = Delivery.objects.get()
    assert item.status == "pending" and item.attempts == 1
    assert item.last_status_code == (None if hang else 500)
    first_wait = item.next_attempt_at
    Delivery.objects.filter(pk=item.pk).update(next_attempt_at=item.event.occurred_at)
    delivery.deliver_due()
    item.refresh_from_db()
    assert item.attempts == 2 and (item.next_attempt_at - first_wait).total_seconds() > 10  # waits longer
    good = receiver()
    Subscription.objects.update(endpoint_url=good.url)
    Delivery.objects.filter(pk=item.pk).update(next_attempt_at=item.event.occurred_at)
    delivery.deliver_due()
    item.refresh_from_db()
    assert item.status == "delivered"
    keys = {h["webhook-id"] for h, _b in bad.requests + good.requests}
    assert keys == {item.event.event_id}  # every attempt carried the one idempotency key


def test_replay_from_an_offset(importer, police, receiver, client):
    from rest_framework.test import APIClient

    from sinergi.agencies.services import api_token_create
    from sinergi.cases.services import referral_create

    subscription = subscribe(police, receiver(status=500).url, types=["referral.sent", "case.created"])
    case = intake(importer)
    referral_create(
        actor=importer, case=case, to_agency=police, need="INVESTIGATION", reason="Mohon diselidiki."
    )
    intake(importer)  # a case the police are never asked about
    api = APIClient()
    _token, raw = api_token_create(user=subscription.system_user, name="hook")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = api.get("/api/v1/exchange/events/?after=0")
    assert response.status_code == 200, response.content
    events = response.json()["events"]
    # The referred case, now visible to the police, and its referral; the other case is left out.
    assert [(e["type"], e["case"]["id"]) for e in events] == [
        ("case.created", case.pk),
        ("referral.sent", case.pk),
    ]
    after = response.json()["next_after"]
    assert api.get(f"/api/v1/exchange/events/?after={after}").json()["events"] == []
    assert api.get("/api/v1/exchange/events/?after=-3").status_code == 400
