"""Where to send a user back to after a form: the one check for every `next` parameter."""

from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, candidate: str | None, default: str) -> str:
    """`candidate` when it is a path on this site ("/cases/12/#referrals"), else `default`.

    Only absolute paths pass: another host is an open redirect, and a bare word ("-1", "home") would make
    `redirect()` look it up as a view name and fail with a server error.
    """
    if (
        candidate
        and candidate.startswith("/")
        and "\x00" not in candidate
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return default
