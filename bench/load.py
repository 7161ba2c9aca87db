#!/usr/bin/env python
"""Load benchmark (issue 14 point 8): the production stack under 50 signed-in users without pauses.

    .venv/bin/python bench/load.py                         # loads 100,000 cases (bench/cases.py) if needed, then runs
    .venv/bin/python bench/load.py --skip-load --seconds 60 --workers 2

What runs: gunicorn (sync workers, `config.settings.production` through `bench/load_settings.py`, which only adds
the bare anchor view) on 127.0.0.1 against PostgreSQL (DATABASE_URL, default the bench database
sinergi_bench_load); a second process on loopback plays `--users` signed-in case workers, each sending the next
request as soon as the last one answered, in this mix:

    list 25%  detail 20%  search 15%  notifications 10%  detection 10%  note 10%  intake 5%  answer 5%
    bare (the anchor: a view that answers "ok" through the whole middleware stack) on every tenth request

`answer` is a referral answer: the users' agency accepts (three in four) or declines, with its reason, a pending
referral another BP3MI sent it; each run adds pending referrals to the bench database until each user has
ANSWERS_PER_USER of its own (cases led by bench-bp3mi-ntb), so no two users answer the same one. (Until
2026-12-03 the mix had no answer and detail was 25%.)

Each request carries the proxy's `X-Request-Start` stamp, so the server sheds (503, Retry-After) what waited
longer than SINERGI_SHED_AFTER_MS in its queue; a user told so waits the Retry-After's seconds, as the page asks,
then goes on (until 2026-12-03 it asked again at once). Output, one `name: value unit` line each: `load_rate` (requests/s
over the run), `load_errors` (4xx/5xx other than 503, transport errors), `load_shed` (503s, and how fast), per action `<action>_rate` and `<action>_p95` (client-side time, queue included), and the
server CPU per request (`server_cpu_per_request`, from the gunicorn processes' CPU time), and beside it, per
answered request, the load client's (`client_cpu_per_request`), the whole machine's (`machine_cpu_per_request`,
/proc/stat) and the rest of it (`other_cpu_per_request`: PostgreSQL, the kernel): on two cores, N answered
requests/s need N times the machine's figure to stay under 2 s of CPU per second.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sinergi_bench_load"
BENCH_SECRET_KEY = "bench-load-secret-key-not-for-production-" + "x" * 20
BENCH_FIELD_KEY = "insecure-local-only-field-key"  # the key bench/cases.py loads identifiers with
MIX = [
    ("list", 25),
    ("detail", 20),
    ("search", 15),
    ("notifications", 10),
    ("detection", 10),
    ("note", 10),
    ("intake", 5),
    ("answer", 5),
]
ANSWERS_PER_USER = 30
SEARCH_WORDS = ["paspor", "gaji", "ditahan", "Kamboja", "calo", "utang", "Johor", "agen"]
CSRF = "benchcsrfsecretbenchcsrfsecret12"  # 32 characters: Django accepts the unmasked secret as the token


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] if len(samples) >= 20 else max(samples, default=0.0)


# --- controller -------------------------------------------------------------------------------------------


def _prepare(url: str, cases: int, skip_load: bool, users: int) -> dict:
    os.environ["SECRET_KEY"] = BENCH_SECRET_KEY
    os.environ["SINERGI_FIELD_KEY"] = BENCH_FIELD_KEY
    import benchdb  # bench/, beside this script

    import bench.cases as cases_bench

    benchdb.ensure_database(url)
    benchdb.setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from sinergi.cases.models import Case

    if not skip_load or not Case.objects.filter(reference__startswith="BENCH/").exists():
        rate = cases_bench.load(cases)
        print(f"cases_load_rate: {rate:.0f} rows/s", flush=True)
    return _sessions(users)


def _pending_referrals(agency, count: int) -> list[list[int]]:
    """`count` referrals pending to `agency` on open cases (case id, referral id), added from cases another
    BP3MI leads when there are fewer (rows as bench/cases.py writes them)."""
    from datetime import timedelta

    from django.utils import timezone

    from sinergi.agencies.models import Agency, User
    from sinergi.cases.models import Case, Referral

    pending = Referral.objects.filter(
        to_agency=agency, state="PENDING", case__closed_at__isnull=True, case__status="OPEN"
    ).order_by("pk")
    missing = count - pending.count()
    if missing > 0:
        sender = Agency.objects.get(code="bench-bp3mi-ntb")
        author, _ = User.objects.get_or_create(username="bench-bp3mi-ntb-worker", defaults={"agency": sender})
        cases = (
            Case.objects.filter(lead_agency=sender, closed_at__isnull=True, status="OPEN")
            .exclude(referrals__to_agency=agency)
            .values_list("pk", flat=True)[:missing]
        )
        now = timezone.now()
        Referral.objects.bulk_create(
            Referral(
                case_id=case_id,
                from_agency=sender,
                to_agency=agency,
                need="PROTECTION",
                reason="Rujukan untuk pelindungan di daerah asal",
                state="PENDING",
                created_by=author,
                created_at=now,
                accept_by=now + timedelta(days=3),
                due_at=now + timedelta(days=10),
            )
            for case_id in cases
        )
    return [list(pair) for pair in pending.values_list("case_id", "pk")[:count]]


def _sessions(count: int, answers_per_user: int = ANSWERS_PER_USER) -> dict:
    """`count` case workers of the agency that leads 40% of the cases, each with a session past both factors,
    and the referrals pending to that agency they will answer."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    from sinergi.agencies.choices import Role
    from sinergi.agencies.models import Agency, User, UserRole
    from sinergi.agencies.selectors import SESSION_OTP_VERIFIED
    from sinergi.cases.models import Case

    agency = Agency.objects.get(code="bench-bp3mi-kalsel")
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")
    cookies = []
    for index in range(count):
        user, _ = User.objects.get_or_create(username=f"bench-load-{index:02d}", defaults={"agency": agency})
        for role in (Role.CASE_WORKER, Role.ANALYST):  # the analyst reads the detection queue
            UserRole.objects.get_or_create(user=user, role=role)
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[SESSION_OTP_VERIFIED] = True
        session.set_expiry(3 * 60 * 60)
        session.create()
        cookies.append(session.session_key)
    # Open cases only: a closed case refuses new notes (409), which is not what is measured.
    open_cases = Case.objects.filter(lead_agency=agency, closed_at__isnull=True).exclude(stage="closed")
    case_ids = list(open_cases.values_list("pk", flat=True)[:5000])
    answers = _pending_referrals(agency, count * answers_per_user)
    return {"sessions": cookies, "case_ids": case_ids, "answers": answers}


def _server(port: int, workers: int, var_dir: str, url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "DATABASE_URL": url,
        "SECRET_KEY": BENCH_SECRET_KEY,
        "SINERGI_FIELD_KEY": BENCH_FIELD_KEY,
        "SINERGI_AUDIT_CHECKPOINT_KEY": "bench-checkpoint-key-not-for-production",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",
        "SINERGI_VAR_DIR": var_dir,
        "LOG_LEVEL": "WARNING",
    }
    from server import gunicorn_start  # bench/, beside this script

    return gunicorn_start(env, port, workers=workers)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of the gunicorn master and its workers (from /proc), in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for path in Path("/proc").iterdir():
        if not path.name.isdigit():
            continue
        try:
            fields = (path / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ppid = int(fields[1])
        if int(path.name) == pid or ppid == pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _machine_busy_seconds() -> float:
    """CPU time the machine's cores spent busy (all but idle and iowait, /proc/stat), in seconds."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--client", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        _client(json.loads(Path(args.client).read_text()))
        return
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    plan = _prepare(url, args.cases, args.skip_load, args.users)
    var_dir = tempfile.mkdtemp(prefix="sinergi-bench-load-")
    server = _server(args.port, args.workers, var_dir, url)
    try:
        plan.update({"port": args.port, "seconds": args.seconds, "out": str(Path(var_dir) / "result.json")})
        plan_file = Path(var_dir) / "plan.json"
        plan_file.write_text(json.dumps(plan))
        cpu_before = _cpu_seconds(server.pid)
        machine_before = _machine_busy_seconds()
        subprocess.run([sys.executable, __file__, "--client", str(plan_file)], check=True)
        cpu = _cpu_seconds(server.pid) - cpu_before
        machine_cpu = _machine_busy_seconds() - machine_before
        result = json.loads(Path(plan["out"]).read_text())
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    total = sum(len(samples) for samples in result["samples"].values())
    print(
        f"load_average: {os.getloadavg()[0]:.1f} (one-minute load of the machine at the end; quiet is about 1)"
    )
    print(f"load_users: {args.users} users")
    print(f"load_workers: {args.workers} gunicorn workers")
    print(f"load_rate: {total / result['elapsed']:.1f} requests/s")
    print(f"load_errors: {result['errors']} requests")
    shed_after = os.environ.get("SINERGI_SHED_AFTER_MS", "the settings' default")
    print(
        f"load_shed: {len(result['shed'])} requests (503 with Retry-After; SINERGI_SHED_AFTER_MS {shed_after})"
    )
    if result["shed"]:
        print(f"shed_p95: {1000 * _p95(result['shed']):.0f} ms")
    print(f"server_cpu_per_request: {1000 * cpu / max(total, 1):.1f} ms")
    # Where the two cores went, per answered request: N requests/s need N times the machine's figure.
    client_ms = 1000 * result["client_cpu"] / max(total, 1)
    machine_ms = 1000 * machine_cpu / max(total, 1)
    print(f"client_cpu_per_request: {client_ms:.1f} ms (the 50 users' process)")
    print(f"machine_cpu_per_request: {machine_ms:.1f} ms (all cores busy, /proc/stat)")
    # PostgreSQL's backends may run where /proc does not show them (another container): the rest of the
    # machine's busy time is theirs, the kernel's and anything else running.
    other_ms = machine_ms - 1000 * cpu / max(total, 1) - client_ms
    print(f"other_cpu_per_request: {other_ms:.1f} ms (PostgreSQL, kernel, the rest)")
    for action, samples in sorted(result["samples"].items()):
        print(f"{action}_rate: {len(samples) / result['elapsed']:.1f} requests/s")
        print(f"{action}_p95: {1000 * _p95(samples):.0f} ms")
    if result["error_examples"]:
        print("errors seen:", ", ".join(result["error_examples"][:5]), file=sys.stderr)


# --- client (the second process) -----------------------------------------------------------------------


def _request(
    action: str, rng: random.Random, case_ids: list[int], answers: Iterator[list[int]] | None = None
) -> tuple[str, str, bytes | None]:
    """The request of one action; `answers` yields the (case id, referral id) this user may still answer."""
    case_id = rng.choice(case_ids)
    if action == "answer":
        answer = next(answers, None) if answers is not None else None
        if answer is None:  # all answered: the user looks at its inbox instead
            return "GET", "/cases/referrals/", None
        case_id, referral_id = answer
        if rng.random() < 0.75:
            return "POST", f"/cases/{case_id}/referrals/{referral_id}/accept/", b""
        reason = {f"decline-{referral_id}-reason": "Di luar wilayah layanan kami."}
        return "POST", f"/cases/{case_id}/referrals/{referral_id}/decline/", urlencode(reason).encode()
    if action == "bare":
        return "GET", "/bench-bare/", None
    if action == "list":
        return (
            "GET",
            "/cases/?" + urlencode({"stage": rng.choice(["assessment", "services", "referral"])}),
            None,
        )
    if action == "detail":
        return "GET", f"/cases/{case_id}/", None
    if action == "search":
        # The words travel in the body, never in the address (until 2026-12-04 a GET with ?q=).
        return "POST", "/cases/", urlencode({"q": rng.choice(SEARCH_WORDS)}).encode()
    if action == "notifications":
        return "GET", "/cases/notifications/", None
    if action == "detection":
        return "GET", "/detection/", None
    if action == "note":
        body = {"note-text": "Keluarga dihubungi, menunggu dokumen.", "note-sensitivity": "GENERAL"}
        return "POST", f"/cases/{case_id}/notes/", urlencode(body).encode()
    from server import intake_form  # bench/, beside this script

    body = intake_form("Dilaporkan keluarga: dijanjikan kerja di Malaysia, paspor ditahan.")
    return "POST", "/cases/intake/", urlencode(body).encode()


def _client(plan: dict) -> None:
    deadline = time.perf_counter() + plan["seconds"]
    samples: dict[str, list[float]] = {}
    errors = [0]
    shed: list[float] = []
    examples: list[str] = []
    lock = threading.Lock()
    actions = [name for name, weight in MIX for _ in range(weight)]

    def user(index: int, session_key: str) -> None:
        rng = random.Random(index)
        answers = iter(plan["answers"][index :: len(plan["sessions"])])
        connection = HTTPConnection("127.0.0.1", plan["port"], timeout=60)
        cookie = f"sessionid={session_key}; csrftoken={CSRF}"
        count = 0
        while time.perf_counter() < deadline:
            count += 1
            action = "bare" if count % 10 == 0 else rng.choice(actions)
            method, path, body = _request(action, rng, plan["case_ids"], answers)
            # The proxy's stamp (docs/deploy.md): the server sheds what waited too long in its queue.
            headers = {"Cookie": cookie, "Host": "127.0.0.1", "X-Request-Start": f"t={time.time():.3f}"}
            if body is not None:
                headers.update(
                    {
                        "Content-Type": "application/x-www-form-urlencoded",
                        "X-CSRFToken": CSRF,
                        "Origin": f"http://127.0.0.1:{plan['port']}",
                    }
                )
            started = time.perf_counter()
            retry_after = 0.0
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                if status == 503:
                    retry_after = float(response.getheader("Retry-After") or 0)
            except OSError as error:
                status = f"{type(error).__name__}"
                connection.close()
                connection = HTTPConnection("127.0.0.1", plan["port"], timeout=60)
            elapsed = time.perf_counter() - started
            with lock:
                if isinstance(status, int) and status < 400:
                    samples.setdefault(action, []).append(elapsed)
                elif status == 503:
                    shed.append(elapsed)
                else:
                    errors[0] += 1
                    if len(examples) < 20:
                        examples.append(f"{action} {status}")
            # The page said "try again in a few seconds": the user does, and comes back with the next request.
            time.sleep(min(retry_after, max(0.0, deadline - time.perf_counter())))

    started = time.perf_counter()
    client_cpu = time.process_time()
    threads = [threading.Thread(target=user, args=(i, key)) for i, key in enumerate(plan["sessions"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = {
        "elapsed": time.perf_counter() - started,
        "client_cpu": time.process_time() - client_cpu,
        "samples": samples,
        "errors": errors[0],
        "shed": shed,
        "error_examples": examples,
    }
    Path(plan["out"]).write_text(json.dumps(result))


if __name__ == "__main__":
    main()
