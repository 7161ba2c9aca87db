"""Words, not codes: every staff page, rendered in Bahasa Indonesia and in English, shows people labels, never
a raw code (UPPER_SNAKE or lower_snake tokens, "->", a choice's stored value), and the Indonesian page holds no
English sentence.

One world for the whole walk (core.testing.world), the Django test client, no browser: it runs in CI in seconds.
What is checked is the text a person reads: the page's text nodes and the attributes read out or shown (title,
aria-label, placeholder, alt, option labels), without scripts, styles and the values of form fields.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from sinergi.conftest import sign_in
from sinergi.core.testing.world import all_routes, build_world, url_for

pytestmark = pytest.mark.django_db

# Actions, fragments and files: not pages a person reads as such (each is rendered inside a page checked here).
NOT_PAGES = (
    "/accounts/logout/",
    "/i18n/setlang/",
    "/regions/autocomplete/",
    "/referrals/agencies/",
    "/download/",
)
SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
# Not read as words: scripts and styles, what a user typed (textarea), and literal values shown as such on
# purpose (`<code>`: a column name to use in a file, an agency code, a recorded value in the audit trail).
LITERAL_TAGS = ("script", "style", "textarea", "code", "pre", "kbd", "samp")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


UPPER_SNAKE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")
LOWER_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
ARROW = re.compile(r"->")
# Words written in capitals that are names, not codes.
ALLOWED_CAPITALS = _words(
    "API NIK NIP HTMX PDF CSV XLSX JSON TOTP URL IP ID IDR WA SMS PMI TPPO BP3MI BP2MI KP2MI POLRI POLDA KBRI KJRI "
    "LPSK UPTD PPA NGO P3MI HTCDS CTDC UU RI OK SPSK UNODC ILO IOM KTP KK HP PT CV GRAPHML UTC WIB WITA WIT AI FAQ "
    "RT RW SKCK DINSOS DISNAKER ISO"
)
# English words that do not occur in Indonesian text: two of them in one text node make an English sentence.
ENGLISH = _words(
    "the and of to is are was were with your you this that for has have been will not from by an be or it its on "
    "at as which who when into there their them they we our signed created updated viewed changed added recorded "
    "no yes all none new case cases referral in out user users failed unknown account locked linked completed "
    "uploaded downloaded requested approved rejected declined accepted sent reported opened stored reviewed "
    "screened posts imported exported deleted revealed registered via checked search person people task note "
    "approval consent transfer matched score"
)
# Literal names that look like codes and are meant as such: a data source's repository, the column names a
# file to import must carry, a management command an administrator types.
ALLOWED_TOKENS = {"wilayah_boundaries", "posted_at", "jenis_kelamin", "detection_import_registry"}
# Proper names and product words an Indonesian page may carry in English.
ALLOWED_WORDS = {"Sinergi", "API", "NIK", "HTMX", "Facebook", "WhatsApp", "Telegram", "TikTok", "Instagram"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in LITERAL_TAGS:
            self._skip += 1
        for name, value in attrs:
            if name in SHOWN_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in LITERAL_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def shown_texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts


def choice_values() -> set[str]:
    """The stored values of Sinergi's choices that look like codes (CLOSURE, APPROVED, sangat_mendesak...)."""
    from django.apps import apps

    values = set()
    for model in apps.get_models():
        if not model.__module__.startswith("sinergi."):
            continue
        for field in model._meta.get_fields():
            for value, label in getattr(field, "choices", None) or ():
                if (
                    isinstance(value, str)
                    and len(value) > 3
                    and value != str(label)
                    and (value.isupper() or "_" in value)
                ):
                    values.add(value)
    return values - ALLOWED_CAPITALS


def problems_in(texts: list[str], *, language: str, codes: set[str]) -> list[str]:
    found = []
    code_word = (
        re.compile(r"\b(" + "|".join(sorted(map(re.escape, codes), key=len, reverse=True)) + r")\b")
        if codes
        else None
    )
    for text in texts:
        for pattern, what in ((UPPER_SNAKE, "code"), (LOWER_SNAKE, "code"), (ARROW, "arrow")):
            for match in pattern.findall(text):
                if match in ALLOWED_TOKENS:
                    continue
                found.append(f"{what} {match!r} in {text[:120]!r}")
        if code_word is not None:
            for match in code_word.findall(text):
                if match not in ALLOWED_CAPITALS:
                    found.append(f"choice value {match!r} in {text[:120]!r}")
        if language == "id":
            words = [w for w in re.findall(r"[A-Za-z]+", text) if w not in ALLOWED_WORDS]
            english = [w for w in words if w.lower() in ENGLISH]
            if len(english) >= 2 and len(english) * 4 >= len(words):
                found.append(f"English {english[:4]} in {text[:120]!r}")
    return found


@pytest.mark.parametrize(
    "text",
    [
        "Persetujuan diajukan — CLOSURE — APPROVED",  # the issue's timeline line
        "user 4 signed in",  # an audit summary as written
        "care assessment -> closed",
        "Keberangkatan: sangat_mendesak",
        "matched: PT Contoh, score: 100.0",
    ],
)
def test_the_check_catches_the_codes_the_issue_found(text):
    assert problems_in([text], language="id", codes={"CLOSURE", "APPROVED"}) != []


def test_the_check_lets_indonesian_and_names_through():
    texts = [
        "Pengesahan atasan diajukan: Asesmen",
        "BP3MI Kalimantan Selatan",
        "NIK 6371015204950002",
        "Sinergi API",
    ]
    assert problems_in(texts, language="id", codes={"CLOSURE"}) == []


def _walk(world) -> dict[tuple[str, str], str]:
    """Every staff page in both languages as the worker (lead, analyst, supervisor), the police investigator and
    the platform administrator: the first of them that gets the page (200) reads it in Indonesian, and the same
    reader reads it in English (so the English walk asks no one in vain)."""
    urls = sorted({url_for(route, world.ids) for route in all_routes() if not route.startswith("api/")})
    urls = [url for url in urls if not any(part in url for part in NOT_PAGES)]
    pages: dict[tuple[str, str], str] = {}
    reader_of: dict[str, str] = {}
    for language in ("id", "en"):
        for who in ("worker", "investigator", "admin"):
            user = world.users[who]
            user.preferred_language = language
            user.save(update_fields=["preferred_language"])
            client = sign_in(Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language), user)
            for url in urls:
                if (language, url) in pages or (language == "en" and reader_of.get(url) != who):
                    continue
                response = client.get(url)
                if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                    pages[(language, url)] = response.content.decode()
                    reader_of.setdefault(url, who)
    return pages


def _more_history(world) -> None:
    """What the world's case lacks for this walk: a supervisor's approval, consent, an edit, an accepted referral,
    so the timeline and the audit trail hold every kind of line."""
    from sinergi.agencies.choices import Role
    from sinergi.cases import services
    from sinergi.cases.models import Case, Referral
    from sinergi.core.testing.factories import UserFactory

    worker = world.users["worker"]
    case = Case.objects.get(pk=world.ids["case_id"])
    supervisor = UserFactory(username="atasan", agency=worker.agency, roles=[Role.SUPERVISOR])
    approval = services.approval_request(actor=worker, case=case, kind="ASSESSMENT", note="Mohon disahkan.")
    services.approval_decide(actor=supervisor, approval=approval, approve=True, note="Sah.")
    party = case.parties.first()
    services.consent_record(actor=worker, party=party, consent="GIVEN")
    case.refresh_from_db()
    services.case_update(
        actor=worker, case=case, expected_version=case.version, destination_city="Phnom Penh"
    )
    referral = Referral.objects.get(pk=world.ids["referral_id"])
    services.referral_accept(actor=world.users["investigator"], referral=referral, note="Diterima.")


def test_no_staff_page_shows_a_raw_code_or_english_in_indonesian(regions):
    world = build_world(regions)
    _more_history(world)
    pages = _walk(world)
    urls = {url for _language, url in pages}
    assert len(urls) > 60  # the walk reached the site
    assert {u for lang, u in pages if lang == "id"} == {u for lang, u in pages if lang == "en"}
    codes = choice_values()
    problems = []
    checked = 0
    for (language, url), html in sorted(pages.items()):
        texts = shown_texts(html)
        checked += len(texts)
        problems += [f"{language} {url}: {p}" for p in problems_in(texts, language=language, codes=codes)]
    print(f"raw-code walk: {len(urls)} pages x 2 languages, {checked} texts")
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems[:300])
