"""Pages of data-sharing agreements: the list (both sides), a new draft, one agreement with sign and revoke.
Thin adapters over sinergi.exchange.agreements.services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sinergi.core.errors import ApplicationError
from sinergi.core.page_views import RestrictedPageView
from sinergi.exchange.agreements import access, selectors, services
from sinergi.exchange.agreements.forms import AgreementForm, RevokeForm
from sinergi.exchange.agreements.purposes import purpose_table
from sinergi.exchange.models import SharingAgreement


def _form_errors(form, exc: ValidationError) -> None:
    for name, problems in exc.message_dict.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


@login_required
def agreement_list(request):
    if not (access.may_read_agreements(request.user) or request.user.is_superuser):
        raise PermissionDenied
    agreements = selectors.agreement_list(user=request.user)
    context = {
        "agreements": agreements,
        "can_draft": access.may_draft_agreements(request.user),
        "agency_id": request.user.agency_id,
    }
    return render(request, "exchange/agreements/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_new(request):
    if not access.may_draft_agreements(request.user):
        raise PermissionDenied
    form = AgreementForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, _("The agreement was drafted. It grants nothing until another supervisor signs it.")
            )
            return redirect("exchange:agreement_detail", agreement_id=agreement.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "purposes": purpose_table()}
    return render(request, "exchange/agreements/new.html", context, status=status)


class _AgreementPage(RestrictedPageView):
    """A page over one agreement of the reader's agency (SharingAgreement.objects.restrict; 404 otherwise)."""

    model = SharingAgreement
    pk_url_kwarg = "agreement_id"

    def check_role(self) -> None:
        if not (access.may_read_agreements(self.request.user) or self.request.user.is_superuser):
            raise PermissionDenied

    def back(self):
        return redirect("exchange:agreement_detail", agreement_id=self.object.pk)


class AgreementDetailView(_AgreementPage):
    def get(self, request, agreement_id):
        agreement = self.object
        context = {
            "agreement": agreement,
            "can_sign": agreement.status == "draft" and access.may_sign(request.user, agreement),
            "can_revoke": agreement.status != "revoked" and access.may_revoke(request.user, agreement),
            "revoke_form": RevokeForm(),
        }
        return render(request, "exchange/agreements/detail.html", context)


class AgreementSignView(_AgreementPage):
    http_method_names = ["post"]

    def post(self, request, agreement_id):
        try:
            services.agreement_sign(actor=request.user, agreement=self.object)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The agreement is signed."))
        return self.back()


class AgreementRevokeView(_AgreementPage):
    http_method_names = ["post"]

    def post(self, request, agreement_id):
        form = RevokeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Say why the agreement is revoked."))
            return self.back()
        try:
            services.agreement_revoke(
                actor=request.user, agreement=self.object, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The agreement is revoked: from now on it grants nothing."))
        return self.back()


agreement_detail = AgreementDetailView.as_view()
agreement_sign = AgreementSignView.as_view()
agreement_revoke = AgreementRevokeView.as_view()
