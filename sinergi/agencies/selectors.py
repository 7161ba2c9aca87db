"""Reads about agencies, users and their sessions. Every list starts from `restrict(user, action)`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from sinergi.agencies.choices import Role, UserKind
from sinergi.agencies.models import Agency, ApiToken, DeviceLockout, User

# Set in the session once the user has passed every factor this deployment requires at sign-in.
SESSION_OTP_VERIFIED = "sinergi_otp_verified"


def session_is_fully_authenticated(request: HttpRequest) -> bool:
    """True when the signed-in user has passed every factor this deployment requires."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if user.kind == UserKind.SYSTEM:
        return False  # integrated systems use API tokens, never a browser session
    if request.session.get(SESSION_OTP_VERIFIED):
        return True
    return not settings.SINERGI_REQUIRE_2FA and not user.has_totp


def two_factor_required_for(user: User) -> bool:
    """Whether this account must pass a second factor to sign in (always, once enrolled)."""
    return user.has_totp or settings.SINERGI_REQUIRE_2FA


def can_manage_users(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.AGENCY_ADMIN))


def can_edit_letter_settings(user: User, agency: Agency) -> bool:
    return user.is_authenticated and (
        user.is_superuser or (user.agency_id == agency.pk and user.has_role(Role.AGENCY_ADMIN))
    )


def agency_list(*, user: User, search: str = "", agency_type: str = "") -> QuerySet[Agency]:
    agencies = Agency.objects.restrict(user, "view").select_related("jurisdiction")
    if search:
        agencies = agencies.filter(Q(name__icontains=search) | Q(code__icontains=search))
    if agency_type:
        agencies = agencies.filter(type=agency_type)
    return agencies.order_by("name")


def access_agency(*, user: User, code: str, action: str = "view") -> Agency:
    """One agency by code, or 404 when it does not exist or is outside the user's scope."""
    agency: Agency | None = Agency.objects.restrict(user, action).filter(code=code).first()
    if agency is None:
        raise Http404
    return agency


def user_list(
    *, user: User, action: str = "view", search: str = "", agency: Agency | None = None
) -> QuerySet[User]:
    users: QuerySet[User] = (
        User.objects.restrict(user, action).select_related("agency").prefetch_related("roles")
    )
    if agency is not None:
        users = users.filter(agency=agency)
    if search:
        users = users.filter(
            Q(username__icontains=search) | Q(first_name__icontains=search) | Q(last_name__icontains=search)
        )
    return users.order_by("agency__name", "username")


def access_user(*, user: User, user_id: Any, action: str = "view") -> User:
    """One user, or 404 when they do not exist or belong to an agency the actor may not see or manage."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        raise Http404 from None
    found: User | None = (
        User.objects.restrict(user, action).select_related("agency").filter(pk=user_id).first()
    )
    if found is None:
        raise Http404
    return found


def api_token_list(*, owner: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=owner).order_by("-created_at")


def access_api_token(*, owner: User, token_id: Any) -> ApiToken:
    try:
        token_id = int(token_id)
    except (TypeError, ValueError):
        raise Http404 from None
    token = ApiToken.objects.select_related("user", "user__agency").filter(user=owner, pk=token_id).first()
    if token is None:
        raise Http404
    return token


def mail_reachable_users() -> QuerySet[User]:
    """The accounts a reset, invitation or unlock e-mail may go to: active staff, including those who never
    set a password (new accounts); never integrated systems."""
    users: QuerySet[User] = User.objects.filter(is_active=True, kind=UserKind.PERSON)
    return users


def password_reset_refusal(*, email: str) -> str | None:
    """Why a reset asked for `email` sends no mail ("unknown address", "account disabled", "integrated
    system"), or None when it sends one. For the security log only: the page answers the same either way."""
    if mail_reachable_users().filter(email__iexact=email).exists():
        return None
    kinds = set(User.objects.filter(email__iexact=email).values_list("kind", flat=True))
    if not kinds:
        return "unknown address"
    return "account disabled" if UserKind.PERSON in kinds else "integrated system"


def device_is_locked(*, nonce_hash: str) -> bool:
    """Whether the browser holding the device cookie with this nonce is locked out for now."""
    return DeviceLockout.objects.filter(nonce_hash=nonce_hash, locked_until__gt=timezone.now()).exists()
