"""The word-prefix dispatcher finds exactly what searching every pattern on its own finds."""

import random
import re

import yaml

from sinergi.detection.engine.dispatch import Dispatcher, prefixes
from sinergi.detection.engine.knowledge_base import DEFAULT_DIR
from sinergi.detection.engine.screening import _tokens


def _patterns():
    data = yaml.safe_load((DEFAULT_DIR / "indicators.yaml").read_text(encoding="utf-8"))
    return [(ind["code"], p) for ind in data["indicators"] for p in ind.get("patterns") or []]


SAMPLES = [
    "Dibutuhkan admin ke Kamboja, gaji 15jt tnp pengalaman, tiket ditanggung, berangkat minggu ini!",
    "kerja kilang johor tak perlu pasport, lewat jalur tikus, ejen uruskan semua, potong gaji 3 bulan",
    "Job in Dubai, visit visa, no experience needed, free flight, passport will be kept by the agency",
    "ART ke Saudi, umur 16 gpp, paspor menyusul, biaya proses 5jt, jangan bilang siapa-siapa",
    "di bawah umur boleh, ga perlu ke disnaker, dm aja kak, wa only, 2 minggu langsung berangkat",
    "ABK kapal ikan tanpa pkl, gaji dibayar di akhir kontrak, uang talangan, kasbon, dp 500rb",
]


def test_every_pattern_is_indexed_by_word_prefix():
    for code, pattern in _patterns():
        assert prefixes(pattern) is not None, f"{code}: {pattern} would be searched over the whole text"


def test_dispatch_matches_brute_force_search():
    patterns = _patterns()
    # One family per pattern, so that the comparison is pattern by pattern.
    dispatcher = Dispatcher([(f"f{i}", f"{code}#{i}", p) for i, (code, p) in enumerate(patterns)])
    rng = random.Random(7)
    words = " ".join(SAMPLES).split()
    texts = [*SAMPLES] + [" ".join(rng.choice(words) for _ in range(40)) for _ in range(60)]
    for text in texts:
        low = text.lower()
        found = dispatcher.scan(low, *_tokens(low))
        for i, (code, pattern) in enumerate(patterns):
            expected = re.search(pattern, low)
            label = f"{code}#{i}"
            assert (label in found) == (expected is not None), (pattern, text)
            if expected is not None:
                assert found[label] == expected.span()
