"""Cek Lowongan as the public sees it: the verdict, each sign with its words, the law, and no "aman"."""

from __future__ import annotations

import re

import pytest

from sinergi.portal import guidance
from sinergi.portal.offer import _engine_verdict, offer_check
from sinergi.portal.tests.conftest import PLAIN_OFFER, RISKY_OFFER

pytestmark = pytest.mark.django_db
SAFE_WORD = re.compile(r"\baman\b", re.IGNORECASE)


def test_a_risky_offer_shows_its_signs_and_the_words_that_triggered_them():
    check = offer_check(RISKY_OFFER)
    assert check.verdict == guidance.HIGH
    words = {word.lower() for sign in check.signs for word in sign.words}
    assert "kamboja" in words
    assert any("visa turis" in word for word in words)
    assert all(sign.basis for sign in check.signs)


def test_an_offer_without_signs_is_never_called_safe(client):
    check = offer_check(PLAIN_OFFER)
    assert check.verdict == guidance.NO_RED_FLAGS
    response = client.post("/portal/cek-lowongan/", {"text": PLAIN_OFFER})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-verdict="no_red_flags"' in html
    assert 'data-testid="checklist"' in html
    assert not SAFE_WORD.search(html)


def test_too_little_text_asks_questions(client):
    response = client.post("/portal/cek-lowongan/", {"text": "Kerja di luar negeri, minat?"})
    html = response.content.decode()
    assert 'data-verdict="too_little"' in html
    assert 'data-testid="questions"' in html
    assert not SAFE_WORD.search(html)


def test_the_page_in_indonesian_by_default_and_in_english_on_request(client):
    html = client.post("/portal/cek-lowongan/", {"text": RISKY_OFFER}).content.decode()
    assert "Risiko tinggi" in html
    english = client.post(
        "/portal/cek-lowongan/", {"text": RISKY_OFFER}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "High risk" in english


@pytest.mark.parametrize(
    "text, message",
    [("", "Tempelkan"), ("x" * 100_000, "terlalu panjang")],
)
def test_empty_and_huge_pastes_get_a_clear_message(client, text, message):
    response = client.post("/portal/cek-lowongan/", {"text": text})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "data-verdict" not in response.content.decode()


def test_markup_in_the_offer_is_shown_as_text(client):
    response = client.post(
        "/portal/cek-lowongan/", {"text": "<script>alert(1)</script> ke Kamboja visa turis"}
    )
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<script" not in html.lower()


def test_nothing_typed_is_stored(client, django_db_blocker):
    from django.apps import apps

    before = {model: model.objects.count() for model in apps.get_models() if model._meta.app_label != "core"}
    client.post("/portal/cek-lowongan/", {"text": RISKY_OFFER})
    after = {model: model.objects.count() for model in before}
    assert before == after


@pytest.mark.parametrize(
    "value, expected",
    [
        ("tinggi", guidance.HIGH),
        ({"code": "sedang"}, guidance.MEDIUM),
        ({"code": "tidak_ditemukan", "questions": []}, guidance.NO_RED_FLAGS),
        ({"code": "kurang_informasi", "questions": ["Siapa majikannya?"]}, guidance.TOO_LITTLE),
        (None, None),
    ],
)
def test_the_engine_verdict_is_followed_when_it_gives_one(value, expected):
    found = _engine_verdict(value)
    assert (found[0] if found else None) == expected
