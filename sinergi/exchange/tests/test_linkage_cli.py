"""`sinergi link`: id,cluster for every row, clear refusals, never a half-written output."""

from __future__ import annotations

import csv

import pytest

from sinergi.cli import main
from sinergi.exchange.linkage import model as linkage_model
from sinergi.exchange.linkage.synthetic import generate

HEADERS = {"unique_id": "ID", "name": "Nama", "sex": "JK", "birth_date": "Tgl Lahir", "nik": "NIK",
           "phone": "HP", "region": "Wilayah"}  # fmt: skip
ARGS = ["--id", "ID", "--name", "Nama", "--sex", "JK", "--birth-date", "Tgl Lahir", "--nik", "NIK",
        "--phone", "HP", "--region", "Wilayah", "--quiet"]  # fmt: skip


def _write(path, rows: int, seed: int = 3):
    frame = generate(rows, seed=seed)
    frame.drop(columns=["true_cluster"]).rename(columns=HEADERS).to_csv(path, index=False)
    return frame


def _read(path) -> dict[str, str]:
    with open(path, encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["id", "cluster"]
        return {row["id"]: row["cluster"] for row in reader}


def _pair_f1(frame, clusters: dict[str, str]) -> float:
    from math import comb

    truth = dict(zip(frame.unique_id, frame.true_cluster, strict=True))
    cells: dict[tuple, int] = {}
    for rid, cluster in clusters.items():
        cells[(cluster, truth[rid])] = cells.get((cluster, truth[rid]), 0) + 1
    both = sum(comb(n, 2) for n in cells.values())
    predicted = sum(comb(n, 2) for n in _counts(clusters.values()).values())
    true = sum(comb(n, 2) for n in _counts(truth.values()).values())
    return 2 * both / (predicted + true)


def _counts(values) -> dict:
    counts: dict = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def test_small_file_is_linked_with_the_default_model(tmp_path, capsys):
    frame = _write(tmp_path / "in.csv", 400)
    assert main(["link", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"), *ARGS]) == 0
    clusters = _read(tmp_path / "out.csv")
    assert set(clusters) == set(frame.unique_id)
    assert _pair_f1(frame, clusters) > 0.85
    assert "memakai model bawaan" in capsys.readouterr().err


def test_only_id_and_name_are_needed(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(
        "no;nama\n1;Muhammad Yusuf Santoso\n2;Moh. Yusuf Santoso\n3;Siti Aminah\n", encoding="utf-8"
    )
    assert (
        main(["link", str(path), "-o", str(tmp_path / "out.csv"), "--id", "no", "--name", "nama", "--quiet"])
        == 0
    )
    clusters = _read(tmp_path / "out.csv")
    assert sorted(clusters) == ["1", "2", "3"]
    assert clusters["3"] not in (clusters["1"], clusters["2"])


def test_a_large_file_trains_its_own_model_and_saves_it_versioned(tmp_path):
    frame = _write(tmp_path / "in.csv", 2500, seed=11)
    saved = tmp_path / "models" / "run.json"
    argv = ["link", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"), *ARGS]
    assert main([*argv, "--save-model", str(saved), "--model-version", "2026.12"]) == 0
    assert _pair_f1(frame, _read(tmp_path / "out.csv")) > 0.9
    _, version = linkage_model.load(saved)
    assert (version.version, version.trained_on_records) == ("2026.12", 2500)
    # The saved model scores the same file again without training.
    assert main([*argv[:3], str(tmp_path / "again.csv"), *ARGS, "--model", str(saved)]) == 0
    assert set(_read(tmp_path / "again.csv")) == set(frame.unique_id)


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        (b"", [], "kosong"),
        (b"ID,Nama\n", [], "tidak berisi rekaman"),
        (b"ID,Nama\n1,Jos\xe9\n", [], "bukan UTF-8"),
        (b"ID,Nama\n1,Budi\n", ["--nik", "NIK"], "kolom tidak ada di berkas: NIK"),
        (b"ID,Nama\n1,Budi\n1,Bambang\n", [], "id tidak unik"),
        (b"ID,Nama\n1,Budi\n,Bambang\n", [], "kolom id kosong di baris 3"),
    ],
)
def test_bad_input_is_refused_clearly_and_writes_nothing(tmp_path, capsys, content, extra, message):
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    out = tmp_path / "out.csv"
    assert main(["link", str(path), "-o", str(out), "--id", "ID", "--name", "Nama", "--quiet", *extra]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [path]


def test_windows_1252_file_is_read_when_told(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes("ID,Nama\n1,José Santoso\n2,Jose Santoso\n".encode("cp1252"))
    argv = ["link", str(path), "-o", str(tmp_path / "out.csv"), "--id", "ID", "--name", "Nama", "--quiet"]
    assert main([*argv, "--encoding", "cp1252"]) == 0
    assert len(_read(tmp_path / "out.csv")) == 2


def test_missing_input_and_output_folder_are_reported(tmp_path, capsys):
    base = ["--id", "ID", "--name", "Nama", "--quiet"]
    assert main(["link", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "o.csv"), *base]) == 2
    assert "tidak ditemukan" in capsys.readouterr().err
    (tmp_path / "in.csv").write_text("ID,Nama\n1,Budi\n")
    assert main(["link", str(tmp_path / "in.csv"), "-o", str(tmp_path / "x" / "o.csv"), *base]) == 2
    assert "folder keluaran tidak ada" in capsys.readouterr().err


def test_an_interrupted_run_leaves_no_output(tmp_path, monkeypatch, capsys):
    _write(tmp_path / "in.csv", 50)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("sinergi.exchange.linkage.pipeline.link", interrupted)
    out = tmp_path / "out.csv"
    assert main(["link", str(tmp_path / "in.csv"), "-o", str(out), *ARGS]) == 130
    assert not out.exists()
    assert "tidak ada berkas hasil" in capsys.readouterr().err


def _read_rows(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_two_files_are_linked_to_each_other_by_name_birth_date_and_address(tmp_path, capsys):
    (tmp_path / "bp3mi.csv").write_text(
        "no,nama,lahir,alamat,kodepos\n"
        '1,Muhammad Yusuf Santoso,1990-01-05,"Jln. Melati No. 7, RT 002/RW 004, Kel. Sukamaju",40123\n'
        "2,Siti Aminah,1975-03-02,Jl. Sudirman 80,61211\n"
        "3,Dewi Lestari,1988-11-30,Gg. Mawar 12,55281\n",
        encoding="utf-8",
    )
    (tmp_path / "polisi.csv").write_text(
        "no,nama,lahir,alamat,kodepos\n"
        "1,Dewi Lestari,30/11/1988,gang mawar 12,55281\n"
        "2,Moh. Yusuf Santoso,05/01/1990,jalan melati 7 rt 2 rw 4 sukamaju,40123\n"
        "3,Bambang Wijaya,1960-07-17,Jl. Diponegoro 3,10310\n",
        encoding="utf-8",
    )
    argv = ["link", str(tmp_path / "bp3mi.csv"), str(tmp_path / "polisi.csv"), "-o", str(tmp_path / "out.csv"),
            "--id", "no", "--name", "nama", "--birth-date", "lahir", "--address", "alamat", "--postcode", "kodepos",
            "--quiet"]  # fmt: skip
    assert main(argv) == 0
    rows = _read_rows(tmp_path / "out.csv")
    # Every row of both files, first file first, ids that repeat across the files kept apart by their source.
    assert [(r["source"], r["id"]) for r in rows] == [("1", "1"), ("1", "2"), ("1", "3"), ("2", "1"), ("2", "2"), ("2", "3")]  # fmt: skip
    cluster = {(r["source"], r["id"]): r["cluster"] for r in rows}
    assert cluster["1", "1"] == cluster["2", "2"]  # Muhammad / Moh. Yusuf Santoso
    assert cluster["1", "3"] == cluster["2", "1"]  # Dewi Lestari
    assert len({cluster["1", "2"], cluster["2", "3"], cluster["1", "1"], cluster["1", "3"]}) == 4
    assert "6 rekaman, 4 orang" in capsys.readouterr().err
    assert main([*argv, "--one-to-one"]) == 0
    assert {(r["source"], r["id"]): r["cluster"] for r in _read_rows(tmp_path / "out.csv")} == cluster


def test_one_to_one_needs_two_files_and_a_bad_second_file_is_named(tmp_path, capsys):
    (tmp_path / "a.csv").write_text("ID,Nama\n1,Budi\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("ID,Name\n1,Budi\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    base = ["-o", str(out), "--id", "ID", "--name", "Nama", "--quiet"]
    assert main(["link", str(tmp_path / "a.csv"), *base, "--one-to-one"]) == 2
    assert "--one-to-one hanya untuk dua berkas" in capsys.readouterr().err
    assert main(["link", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"), *base]) == 2
    assert "b.csv: kolom tidak ada di berkas: Nama" in capsys.readouterr().err
    assert not out.exists()
