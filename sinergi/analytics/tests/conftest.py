"""A small known world for the analytics tests.

Agency A (BP3MI) leads two cases from Lombok Timur (52.03) whose recruiters share one phone number; agency B
(police) leads one case from Kota Banjarmasin (63.71) with the company "PT Maju Jaya". One flagged post names
Lombok Timur and carries A's recruiter phone and the company. So, for a reader who sees everything:
case A1 - recruiter1 - phone P - recruiter2 - case A2, phone P - post, post - org "pt maju jaya" - case B1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from sinergi.agencies.choices import AgencyType, Role
from sinergi.core.testing.factories import AgencyFactory, UserFactory

PHONE = "0812-0555-7788"
POST_TEXT = (
    "Lowker admin ke Kamboja gaji 15jt dari PT Maju Jaya, warga Lombok Timur silakan daftar, "
    "WA 0812-0555-7788, transfer ke rekening BRI 1234567890"
)


@dataclass
class Scenario:
    a_worker: object
    a_analyst: object
    b_worker: object
    c_worker: object  # agency C: no case at all, and no role that reads the post queue
    case_a1: object
    case_a2: object
    case_b1: object
    post: object


def _case(actor, *, region, name, recruiter, phone=None, org=None, days_ago=10):
    from sinergi.cases import services as cases
    from sinergi.people.services import PersonData, PhoneInput

    parties = [{"new_person": PersonData(full_name=name, sex="F"), "role": "VICTIM"}]
    if recruiter:
        phones = [PhoneInput(number=phone)] if phone else []
        parties.append(
            {"new_person": PersonData(full_name=recruiter, sex="M", phones=phones), "role": "RECRUITER"}
        )
    case = cases.case_intake(
        actor=actor,
        intake_channel="HOTLINE",
        narrative="Direkrut lewat Facebook.",
        reported_at=timezone.now() - timedelta(days=days_ago),
        origin_region=region,
        destination_country="KH",
        parties=parties,
    )
    if org:
        cases.case_organisation_add(actor=actor, case=case, name=org, kind="UNLICENSED_AGENCY")
    return case


@pytest.fixture
def scenario(regions):
    from sinergi.detection import services as detection

    a = AgencyFactory(code="bp3mi-ntb", type=AgencyType.BP3MI, jurisdiction=regions.get(code="52"))
    b = AgencyFactory(code="polda-kalsel", type=AgencyType.POLRI, jurisdiction=regions.get(code="63"))
    c = AgencyFactory(code="dinsos-ntt", type=AgencyType.DINSOS, jurisdiction=regions.get(code="53"))
    a_worker = UserFactory(
        username="a-worker", agency=a, roles=[Role.CASE_WORKER, Role.SUPERVISOR, Role.ANALYST]
    )
    a_analyst = UserFactory(username="a-analyst", agency=a, roles=[Role.ANALYST])
    b_worker = UserFactory(username="b-worker", agency=b, roles=[Role.INVESTIGATOR, Role.SUPERVISOR])
    c_worker = UserFactory(username="c-worker", agency=c, roles=[Role.CASE_WORKER])
    lombok = regions.filter(code__startswith="52.03.", level=4).order_by("code")
    village_1, village_2 = lombok[0], lombok[1]
    banjarmasin = regions.filter(code__startswith="63.71.", level=4).order_by("code").first()
    case_a1 = _case(a_worker, region=village_1, name="Siti Aminah", recruiter="Bambang Calo", phone=PHONE)
    case_a2 = _case(a_worker, region=village_2, name="Dewi Lestari", recruiter="Joko Sponsor", phone=PHONE)
    case_b1 = _case(
        b_worker, region=banjarmasin, name="Rina Wati", recruiter=None, org="PT Maju Jaya", days_ago=40
    )
    batch = detection.post_store_batch(
        actor=a_worker,
        results=[{"text": POST_TEXT, "account": "lowker.kh", "platform": "facebook"}],
        source="api",
    )
    return Scenario(
        a_worker=a_worker,
        a_analyst=a_analyst,
        b_worker=b_worker,
        c_worker=c_worker,
        case_a1=case_a1,
        case_a2=case_a2,
        case_b1=case_b1,
        post=batch.posts.get(),
    )


@pytest.fixture
def rebuilt(scenario):
    from sinergi.analytics.rebuild import analytics_rebuild

    analytics_rebuild()
    return scenario
