"""Demo data for early detection: a few hundred generated posts (with reposted campaigns), reviews of some of
them, and departure screenings. Called by `manage.py demo_seed`; everything is synthetic.

Phone numbers use the 0812-0000-xxxx block and handles are invented, so no real person is named. The posts go
through the real engine and the real services, as an upload would.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from sinergi.detection.choices import PostSource

# Each template is a list of parts; each part lists alternatives, so two generated offers of one modus differ
# in most sentences (distinct campaigns) while a repost keeps the sentences and changes only details.
RISKY_TEMPLATES = [
    [
        ["{urgent} Dibutuhkan {n} orang {job}", "LOWKER {job} gaji gede", "Info kerja {job} buat kalian"],
        ["untuk perusahaan di {scam_place}.", "penempatan {scam_place} 🇰🇭", "di kantor kami {scam_place}."],
        ["Gaji {salary} bersih,", "Gaji {salary}, bonus tiap bulan,", "Pendapatan {salary} + komisi,"],
        [
            "tanpa pengalaman, cukup bisa ketik.",
            "ga perlu skill, bisa bhs Indonesia aja.",
            "tnp ijazah bs daftar.",
        ],
        [
            "Mess dan makan gratis, tiket + visa ditanggung.",
            "Paspor dibantu, pakai visa turis dulu.",
            "Tiket PP ditanggung kantor.",
        ],
        ["Berangkat {depart}.", "Kuota terbatas!!", "Proses cepat, {depart} langsung terbang."],
        ["Minat? WA {phone}", "Hub {telegram}", "DM atau WA {phone}"],
    ],
    [
        ["Dicari ART/pengasuh", "Butuh pembantu rumah tangga", "Lowongan baby sitter"],
        ["untuk majikan di {me_place},", "keluarga baik di {me_place},", "di {me_place} (majikan Arab),"],
        ["gaji {me_salary},", "gaji {me_salary} per bulan,", "salary {me_salary},"],
        [
            "berangkat pakai visa {me_visa},",
            "cukup visa {me_visa} dulu,",
            "visa {me_visa} nanti diganti di sana,",
        ],
        ["proses 2 minggu tanpa PT.", "tidak usah lewat PT, lebih cepat.", "semua diurus sponsor."],
        ["Hubungi ibu {sponsor} {phone}", "WA sponsor {sponsor} {phone}", "Info: {phone}"],
    ],
    [
        [
            "Kerja kebun sawit di {my_place},",
            "Lowongan buruh pabrik kayu {my_place},",
            "Kerja bangunan di {my_place},",
        ],
        ["lewat {border} cukup bawa KTP,", "jalan darat via {border},", "nyebrang dari {border},"],
        ["tidak perlu paspor kerja.", "paspor pelancong saja cukup.", "dokumen diurus di perbatasan."],
        ["Biaya {fee} nanti dipotong gaji.", "Ongkos {fee} potong gaji 5 bulan.", "Bayar {fee} di muka."],
        ["Berangkat {depart}.", "Rombongan berangkat {depart}.", ""],
        ["DM atau WA {phone}", "Hub {phone}", "Telegram {telegram}"],
    ],
    [
        [
            "Lowongan ABK kapal ikan {fish_place},",
            "Dibutuhkan ABK kapal asing ({fish_place}),",
            "Kerja di kapal tangkap {fish_place},",
        ],
        ["usia 17-35 th,", "umur 16 ke atas,", "usia bebas,"],
        ["tanpa pengalaman,", "belum pernah melaut boleh,", "tnp sertifikat BST,"],
        ["gaji {usd} per bulan,", "gaji {usd} + bonus ikan,", "upah {usd},"],
        ["potong gaji 6 bulan untuk biaya,", "biaya diganti potong gaji,", "jaminan ijazah ditahan,"],
        ["Info {phone}", "Hubungi agen {phone}", "Gabung grup {telegram}"],
    ],
    [
        [
            "Program kerja ke {asia_place} jalur cepat",
            "Magang {asia_place} tanpa tes",
            "Kerja di {asia_place} dijamin berangkat",
        ],
        ["tanpa tes bahasa,", "tanpa LPK resmi,", "tanpa antre SIAPkerja,"],
        ["biaya proses {fee} bisa dicicil,", "DP {fee} sisanya potong gaji,", "cukup bayar {fee},"],
        ["dijamin berangkat {depart}.", "visa diurus kami.", "pakai visa pelajar dulu."],
        ["Kantor kami di {city},", "Pendaftaran di {city},", ""],
        ["hubungi admin {telegram} / {phone}", "WA {phone}", "DM {telegram}"],
    ],
]
SAFE_TEMPLATES = [
    [
        [
            "Pendaftaran program G to G Korea (EPS-TOPIK) 2026 dibuka melalui KP2MI.",
            "Ujian EPS-TOPIK Korea dibuka.",
        ],
        ["Tidak dipungut biaya penempatan.", "Pendaftaran gratis, hanya melalui situs resmi."],
        ["Informasi resmi di Disnaker {city}.", "Tanyakan ke BP3MI atau Disnaker {city}."],
        ["Jangan percaya calo.", "Waspada penipuan yang mengatasnamakan pemerintah."],
    ],
    [
        [
            "PT {p3mi} (P3MI berizin KP2MI) membuka lowongan caregiver ke Taiwan.",
            "Job order resmi perawat lansia Taiwan dari PT {p3mi}.",
        ],
        ["Gaji NT$ 20.000 sesuai kontrak kerja,", "Gaji sesuai standar Taiwan, kontrak 3 tahun,"],
        ["pelatihan di BLK-LN,", "wajib pelatihan dan uji kompetensi,"],
        [
            "pendaftaran lewat SIAPkerja dan Disnaker {city}.",
            "daftar di LTSA {city} membawa KTP dan izin keluarga.",
        ],
    ],
    [
        [
            "Program Specified Skilled Worker (SSW) Jepang bidang kaigo:",
            "Peluang kerja SSW Jepang sektor pengolahan makanan:",
        ],
        ["syarat JFT-Basic A2 dan tes keterampilan.", "lulus tes bahasa dan tes keahlian."],
        ["Daftar melalui SIAPkerja,", "Pendaftaran resmi di Disnaker {city},"],
        ["ikuti orientasi pra pemberangkatan.", "perjanjian kerja ditandatangani sebelum berangkat."],
    ],
    [
        [
            "Lowongan kasir minimarket di {city}.",
            "Dibutuhkan pramuniaga toko di {city}.",
            "Lowongan admin gudang {city}.",
        ],
        ["Syarat lulusan SMA, usia 18-30 tahun,", "Pendidikan minimal SMK, usia 20-35,"],
        ["gaji sesuai UMK, BPJS Ketenagakerjaan,", "gaji UMK + uang makan, BPJS,"],
        ["kontrak tertulis.", "kontrak kerja 1 tahun, bisa diperpanjang."],
        ["Lamaran diantar langsung ke kantor cabang.", "Kirim CV ke HRD PT {company}."],
    ],
    [
        [
            "Dibutuhkan operator produksi pabrik garmen di {city},",
            "Lowongan operator jahit {city},",
            "Butuh helper produksi di {city},",
        ],
        ["shift kerja 8 jam,", "5 hari kerja seminggu,"],
        ["gaji UMK + lembur, BPJS, mess tersedia.", "gaji sesuai UMK dan tunjangan."],
        ["Wawancara di kantor HRD PT {company}, tanpa biaya apa pun.", "Tidak dipungut biaya."],
    ],
    [
        [
            "Sosialisasi migrasi aman di Desa {village}:",
            "Penyuluhan bekerja ke luar negeri secara aman, Desa {village}:",
        ],
        ["cara mendaftar kerja ke luar negeri secara resmi,", "kenali calo dan lowongan palsu,"],
        ["dokumen yang wajib dibawa, dan nomor pengaduan BP3MI.", "hubungi BP3MI bila ragu."],
        ["Terbuka untuk umum.", "Gratis, ajak keluarga."],
    ],
]
SLOTS = {
    "urgent": ["URGENT!!", "🔥🔥 SEGERA", "Info loker", "Lowongan cepat", ""],
    "n": ["5", "10", "20", "50"],
    "job": ["admin", "CS online", "operator", "marketing online", "admin game"],
    "scam_place": ["Kamboja", "Phnom Penh", "Sihanoukville", "Myawaddy (Myanmar)", "Laos", "Bavet Kamboja"],
    "salary": ["15jt", "Rp 18.000.000", "USD 1.000", "12 juta", "20jt/bln"],
    "depart": ["minggu ini", "secepatnya", "3 hari lagi", "bulan ini"],
    "me_place": ["Arab Saudi", "Riyadh", "Dubai", "Qatar", "Kuwait", "Yordania"],
    "me_salary": ["SAR 1.500", "6jt", "Rp 7.000.000"],
    "me_visa": ["ziarah", "umrah", "kunjungan"],
    "sponsor": ["Rina", "Ani", "Sari", "Wati"],
    "my_place": ["Sabah", "Sarawak", "Johor", "Tawau"],
    "border": ["Entikong", "Nunukan", "jalur tikus Tawau", "Batam"],
    "fee": ["Rp 3.500.000", "5jt", "Rp 25.000.000", "35jt"],
    "fish_place": ["Taiwan", "Korea", "Fiji", "Peru"],
    "usd": ["USD 450", "USD 600", "$500"],
    "asia_place": ["Jepang", "Korea", "Taiwan", "Polandia"],
    "city": ["Banjarmasin", "Mataram", "Kupang", "Lombok Timur", "Cilacap", "Indramayu"],
    "p3mi": ["Sinar Karya Mandiri", "Bina Tenaga Utama", "Mitra Kerja Sejahtera"],
    "company": ["Sentosa Abadi", "Garmen Jaya", "Makmur Tekstil"],
    "village": ["Sukamaju", "Karang Baru", "Oelnasi", "Batu Putih"],
}
PLATFORMS = ["facebook", "tiktok", "telegram", "instagram", "whatsapp", "x"]
HANDLE_WORDS = ["info", "loker", "kerja", "lowongan", "rekrut", "peluang", "karir"]


def _phone(rng: random.Random) -> str:
    return f"0812-0000-{rng.randint(1000, 9999)}"


def _telegram(rng: random.Random) -> str:
    return f"@{rng.choice(HANDLE_WORDS)}_{rng.choice(HANDLE_WORDS)}{rng.randint(10, 99)}"


def _account(rng: random.Random) -> str:
    return f"{rng.choice(HANDLE_WORDS)}.{rng.choice(HANDLE_WORDS)}{rng.randint(1, 999)}"


def _fill(template: list[list[str]], rng: random.Random) -> str:
    values = {key: rng.choice(options) for key, options in SLOTS.items()}
    values["phone"] = _phone(rng)
    values["telegram"] = _telegram(rng)
    text = " ".join(rng.choice(part) for part in template)
    return " ".join(text.format(**values).split())


def _repost(text: str, rng: random.Random) -> str:
    """A repost as people make them: emoji, hashtags, capitals, a changed figure."""
    edits = [
        lambda t: "🔥 " + t,
        lambda t: t + " #lowker #kerjaluarnegeri",
        lambda t: t.upper(),
        lambda t: t + " 🙏🙏",
        lambda t: t.replace("Minat?", "Yg minat langsung"),
        lambda t: "Repost: " + t,
    ]
    for edit in rng.sample(edits, k=rng.randint(1, 2)):
        text = edit(text)
    return text


def generate_posts(*, rng: random.Random, scale: int) -> list[dict]:
    now = timezone.now()
    posts: list[dict] = []
    campaigns = 25 * scale
    for number in range(campaigns):
        text = _fill(rng.choice(RISKY_TEMPLATES), rng)
        start = now - timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 1440))
        copies = rng.choice([1, 1, 2, 3, 4, 6, 8, 12])
        for copy in range(copies):
            posts.append(
                {
                    "id": f"demo-r{number}-{copy}",
                    "text": text if copy == 0 else _repost(text, rng),
                    "platform": rng.choice(PLATFORMS),
                    "account": _account(rng),
                    "posted_at": min(now, start + timedelta(hours=copy * rng.randint(2, 30))).isoformat(),
                }
            )
    for number in range(120 * scale):
        template = rng.choice(SAFE_TEMPLATES)
        posts.append(
            {
                "id": f"demo-s{number}",
                "text": _fill(template, rng),
                "platform": rng.choice(PLATFORMS),
                "account": _account(rng),
                "posted_at": (
                    now - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 1440))
                ).isoformat(),
            }
        )
    rng.shuffle(posts)
    posts.sort(key=lambda p: p["posted_at"])
    return posts


DEPARTURE_CASES = [
    # (checkpoint, checkpoint type, answers)
    (
        "PLBN Entikong (Sanggau)",
        "plbn",
        {
            "purpose": "work",
            "visa_type": "none",
            "registered": "no",
            "recruited_via": "calo",
            "costs_paid_by": "recruiter",
            "fee_paid_idr": 3_500_000,
            "debt": "yes",
            "passport_holder": "companion",
            "accompanied_by": "group_with_escort",
            "waiting_at_destination": "unknown_person",
            "job_type": "plantation",
            "destination_country": "MY",
            "age": 19,
            "knows_employer": "no",
            "documents": ["passport"],
            "signs": ["coached"],
        },
    ),
    (
        "Bandara Soekarno-Hatta (Tangerang)",
        "airport",
        {
            "purpose": "tourism",
            "visa_type": "tourist",
            "registered": "no",
            "recruited_via": "social_media",
            "costs_paid_by": "recruiter",
            "debt": "no",
            "passport_holder": "self",
            "accompanied_by": "alone",
            "waiting_at_destination": "unknown_person",
            "job_type": "online_admin",
            "destination_country": "KH",
            "age": 24,
            "knows_employer": "partly",
            "documents": ["passport"],
        },
    ),
    (
        "Bandara Zainuddin Abdul Madjid (Lombok)",
        "airport",
        {
            "purpose": "religious",
            "visa_type": "umrah",
            "registered": "no",
            "recruited_via": "family_friend",
            "costs_paid_by": "recruiter",
            "debt": "no",
            "passport_holder": "self",
            "accompanied_by": "recruiter",
            "waiting_at_destination": "unknown_person",
            "job_type": "domestic_worker",
            "destination_country": "SA",
            "age": 31,
            "knows_employer": "no",
            "documents": ["passport"],
        },
    ),
    (
        "Pelabuhan Tunon Taka (Nunukan)",
        "seaport",
        {
            "purpose": "work",
            "visa_type": "work",
            "registered": "yes",
            "recruited_via": "p3mi",
            "costs_paid_by": "employer",
            "debt": "no",
            "passport_holder": "self",
            "accompanied_by": "alone",
            "waiting_at_destination": "employer",
            "job_type": "plantation",
            "destination_country": "MY",
            "age": 29,
            "knows_employer": "yes",
            "documents": [
                "passport",
                "work_visa",
                "placement_agreement",
                "employment_contract",
                "family_permission",
                "health_certificate",
                "orientation",
            ],
        },
    ),
    (
        "Bandara El Tari (Kupang)",
        "airport",
        {
            "purpose": "work",
            "visa_type": "work",
            "registered": "no",
            "recruited_via": "calo",
            "costs_paid_by": "self",
            "fee_paid_idr": 12_000_000,
            "debt": "no",
            "passport_holder": "self",
            "accompanied_by": "alone",
            "waiting_at_destination": "p3mi_agent",
            "job_type": "caregiver",
            "destination_country": "TW",
            "age": 17,
            "knows_employer": "partly",
            "documents": ["passport", "work_visa"],
        },
    ),
    (
        "Bandara Juanda (Surabaya)",
        "airport",
        {
            "purpose": "work",
            "visa_type": "work",
            "registered": "yes",
            "recruited_via": "g2g",
            "costs_paid_by": "self",
            "debt": "no",
            "passport_holder": "self",
            "accompanied_by": "alone",
            "waiting_at_destination": "employer",
            "job_type": "factory",
            "destination_country": "KR",
            "age": 26,
            "knows_employer": "yes",
            "documents": [
                "passport",
                "work_visa",
                "placement_agreement",
                "employment_contract",
                "family_permission",
                "health_certificate",
                "orientation",
            ],
        },
    ),
]

CONFIRM_REASONS = [
    "Negara tujuan bukan negara penempatan; pola perekrutan kawasan penipuan daring.",
    "Visa kunjungan/umrah untuk bekerja, perekrut perseorangan; sesuai modus TPPO.",
    "Biaya dipotong gaji dan jalur tidak resmi: indikasi jeratan utang.",
]
DISMISS_REASONS = [
    "Informasi resmi program pemerintah, bukan tawaran kerja berisiko.",
    "Lowongan dalam negeri dengan kontrak dan BPJS; tidak ada indikator TPPO.",
]


def _users_who(may) -> list:
    """The demo's active agency users for whom the policy answers `may(user)` (a handful: the demo's staff)."""
    from sinergi.agencies.models import User

    users = User.objects.filter(is_active=True, agency__isnull=False).select_related("agency")
    return [user for user in users.order_by("id") if may(user)]


def seed(*, rng: random.Random, stdout, scale: int = 1) -> dict:
    """Stores generated posts through the engine, reviews some campaigns and records departure screenings."""
    from sinergi.detection import services
    from sinergi.detection.models import Campaign, can_create_departure_screening, can_review_posts
    from sinergi.detection.tasks import retraining_suppressed

    scale = max(1, int(scale))
    reviewers = _users_who(can_review_posts)
    actor = reviewers[0] if reviewers else None
    posts = generate_posts(rng=rng, scale=scale)
    batch = services.post_store_batch(actor=actor, results=posts, source=PostSource.DEMO, filename="demo")
    stdout.write(
        f"detection: {batch.stored_count} posts stored, {batch.campaign_count} campaigns, "
        f"{batch.flagged_count} flagged\n"
    )

    reviewed = 0
    if reviewers:
        # The demo's own reviews must not start a retraining of the shipped model.
        with retraining_suppressed():
            flagged = list(Campaign.objects.filter(risk_rank__gte=2).order_by("id"))
            rng.shuffle(flagged)
            for campaign in flagged[: max(3, len(flagged) // 3)]:
                analyst = rng.choice(reviewers)
                services.campaign_review(
                    actor=analyst,
                    campaign_id=campaign.pk,
                    decision="confirm",
                    reason=rng.choice(CONFIRM_REASONS),
                )
                reviewed += 1
            low = list(Campaign.objects.filter(risk_rank=1, status="new").order_by("id")[:3])
            for campaign in low:
                services.campaign_review(
                    actor=rng.choice(reviewers),
                    campaign_id=campaign.pk,
                    decision="dismiss",
                    reason=rng.choice(DISMISS_REASONS),
                )
                reviewed += 1
    else:
        stdout.write("detection: no analyst, supervisor or investigator user yet; no reviews seeded\n")

    officers = _users_who(can_create_departure_screening)
    screenings = 0
    if officers:
        for checkpoint, checkpoint_type, answers in DEPARTURE_CASES * scale:
            services.departure_screening_create(
                actor=rng.choice(officers),
                checkpoint_type=checkpoint_type,
                checkpoint_name=checkpoint,
                answers=answers,
            )
            screenings += 1
    else:
        stdout.write(
            "detection: no officer at Imigrasi, BP3MI, police or Disnaker yet; no departure screenings\n"
        )
    stdout.write(f"detection: {reviewed} campaigns reviewed, {screenings} departure screenings\n")
    return {"posts": batch.stored_count, "reviews": reviewed, "screenings": screenings}
