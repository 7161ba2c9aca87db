"""Base class for pages over one record reached by an id in the address: the page twin of `core.api.viewsets`.

The record is looked up through `Model.objects.restrict(user, action)` before the handler runs (before the body
of a POST is read), so an id out of the reader's scope answers 404 exactly as an id that does not exist, and
a handler cannot reach the record any other way than `self.object`. Records named by a second id in the address
(the referral of a case) come through `scoped_child(queryset, url_kwarg)`, from a queryset that is itself a
`restrict()` (or a `CaseView` list built on one): again 404 when it is not there.

A subclass sets `model` (whose default manager has `restrict`) and `pk_url_kwarg`; `restrict_actions` maps an
HTTP method to the restrict() action it needs (GET/HEAD read "view", the others "change" unless told), and
`lookup_object(pk)` may be replaced by an app's own `access_<thing>_by_id`-style selector when it audits the
read or joins what the page shows, as long as that selector starts from `restrict()` too.

Every page view whose address takes an id derives from `RestrictedPageView` (or is named, with its reason, in
the short allow-list of `sinergi/core/tests/test_scoping.py`): a new view that forgets scoping fails that test.
Anonymous users are sent to the sign-in page, as `login_required` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponseBase
from django.views import View

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def pk_or_404(value: Any) -> int:
    """An id from the address as an int; anything else is a record that does not exist."""
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


class RestrictedObjectMixin:
    """Finds `self.object` through restrict(user, restrict_action()) before the handler runs; 404 otherwise."""

    model: Any = None
    pk_url_kwarg: str = "pk"
    # HTTP method -> the action restrict() understands ("view", "change", "manage", an app's own).
    restrict_actions: Mapping[str, str] = {}
    request: HttpRequest
    kwargs: dict[str, Any]
    http_method_names: list[str]

    def restrict_action(self) -> str:
        method = (self.request.method or "GET").upper()
        if method in self.restrict_actions:
            return self.restrict_actions[method]
        return "view" if method in READ_METHODS else "change"

    def get_queryset(self) -> Any:
        if self.model is None:
            raise NotImplementedError(f"{type(self).__name__} names no model to restrict()")
        return self.model._default_manager.restrict(self.request.user, self.restrict_action())

    def lookup_object(self, pk: int) -> Any:
        """The record with this id within the reader's scope, else Http404."""
        found = self.get_queryset().filter(pk=pk).first()
        if found is None:
            raise Http404
        return found

    def get_object(self) -> Any:
        if not hasattr(self, "_scoped_object"):
            self._scoped_object = self.lookup_object(pk_or_404(self.kwargs.get(self.pk_url_kwarg)))
        return self._scoped_object

    @property
    def object(self) -> Any:
        return self.get_object()

    def scoped_child(self, queryset: Any, url_kwarg: str) -> Any:
        """The record named by `url_kwarg` within `queryset` (a restrict() or a CaseView list), else Http404."""
        found = queryset.filter(pk=pk_or_404(self.kwargs.get(url_kwarg))).first()
        if found is None:
            raise Http404
        return found

    def check_role(self) -> None:
        """Raise PermissionDenied (403) when the reader's role does not allow this page at all, whatever the
        record: it runs before the lookup, so the answer never depends on whether the id exists."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # A method the view does not answer stays 405 (it tells nothing); any other finds its record first, so
        # a record out of scope is a 404 whatever the body holds, never a 400 that would say it exists.
        if (request.method or "").lower() in self.http_method_names:
            self.check_role()
            self.get_object()
        response: HttpResponseBase = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        return response


class RestrictedPageView(LoginRequiredMixin, RestrictedObjectMixin, View):
    """A signed-in page over one record in the reader's scope (`self.object`); 404 for any other id."""

    http_method_names = ["get", "head"]
