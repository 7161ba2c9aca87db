"""An API class over records that hold case or person data scopes through the base classes of
core.api.viewsets, or it is named here with the reason it may not: a new class that forgets fails this test."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from sinergi.core.api.viewsets import RestrictedQuerysetMixin

# Classes that scope through selectors of their own (each a restrict()-based selector), not through the base.
# Shrink this list; never grow it without a reason written beside the name.
SCOPED_BY_SELECTORS = {
    "PersonViewSet": "people.selectors.person_list/person_get start from Person.objects.restrict",
}
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
