"""Sign-in (password, then the second factor), enrolment, sign-out, password and profile pages.

A password alone never signs anyone in when a second factor is required: the session only remembers a
*pending* user for a few minutes, and `login()` is called once every required factor has been passed.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from sinergi.agencies import devices, selectors, services
from sinergi.agencies.forms import (
    SIGN_IN_FAILED,
    ApiTokenForm,
    EnrolForm,
    LanguageForm,
    LoginForm,
    OtpForm,
    PasswordResetForm,
)
from sinergi.agencies.models import RecoveryCode, User
from sinergi.agencies.selectors import SESSION_OTP_VERIFIED
from sinergi.core import throttle
from sinergi.core.crypto import log_digest
from sinergi.core.errors import ApplicationError
from sinergi.core.middleware import client_ip
from sinergi.core.redirects import safe_next_url

PENDING_USER = "sinergi_pending_user"
PENDING_BACKEND = "sinergi_pending_backend"
PENDING_SINCE = "sinergi_pending_since"
PENDING_NEXT = "sinergi_pending_next"
# The nonce hash of the device cookie the password step was passed with, if any (agencies/devices.py).
PENDING_DEVICE = "sinergi_pending_device"
# Set by the one-time invitation or reset link: the only way into a first enrolment of the second factor.
ENROL_GRANT = "sinergi_enrol_grant"
# Time allowed between the password and the second factor.
PENDING_SECONDS = 5 * 60
# Per-client limits on the sign-in steps are counted over this window.
SIGN_IN_WINDOW = timedelta(minutes=15)

security_log = logging.getLogger("sinergi.security")


def _base_url(request) -> str:
    return request.build_absolute_uri("/")[:-1]


def _client_throttled(request, scope: str, limit: int) -> bool:
    """True (and logged, without the address) when this client has made too many attempts at `scope`."""
    if throttle.allow(scope, client_ip(request), limit=limit, window=SIGN_IN_WINDOW):
        return False
    security_log.warning("throttled: %s", scope)
    return True


TOO_MANY_CODES = gettext_lazy(
    "Too many codes were tried from your network. Wait 15 minutes and try again, or ask your agency "
    "administrator."
)
TOO_MANY_ATTEMPTS = gettext_lazy(
    "Too many sign-in attempts from your network. Wait 15 minutes and try again, or ask your agency "
    "administrator."
)


def _safe_next(request, candidate: str | None) -> str:
    return safe_next_url(request, candidate, reverse(settings.LOGIN_REDIRECT_URL))


def _clear_pending(request) -> None:
    for key in (PENDING_USER, PENDING_BACKEND, PENDING_SINCE, PENDING_NEXT, PENDING_DEVICE):
        request.session.pop(key, None)


def _pending_user(request) -> User | None:
    """The user who gave the right password but has not passed the second factor yet, if any."""
    if request.user.is_authenticated:
        # A session signed in without the verified flag (see AccountStateMiddleware) finishes here too.
        return None if selectors.session_is_fully_authenticated(request) else request.user
    user_id = request.session.get(PENDING_USER)
    since = request.session.get(PENDING_SINCE, 0)
    if not user_id or time.time() - since > PENDING_SECONDS:
        _clear_pending(request)
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or (services.user_is_locked(user) and _pending_device(request) is None):
        _clear_pending(request)
        return None
    return user


def _pending_device(request) -> str | None:
    """The trusted browser the pending sign-in came from, while its device cookie is not locked."""
    device = request.session.get(PENDING_DEVICE)
    if device is None or selectors.device_is_locked(nonce_hash=device):
        return None
    return str(device)


def _complete_sign_in(request, user: User, *, next_url: str | None = None, device: str | None = None):
    """Both factors passed (or the second one is not required): open the real session, and trust this browser
    for the account from now on (its device cookie). `device` is the cookie the sign-in was made with."""
    next_url = next_url or request.session.get(PENDING_NEXT)
    if request.user.is_authenticated:
        request.session.cycle_key()
    else:
        backend = request.session.get(PENDING_BACKEND) or settings.AUTHENTICATION_BACKENDS[0]
        _clear_pending(request)
        login(request, user, backend=backend)
    _clear_pending(request)
    request.session[SESSION_OTP_VERIFIED] = True
    request.session.save()
    services.user_session_record(
        user=user,
        session_key=request.session.session_key,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    services.sign_in_record(user=user, device=device)
    response = HttpResponseRedirect(_safe_next(request, next_url))
    _apply_language(response, user.preferred_language)
    devices.device_cookie_set(response, user=user)
    return response


def _apply_language(response, language: str) -> None:
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request):
    if request.user.is_authenticated and selectors.session_is_fully_authenticated(request):
        return redirect(_safe_next(request, request.GET.get("next")))
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    form = LoginForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and _client_throttled(request, "login_ip", settings.SINERGI_LOGIN_PER_IP):
        form.is_valid()
        form.add_error(None, TOO_MANY_ATTEMPTS)
        return render(request, "agencies/login.html", {"form": form, "next": next_url}, status=429)
    if request.method == "POST" and not form.is_valid():
        form.add_error(None, SIGN_IN_FAILED)
    elif request.method == "POST":
        device = devices.trusted_device(request, username=form.cleaned_data["username"])
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            trusted_device=device,
        )
        if user is None:
            form.add_error(None, SIGN_IN_FAILED)
        elif not selectors.two_factor_required_for(user):
            return _complete_sign_in(request, user, next_url=next_url, device=device)
        elif not user.has_totp and request.session.get(ENROL_GRANT) != user.pk:
            # The password alone must not let whoever knows it enrol their own authenticator.
            form.add_error(
                None,
                _(
                    "Two-factor authentication is not set up for this account yet. Open the link in your "
                    "invitation e-mail, or ask for a new link with “Forgot your password?”."
                ),
            )
        else:
            if request.user.is_authenticated:
                logout(request)
            request.session.cycle_key()
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_BACKEND] = user.backend
            request.session[PENDING_SINCE] = time.time()
            request.session[PENDING_NEXT] = next_url
            request.session[PENDING_DEVICE] = device
            step = "accounts:two_factor" if user.has_totp else "accounts:two_factor_setup"
            return redirect(step)
    return render(request, "agencies/login.html", {"form": form, "next": next_url})


@csrf_protect
@never_cache
def two_factor(request):
    """Second step of sign-in: a code from the authenticator app, or a recovery code."""
    if request.user.is_authenticated and selectors.session_is_fully_authenticated(request):
        return redirect(_safe_next(request, request.GET.get("next")))
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Please sign in again."))
        return redirect("accounts:login")
    if not user.has_totp:
        return redirect("accounts:two_factor_setup")
    form = OtpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and _client_throttled(request, "otp_ip", settings.SINERGI_OTP_PER_IP):
        form = OtpForm({})
        form.is_valid()
        form.add_error(None, TOO_MANY_ATTEMPTS)
        return render(request, "agencies/two_factor.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        # Read before the sign-in completes, which forgets the pending state.
        device = _pending_device(request)
        method = services.second_factor_verify(user=user, code=form.cleaned_data["otp_code"])
        if method is not None:
            if method == "recovery":
                left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code. %(left)s codes are left; make new ones on your profile."
                    )
                    % {"left": left},
                )
            return _complete_sign_in(request, user, next_url=request.GET.get("next"), device=device)
        if services.sign_in_failure_record(
            user=user, stage="otp", base_url=_base_url(request), device=device
        ):
            _clear_pending(request)
            if request.user.is_authenticated:
                logout(request)
            messages.error(request, SIGN_IN_FAILED)
            return redirect("accounts:login")
        form.add_error("otp_code", _("The code is not valid."))
    return render(request, "agencies/two_factor.html", {"form": form})


def _qr_data_uri(uri: str) -> str:
    return segno.make(uri, error="m").svg_data_uri(scale=4, border=2)


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@csrf_protect
@never_cache
def two_factor_setup(request):
    """Enrol an authenticator app: scan the QR code (or type the key), then confirm with a first code."""
    pending = _pending_user(request)
    if pending is not None:
        user = pending
    elif request.user.is_authenticated:
        user = request.user
    else:
        return redirect("accounts:login")
    if user.has_totp:
        return redirect("accounts:profile" if pending is None else "accounts:two_factor")
    if pending is not None and request.session.get(ENROL_GRANT) != user.pk:
        messages.error(
            request,
            _(
                "To set up two-factor authentication, open the link in your invitation or password-reset e-mail."
            ),
        )
        _clear_pending(request)
        if request.user.is_authenticated:
            logout(request)
        return redirect("accounts:login")
    secret = services.totp_enrolment_begin(user=user)
    form = EnrolForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_enrolment_confirm(user=user, code=form.cleaned_data["otp_code"])
        except ApplicationError as error:
            form.add_error("otp_code", error.message)
        else:
            request.session.pop(ENROL_GRANT, None)
            signed_in = None
            if pending is not None:
                signed_in = _complete_sign_in(request, user, device=_pending_device(request))
                continue_url = signed_in["Location"]
            else:
                request.session[SESSION_OTP_VERIFIED] = True
                continue_url = reverse("accounts:profile")
            response = render(
                request, "agencies/recovery_codes.html", {"codes": codes, "continue_url": continue_url}
            )
            _apply_language(response, user.preferred_language)
            if signed_in is not None:
                response.cookies.update(signed_in.cookies)  # the device cookie (and the language's)
            return response
    context = {
        "form": form,
        "qr": _qr_data_uri(services.totp_provisioning_uri(user)),
        "secret": _grouped(secret),
        "pending": pending is not None,
    }
    return render(request, "agencies/two_factor_setup.html", context)


def _codes_throttled(request):
    """The profile page answering 429 when this client has tried too many authenticator codes (new recovery
    codes, a new token), like the sign-in's second step; None otherwise."""
    if not _client_throttled(request, "otp_ip", settings.SINERGI_OTP_PER_IP):
        return None
    messages.error(request, TOO_MANY_CODES)
    response = profile(request)
    response.status_code = 429
    return response


def _code_refused(request, error: ApplicationError):
    """After a wrong code in an open session: the message, and if that code locked the account, the session
    ends too (whoever tries codes in it is not let on trying once the lock is lifted). A lock caused by
    sign-in attempts elsewhere leaves the owner's open sessions alone: that would hand a lock-out to anyone."""
    request.user.refresh_from_db(fields=["locked_until"])
    if request.user.is_locked:
        logout(request)
        messages.error(
            request, _("Too many wrong codes: the account is locked for a while. Sign in again later.")
        )
        return redirect("accounts:login")
    messages.error(request, error.message)
    return redirect("accounts:profile")


@require_POST
@login_required
def recovery_codes_regenerate(request):
    refused = _codes_throttled(request)
    if refused is not None:
        return refused
    form = EnrolForm(request.POST)
    if form.is_valid():
        try:
            codes = services.recovery_codes_regenerate(
                user=request.user, code=form.cleaned_data["otp_code"], base_url=_base_url(request)
            )
        except ApplicationError as error:
            return _code_refused(request, error)
        else:
            return render(
                request,
                "agencies/recovery_codes.html",
                {"codes": codes, "continue_url": reverse("accounts:profile")},
            )
    else:
        messages.error(request, _("The code is not valid."))
    return redirect("accounts:profile")


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        services.sign_out_record(user=request.user, session_key=request.session.session_key)
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "agencies/password_change.html"
    success_url = reverse_lazy("accounts:profile")
    form_class = PasswordChangeForm

    def form_valid(self, form):
        old_key = self.request.session.session_key
        ended = services.user_password_change(
            user=self.request.user, new_password=form.cleaned_data["new_password1"], keep_session_key=old_key
        )
        update_session_auth_hash(self.request, self.request.user)
        services.user_session_rekey(old_key=old_key, new_key=self.request.session.session_key)
        message = _("Your password has been changed.")
        if ended:
            message += " " + _("You were signed out everywhere else.")
        messages.success(self.request, message)
        return HttpResponseRedirect(self.get_success_url())


def _reset_refused(request, reason: str, email: str | None) -> None:
    """One line in the security log for a reset request that sends no mail, with keyed hashes of the address
    asked for and of the client: who probes or floods can be followed without the log holding either."""
    security_log.warning(
        "password reset refused: %s (address %s, client %s)",
        reason,
        log_digest(email, kind="email"),
        log_digest(client_ip(request), kind="client"),
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Answers the same whether or not the address belongs to someone, so it cannot be used to probe; limited
    per address asked for and per client address, so it cannot be used to flood a mailbox either. Every
    request that sends nothing is logged (`_reset_refused`), the reason in the log only."""

    template_name = "agencies/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")
    form_class = PasswordResetForm

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        window = timedelta(hours=1)
        if not throttle.allow(
            "password_reset_ip", client_ip(self.request), limit=settings.SINERGI_RESET_PER_IP, window=window
        ):
            return self._too_many(form, email, "throttled per client")
        if not throttle.allow(
            "password_reset_email", email, limit=settings.SINERGI_RESET_PER_EMAIL, window=window
        ):
            return self._too_many(form, email, "throttled per address")
        reason = selectors.password_reset_refusal(email=email)
        if reason is not None:
            _reset_refused(self.request, reason, email)
        return super().form_valid(form)

    def form_invalid(self, form):
        _reset_refused(self.request, "invalid input", None)
        return super().form_invalid(form)

    def _too_many(self, form, email: str, reason: str):
        _reset_refused(self.request, reason, email)
        form.add_error(
            None,
            _(
                "Too many requests to reset a password. Try again in an hour, or ask your agency administrator."
            ),
        )
        return self.render_to_response(self.get_context_data(form=form), status=429)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "agencies/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Sets the new password, ends every session, and does not sign in: the second factor still applies."""

    template_name = "agencies/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        services.user_password_reset_complete(user=user)
        if selectors.two_factor_required_for(user) and not user.has_totp:
            # The one-time link proved the mailbox: it, not the password alone, opens the first enrolment.
            request = self.request
            request.session.cycle_key()
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_BACKEND] = settings.AUTHENTICATION_BACKENDS[0]
            request.session[PENDING_SINCE] = time.time()
            request.session[PENDING_NEXT] = ""
            request.session[ENROL_GRANT] = user.pk
            return redirect("accounts:two_factor_setup")
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "agencies/password_reset_complete.html"


@login_required
def profile(request):
    """The user's own page: language, second factor, API tokens."""
    user = request.user
    language_form = LanguageForm(initial={"preferred_language": user.preferred_language})
    context = {
        "language_form": language_form,
        "token_form": ApiTokenForm(auto_id="id_token_%s"),
        "tokens": selectors.api_token_list(owner=user),
        "recovery_left": RecoveryCode.objects.filter(user=user, used_at__isnull=True).count(),
        "enrol_form": EnrolForm(),
        "sessions": user.sessions.order_by("-created_at")[:10],
        "current_session": request.session.session_key,
    }
    return render(request, "agencies/profile.html", context)


@require_POST
@login_required
def profile_language(request):
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown language."))
        return redirect("accounts:profile")
    try:
        services.user_language_set(user=request.user, language=form.cleaned_data["preferred_language"])
    except ValidationError:
        messages.error(request, _("Unknown language."))
        return redirect("accounts:profile")
    response = redirect("accounts:profile")
    _apply_language(response, request.user.preferred_language)
    messages.success(request, _("Language saved."))
    return response


@require_POST
@login_required
def profile_token_create(request):
    refused = _codes_throttled(request)
    if refused is not None:
        return refused
    form = ApiTokenForm(request.POST, auto_id="id_token_%s")
    if form.is_valid():
        try:
            token, secret = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_at=form.cleaned_data["expires_at"],
                otp_code=form.cleaned_data["otp_code"],
                actor=request.user,
                base_url=_base_url(request),
            )
        except ApplicationError as error:
            return _code_refused(request, error)
        else:
            return render(
                request,
                "agencies/token_created.html",
                {"token": token, "secret": secret, "continue_url": reverse("accounts:profile")},
            )
    else:
        messages.error(request, _("Give the token a name, a validity and a current code from your app."))
    return redirect("accounts:profile")


@require_POST
@login_required
def profile_token_revoke(request, token_id):
    token = selectors.access_api_token(owner=request.user, token_id=token_id)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:profile")


@csrf_protect
@never_cache
def unlock(request, token):
    """The link e-mailed when an account locks: a button (POST), so a mail scanner's visit unlocks nothing."""
    if request.method == "POST":
        try:
            services.user_unlock_by_link(token=token)
        except ApplicationError as error:
            return render(request, "agencies/unlock.html", {"error": error.message}, status=400)
        messages.success(request, _("The lock is lifted. You can sign in now."))
        return redirect("accounts:login")
    return render(request, "agencies/unlock.html", {})


@require_POST
def language_switch(request):
    """The header's language buttons: Django's set_language, and for a signed-in user also the stored
    preference, so that the next sign-in, e-mails and notifications use the language just chosen."""
    from django.views.i18n import set_language

    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_language_set(user=request.user, language=language)
    return response
