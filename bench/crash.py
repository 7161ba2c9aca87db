#!/usr/bin/env python
"""Crash test (issue 14 point 9): kill each process of the production stack during acknowledged writes.

    .venv/bin/python bench/crash.py                  # about ten minutes on the 2-core machine
    .venv/bin/python bench/crash.py --seconds 90 --users 6
    .venv/bin/python bench/crash.py --memory-only    # only the last part: memory around a 20,000-post upload

What runs, all of it private to this script and removed afterwards:

- a PostgreSQL 15 cluster of its own (initdb into a temporary directory, port 5440, run as the `postgres` user;
  the machine's cluster on 5432 is never touched), migrated, with a small world (bench/cases.py, 2,000 cases);
- gunicorn (production settings through `bench/crash_settings.py`, which writes e-mails to files so that they
  can be counted), 2 sync workers, on 127.0.0.1:8104;
- the background workers, as deployed: `manage.py worker` (queue "default": e-mails) and
  `manage.py worker --queue-name bulk` (uploads);
- a second process on loopback playing `--users` signed-in case workers without pauses: notes, intakes with a
  referral (each e-mails the two handlers of the receiving agency), small uploads of posts (a task each),
  case lists. Every write carries a token of its own, and the process records which ones were acknowledged.

While it runs the controller uploads 20,000 posts and, once the bulk worker is screening them, SIGKILLs that
worker (and starts another, as the service manager would); then SIGKILLs a gunicorn worker, the default
background worker (started again), and the whole PostgreSQL server (restarted after an outage; the background
workers are not restarted: they must come back by themselves). Then it checks, one `name: value unit` line each:

    crash_writes_acknowledged   notes, intakes and uploads the server answered with a redirect
    crash_writes_lost           acknowledged, but not in the database (must be 0)
    crash_writes_doubled        any token stored twice (must be 0)
    crash_uploads_unfinished    acknowledged uploads not stored whole (must be 0)
    crash_task_rerun            the upload whose worker was killed mid-task: run again by a live worker, stored
    crash_worker_back           the background workers' processes survived the outage and ran tasks after it
    crash_emails_*              notifications e-mailed, sent twice, never sent (0 and 0)
    crash_audit_verify          `manage.py audit_verify` after it all (checkpoint written before the outage)

and, with the stack quiet again, the memory of the bulk worker around a 20,000-post upload (RSS before, peak,
after) and how long e-mails wait while it runs (the "default" queue has its own worker).
"""

from __future__ import annotations

import argparse
import email
import json
import os
import pwd
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_PORT = 5440
WEB_PORT = 8104
DATABASE_URL = f"postgres://postgres@127.0.0.1:{PG_PORT}/sinergi_crash"
SECRET_KEY = "bench-crash-secret-key-not-for-production-" + "x" * 20
FIELD_KEY = "insecure-local-only-field-key"
CHECKPOINT_KEY = "bench-crash-checkpoint-key-not-for-production"
CSRF = "benchcsrfsecretbenchcsrfsecret12"  # 32 characters: Django accepts the unmasked secret as the token
RECEIVING_AGENCY = "bench-kbri-kl"
MIX = [("note", 45), ("intake", 30), ("upload", 10), ("list", 15)]
BIG_UPLOAD = 20_000


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] if len(samples) >= 20 else max(samples, default=0.0)


def _say(name: str, value, unit: str = "") -> None:
    print(f"{name}: {value} {unit}".rstrip(), flush=True)


def _log(message: str) -> None:
    print(f"# {time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


# --- the private PostgreSQL ---------------------------------------------------------------------------------


class Cluster:
    """A PostgreSQL cluster of this script's own, run as the `postgres` user (it refuses root)."""

    def __init__(self, root: Path):
        self.data = root / "pgdata"
        self.socket_dir = root / "pgsocket"
        self.log = root / "postgres.log"
        self.process: subprocess.Popen | None = None
        account = pwd.getpwnam("postgres")
        self.uid, self.gid = account.pw_uid, account.pw_gid

    def _as_postgres(self) -> dict:
        if os.getuid() != 0:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}

    def init(self) -> None:
        for path in (self.data, self.socket_dir):
            path.mkdir(parents=True)
            if os.getuid() == 0:
                os.chown(path, self.uid, self.gid)
        self.data.parent.chmod(0o755)  # the postgres user reaches its directories through it
        subprocess.run(
            [PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
            check=True,
            stdout=subprocess.DEVNULL,
            **self._as_postgres(),
        )

    def start(self) -> None:
        log = open(self.log, "ab")  # noqa: SIM115 (handed to the server for its life)
        command = [PG_BIN / "postgres", "-D", self.data, "-p", str(PG_PORT), "-k", self.socket_dir]
        # The defaults of a small server; fsync stays on: a crash test on a cluster that may lose commits
        # would prove nothing.
        for setting in ("listen_addresses=127.0.0.1", "max_connections=60", "shared_buffers=64MB"):
            command += ["-c", setting]
        self.process = subprocess.Popen(
            command, stdout=log, stderr=log, start_new_session=True, **self._as_postgres()
        )
        for _attempt in range(120):
            if self.ready():
                return
            time.sleep(0.5)
        raise SystemExit(f"the private PostgreSQL did not start (see {self.log})")

    def ready(self) -> bool:
        import psycopg

        try:
            psycopg.connect(host="127.0.0.1", port=PG_PORT, user="postgres", dbname="postgres").close()
        except psycopg.OperationalError:
            return False
        return True

    def kill(self) -> None:
        """SIGKILL to the postmaster and every backend at once, as a lost machine or the OOM killer would."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # fast shutdown
            self.process.wait(timeout=60)


def query(sql: str, params: tuple = ()) -> list[tuple] | None:
    """One query on a fresh connection; None while the database is down."""
    import psycopg

    try:
        with psycopg.connect(DATABASE_URL, connect_timeout=3) as connection:
            return connection.execute(sql, params).fetchall()
    except psycopg.OperationalError:
        return None


# --- the application's processes ----------------------------------------------------------------------------


def _env(var_dir: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.crash_settings",
        "DATABASE_URL": DATABASE_URL,
        "SECRET_KEY": SECRET_KEY,
        "SINERGI_FIELD_KEY": FIELD_KEY,
        "SINERGI_AUDIT_CHECKPOINT_KEY": CHECKPOINT_KEY,
        "SINERGI_AUDIT_CHECKPOINT_FILE": str(var_dir / "audit-checkpoints.jsonl"),
        "SINERGI_CRASH_MAIL_DIR": str(var_dir / "mail"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{WEB_PORT}",
        "SECURE_SSL_REDIRECT": "false",
        "SINERGI_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def _manage(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, **kwargs)


def _worker(env: dict, queue: str, worker_id: str, log_dir: Path) -> subprocess.Popen:
    log = open(log_dir / f"{worker_id}.log", "ab")  # noqa: SIM115 (handed to the worker for its life)
    command = [sys.executable, "manage.py", "worker", "--queue-name", queue, "--worker-id", worker_id]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)


def _gunicorn(env: dict, log_dir: Path) -> subprocess.Popen:
    from server import gunicorn_start  # bench/, on the path above

    log = open(log_dir / "gunicorn.log", "ab")  # noqa: SIM115 (handed to the server for its life)
    return gunicorn_start(env, WEB_PORT, workers=2, log=log, wait_seconds=120)


def _children(pid: int) -> list[int]:
    found = []
    for path in Path("/proc").iterdir():
        if path.name.isdigit():
            try:
                fields = (path / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(path.name))
    return found


def _memory(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak) of a process, in MiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _sep, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values


# --- the world ----------------------------------------------------------------------------------------------


def _prepare(env: dict, users: int) -> dict:
    """Migrates, loads a small world, and returns what the clients need (sessions, cases, the agency)."""
    # This process runs the servers' settings too: all of their environment, not a list that falls behind the
    # settings (the checkpoint key production requires since 2026-12-04 was missing here).
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import bench.cases as cases_bench
    import bench.load as load_bench
    from sinergi.agencies.choices import Role
    from sinergi.agencies.models import Agency, User, UserRole

    cases_bench.load(2000)
    plan = load_bench._sessions(users)
    receiving = Agency.objects.get(code=RECEIVING_AGENCY)
    for index in range(2):
        handler, _created = User.objects.get_or_create(
            username=f"bench-crash-kbri-{index}",
            defaults={"agency": receiving, "email": f"penerima{index}@kbri.crash.invalid"},
        )
        UserRole.objects.get_or_create(user=handler, role=Role.CASE_WORKER)
    plan["receiving_agency"] = receiving.pk
    from django.db import connections

    connections.close_all()
    return plan


def _posts_file(token: str, count: int) -> bytes:
    rng = random.Random(token)
    jobs = ["asisten rumah tangga", "operator", "pelayan restoran", "buruh pabrik", "admin marketing"]
    cities = ["Kuala Lumpur", "Phnom Penh", "Dubai", "Riyadh", "Johor Bahru"]
    lines = []
    for index in range(count):
        text = (
            f"Lowongan {rng.choice(jobs)} di {rng.choice(cities)}, gaji besar tanpa biaya, berangkat cepat. "
            f"Kode {token}-{index}."
        )
        # Each post its own address: reposts of one text by one account are stored once (by design), and the
        # test counts every post of the file.
        url = f"https://medsos.contoh.invalid/{token}/{index}"
        lines.append(json.dumps({"text": text, "account": f"akun{rng.randint(1, 500)}", "url": url}))
    return ("\n".join(lines) + "\n").encode()


# --- HTTP, shared by the controller and the clients ---------------------------------------------------------


def _headers(session_key: str) -> dict:
    return {
        "Cookie": f"sessionid={session_key}; csrftoken={CSRF}",
        "Host": "127.0.0.1",
        "X-CSRFToken": CSRF,
        "Origin": f"http://127.0.0.1:{WEB_PORT}",
    }


def _write_request(kind: str, token: str, plan: dict, rng: random.Random) -> tuple[str, str, bytes, str]:
    if kind == "note":
        case_id = rng.choice(plan["case_ids"])
        body = {
            "note-text": f"Keluarga dihubungi, menunggu dokumen. Kode {token}.",
            "note-sensitivity": "GENERAL",
        }
        return (
            "POST",
            f"/cases/{case_id}/notes/",
            urlencode(body).encode(),
            "application/x-www-form-urlencoded",
        )
    if kind == "intake":
        from server import intake_form  # bench/, on the path above

        narrative = f"Dilaporkan keluarga: dijanjikan kerja di Malaysia, paspor ditahan. Kode {token}."
        body = {
            **intake_form(narrative),
            "confirmed": "1",
            "referrals-TOTAL_FORMS": "1",
            "referrals-INITIAL_FORMS": "0",
            "referrals-MIN_NUM_FORMS": "0",
            "referrals-MAX_NUM_FORMS": "20",
            "referrals-0-need": "REPATRIATION",
            "referrals-0-to_agency": str(plan["receiving_agency"]),
            "referrals-0-reason": "Pemulangan dari Malaysia.",
        }
        return "POST", "/cases/intake/", urlencode(body).encode(), "application/x-www-form-urlencoded"
    return _upload_request(token, 20)


def _upload_request(token: str, count: int) -> tuple[str, str, bytes, str]:
    boundary = "crash" + token.replace("-", "")
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{token}.jsonl"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    body += _posts_file(token, count) + f"\r\n--{boundary}--\r\n".encode()
    return "POST", "/detection/upload/", body, f"multipart/form-data; boundary={boundary}"


def _send(connection: HTTPConnection, session_key: str, method: str, path: str, body, content_type):
    headers = _headers(session_key)
    if body is not None:
        headers["Content-Type"] = content_type
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status, response.getheader("Location") or ""


# --- the client (the second process) ------------------------------------------------------------------------


def _client(plan: dict) -> None:
    deadline = time.monotonic() + plan["seconds"]
    writes: list[dict] = []
    reads = [0, 0]
    lock = threading.Lock()
    actions = [name for name, weight in MIX for _ in range(weight)]

    def user(index: int, session_key: str) -> None:
        rng = random.Random(index)
        connection = HTTPConnection("127.0.0.1", WEB_PORT, timeout=60)
        count = 0
        while time.monotonic() < deadline:
            count += 1
            kind = rng.choice(actions)
            token = f"crash-u{index:02d}-{count:05d}"
            if kind == "list":
                request = ("GET", "/cases/?stage=assessment", None, "")
            else:
                request = _write_request(kind, token, plan, rng)
            sent_at = time.time()
            try:
                status, location = _send(connection, session_key, *request)
            except OSError as error:
                status, location = type(error).__name__, ""
                connection.close()
                connection = HTTPConnection("127.0.0.1", WEB_PORT, timeout=60)
            done_at = time.time()
            with lock:
                if kind == "list":
                    reads[0 if status == 200 else 1] += 1
                else:
                    writes.append(
                        {
                            "kind": kind,
                            "token": token,
                            "status": status,
                            "location": location,
                            "at": sent_at,
                            "done": done_at,
                        }
                    )

    threads = [threading.Thread(target=user, args=(i, key)) for i, key in enumerate(plan["sessions"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    Path(plan["out"]).write_text(
        json.dumps({"writes": writes, "reads_ok": reads[0], "reads_failed": reads[1]})
    )


# --- the controller ------------------------------------------------------------------------------------------


class Stack:
    def __init__(self, root: Path, users: int):
        self.root = root
        self.var_dir = root / "var"
        (self.var_dir / "mail").mkdir(parents=True)
        self.env = _env(self.var_dir)
        self.cluster = Cluster(root)
        self.users = users
        self.workers: dict[str, subprocess.Popen] = {}
        self.worker_ids: dict[str, str] = {}
        self.server: subprocess.Popen | None = None
        self.generation = {"default": 0, "bulk": 0}

    def start(self) -> dict:
        self.cluster.init()
        self.cluster.start()
        subprocess.run(
            [PG_BIN / "createdb", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "sinergi_crash"],
            check=True,
        )
        plan = _prepare(self.env, self.users)
        self.server = _gunicorn(self.env, self.root)
        for queue in ("default", "bulk"):
            self.worker_start(queue)
        return plan

    def worker_start(self, queue: str) -> None:
        self.generation[queue] += 1
        worker_id = f"crash-{queue}-{self.generation[queue]}"
        self.workers[queue] = _worker(self.env, queue, worker_id, self.root)
        self.worker_ids[queue] = worker_id

    def worker_kill(self, queue: str) -> str:
        process = self.workers[queue]
        process.send_signal(signal.SIGKILL)
        process.wait()
        return self.worker_ids[queue]

    def stop(self) -> None:
        for process in [*self.workers.values(), self.server]:
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        self.cluster.stop()


def _analyst_upload(plan: dict, token: str, count: int) -> int:
    connection = HTTPConnection("127.0.0.1", WEB_PORT, timeout=300)
    status, location = _send(connection, plan["sessions"][0], *_upload_request(token, count))
    match = re.search(r"/detection/batches/(\d+)/", location)
    if status != 302 or not match:
        raise SystemExit(f"the {count}-post upload was refused: {status}")
    return int(match.group(1))


def _batch_status(batch_id: int) -> str | None:
    rows = query("SELECT status FROM detection_postbatch WHERE id = %s", (batch_id,))
    return rows[0][0] if rows else None


def _wait(predicate, seconds: float, what: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.5)
    raise SystemExit(f"timed out waiting for {what}")


def _crash_phase(stack: Stack, plan: dict, seconds: int) -> dict:
    events: dict = {}
    plan_file = stack.root / "plan.json"
    plan_file.write_text(json.dumps({**plan, "seconds": seconds, "out": str(stack.root / "client.json")}))
    client = subprocess.Popen([sys.executable, __file__, "--client", str(plan_file)], cwd=ROOT)
    started = time.monotonic()

    def at(offset: float) -> None:
        time.sleep(max(0.0, started + offset - time.monotonic()))

    # 1. The bulk worker, killed while it screens 20,000 posts; the service manager starts another.
    big = _analyst_upload(plan, "crash-big", plan["big_posts"])
    _wait(lambda: _batch_status(big) == "running", 300, "the big upload to start")
    time.sleep(3)
    events["bulk_killed"] = stack.worker_kill("bulk")
    events["big_batch"] = big
    _log(f"SIGKILL bulk worker {events['bulk_killed']} while batch {big} was {_batch_status(big)}")
    stack.worker_start("bulk")
    # 2. A gunicorn worker: the master starts another.
    at(0.2 * seconds)
    victim = _children(stack.server.pid)[0]
    os.kill(victim, signal.SIGKILL)
    events["gunicorn_killed"] = victim
    events["gunicorn_killed_at"] = time.time()
    _log(f"SIGKILL gunicorn worker {victim}")
    # 3. The default background worker, whatever it was doing; started again.
    at(0.3 * seconds)
    running = query(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING' AND worker_ids ? %s",
        (stack.worker_ids["default"],),
    )
    events["default_killed"] = stack.worker_kill("default")
    _log(f"SIGKILL default worker {events['default_killed']} ({running} task(s) running)")
    stack.worker_start("default")
    # 4. PostgreSQL, all of it, after a checkpoint of the audit chain; down for 10 s, then recovered.
    at(0.4 * seconds)
    _manage(stack.env, "audit_checkpoint", check=True, stdout=subprocess.DEVNULL)
    events["workers_before_outage"] = {queue: process.pid for queue, process in stack.workers.items()}
    stack.cluster.kill()
    events["outage_started"] = time.time()
    _log("SIGKILL PostgreSQL (postmaster and backends)")
    time.sleep(10)
    stack.cluster.start()
    events["outage_ended"] = time.time()
    _log("PostgreSQL restarted (crash recovery done)")
    client.wait()
    events["elapsed"] = time.monotonic() - started
    return events


def _settle(seconds: float) -> float:
    """Waits until no task is waiting or running (a killed task's lease has to expire first)."""
    return _wait(
        lambda: (
            (
                query(
                    "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING')"
                )
                or [(1,)]
            )[0][0]
            == 0
        ),
        seconds,
        "the queues to empty",
    )


def _mails(mail_dir: Path) -> list[tuple[str, str]]:
    """(recipient, body) of every message the file backend wrote."""
    found = []
    for path in sorted(mail_dir.iterdir()):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if not chunk.strip():
                continue
            message = email.message_from_bytes(chunk)
            body = message.get_payload(decode=True) or b""
            found.append((message["To"] or "", body.decode("utf-8", "replace")))
    return found


def _check(stack: Stack, events: dict) -> None:
    from django.db import connections

    connections.close_all()
    from django_tasks_db.models import DBTaskResult

    from sinergi.cases.models import Case, Note, Notification
    from sinergi.detection.models import PostBatch, ScreenedPost

    result = json.loads((stack.root / "client.json").read_text())
    writes = result["writes"]
    acknowledged = [w for w in writes if w["status"] == 302]
    _say("crash_seconds", f"{events['elapsed']:.0f}", "s")
    _say("crash_writes_sent", len(writes), "writes")
    for kind in ("note", "intake", "upload"):
        _say(f"crash_{kind}s_acknowledged", sum(1 for w in acknowledged if w["kind"] == kind), "writes")
    _say("crash_writes_acknowledged", len(acknowledged), "writes")
    failed = [w for w in writes if w["status"] != 302]
    _say("crash_writes_refused_or_cut", len(failed), "writes (during the kills; not acknowledged)")
    kinds: dict[str, int] = {}
    for write in failed:
        kinds[str(write["status"])] = kinds.get(str(write["status"]), 0) + 1
    _say("crash_writes_refused_by_status", json.dumps(kinds, sort_keys=True))
    # Outside the outage (with a few seconds of recovery) and the gunicorn kill, nothing may fail.
    windows = [(events["outage_started"] - 1, events["outage_ended"] + 3)]
    windows.append((events["gunicorn_killed_at"] - 1, events["gunicorn_killed_at"] + 1))
    outside = [w for w in failed if not any(w["at"] <= end and w["done"] >= start for start, end in windows)]
    _say("crash_writes_refused_outside_the_kills", len(outside), "writes")
    if outside:
        _log(f"refused outside the kills: {outside[:5]}")
    after = [w for w in acknowledged if w["at"] > events["outage_ended"]]
    _say("crash_writes_acknowledged_after_outage", len(after), "writes")

    code = re.compile(r"Kode (crash-u\d+-\d+)")
    stored: dict[str, int] = {}
    for text in Note.objects.filter(text__contains="Kode crash-").values_list("text", flat=True):
        for token in code.findall(text):
            stored[token] = stored.get(token, 0) + 1
    for narrative in Case.objects.filter(narrative__contains="Kode crash-").values_list(
        "narrative", flat=True
    ):
        for token in code.findall(narrative):
            stored[token] = stored.get(token, 0) + 1
    batches = {
        b.filename.removesuffix(".jsonl"): b for b in PostBatch.objects.filter(filename__startswith="crash-u")
    }
    for token in batches:
        stored[token] = stored.get(token, 0) + 1
    lost = [w["token"] for w in acknowledged if stored.get(w["token"], 0) == 0]
    doubled = [token for token, count in stored.items() if count > 1]
    _say("crash_writes_lost", len(lost), "writes")
    _say("crash_writes_doubled", len(doubled), "writes")
    if lost or doubled:
        _log(f"lost {lost[:10]} doubled {doubled[:10]}")
    unfinished = 0
    for write in acknowledged:
        if write["kind"] != "upload":
            continue
        batch = batches.get(write["token"])
        if batch is None or batch.status != "done" or batch.posts.count() != batch.total_count:
            unfinished += 1
    _say("crash_uploads_unfinished", unfinished, "uploads")

    big = PostBatch.objects.get(pk=events["big_batch"])
    task = DBTaskResult.objects.filter(args_kwargs__kwargs__batch_id=big.pk).order_by("enqueued_at").first()
    rerun = (
        task is not None
        and task.status == "SUCCESSFUL"
        and events["bulk_killed"] in task.worker_ids
        and task.worker_ids[-1] != events["bulk_killed"]
        and big.status == "done"
        and ScreenedPost.objects.filter(batch=big).count() == big.total_count
    )
    _say(
        "crash_task_rerun",
        "yes" if rerun else "NO",
        f"(batch {big.pk} {big.status}, {big.posts.count()} of {big.total_count} posts stored, "
        f"run by {task.worker_ids if task else None})",
    )

    alive = all(
        stack.workers[q].pid == pid and stack.workers[q].poll() is None
        for q, pid in events["workers_before_outage"].items()
    )
    after = {"default": 0, "bulk": 0}
    for run in DBTaskResult.objects.filter(status="SUCCESSFUL", finished_at__isnull=False):
        for queue in after:
            if run.worker_ids and run.worker_ids[-1] == stack.worker_ids[queue]:
                after[queue] += run.finished_at.timestamp() > events["outage_ended"]
    _say(
        "crash_worker_back",
        "yes" if alive and all(after.values()) else "NO",
        f"(same processes: {alive}; tasks finished after the outage: {after})",
    )

    notifications = list(
        Notification.objects.filter(recipient__username__startswith="bench-crash-kbri-").select_related(
            "recipient", "case"
        )
    )
    mails = _mails(stack.var_dir / "mail")
    by_recipient: dict[str, list[str]] = {}
    for recipient, body in mails:
        by_recipient.setdefault(recipient, []).append(body)
    sent: dict[tuple[str, str], int] = {}
    for n in notifications:
        reference = re.compile(re.escape(n.case.reference) + r"(?![\w/])")
        key = (n.recipient.email, n.case.reference)
        sent[key] = sum(1 for body in by_recipient.get(n.recipient.email, []) if reference.search(body))
    expected = set(sent)
    _say("crash_notifications", len(notifications), "notifications")
    _say("crash_emails_sent", len(mails), "e-mails")
    _say("crash_emails_doubled", sum(1 for key in expected if sent.get(key, 0) > 1), "e-mails")
    _say(
        "crash_emails_lost",
        sum(1 for key in expected if sent.get(key, 0) == 0),
        f"e-mails ({sum(1 for n in notifications if n.emailed_at is None)} notifications not marked e-mailed)",
    )
    if len(expected) != len(notifications):
        _log("two notifications share a recipient and a case: the e-mail count is by (recipient, case)")

    verify = _manage(stack.env, "audit_verify", capture_output=True, text=True)
    outcome = (verify.stdout + verify.stderr).strip().replace("\n", "; ")
    _say("crash_audit_verify", "intact" if verify.returncode == 0 else "BROKEN", f"({outcome})")


def _memory_phase(stack: Stack, plan: dict) -> None:
    """The bulk worker around a 20,000-post upload, and e-mails queued meanwhile (the other queue)."""
    from django.db import connections

    connections.close_all()
    from sinergi.cases.models import Notification

    pid = stack.workers["bulk"].pid
    before = _memory(pid)
    batch = _analyst_upload(plan, "crash-memory", BIG_UPLOAD)
    _wait(lambda: _batch_status(batch) == "running", 300, "the memory upload to start")
    connection = HTTPConnection("127.0.0.1", WEB_PORT, timeout=60)
    waits: list[tuple[float, bool]] = []
    for index in range(5):
        request = _write_request("intake", f"crash-m00-{index:05d}", plan, random.Random(index))
        sent_at = time.monotonic()
        status, location = _send(connection, plan["sessions"][1], *request)
        if status != 302:
            raise SystemExit(f"intake refused during the memory phase: {status}")
        case_id = int(re.search(r"/cases/(\d+)/", location).group(1))

        def emailed(case_id=case_id) -> bool:
            rows = Notification.objects.filter(case_id=case_id)
            return rows.exists() and not rows.filter(emailed_at__isnull=True).exists()

        _wait(emailed, 300, "the e-mails of an intake")
        waits.append((time.monotonic() - sent_at, _batch_status(batch) == "running"))
        connections.close_all()
    screening = _wait(lambda: _batch_status(batch) in ("done", "failed"), 900, "the memory upload to finish")
    time.sleep(2)
    after = _memory(pid)
    _say("bulk_worker_rss_before", f"{before['VmRSS']:.0f}", "MiB")
    _say("bulk_worker_rss_peak", f"{after['VmHWM']:.0f}", "MiB (VmHWM, the process's high-water mark)")
    _say("bulk_worker_rss_after", f"{after['VmRSS']:.0f}", "MiB (2 s after the 20,000-post task)")
    _say(
        "bulk_upload_status", _batch_status(batch), f"(screened in {screening:.0f} s more after the e-mails)"
    )
    during = [seconds for seconds, running in waits if running]
    _say(
        "email_wait_during_bulk_max",
        f"{max(seconds for seconds, _r in waits):.1f}",
        f"s (intake to e-mails marked sent; {len(during)} of {len(waits)} while the upload was screening)",
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=120, help="how long the clients write")
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, cluster)")
    parser.add_argument(
        "--memory-only", action="store_true", help="only the bulk worker's memory and e-mail wait"
    )
    parser.add_argument("--no-memory", action="store_true", help="only the kills and their checks")
    parser.add_argument(
        "--big-posts",
        type=int,
        default=BIG_UPLOAD,
        help="posts of the upload whose worker is killed mid-task",
    )
    parser.add_argument("--client", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        _client(json.loads(Path(args.client).read_text()))
        return
    root = Path(tempfile.mkdtemp(prefix="sinergi-crash-"))
    stack = Stack(root, args.users)
    try:
        plan = stack.start()
        _log(f"stack up in {root}: PostgreSQL :{PG_PORT}, gunicorn :{WEB_PORT}, workers {stack.worker_ids}")
        plan["big_posts"] = args.big_posts
        if not args.memory_only:
            events = _crash_phase(stack, plan, args.seconds)
            _log("clients done; waiting for the queues to empty")
            settle = _settle(900)
            _say("crash_settle", f"{settle:.0f}", "s (until no task waits or runs)")
            _check(stack, events)
        if not args.no_memory:
            _memory_phase(stack, plan)
        _say("load_average", f"{os.getloadavg()[0]:.1f}", "(one minute, at the end; 2 cores)")
    finally:
        stack.stop()
        if args.keep:
            _log(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
