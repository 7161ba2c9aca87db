"""Benchmark of the screening engine: 1,000,000 generated posts of about 300 characters, one core.

Generates a varied mix of risky and safe posts (slang, numbers, currencies, contacts) streamed to a temporary
JSONL file, screens them through the same streaming path as ``sinergi screen`` (engine.stream.screen_file), and
prints ``name: value unit`` lines:

    tokenise_rate                 a plain regex tokenising pass over the same file (the anchor)
    screening_rate                posts per second (wall clock), rules + learned layer when a model is deployed
    screening_cpu_rate            the same per second of this process's CPU time (fair on a busy machine)
    screening_rules_only_cpu_rate the rules without the learned layer, on the first 50,000 posts
    screening_peak_rss_100k       peak resident memory after the first 100,000 posts
    screening_peak_rss_1m         peak resident memory after all posts (flat memory: about the same)
    screening_to_tokenise_ratio   how many times slower screening is than tokenising (wall clock)
    screening_to_tokenise_cpu_ratio  the same in CPU time

Usage: python bench/screening.py [--posts N] [--rules-only]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import resource
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

RISKY = [
    "Lowker {job} ke {bad}, gaji {salary}, {noexp}, tiket ditanggung, berangkat {urgent}! Minat hub WA {phone} "
    "atau wa.me/{wa}. PT resmi, proses cepat, tanpa paspor dulu bisa. {emoji}",
    "DIBUTUHKAN {job} untuk perusahaan di {hub}, gaji {salary} + bonus, mess & makan gratis, {noexp}. Visa turis "
    "dulu, visa kerja diurus di sana. Transit {transit}. DM telegram @{handle} {emoji}",
    "Loker ART/PRT ke {moratorium}, gaji {salary}, biaya proses Rp {fee}.000 dipotong gaji. Usia 17-40 thn, tnp "
    "batas usia juga bs. Hub sponsor {phone}. {emoji}",
    "Kerja kosong kilang {mycity}, gaji RM{rm}k sebulan, tak perlu pasport, masuk lewat jalur tikus dari Nunukan, "
    "ejen uruskan semua. Whatsapp {phone} {emoji}",
    "Hiring CS online for {hub}, salary ${usd} per month, no experience needed, free flight, fly this week via "
    "{transit}. contact me on telegram t.me/{handle} {emoji}",
    "Dicari ABK kapal ikan Taiwan, gaji USD {usd}/bulan, tanpa PKL tanpa buku pelaut, DP {fee}rb dulu utk "
    "seragam, berangkat minggu ini. Hub {phone} {emoji}",
]
SAFE = [
    "Lowongan operator produksi {city}, gaji UMR Rp {umr}.000/bulan, lulusan SMA/SMK, usia 18-30 tahun, kontrak "
    "1 tahun, BPJS. Lamaran ke hrd{n}@contoh.co.id. Tidak dipungut biaya. {emoji}",
    "Program G to G Korea EPS-TOPIK {year}: pendaftaran lewat SIAPkerja dan BP2MI, ujian bahasa Korea, kontrak "
    "kerja sebelum berangkat. Info resmi di kantor Disnaker {city}. {emoji}",
    "Job order resmi caregiver Taiwan dari PT Contoh Bina Karya Migran, gaji NT$ {twd}.000, kontrak 3 tahun, "
    "cuti, asuransi, pelatihan di BLK. Daftar di Disnaker {city}.",
    "Dicari kasir minimarket {city}, shift pagi/malam, gaji Rp {umr}.000 + tunjangan, jam kerja 8 jam, libur "
    "1 hari/minggu. Kirim CV ke email rekrut{n}@contoh.id {emoji}",
    "Sosialisasi migrasi aman di balai desa {city}: kenali calo, cek P3MI berizin di BP3MI, jangan berangkat "
    "dengan visa turis. Hotline 08{n}1234567 {emoji}",
    "Tokutei ginou Jepang perawat lansia, gaji ¥{yen}.000/bulan, syarat JLPT N4, kontrak 1 tahun, lewat "
    "LPK terdaftar dan P3MI berizin. Info {city}.",
]
FILL = {
    "job": ["admin", "CS", "operator", "marketing online", "admin game", "typist", "staff"],
    "bad": ["Kamboja", "Myanmar", "Laos", "Cambodia", "kemboja"],
    "hub": [
        "Sihanoukville",
        "Poipet",
        "Bavet",
        "Myawaddy",
        "KK Park",
        "Shwe Kokko",
        "Golden Triangle",
        "Tachileik",
    ],
    "transit": ["Bangkok", "Kuala Lumpur", "Malaysia", "Thailand"],
    "moratorium": ["Arab Saudi", "Dubai", "Qatar", "Kuwait", "Oman", "Yordania"],
    "mycity": ["Johor", "Penang", "Selangor", "Sabah", "KL"],
    "city": ["Bekasi", "Cikarang", "Surabaya", "Mataram", "Kupang", "Pontianak", "Cirebon", "Indramayu"],
    "salary": [
        "15jt",
        "Rp15.000.000",
        "15 juta",
        "USD 1.000",
        "$1,200",
        "1.5 jt/minggu",
        "20-25 juta",
        "8jt/bln",
    ],
    "noexp": ["tanpa pengalaman", "tnp pengalaman", "gak perlu pengalaman", "no experience"],
    "urgent": ["minggu ini", "besok", "secepatnya", "langsung"],
    "emoji": ["🔥🔥", "💰✈️", "✅", "🙏", "", "‼️"],
}


def _phone(rng: random.Random) -> str:
    return (
        rng.choice(["08", "+628", "628"])
        + str(rng.randint(11, 59))
        + "-"
        + str(rng.randint(1000, 9999))
        + "-"
        + str(rng.randint(1000, 9999))
    )


def make_post(rng: random.Random, i: int) -> dict:
    risky = rng.random() < 0.5
    template = rng.choice(RISKY if risky else SAFE)
    values = {key: rng.choice(options) for key, options in FILL.items()}
    values.update(
        phone=_phone(rng),
        wa="628" + str(rng.randint(1000000000, 9999999999)),
        handle=f"rekrut_{rng.randint(1, 5000)}",
        fee=rng.randint(500, 25000),
        rm=rng.randint(2, 5),
        usd=rng.randint(600, 2000),
        umr=rng.randint(3000, 5500),
        twd=rng.randint(20, 30),
        yen=rng.randint(150, 220),
        year=rng.randint(2025, 2027),
        n=rng.randint(1, 99),
    )
    text = template.format(**values)
    fillers = [
        "Serius saja.",
        "Info lengkap inbox.",
        "Terima kasih.",
        "Share ya kak.",
        "Tempat terbatas.",
        "Mohon dibantu share.",
    ]
    while len(text) < 290:
        text += " " + rng.choice(fillers)
    return {
        "id": f"p{i}",
        "text": text[:340],
        "platform": rng.choice(["facebook", "tiktok", "telegram", "whatsapp"]),
    }


def generate(path: str, count: int, seed: int = 20261128) -> int:
    rng = random.Random(seed)
    total = 0
    with open(path, "w", encoding="utf-8") as out:
        for i in range(count):
            post = make_post(rng, i)
            total += len(post["text"])
            out.write(json.dumps(post, ensure_ascii=False) + "\n")
    return total // max(count, 1)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux reports KiB


def tokenise_pass(path: str) -> tuple[float, float]:
    """Posts per second (wall clock, CPU time) of a plain regex tokenising pass: read, parse, lower, split."""
    word = re.compile(r"\w+")
    start = time.perf_counter()
    cpu_start = time.process_time()
    n = 0
    with open(path, "rb") as fh:
        for raw in fh:
            text = json.loads(raw)["text"]
            word.findall(text.lower())
            n += 1
    return n / (time.perf_counter() - start), n / (time.process_time() - cpu_start)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--rules-only", action="store_true", help="screen without the learned layer")
    args = parser.parse_args()

    # One core: screening runs in this single thread (no worker processes, no threaded libraries). The process
    # is not pinned to a fixed core, so that on a shared machine it can run on whichever core is free.

    from sinergi.detection.engine.screening import default_knowledge
    from sinergi.detection.engine.stream import screen_stream

    knowledge = default_knowledge()
    from sinergi.detection.engine import screen

    screen("warm-up: loads the learned model once", knowledge=knowledge)
    workdir = tempfile.mkdtemp(prefix="sinergi-bench-")
    # SIGTERM (a stopped job) ends the run like Ctrl-C, so the generated files are removed either way.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        src = os.path.join(workdir, "posts.jsonl")
        dst = os.path.join(workdir, "results.jsonl")
        avg = generate(src, args.posts)
        print(f"posts: {args.posts} posts")
        print(f"post_length_avg: {avg} chars")

        tok_rate, tok_cpu_rate = tokenise_pass(src)

        marks = {}
        checkpoint = min(100_000, args.posts)
        state = {"n": 0}

        def on_result(_line, _obj, _result):
            state["n"] += 1
            if state["n"] == checkpoint:
                marks["rss_100k"] = peak_rss_mib()

        start = time.perf_counter()
        cpu_start = time.process_time()
        with open(src, "rb") as fh, open(dst, "w", encoding="utf-8", buffering=1024 * 1024) as out:
            stats = screen_stream(
                fh, out.write, knowledge=knowledge, on_result=on_result, use_learned=not args.rules_only
            )
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        rate = stats.screened / elapsed
        rss_end = peak_rss_mib()  # before the rules-only pass below loads its slice into memory

        # The rules alone on a slice of the same file, to show what the learned layer costs.
        subset = min(args.posts, 50_000)
        with open(src, "rb") as fh:
            head = io.BytesIO(b"".join(line for _, line in zip(range(subset), fh, strict=False)))
        rules_start = time.process_time()
        rules_stats = screen_stream(head, lambda _s: None, knowledge=knowledge, use_learned=False)
        rules_cpu_rate = rules_stats.screened / (time.process_time() - rules_start)
        print(f"tokenise_rate: {tok_rate:.0f} posts/s")
        from sinergi.detection.engine.screening import _learned

        model = _learned.LearnedModel.load_default() if (_learned and not args.rules_only) else None
        print(f"learned_layer: {'on' if model is not None else 'off'} bool")
        print(f"screening_rate: {rate:.0f} posts/s")
        print(f"screening_cpu_rate: {stats.screened / cpu:.0f} posts/s")
        print(f"screening_rules_only_cpu_rate: {rules_cpu_rate:.0f} posts/s")
        print(f"screening_peak_rss_100k: {marks.get('rss_100k', peak_rss_mib()):.1f} MiB")
        print(f"screening_peak_rss_1m: {rss_end:.1f} MiB")
        print(f"screening_to_tokenise_ratio: {tok_rate / rate:.1f} x")
        print(f"screening_to_tokenise_cpu_ratio: {tok_cpu_rate / (stats.screened / cpu):.1f} x")
        print(f"screening_high_risk_share: {stats.levels['tinggi'] / max(stats.screened, 1) * 100:.1f} %")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
