"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls there are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from sinergi.agencies.choices import AgencyType, Role
from sinergi.agencies.selectors import SESSION_OTP_VERIFIED
from sinergi.core.testing.factories import AgencyFactory, UserFactory

# Provinces loaded for tests that need regions: South Kalimantan, NTB and NTT cover the demo's origin areas.
TEST_PROVINCES = ("63", "52", "53")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL: the migrations ran as the owner; mark the test database disposable (its runner empties
    the trail between browser tests) and, when SINERGI_TEST_DB_APP_ROLE names a role, run every test as that
    role, which does not own the tables, exactly as production runs (`.ci/run` does this)."""
    from django.db import connection

    role = os.environ.get("SINERGI_TEST_DB_APP_ROLE", "")
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            return
        from sinergi.audit.dbrole import app_role_grant, audit_disposable_mark

        audit_disposable_mark()
        if role:
            app_role_grant(role=role, for_tests=True)
            connection.close()
            # Every connection opened from now on (live server and worker threads too) acts as the role.
            connection.settings_dict.setdefault("OPTIONS", {})["assume_role"] = role


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the installation's language, as a background task or a new request does: a request
    made by an earlier test with Accept-Language: en leaves English active in the thread (LocaleMiddleware
    activates a language and nothing deactivates it), and a later test's stored messages came out in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Tests never reach the network: any socket to a non-local address fails loudly."""
    import socket

    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in ("127.0.0.1", "localhost", "::1")
            and not host.startswith("/")
        ):
            raise RuntimeError(f"network access in tests is disabled ({host})")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture
def regions(db):
    from sinergi.regions.models import Region
    from sinergi.regions.services import regions_load

    if not Region.objects.filter(code="63").exists():
        regions_load(provinces=TEST_PROVINCES)
    return Region.objects


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """`core.testing.world.build_world` built once for a whole test module instead of once per test.

    It is built inside a transaction that stays open until the module ends and is then rolled back; each test's
    own transaction (the `db` fixture) is a savepoint inside it and rolls back what that test wrote, so every
    test of the module starts from the same world, as if it had built it itself. Only for modules whose tests
    use `db` (a `transactional_db` test would empty the tables under the open transaction). Marked as a test
    case's transaction, as Django's TestCase.setUpTestData does, so the services' durable atomic blocks run in it.
    """
    from django.db import transaction

    from sinergi.core.testing.world import build_world
    from sinergi.regions.models import Region
    from sinergi.regions.services import regions_load

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True
        outer.__enter__()
        try:
            if not Region.objects.filter(code="63").exists():
                regions_load(provinces=TEST_PROVINCES)
            # Nothing the world's services hand to on_commit runs: the transaction never commits.
            yield build_world(Region.objects)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def agency(db):
    return AgencyFactory(code="bp3mi-kalsel", name="BP3MI Kalimantan Selatan", type=AgencyType.BP3MI)


@pytest.fixture
def other_agency(db):
    return AgencyFactory(code="polda-ntb", name="Subdit TPPO Polda NTB", type=AgencyType.POLRI)


@pytest.fixture
def case_worker(agency):
    return UserFactory(username="caseworker", agency=agency, roles=[Role.CASE_WORKER])


@pytest.fixture
def supervisor(agency):
    return UserFactory(username="supervisor", agency=agency, roles=[Role.SUPERVISOR, Role.CASE_WORKER])


@pytest.fixture
def agency_admin(agency):
    return UserFactory(username="agencyadmin", agency=agency, roles=[Role.AGENCY_ADMIN])


@pytest.fixture
def platform_admin(db):
    return UserFactory(username="platformadmin", agency=None, is_superuser=True, is_staff=True, roles=[])


def sign_in(client, user):
    """Signs a test client in with both factors, as if the user had entered a valid TOTP code."""
    client.force_login(user)
    session = client.session
    session[SESSION_OTP_VERIFIED] = True
    session.save()
    return client


@pytest.fixture
def signed_in():
    return sign_in


BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def _browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=BROWSER_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(_browser, live_server, transactional_db):
    """A fresh Chromium page against the live test server (`page.base_url` is its address)."""
    context = _browser.new_context(base_url=live_server.url, locale="id-ID")
    browser_page = context.new_page()
    browser_page.set_default_timeout(10_000)
    yield browser_page
    context.close()


@pytest.fixture
def phone_page(_browser, live_server, transactional_db):
    """The same at a phone-sized viewport, for the pages the public and field officers use."""
    context = _browser.new_context(
        base_url=live_server.url,
        locale="id-ID",
        viewport={"width": 390, "height": 800},
        is_mobile=True,
        has_touch=True,
    )
    browser_page = context.new_page()
    browser_page.set_default_timeout(10_000)
    yield browser_page
    context.close()


def browser_sign_in(
    page, username: str, password: str = "Sinergi-test-pass-1", totp_secret: str | None = None
):
    """Signs in through the real login form, answering the TOTP step when the account has a secret."""
    import pyotp

    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    if totp_secret:
        page.fill("input[name=otp_code]", pyotp.TOTP(totp_secret).now())
        page.click("button[type=submit]")
