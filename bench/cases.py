#!/usr/bin/env python
"""Cases benchmark: load N synthetic cases into PostgreSQL, then time the case list, detail and search.

    .venv/bin/python bench/cases.py                  # 100,000 cases
    .venv/bin/python bench/cases.py --cases 20000
    .venv/bin/python bench/cases.py --skip-load      # measure again on the data already loaded

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/sinergi_bench_cases) names the database; it is created
and migrated if needed, and its bench cases are replaced by the load. Output, one `name: value unit` line each:

    cases_load_rate        rows/s for the cases (with their parties, referrals, notes and events), indexes, ANALYZE
    case_list_p95          GET /cases/?stage=…&destination_country=… (the case page, first page) — when the pages exist
    case_detail_p95        GET /cases/<id>/ (the case page: need-to-know view, parties, referrals, timeline, audit row)
    case_search_p95        POST /cases/ q=<word> (full-text search over narratives and notes the user may read;
                           half the words are a recruiter's nickname, a quarter a city, a quarter a common word)
    api_case_list_p95      GET /api/v1/cases/?stage=…&destination_country=… (first page)
    api_case_detail_p95    GET /api/v1/cases/<id>/ (with its VIEW audit row)
    api_case_search_p95    POST /api/v1/cases/search/ {"q": <word>}
                           (until 2026-12-04 both searches were GETs with the words in the address)
    bare_view_p95          the anchor: a view returning "ok" through the same middleware stack, same process

Each figure is the server time of one request through the Django test client (full middleware, session, auth,
view, template or serializer; no network), as a case worker of the agency that leads 40% of the cases.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import benchdb  # noqa: E402 (bench/, beside this script)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sinergi_bench_cases"
SEED = 20261128
AGENCIES = (  # code, type, share of the cases it leads
    ("bench-bp3mi-kalsel", "BP3MI", 40),
    ("bench-bp3mi-ntb", "BP3MI", 20),
    ("bench-polda-kalsel", "POLRI", 15),
    ("bench-uptd-kalsel", "UPTD_PPA", 15),
    ("bench-dinsos-kalsel", "DINSOS", 10),
)
REFERRED = ("bench-kbri-kl", "KBRI")
STAGES = ["reported", "assessment", "referral", "services", "reintegration", "monitoring", "closed"]
COUNTRIES = [
    ("MY", "Kuala Lumpur"),
    ("MY", "Johor Bahru"),
    ("KH", "Sihanoukville"),
    ("KH", "Phnom Penh"),
    ("MM", "Myawaddy"),
    ("SA", "Riyadh"),
    ("HK", "Hong Kong"),
    ("TW", "Kaohsiung"),
    ("AE", "Dubai"),
]
JOBS = [
    "asisten rumah tangga",
    "pengasuh lansia",
    "operator judi online",
    "customer service",
    "anak buah kapal",
    "pekerja kebun sawit",
    "pelayan restoran",
    "buruh pabrik",
    "admin marketing",
    "terapis spa",
]
WORDS = [
    "paspor",
    "ditahan",
    "gaji",
    "dibayar",
    "dipukul",
    "dikurung",
    "dijual",
    "utang",
    "mes",
    "kontrak",
    "sponsor",
    "calo",
    "perusahaan",
    "visa",
    "turis",
    "ziarah",
    "majikan",
    "agen",
    "tiket",
    "bandara",
    "pelabuhan",
    "perbatasan",
    "keluarga",
    "desa",
    "kabur",
    "polisi",
    "kedutaan",
    "rumah",
    "sakit",
    "trauma",
    "luka",
    "ancaman",
    "target",
    "penipuan",
    "telepon",
    "internet",
    "kapal",
    "pelabuhan",
    "sawit",
    "pabrik",
    "lembur",
    "sakit",
    "makan",
    "tidur",
    "kamar",
    "kunci",
    "jaminan",
    "ijazah",
    "potongan",
    "bunga",
    "pinjaman",
    "transfer",
    "rekening",
    "kakak",
    "adik",
    "suami",
    "istri",
]


SYLLABLES = ["ba", "di", "ko", "ra", "su", "ti", "wan", "yo", "ma", "ni"]
# 1,000 recruiter nicknames ("Bakoti"): each names about 100 of 100,000 cases, like a real calo's name would.
ALIASES = [(a + b + c).capitalize() for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES]


def _world():
    """Agencies, the measuring users and the flow version (idempotent)."""
    from sinergi.agencies.choices import Role
    from sinergi.agencies.models import Agency, User, UserRole
    from sinergi.cases.services import flow_version_for_region

    agencies = {}
    for code, agency_type, _share in (*AGENCIES, (*REFERRED, 0)):
        agencies[code], _ = Agency.objects.get_or_create(
            code=code, defaults={"name": code.replace("-", " ").upper(), "type": agency_type}
        )
    users = {}
    for code, role in (("bench-bp3mi-kalsel", Role.CASE_WORKER), ("bench-polda-kalsel", Role.INVESTIGATOR)):
        user, _ = User.objects.get_or_create(username=f"{code}-worker", defaults={"agency": agencies[code]})
        UserRole.objects.get_or_create(user=user, role=role)
        users[code] = user
    return agencies, users, flow_version_for_region(None)


def load(n: int) -> float:
    from django.db import connection, transaction
    from django.utils import timezone

    from sinergi.cases.models import Case, CaseEvent, CaseParty, Note, Referral
    from sinergi.people.models import Person
    from sinergi.people.names import normalise_name

    agencies, users, flow = _world()
    rng = random.Random(SEED)
    started = time.perf_counter()
    with transaction.atomic():
        bench_cases = Case.objects.filter(reference__startswith="BENCH/")
        CaseEvent.objects.filter(case__in=bench_cases).delete()
        Note.objects.filter(case__in=bench_cases).delete()
        Referral.objects.filter(case__in=bench_cases).delete()
        CaseParty.objects.filter(case__in=bench_cases).delete()
        bench_cases.delete()
        Person.objects.filter(
            owner_agency__code__startswith="bench-", full_name__startswith="Bench "
        ).delete()
    weights = [share for _c, _t, share in AGENCIES]
    codes = [code for code, _t, _s in AGENCIES]
    now = timezone.now()
    person_fields = {f.name for f in Person._meta.get_fields()}
    batch = 5000
    for offset in range(0, n, batch):
        cases, people = [], []
        for i in range(offset, min(n, offset + batch)):
            lead = agencies[rng.choices(codes, weights)[0]]
            country, city = rng.choice(COUNTRIES)
            stage = rng.choice(STAGES)
            reported = now - timedelta(days=rng.uniform(0, 5 * 365))
            narrative = (
                f"Korban direkrut untuk bekerja sebagai {rng.choice(JOBS)} di {city}. "
                + " ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 60)))
                + f". Perekrut dikenal dengan nama {rng.choice(ALIASES)}."
            )
            cases.append(
                Case(
                    reference=f"BENCH/{i:07d}",
                    intake_agency=lead,
                    intake_channel=rng.choice(
                        ["HOTLINE", "COMMUNITY", "POLICE_REPORT", "AIRPORT", "EMBASSY"]
                    ),
                    reported_at=reported,
                    narrative=narrative,
                    lead_agency=lead,
                    flow_version=flow,
                    stage=stage,
                    stage_entered_at=reported,
                    stage_due_at=reported + timedelta(days=1)
                    if stage in ("reported", "assessment")
                    else None,
                    status="CLOSED" if stage == "closed" else "OPEN",
                    closure_reason="REINTEGRATED" if stage == "closed" else "",
                    closed_at=reported + timedelta(days=60) if stage == "closed" else None,
                    destination_country=country,
                    destination_city=city,
                    exploitation_types=["FORCED_CRIMINALITY"]
                    if country in ("KH", "MM")
                    else ["FORCED_LABOUR"],
                    means_of_control=["WITHHOLDS_DOCUMENTS"],
                    created_at=reported,
                    updated_at=reported,
                )
            )
            name = f"Bench {rng.choice(WORDS).title()} {i}"
            fields = {"full_name": name, "name_normalised": normalise_name(name), "owner_agency": lead}
            if "search_names" in person_fields:
                fields["search_names"] = " " + fields["name_normalised"]
            people.append(Person(**fields))
        with transaction.atomic():
            Case.objects.bulk_create(cases, batch_size=batch)
            Person.objects.bulk_create(people, batch_size=batch)
            parties, referrals, notes, events = [], [], [], []
            for case, person in zip(cases, people, strict=True):
                parties.append(
                    CaseParty(
                        case=case,
                        person=person,
                        role="VICTIM",
                        age_group="ADULT",
                        victim_status="POSSIBLE",
                        victim_status_by_id=case.lead_agency_id,
                    )
                )
                events.append(
                    CaseEvent(
                        case=case,
                        kind="CREATED",
                        at=case.reported_at,
                        agency_id=case.lead_agency_id,
                        data={"stage": "reported"},
                    )
                )
                if case.stage not in ("reported", "assessment"):
                    for target in (agencies["bench-polda-kalsel"], agencies["bench-kbri-kl"]):
                        if target.pk == case.lead_agency_id or rng.random() < 0.4:
                            continue
                        state = rng.choice(["PENDING", "ACCEPTED", "ACCEPTED", "DONE", "DECLINED"])
                        referrals.append(
                            Referral(
                                case=case,
                                from_agency_id=case.lead_agency_id,
                                to_agency=target,
                                need="INVESTIGATION" if target.type == "POLRI" else "REPATRIATION",
                                reason="Rujukan hasil asesmen",
                                state=state,
                                created_by=users["bench-bp3mi-kalsel"],
                                created_at=case.reported_at + timedelta(days=1),
                                accept_by=case.reported_at + timedelta(days=4),
                                due_at=case.reported_at + timedelta(days=8),
                            )
                        )
                    notes.append(
                        Note(
                            case=case,
                            author=users["bench-bp3mi-kalsel"],
                            agency_id=case.lead_agency_id,
                            sensitivity=rng.choice(["GENERAL", "INVESTIGATION", "CARE"]),
                            text=" ".join(rng.choice(WORDS) for _ in range(20)),
                            created_at=case.reported_at + timedelta(days=2),
                        )
                    )
            CaseParty.objects.bulk_create(parties, batch_size=batch)
            Referral.objects.bulk_create(referrals, batch_size=batch)
            Note.objects.bulk_create(notes, batch_size=batch)
            CaseEvent.objects.bulk_create(events, batch_size=batch)
        print(f"  loaded {min(n, offset + batch)} cases", file=sys.stderr, flush=True)
    with connection.cursor() as cursor:
        # The same weights as services._reindex_case / _reindex_note.
        cursor.execute(
            "UPDATE cases_case SET search_vector = "
            "setweight(to_tsvector('simple', coalesce(reference, '')), 'A') || "
            "setweight(to_tsvector('simple', coalesce(narrative, '') || ' ' || coalesce(promised_job, '') || ' ' || "
            "coalesce(destination_city, '')), 'B') WHERE reference LIKE 'BENCH/%%'"
        )
        cursor.execute(
            "UPDATE cases_note SET search_vector = to_tsvector('simple', text) WHERE search_vector IS NULL"
        )
    from sinergi.cases.services._shared import notes_vector

    # The notes' words on their case row, as services._reindex_note writes them.
    Case.objects.filter(
        reference__startswith="BENCH/", notes_vector__isnull=True, notes__isnull=False
    ).update(notes_vector=notes_vector())
    with connection.cursor() as cursor:
        for table in (
            "cases_case",
            "cases_note",
            "cases_referral",
            "cases_caseparty",
            "cases_caseevent",
            "people_person",
        ):
            cursor.execute(f"ANALYZE {table}")
    return n / (time.perf_counter() - started)


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18] * 1000


def measure(samples: int) -> dict[str, float]:
    from django.http import HttpResponse
    from django.test import Client, override_settings
    from django.urls import NoReverseMatch, include, path, reverse

    from sinergi.agencies.selectors import SESSION_OTP_VERIFIED
    from sinergi.cases.models import Case

    _agencies, users, _flow = _world()
    worker = users["bench-bp3mi-kalsel"]
    client = Client()
    client.force_login(worker)
    session = client.session
    session[SESSION_OTP_VERIFIED] = True
    session.save()

    def bare(request):
        return HttpResponse("ok")

    bench_urls = type(
        "BenchUrls", (), {"urlpatterns": [path("bench/bare/", bare), path("", include("config.urls"))]}
    )
    sys.modules["bench_cases_urls"] = bench_urls
    rng = random.Random(SEED + 1)
    mine = list(Case.objects.filter(lead_agency=worker.agency).values_list("pk", flat=True)[:50_000])
    filters = [
        {"stage": rng.choice(STAGES[:-1]), "destination_country": rng.choice(COUNTRIES)[0]}
        for _ in range(samples)
    ]
    # Searches as people type them: half a recruiter's nickname (about 100 matches), a quarter a destination
    # city (about 1 in 9 cases), a quarter a common word of the narratives (about half of all cases).
    cities = [c for _, c in COUNTRIES if " " not in c]
    words = [
        rng.choice(ALIASES) if roll < 0.5 else rng.choice(cities) if roll < 0.75 else rng.choice(WORDS)
        for roll in (rng.random() for _ in range(samples))
    ]
    details = [rng.choice(mine) for _ in range(samples)]

    try:
        reverse("cases:detail", args=[1])
        has_pages = True
    except NoReverseMatch:
        has_pages = False

    def timed(make_url, params_list, *, expect=200):
        out = []
        for params in params_list:
            url, query = make_url(params)
            started = time.perf_counter()
            # A search sends its words in the body (POST), never in the address: ("POST", data) marks one.
            response = client.post(url, query[1]) if isinstance(query, tuple) else client.get(url, query)
            if response.status_code != expect:
                raise SystemExit(f"{url} {query}: HTTP {response.status_code}")
            if hasattr(response, "content"):
                _ = response.content
            out.append(time.perf_counter() - started)
        return out

    results = {}
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        # No collectstatic manifest is needed to render the pages here.
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(ROOT_URLCONF="bench_cases_urls", STORAGES=storages):
        timed(lambda _p: ("/bench/bare/", {}), range(20))  # warm up
        plans = [
            ("api_case_list_p95", lambda p: ("/api/v1/cases/", p), filters),
            ("api_case_detail_p95", lambda p: (f"/api/v1/cases/{p}/", {}), details),
            ("api_case_search_p95", lambda p: ("/api/v1/cases/search/", ("POST", {"q": p})), words),
        ]
        if has_pages:
            plans = [
                ("case_list_p95", lambda p: ("/cases/", p), filters),
                ("case_detail_p95", lambda p: (f"/cases/{p}/", {}), details),
                ("case_search_p95", lambda p: ("/cases/", ("POST", {"q": p})), words),
                *plans,
            ]
        for name, make_url, params in plans:
            timed(make_url, params[:5])
            results[name] = _p95(timed(make_url, params))
        results["bare_view_p95"] = _p95(timed(lambda _p: ("/bench/bare/", {}), range(samples)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    benchdb.ensure_database(url)
    benchdb.setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if not args.skip_load:
        rate = load(args.cases)
        print(f"cases_load_rate: {rate:.0f} rows/s")
    for name, value in measure(args.samples).items():
        print(f"{name}: {value:.1f} ms")


if __name__ == "__main__":
    main()
