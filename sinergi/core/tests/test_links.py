"""Every link a user is shown opens: from the home page, following the site's own links, no page answers 403,
404 or 500 to the user who was offered the link (the navigation offers only what the user may open)."""

from __future__ import annotations

import re
from collections import deque

import pytest
from django.test import Client

from sinergi.agencies.choices import Role
from sinergi.conftest import sign_in
from sinergi.core.testing.factories import UserFactory

pytestmark = pytest.mark.django_db
HREF = re.compile(r'href="(/[^"#]*)"')
# Leaving, switching language and downloading are not pages to read.
SKIP = ("/accounts/logout/", "/i18n/setlang/", "/static/", "/download/")
MAX_PAGES = 150


@pytest.mark.parametrize("who", ["worker", "investigator", "admin", "reader", "outreach"])
def test_every_link_shown_opens(module_world, who):
    world = module_world
    users = {
        **world.users,
        "reader": UserFactory(
            username="pembaca", agency=world.users["worker"].agency, roles=[Role.READ_ONLY]
        ),
        "outreach": UserFactory(
            username="penyuluh", agency=world.users["worker"].agency, roles=[Role.OUTREACH_OFFICER]
        ),
    }
    client = sign_in(Client(raise_request_exception=False), users[who])
    seen: set[str] = set()
    queue = deque([("/", "")])
    dead = []
    while queue and len(seen) < MAX_PAGES:
        url, came_from = queue.popleft()
        if url in seen or any(part in url for part in SKIP):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (403, 404) or response.status_code >= 500:
            dead.append(f"{came_from} -> {url}: {response.status_code}")
            continue
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            for href in HREF.findall(response.content.decode()):
                queue.append((href.replace("&amp;", "&"), url))
    assert dead == [], "\n".join(dead)
    assert len(seen) > 10  # the walk went somewhere
