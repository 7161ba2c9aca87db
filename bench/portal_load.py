#!/usr/bin/env python
"""Portal load test: 10,000 Cek Lowongan requests on loopback against the production stack, with reports sent
during the load.

    .venv/bin/python bench/portal_load.py                       # 10,000 checks, 100 reports, 4 workers
    .venv/bin/python bench/portal_load.py --requests 2000 --reports 20 --workers 3

The production stack: gunicorn serving config.wsgi's application with `config.settings.production`
(DEBUG off, WhiteNoise, GZip, every middleware), PostgreSQL (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/sinergi_bench_portal; created, migrated and given South Kalimantan's regions
and a BP3MI if needed) and the background worker (`manage.py db_worker`) registering reports as cases. Only
the URLconf gains one bare view, the anchor. A second process (this script's client) sends the requests over
keep-alive connections from `--concurrency` threads, each request from one of 2,000 client addresses
(X-Forwarded-For, trusted as behind the production proxy) so the per-address limits see a crowd, not one
flooding client. Output, one `name: value unit` line each:

    bare_view_rate / bare_view_p95      the anchor: GET of a view returning "ok" through the same stack
    check_offer_rate / check_offer_p95  POST /portal/cek-lowongan/ with a job offer (screening + page)
    reports_sent / reports_stored       reports POSTed during the load, and found in the database afterwards
    reports_as_cases                    of those, registered as cases by the worker within 60 s of the end
Latencies are client-side, from sending the request to the last byte of the answer, in milliseconds.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sinergi_bench_portal"
PORT = 8731
OFFERS = [
    "Dicari admin online ke Kamboja, gaji 15jt, tanpa pengalaman, visa turis, berangkat minggu ini. WA 0812-0555-1234",
    "Lowongan perawat lansia Taiwan lewat PT Contoh Bina Karya Migran, kontrak 3 tahun, daftar di Disnaker.",
    "Butuh TKW ke Arab Saudi, gaji 8jt, gratis semua biaya, pakai visa ziarah, proses 2 minggu langsung terbang.",
    "Kerja kebun sawit Malaysia, masuk lewat Nunukan, paspor diurus sponsor, potong gaji 6 bulan untuk biaya.",
    "Info loker ABK kapal ikan Korea, tanpa ijazah, usia 17-35, biaya pelatihan 25 juta bisa dicicil dari gaji.",
    "Pabrik elektronik di Batam membuka lowongan operator produksi lulusan SMK, gaji UMK, BPJS, kontrak 1 tahun.",
]
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
CODE = re.compile(rb'data-testid="tracking-code">([A-Z0-9-]+)<')


# --- the server side: this module is also the WSGI entry point gunicorn loads ------------------------------


def _bare(request):
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")


def _wsgi():
    sys.path.insert(0, str(ROOT))
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.portal_load"
    return application


if os.environ.get("SINERGI_PORTAL_LOAD_SERVER") == "1":
    application = _wsgi()
    from django.urls import include, path

    urlpatterns = [path("bench/bare/", _bare), path("", include("config.urls"))]


# --- set-up -------------------------------------------------------------------------------------------------


def _env(url: str, var: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATABASE_URL=url,
        SECRET_KEY="bench-portal-" + "k" * 40,
        SINERGI_FIELD_KEY="bench-portal-field-key",
        SINERGI_AUDIT_CHECKPOINT_KEY="bench-checkpoint-key-not-for-production",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SINERGI_TRUST_X_FORWARDED_FOR="1",
        SINERGI_VAR_DIR=str(var),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


SETUP = """
from sinergi.agencies.models import Agency
from sinergi.regions.models import Region
from sinergi.regions.services import regions_load
if not Region.objects.filter(code="63").exists():
    regions_load(provinces=("63",))
Agency.objects.get_or_create(code="bench-bp3mi-kalsel", defaults={"name": "BENCH BP3MI KALSEL", "type": "BP3MI",
                             "jurisdiction": Region.objects.get(code="63")})
"""

COUNT = """
import sys
from sinergi.portal.services import report_by_code
codes = [line.strip() for line in open(sys.argv[1]) if line.strip()]
found = [report_by_code(code) for code in codes]
print("COUNT", sum(1 for r in found if r is not None), sum(1 for r in found if r is not None and r.case_id))
"""


def _manage(env, *args, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True
    )
    if result.returncode:
        # The step's own error, not only "returned non-zero exit status".
        sys.exit(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
    return result.stdout


# --- the client: a second process -------------------------------------------------------------------------


class Session:
    """One keep-alive connection with its CSRF cookie and token."""

    def __init__(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        self.cookie = ""
        self.token = ""

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("csrftoken="):
                self.cookie = value.split(";", 1)[0]
        return response.status, data, elapsed

    def prime(self, path="/portal/cek-lowongan/"):
        _status, data, _ms = self.request("GET", path)
        self.token = TOKEN.search(data).group(1).decode()

    def post_form(self, path, fields, address):
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.token, **fields})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": address}
        return self.request("POST", path, body=body, headers=headers)


def _address(index: int) -> str:
    return f"10.{(index // 250) % 250}.{index % 250}.{7 + (index // 62500) % 200}"


def _run_phase(name, total, concurrency, make_request):
    """Sends `total` requests from `concurrency` threads; returns (rate per second, latencies, failures)."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    counter = iter(range(total))

    def worker():
        session = Session()
        session.prime()
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            try:
                status, _data, ms = make_request(session, index)
            except (OSError, http.client.HTTPException) as exc:
                session = Session()
                session.prime()
                with lock:
                    failures.append(f"{name} {index}: {exc!r}")
                continue
            with lock:
                latencies.append(ms)
                if status != 200:
                    failures.append(f"{name} {index}: HTTP {status}")

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return total / (time.perf_counter() - started), latencies, failures


def _p95(values):
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)] if ordered else float("nan")


def client(args) -> None:
    rng = random.Random(20261201)
    offers = [rng.choice(OFFERS) + f" (kode iklan {i})" for i in range(args.requests)]
    _run_phase("warmup", 200, args.concurrency, lambda s, i: s.request("GET", "/bench/bare/"))
    rate, latencies, failures = _run_phase(
        "bare", args.requests, args.concurrency, lambda s, i: s.request("GET", "/bench/bare/")
    )
    print(f"bare_view_rate: {rate:.0f} req/s")
    print(f"bare_view_p95: {_p95(latencies):.1f} ms")

    codes: list[str] = []
    report_every = max(1, args.requests // max(1, args.reports)) if args.reports else 0
    report_lock = threading.Lock()
    report_failures: list[str] = []

    def check(session, index):
        if report_every and index % report_every == 0 and len(codes) < args.reports:
            form = Session()
            form.prime("/portal/lapor/")
            status, data, _ms = form.post_form(
                "/portal/lapor/",
                {
                    "what_happened": f"Laporan uji beban {index}: calo menawarkan kerja ke Kamboja.",
                    "where": "Kota Banjarmasin",
                    "region": "63.71",
                    "token": secrets.token_urlsafe(16),
                    "leave_empty": "",
                },
                _address(100_000 + index),
            )
            found = CODE.search(data)
            with report_lock:
                if status == 200 and found:
                    codes.append(found.group(1).decode())
                else:
                    report_failures.append(f"report {index}: HTTP {status}")
        return session.post_form("/portal/cek-lowongan/", {"text": offers[index]}, _address(index % 2000))

    rate, latencies, failures2 = _run_phase("check", args.requests, args.concurrency, check)
    print(f"check_offer_rate: {rate:.0f} req/s")
    print(f"check_offer_p95: {_p95(latencies):.1f} ms")
    print(f"check_offer_failures: {len(failures) + len(failures2)} requests")
    for line in (failures + failures2 + report_failures)[:10]:
        print("  " + line, file=sys.stderr)
    Path(args.codes_file).write_text("\n".join(codes), encoding="utf-8")
    print(f"reports_sent: {len(codes) + len(report_failures)} reports")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads (keep-alive connections)")
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--codes-file", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        client(args)
        return

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    var = ROOT / "var" / "bench-portal"
    var.mkdir(parents=True, exist_ok=True)
    env = _env(url, var)
    sys.path.insert(0, str(ROOT))
    import benchdb  # bench/, beside this script (not imported when gunicorn loads this module)

    benchdb.ensure_database(url)
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "collectstatic", "--noinput", "-v", "0")
    _manage(env, "shell", "-v", "0", "-c", SETUP)
    server_env = {**env, "SINERGI_PORTAL_LOAD_SERVER": "1"}
    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.portal_load:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "gthread",
            "--threads",
            "2",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=server_env,
    )
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "-v", "0"], cwd=ROOT, env=env
    )
    codes_file = var / "codes.txt"
    try:
        for _ in range(150):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
                probe.request("GET", "/bench/bare/")
                if probe.getresponse().status == 200:
                    break
            except (OSError, http.client.HTTPException):
                pass
            if gunicorn.poll() is not None:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.2)
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--client",
                "--requests",
                str(args.requests),
                "--reports",
                str(args.reports),
                "--concurrency",
                str(args.concurrency),
                "--codes-file",
                str(codes_file),
            ],
            check=True,
        )
        stored = cases = 0
        deadline = time.monotonic() + 60
        while True:
            script = COUNT.replace("sys.argv[1]", repr(str(codes_file)))
            output = _manage(env, "shell", "-v", "0", "-c", script)
            stored, cases = (int(n) for n in re.search(r"COUNT (\d+) (\d+)", output).groups())
            if cases >= stored or time.monotonic() > deadline:
                break
            time.sleep(2)
        print(f"reports_stored: {stored} reports")
        print(f"reports_as_cases: {cases} reports")
    finally:
        gunicorn.terminate()
        worker.terminate()
        gunicorn.wait(timeout=30)
        worker.wait(timeout=30)


if __name__ == "__main__":
    main()
