"""The permission matrix, written once: every view and endpoint is tried as each kind of user.

For one request (URL, method, data) the helper signs in as each user in turn, sends the request and asserts the
status, and for every *denied* user also asserts that nothing changed: a snapshot taken just before the request
must equal the one taken just after. The default snapshot covers the audit trail and the e-mail outbox; pass
your own callable (or build one with `db_snapshot`) for the rows the request could touch.

Anonymous requests are always tried first: a page must redirect to the login page, an API endpoint must answer
401 in the uniform error format. Allowed users are tried last, once each, in the order given, because their
request may change the data (the snapshot is not compared for them).

Example (a page)::

    from sinergi.core.testing.permissions import assert_permission_matrix, db_snapshot

    def test_disable_user_matrix(client, agency_admin, case_worker, other_agency):
        target = UserFactory(agency=agency_admin.agency)
        other_admin = UserFactory(agency=other_agency, roles=[Role.AGENCY_ADMIN])
        assert_permission_matrix(
            client,
            url=reverse("agencies:user_disable", args=[target.pk]),
            method="post",
            denied=[(case_worker, 403), (other_admin, 404)],
            allowed=[(agency_admin, 302)],
            snapshot=db_snapshot(User.objects.filter(pk=target.pk), UserRole),
        )
        target.refresh_from_db()
        assert not target.is_active

Example (an API endpoint, once through the session and once with a bearer token)::

    for via in ("session", "token"):
        assert_permission_matrix(
            client,
            url=f"/api/v1/users/{target.pk}/",
            method="patch",
            data={"first_name": "Budi"},
            api=True,
            via=via,
            denied=[(case_worker, 403), (other_admin, 404)],
            snapshot=db_snapshot(User.objects.filter(pk=target.pk)),
        )
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import mail
from django.db import models
from django.shortcuts import resolve_url

__all__ = ["assert_permission_matrix", "db_snapshot", "sign_in"]


def sign_in(client, user):
    """Signs a test client in with both factors, as if the user had entered a valid TOTP code."""
    from sinergi.agencies.selectors import SESSION_OTP_VERIFIED

    client.force_login(user)
    session = client.session
    session[SESSION_OTP_VERIFIED] = True
    session.save()
    return client


def db_snapshot(*sources, audit: bool = True, outbox: bool = True) -> Callable[[], tuple]:
    """Builds a snapshot callable from models (row count), querysets (every row's values) and callables.

    A queryset catches edits as well as inserts and deletes: `User.objects.filter(pk=target.pk)` snapshots
    every column of that user. The audit trail's length and the e-mail outbox are included unless turned off.
    """

    def take() -> tuple:
        values: list[Any] = []
        for source in sources:
            if isinstance(source, type) and issubclass(source, models.Model):
                values.append((source._meta.label, source._default_manager.count()))
            elif isinstance(source, models.QuerySet):
                rows = source.order_by("pk").values()
                values.append((source.model._meta.label, [sorted(row.items()) for row in rows]))
            elif callable(source):
                values.append(source())
            else:
                raise TypeError(f"cannot snapshot {source!r}")
        values.extend(_default_snapshot(audit=audit, outbox=outbox))
        return tuple(values)

    return take


def _default_snapshot(*, audit: bool = True, outbox: bool = True) -> list:
    values: list[Any] = []
    if audit:
        from sinergi.audit.models import AuditEntry

        values.append(("audit", AuditEntry.objects.count()))
    if outbox:
        values.append(("outbox", len(getattr(mail, "outbox", []))))
    return values


def _send(client, *, url, method, data, api, headers):
    method = method.lower()
    if api and method != "get":
        body = json.dumps(data) if data is not None else ""
        return client.generic(method.upper(), url, body, content_type="application/json", headers=headers)
    sender = getattr(client, method)
    if data is None:
        return sender(url, headers=headers)
    return sender(url, data, headers=headers)


def _label(user) -> str:
    if user is None:
        return "anonymous"
    roles = ",".join(sorted(getattr(user, "role_codes", []))) or "no role"
    agency = getattr(getattr(user, "agency", None), "code", None) or "no agency"
    return f"{user.username} ({roles}; {agency})"


def _authenticate(client, user, *, via: str) -> dict:
    client.logout()
    if via == "token":
        from sinergi.agencies.services import api_token_create

        _, raw = api_token_create(user=user, name="permission matrix")
        return {"Authorization": f"Bearer {raw}"}
    sign_in(client, user)
    return {}


def _assert_anonymous(response, *, api: bool, url: str) -> None:
    if api:
        assert response.status_code == 401, f"anonymous {url}: expected 401, got {response.status_code}"
        body = response.json()
        assert body["error"]["code"] in ("not_authenticated", "authentication_failed"), body
        return
    assert response.status_code == 302, f"anonymous {url}: expected a redirect, got {response.status_code}"
    login_path = urlsplit(resolve_url(settings.LOGIN_URL)).path
    location = urlsplit(response["Location"]).path
    assert location == login_path, f"anonymous {url}: redirected to {location}, not to {login_path}"


def assert_permission_matrix(
    client,
    *,
    url: str,
    method: str = "get",
    data: dict | None = None,
    api: bool = False,
    via: str = "session",
    anonymous: bool = True,
    denied: Iterable[tuple[Any, int]] = (),
    allowed: Iterable[tuple[Any, int]] = (),
    snapshot: Callable[[], Any] | None = None,
    headers: dict | None = None,
) -> dict:
    """Asserts the status each user gets for one request, and that denied requests change nothing.

    `denied` and `allowed` are `(user, expected_status)` pairs. `via` is "session" (both factors passed) or
    "token" (a fresh API token for each user, sent as a bearer token; `api=True` only). `headers` are sent with
    every request (e.g. `{"HX-Request": "true"}` for an HTMX fragment). Returns the responses of the allowed
    users, keyed by username, for further assertions.
    """
    assert via in ("session", "token"), via
    assert api or via == "session", "tokens authenticate API requests only"
    take = snapshot or db_snapshot()
    cases = [(None, None)] if anonymous else []
    cases += [(user, status) for user, status in denied]
    extra = dict(headers or {})
    for user, expected in cases:
        sent = extra | ({} if user is None else _authenticate(client, user, via=via))
        if user is None:
            client.logout()
        before = take()
        response = _send(client, url=url, method=method, data=data, api=api, headers=sent)
        after = take()
        who = _label(user)
        if user is None:
            _assert_anonymous(response, api=api, url=url)
        else:
            assert response.status_code == expected, (
                f"{who} {method.upper()} {url}: expected {expected}, got {response.status_code}"
            )
            if api and expected >= 400:
                assert "error" in response.json(), f"{who}: API error not in the uniform format"
        assert before == after, f"{who} {method.upper()} {url}: denied, yet data changed:\n{before}\n{after}"

    responses = {}
    for user, expected in allowed:
        sent = extra | _authenticate(client, user, via=via)
        response = _send(client, url=url, method=method, data=data, api=api, headers=sent)
        assert response.status_code == expected, (
            f"{_label(user)} {method.upper()} {url}: expected {expected}, got {response.status_code}"
        )
        responses[user.username] = response
    client.logout()
    return responses
