#!/usr/bin/env python
"""Where `bench/load.py`'s CPU goes, per action, in one process (no server, no network, no other users).

    .venv/bin/python bench/load_profile.py                       # 200 rounds of the mix: CPU and queries per action
    .venv/bin/python bench/load_profile.py --profile detail      # and cProfile's top functions of one action

Runs bench/load.py's requests through the Django test client with the server's settings (`bench/load_settings.py`,
production's) on the bench database bench/load.py loaded (DATABASE_URL, default sinergi_bench_load), as one of its
signed-in case workers. Prints, per action, the CPU time of this process per request (what a gunicorn worker
spends; PostgreSQL's own CPU is not counted, as in bench/load.py's `server_cpu_per_request`), the number of
SQL queries, and the wall time of those queries as the connection timed them (`<action>_sql`: the database's
work and the round trips, which share the machine's cores with the workers). CPU time holds on a loaded machine
where wall-clock time does not; the SQL time does less.
"""

from __future__ import annotations

import argparse
import cProfile
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--profile", help="an action to run under cProfile (list, detail, search, ...)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", load.DEFAULT_URL)
    for name, value in {
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "SECRET_KEY": load.BENCH_SECRET_KEY,
        "SINERGI_FIELD_KEY": load.BENCH_FIELD_KEY,
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "ERROR",  # not one line per shed request
        "SINERGI_VAR_DIR": str(Path(tempfile.gettempdir()) / "sinergi-bench-load-profile"),
    }.items():
        os.environ[name] = value
    import benchdb

    benchdb.setup_django(url)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    plan = load._sessions(1, answers_per_user=2 * args.rounds + 10)
    answers = iter(plan["answers"])
    client = Client(enforce_csrf_checks=True)
    client.cookies["sessionid"] = plan["sessions"][0]
    client.cookies["csrftoken"] = load.CSRF
    rng = random.Random(1)
    actions = ["bare", *(name for name, _weight in load.MIX)]

    def run(action: str) -> int:
        method, path, body = load._request(action, rng, plan["case_ids"], answers)
        headers = {"HTTP_X_CSRFTOKEN": load.CSRF, "HTTP_ORIGIN": "http://testserver"}
        if method == "GET":
            response = client.get(path, **headers)
        else:
            response = client.post(path, body, content_type="application/x-www-form-urlencoded", **headers)
        if response.status_code >= 400:
            raise SystemExit(f"{action}: {response.status_code}")
        return response.status_code

    for action in actions:  # warm: templates compiled, connection open, caches filled
        for _ in range(3):
            run(action)
    cpu = dict.fromkeys(actions, 0.0)
    queries = dict.fromkeys(actions, 0)
    sql_seconds = dict.fromkeys(actions, 0.0)
    for _ in range(args.rounds):
        for action in actions:
            with CaptureQueriesContext(connection) as captured:
                started = time.process_time()
                run(action)
                cpu[action] += time.process_time() - started
            queries[action] += len(captured)
            sql_seconds[action] += sum(float(query["time"]) for query in captured.captured_queries)
    weights = {"bare": 10, **{name: weight * 0.9 for name, weight in load.MIX}}
    mix_cpu = sum(cpu[action] / args.rounds * weights[action] for action in actions) / 100
    print(f"load_average: {os.getloadavg()[0]:.1f}")
    for action in actions:
        print(
            f"{action}_cpu: {1000 * cpu[action] / args.rounds:.1f} ms  "
            f"{action}_queries: {queries[action] / args.rounds:.1f}  "
            f"{action}_sql: {1000 * sql_seconds[action] / args.rounds:.1f} ms"
        )
    print(f"mix_cpu_per_request: {1000 * mix_cpu:.1f} ms (weighted as bench/load.py's mix)")
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
