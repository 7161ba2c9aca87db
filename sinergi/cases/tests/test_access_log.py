"""No personal data in addresses (issue 14 point 3): the real server (gunicorn, its access log on) is asked
every lookup by a person a user can make: the people search, the case search, the search by person, the
duplicate check and the API's searches. Its access log, which proxies and servers keep, holds none of the NIK,
phone, passport or name searched for.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client

from sinergi.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[3]
CSRF = "accesslogprobe0123456789abcdefgh"  # any 32 letters and digits: cookie and header agree
NIK = "6371014101900001"
PHONE = "081234567890"
PASSPORT = "C7654321"
NAME = "Rina Marlina"


def _database_for_a_subprocess(tmp_path, settings) -> str:
    """On PostgreSQL the test database itself (this test commits); on SQLite a file copy of the in-memory one."""
    if connection.vendor == "sqlite":
        path = tmp_path / "server.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _case_of_an_identified_victim(cast, make_person):
    from sinergi.cases import services
    from sinergi.people.identifiers import nik_index, normalise_phone, phone_index
    from sinergi.people.models import PersonPhone

    victim = make_person(
        cast.bp3mi.agency, full_name=NAME, nik=NIK, nik_index=nik_index(NIK), search_names=" rina marlina"
    )
    number = normalise_phone(PHONE)
    PersonPhone.objects.create(person=victim, number=number, number_index=phone_index(number))
    return services.case_intake(
        actor=cast.bp3mi.worker,
        intake_channel="HOTLINE",
        narrative=f"{NAME} dibawa agen ke Johor, paspor ditahan.",
        destination_country="MY",
        parties=[{"person": victim, "role": "VICTIM", "age_group": "ADULT"}],
    )


def test_the_servers_access_log_holds_no_identifier_searched_for(tmp_path, settings, cast, make_person):
    case = _case_of_an_identified_victim(cast, make_person)
    session = sign_in(Client(), cast.bp3mi.worker).cookies["sessionid"].value
    url = _database_for_a_subprocess(tmp_path, settings)
    log = tmp_path / "access.log"
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += [
        "--workers",
        "1",
        "--access-logfile",
        str(log),
        "--error-logfile",
        str(tmp_path / "error.log"),
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 (this interpreter, fixed arguments)
    try:
        deadline = time.monotonic() + 60  # a bound on a broken start, not the test's clock
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "error.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)

        def post(path: str, fields: dict, *, as_json: bool = False) -> int:
            body = json.dumps(fields).encode() if as_json else urlencode(fields).encode()
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}",
                data=body,
                method="POST",
                headers={
                    "Cookie": f"sessionid={session}; csrftoken={CSRF}",
                    "X-CSRFToken": CSRF,
                    "Content-Type": "application/json" if as_json else "application/x-www-form-urlencoded",
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    text = response.read().decode()
                    return response.status if case.reference in text or as_json else -response.status
            except urllib.error.HTTPError as error:
                return error.code

        answers = {
            "people search": post("/people/", {"q": NIK}),
            "people search by phone": post("/people/", {"q": PHONE}),
            "case search": post("/cases/", {"q": NAME}),
            "search by person": post("/cases/find/", {"q": PASSPORT}),
            "search by person's name": post("/cases/find/", {"q": NAME}),
            "API case search": post("/api/v1/cases/search/", {"q": NIK}, as_json=True),
            "API people search": post("/api/v1/people/search/", {"nik": NIK, "phone": PHONE}, as_json=True),
            "API duplicate check": post(
                "/api/v1/cases/duplicates/",
                {"nik": NIK, "phone": PHONE, "full_name": NAME, "birth_date": "1990-01-01"},
                as_json=True,
            ),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    # Every lookup answered (the case pages found the case by the victim's name), and every one was logged.
    assert answers["case search"] == 200 and answers["search by person's name"] == 200
    assert all(status == 200 or status == -200 for status in answers.values()), answers
    lines = log.read_text().splitlines()
    assert len(lines) == len(answers)
    assert sum('"POST /cases/ ' in line for line in lines) == 1
    logged = "\n".join(lines)
    for identifier in (NIK, PHONE, PHONE[1:], PASSPORT, "Rina", "Marlina", "1990-01-01"):
        assert identifier not in logged, identifier
