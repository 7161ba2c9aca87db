"""`sinergi evaluate --dataset PATH`: figures on a labelled file of real texts, and clear refusals of bad lines."""

import json

import pytest

from sinergi import cli
from sinergi.detection.engine import dataset

RISKY = "Ditawari kerja admin di Kamboja gaji 20 juta, berangkat pakai visa turis lewat Bangkok, tiket ditanggung."
SAFE = "Dicari kasir toko roti di Bandung, shift pagi, kirim lamaran ke email toko."
UNCLEAR = "LPK membuka kelas bahasa Jepang, biaya pelatihan dicicil."


def write(tmp_path, rows, name="set.jsonl"):
    path = tmp_path / name
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8"
    )
    return path


def test_figures_split_by_form_destination_and_modus_with_unclear_apart(tmp_path, capsys):
    path = write(
        tmp_path,
        [
            {
                "id": "a",
                "text": RISKY,
                "label": "risky",
                "verbatim": False,
                "destination": "KH",
                "indicators": ["x"],
            },
            {
                "id": "b",
                "text": SAFE,
                "label": "safe",
                "verbatim": True,
                "destination": "ID",
                "indicators": ["y"],
            },
            {"id": "c", "text": UNCLEAR, "label": "unclear", "verbatim": True, "destination": "JP"},
        ],
    )
    result = dataset.evaluate_dataset(path)
    figures = result.to_dict()
    assert (figures["risky"], figures["safe"], figures["unclear"]) == (1, 1, 1)
    assert figures["engine"]["tp"] == 1 and figures["engine"]["fp"] == 0
    assert set(figures["by"]["form"]) == {"verbatim", "described"}
    assert set(figures["by"]["destination"]) == {"KH", "ID"}
    assert set(figures["by"]["modus"]) == {"x", "y"}
    assert "naive_keywords" in figures and "engine_cross_validated" in figures
    assert cli.main(["evaluate", "--dataset", str(path), "--errors"]) == 0
    out = capsys.readouterr().out
    assert "naive 30 keywords" in out and "unclear: " in out and "cross-validation" in out


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "a", "text": "x"}', "baris 2: kolom wajib tidak ada: label"),
        ('{"id": "a", "text": "x", "label": "maybe"}', "baris 2: label 'maybe' tidak dikenal"),
        ('{"id": "a", "text": "", "label": "safe"}', "baris 2: 'text' harus teks"),
        ("{not json", "baris 2: bukan JSON"),
        ("[1, 2]", "baris 2: harus berupa objek JSON"),
        ('{"id": "z", "text": "x", "label": "safe"}', "baris 2: id 'z' sudah dipakai di baris 1"),
        ('{"id": "a", "text": "x", "label": "safe", "destination": "Kamboja"}', "baris 2: 'destination'"),
        ('{"id": "a", "text": "x", "label": "safe", "verbatim": "yes"}', "baris 2: 'verbatim'"),
    ],
)
def test_a_bad_line_is_refused_naming_the_line(tmp_path, capsys, line, message):
    path = write(tmp_path, [{"id": "z", "text": SAFE, "label": "safe"}, line])
    with pytest.raises(dataset.DatasetError, match=message):
        dataset.load_dataset(path)
    assert cli.main(["evaluate", "--dataset", str(path)]) == 2
    assert message.split(":")[0] in capsys.readouterr().err


def test_missing_empty_and_binary_files_are_refused(tmp_path, capsys):
    assert cli.main(["evaluate", "--dataset", str(tmp_path / "none.jsonl")]) == 2
    assert "tidak dapat dibuka" in capsys.readouterr().err
    empty = write(tmp_path, [], "empty.jsonl")
    assert cli.main(["evaluate", "--dataset", str(empty)]) == 2
    assert "kosong" in capsys.readouterr().err
    binary = tmp_path / "bin.jsonl"
    binary.write_bytes(b"\xff\xfe\x00garbage\n")
    assert cli.main(["evaluate", "--dataset", str(binary)]) == 2
    assert "baris 1" in capsys.readouterr().err


def test_the_naive_floor_is_thirty_keywords():
    assert len(dataset.NAIVE_KEYWORDS) == 30
    assert dataset.naive_flag("Kerja di Kamboja, gaji besar")
    assert not dataset.naive_flag(SAFE)
