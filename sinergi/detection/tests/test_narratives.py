"""The indicators of the narrated offer and of the modus added for issue 10: each fires on an ad and on a telling
of the offer (victim, relative, police), and stays quiet on a look-alike that is not the red flag.

Every text here is written for these tests; none is taken from a real post or from the evaluation set.
"""

import pytest

from sinergi.detection.engine import screen


def codes(text):
    return set(screen(text, use_learned=False).indicator_codes)


CASES = {
    "LURE_PROMISE": (
        [
            "Keponakan saya dijanjikan gaji dua kali lipat kalau mau kerja di pabrik di Johor.",
            "Polisi menyebut para korban diiming-imingi penghasilan besar di Osaka.",
            "She was promised a salary of 1,500 dollars as a cashier in Kuala Lumpur.",
        ],
        [
            "Lowongan kasir di Malang, gaji sesuai UMK, kirim lamaran ke toko.",
            "Gaji pokok dibayar tiap tanggal 25 ke rekening pekerja, sesuai kontrak kerja di Taiwan.",
        ],
    ),
    "SOCIAL_MEDIA_RECRUITMENT": (
        [
            "Ia melihat iklan lowongan kerja ke luar negeri di Facebook lalu menghubungi perekrutnya.",
            "Para pekerja migran itu direkrut melalui grup WhatsApp yang dibuat pelaku.",
        ],
        [
            "Informasi lowongan ke Jepang hanya di akun resmi BP3MI dan laman SIAPkerja.",
            "Lowongan pabrik di Cikarang, lihat pengumuman di Facebook perusahaan kami.",
        ],
    ),
    "CASH_INDUCEMENT": (
        [
            "Sebelum anaknya berangkat ke Dubai, orang tuanya diberi uang lima juta oleh sponsor.",
            "Calo memberi uang fit Rp2 juta kepada keluarga supaya istrinya boleh berangkat ke Malaysia.",
        ],
        [
            "Peserta magang resmi ke Jepang menerima uang saku bulanan dari perusahaan penerima.",
            "Keluarga pekerja menerima kiriman gaji bulanan dari Hong Kong.",
        ],
    ),
    "ENTERTAINMENT_SEXUAL_WORK": (
        [
            "Dicari pemandu lagu untuk karaoke di Ambon, gaji besar, mess gratis.",
            "Adik saya diajak kerja di kafe, ternyata disuruh menemani tamu minum sampai pagi.",
        ],
        [
            "Dibutuhkan resepsionis hotel untuk melayani tamu hotel, syarat D3 perhotelan.",
            "Lowongan barista di kafe kopi di Bandung, shift pagi, gaji UMK.",
        ],
    ),
    "BRIDE_ORDER": (
        [
            "Mak comblang datang ke desa mencari gadis untuk dinikahkan dengan pria Tiongkok, mahar untuk keluarga.",
            "Kakak saya dijodohkan dengan lelaki Taiwan yang katanya kaya, lalu dibawa ke sana.",
        ],
        [
            "Pernikahan kakak saya dengan teman kuliahnya di Bandung digelar Minggu depan.",
            "Biro perjalanan menawarkan paket bulan madu ke Bali untuk pengantin baru.",
        ],
    ),
    "TRAINING_ROUTE_FEE": (
        [
            "Program magang ke Jepang, biaya 40 juta bisa dicicil, pasti berangkat tiga bulan.",
            "Mahasiswa itu membayar dana talangan untuk ferienjob di Jerman, lalu upahnya dipotong.",
        ],
        [
            "Program magang resmi Kemnaker ke Jepang, tidak dipungut biaya, seleksi di Disnaker.",
            "Magang di kantor kecamatan untuk mahasiswa KKN, tanpa honor.",
        ],
    ),
    "NO_REQUIREMENTS": (
        [
            "Kerja di luar negeri: tanpa ijazah, tanpa pengalaman, tidak perlu tes bahasa, semua bisa.",
            "Katanya tanpa ijazah juga boleh, usia bebas, yang penting mau berangkat.",
        ],
        [
            "Dicari kuli angkut di pasar, tanpa pengalaman boleh, dibayar harian.",
            "Syarat: ijazah SMK, pengalaman satu tahun, lulus tes bahasa Jepang N4.",
        ],
    ),
    "UNNAMED_FOREIGN_COMPANY": (
        [
            "Dibutuhkan customer service untuk perusahaan asing di luar negeri, gaji dolar, cukup bisa mengetik.",
            "Ia ditawari kerja bagian IT di sebuah perusahaan Tiongkok di Kamboja.",
        ],
        [
            "Dibutuhkan customer service bank di Jakarta, kontrak PKWT, BPJS.",
            "PT Contoh Sentosa di Batam membuka lowongan teknisi IT, kantor di Batam Centre.",
        ],
    ),
    "BORDER_PORT_ROUTE": (
        [
            "Mereka diberangkatkan ke Malaysia lewat Batam memakai paspor pelancong.",
            "Teman saya dibawa dari Nunukan ke Tawau untuk kerja di kebun sawit Sabah.",
        ],
        [
            "Lowongan operator pabrik di Batam (bukan luar negeri), daftar di Disnaker Batam.",
            "Kapal penumpang dari Batam ke Tanjung Pinang berangkat setiap jam.",
        ],
    ),
    "SPONSOR_PAYS_ALL": (
        [
            "Semua biaya ditanggung sponsor, kalian tinggal berangkat ke Malaysia.",
            "Kata korban, ia berangkat ke luar negeri tanpa biaya sepeserpun karena calo menalangi semuanya.",
        ],
        [
            "Tiket pesawat ke Korea dibayar sendiri oleh pekerja EPS sesuai aturan.",
            "Biaya pelatihan di BLK ditanggung pemerintah daerah.",
        ],
    ),
    "GROUP_RECRUITMENT": (
        [
            "Sponsor itu membawa puluhan warga dari satu desa untuk kerja bangunan di Malaysia.",
            "Ia berangkat ke luar negeri bersama lima temannya yang dijanjikan kerja di pabrik.",
        ],
        [
            "Warga desa bergotong royong membersihkan saluran air.",
            "Pekerja migran berangkat ke Korea setelah lulus ujian EPS.",
        ],
    ),
    "RESTRICTED_MOVEMENT": (
        [
            "Di penampungan di Bekasi mereka dikurung dan HP-nya disita.",
            "Korban tidak boleh keluar dari mess selama berbulan-bulan.",
        ],
        [
            "Mess karyawan dekat pabrik, boleh keluar setelah jam kerja.",
            "HP boleh dibawa ke tempat kerja, wifi gratis di asrama.",
        ],
    ),
    "VIOLENCE_THREAT": (
        [
            "Yang tidak mencapai target dipukuli dan disetrum oleh penjaga.",
            "Ia diancam akan dijual ke perusahaan lain kalau berani melapor.",
        ],
        [
            "Pelatihan bela diri untuk satpam, gaji UMK.",
            "Pekerja mendapat asuransi kecelakaan kerja selama kontrak.",
        ],
    ),
    "DECEPTION_SWITCH": (
        [
            "Setibanya di sana ternyata ia dipekerjakan di rumah majikan, bukan di pabrik.",
            "Gajinya tidak sesuai dengan yang dijanjikan dan jam kerjanya dua kali lipat.",
        ],
        [
            "Gaji dibayar sesuai perjanjian kerja yang ditandatangani sebelum berangkat.",
            "Pekerjaan sesuai job order: operator mesin di pabrik di Taichung.",
        ],
    ),
    "DESTINATION_OR_EMPLOYER_UNNAMED": (
        [
            "Lowongan kerja di luar negeri, gaji besar, berminat hubungi saya.",
            "Ada peluang kerja ke luar negeri untuk lulusan SMA, negaranya nanti dikabari.",
        ],
        [
            "Lowongan kerja ke Jepang dari P3MI berizin, majikan pabrik di Aichi, job order terverifikasi.",
            "Dicari pelayan rumah makan di Solo, datang langsung ke alamat kami.",
        ],
    ),
}


@pytest.mark.parametrize(("code", "text"), [(c, t) for c, (pos, _neg) in CASES.items() for t in pos])
def test_the_indicator_fires_on_the_offer_and_on_its_telling(code, text):
    assert code in codes(text)


@pytest.mark.parametrize(("code", "text"), [(c, t) for c, (_pos, neg) in CASES.items() for t in neg])
def test_the_indicator_stays_quiet_on_a_look_alike(code, text):
    assert code not in codes(text)


NARRATED = [
    # A mother telling what her son was promised, in the past tense.
    "Anak saya dulu ditawari kerja admin di Kamboja, gajinya dijanjikan 15 juta, tiket ditanggung.",
    # A police summary in the third person, quoting the recruiter's post.
    'Menurut polisi, tersangka menulis "loker admin luar negeri gaji 12 jt tanpa pengalaman" di Facebook, '
    "lalu merekrut korban dan memberangkatkan mereka dengan visa turis lewat Bangkok.",
    # A victim recalling the offer, with the case words a release carries.
    "Korban mengaku diiming-imingi gaji besar sebagai ART di Arab Saudi dan berangkat dengan visa ziarah; "
    "polisi menangkap sponsornya.",
    # Colloquial, told by a friend.
    "Dia ditawarin kerja di Malaysia sama temennya, katanya gajinya gede, paspor diurusin, berangkat lewat Batam.",
    # A court record in the third person.
    "Menurut keterangan saksi, terdakwa merekrut tiga perempuan dari Kupang untuk dipekerjakan di Malaysia "
    "tanpa dokumen resmi.",
    # A group told in the first person plural.
    "Kami berenam diberangkatkan ke Brunei oleh sponsor yang membayari semua, lalu gaji kami dipotong tujuh bulan.",
    # A bride offer told to a relative.
    "Ada tawaran jadi pengantin untuk pria Tiongkok, keluarga dapat uang 50 juta, semua dokumen diurus.",
]


@pytest.mark.parametrize("text", NARRATED)
def test_a_narrated_offer_is_flagged_like_the_ad(text):
    result = screen(text)
    assert result.verdict in {"sedang", "tinggi"}
    assert not any(p["source"] == "dampener" for p in result.score_parts)


AWARENESS = [
    "Waspada modus lowongan kerja ke luar negeri! Jangan percaya tawaran lewat media sosial, "
    "kenali cirinya dan laporkan ke BP3MI.",
    "Imbauan Polda: jangan mau berangkat dengan visa turis untuk bekerja. Pastikan perusahaan terdaftar, "
    "jangan bayar ke rekening pribadi. Modus TPPO kerap memakai iklan gaji tinggi.",
]


@pytest.mark.parametrize("text", AWARENESS)
def test_awareness_posts_that_list_red_flags_stay_low(text):
    result = screen(text)
    assert result.risk_level == "rendah"
    assert result.verdict == "tidak_ditemukan"
