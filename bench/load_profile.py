#!/usr/bin/env python
"""Where `bench/load.py`'s CPU goes, per action, in one process (no server, no network, no other users).

    .venv/bin/python bench/load_profile.py                       # 200 rounds of the mix: CPU and queries per action
    .venv/bin/python bench/load_profile.py --profile detail      # and cProfile's top functions of one action

Runs bench/load.py's requests through the WSGI application gunicorn serves (`config.wsgi`, so the collector
settings too) with the server's settings (`bench/load_settings.py`, production's) on the bench database
bench/load.py loaded (DATABASE_URL, default sinergi_bench_load), as one of its signed-in case workers. Prints,
per action, the CPU time of this process per request (what a gunicorn worker spends; PostgreSQL's own CPU is not
counted, as in bench/load.py's `server_cpu_per_request`), the number of SQL queries, their wall time
(`<action>_sql`: the database's work and the round trips), and the CPU time of this connection's PostgreSQL
backend process (`<action>_pg`, from /proc/<pid>/schedstat: the database's side of bench/load.py's
`other_cpu_per_request`, when PostgreSQL runs on this machine). CPU time holds on a loaded machine where wall-clock
time does less. (Until 2026-12-03 this ran through the Django test client, whose bookkeeping added about half
again to every figure.)

This machine's speed moves by a third from one minute to the next. To compare two versions of the code, run
both at once, each from its own tree and as another user, so both see the same machine:

    (cd ../before && .venv/bin/python bench/load_profile.py --rounds 60 --user 1) & \\
        .venv/bin/python bench/load_profile.py --rounds 60 --user 0
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import load  # noqa: E402 (bench/, beside this script)

USERS = 2  # --user picks one: two runs at once answer different referrals


def _backend_cpu_reader(connection):
    """A function returning the CPU seconds the connection's PostgreSQL backend has used (0 when the database
    runs on another machine: its /proc is not ours)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    path = Path(f"/proc/{pid}/schedstat")
    if not path.exists():
        return lambda: 0.0
    return lambda: int(path.read_text().split()[0]) / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--profile", help="an action to run under cProfile (list, detail, search, ...)")
    parser.add_argument("--user", type=int, default=0, choices=range(USERS), help="which bench user (0 or 1)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", load.DEFAULT_URL)
    for name, value in {
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "SECRET_KEY": load.BENCH_SECRET_KEY,
        "SINERGI_FIELD_KEY": load.BENCH_FIELD_KEY,
        "SINERGI_AUDIT_CHECKPOINT_KEY": "bench-checkpoint-key-not-for-production",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "ERROR",  # not one line per shed request
        # One connection, one PostgreSQL backend for the whole run: its CPU is read from its process.
        "DATABASE_CONN_MAX_AGE": "86400",
        "SINERGI_VAR_DIR": str(Path(tempfile.gettempdir()) / "sinergi-bench-load-profile"),
    }.items():
        os.environ[name] = value
    import benchdb

    benchdb.setup_django(url)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    from django.db import connection

    from config.wsgi import application

    plan = load._sessions(USERS, answers_per_user=2 * args.rounds + 10)
    answers = iter(plan["answers"][args.user :: USERS])
    cookie = f"sessionid={plan['sessions'][args.user]}; csrftoken={load.CSRF}"
    rng = random.Random(1)
    actions = ["bare", *(name for name, _weight in load.MIX)]
    queries = [0, 0.0]  # count, seconds

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries[0] += 1
            queries[1] += time.perf_counter() - started

    def run(action: str) -> None:
        method, path, body = load._request(action, rng, plan["case_ids"], answers)
        path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_COOKIE": cookie,
            "HTTP_ACCEPT_ENCODING": "gzip",
            "wsgi.input": io.BytesIO(body or b""),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        if body is not None:
            environ.update(
                {
                    "CONTENT_TYPE": "application/x-www-form-urlencoded",
                    "CONTENT_LENGTH": str(len(body)),
                    "HTTP_X_CSRFTOKEN": load.CSRF,
                    "HTTP_ORIGIN": "http://127.0.0.1",
                }
            )
        status = []
        response = application(environ, lambda line, headers, exc_info=None: status.append(line))
        try:
            b"".join(response)
        finally:
            response.close()
        if int(status[0][:3]) >= 400:
            raise SystemExit(f"{action}: {status[0]}")

    with connection.execute_wrapper(timed):
        for action in actions:  # warm: templates compiled, connection open, caches filled
            for _ in range(3):
                run(action)
        backend_cpu = _backend_cpu_reader(connection)
        cpu = dict.fromkeys(actions, 0.0)
        pg_cpu = dict.fromkeys(actions, 0.0)
        counts = dict.fromkeys(actions, 0)
        sql_seconds = dict.fromkeys(actions, 0.0)
        for _ in range(args.rounds):
            for action in actions:
                queries[:] = [0, 0.0]
                pg_started = backend_cpu()
                started = time.process_time()
                run(action)
                cpu[action] += time.process_time() - started
                pg_cpu[action] += backend_cpu() - pg_started
                counts[action] += queries[0]
                sql_seconds[action] += queries[1]
    weights = {"bare": 10, **{name: weight * 0.9 for name, weight in load.MIX}}
    mix_cpu = sum(cpu[action] / args.rounds * weights[action] for action in actions) / 100
    print(f"load_average: {os.getloadavg()[0]:.1f}")
    for action in actions:
        print(
            f"{action}_cpu: {1000 * cpu[action] / args.rounds:.1f} ms  "
            f"{action}_queries: {counts[action] / args.rounds:.1f}  "
            f"{action}_sql: {1000 * sql_seconds[action] / args.rounds:.1f} ms  "
            f"{action}_pg: {1000 * pg_cpu[action] / args.rounds:.1f} ms"
        )
    mix_pg = sum(pg_cpu[action] / args.rounds * weights[action] for action in actions) / 100
    print(f"mix_cpu_per_request: {1000 * mix_cpu:.1f} ms (weighted as bench/load.py's mix)")
    print(f"mix_pg_per_request: {1000 * mix_pg:.1f} ms (the PostgreSQL backend's CPU, same weights)")
    if args.profile:
        profiler = cProfile.Profile(time.process_time)  # CPU, not the waits of a loaded machine
        profiler.enable()
        for _ in range(args.rounds):
            run(args.profile)
        profiler.disable()
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(int(os.environ.get("PROFILE_LINES", 45)))
        stats.sort_stats("tottime").print_stats(25)
        if os.environ.get("PROFILE_CALLEES"):
            stats.sort_stats("cumulative").print_callees(os.environ["PROFILE_CALLEES"])


if __name__ == "__main__":
    main()
