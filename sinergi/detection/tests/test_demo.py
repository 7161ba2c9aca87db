"""The demo seed: varied posts with reposted campaigns, reviews and departure screenings, all synthetic."""

from __future__ import annotations

import io
import random

import pytest

from sinergi.agencies.choices import Role
from sinergi.core.testing.factories import UserFactory
from sinergi.detection import demo
from sinergi.detection.models import Campaign, DepartureScreening, Review, ScreenedPost

pytestmark = pytest.mark.django_db


def test_seed_stores_campaigns_reviews_and_screenings(analyst, officer, retrain_calls):
    UserFactory(username="investigator", agency=officer.agency, roles=[Role.INVESTIGATOR])
    out = io.StringIO()
    result = demo.seed(rng=random.Random(7), stdout=out, scale=1)

    assert result["posts"] == ScreenedPost.objects.count() >= 200
    assert Campaign.objects.filter(post_count__gte=3).count() >= 5, "reposts form campaigns"
    levels = set(ScreenedPost.objects.values_list("risk_level", flat=True))
    assert {"tinggi", "rendah"} <= levels
    assert (
        Review.objects.filter(decision="confirm").exists()
        and Review.objects.filter(decision="dismiss").exists()
    )
    assert DepartureScreening.objects.count() == len(demo.DEPARTURE_CASES)
    assert set(DepartureScreening.objects.values_list("risk_level", flat=True)) >= {"tinggi", "rendah"}
    assert retrain_calls == [], "demo reviews do not retrain the shipped model"
    assert "posts stored" in out.getvalue()


def test_seed_is_reproducible_and_uses_only_the_synthetic_phone_block():
    first = demo.generate_posts(rng=random.Random(3), scale=1)
    second = demo.generate_posts(rng=random.Random(3), scale=1)
    assert [p["text"] for p in first] == [p["text"] for p in second]
    import re

    for post in first:
        for number in re.findall(r"08\d\d-\d{4}-\d{4}", post["text"]):
            assert number.startswith("0812-0000-")


def test_seed_without_users_still_stores_posts(db):
    out = io.StringIO()
    result = demo.seed(rng=random.Random(1), stdout=out, scale=1)
    assert result["posts"] > 0 and result["reviews"] == 0 and result["screenings"] == 0
    assert "no reviews seeded" in out.getvalue()
