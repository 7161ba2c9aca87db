"""Scoping cannot be forgotten: an API class over records that hold case or person data derives from the base
classes of core.api.viewsets, and every page or API view whose address takes an id derives from
core.page_views.RestrictedPageView or core.api.viewsets (restrict() + 404), or it is named in the short
allow-list below with the reason it may not. A new view that forgets fails this test, not a review."""

from __future__ import annotations

import re

from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from sinergi.core.api.viewsets import RestrictedQuerysetMixin
from sinergi.core.page_views import RestrictedObjectMixin

# API classes over case or person data that scope through selectors of their own, not through the base.
# Shrink this list; never grow it without a reason written beside the name.
SCOPED_BY_SELECTORS: dict[str, str] = {}

# Views whose address takes an id but that are not on a restricted base, each with why.
# Shrink this list; never grow it without a reason written beside the name.
ID_VIEWS_ALLOWED = {
    # A user's own API token: looked up among request.user's tokens only (agencies.selectors), no case data.
    "sinergi.agencies.account_views.profile_token_revoke": "the signed-in user's own tokens only",
    # Agencies and regions are the public directory every signed-in user may read (no case or person data).
    "sinergi.agencies.api.views.AgencyViewSet": "the agency directory, open to every signed-in user",
    "sinergi.regions.api.views.RegionViewSet": "the Kemendagri region list, reference data",
    # Accounts through the API: User.objects.restrict in agencies.selectors (agency administrators only).
    "sinergi.agencies.api.views.UserViewSet": "agencies.selectors.user_list/access_user start from restrict",
    # The exchange helper owns these pages (imports, duplicates, subscriptions); each reads through a selector
    # that starts from ImportBatch/Subscription/DuplicatePair scope. To move onto the base in the exchange work.
    "sinergi.exchange.views.import_detail": "selectors.import_get (ImportBatch.objects.restrict + 404)",
    "sinergi.exchange.views.import_sheet": "selectors.import_get (ImportBatch.objects.restrict + 404)",
    "sinergi.exchange.views.import_mapping": "selectors.import_get (ImportBatch.objects.restrict + 404)",
    "sinergi.exchange.views.import_start": "selectors.import_get (ImportBatch.objects.restrict + 404)",
    "sinergi.exchange.views.import_discard": "selectors.import_get (ImportBatch.objects.restrict + 404)",
    "sinergi.exchange.views.subscription_stop": "events.subscription_deactivate scopes by Subscription.restrict",
    "sinergi.exchange.duplicates.views.pair_decide": "duplicates.services scope the pair to the importer",
    "sinergi.exchange.duplicates.views.pair_undo": "duplicates.services scope the pair to the importer",
}
# An address "takes an id" when it captures `pk` or a name ending in `_id`.
ID_KWARG = re.compile(r"^(pk|.+_id)$")
# Apps whose models hold case or person data (UU PDP 27/2022, UU 21/2007 art. 44).
DATA_APPS = {"cases", "people"}


def _api_classes():
    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                cls = getattr(pattern.callback, "cls", None)
                if cls is not None:
                    yield cls

    return {cls for cls in walk(get_resolver().url_patterns) if cls.__module__.startswith("sinergi.")}


def _id_views():
    """(route, dotted name, view class or None) of every view whose address captures an id."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                names = set(pattern.pattern.regex.groupindex)
                if any(ID_KWARG.match(name) for name in names):
                    yield prefix + str(pattern.pattern), pattern.callback

    for route, callback in walk(get_resolver().url_patterns):
        if not callback.__module__.startswith("sinergi."):
            continue
        cls = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        name = f"{callback.__module__}.{cls.__name__ if cls is not None else callback.__name__}"
        yield route, name, cls


def _is_scoped(cls) -> bool:
    return cls is not None and (
        issubclass(cls, RestrictedObjectMixin) or issubclass(cls, RestrictedQuerysetMixin)
    )


def test_every_view_taking_an_id_is_on_a_restricted_base():
    unscoped = sorted(
        {f"{name} ({route})" for route, name, cls in _id_views() if not _is_scoped(cls)}
        - {f"{name} ({route})" for route, name, cls in _id_views() if name in ID_VIEWS_ALLOWED}
    )
    assert unscoped == [], (
        "derive these from core.page_views.RestrictedPageView (pages) or core.api.viewsets (API), "
        "or name them in ID_VIEWS_ALLOWED with the reason: " + "; ".join(unscoped)
    )


def test_the_allow_list_names_only_views_that_exist_and_still_need_it():
    seen = {name: cls for _route, name, cls in _id_views()}
    stale = [name for name in ID_VIEWS_ALLOWED if name not in seen or _is_scoped(seen[name])]
    assert stale == [], "remove from ID_VIEWS_ALLOWED: " + ", ".join(stale)


def test_the_case_people_and_detection_pages_are_on_the_page_base():
    pages = {name: cls for route, name, cls in _id_views() if not route.startswith("api/")}
    for prefix in ("sinergi.cases.views.", "sinergi.people.views.", "sinergi.detection.views."):
        mine = {name: cls for name, cls in pages.items() if name.startswith(prefix)}
        assert mine, prefix
        for name, cls in mine.items():
            assert cls is not None and issubclass(cls, RestrictedObjectMixin), name


def test_a_view_that_forgets_scoping_is_caught():
    """The walk above sees through as_view(): a plain function or a plain View taking an id is unscoped."""
    from django.views import View

    class Forgetful(View):
        def get(self, request, case_id):
            raise AssertionError("never called")

    def forgetful(request, case_id):
        raise AssertionError("never called")

    assert not _is_scoped(getattr(Forgetful.as_view(), "view_class", None))
    assert not _is_scoped(getattr(forgetful, "view_class", None))


def test_the_page_base_answers_404_before_the_handler_for_an_id_out_of_scope(db):
    """restrict() decides: another agency's case is a 404 like a missing one, and the handler never runs."""
    from django.http import Http404

    from sinergi.agencies.choices import AgencyType, Role
    from sinergi.cases import services
    from sinergi.cases.models import Case
    from sinergi.core.page_views import RestrictedPageView
    from sinergi.core.testing.factories import AgencyFactory, UserFactory

    lead = UserFactory(agency=AgencyFactory(type=AgencyType.BP3MI), roles=[Role.CASE_WORKER])
    outsider = UserFactory(agency=AgencyFactory(type=AgencyType.POLRI), roles=[Role.INVESTIGATOR])
    case = services.case_intake(
        actor=lead, intake_channel="HOTLINE", narrative="Direkrut ke Kamboja.", destination_country="KH"
    )
    calls = []

    class Probe(RestrictedPageView):
        model = Case
        pk_url_kwarg = "case_id"
        http_method_names = ["post"]

        def post(self, request, case_id):
            calls.append((request.user.pk, self.object.pk))
            return HttpResponse("ok")

    def answer(user, case_id):
        request = RequestFactory().post(f"/cases/{case_id}/probe/", {"text": "anything"})
        request.user = user
        try:
            return Probe.as_view()(request, case_id=case_id).status_code
        except Http404:
            return 404

    assert [answer(outsider, case.pk), answer(outsider, case.pk + 1000), answer(outsider, "x")] == [404] * 3
    assert calls == []
    assert answer(lead, case.pk) == 200
    assert calls == [(lead.pk, case.pk)]


def _data_model(cls):
    model = getattr(cls, "model", None)
    if model is None:
        queryset = getattr(cls, "queryset", None)
        model = getattr(queryset, "model", None)
    return model


def test_every_api_class_over_case_or_person_data_scopes_through_restrict():
    unscoped = []
    for cls in _api_classes():
        model = _data_model(cls)
        app = cls.__module__.split(".")[1]
        if app not in DATA_APPS and (model is None or model._meta.app_label not in DATA_APPS):
            continue
        if issubclass(cls, RestrictedQuerysetMixin) or cls.__name__ in SCOPED_BY_SELECTORS:
            continue
        unscoped.append(f"{cls.__module__}.{cls.__name__}")
    assert unscoped == [], "derive these from core.api.viewsets: " + ", ".join(sorted(unscoped))


def test_the_cases_api_is_on_the_base_classes():
    names = {cls.__name__ for cls in _api_classes() if cls.__module__ == "sinergi.cases.api.views"}
    assert names >= {"CaseViewSet", "ReferralViewSet", "TaskViewSet", "PartyViewSet", "DocumentDownloadView"}
    for cls in _api_classes():
        if cls.__module__ == "sinergi.cases.api.views":
            assert issubclass(cls, RestrictedQuerysetMixin), cls.__name__
