"""`sinergi screen`: streams JSONL, reports broken lines by number, writes the output atomically."""

import json
import os

import pytest

from sinergi import cli


def _write(path, lines):
    with open(path, "wb") as fh:
        for line in lines:
            fh.write(line if isinstance(line, bytes) else line.encode("utf-8"))
            fh.write(b"\n")


def _read(path):
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def test_screens_good_lines_and_reports_broken_ones(tmp_path, capsys):
    src = tmp_path / "posts.jsonl"
    out = tmp_path / "results.jsonl"
    _write(
        src,
        [
            json.dumps({"id": "p1", "text": "Admin ke Kamboja gaji 15jt, tanpa pengalaman, WA 081234567890"}),
            "{not json",
            json.dumps(
                {"id": "p2", "text": "Lowongan kasir Cirebon, gaji UMR, BPJS", "platform": "facebook"}
            ),
            json.dumps(["a list"]),
            json.dumps({"id": "p3"}),
            b"\xff\xfe not utf-8",
            "",
            json.dumps({"id": "p4", "text": ""}),
        ],
    )
    code = cli.main(["screen", str(src), "-o", str(out), "--quiet"])
    assert code == 1  # broken lines present, output still written
    rows = _read(out)
    assert [r["id"] for r in rows] == ["p1", "p2", "p4"]
    assert [r["line"] for r in rows] == [1, 3, 8]
    first = rows[0]
    assert first["risk_level"] == "tinggi"
    assert "NON_PLACEMENT_COUNTRY" in {i["code"] for i in first["indicators"]}
    assert first["destination_country"] == "KH" and first["phones"] == ["+6281234567890"]
    assert rows[2]["warnings"]
    err = capsys.readouterr().err
    assert "4 baris rusak" in err
    for line in ("baris 2:", "baris 4:", "baris 5:", "baris 6:"):
        assert line in err
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".part")]


def test_all_good_exits_zero_and_huge_text_is_truncated(tmp_path, capsys):
    src = tmp_path / "posts.jsonl"
    out = tmp_path / "results.jsonl"
    _write(src, [json.dumps({"id": 1, "text": "Kerja ke Kamboja " + "x" * 1_000_000})])
    assert cli.main(["screen", str(src), "-o", str(out), "--quiet"]) == 0
    row = _read(out)[0]
    assert row["id"] == 1 and any("terlalu panjang" in w for w in row["warnings"])


def test_crash_leaves_no_partial_output(tmp_path, monkeypatch):
    src = tmp_path / "posts.jsonl"
    out = tmp_path / "results.jsonl"
    out.write_text("previous results\n", encoding="utf-8")
    _write(src, [json.dumps({"text": "satu"}), json.dumps({"text": "dua"})])
    from sinergi.detection.engine import stream

    calls = {"n": 0}
    real = stream.screen

    def interrupted(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(stream, "screen", interrupted)
    assert cli.main(["screen", str(src), "-o", str(out), "--quiet"]) == 130
    assert out.read_text(encoding="utf-8") == "previous results\n"
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".part")]


def test_missing_input_is_a_clear_error(tmp_path, capsys):
    assert cli.main(["screen", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o.jsonl")]) == 2
    assert "tidak ditemukan" in capsys.readouterr().err


def test_binary_file_does_not_crash(tmp_path, capsys):
    src = tmp_path / "junk.jsonl"
    src.write_bytes(os.urandom(4096))
    out = tmp_path / "o.jsonl"
    assert cli.main(["screen", str(src), "-o", str(out), "--quiet"]) in (0, 1)
    assert out.exists()


def test_store_sends_results_to_the_platform(tmp_path, monkeypatch, capsys):
    src = tmp_path / "posts.jsonl"
    out = tmp_path / "results.jsonl"
    _write(src, [json.dumps({"id": "a", "text": "Admin ke Kamboja gaji 15jt"}), "{broken"])
    sent = []

    def fake_store(*, actor, results, source, filename, errors):
        sent.append((actor, list(results), source, filename, list(errors)))

    import sinergi.detection.services as services

    monkeypatch.setattr(services, "post_store_batch", fake_store)
    code = cli.main(["screen", str(src), "-o", str(out), "--store", "--quiet"])
    assert code == 1
    actor, results, source, filename, errors = sent[0]
    assert actor is None and source == "cli" and filename == "posts.jsonl"
    item, result = results[0]
    assert item == {"id": "a", "text": "Admin ke Kamboja gaji 15jt"} and result.risk_level == "tinggi"
    assert errors == [{"line": 2, "message": errors[0]["message"]}]
    assert "Disimpan ke platform: 1" in capsys.readouterr().err


@pytest.mark.django_db
def test_store_with_unknown_user_is_refused(tmp_path, capsys):
    src = tmp_path / "posts.jsonl"
    _write(src, [json.dumps({"text": "halo"})])
    assert cli.main(["screen", str(src), "-o", str(tmp_path / "o.jsonl"), "--store", "--user", "nobody"]) == 2
    assert "tidak ditemukan" in capsys.readouterr().err


def test_evaluate_is_dispatched(monkeypatch):
    import types

    import sinergi.detection.engine as engine

    seen = {}
    fake = types.SimpleNamespace(main=lambda argv: seen.setdefault("argv", argv) and 0)
    monkeypatch.setattr(engine, "evaluate", fake, raising=False)
    monkeypatch.setitem(__import__("sys").modules, "sinergi.detection.engine.evaluate", fake)
    assert cli.main(["evaluate", "--held-out"]) == 0
    assert seen["argv"] == ["--held-out"]


@pytest.mark.django_db
def test_store_writes_posts_to_the_platform(tmp_path, capsys):
    from sinergi.detection.models import ScreenedPost

    src = tmp_path / "posts.jsonl"
    _write(
        src,
        [
            json.dumps(
                {
                    "id": "fb-1",
                    "text": "Admin ke Kamboja gaji 15jt, tanpa pengalaman, hub WA 081234567890",
                    "platform": "facebook",
                    "account": "lokerln",
                    "posted_at": "2026-11-01T10:00:00+07:00",
                }
            ),
            json.dumps({"id": "fb-2", "text": "Lowongan kasir Cirebon, gaji UMR, BPJS"}),
        ],
    )
    code = cli.main(["screen", str(src), "-o", str(tmp_path / "o.jsonl"), "--store", "--quiet"])
    assert code == 0, capsys.readouterr().err
    assert ScreenedPost.objects.count() == 2
    assert "Disimpan ke platform: 2" in capsys.readouterr().err


def test_reads_standard_input(tmp_path, monkeypatch):
    import io
    import sys

    data = (json.dumps({"id": "s1", "text": "Kerja ke Kamboja gaji 15jt"}) + "\n").encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    out = tmp_path / "o.jsonl"
    assert cli.main(["screen", "-", "-o", str(out), "--quiet"]) == 0
    assert _read(out)[0]["id"] == "s1"
