"""Device cookies (agencies/devices.py): guessing from many addresses locks the account for untrusted clients
only; the owner's browser that signed in before still gets in with the password and the second factor, and
its own failures lock that browser's cookie, not the account."""

import re
from http.cookies import SimpleCookie

import pyotp
import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from sinergi.agencies.devices import COOKIE_PREFIX
from sinergi.agencies.models import DeviceLockout, User
from sinergi.audit.models import AuditEntry
from sinergi.core.crypto import log_digest
from sinergi.core.testing.factories import UserFactory, enrol_totp

pytestmark = pytest.mark.django_db
PASSWORD = "Sinergi-test-pass-1"
LOGIN = reverse("accounts:login")
TWO_FACTOR = reverse("accounts:two_factor")
HOME = reverse("core:home")


def device_cookies(client) -> dict[str, str]:
    return {name: morsel.value for name, morsel in client.cookies.items() if name.startswith(COOKIE_PREFIX)}


def sign_in(client, user, secret: str) -> bool:
    """Password and code; True when the session opened. Each call may use the current code again."""
    User.objects.filter(pk=user.pk).update(totp_last_counter=0)
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    if response.status_code != 302 or response["Location"] != TWO_FACTOR:
        return False
    client.post(TWO_FACTOR, {"otp_code": pyotp.TOTP(secret).now()})
    return client.get(HOME).status_code == 200


def trusted_browser(user, secret: str) -> Client:
    """A browser in which `user` signed in once, then signed out: it keeps its device cookie."""
    browser = Client(REMOTE_ADDR="192.0.2.10")
    assert sign_in(browser, user, secret)
    browser.post(reverse("accounts:logout"))
    assert len(device_cookies(browser)) == 1
    return browser


def guess_from_many_addresses(user, attempts: int) -> None:
    for attempt in range(attempts):
        Client(REMOTE_ADDR=f"10.0.{attempt // 250}.{attempt % 250 + 1}").post(
            LOGIN, {"username": user.username, "password": f"guess-{attempt}"}
        )


@pytest.fixture
def owner(case_worker):
    return case_worker, enrol_totp(case_worker)


def test_a_completed_sign_in_leaves_a_signed_http_only_cookie_for_the_sign_in_page(client, owner, settings):
    settings.SESSION_COOKIE_SECURE = True  # as in production
    user, secret = owner
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert not device_cookies(client)  # the password alone earns nothing
    response = client.post(TWO_FACTOR, {"otp_code": pyotp.TOTP(secret).now()})
    (name,) = device_cookies(client)
    cookie = response.cookies[name]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert cookie["path"] == LOGIN
    assert cookie["max-age"] == 180 * 24 * 60 * 60
    assert user.username not in name + cookie.value


@override_settings(SINERGI_LOCKOUT_THRESHOLD=3)
def test_an_attacker_from_many_addresses_locks_the_account_but_the_owners_browser_still_signs_in(owner):
    user, secret = owner
    browser = trusted_browser(user, secret)
    guess_from_many_addresses(user, 7)  # locks, then keeps trying against the lock
    user.refresh_from_db()
    assert user.is_locked and user.lockout_count == 1
    # Untrusted, even with the right password, the account stays shut ...
    assert not sign_in(Client(REMOTE_ADDR="10.9.9.9"), user, secret)
    # ... the owner's browser opens it, still with password and code, and the attacker's lock holds.
    assert sign_in(browser, user, secret)
    assert AuditEntry.objects.filter(summary=f"user {user.pk} signed in on a trusted browser").count() == 1
    assert User.objects.get(pk=user.pk).is_locked
    assert not sign_in(Client(REMOTE_ADDR="10.9.9.8"), user, secret)
    # The password is still needed, and a wrong one from the trusted browser does not reach the account.
    browser.post(reverse("accounts:logout"))
    refused = browser.post(LOGIN, {"username": user.username, "password": "wrong"})
    assert refused.status_code == 200 and User.objects.get(pk=user.pk).failed_login_count == 0


@override_settings(SINERGI_LOCKOUT_THRESHOLD=3)
def test_a_trusted_browser_is_locked_after_its_own_failures_not_the_account(owner, caplog):
    user, secret = owner
    browser = trusted_browser(user, secret)
    for _attempt in range(3):
        browser.post(LOGIN, {"username": user.username, "password": "wrong"})
    user.refresh_from_db()
    assert not user.is_locked and user.failed_login_count == 0
    lock = DeviceLockout.objects.get(user=user)
    assert lock.is_locked and lock.lockout_count == 1
    user_digest = log_digest(user.username, kind="username")
    lines = [r.getMessage() for r in caplog.records if r.name == "sinergi.security"]
    assert lines == [f"device cookie locked: user {user_digest}, device {lock.nonce_hash[:16]}, 900 s"]
    (cookie,) = device_cookies(browser).values()
    assert user.username not in caplog.text and cookie.split(":")[1] not in caplog.text
    # Locked, the browser is an untrusted client: its failures now count towards the account.
    browser.post(LOGIN, {"username": user.username, "password": "wrong"})
    assert User.objects.get(pk=user.pk).failed_login_count == 1


@override_settings(SINERGI_LOCKOUT_THRESHOLD=3)
def test_wrong_codes_from_a_trusted_browser_lock_that_browser(owner):
    user, secret = owner
    browser = trusted_browser(user, secret)
    browser.post(LOGIN, {"username": user.username, "password": PASSWORD})
    for _attempt in range(2):
        assert browser.post(TWO_FACTOR, {"otp_code": "000000"}).status_code == 200
    assert browser.post(TWO_FACTOR, {"otp_code": "000000"})["Location"] == LOGIN
    assert DeviceLockout.objects.get(user=user).is_locked
    assert User.objects.get(pk=user.pk).failed_login_count == 0
    # While the browser's cookie is locked, a locked account stops it like any other client.
    guess_from_many_addresses(user, 3)
    assert User.objects.get(pk=user.pk).is_locked
    assert not sign_in(browser, user, secret)


@override_settings(SINERGI_LOCKOUT_THRESHOLD=3)
def test_a_forged_or_another_users_cookie_is_ignored(owner, agency):
    user, secret = owner
    colleague = UserFactory(username="colleague", agency=agency)
    colleague_secret = enrol_totp(colleague)
    colleague_browser = trusted_browser(colleague, colleague_secret)
    owner_browser = trusted_browser(user, secret)
    guess_from_many_addresses(user, 3)
    assert User.objects.get(pk=user.pk).is_locked
    (owner_name, owner_value), (_name, colleague_value) = (
        *device_cookies(owner_browser).items(),
        *device_cookies(colleague_browser).items(),
    )
    digest, nonce_and_signature = owner_value.split(":", 1)
    forgeries = [
        colleague_value,  # a real cookie, of another account, under the owner's name
        f"{digest}:{'A' * 22}:{nonce_and_signature.split(':', 1)[1]}",  # another nonce, the old signature
        owner_value[:-2] + ("AA" if not owner_value.endswith("AA") else "BB"),  # a broken signature
        f"{digest}:{'A' * 22}",  # no signature at all
    ]
    for forged in forgeries:
        attacker = Client(REMOTE_ADDR="10.9.9.9")
        attacker.cookies = SimpleCookie({owner_name: forged})
        assert not sign_in(attacker, user, secret), forged
    # The colleague's cookie still works for the colleague, and the owner's for the owner.
    assert sign_in(colleague_browser, colleague, colleague_secret)
    assert sign_in(owner_browser, user, secret)


@override_settings(SINERGI_LOCKOUT_THRESHOLD=2)
def test_the_unlock_link_still_lifts_the_lock_for_every_client(
    owner, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level("INFO", logger="sinergi.security")
    user, secret = owner
    browser = trusted_browser(user, secret)
    with django_capture_on_commit_callbacks(execute=True):
        guess_from_many_addresses(user, 2)
    assert User.objects.get(pk=user.pk).is_locked
    assert sign_in(browser, user, secret)  # the owner is in, the lock still stops the others
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    path = re.search(r"https?://[^/]+(/accounts/unlock/\S+/)", mail.outbox[0].body).group(1)
    assert Client().post(path)["Location"] == LOGIN
    assert not User.objects.get(pk=user.pk).is_locked
    assert sign_in(Client(REMOTE_ADDR="10.7.7.7"), user, secret)
    lines = [r.getMessage() for r in caplog.records if r.name == "sinergi.security"]
    assert any(line.startswith("account locked: user ") for line in lines)
    assert any(line.startswith("account unlocked by its owner's link: user ") for line in lines)
    assert not any(user.username in line for line in lines)


@override_settings(SINERGI_LOGIN_PER_IP=3)
def test_a_trusted_browser_is_still_throttled_per_client(owner):
    user, secret = owner
    browser = trusted_browser(user, secret)  # one password step from its address
    for _attempt in range(2):
        browser.post(LOGIN, {"username": user.username, "password": "wrong"})
    assert browser.post(LOGIN, {"username": user.username, "password": PASSWORD}).status_code == 429


@override_settings(SINERGI_LOCKOUT_THRESHOLD=1)
def test_the_trail_reads_the_trusted_browsers_entries_in_indonesian(owner):
    from django.utils import translation

    from sinergi.audit.summaries import summary_label

    user, secret = owner
    browser = trusted_browser(user, secret)
    browser.post(LOGIN, {"username": user.username, "password": "wrong"})
    summaries = (
        AuditEntry.objects.filter(object_id=str(user.pk)).order_by("pk").values_list("summary", flat=True)
    )
    with translation.override("id"):
        labels = [summary_label(summary) for summary in summaries]
    assert labels[-3:] == [
        f"Pengguna {user.pk} keluar",
        "Gagal masuk dari peramban tepercaya",
        f"Peramban tepercaya pengguna {user.pk} dikunci setelah berulang kali gagal masuk",
    ]
