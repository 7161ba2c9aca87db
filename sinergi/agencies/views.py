"""Agency directory, agency administration (platform administrator) and user management (agency administrators).

Thin adapters: permission by role here (403), scope through `restrict` in the selectors (404), writes in services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sinergi.agencies import selectors, services
from sinergi.agencies.choices import AgencyType, UserKind
from sinergi.agencies.forms import (
    AgencyForm,
    ApiTokenForm,
    LetterSettingsForm,
    SystemTokenForm,
    TokenScopesForm,
    UserForm,
)
from sinergi.agencies.models import User
from sinergi.core.errors import ApplicationError
from sinergi.core.page_views import RestrictedPageView


def _require_platform_admin(user) -> None:
    if not user.is_superuser:
        raise PermissionDenied


def _require_user_manager(user) -> None:
    if not selectors.can_manage_users(user):
        raise PermissionDenied


def _form_errors_from(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def index(request):
    """The agency directory: every signed-in user can find an agency to refer a case to."""
    search = request.GET.get("q", "").strip()[:100]
    agency_type = request.GET.get("type", "")
    if agency_type not in AgencyType.values:
        agency_type = ""
    agencies = selectors.agency_list(user=request.user, search=search, agency_type=agency_type)
    page = Paginator(agencies, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "search": search,
        "agency_type": agency_type,
        "types": AgencyType.choices,
        "can_manage_users": selectors.can_manage_users(request.user),
        "can_edit_letters": request.user.agency_id is not None
        and selectors.can_edit_letter_settings(request.user, request.user.agency),
    }
    return render(request, "agencies/index.html", context)


@login_required
def agency_create(request):
    _require_platform_admin(request.user)
    return _agency_form_page(request, agency=None)


@login_required
def agency_edit(request, code):
    _require_platform_admin(request.user)
    agency = selectors.access_agency(user=request.user, code=code, action="change")
    return _agency_form_page(request, agency=agency)


def _agency_form_page(request, *, agency):
    """The platform administrator's agency form (its callers check the role): a new agency (`agency` None) or
    an existing one."""
    form = AgencyForm(request.POST if request.method == "POST" else None, instance=agency)
    if request.method == "POST" and form.is_valid():
        try:
            if agency is None:
                created = services.agency_create(actor=request.user, **form.cleaned_data)
                done = _("Agency %(code)s created.") % {"code": created.code}
            else:
                services.agency_update(actor=request.user, agency=agency, **form.cleaned_data)
                done = _("Agency saved.")
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, done)
            return redirect("agencies:index")
    return render(request, "agencies/agency_form.html", {"form": form, "agency": agency})


@login_required
def letter_settings(request, code):
    """Letterhead, letter numbers and signatory: the agency's own administrator (or the platform's) keeps them."""
    agency = selectors.access_agency(user=request.user, code=code, action="view")
    if not selectors.can_edit_letter_settings(request.user, agency):
        raise PermissionDenied
    form = LetterSettingsForm(request.POST if request.method == "POST" else None, instance=agency)
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_update(actor=request.user, agency=agency, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Letter settings saved."))
            return redirect("agencies:letter_settings", code=agency.code)
    return render(request, "agencies/letter_settings.html", {"form": form, "agency": agency})


@login_required
def user_list(request):
    """The users of the administrator's own agency (every agency for the platform administrator)."""
    _require_user_manager(request.user)
    search = request.GET.get("q", "").strip()[:100]
    users = selectors.user_list(user=request.user, action="change", search=search)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "agencies/user_list.html", {"page": page, "search": search})


@login_required
def user_create(request):
    _require_user_manager(request.user)
    form = UserForm(request.POST if request.method == "POST" else None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agency = data.get("agency") or request.user.agency
        try:
            with transaction.atomic():
                user = services.user_create(
                    actor=request.user,
                    agency=agency,
                    username=data["username"],
                    kind=data["kind"],
                    roles=data["roles"],
                    password=data.get("password") or None,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    phone=data["phone"],
                )
                invited = False
                if user.kind == UserKind.PERSON and not data.get("password") and user.email:
                    services.user_invitation_send(user=user, base_url=request.build_absolute_uri("/")[:-1])
                    invited = True
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            message = _("User %(username)s created.") % {"username": user.username}
            if invited:
                message += " " + _("An e-mail with a link to choose a password has been sent.")
            messages.success(request, message)
            return redirect("agencies:user_detail", user_id=user.pk)
    return render(request, "agencies/user_form.html", {"form": form, "target": None})


class UserPageView(RestrictedPageView):
    """A page over one account: agency administrators (403 for anyone else, before the id is looked at), and
    only accounts of an agency they manage (`selectors.access_user`: User.objects.restrict + 404)."""

    http_method_names = ["post"]
    pk_url_kwarg = "user_id"
    restrict_actions = {"GET": "change", "HEAD": "change", "POST": "change"}

    def check_role(self) -> None:
        _require_user_manager(self.request.user)

    def lookup_object(self, pk: int) -> User:
        actor = self.request.user
        if not isinstance(actor, User):  # LoginRequiredMixin lets only signed-in users this far
            raise PermissionDenied
        return selectors.access_user(user=actor, user_id=pk, action=self.restrict_action())


class UserDetailView(UserPageView):
    http_method_names = ["get", "head"]

    def get(self, request, user_id):
        target = self.object
        context = {
            "target": target,
            "tokens": selectors.api_token_list(owner=target),
            "token_form": _system_token_form(request.user)(auto_id="id_token_%s"),
            "scopes_form": TokenScopesForm(auto_id="id_token_%s"),
        }
        return render(request, "agencies/user_detail.html", context)


user_detail = UserDetailView.as_view()


class UserEditView(UserPageView):
    http_method_names = ["get", "post", "head"]

    def get(self, request, user_id):
        target = self.object
        form = UserForm(
            request.POST if request.method == "POST" else None, actor=request.user, instance=target
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.user_update(
                    actor=request.user,
                    user=target,
                    roles=data["roles"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    phone=data["phone"],
                )
            except ValidationError as error:
                _form_errors_from(form, error)
            else:
                messages.success(request, _("User saved."))
                return redirect("agencies:user_detail", user_id=target.pk)
        return render(request, "agencies/user_form.html", {"form": form, "target": target})

    post = get


user_edit = UserEditView.as_view()


class UserActionView(UserPageView):
    """A button on the account's page: one service call, its outcome as a message, and back to the page."""

    def act(self, request, target: User) -> str:
        """Calls the service and returns the message that says it is done (ApplicationError: it was refused)."""
        raise NotImplementedError

    def post(self, request, user_id):
        target = self.object
        try:
            done = self.act(request, target)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
        return redirect("agencies:user_detail", user_id=target.pk)


class UserDisableView(UserActionView):
    def act(self, request, target: User) -> str:
        services.user_disable(actor=request.user, user=target)
        return _("The account is disabled and all its sessions have ended.")


user_disable = UserDisableView.as_view()


class UserEnableView(UserActionView):
    def act(self, request, target: User) -> str:
        services.user_enable(actor=request.user, user=target)
        return _("The account is enabled again.")


user_enable = UserEnableView.as_view()


class UserUnlockView(UserActionView):
    def act(self, request, target: User) -> str:
        services.user_unlock(actor=request.user, user=target)
        return _("The account is unlocked; the user can sign in again.")


user_unlock = UserUnlockView.as_view()


class UserTwoFactorResetView(UserActionView):
    def act(self, request, target: User) -> str:
        services.user_two_factor_reset(
            actor=request.user, user=target, base_url=request.build_absolute_uri("/")[:-1]
        )
        return _("Two-factor authentication was reset. The user was e-mailed a link to set it up again.")


user_two_factor_reset = UserTwoFactorResetView.as_view()


def _system_token_form(user):
    # Only a platform administrator is offered a token that never expires.
    return SystemTokenForm if user.is_superuser else ApiTokenForm


class UserTokenCreateView(UserPageView):
    """Tokens for integrated systems; staff create their own tokens on their profile."""

    def post(self, request, user_id):
        target = self.object
        if target.kind != UserKind.SYSTEM or not target.is_active:
            messages.error(request, _("Tokens are created here only for active integrated-system accounts."))
            return redirect("agencies:user_detail", user_id=target.pk)
        form = _system_token_form(request.user)(request.POST, auto_id="id_token_%s")
        scopes_form = TokenScopesForm(request.POST, auto_id="id_token_%s")
        if not form.is_valid():
            messages.error(request, _("Give the token a name, a validity and a current code from your app."))
            return redirect("agencies:user_detail", user_id=target.pk)
        if not scopes_form.is_valid():
            messages.error(
                request, _("Choose what the integrated system may do with this token (its scopes).")
            )
            return redirect("agencies:user_detail", user_id=target.pk)
        try:
            token, secret = services.api_token_create(
                user=target,
                name=form.cleaned_data["name"],
                expires_at=form.cleaned_data["expires_at"],
                no_expiry_reason=form.cleaned_data.get("no_expiry_reason", ""),
                otp_code=form.cleaned_data["otp_code"],
                actor=request.user,
                scopes=scopes_form.cleaned_data["scopes"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("agencies:user_detail", user_id=target.pk)
        continue_url = reverse("agencies:user_detail", args=[target.pk])
        return render(
            request,
            "agencies/token_created.html",
            {"token": token, "secret": secret, "continue_url": continue_url},
        )


user_token_create = UserTokenCreateView.as_view()


class UserTokenRevokeView(UserPageView):
    def post(self, request, user_id, token_id):
        target = self.object
        token = selectors.access_api_token(owner=target, token_id=token_id)
        services.api_token_revoke(actor=request.user, token=token)
        messages.success(request, _("The token has been revoked."))
        return redirect("agencies:user_detail", user_id=target.pk)


user_token_revoke = UserTokenRevokeView.as_view()
