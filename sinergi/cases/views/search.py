"""Finding cases by a person (sinergi.cases.search). What is searched travels in the request body, never in an
address: a NIK or a victim's name must not end up in a browser history or a server log."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from sinergi.cases.access import VIEW_ROLES
from sinergi.cases.search import MAX_CASES, ROLE_CHOICES, case_person_search
from sinergi.core.session_memo import reads_only


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, NIK, phone or passport number"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(label=_("As"), choices=ROLE_CHOICES, required=False)


@reads_only
@login_required
@require_http_methods(["GET", "POST"])
def find_by_person(request):
    if not request.user.agency_id or not request.user.has_role(*VIEW_ROLES):
        raise PermissionDenied
    form = PersonSearchForm(request.POST if request.method == "POST" else None)
    result = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            result = case_person_search(
                user=request.user, query=form.cleaned_data["q"], role=form.cleaned_data.get("role") or ""
            )
            if result.error:
                form.add_error("q", result.error)
                status = 400
        else:
            status = 400
    return render(
        request, "cases/find.html", {"form": form, "result": result, "limit": MAX_CASES}, status=status
    )
