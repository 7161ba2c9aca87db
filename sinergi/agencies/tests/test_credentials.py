"""Issue 14 points 1 and 2: tokens expire and die with the credentials behind them; brute force is slowed per
client, locks grow instead of lasting for good, and the real owner can lift a lock with the e-mailed link."""

import io
import re
from smtplib import SMTPException
from unittest import mock

import pyotp
import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sinergi.agencies import services
from sinergi.agencies.choices import Role
from sinergi.agencies.models import ApiToken, User
from sinergi.agencies.tasks import send_password_reset_email, send_unlock_email
from sinergi.audit.models import AuditEntry
from sinergi.core.errors import ApplicationError
from sinergi.core.models import MailHandOff
from sinergi.core.testing.factories import SystemUserFactory, UserFactory, enrol_totp
from sinergi.core.testing.tasks import DB_TASKS, claimed_by_a_dead_worker, run_worker

pytestmark = pytest.mark.django_db
PASSWORD = "Sinergi-test-pass-1"
LOGIN = reverse("accounts:login")


def me(client, raw):
    return client.get("/api/v1/me/", headers={"Authorization": f"Bearer {raw}"}).status_code


# --- token expiry ----------------------------------------------------------------------------------------


def test_a_token_expires_in_90_days_unless_said_otherwise_and_never_after_a_year(case_worker):
    token, _raw = services.api_token_create(user=case_worker, name="t")
    assert timezone.timedelta(days=89) < token.expires_at - timezone.now() <= timezone.timedelta(days=90)
    with pytest.raises(ApplicationError, match="satu tahun"):
        services.api_token_create(
            user=case_worker, name="long", expires_at=timezone.now() + timezone.timedelta(days=400)
        )
    with pytest.raises(ApplicationError, match="sistem terintegrasi"):
        services.api_token_create(user=case_worker, name="forever", no_expiry_reason="because")
    assert ApiToken.objects.filter(user=case_worker).count() == 1


def test_only_a_platform_admin_gives_a_system_a_token_without_expiry(agency, agency_admin, platform_admin):
    bridge = SystemUserFactory(username="bridge", agency=agency)
    agency_code = pyotp.TOTP(enrol_totp(agency_admin)).now()
    with pytest.raises(ApplicationError, match="administrator platform"):
        services.api_token_create(
            user=bridge,
            name="x",
            actor=agency_admin,
            otp_code=agency_code,
            no_expiry_reason="SIMFONI bridge",
            scopes=["cases:read"],
        )
    admin_code = pyotp.TOTP(enrol_totp(platform_admin)).now()
    token, _raw = services.api_token_create(
        user=bridge,
        name="x",
        actor=platform_admin,
        otp_code=admin_code,
        no_expiry_reason="SIMFONI bridge",
        scopes=["cases:read"],
    )
    assert token.expires_at is None and token.no_expiry_reason == "SIMFONI bridge"
    entry = AuditEntry.objects.filter(summary__contains=f"API token {token.pk} created").get()
    assert entry.changes["no_expiry"] is True and entry.actor_id == platform_admin.pk


def test_creating_a_token_asks_for_a_fresh_code(client, case_worker, signed_in):
    signed_in(client, case_worker)
    url = reverse("accounts:profile_token_create")
    no_2fa = client.post(url, {"name": "s", "lifetime": "30", "otp_code": "123456"}, follow=True)
    assert "Siapkan autentikasi dua faktor" in no_2fa.content.decode() or "Set up two-factor" in (
        no_2fa.content.decode()
    )
    totp = pyotp.TOTP(enrol_totp(case_worker))
    wrong = client.post(url, {"name": "s", "lifetime": "30", "otp_code": "000000"})
    assert wrong.status_code == 302
    code = totp.now()
    assert client.post(url, {"name": "s", "lifetime": "30", "otp_code": code}).status_code == 200
    # The same code does not make a second token: it was consumed.
    assert client.post(url, {"name": "s2", "lifetime": "30", "otp_code": code}).status_code == 302
    assert ApiToken.objects.filter(user=case_worker).count() == 1


@override_settings(SINERGI_OTP_PER_IP=1000, SINERGI_LOCKOUT_THRESHOLD=3)
def test_codes_tried_for_a_token_or_new_recovery_codes_count_towards_the_lock(client, case_worker, signed_in):
    """A session left open must not let anyone try authenticator codes until one fits: each wrong code counts
    as a failed second factor, audited, and the third locks the account (which ends the session)."""
    pyotp.TOTP(enrol_totp(case_worker))
    signed_in(client, case_worker)
    token_url = reverse("accounts:profile_token_create")
    assert client.post(token_url, {"name": "s", "lifetime": "30", "otp_code": "000000"}).status_code == 302
    recovery_url = reverse("accounts:recovery_codes_regenerate")
    assert client.post(recovery_url, {"otp_code": "000001"}).status_code == 302
    failures = AuditEntry.objects.filter(object_id=str(case_worker.pk), summary="sign-in failed (otp)")
    assert failures.count() == 2
    client.post(token_url, {"name": "s", "lifetime": "30", "otp_code": "000002"})
    case_worker.refresh_from_db()
    assert case_worker.is_locked and case_worker.lockout_count == 1
    assert ApiToken.objects.filter(user=case_worker).count() == 0
    assert client.get(reverse("accounts:profile")).status_code == 302  # signed out by the lock


@override_settings(SINERGI_OTP_PER_IP=2, SINERGI_LOCKOUT_THRESHOLD=1000)
def test_codes_tried_from_one_address_in_a_session_are_throttled(client, case_worker, signed_in):
    totp = pyotp.TOTP(enrol_totp(case_worker))
    signed_in(client, case_worker)
    url = reverse("accounts:profile_token_create")
    for _attempt in range(2):
        assert client.post(url, {"name": "s", "lifetime": "30", "otp_code": "000000"}).status_code == 302
    refused = client.post(url, {"name": "s", "lifetime": "30", "otp_code": totp.now()})
    assert refused.status_code == 429
    assert "Terlalu banyak kode" in refused.content.decode()
    assert ApiToken.objects.filter(user=case_worker).count() == 0
    assert (
        client.post(reverse("accounts:recovery_codes_regenerate"), {"otp_code": totp.now()}).status_code
        == 429
    )


def test_refused_tokens_are_logged_with_their_reason_never_their_secret(case_worker, caplog):
    client = Client()
    revoked, revoked_raw = services.api_token_create(user=case_worker, name="old")
    services.api_token_revoke(actor=case_worker, token=revoked)
    expired, expired_raw = services.api_token_create(user=case_worker, name="expired")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timezone.timedelta(days=1))
    forged = services.TOKEN_PREFIX + "x" * 43
    before = AuditEntry.objects.count()
    for raw in (revoked_raw, expired_raw, forged):
        response = client.get("/api/v1/me/", headers={"Authorization": f"Bearer {raw}"})
        assert response.status_code == 401
        assert "Token tidak valid atau sudah kedaluwarsa" in response.content.decode()
    lines = [r.getMessage() for r in caplog.records if r.name == "sinergi.security"]
    assert lines == [
        f"api token refused: revoked (token {revoked.pk})",
        f"api token refused: expired (token {expired.pk})",
        "api token refused: unknown",
    ]
    assert not any(raw in caplog.text for raw in (revoked_raw, expired_raw, forged))
    assert AuditEntry.objects.count() == before  # nothing stored


# --- tokens die with the credentials behind them -------------------------------------------------------


def test_a_password_change_ends_the_users_tokens(client, case_worker, signed_in):
    _token, raw = services.api_token_create(user=case_worker, name="t")
    assert me(client, raw) == 200
    signed_in(client, case_worker)
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Fresh-secret-pass-7",
            "new_password2": "Fresh-secret-pass-7",
        },
    )
    client.logout()
    assert me(client, raw) == 401
    assert ApiToken.objects.get(user=case_worker).revoked_because == "password_changed"


def test_a_password_reset_by_e_mail_ends_the_users_tokens(client, case_worker):
    enrol_totp(case_worker)
    _token, raw = services.api_token_create(user=case_worker, name="t")
    client.post(reverse("accounts:password_reset"), {"email": case_worker.email})
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "Fresh-secret-pass-7", "new_password2": "Fresh-secret-pass-7"})
    assert me(Client(), raw) == 401


def test_a_2fa_reset_and_disabling_end_the_users_tokens(client, case_worker, agency_admin, signed_in):
    enrol_totp(case_worker)
    _first, first_raw = services.api_token_create(user=case_worker, name="a")
    signed_in(client, agency_admin)
    client.post(reverse("agencies:user_two_factor_reset", args=[case_worker.pk]))
    assert me(Client(), first_raw) == 401
    _second, second_raw = services.api_token_create(user=case_worker, name="b")
    client.post(reverse("agencies:user_disable", args=[case_worker.pk]))
    client.post(reverse("agencies:user_enable", args=[case_worker.pk]))
    # Enabling the account again does not bring the token back.
    assert me(Client(), second_raw) == 401
    reasons = set(ApiToken.objects.filter(user=case_worker).values_list("revoked_because", flat=True))
    assert reasons == {"two_factor_reset", "account_disabled"}


def test_a_password_set_outside_the_services_ends_the_token_too(client, case_worker, monkeypatch):
    """Django admin's form, `manage.py changepassword` and a shell's set_password() revoke nothing: the
    token stops because its credential fingerprint no longer matches (checked at authentication)."""
    from django.contrib.auth.forms import AdminPasswordChangeForm
    from django.contrib.auth.management.commands import changepassword
    from django.core.management import call_command

    _admin_token, admin_raw = services.api_token_create(user=case_worker, name="admin")
    _command_token, command_raw = services.api_token_create(user=case_worker, name="command")
    _shell_token, shell_raw = services.api_token_create(user=case_worker, name="shell")
    assert me(client, admin_raw) == me(client, command_raw) == me(client, shell_raw) == 200

    form = AdminPasswordChangeForm(
        case_worker, {"password1": "Admin-chosen-pass-3", "password2": "Admin-chosen-pass-3"}
    )
    assert form.is_valid(), form.errors
    form.save()
    assert me(client, admin_raw) == 401

    # Django's command asks twice through getpass; the second token was made after the admin's change.
    _command_token, command_raw = services.api_token_create(user=case_worker, name="command")
    assert me(client, command_raw) == 200
    monkeypatch.setattr(changepassword.getpass, "getpass", lambda prompt="": "Command-chosen-pass-4")
    call_command("changepassword", case_worker.username, stdout=io.StringIO())
    assert me(client, command_raw) == 401

    _shell_token, shell_raw = services.api_token_create(user=case_worker, name="shell")
    user = User.objects.get(pk=case_worker.pk)
    user.set_password("Command-chosen-pass-4")  # the same password again: a new salt, a new hash
    user.save(update_fields=["password"])
    assert me(client, shell_raw) == 401
    assert not ApiToken.objects.filter(user=case_worker).exclude(revoked_because="").exists()


def test_a_second_factor_removed_outside_the_services_ends_the_token(client, case_worker):
    enrol_totp(case_worker)
    _token, raw = services.api_token_create(user=case_worker, name="t")
    assert me(client, raw) == 200
    User.objects.filter(pk=case_worker.pk).update(totp_secret="", totp_confirmed_at=None)
    assert me(client, raw) == 401


def test_a_disabled_account_s_token_stops_even_when_disabled_directly(client, case_worker):
    _token, raw = services.api_token_create(user=case_worker, name="t")
    User.objects.filter(pk=case_worker.pk).update(is_active=False)
    assert me(client, raw) == 401


def test_the_fingerprint_is_keyed_and_survives_a_key_rotation_with_fallback(client, case_worker, settings):
    token, raw = services.api_token_create(user=case_worker, name="t")
    assert case_worker.password not in token.credential_fingerprint
    assert len(token.credential_fingerprint) == 64
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "rotated-" + old_key
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert me(client, raw) == 200
    settings.SECRET_KEY_FALLBACKS = []
    assert me(client, raw) == 401


def test_the_migration_fingerprints_the_tokens_that_existed(client, case_worker):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("sinergi.agencies.migrations.0006_token_credential_fingerprint")
    _token, raw = services.api_token_create(user=case_worker, name="old")
    ApiToken.objects.update(credential_fingerprint="")
    assert me(client, raw) == 401  # a token without a fingerprint is refused
    migration.fingerprint_live_tokens(apps, None)
    assert me(client, raw) == 200


def test_another_users_otp_does_not_make_a_token(case_worker, agency):
    colleague = UserFactory(username="colleague", agency=agency, roles=[Role.CASE_WORKER])
    enrol_totp(case_worker)
    other_code = pyotp.TOTP(enrol_totp(colleague)).now()
    with pytest.raises(ApplicationError):
        services.api_token_create(user=case_worker, name="t", actor=case_worker, otp_code=other_code)
    assert not ApiToken.objects.exists()


def test_another_users_code_does_not_pass_the_sign_in_step_and_is_counted(client, case_worker, agency):
    colleague = UserFactory(username="colleague", agency=agency, roles=[Role.CASE_WORKER])
    enrol_totp(case_worker)
    other_code = pyotp.TOTP(enrol_totp(colleague)).now()
    client.post(LOGIN, {"username": case_worker.username, "password": PASSWORD})
    refused = client.post(reverse("accounts:two_factor"), {"otp_code": other_code})
    assert refused.status_code == 200 and "Kode tidak valid" in refused.content.decode()
    assert client.get(reverse("core:home")).status_code == 302  # not signed in
    assert (
        AuditEntry.objects.filter(object_id=str(case_worker.pk), summary="sign-in failed (otp)").count() == 1
    )


# --- brute force -----------------------------------------------------------------------------------------


@override_settings(SINERGI_LOGIN_PER_IP=5, SINERGI_LOCKOUT_THRESHOLD=1000)
def test_one_address_is_throttled_whatever_the_account(client, case_worker, caplog):
    for attempt in range(5):
        response = client.post(LOGIN, {"username": f"guess{attempt}", "password": "x"})
        assert response.status_code == 200
    refused = client.post(LOGIN, {"username": "caseworker", "password": PASSWORD})
    assert refused.status_code == 429
    assert "Terlalu banyak" in refused.content.decode()
    assert not refused.wsgi_request.user.is_authenticated
    # Logged, without the address or the name typed.
    lines = [r.getMessage() for r in caplog.records if r.name == "sinergi.security"]
    assert lines == ["throttled: login_ip"]
    assert "127.0.0.1" not in caplog.text and "caseworker" not in caplog.text
    # Another address is not affected.
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.post(LOGIN, {"username": "caseworker", "password": "x"}).status_code == 200


@override_settings(SINERGI_OTP_PER_IP=3, SINERGI_LOCKOUT_THRESHOLD=1000)
def test_the_second_factor_step_is_throttled_per_address(client, case_worker):
    secret = enrol_totp(case_worker)
    client.post(LOGIN, {"username": "caseworker", "password": PASSWORD})
    for _attempt in range(3):
        assert client.post(reverse("accounts:two_factor"), {"otp_code": "000000"}).status_code == 200
    refused = client.post(reverse("accounts:two_factor"), {"otp_code": pyotp.TOTP(secret).now()})
    assert refused.status_code == 429
    assert client.get(reverse("core:home")).status_code == 302


@override_settings(SINERGI_LOCKOUT_THRESHOLD=2, SINERGI_LOCKOUT_SECONDS=60, SINERGI_LOCKOUT_MAX_SECONDS=200)
def test_each_lock_lasts_longer_up_to_a_cap_and_a_sign_in_forgets(client, case_worker):
    lengths = []
    for _round in range(4):
        User.objects.filter(pk=case_worker.pk).update(locked_until=None)
        for _attempt in range(2):
            client.post(LOGIN, {"username": "caseworker", "password": "wrong"})
        case_worker.refresh_from_db()
        lengths.append(round((case_worker.locked_until - timezone.now()).total_seconds() / 10) * 10)
    assert lengths == [60, 120, 200, 200]
    User.objects.filter(pk=case_worker.pk).update(locked_until=None)
    with override_settings(SINERGI_REQUIRE_2FA=False):
        client.post(LOGIN, {"username": "caseworker", "password": PASSWORD})
    case_worker.refresh_from_db()
    assert case_worker.lockout_count == 0


@override_settings(SINERGI_LOCKOUT_THRESHOLD=2)
def test_the_owner_lifts_a_lock_with_the_e_mailed_link_once(
    client, case_worker, django_capture_on_commit_callbacks
):
    attacker = Client(REMOTE_ADDR="10.9.9.9")
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(2):
            attacker.post(LOGIN, {"username": "caseworker", "password": "wrong"})
    case_worker.refresh_from_db()
    assert case_worker.is_locked
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [case_worker.email]
    path = re.search(r"https?://[^/]+(/accounts/unlock/\S+/)", mail.outbox[0].body).group(1)
    # Opening the link (a mail scanner does) changes nothing; the button does.
    assert client.get(path).status_code == 200
    assert User.objects.get(pk=case_worker.pk).is_locked
    assert client.post(path)["Location"] == LOGIN
    assert not User.objects.get(pk=case_worker.pk).is_locked
    assert AuditEntry.objects.filter(summary__contains="unlocked through the e-mailed link").count() == 1
    # The link worked once; nor does it lift a later lock.
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(2):
            attacker.post(LOGIN, {"username": "caseworker", "password": "wrong"})
    assert client.post(path).status_code == 400
    assert User.objects.get(pk=case_worker.pk).is_locked


def test_a_forged_or_junk_unlock_link_changes_nothing(client, case_worker):
    User.objects.filter(pk=case_worker.pk).update(locked_until=timezone.now() + timezone.timedelta(hours=1))
    for token in ("x1", "W3sidSI6IDF9XQ:1abc:zzz"):
        assert client.post(reverse("accounts:unlock", args=[token])).status_code == 400
    assert User.objects.get(pk=case_worker.pk).is_locked


# --- reset and unlock mails are sent once however often their task runs ------------------------------------


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = DB_TASKS


def _run_twice(result_id) -> None:
    """Runs the queued task, then again as after a worker killed between the hand-off and recording success."""
    run_worker()
    assert DBTaskResult.objects.get(pk=result_id).status == TaskResultStatus.SUCCESSFUL
    claimed_by_a_dead_worker(result_id)
    run_worker()
    stored = DBTaskResult.objects.get(pk=result_id)
    assert stored.status == TaskResultStatus.SUCCESSFUL and stored.worker_ids[-1] == "w-new"
    assert stored.return_value is False  # the re-run found the mail handed off already


def test_a_reset_mail_is_not_sent_twice_when_its_task_runs_again(db_tasks, case_worker):
    result = send_password_reset_email.enqueue(user_id=case_worker.pk, domain="testserver", use_https=False)
    _run_twice(result.id)
    assert len(mail.outbox) == 1 and "/accounts/password/reset/" in mail.outbox[0].body
    # A second request for a reset is a second job: it gets its own mail.
    send_password_reset_email.enqueue(user_id=case_worker.pk, domain="testserver", use_https=False)
    run_worker()
    assert len(mail.outbox) == 2


def test_an_unlock_mail_is_sent_once_per_lock(db_tasks, case_worker):
    User.objects.filter(pk=case_worker.pk).update(
        locked_until=timezone.now() + timezone.timedelta(minutes=15)
    )
    result = send_unlock_email.enqueue(user_id=case_worker.pk, base_url="http://testserver")
    _run_twice(result.id)
    # The same lock queued twice (two failed attempts racing) still makes one mail.
    send_unlock_email.enqueue(user_id=case_worker.pk, base_url="http://testserver")
    run_worker()
    assert len(mail.outbox) == 1 and "/accounts/unlock/" in mail.outbox[0].body
    # A new, longer lock is a new mail.
    User.objects.filter(pk=case_worker.pk).update(
        locked_until=timezone.now() + timezone.timedelta(minutes=30)
    )
    send_unlock_email.enqueue(user_id=case_worker.pk, base_url="http://testserver")
    run_worker()
    assert len(mail.outbox) == 2


def test_a_mail_not_handed_off_is_sent_by_the_re_run(db_tasks, case_worker):

    result = send_password_reset_email.enqueue(user_id=case_worker.pk, domain="testserver", use_https=False)
    with mock.patch("sinergi.core.mail.send_mail", side_effect=SMTPException("relay down")):
        run_worker()
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.FAILED
    assert MailHandOff.objects.get().sent_at is None  # not marked: still to be sent
    claimed_by_a_dead_worker(result.id)
    run_worker()
    assert len(mail.outbox) == 1 and MailHandOff.objects.get().sent_at is not None
    assert case_worker.email not in MailHandOff.objects.get().key
