"""Per-user figures that may be a few seconds old (the menu's badge counts), kept in the user's session.

Every signed-in request reads its session row anyway, so a figure kept there costs nothing to read; computing
the case menu's counts cost about 6 ms of CPU on every case page. A memo lives `seconds` at most, and any
write by the same user (a POST, PUT, PATCH or DELETE) forgets every memo first, so what the user just did
shows at once; what other users did shows within `seconds`. A POST that only reads (a search, whose words
travel in the body so that no address holds them) keeps the memos: a view says so with `@reads_only`, an API
viewset by naming the action in its `read_actions`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings

_MEMO = "_sinergi_memo"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def session_memo(request, name: str, compute: Callable[[], Any], *, seconds: int) -> Any:
    """`compute()`, or its value kept in the session for at most `seconds` (JSON-serialisable values only)."""
    session = getattr(request, "session", None)
    user_id = getattr(getattr(request, "user", None), "pk", None)
    if session is None or user_id is None or seconds <= 0:
        return compute()
    now = time.time()
    memos = session.get(_MEMO) or {}
    kept = memos.get(name)
    if kept and kept["user"] == user_id and 0 <= now - kept["at"] < seconds:
        return kept["value"]
    value = compute()
    session[_MEMO] = {**memos, name: {"user": user_id, "at": now, "value": value}}
    return value


def reads_only(view):
    """Marks a view whose POST only reads (a search): the user's memos stay."""
    view.reads_only = True
    return view


def _only_reads(view_func, method: str) -> bool:
    if getattr(view_func, "reads_only", False):
        return True
    # An API viewset's route: its action for this method, if the viewset lists it among its read actions.
    action = (getattr(view_func, "actions", None) or {}).get(method.lower())
    return action is not None and action in getattr(getattr(view_func, "cls", None), "read_actions", ())


class SessionMemoMiddleware:
    """Forgets the session's memos before a write is handled. Sits after SessionMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in _SAFE_METHODS or settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        if _only_reads(view_func, request.method):
            return None
        session = getattr(request, "session", None)
        if session is not None and _MEMO in session:
            del session[_MEMO]
        return None
