#!/usr/bin/env python
"""Analytics benchmark: 1,000,000 cases and about 5,000,000 graph links in PostgreSQL, then the dashboard, the
hotspot map and the graph rebuild.

    .venv/bin/python bench/analytics.py                         # 1,000,000 cases, 1,000,000 posts
    .venv/bin/python bench/analytics.py --cases 50000 --posts 50000
    .venv/bin/python bench/analytics.py --skip-load              # measure again on the data already loaded

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/sinergi_bench_analytics) names the database; it is
created and migrated if needed. The load is done by PostgreSQL itself (INSERT ... SELECT over generate_series,
cloning one row written by the ORM, so every NOT NULL column gets the value Django would give it); no service
runs. Cases come in rings of RING cases that share a recruiter (his phone number and Telegram handle), every
third ring shares a company with two others, and every post carries one ring's phone and handle: the graph has
many small syndicates, as the field does, not one giant component.

Output, one `name: value unit` line each:

    analytics_load_seconds   the whole load (cases, people, phones, organisations, posts, contacts), ANALYZE
    graph_edges              links in the rebuilt graph tables
    graph_rebuild_seconds    graph_rebuild(): the links staged by INSERT ... SELECT, nodes numbered, links as
                             pairs of node ids
    graph_rankings_seconds   the reader's network (links in its scope, read back as integer arrays), groups
                             ranked, the top 20 groups' brokers (betweenness) and communities (Leiden): the
                             network page's work
    graph_rebuild_and_rankings_seconds   the two above: the target
    graph_reader_nodes/links the reader's network
    post_regions_rebuild_seconds   the regencies named by flagged posts (the rest of analytics_rebuild)
    monthly_figures_rebuild_seconds  aggregates.rebuild(): facts of every case and the monthly tables (the rest
                             of analytics_rebuild; between rebuilds writes are folded in at the next read)
    dashboard_p95            GET /analytics/ (12 months, all regions) as a supervisor of the agency leading 60%
    hotspot_map_p95          GET /analytics/hotspots/ (regencies, trend and spike test), the same reader
    hotspot_data_p95         GET /analytics/hotspots/data.json (what the map script fetches)
    bare_aggregate_p95       the anchor: SELECT count(*) of the agency's cases in the last 12 months
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import benchdb  # noqa: E402 (bench/, beside this script)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sinergi_bench_analytics"
RING = 10
PROVINCES = ("52", "53", "63")
STAGES = ["reported", "assessment", "referral", "services", "reintegration", "monitoring", "closed"]


def _world():
    """Agencies, the measuring user and the flow version (idempotent)."""
    from sinergi.agencies.choices import Role
    from sinergi.agencies.models import Agency, User, UserRole
    from sinergi.cases.services import flow_version_for_region

    agencies = {}
    for code, agency_type in (("ba-bp3mi", "BP3MI"), ("ba-polda", "POLRI"), ("ba-dinsos", "DINSOS")):
        agencies[code], _ = Agency.objects.get_or_create(
            code=code, defaults={"name": code.upper(), "type": agency_type}
        )
    user, _ = User.objects.get_or_create(username="ba-supervisor", defaults={"agency": agencies["ba-bp3mi"]})
    for role in (Role.SUPERVISOR, Role.CASE_WORKER, Role.ANALYST):
        UserRole.objects.get_or_create(user=user, role=role)
    return agencies, user, flow_version_for_region(None)


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def _percent(sql: str) -> str:
    """Doubles the modulo operators of a statement that also has %s placeholders (psycopg's rule)."""
    return sql.replace("%", "%%").replace("%%s", "%s")


def _clone(cursor, table: str, template_id: int, count: int, overrides: dict[str, str], extra_from: str = ""):
    """INSERT count copies of row template_id, with `overrides` (column -> SQL over g, the row number 1..count)."""
    columns = [c for c in _columns(cursor, table) if c != "id"]
    select = ", ".join(overrides.get(c, f't."{c}"') for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    cursor.execute(
        _percent(
            f'INSERT INTO "{table}" ({names}) SELECT {select} FROM "{table}" t, generate_series(1, %s) g '
            f"{extra_from} WHERE t.id = %s"
        ),
        [count, template_id],
    )


def load(n_cases: int, n_posts: int) -> float:
    from django.db import connection, transaction
    from django.utils import timezone

    from sinergi.cases.models import Case, CaseOrganisation, CaseParty
    from sinergi.detection.models import Contact, PostBatch, PostContact, ScreenedPost
    from sinergi.people.models import Person, PersonPhone
    from sinergi.regions.models import Region
    from sinergi.regions.services import regions_load

    started = time.perf_counter()
    if not Region.objects.filter(code=PROVINCES[0]).exists():
        regions_load(provinces=PROVINCES)
    agencies, _user, flow = _world()
    a, b, c = (agencies[k].pk for k in ("ba-bp3mi", "ba-polda", "ba-dinsos"))
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in (
            "detection_postcontact",
            "detection_contact",
            "detection_screenedpost",
            "detection_postbatch",
            "cases_caseorganisation",
            "cases_caseparty",
            "people_personphone",
            "cases_case",
            "people_person",
        ):
            cursor.execute(f'TRUNCATE "{table}" CASCADE')
        # One row of each kind, written by the ORM: the templates.
        village = Region.objects.filter(level=4).order_by("code").first()
        case = Case.objects.create(
            reference="BA/template",
            intake_agency_id=a,
            intake_channel="HOTLINE",
            lead_agency_id=a,
            flow_version=flow,
            stage="reported",
            origin_region=village,
            destination_country="KH",
        )
        person = Person.objects.create(
            full_name="Bench Person", name_normalised="bench person", owner_agency_id=a
        )
        party = CaseParty.objects.create(case=case, person=person, role="VICTIM")
        phone = PersonPhone.objects.create(person=person, number="+6281200009999", number_index="x")
        org = CaseOrganisation.objects.create(case=case, name="PT Bench", kind="SPONSOR")
        batch = PostBatch.objects.create(source="cli")
        post = ScreenedPost.objects.create(
            batch=batch,
            text="x",
            text_hash="x",
            dedup_key="template",
            source="cli",
            risk_level="rendah",
            score=0.1,
            platform="facebook",
            account="x",
        )
        contact = Contact.objects.create(kind="phone", value="+6281200009999", value_index="x")
        PostContact.objects.create(post=post, contact=contact)
        cursor.execute("CREATE TEMP TABLE ba_villages AS SELECT row_number() OVER (ORDER BY code) AS n, code "
                       "FROM regions_region WHERE level = 4")  # fmt: skip
        cursor.execute("SELECT count(*) FROM ba_villages")
        villages = cursor.fetchone()[0]
        rings = max(1, n_cases // RING)
        stage_array = "ARRAY[" + ",".join(f"'{s}'" for s in STAGES) + "]"
        print("  cases", file=sys.stderr, flush=True)
        # A ring's cases come from one village, on the same day or two, 3 hours apart.
        columns = [col for col in _columns(cursor, "cases_case") if col != "id"]
        lead = f"CASE WHEN g % 10 < 6 THEN {a} WHEN g % 10 < 9 THEN {b} ELSE {c} END"
        day = f"((g / {RING}) % 1800)"
        overrides = {
            "reference": "'BA/' || g",
            "lead_agency_id": lead,
            "intake_agency_id": lead,
            "reported_at": f"%s - {day} * interval '1 day' - (g % {RING}) * interval '3 hours'",
            "stage": f"({stage_array})[1 + g % 7]",
            "status": "CASE WHEN g % 7 = 6 THEN 'CLOSED' ELSE 'OPEN' END",
            "closure_reason": "CASE WHEN g % 7 = 6 THEN 'REINTEGRATED' ELSE '' END",
            "closed_at": f"CASE WHEN g % 7 = 6 THEN %s - ({day} - 40) * interval '1 day' END",
            "repatriated_at": f"CASE WHEN g % 5 = 0 THEN %s - ({day} - 20) * interval '1 day' END",
            "first_action_at": f"%s - {day} * interval '1 day' + interval '2 days'",
            "origin_region_id": "v.code",
        }
        select = ", ".join(overrides.get(col, f't."{col}"') for col in columns)
        names = ", ".join(f'"{col}"' for col in columns)
        cursor.execute(
            _percent(
                f"INSERT INTO cases_case ({names}) SELECT {select} FROM cases_case t, generate_series(1, %s) g "
                f"JOIN ba_villages v ON v.n = 1 + ((g / {RING}) * 7) % {villages} WHERE t.id = %s"
            ),
            [now, now, now, now, n_cases, case.pk],
        )
        cursor.execute("DELETE FROM cases_caseparty WHERE id = %s", [party.pk])
        cursor.execute("DELETE FROM cases_caseorganisation WHERE id = %s", [org.pk])
        cursor.execute("DELETE FROM people_personphone WHERE id = %s", [phone.pk])
        cursor.execute("DELETE FROM cases_case WHERE id = %s", [case.pk])
        cursor.execute("CREATE TEMP TABLE ba_cases AS SELECT id, substr(reference, 4)::int AS g FROM cases_case "
                       "WHERE reference LIKE 'BA/%%'")  # fmt: skip
        cursor.execute("CREATE INDEX ON ba_cases (g)")
        print("  people", file=sys.stderr, flush=True)
        # Victims: person g; recruiters: person n_cases + ring.
        _clone(
            cursor,
            "people_person",
            person.pk,
            n_cases + rings,
            {
                "full_name": "'Bench ' || g",
                "name_normalised": "'bench ' || g",
                "search_names": "' bench ' || g",
                "owner_agency_id": f"CASE WHEN g % 10 < 6 THEN {a} WHEN g % 10 < 9 THEN {b} ELSE {c} END",
            },
        )
        cursor.execute("DELETE FROM people_person WHERE id = %s", [person.pk])
        cursor.execute("CREATE TEMP TABLE ba_people AS SELECT id, substr(full_name, 7)::int AS g FROM people_person "
                       "WHERE full_name LIKE 'Bench %%'")  # fmt: skip
        cursor.execute("CREATE INDEX ON ba_people (g)")
        print("  parties", file=sys.stderr, flush=True)
        party_columns = [col for col in _columns(cursor, "cases_caseparty") if col != "id"]
        template_party = {
            "role": "'VICTIM'",
            "age_group": "'ADULT'",
            "victim_status": "''",
            "consent_to_share": "'NOT_ASKED'",
            "relationship_to_trafficker": "''",
            "perpetrator_role": "''",
            "added_at": "now()",
        }
        for role, person_g, where in (
            ("VICTIM", "c.g", ""),
            ("RECRUITER", f"{n_cases} + 1 + c.g / {RING}", "WHERE c.g % 2 = 0"),
        ):
            values = dict(template_party, role=f"'{role}'", case_id="c.id", person_id="p.id")
            select = ", ".join(values.get(col, "NULL") for col in party_columns)
            cursor.execute(
                f"INSERT INTO cases_caseparty ({', '.join(party_columns)}) SELECT {select} FROM ba_cases c "
                f"JOIN ba_people p ON p.g = {person_g} {where}"
            )
        print("  phones, organisations", file=sys.stderr, flush=True)
        encrypted = _encrypted_number()
        cursor.execute(
            "INSERT INTO people_personphone (person_id, number, number_index, label) "
            f"SELECT p.id, %s, md5('ring-' || (p.g - {n_cases} - 1)), '' FROM ba_people p WHERE p.g > {n_cases}",
            [encrypted],
        )
        cursor.execute(
            "INSERT INTO cases_caseorganisation (case_id, name, kind, perpetrator_role, licence_number, country, "
            f"added_at) SELECT c.id, 'PT Bench ' || (c.g / {RING * 3}), 'SPONSOR', 'RECRUITER', '', 'ID', now() "
            "FROM ba_cases c WHERE c.g % 3 = 0"
        )
        print("  posts", file=sys.stderr, flush=True)
        regencies = list(Region.objects.filter(level=2).values_list("name", flat=True))
        names_array = "ARRAY[" + ",".join("'" + r.replace("'", "''") + "'" for r in regencies) + "]"
        _clone(
            cursor,
            "detection_screenedpost",
            post.pk,
            n_posts,
            {
                "text": f"CASE WHEN g % 10 = 0 THEN 'Lowker ke Kamboja warga ' || ({names_array})[1 + g % "
                f"{len(regencies)}] || ' hub WA' ELSE 'Info kerja ' || g END",
                "text_hash": "md5('p' || g)",
                "dedup_key": "'ba-' || g",
                "account": f"'bench' || (g % {rings})",
                "risk_level": "CASE WHEN g % 10 = 0 THEN 'tinggi' ELSE 'rendah' END",
                "risk_rank": "CASE WHEN g % 10 = 0 THEN 3 ELSE 1 END",
                "extracted": f"CASE WHEN g % 10 = 0 THEN jsonb_build_object('company_names', "
                f"jsonb_build_array('PT Bench ' || ((g % {rings}) / 3))) ELSE '{{}}'::jsonb END",
                "received_at": "now() - (g % 700) * interval '1 day'",
            },
        )
        cursor.execute("DELETE FROM detection_postcontact WHERE post_id = %s", [post.pk])
        cursor.execute("DELETE FROM detection_screenedpost WHERE id = %s", [post.pk])
        cursor.execute("DELETE FROM detection_contact WHERE id = %s", [contact.pk])
        cursor.execute(
            "INSERT INTO detection_contact (kind, value, value_index, post_count, created_at) "
            "SELECT k.kind, %s, md5(k.prefix || r), 0, now() FROM generate_series(0, %s) r, "
            "(VALUES ('phone', 'ring-'), ('telegram', 'tg-')) AS k(kind, prefix)",
            [encrypted, rings - 1],
        )
        cursor.execute("CREATE TEMP TABLE ba_contacts AS SELECT id, kind, value_index FROM detection_contact")
        cursor.execute("CREATE INDEX ON ba_contacts (value_index)")
        cursor.execute(
            "INSERT INTO detection_postcontact (post_id, contact_id) "
            "SELECT p.id, k.id FROM detection_screenedpost p "
            "JOIN ba_contacts k ON k.value_index = md5('ring-' || substr(p.account, 6))"
        )
        cursor.execute(
            "INSERT INTO detection_postcontact (post_id, contact_id) "
            "SELECT p.id, k.id FROM detection_screenedpost p "
            "JOIN ba_contacts k ON k.value_index = md5('tg-' || substr(p.account, 6)) WHERE p.id % 2 = 0"
        )
        for table in (
            "cases_case",
            "cases_caseparty",
            "cases_caseorganisation",
            "people_person",
            "people_personphone",
            "detection_screenedpost",
            "detection_contact",
            "detection_postcontact",
        ):
            cursor.execute(f'ANALYZE "{table}"')
    return time.perf_counter() - started


def _encrypted_number() -> str:
    from sinergi.core import crypto

    return crypto.encrypt("+6281200009999")


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18] * 1000


class _Printed(dict):
    """The figures, each printed as soon as it is measured (a long run shows its progress)."""

    def __setitem__(self, name: str, value: float) -> None:
        super().__setitem__(name, value)
        unit = UNITS.get(name, "ms")
        line = f"{name}: {value:.1f} {unit}" if unit in ("ms", "s") else f"{name}: {int(value)} {unit}"
        print(line, flush=True)


def measure(samples: int) -> dict[str, float]:
    from django.db import connection, transaction
    from django.test import Client, override_settings
    from django.utils import timezone

    from sinergi.agencies.selectors import SESSION_OTP_VERIFIED
    from sinergi.analytics import aggregates, selectors
    from sinergi.analytics.rebuild import graph_rebuild, post_regions_rebuild

    _agencies, user, _flow = _world()
    results = _Printed()
    # analytics_rebuild() in its three parts, timed apart: the graph (the target), the regions named by posts
    # (the map's post counts) and the monthly figures (the dashboard's and the map's tables).
    started = time.perf_counter()
    build = graph_rebuild()
    results["graph_rebuild_seconds"] = time.perf_counter() - started
    results["graph_edges"] = build.edges
    started = time.perf_counter()
    network, _groups = selectors.network_summary(user)
    results["graph_rankings_seconds"] = time.perf_counter() - started
    results["graph_rebuild_and_rankings_seconds"] = (
        results["graph_rebuild_seconds"] + results["graph_rankings_seconds"]
    )
    results["graph_reader_nodes"] = network.graph.vcount()
    results["graph_reader_links"] = network.graph.ecount()
    started = time.perf_counter()
    with transaction.atomic():
        post_regions_rebuild()
    results["post_regions_rebuild_seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    results["monthly_figures_cases"] = aggregates.rebuild()
    results["monthly_figures_rebuild_seconds"] = time.perf_counter() - started

    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_OTP_VERIFIED] = True
    session.save()

    def timed(url: str) -> list[float]:
        out = []
        for _ in range(samples):
            begun = time.perf_counter()
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
            _ = response.content
            out.append(time.perf_counter() - begun)
        return out

    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        for name, url in (
            ("dashboard_p95", "/analytics/"),
            ("hotspot_map_p95", "/analytics/hotspots/"),
            ("hotspot_data_p95", "/analytics/hotspots/data.json"),
        ):
            client.get(url)  # warm up
            results[name] = _p95(timed(url))
    since = timezone.now() - timezone.timedelta(days=365)
    out = []
    with connection.cursor() as cursor:
        for _ in range(samples):
            begun = time.perf_counter()
            cursor.execute(
                "SELECT count(*) FROM cases_case WHERE lead_agency_id = %s AND reported_at >= %s",
                [user.agency_id, since],
            )
            cursor.fetchone()
            out.append(time.perf_counter() - begun)
    results["bare_aggregate_p95"] = _p95(out)
    return results


UNITS = {
    "graph_rebuild_seconds": "s",
    "graph_rankings_seconds": "s",
    "graph_rebuild_and_rankings_seconds": "s",
    "post_regions_rebuild_seconds": "s",
    "monthly_figures_rebuild_seconds": "s",
    "monthly_figures_cases": "cases",
    "graph_edges": "links",
    "graph_reader_nodes": "nodes",
    "graph_reader_links": "links",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    benchdb.ensure_database(url)
    benchdb.setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not args.skip_load:
        seconds = load(args.cases, args.posts)
        print(f"analytics_load_seconds: {seconds:.1f} s")
    measure(args.samples)


if __name__ == "__main__":
    main()
