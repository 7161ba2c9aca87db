"""Writes about agencies, users, roles, sign-in, second factors, sessions and API tokens.

Every function that changes state takes the acting user (`actor=`), validates with `full_clean()`, runs in one
transaction and writes its audit entry in that transaction. Audit summaries hold codes and ids, never names.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from sinergi.agencies.choices import LETTER_KIND_CODES, ApiScope, Role, UserKind
from sinergi.agencies.letters import letter_number
from sinergi.agencies.models import (
    Agency,
    ApiToken,
    DeviceLockout,
    IssuedLetter,
    LetterCounter,
    RecoveryCode,
    User,
    UserRole,
    UserSession,
)
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.core.crypto import log_digest
from sinergi.core.errors import ApplicationError

security_log = logging.getLogger("sinergi.security")

TOKEN_PREFIX = "sng_"  # noqa: S105 (a public prefix, not a secret)
TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 365
RECOVERY_CODE_COUNT = 10
TOTP_ISSUER = "Sinergi"
# Codes from the step before and after the current one are accepted: phones' clocks drift.
TOTP_VALID_WINDOW = 1

AGENCY_FIELDS = (
    "code",
    "name",
    "type",
    "jurisdiction",
    "country",
    "email",
    "phone",
    "is_active",
    "letterhead",
    "address",
    "letter_place",
    "letter_number_pattern",
    "signatory_name",
    "signatory_title",
    "signatory_nip",
)
USER_PROFILE_FIELDS = ("first_name", "last_name", "email", "phone", "preferred_language")


# ---------------------------------------------------------------------------------------------------------
# Agencies


def _changed_fields(obj: Any, values: dict[str, Any]) -> list[str]:
    changed = []
    for field, value in values.items():
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed.append(field)
    return changed


def agency_create(*, actor: User | None, **values: Any) -> Agency:
    """Registers an agency (platform administrator, or `manage.py agency_create` when actor is None)."""
    unknown = set(values) - set(AGENCY_FIELDS)
    if unknown:
        raise TypeError(f"unknown agency fields: {sorted(unknown)}")
    agency = Agency(**values)
    agency.full_clean()
    with transaction.atomic():
        agency.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=agency,
            agency=agency,
            summary=f"agency {agency.code} created ({agency.type})",
        )
    return agency


def agency_update(*, actor: User, agency: Agency, **values: Any) -> Agency:
    """Changes an agency's details; records which fields changed."""
    unknown = set(values) - set(AGENCY_FIELDS)
    if unknown:
        raise TypeError(f"unknown agency fields: {sorted(unknown)}")
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        changed = _changed_fields(agency, values)
        if not changed:
            return agency
        agency.full_clean()
        agency.save(update_fields=changed)
        ended = 0
        if "is_active" in changed and not agency.is_active:
            for member in User.objects.filter(agency=agency, sessions__isnull=False).distinct():
                ended += user_sessions_end(user=member)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=agency,
            agency=agency,
            summary=f"agency {agency.code} updated",
            changes={"fields": changed, "sessions_ended": ended},
        )
    return agency


def letter_issue_in_transaction(*, actor: User, agency: Agency, kind: str, record_id: int) -> IssuedLetter:
    """The number of `agency`'s letter of `kind` about one record: the one issued before, or the next running
    number of the year. One step of the caller's transaction (the download that prints it and writes its
    audit entry), so a number is spent only with the letter that carries it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("letter_issue_in_transaction() runs inside the caller's transaction.atomic()")
    existing = IssuedLetter.objects.filter(agency=agency, kind=kind, record_id=record_id).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    LetterCounter.objects.get_or_create(agency=agency, year=today.year)
    # The UPDATE takes the row's write lock until the transaction ends: the next writer waits, then counts on.
    LetterCounter.objects.filter(agency=agency, year=today.year).update(last=F("last") + 1)
    serial = LetterCounter.objects.get(agency=agency, year=today.year).last
    letter = IssuedLetter(
        agency=agency,
        kind=kind,
        record_id=record_id,
        year=today.year,
        serial=serial,
        number=letter_number(
            agency.letter_number_pattern,
            serial=serial,
            agency_code=agency.code,
            kind_code=LETTER_KIND_CODES[kind],
            issued_on=today,
        ),
        issued_by=actor,
    )
    letter.full_clean()
    letter.save()
    return letter


# ---------------------------------------------------------------------------------------------------------
# Users and roles


def _validate_roles(*, kind: str, roles: Iterable[str]) -> list[str]:
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ValidationError({"roles": _("Unknown role.")})
    if kind == UserKind.SYSTEM and Role.AGENCY_ADMIN in roles:
        raise ValidationError({"roles": _("An integrated system cannot be an agency administrator.")})
    return roles


def _roles_set(user: User, roles: list[str]) -> tuple[list[str], list[str]]:
    current = set(user.roles.values_list("role", flat=True))
    added = sorted(set(roles) - current)
    removed = sorted(current - set(roles))
    if removed:
        UserRole.objects.filter(user=user, role__in=removed).delete()
    UserRole.objects.bulk_create([UserRole(user=user, role=role) for role in added])
    user._role_codes = None  # type: ignore[assignment]  # the cache of role_codes, cleared
    return added, removed


def user_create(
    *,
    actor: User | None,
    agency: Agency | None,
    username: str,
    roles: Iterable[str] = (),
    kind: str = UserKind.PERSON,
    password: str | None = None,
    is_superuser: bool = False,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    preferred_language: str = "id",
) -> User:
    """Creates a staff member or an integrated system in `agency` with the given roles.

    Without a password the account cannot sign in until its owner sets one through the reset link
    (an integrated system never signs in with a password: it uses API tokens).
    """
    roles = _validate_roles(kind=kind, roles=roles)
    user = User(
        agency=agency,
        username=username.strip(),
        kind=kind,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        preferred_language=preferred_language,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if agency is None and not is_superuser:
        raise ValidationError({"agency": _("Every user belongs to an agency.")})
    if User.objects.filter(username__iexact=user.username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    if password and kind == UserKind.PERSON:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    with transaction.atomic():
        user.save()
        _roles_set(user, roles)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=user,
            agency=agency,
            summary=f"user {user.pk} created ({kind})",
            changes={"roles": roles, "superuser": is_superuser},
        )
    return user


def user_invitation_send(*, user: User, base_url: str) -> None:
    """E-mails a new staff member a one-time link to choose their password: the background worker sends it once
    the user's creation is committed (`tasks.send_invitation_email`), marked sent only after the mail server
    took it, so that a killed worker's re-run neither loses it nor sends it twice."""
    from sinergi.agencies.tasks import send_invitation_email

    user_id = user.pk
    transaction.on_commit(lambda: send_invitation_email.enqueue(user_id=user_id, base_url=base_url))


def user_update(*, actor: User, user: User, roles: Iterable[str] | None = None, **values: Any) -> User:
    """Changes a user's details and, when given, replaces their roles. Agency and kind never change."""
    unknown = set(values) - set(USER_PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown user fields: {sorted(unknown)}")
    if roles is not None:
        roles = _validate_roles(kind=user.kind, roles=roles)
        if user.pk == actor.pk and Role.AGENCY_ADMIN in user.role_codes and Role.AGENCY_ADMIN not in roles:
            raise ValidationError({"roles": _("You cannot remove your own administrator role.")})
    with transaction.atomic():
        locked: User = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
        changed = _changed_fields(locked, values)
        if changed:
            locked.full_clean()
            locked.save(update_fields=changed)
        added, removed = _roles_set(locked, roles) if roles is not None else ([], [])
        if changed:
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=locked,
                agency=locked.agency,
                summary=f"user {locked.pk} updated",
                changes={"fields": changed},
            )
        if added or removed:
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=locked,
                agency=locked.agency,
                summary=f"user {locked.pk} roles changed",
                changes={"roles_added": added, "roles_removed": removed},
            )
    return locked


def user_disable(*, actor: User, user: User) -> User:
    """Disables an account: it cannot sign in, its sessions end now and its API tokens stop working."""
    if user.pk == actor.pk:
        raise ApplicationError(_("You cannot disable your own account."), code="cannot_disable_self")
    with transaction.atomic():
        locked: User = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
        if not locked.is_active:
            return locked
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        ended = user_sessions_end(user=locked)
        revoked = _api_tokens_end(user=locked, because="account_disabled")
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            agency=locked.agency,
            summary=f"user {locked.pk} disabled",
            changes={"is_active": False, "sessions_ended": ended, "tokens_revoked": revoked},
        )
    return locked


def user_enable(*, actor: User, user: User) -> User:
    """Re-enables a disabled account; it also clears a lock-out."""
    with transaction.atomic():
        locked: User = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
        if locked.is_active:
            return locked
        locked.is_active = True
        locked.failed_login_count = 0
        locked.locked_until = None
        locked.save(update_fields=["is_active", "failed_login_count", "locked_until"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            agency=locked.agency,
            summary=f"user {locked.pk} enabled",
            changes={"is_active": True},
        )
    return locked


def user_unlock(*, actor: User, user: User) -> User:
    """Lifts a lock-out before it expires, e.g. after the administrator has spoken to the user."""
    with transaction.atomic():
        locked: User = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
        if locked.locked_until is None and not locked.failed_login_count:
            return locked
        locked.locked_until = None
        locked.failed_login_count = 0
        locked.lockout_count = 0
        locked.save(update_fields=["locked_until", "failed_login_count", "lockout_count"])
        audit_record(
            actor=actor,
            action=AuditAction.SECURITY,
            obj=locked,
            agency=locked.agency,
            summary=f"user {locked.pk} unlocked",
        )
        security_log.info(
            "account unlocked by an administrator: user %s", log_digest(locked.username, kind="username")
        )
    return locked


def user_password_change(*, user: User, new_password: str, keep_session_key: str | None) -> int:
    """Sets a new password (already validated by the form) and ends the user's other sessions."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        ended = user_sessions_end(user=user, except_session_key=keep_session_key)
        revoked = _api_tokens_end(user=user, because="password_changed")
        audit_record(
            actor=user,
            action=AuditAction.SECURITY,
            obj=user,
            summary=f"user {user.pk} changed password",
            changes={"sessions_ended": ended, "tokens_revoked": revoked},
        )
    return ended


def user_password_reset_complete(*, user: User) -> None:
    """After a reset by e-mail: every session and API token ends; the second factor is kept, so sign-in still
    asks for it."""
    with transaction.atomic():
        ended = user_sessions_end(user=user)
        revoked = _api_tokens_end(user=user, because="password_changed")
        audit_record(
            actor=user,
            action=AuditAction.SECURITY,
            obj=user,
            summary=f"user {user.pk} reset password by e-mail",
            changes={"sessions_ended": ended, "tokens_revoked": revoked},
        )


def user_language_set(*, user: User, language: str) -> User:
    """Stores the language the interface uses for this user from the next sign-in on."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"preferred_language": _("Unknown language.")})
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return user


# ---------------------------------------------------------------------------------------------------------
# Sessions


def _session_store(session_key: str) -> SessionBase:
    engine = import_string(settings.SESSION_ENGINE + ".SessionStore")
    store: SessionBase = engine(session_key)
    return store


def user_session_record(*, user: User, session_key: str, ip_address: str | None, user_agent: str) -> None:
    """Remembers a new browser session of the user, so it can be ended from the server later."""
    UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={"user": user, "ip_address": ip_address, "user_agent": user_agent[:200]},
    )


def user_session_forget(*, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def user_session_rekey(*, old_key: str | None, new_key: str | None) -> None:
    """Follows a session whose key was rotated (after a password change) so it can still be ended."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def user_sessions_end(*, user: User, except_session_key: str | None = None) -> int:
    """Deletes the user's sessions on the server (all but `except_session_key`); returns how many ended."""
    rows = UserSession.objects.filter(user=user)
    if except_session_key:
        rows = rows.exclude(session_key=except_session_key)
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        _session_store(key).delete()
    rows.delete()
    return len(keys)


# ---------------------------------------------------------------------------------------------------------
# Sign-in, lock-out


def sign_in_record(*, user: User, device: str | None = None) -> None:
    """Audits a completed sign-in (both factors) and forgets earlier failures and lock-outs: the account's
    when it was made without a device cookie, only that browser's when it was made with one (`device`, its
    nonce hash): the account's lock stops the other clients, which may still be guessing."""
    with transaction.atomic():
        if device is None:
            User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None, lockout_count=0)
        else:
            DeviceLockout.objects.filter(nonce_hash=device).delete()
        audit_record(
            actor=user,
            action=AuditAction.LOGIN,
            obj=user,
            summary=f"user {user.pk} signed in" + (" on a trusted browser" if device else ""),
        )


def sign_out_record(*, user: User, session_key: str | None) -> None:
    with transaction.atomic():
        user_session_forget(session_key=session_key)
        audit_record(actor=user, action=AuditAction.LOGOUT, obj=user, summary=f"user {user.pk} signed out")


def lockout_seconds(lockout_count: int) -> int:
    """How long the `lockout_count`-th lock-out in a row lasts: doubling from SINERGI_LOCKOUT_SECONDS, capped
    at SINERGI_LOCKOUT_MAX_SECONDS, so a guessed username can delay its owner but never shut them out for good
    (and the owner can lift the lock at once with the link e-mailed to them)."""
    base = settings.SINERGI_LOCKOUT_SECONDS
    seconds: int = min(base * 2 ** max(lockout_count - 1, 0), max(base, settings.SINERGI_LOCKOUT_MAX_SECONDS))
    return seconds


def sign_in_failure_record(
    *, user: User | None, stage: str, base_url: str | None = None, device: str | None = None
) -> bool:
    """Counts a failed password or second-factor attempt; locks the account at the threshold.

    For an unknown username nothing identifying is stored (what was typed may be someone's real name or a
    password typed in the wrong box). When this failure locks the account, its owner is e-mailed a link that
    lifts the lock (`base_url` is where the link points). An attempt made with a valid device cookie (`device`,
    its nonce hash) counts against that browser instead (`_device_failure_record`). Returns True when this
    failure locked the account, or the browser.
    """
    if user is not None and device is not None:
        return _device_failure_record(user=user, stage=stage, device=device)
    if user is None:
        audit_record(
            actor=None, action=AuditAction.LOGIN_FAILED, summary=f"sign-in failed ({stage}): unknown account"
        )
        return False
    if stage == "locked":
        # Attempts against a locked account are recorded but do not extend the lock.
        audit_record(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            obj=user,
            agency=user.agency,
            summary="sign-in refused: account locked",
        )
        return False
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
        locked: User = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
        audit_record(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            obj=locked,
            agency=locked.agency,
            summary=f"sign-in failed ({stage})",
        )
        if locked.failed_login_count < settings.SINERGI_LOCKOUT_THRESHOLD:
            return False
        locked.lockout_count += 1
        seconds = lockout_seconds(locked.lockout_count)
        locked.locked_until = timezone.now() + timedelta(seconds=seconds)
        locked.failed_login_count = 0
        locked.save(update_fields=["locked_until", "failed_login_count", "lockout_count"])
        audit_record(
            actor=None,
            action=AuditAction.SECURITY,
            obj=locked,
            agency=locked.agency,
            summary=f"user {locked.pk} locked out after repeated failures",
            changes={"locked_seconds": seconds, "lockout_count": locked.lockout_count},
        )
        security_log.warning(
            "account locked: user %s, %s s, lock-out %s",
            log_digest(locked.username, kind="username"),
            seconds,
            locked.lockout_count,
        )
        if base_url and locked.email and locked.kind == UserKind.PERSON:
            from sinergi.agencies.tasks import send_unlock_email

            user_id = locked.pk
            transaction.on_commit(lambda: send_unlock_email.enqueue(user_id=user_id, base_url=base_url))
    return True


def _device_failure_record(*, user: User, stage: str, device: str) -> bool:
    """A failure from a trusted browser: counted for that browser over SINERGI_LOCKOUT_SECONDS; at the
    threshold its cookie is locked (doubling like the account's lock), and the browser is an untrusted client
    until the lock ends. No unlock mail: the owner's other ways in are untouched. True when this locked it."""
    now = timezone.now()
    with transaction.atomic():
        DeviceLockout.objects.get_or_create(
            nonce_hash=device, defaults={"user": user, "first_failed_at": now}
        )
        row = DeviceLockout.objects.select_for_update().get(nonce_hash=device)
        if row.first_failed_at < now - timedelta(seconds=settings.SINERGI_LOCKOUT_SECONDS):
            row.failed_count, row.first_failed_at = 0, now
        row.failed_count += 1
        audit_record(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            obj=user,
            agency=user.agency,
            summary=f"sign-in failed ({stage}) on a trusted browser",
        )
        locks = row.failed_count >= settings.SINERGI_LOCKOUT_THRESHOLD
        if locks:
            row.lockout_count += 1
            seconds = lockout_seconds(row.lockout_count)
            row.locked_until = now + timedelta(seconds=seconds)
            row.failed_count = 0
            audit_record(
                actor=None,
                action=AuditAction.SECURITY,
                obj=user,
                agency=user.agency,
                summary=f"a trusted browser of user {user.pk} locked out after repeated failures",
                changes={"locked_seconds": seconds, "lockout_count": row.lockout_count},
            )
            security_log.warning(
                "device cookie locked: user %s, device %s, %s s",
                log_digest(user.username, kind="username"),
                device[:16],
                seconds,
            )
        row.save(update_fields=["failed_count", "first_failed_at", "locked_until", "lockout_count"])
    return locks


UNLOCK_SALT = "sinergi.agencies.unlock"
UNLOCK_LINK_SECONDS = 24 * 60 * 60


def unlock_token_make(user: User) -> str:
    """A signed token that lifts this lock-out only: it names the lock's end, so it dies with that lock."""
    from django.core import signing

    assert user.locked_until is not None
    return signing.dumps([user.pk, user.locked_until.timestamp()], salt=UNLOCK_SALT, compress=True)


def user_unlock_by_link(*, token: str) -> User:
    """The owner of a locked account lifts the lock with the link e-mailed to them. The link works once and
    only for the lock it was made for; a stale or forged link changes nothing."""
    from django.core import signing

    refused = ApplicationError(
        _(
            "This unlock link is not valid any more. Wait until the lock ends, or ask your agency administrator."
        ),
        code="invalid_unlock_link",
    )
    try:
        user_id, until = signing.loads(token, salt=UNLOCK_SALT, max_age=UNLOCK_LINK_SECONDS)
        user_id, until = int(user_id), float(until)
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise refused from error
    with transaction.atomic():
        locked: User | None = (
            User.objects.select_for_update(of=("self",)).filter(pk=user_id, is_active=True).first()
        )
        if locked is None or locked.locked_until is None or locked.locked_until.timestamp() != until:
            raise refused
        locked.locked_until = None
        locked.failed_login_count = 0
        locked.save(update_fields=["locked_until", "failed_login_count"])
        audit_record(
            actor=None,
            action=AuditAction.SECURITY,
            obj=locked,
            agency=locked.agency,
            summary=f"user {locked.pk} unlocked through the e-mailed link",
        )
        security_log.info(
            "account unlocked by its owner's link: user %s", log_digest(locked.username, kind="username")
        )
    return locked


def user_is_locked(user: User) -> bool:
    return user.is_locked


# ---------------------------------------------------------------------------------------------------------
# Second factor: TOTP (RFC 6238) and recovery codes


def totp_enrolment_begin(*, user: User) -> str:
    """Gives the user a fresh secret to put in their authenticator app; it counts only once confirmed."""
    if user.has_totp:
        raise ApplicationError(_("Two-factor authentication is already set up."), code="totp_already_set")
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        user.save(update_fields=["totp_secret"])
    return user.totp_secret


def totp_provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)


def _totp_accept(user: User, code: str) -> bool:
    """Checks a 6-digit code and consumes its time step, so the same code never works twice."""
    code = "".join(code.split())
    if not user.totp_secret or len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(user.totp_secret)
    current = totp.timecode(timezone.now())
    for counter in range(current - TOTP_VALID_WINDOW, current + TOTP_VALID_WINDOW + 1):
        if counter <= user.totp_last_counter:
            continue
        if hmac.compare_digest(totp.generate_otp(counter), code):
            # Conditional update: of two concurrent requests with the same code, only one wins.
            won = User.objects.filter(pk=user.pk, totp_last_counter__lt=counter).update(
                totp_last_counter=counter
            )
            if won:
                user.totp_last_counter = counter
            return bool(won)
    return False


def _recovery_hash(user: User, code: str) -> str:
    normalised = "".join(code.lower().split()).replace("-", "")
    message = f"{user.pk}:{normalised}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _recovery_codes_new(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _index in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(alphabet) for _char in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=_recovery_hash(user, c)) for c in codes]
    )
    return codes


def totp_enrolment_confirm(*, user: User, code: str) -> list[str]:
    """Confirms the authenticator with a first code; returns the recovery codes, shown to the user once."""
    if user.has_totp:
        raise ApplicationError(_("Two-factor authentication is already set up."), code="totp_already_set")
    with transaction.atomic():
        if not _totp_accept(user, code):
            raise ApplicationError(
                _("The code is not valid. Check the time on your phone and try again."), code="invalid_code"
            )
        user.totp_confirmed_at = timezone.now()
        user.save(update_fields=["totp_confirmed_at"])
        codes = _recovery_codes_new(user)
        audit_record(
            actor=user, action=AuditAction.SECURITY, obj=user, summary=f"user {user.pk} enrolled in 2FA"
        )
    return codes


def second_factor_verify(*, user: User, code: str) -> str | None:
    """Checks a TOTP code or, failing that, an unused recovery code. Returns "totp", "recovery" or None."""
    if _totp_accept(user, code):
        return "totp"
    candidate = "".join(code.lower().split()).replace("-", "")
    if len(candidate) != 10:
        return None
    with transaction.atomic():
        used = RecoveryCode.objects.filter(
            user=user, code_hash=_recovery_hash(user, candidate), used_at__isnull=True
        ).update(used_at=timezone.now())
        if not used:
            return None
        audit_record(
            actor=user,
            action=AuditAction.SECURITY,
            obj=user,
            summary=f"user {user.pk} used a recovery code",
            changes={
                "recovery_codes_left": RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
            },
        )
    return "recovery"


def recovery_codes_regenerate(*, user: User, code: str, base_url: str | None = None) -> list[str]:
    """Replaces the recovery codes after checking a current authenticator code. A wrong code counts as a failed
    second factor (towards the account's lock), as at sign-in: a session left open must not let anyone try
    codes until one fits. `base_url` is where the unlock link points if this failure locks the account."""
    if not _totp_accept(user, code):
        sign_in_failure_record(user=user, stage="otp", base_url=base_url)
        raise ApplicationError(_("The code is not valid."), code="invalid_code")
    with transaction.atomic():
        codes = _recovery_codes_new(user)
        audit_record(
            actor=user,
            action=AuditAction.SECURITY,
            obj=user,
            summary=f"user {user.pk} generated new recovery codes",
        )
    return codes


def user_two_factor_reset(*, actor: User, user: User, base_url: str | None = None) -> User:
    """Removes a user's authenticator and recovery codes (lost phone).

    Their sessions and API tokens end, because they were opened with the factor that is being withdrawn. They
    enrol again only through the reset link e-mailed to them (sent after the commit when `base_url` is given):
    whoever knows the password alone must not be able to enrol their own authenticator.
    """
    with transaction.atomic():
        locked: User = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
        locked.totp_secret = ""
        locked.totp_confirmed_at = None
        locked.save(update_fields=["totp_secret", "totp_confirmed_at"])
        RecoveryCode.objects.filter(user=locked).delete()
        ended = user_sessions_end(user=locked)
        revoked = _api_tokens_end(user=locked, because="two_factor_reset")
        audit_record(
            actor=actor,
            action=AuditAction.SECURITY,
            obj=locked,
            agency=locked.agency,
            summary=f"user {locked.pk} 2FA reset",
            changes={"sessions_ended": ended, "tokens_revoked": revoked},
        )
        if base_url and locked.email and locked.kind == UserKind.PERSON:
            from sinergi.agencies.tasks import send_password_reset_email

            scheme, _sep, domain = base_url.partition("://")
            transaction.on_commit(
                lambda: send_password_reset_email.enqueue(
                    user_id=locked.pk, domain=domain, use_https=scheme == "https"
                )
            )
    return locked


# ---------------------------------------------------------------------------------------------------------
# API tokens


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_token_credential_fingerprint(user: User, *, secret: str | bytes | None = None) -> str:
    """A keyed hash of what `user` signs in with: their password hash (salted anew by every change, however it
    is made: profile, reset, Django's admin, `manage.py changepassword`) and their second factor's secret.

    A token carries the value of its creation and stops when the user's differs, so no path that changes a
    credential has to remember to revoke tokens. Keyed (SECRET_KEY), so the stored value reveals nothing
    about the password hash; the migration that added it fills it in for the tokens that existed.
    """
    return salted_hmac(
        "sinergi.agencies.api-token-credential",
        f"{user.pk}\0{user.password}\0{user.totp_secret}",
        secret=secret,
        algorithm="sha256",
    ).hexdigest()


def _api_token_credential_holds(token: ApiToken) -> bool:
    # SECRET_KEY_FALLBACKS as for sessions: rotating the key does not end every token at once.
    secrets_in_use = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return bool(token.credential_fingerprint) and any(
        hmac.compare_digest(
            token.credential_fingerprint, api_token_credential_fingerprint(token.user, secret=s)
        )
        for s in secrets_in_use
    )


def _api_token_expiry(
    *, actor: User | None, user: User, expires_at: datetime | None, no_expiry_reason: str
) -> datetime | None:
    """When a new token stops working: 90 days unless said otherwise, at most a year; "never" only for an
    integrated system, decided by a platform administrator who says why."""
    now = timezone.now()
    if no_expiry_reason:
        if user.kind != UserKind.SYSTEM:
            raise ApplicationError(
                _("Only an integrated system may hold a token without expiry."), code="no_expiry"
            )
        if actor is not None and not actor.is_superuser:
            raise ApplicationError(
                _("Only a platform administrator may create a token without expiry."), code="no_expiry"
            )
        return None
    if expires_at is None:
        return now + timedelta(days=TOKEN_DEFAULT_DAYS)
    if expires_at <= now:
        raise ApplicationError(_("The expiry date must be in the future."), code="invalid_expiry")
    # A day of slack so that "one year" chosen at 23:59 is not refused by a second.
    if expires_at > now + timedelta(days=TOKEN_MAX_DAYS + 1):
        raise ApplicationError(_("A token is valid for at most one year."), code="invalid_expiry")
    return expires_at


def _api_token_scopes(*, user: User, actor: User | None, scopes: list[str] | None) -> list[str] | None:
    """An integrated system's token created by a person names its scopes; a person's own token has none (it
    acts as its user). The command line (`actor=None`) may leave a system's token unscoped."""
    if scopes is None:
        if user.kind == UserKind.SYSTEM and actor is not None:
            raise ApplicationError(
                _("Choose what the integrated system may do with this token (its scopes)."),
                code="scopes_required",
            )
        return None
    if user.kind != UserKind.SYSTEM:
        raise ApplicationError(_("Only an integrated system's token has scopes."), code="invalid_scopes")
    chosen = sorted(set(scopes))
    if not chosen or any(scope not in ApiScope.values for scope in chosen):
        raise ApplicationError(_("Choose the scopes from the list."), code="invalid_scopes")
    return chosen


def api_token_create(
    *,
    user: User,
    name: str,
    actor: User | None = None,
    otp_code: str = "",
    expires_at: datetime | None = None,
    no_expiry_reason: str = "",
    scopes: list[str] | None = None,
    base_url: str | None = None,
) -> tuple[ApiToken, str]:
    """Creates a token and returns it with its secret, which is never stored and cannot be shown again.

    A person creating a token (for themselves or for an integrated system) confirms with a fresh code from
    their authenticator app: a session left open on a shared computer must not be enough to mint a credential
    that outlives it. `actor=None` is the command line (`manage.py`), run by whoever holds the server. A wrong
    code counts towards the actor's lock; `base_url` is where the unlock link points if it locks.
    """
    no_expiry_reason = no_expiry_reason.strip()
    scopes = _api_token_scopes(user=user, actor=actor, scopes=scopes)
    expires_at = _api_token_expiry(
        actor=actor, user=user, expires_at=expires_at, no_expiry_reason=no_expiry_reason
    )
    if actor is not None:
        if not actor.has_totp:
            raise ApplicationError(
                _("Set up two-factor authentication before you create an API token."),
                code="second_factor_required",
            )
        if not _totp_accept(actor, otp_code or ""):
            # Counted like a failed second factor at sign-in (towards the lock), for the same reason.
            sign_in_failure_record(user=actor, stage="otp", base_url=base_url)
            raise ApplicationError(
                _("Enter a current code from your authenticator app to create a token."),
                code="second_factor_required",
            )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=raw[:12],
        key_hash=_hash_token(raw),
        credential_fingerprint=api_token_credential_fingerprint(user),
        expires_at=expires_at,
        no_expiry_reason=no_expiry_reason,
        scopes=scopes,
    )
    token.full_clean()
    with transaction.atomic():
        token.save()
        audit_record(
            actor=actor,
            action=AuditAction.SECURITY,
            obj=token,
            agency=user.agency,
            summary=f"API token {token.pk} created for user {user.pk}",
            changes={
                "prefix": token.prefix,
                "expires_at": expires_at.isoformat() if expires_at else None,
                "no_expiry": bool(no_expiry_reason),
                "scopes": scopes,
            },
        )
    return token, raw


def _api_tokens_end(*, user: User, because: str) -> int:
    """Revokes every live token of `user` (inside the caller's transaction); returns how many."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_because=because
    )


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Stops a token from working, at once and for good."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = timezone.now()
        locked.revoked_because = "revoked"
        locked.save(update_fields=["revoked_at", "revoked_because"])
        audit_record(
            actor=actor,
            action=AuditAction.SECURITY,
            obj=locked,
            agency=locked.user.agency,
            summary=f"API token {locked.pk} of user {locked.user_id} revoked",
            changes={"prefix": locked.prefix},
        )
    return locked


def api_token_authenticate(*, raw: str) -> tuple[User | None, ApiToken | None]:
    """The user and token a bearer secret belongs to, or (None, None). A refusal is logged with its reason and
    the token's id (never the secret, nor anything of an unknown one); the caller is told only "invalid"."""
    token = ApiToken.objects.select_related("user", "user__agency").filter(key_hash=_hash_token(raw)).first()
    if token is None:
        security_log.warning("api token refused: unknown")
        return None, None
    reason = ""
    if token.revoked_at is not None:
        reason = "revoked"
    elif not token.is_valid:
        reason = "expired"
    elif not token.user.is_active:
        reason = "user disabled"
    elif not _api_token_credential_holds(token):
        reason = "credentials changed"
    elif token.user.agency is not None and not token.user.agency.is_active:
        reason = "agency closed"
    if reason:
        security_log.warning("api token refused: %s (token %s)", reason, token.pk)
        return None, None
    now = timezone.now()
    # Recording every use would write on every request; once a minute is enough to see a token is alive.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token
