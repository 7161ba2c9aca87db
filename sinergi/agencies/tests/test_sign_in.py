"""Sign-in with password and TOTP, enrolment, recovery codes, lock-out, sessions, password change and reset."""

import re

import pyotp
import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from sinergi.agencies.choices import Role
from sinergi.agencies.forms import SIGN_IN_FAILED
from sinergi.agencies.models import RecoveryCode, User, UserSession
from sinergi.audit.choices import AuditAction
from sinergi.audit.models import AuditEntry
from sinergi.core.testing.factories import SystemUserFactory, UserFactory, enrol_totp
from sinergi.core.testing.tasks import run_worker

pytestmark = pytest.mark.django_db
PASSWORD = "Sinergi-test-pass-1"
LOGIN = reverse("accounts:login")
HOME = reverse("core:home")


def password_step(client, username, password=PASSWORD, next_url=""):
    return client.post(LOGIN, {"username": username, "password": password, "next": next_url})


def is_signed_in(client) -> bool:
    return client.get(HOME).status_code == 200


def next_code(secret: str) -> str:
    return pyotp.TOTP(secret).now()


# --- password and second factor -------------------------------------------------------------------------


@override_settings(SINERGI_REQUIRE_2FA=False)
def test_without_required_2fa_a_password_signs_in_and_records_the_session(client, case_worker):
    response = password_step(client, "caseworker")
    assert response.status_code == 302 and response["Location"] == HOME
    assert is_signed_in(client)
    assert UserSession.objects.filter(user=case_worker, session_key=client.session.session_key).exists()
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN, actor=case_worker).count() == 1


def invitation_step(client, user, password="Fresh-secret-pass-7"):
    """Follows the one-time reset (or invitation) link e-mailed to `user` and sets a password with it."""
    mail.outbox.clear()
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    return client.post(set_url, {"new_password1": password, "new_password2": password})


def test_the_password_alone_never_opens_a_first_enrolment(client, case_worker):
    response = password_step(client, "caseworker")
    assert response.status_code == 200
    assert "invitation" in str(response.context["form"].non_field_errors()) or "undangan" in str(
        response.context["form"].non_field_errors()
    )
    assert not is_signed_in(client)
    # Going to the enrolment page directly does not help either.
    assert client.get(reverse("accounts:two_factor_setup"))["Location"] == LOGIN
    case_worker.refresh_from_db()
    assert not case_worker.totp_secret and not case_worker.has_totp


def test_the_invitation_link_leads_to_enrolment_without_signing_in(client, case_worker):
    response = invitation_step(client, case_worker)
    assert response["Location"] == reverse("accounts:two_factor_setup")
    assert not is_signed_in(client)
    # Nothing else in the product is reachable in this state, not even the password change.
    assert client.get(reverse("accounts:password_change")).status_code == 302
    assert client.get("/api/v1/me/").status_code == 401
    # If the five minutes run out, the same browser signs in with the new password and still enrols.
    fresh = password_step(client, "caseworker", password="Fresh-secret-pass-7")
    assert fresh["Location"] == reverse("accounts:two_factor_setup")


def test_after_a_2fa_reset_the_user_enrols_only_through_the_e_mailed_link(
    client, case_worker, agency_admin, signed_in, django_capture_on_commit_callbacks
):
    enrol_totp(case_worker)
    signed_in(client, agency_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("agencies:user_two_factor_reset", args=[case_worker.pk]))
    assert len(mail.outbox) == 1 and case_worker.email in mail.outbox[0].to
    visitor = Client()
    assert password_step(visitor, "caseworker").status_code == 200  # the old password alone: no enrolment
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    set_url = visitor.get(link, follow=True).redirect_chain[-1][0]
    new = {"new_password1": "Fresh-secret-pass-7", "new_password2": "Fresh-secret-pass-7"}
    assert visitor.post(set_url, new)["Location"] == reverse("accounts:two_factor_setup")


def test_enrolment_shows_a_qr_code_and_ten_recovery_codes_once(client, case_worker):
    invitation_step(client, case_worker)
    page = client.get(reverse("accounts:two_factor_setup"))
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    case_worker.refresh_from_db()
    secret = case_worker.totp_secret
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html
    assert not case_worker.has_totp

    wrong = client.post(reverse("accounts:two_factor_setup"), {"otp_code": "000000"})
    assert "tidak valid" in wrong.content.decode() or "not valid" in wrong.content.decode()
    assert not is_signed_in(client)

    response = client.post(reverse("accounts:two_factor_setup"), {"otp_code": next_code(secret)})
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    case_worker.refresh_from_db()
    assert case_worker.has_totp
    stored = list(RecoveryCode.objects.filter(user=case_worker).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not any(code.replace("-", "") in h for code in codes for h in stored)
    assert is_signed_in(client)
    assert AuditEntry.objects.filter(summary__contains="enrolled in 2FA").count() == 1


def test_totp_sign_in_and_replay_protection(client, case_worker):
    secret = enrol_totp(case_worker)
    response = password_step(client, "caseworker", next_url="/people/")
    assert response["Location"] == reverse("accounts:two_factor")
    assert not is_signed_in(client)
    code = next_code(secret)
    response = client.post(reverse("accounts:two_factor"), {"otp_code": code})
    assert response["Location"] == "/people/"
    assert is_signed_in(client)

    # The same code, seen by someone looking over the shoulder, does not work a second time.
    other = Client()
    password_step(other, "caseworker")
    replay = other.post(reverse("accounts:two_factor"), {"otp_code": code})
    assert replay.status_code == 200
    assert not is_signed_in(other)


def test_a_recovery_code_works_once(client, case_worker):
    invitation_step(client, case_worker, password=PASSWORD)
    client.get(reverse("accounts:two_factor_setup"))
    secret = User.objects.get(pk=case_worker.pk).totp_secret
    response = client.post(reverse("accounts:two_factor_setup"), {"otp_code": next_code(secret)})
    code = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", response.content.decode())[0]

    first, second = Client(), Client()
    password_step(first, "caseworker")
    assert first.post(reverse("accounts:two_factor"), {"otp_code": code.upper()}).status_code == 302
    assert is_signed_in(first)
    password_step(second, "caseworker")
    assert second.post(reverse("accounts:two_factor"), {"otp_code": code}).status_code == 200
    assert not is_signed_in(second)


def test_an_integrated_system_cannot_sign_in_through_the_browser(client, agency):
    system = SystemUserFactory(username="bridge", agency=agency)
    system.set_password(PASSWORD)
    system.save()
    response = password_step(client, "bridge")
    assert SIGN_IN_FAILED in response.context["form"].non_field_errors()
    assert not is_signed_in(client)


def test_two_factor_page_without_a_pending_sign_in_goes_back_to_login(client):
    response = client.get(reverse("accounts:two_factor"))
    assert response["Location"] == LOGIN


def test_half_signed_in_session_is_kept_out_of_pages_and_api(client, case_worker):
    enrol_totp(case_worker)
    client.force_login(case_worker)  # no verified second factor in this session
    response = client.get("/people/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two_factor"))
    api = client.get("/api/v1/me/")
    assert api.status_code == 401
    assert api.json()["error"]["code"] == "not_authenticated"


# --- lock-out -----------------------------------------------------------------------------------------


@override_settings(SINERGI_LOCKOUT_THRESHOLD=3)
def test_lockout_after_failures_with_one_message_for_every_refusal(client, case_worker, caplog):
    caplog.set_level("INFO", logger="sinergi.security")
    for _attempt in range(3):
        response = password_step(client, "caseworker", password="wrong-password")
        assert SIGN_IN_FAILED in response.context["form"].non_field_errors()
    case_worker.refresh_from_db()
    assert case_worker.is_locked
    locked = password_step(client, "caseworker")  # the right password, but locked
    unknown = password_step(client, "nobody-here")
    assert locked.content.decode().count(str(SIGN_IN_FAILED)) == 1
    assert locked.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert not is_signed_in(client)
    assert AuditEntry.objects.filter(action=AuditAction.SECURITY, summary__contains="locked out").count() == 1
    # The security log says so too, naming the account by a keyed hash only.
    locks = [r.getMessage() for r in caplog.records if r.getMessage().startswith("account locked: user ")]
    assert len(locks) == 1 and "caseworker" not in locks[0]


def test_failed_sign_in_of_an_unknown_account_stores_no_username(client):
    password_step(client, "someones-real-name")
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert "someones-real-name" not in (entry.summary + str(entry.changes) + entry.actor_label)
    assert entry.actor_id is None


@override_settings(SINERGI_LOCKOUT_THRESHOLD=3)
def test_wrong_totp_codes_also_lock_the_account(client, case_worker):
    secret = enrol_totp(case_worker)
    password_step(client, "caseworker")
    for _attempt in range(2):
        assert client.post(reverse("accounts:two_factor"), {"otp_code": "000000"}).status_code == 200
    response = client.post(reverse("accounts:two_factor"), {"otp_code": "000000"})
    assert response["Location"] == LOGIN
    case_worker.refresh_from_db()
    assert case_worker.is_locked
    # Even with the right password and code, nothing opens while locked.
    password_step(client, "caseworker")
    client.post(reverse("accounts:two_factor"), {"otp_code": next_code(secret)})
    assert not is_signed_in(client)


def test_lock_expires(client, case_worker):
    User.objects.filter(pk=case_worker.pk).update(locked_until=timezone.now() - timezone.timedelta(seconds=1))
    with override_settings(SINERGI_REQUIRE_2FA=False):
        password_step(client, "caseworker")
    assert is_signed_in(client)


# --- sessions, logout, language -----------------------------------------------------------------------


@override_settings(SINERGI_REQUIRE_2FA=False)
def test_logout_ends_the_server_session(client, case_worker):
    password_step(client, "caseworker")
    key = client.session.session_key
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == LOGIN
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_key=key).exists()
    assert AuditEntry.objects.filter(action=AuditAction.LOGOUT, actor=case_worker).count() == 1


@override_settings(SINERGI_REQUIRE_2FA=False)
def test_disabling_an_account_stops_its_open_session_at_once(client, case_worker, agency_admin, signed_in):
    password_step(client, "caseworker")
    assert is_signed_in(client)
    admin = signed_in(Client(), agency_admin)
    admin.post(reverse("agencies:user_disable", args=[case_worker.pk]))
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not UserSession.objects.filter(user=case_worker).exists()


@override_settings(SINERGI_REQUIRE_2FA=False)
def test_preferred_language_is_applied_at_sign_in(client, case_worker):
    User.objects.filter(pk=case_worker.pk).update(preferred_language="en")
    response = password_step(client, "caseworker")
    assert response.cookies["django_language"].value == "en"
    assert "Welcome" in client.get(HOME).content.decode()


# --- password change and reset ------------------------------------------------------------------------


@override_settings(SINERGI_REQUIRE_2FA=False)
def test_password_change_needs_the_current_password_and_ends_other_sessions(client, case_worker):
    elsewhere = Client()
    password_step(elsewhere, "caseworker")
    password_step(client, "caseworker")
    url = reverse("accounts:password_change")
    new = {"new_password1": "Another-good-pass-9", "new_password2": "Another-good-pass-9"}
    refused = client.post(url, {"old_password": "wrong", **new})
    assert refused.status_code == 200
    case_worker.refresh_from_db()
    assert case_worker.check_password(PASSWORD)

    done = client.post(url, {"old_password": PASSWORD, **new})
    assert done["Location"] == reverse("accounts:profile")
    case_worker.refresh_from_db()
    assert case_worker.check_password("Another-good-pass-9")
    assert is_signed_in(client)
    assert not is_signed_in(elsewhere)
    assert UserSession.objects.filter(user=case_worker).count() == 1
    assert UserSession.objects.get(user=case_worker).session_key == client.session.session_key


def test_reset_request_answers_the_same_for_unknown_addresses(client, case_worker):
    url = reverse("accounts:password_reset")
    unknown = client.post(url, {"email": "nobody@example.go.id"})
    assert len(mail.outbox) == 0
    known = client.post(url, {"email": case_worker.email.upper()})
    assert len(mail.outbox) == 1
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"] == reverse("accounts:password_reset_done")


@override_settings(SINERGI_RESET_PER_EMAIL=2, SINERGI_RESET_PER_IP=4)
def test_reset_requests_are_limited_per_address_and_per_client(client, case_worker):
    from sinergi.core.models import ThrottleHit

    url = reverse("accounts:password_reset")
    for _ in range(2):
        assert client.post(url, {"email": case_worker.email}).status_code == 302
    refused = client.post(url, {"email": case_worker.email})
    assert refused.status_code == 429
    assert "Terlalu banyak permintaan" in refused.content.decode()
    assert len(mail.outbox) == 2  # the refused request sent nothing
    # Other addresses from the same client still pass until the client's own limit ...
    assert client.post(url, {"email": "lain@example.go.id"}).status_code == 302
    assert client.post(url, {"email": "lain2@example.go.id"}).status_code == 429
    # ... and what is counted is never stored in clear.
    stored = " ".join(ThrottleHit.objects.values_list("key", flat=True))
    assert case_worker.email.split("@")[0] not in stored and "127.0.0.1" not in stored


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "bulk"]}}
)
def test_reset_mail_is_queued_with_ids_only_and_the_token_made_by_the_worker(client, case_worker):
    from django_tasks_db.models import DBTaskResult

    client.post(reverse("accounts:password_reset"), {"email": case_worker.email})
    assert len(mail.outbox) == 0  # the page did not wait for the mail server
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs == {
        "args": [],
        "kwargs": {"user_id": case_worker.pk, "domain": "testserver", "use_https": False},
    }
    assert case_worker.email not in str(queued.args_kwargs)
    run_worker()
    assert DBTaskResult.objects.get().return_value is True
    assert len(mail.outbox) == 1 and "/accounts/password/reset/" in mail.outbox[0].body


def test_reset_ends_sessions_and_never_skips_the_second_factor(client, case_worker, signed_in):
    secret = enrol_totp(case_worker)
    old_session = signed_in(Client(), case_worker)
    UserSession.objects.create(user=case_worker, session_key=old_session.session.session_key)
    client.post(reverse("accounts:password_reset"), {"email": case_worker.email})
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    new = {"new_password1": "Fresh-secret-pass-7", "new_password2": "Fresh-secret-pass-7"}
    response = client.post(set_url, new)
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert not is_signed_in(client)
    assert not is_signed_in(old_session)
    case_worker.refresh_from_db()
    assert case_worker.has_totp and case_worker.check_password("Fresh-secret-pass-7")

    after = password_step(client, "caseworker", password="Fresh-secret-pass-7")
    assert after["Location"] == reverse("accounts:two_factor")
    assert not is_signed_in(client)
    client.post(reverse("accounts:two_factor"), {"otp_code": next_code(secret)})
    assert is_signed_in(client)


def test_new_admin_created_user_gets_an_invitation_link(
    client, agency_admin, signed_in, django_capture_on_commit_callbacks
):
    signed_in(client, agency_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("agencies:user_create"),
            {
                "username": "newworker",
                "kind": "PERSON",
                "email": "new@example.go.id",
                "roles": [Role.CASE_WORKER],
            },
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/accounts/password/reset/" in mail.outbox[0].body
    assert not UserFactory._meta.model.objects.get(username="newworker").has_usable_password()


def test_reset_mail_is_in_the_users_language_catalogue(client, case_worker):
    client.post(reverse("accounts:password_reset"), {"email": case_worker.email})
    assert "kata sandi" in mail.outbox[0].subject.lower()


def test_sign_in_pages_speak_indonesian_by_default(client):
    html = client.get(LOGIN).content.decode()
    assert "Nama pengguna" in html and "Lupa kata sandi?" in html
    wrong = password_step(client, "nobody")
    assert "Gagal masuk." in wrong.content.decode()


@override_settings(SINERGI_REQUIRE_2FA=False)
def test_an_idle_session_expires_on_the_server(client, case_worker, settings):
    from django.contrib.sessions.models import Session

    password_step(client, "caseworker")
    session = Session.objects.get(session_key=client.session.session_key)
    idle = settings.SESSION_COOKIE_AGE
    assert abs((session.expire_date - timezone.now()).total_seconds() - idle) < 60
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert not is_signed_in(client)


@override_settings(SINERGI_REQUIRE_2FA=False)
def test_closing_an_agency_closes_its_staffs_access(client, case_worker, platform_admin):
    from sinergi.agencies.services import agency_update, api_token_create

    password_step(client, "caseworker")
    _token, raw = api_token_create(user=case_worker, name="t")
    assert is_signed_in(client)
    agency_update(actor=platform_admin, agency=case_worker.agency, is_active=False)
    assert not is_signed_in(client)
    assert client.get("/api/v1/me/", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    response = password_step(client, "caseworker")
    assert SIGN_IN_FAILED in response.context["form"].non_field_errors()


def test_malformed_sign_in_input_gets_the_same_message(client):
    for data in ({"username": "x" * 500, "password": "y"}, {"username": "", "password": ""}, {}):
        response = client.post(LOGIN, data)
        assert response.status_code == 200
        assert SIGN_IN_FAILED in response.context["form"].non_field_errors()


def test_the_header_language_switch_is_remembered_for_the_next_sign_in(client, case_worker, signed_in):
    signed_in(client, case_worker)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    case_worker.refresh_from_db()
    assert case_worker.preferred_language == "en"
    # An unknown language changes nothing; an anonymous visitor's choice stays a cookie.
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    case_worker.refresh_from_db()
    assert case_worker.preferred_language == "en"
    client.logout()
    assert client.post("/i18n/setlang/", {"language": "id", "next": "/"}).status_code == 302
    case_worker.refresh_from_db()
    assert case_worker.preferred_language == "en"
