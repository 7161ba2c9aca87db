#!/usr/bin/env python
"""The need-to-know probe from outside (issue 8, "How we will check it"): readers in every relation, over real
HTTP, against a running production-configured server.

    .venv/bin/python bench/access_probe.py                  # PostgreSQL database sinergi_probe, port 8101
    .venv/bin/python bench/access_probe.py --port 8101 --keep-database

What it does:
1. Builds, in its own database (DATABASE_URL, default postgres://…/sinergi_probe, dropped and created afresh),
   the same world the generated matrix uses (`core.testing.world.build_world` + `core.testing.matrix.
   build_relations`): a case led by a BP3MI, and one reader per relation and role (lead; pending addressee;
   accepted; declined, revoked, done; former lead; outsider; the lead agency's read-only, analyst, outreach and
   administrator staff; the platform administrator). Each reader gets a password, a confirmed TOTP secret and
   a personal API token.
2. Starts gunicorn on 127.0.0.1:PORT as a second process, with `config.settings.production` (through
   `bench/load_settings.py`, which adds only the bare anchor view): two factors required, DEBUG off.
3. Signs every reader in the way a person does (login form, password, then a current TOTP code), and walks
   - every URL pattern of the project (`world.all_routes()`, the list the matrix walks) with the session;
   - every operation of the OpenAPI schema (`/api/v1/schema/`) with the reader's bearer token: GET for every
     reader (search parameters filled with part of the victim's name, case filters with the case's id); POST,
     PUT, PATCH and DELETE with an empty JSON body, and POST of an empty form to every page, for each reader
     with no relation, on every route naming a case record, asserting that nothing changed in the database.
   Every body is scanned for the secrets of the field groups the policy withholds from that reader (the
   victim's name, NIK and phone as typed anywhere; the narrative's places and people; the note): the text of
   HTML and JSON, the members of an XLSX/ZIP, the inflated streams of a PDF.
4. The three named checks: the duplicate check as the pending addressee (no identity confirmed: nothing named,
   at most the "elsewhere" flag), the chronology as the pending addressee (the case page, the referral and
   transfer inboxes and the worklist name no party), the platform administrator's people search (nothing).

Output, one `name: value unit` line each: probe_requests, probe_readers, probe_leaks, probe_unexpected_2xx,
probe_write_changes, probe_5xx, the three checks, and the anchor (`probe_anchor_ms`: the median of a bare view
through the whole middleware stack) beside `probe_request_ms` (median of the probe's requests). Exit status 1
when any leak, unexpected 2xx, change or 5xx was seen, with the first findings on stderr (secrets elided).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sinergi_probe"
PROBE_SECRET_KEY = "bench-probe-secret-key-not-for-production-" + "x" * 20
PROBE_FIELD_KEY = "bench-probe-field-key-not-for-production"
# Signing out and switching language change the session the next request needs; the schema is walked apart.
SKIP = ("/accounts/logout/", "/i18n/setlang/")
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
PDF_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
WRITE_METHODS = ("post", "put", "patch", "delete")


# --- the world ---------------------------------------------------------------------------------------------


def _env(url: str, var_dir: str) -> dict:
    return {
        "DATABASE_URL": url,
        "SECRET_KEY": PROBE_SECRET_KEY,
        "SINERGI_FIELD_KEY": PROBE_FIELD_KEY,
        "SINERGI_AUDIT_CHECKPOINT_KEY": "bench-checkpoint-key-not-for-production",
        "SINERGI_VAR_DIR": var_dir,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }


def _fresh_database(url: str) -> None:
    import dj_database_url
    import psycopg

    name = dj_database_url.parse(url)["NAME"]
    with psycopg.connect(dbname="postgres", user="postgres", host="127.0.0.1", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def _drop_database(url: str) -> None:
    import dj_database_url
    import psycopg

    name = dj_database_url.parse(url)["NAME"]
    with psycopg.connect(dbname="postgres", user="postgres", host="127.0.0.1", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Reader:
    name: str
    matrix: object  # core.testing.matrix.MatrixReader: the policy's answer for this reader
    username: str
    password: str
    totp_secret: str
    token: str
    last_step: int = 0  # the last TOTP time step used: the server accepts each step once


def _build(url: str, var_dir: str) -> tuple[object, list[Reader]]:
    """The matrix's world in the probe's database, and each reader's credentials (kept in memory only)."""
    os.environ.update(_env(url, var_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    if url.startswith("postgres"):
        _fresh_database(url)
    else:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    import django

    django.setup()
    import pyotp
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from sinergi.agencies.services import api_token_create
    from sinergi.conftest import TEST_PROVINCES
    from sinergi.core.testing.matrix import build_relations
    from sinergi.core.testing.world import build_world
    from sinergi.regions.models import Region
    from sinergi.regions.services import regions_load

    regions_load(provinces=TEST_PROVINCES)
    world = build_world(Region.objects)
    readers = []
    for matrix_reader in build_relations(world):
        user = matrix_reader.user
        password = secrets.token_urlsafe(18)
        user.set_password(password)
        user.totp_secret = pyotp.random_base32()
        user.totp_confirmed_at = timezone.now()
        user.save(update_fields=["password", "totp_secret", "totp_confirmed_at"])
        _token, raw = api_token_create(user=user, name="access probe")
        readers.append(
            Reader(matrix_reader.name, matrix_reader, user.username, password, user.totp_secret, raw)
        )
    return world, readers


# --- the server ----------------------------------------------------------------------------------------------


def _server(port: int, workers: int, url: str, var_dir: str) -> subprocess.Popen:
    env = {
        **os.environ,
        **_env(url, var_dir),
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",
    }
    from server import gunicorn_start  # bench/, beside this script

    return gunicorn_start(env, port, workers=workers)


# --- HTTP --------------------------------------------------------------------------------------------------


class Browser:
    """One keep-alive connection with its own cookies, as a browser keeps them (Secure flags aside: the proxy
    that terminates TLS in production is not here)."""

    def __init__(self, port: int, token: str = ""):
        self.port = port
        self.token = token
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.connection = HTTPConnection("127.0.0.1", port, timeout=120)
        self.timings: list[float] = []

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str = ""):
        headers = {"Host": "127.0.0.1"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        elif self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method != "GET":
            headers["X-CSRFToken"] = self.csrf
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        if content_type:
            headers["Content-Type"] = content_type
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except OSError:
                self.connection.close()
                self.connection = HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    raise
        self.timings.append(time.perf_counter() - started)
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        match = CSRF_INPUT.search(data)
        if match:
            self.csrf = match.group(1).decode()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def sign_in(self, reader: Reader) -> None:
        """The login form, then a TOTP code of a time step not used yet (a code is accepted once)."""
        import pyotp

        self.cookies.clear()
        self.request("GET", "/accounts/login/")
        fields = {"username": reader.username, "password": reader.password, "csrfmiddlewaretoken": self.csrf}
        status, headers, _ = self.request(
            "POST", "/accounts/login/", urlencode(fields).encode(), "application/x-www-form-urlencoded"
        )
        if status != 302:
            raise SystemExit(f"{reader.name}: the login form answered {status}")
        self.request("GET", "/accounts/two-factor/")
        step = max(int(time.time() // 30), reader.last_step + 1)
        time.sleep(max(0.0, (step - 1) * 30 - time.time() + 1))  # a step ahead is accepted, two are not
        reader.last_step = step
        fields = {"otp_code": pyotp.TOTP(reader.totp_secret).at(step * 30), "csrfmiddlewaretoken": self.csrf}
        status, headers, _ = self.request(
            "POST", "/accounts/two-factor/", urlencode(fields).encode(), "application/x-www-form-urlencoded"
        )
        if status != 302 or "/accounts/" in headers.get("location", "/accounts/"):
            raise SystemExit(f"{reader.name}: the second factor answered {status} {headers.get('location')}")
        # Signing in rotates the CSRF secret: take a token of the new one, and prove it is accepted (a POST
        # refused for its token would make every write below a vacuous 403).
        self.request("GET", "/accounts/profile/")
        fields = {"language": "id", "next": "/", "csrfmiddlewaretoken": self.csrf}
        status, _headers, _ = self.request(
            "POST", "/i18n/setlang/", urlencode(fields).encode(), "application/x-www-form-urlencoded"
        )
        if status != 302:
            raise SystemExit(f"{reader.name}: a form with the session's CSRF token answered {status}")

    def signed_in(self) -> bool:
        status, headers, _ = self.request("GET", "/accounts/profile/")
        return status == 200 or (status == 302 and "/accounts/" not in headers.get("location", ""))


def body_text(headers: dict, data: bytes) -> str:
    """What a reader could read in a response: the text itself, an archive's members, a PDF's streams."""
    content_type = headers.get("content-type", "")
    chunks = [data]
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                chunks += [archive.read(name) for name in archive.namelist()]
        except zipfile.BadZipFile:
            pass
    if "pdf" in content_type or data[:5] == b"%PDF-":
        for stream in PDF_STREAM.findall(data):
            with contextlib.suppress(zlib.error):
                chunks.append(zlib.decompress(stream))
    return "\n".join(chunk.decode("utf-8", "replace") for chunk in chunks)


# --- the walk --------------------------------------------------------------------------------------------------


@dataclass
class Tally:
    requests: int = 0
    leaks: int = 0
    unexpected_2xx: int = 0
    write_changes: int = 0
    server_errors: int = 0
    unexpected_status: int = 0
    findings: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, **counts: int) -> None:
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def find(self, text: str) -> None:
        with self.lock:
            self.findings.append(text)


def _operations(schema: dict, ids: dict, surname: str) -> list[tuple[str, str, str]]:
    """(method, route with <placeholders>, URL) of every operation of the schema, parameters filled."""
    from sinergi.core.testing.world import url_for

    out = []
    for path, operations in schema["paths"].items():
        route = re.sub(r"\{id\}", "<pk>", path.lstrip("/"))
        route = re.sub(r"\{(\w+)\}", r"<\1>", route)
        url = url_for(route, ids)
        for method, operation in operations.items():
            if method not in ("get", *WRITE_METHODS):
                continue
            out.append((method, route, url))
            if method != "get":
                continue
            query = {}
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query":
                    continue
                name = parameter["name"]
                if name in ("q", "search", "name"):
                    query[name] = surname
                elif name in ("case", "case_id"):
                    query[name] = ids["case_id"]
                elif name in ("person", "person_id"):
                    query[name] = ids["person_id"]
            if query:
                out.append((method, route, f"{url}?{urlencode(query)}"))
    return out


def _check(tally: Tally, reader: Reader, label: str, route: str, status: int, headers: dict, data: bytes):
    from sinergi.core.testing.matrix import CASE_SCOPED, leaked

    tally.note(requests=1)
    if status >= 500:
        tally.note(server_errors=1)
        tally.find(f"{reader.name} {label}: {status}")
    found = leaked(body_text(headers, data), reader.matrix)
    if found:
        tally.note(leaks=len(found))
        tally.find(f"{reader.name} {label}: {len(found)} withheld strings in the body")
    if CASE_SCOPED.search(route) and reader.matrix.outsider and 200 <= status < 300:
        tally.note(unexpected_2xx=1)
        tally.find(f"{reader.name} {label}: {status} with no relation to the case")


def _walk_reads(port: int, reader: Reader, pages: list, operations: list, tally: Tally) -> list[float]:
    session = Browser(port)
    session.sign_in(reader)
    for route, url in pages:
        status, headers, data = session.request("GET", url)
        _check(tally, reader, f"GET {url}", route, status, headers, data)
    api = Browser(port, token=reader.token)
    for method, route, url in operations:
        if method == "get":
            status, headers, data = api.request("GET", url)
            _check(tally, reader, f"GET {url} (token)", route, status, headers, data)
    if not session.signed_in():
        tally.find(f"{reader.name}: the session ended during the walk")
    return session.timings + api.timings


def _walk_writes(port: int, reader: Reader, pages: list, operations: list, tally: Tally) -> list[float]:
    """Every write a reader with no relation could try on a route naming a case record: refused, nothing
    changed. Run one reader at a time, so that a change seen is this reader's."""
    from sinergi.core.testing.matrix import CASE_SCOPED, case_records_snapshot

    snapshot = case_records_snapshot()
    session = Browser(port)
    session.sign_in(reader)
    api = Browser(port, token=reader.token)
    form = "application/x-www-form-urlencoded"
    attempts = [(session, "POST", route, url, None, form) for route, url in pages]
    attempts += [
        (api, method.upper(), route, url, b"{}", "application/json")
        for method, route, url in operations
        if method != "get"
    ]
    for client, method, route, url, body, content_type in attempts:
        if not CASE_SCOPED.search(route):
            continue
        if client is session:
            if not session.signed_in():
                tally.find(f"{reader.name}: signed out before POST {url}, signed in again")
                session.sign_in(reader)
            body = urlencode({"csrfmiddlewaretoken": session.csrf}).encode()
        before = snapshot()
        status, headers, data = client.request(method, url, body, content_type)
        label = f"{method} {url}" + (" (token)" if client is api else "")
        _check(tally, reader, label, route, status, headers, data)
        if status not in (302, 403, 404, 405, 429):  # the matrix's answers, and the throttle's
            tally.note(unexpected_status=1)
            tally.find(f"{reader.name} {label}: {status}")
        if snapshot() != before:
            tally.note(write_changes=1)
            tally.find(f"{reader.name} {label}: something changed")
    return session.timings + api.timings


# --- the three named checks ------------------------------------------------------------------------------------


def _named_checks(port: int, readers: dict[str, Reader], world) -> dict[str, str]:
    from sinergi.cases.models import Case
    from sinergi.core.testing.matrix import VICTIM_NAME, VICTIM_NIK, VICTIM_PHONE

    case = Case.objects.get(pk=world.ids["case_id"])
    identity = (VICTIM_NAME, VICTIM_NIK, VICTIM_PHONE, "81205559876", "0812-0555-9876", case.reference)
    results = {}

    pending = Browser(port, token=readers["pending"].token)
    named = 0
    for body in ({"nik": VICTIM_NIK}, {"phone": VICTIM_PHONE}):
        status, headers, data = pending.request(
            "POST", "/api/v1/cases/duplicates/", json.dumps(body).encode(), "application/json"
        )
        text = body_text(headers, data)
        named += sum(secret in text for secret in identity) + (status >= 500)
        if status == 200:
            named += len(json.loads(data)["matches"])  # at most the "elsewhere" flag (docs/decisions/0005)
    results["duplicate_check_pending_identity_confirmed"] = f"{named} strings"

    session = Browser(port)
    session.sign_in(readers["pending"])
    surname = VICTIM_NAME.split()[-1]
    shown = 0
    pages = [f"/cases/{case.pk}/", "/cases/referrals/", "/cases/transfers/", "/"]
    for url in pages:
        status, headers, data = session.request("GET", url)
        shown += (
            status >= 500 or surname in body_text(headers, data) or VICTIM_NIK in body_text(headers, data)
        )
    results["chronology_pending_party_named"] = f"{shown} of {len(pages)} pages"

    admin = Browser(port, token=readers["admin"].token)
    admin_session = Browser(port)
    admin_session.sign_in(readers["admin"])
    answers = [
        admin.request("GET", "/api/v1/people/"),
        admin.request(
            "POST", "/api/v1/people/search/", json.dumps({"q": surname}).encode(), "application/json"
        ),
        admin.request(
            "POST", "/api/v1/people/search/", json.dumps({"nik": VICTIM_NIK}).encode(), "application/json"
        ),
    ]
    admin_session.request("GET", "/people/")
    form = urlencode({"q": surname, "csrfmiddlewaretoken": admin_session.csrf}).encode()
    answers.append(admin_session.request("POST", "/people/", form, "application/x-www-form-urlencoded"))
    found = 0
    for status, headers, data in answers:
        text = body_text(headers, data)
        rows = json.loads(data).get("results", []) if "json" in headers.get("content-type", "") else []
        # The page echoes the surname searched for in its search box: a person shown is her full name or NIK.
        found += (200 <= status < 300) and bool(rows or VICTIM_NAME in text or VICTIM_NIK in text)
    results["admin_people_search_found"] = f"{found} answers"
    return results


# --- main ----------------------------------------------------------------------------------------------------


def _anchor(port: int, count: int = 50) -> float:
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        connection.request("GET", "/bench-bare/", headers={"Host": "127.0.0.1"})
        connection.getresponse().read()
        samples.append(time.perf_counter() - started)
    return 1000 * statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2, help="readers walked at once")
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    var_dir = tempfile.mkdtemp(prefix="sinergi-probe-")
    started = time.perf_counter()
    world, readers = _build(url, var_dir)
    from django.db import connections

    from sinergi.core.testing.matrix import VICTIM_NAME
    from sinergi.core.testing.world import all_routes, url_for

    connections.close_all()
    print(f"probe_build_s: {time.perf_counter() - started:.1f} s", flush=True)
    server = _server(args.port, args.workers, url, var_dir)
    try:
        pages = sorted({(route, url_for(route, world.ids)) for route in all_routes()} - {("", "")})
        pages = [(route, path) for route, path in pages if not path.endswith(SKIP)]
        lead = next(reader for reader in readers if reader.name == "lead")
        status, _headers, data = Browser(args.port, token=lead.token).request(
            "GET", "/api/v1/schema/?format=json"
        )
        if status != 200:
            raise SystemExit(f"the schema answered {status}")
        schema = json.loads(data)
        operations = _operations(schema, world.ids, VICTIM_NAME.split()[-1])
        anchor_before = _anchor(args.port)
        tally = Tally()
        timings: list[float] = []
        cpu_started = time.process_time()
        queue = list(readers)
        queue_lock = threading.Lock()

        def reads() -> None:
            while True:
                with queue_lock:
                    if not queue:
                        return
                    reader = queue.pop(0)
                timings.extend(_walk_reads(args.port, reader, pages, operations, tally))

        threads = [threading.Thread(target=reads) for _ in range(args.threads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for reader in readers:
            if reader.matrix.outsider:
                timings.extend(_walk_writes(args.port, reader, pages, operations, tally))
        named = _named_checks(args.port, {reader.name: reader for reader in readers}, world)
        anchor_after = _anchor(args.port)
        connections.close_all()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if not args.keep_database and url.startswith("postgres"):
            _drop_database(url)
    print(f"load_average: {os.getloadavg()[0]:.2f} (one-minute, at the end)")
    print(f"probe_readers: {len(readers)} readers")
    print(f"probe_routes: {len(pages)} URL patterns, {len(operations)} API operations (with filled filters)")
    print(f"probe_requests: {tally.requests} requests")
    print(f"probe_leaks: {tally.leaks} strings")
    print(f"probe_unexpected_2xx: {tally.unexpected_2xx} responses")
    print(f"probe_write_changes: {tally.write_changes} writes")
    print(f"probe_5xx: {tally.server_errors} responses")
    print(f"probe_write_unexpected_status: {tally.unexpected_status} responses (not 302/403/404/405/429)")
    for name, value in named.items():
        print(f"probe_{name}: {value}")
    print(f"probe_request_ms: {1000 * statistics.median(timings):.1f} ms (median)")
    print(
        f"probe_anchor_ms: {(anchor_before + anchor_after) / 2:.1f} ms (median, bare view, before and after)"
    )
    print(f"probe_client_cpu_s: {time.process_time() - cpu_started:.1f} s")
    failed = tally.leaks or tally.unexpected_2xx or tally.write_changes or tally.server_errors
    failed = failed or tally.unexpected_status
    failed = failed or any(not value.startswith("0 ") for value in named.values())
    for finding in tally.findings[:40]:
        print(finding, file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
