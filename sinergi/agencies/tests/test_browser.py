"""End-to-end in Chromium: enrolment and TOTP sign-in, lock-out, language switch, user management."""

from urllib.parse import urlsplit

import pyotp
import pytest

from sinergi.agencies.choices import Role
from sinergi.agencies.models import User
from sinergi.conftest import browser_sign_in
from sinergi.core.testing.factories import AgencyFactory, UserFactory, enrol_totp

pytestmark = pytest.mark.browser


@pytest.fixture
def kalsel():
    return AgencyFactory(code="bp3mi-kalsel", name="BP3MI Kalimantan Selatan")


def test_enrol_in_two_factor_then_sign_in_with_a_totp(page, kalsel):
    import re

    from django.core import mail

    UserFactory(username="siti", agency=kalsel, roles=[Role.CASE_WORKER], email="siti@example.go.id")
    browser_sign_in(page, "siti")
    # Two-factor is required here, and the password alone does not open the enrolment: the invitation does.
    assert "/accounts/login/" in page.url
    assert "undangan" in page.locator("[data-testid=login-error]").inner_text()
    page.goto("/accounts/password/reset/")
    page.fill("input[name=email]", "siti@example.go.id")
    page.click("main button[type=submit]")
    page.wait_for_url("**/sent/")
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.fill("input[name=new_password1]", "Sinergi-test-pass-1")
    page.fill("input[name=new_password2]", "Sinergi-test-pass-1")
    page.click("main button[type=submit]")
    page.wait_for_url("**/two-factor/setup/")
    assert page.locator("[data-testid=totp-qr]").get_attribute("src").startswith("data:image/svg+xml")
    secret = page.locator("[data-testid=totp-secret]").inner_text().replace(" ", "")
    page.fill("input[name=otp_code]", pyotp.TOTP(secret).now())
    page.click("button[type=submit]")
    assert page.locator("[data-testid=recovery-codes] li").count() == 10
    page.click("text=Kode sudah saya simpan, lanjutkan")
    assert urlsplit(page.url).path == "/"

    page.click(".usermenu summary")
    page.click("text=Keluar")
    assert "/accounts/login/" in page.url
    # As if the next 30-second step had come: the code used for enrolment cannot be replayed.
    User.objects.filter(username="siti").update(totp_last_counter=0)
    browser_sign_in(page, "siti", totp_secret=secret)
    assert urlsplit(page.url).path == "/"
    page.goto("/accounts/profile/")
    assert page.locator("[data-testid=two-factor-panel] .badge").inner_text() == "Aktif"


def test_wrong_code_is_refused(page, kalsel):
    user = UserFactory(username="budi", agency=kalsel)
    enrol_totp(user)
    browser_sign_in(page, "budi")
    page.fill("input[name=otp_code]", "000000")
    page.click("button[type=submit]")
    assert page.locator(".errorlist").inner_text() == "Kode tidak valid."
    assert "/accounts/two-factor/" in page.url


def test_lockout_message_never_tells_whether_the_account_exists(page, kalsel, settings):
    settings.SINERGI_LOCKOUT_THRESHOLD = 2
    UserFactory(username="rina", agency=kalsel)
    messages = []
    for username, password in [("rina", "wrong-1"), ("rina", "wrong-2"), ("rina", None), ("ghost", "x")]:
        if password is None:
            browser_sign_in(page, username)  # the right password, but the account is now locked
        else:
            browser_sign_in(page, username, password=password)
        messages.append(page.locator("[data-testid=login-error]").inner_text())
    assert len(set(messages)) == 1
    assert messages[0].startswith("Gagal masuk.")
    assert User.objects.get(username="rina").is_locked


def test_language_switch(page, kalsel):
    user = UserFactory(username="agus", agency=kalsel)
    secret = enrol_totp(user)
    browser_sign_in(page, "agus", totp_secret=secret)
    page.goto("/agencies/")
    assert page.locator("h1").inner_text() == "Instansi"
    page.click("[data-testid=lang-en]")
    assert page.locator("h1").inner_text() == "Agencies"
    page.click("nav.mainnav >> text=Agencies")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("[data-testid=agency-table] th").first.inner_text() == "Name"
    page.click("[data-testid=lang-id]")
    assert page.locator("h1").inner_text() == "Instansi"
    assert page.locator("html").get_attribute("lang") == "id"


def test_agency_admin_manages_users_of_their_agency(page, kalsel):
    admin = UserFactory(username="admin.kalsel", agency=kalsel, roles=[Role.AGENCY_ADMIN])
    colleague = UserFactory(username="dewi", agency=kalsel, roles=[Role.CASE_WORKER])
    UserFactory(username="stranger", agency=AgencyFactory(code="polda-ntb"), roles=[Role.CASE_WORKER])
    secret = enrol_totp(admin)
    browser_sign_in(page, "admin.kalsel", totp_secret=secret)
    page.goto("/agencies/")
    page.click("[data-testid=manage-users]")
    table = page.locator("[data-testid=user-table]")
    assert "dewi" in table.inner_text() and "stranger" not in table.inner_text()

    page.click("[data-testid=new-user]")
    page.fill("#id_username", "yusuf")
    page.fill("#id_first_name", "Yusuf")
    page.fill("#id_password", "Kuat-sekali-pass-77")
    page.check(f"input[name=roles][value={Role.INVESTIGATOR}]")
    page.click("form.form button[type=submit]")
    assert page.locator(".msg-success").inner_text() == "Pengguna yusuf dibuat."
    created = User.objects.get(username="yusuf")
    assert created.agency == kalsel and created.role_codes == {Role.INVESTIGATOR}

    page.goto(f"/agencies/users/{colleague.pk}/")
    page.click("[data-testid=disable-user]")
    assert page.locator("[data-testid=user-status]").inner_text().startswith("nonaktif")
    assert not User.objects.get(pk=colleague.pk).is_active

    response = page.goto(f"/agencies/users/{User.objects.get(username='stranger').pk}/")
    assert response.status == 404


def test_sign_in_and_directory_fit_a_phone(phone_page, kalsel):
    user = UserFactory(username="lapangan", agency=kalsel, roles=[Role.OUTREACH_OFFICER])
    secret = enrol_totp(user)
    browser_sign_in(phone_page, "lapangan", totp_secret=secret)
    assert urlsplit(phone_page.url).path == "/"
    for path in ("/agencies/", "/accounts/profile/"):
        phone_page.goto(path)
        overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
