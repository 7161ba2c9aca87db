"""The ``sinergi`` console script.

``sinergi screen posts.jsonl -o results.jsonl [--store [--user NAME]] [--quiet]`` screens a JSONL file line by
line (flat memory, progress bar on stderr, broken lines reported by number, output written atomically).
``sinergi evaluate [...]`` runs the corpus evaluation of the learned layer.
``sinergi link records.csv -o clusters.csv --id COL --name COL [...]`` deduplicates the person records of one
file (`id,cluster`); ``sinergi link first.csv second.csv -o pairs.csv --id COL --name COL [--one-to-one] [...]``
links the records of one file to those of another, scoring only pairs across the two (Splink's link_only;
`source,id,cluster`). Both forms are described in sinergi/exchange/linkage/command.py.

Django is set up only for ``--store``, so screening works on any machine with the package installed.

Exit codes: 0 all lines screened; 1 some lines were broken or a batch was refused (the output is still
written); 2 usage, input/output or platform error; 130 interrupted (nothing written).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from sinergi.exchange.linkage import command as link_command

STORE_CHUNK = 5000


def _error(message: str) -> None:
    print(f"sinergi: {message}", file=sys.stderr)


class _Store:
    """Sends screened posts to the platform in chunks through detection.services.post_store_batch."""

    def __init__(self, username: str | None, filename: str):
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        try:
            import django

            django.setup()
            from django.contrib.auth import get_user_model

            from sinergi.detection.services import post_store_batch
        except Exception as exc:  # settings, database driver or app import: all mean "platform not set up"
            raise SystemExit(
                self._fail(
                    "platform Sinergi belum disiapkan untuk --store "
                    f"({type(exc).__name__}: {exc}). Periksa DJANGO_SETTINGS_MODULE dan konfigurasi basis data."
                )
            ) from exc
        self.post_store_batch = post_store_batch
        self.actor = None
        if username:
            try:
                self.actor = get_user_model().objects.get(username=username)
            except get_user_model().DoesNotExist as exc:
                raise SystemExit(self._fail(f"pengguna {username!r} tidak ditemukan")) from exc
            except Exception as exc:
                raise SystemExit(
                    self._fail(
                        f"basis data platform tidak dapat dibaca ({type(exc).__name__}); jalankan migrate"
                    )
                ) from exc
        self.filename = filename
        self.buffer: list[tuple[dict, object]] = []
        self.lines: list[int] = []
        self.errors: list[dict] = []
        self.stored_batches = 0
        self.stored_posts = 0
        self.refused: list[str] = []

    @staticmethod
    def _fail(message: str) -> int:
        _error(message)
        return 2

    def add(self, line: int, obj: dict, result) -> None:
        item = {
            key: obj.get(key)
            for key in ("id", "text", "platform", "account", "url", "posted_at")
            if key in obj
        }
        self.buffer.append((item, result))
        self.lines.append(line)
        if len(self.buffer) >= STORE_CHUNK:
            self.flush()

    def broken(self, line: int, message: str) -> None:
        if len(self.errors) < 1000:
            self.errors.append({"line": line, "message": message})

    def flush(self) -> None:
        if not self.buffer:
            return
        lines = self.lines
        try:
            self.post_store_batch(
                actor=self.actor,
                results=self.buffer,
                source="cli",
                filename=self.filename,
                errors=self.errors,
            )
            self.stored_batches += 1
            self.stored_posts += len(self.buffer)
            self.errors = []
        except Exception as exc:
            # The service refuses a batch as a whole; map its positions back to the file's line numbers.
            detail = getattr(exc, "fields", None) or {}
            positions = []
            for entry in (detail.get("lines") or [])[:20] if isinstance(detail, dict) else []:
                head, _, message = str(entry).partition(":")
                if head.strip().isdigit() and 0 < int(head) <= len(lines):
                    positions.append(f"baris {lines[int(head) - 1]}:{message}")
            summary = f"baris {lines[0]}-{lines[-1]} tidak disimpan ({getattr(exc, 'message', None) or exc})"
            self.refused.append(summary + (": " + "; ".join(positions) if positions else ""))
        finally:
            self.buffer = []
            self.lines = []


def _screen(args) -> int:
    from tqdm import tqdm

    from sinergi.detection.engine import KnowledgeError
    from sinergi.detection.engine.screening import default_knowledge
    from sinergi.detection.engine.stream import screen_file

    if args.input != "-" and not os.path.isfile(args.input):
        _error(f"berkas masukan tidak ditemukan: {args.input}")
        return 2
    out_dir = os.path.dirname(os.path.abspath(args.output))
    if not os.path.isdir(out_dir):
        _error(f"folder keluaran tidak ada: {out_dir}")
        return 2
    try:
        knowledge = default_knowledge()
    except KnowledgeError as exc:
        _error(f"berkas pengetahuan tidak valid: {exc}")
        return 2

    store = _Store(args.user, os.path.basename(args.input)) if args.store else None
    total = os.path.getsize(args.input) if args.input != "-" else None
    bar = tqdm(
        total=total,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        desc="Menyaring",
        disable=args.quiet,
        file=sys.stderr,
        mininterval=0.5,
    )

    def on_broken(line: int, message: str) -> None:
        if store is not None:
            store.broken(line, message)
        if not args.quiet:
            bar.write(f"baris {line}: {message}", file=sys.stderr)

    started = time.monotonic()
    try:
        stats = screen_file(
            args.input,
            args.output,
            knowledge=knowledge,
            on_broken=on_broken,
            on_result=store.add if store is not None else None,
            on_progress=bar.update,
        )
        if store is not None:
            store.flush()
    except KeyboardInterrupt:
        bar.close()
        _error("dihentikan; tidak ada berkas hasil yang ditulis")
        return 130
    except OSError as exc:
        bar.close()
        _error(f"gagal membaca/menulis: {exc}")
        return 2
    bar.close()

    levels = stats.levels
    seconds = max(time.monotonic() - started, 1e-6)
    print(
        f"Selesai: {stats.screened} unggahan disaring (tinggi {levels['tinggi']}, sedang {levels['sedang']}, "
        f"rendah {levels['rendah']}), {stats.broken_count} baris rusak, {seconds:.1f} detik "
        f"({stats.screened / seconds:.0f} unggahan/detik). Hasil: {args.output}",
        file=sys.stderr,
    )
    if stats.broken_count:
        shown = ", ".join(str(line) for line, _ in stats.broken[:50])
        more = " ..." if stats.broken_count > 50 else ""
        print(f"Baris rusak (dilewati): {shown}{more}", file=sys.stderr)
        for line, message in stats.broken[:50]:
            print(f"  baris {line}: {message}", file=sys.stderr)
    if store is not None:
        print(
            f"Disimpan ke platform: {store.stored_posts} unggahan dalam {store.stored_batches} batch.",
            file=sys.stderr,
        )
        for refused in store.refused:
            print(f"  {refused}", file=sys.stderr)
    return 1 if stats.broken_count or (store is not None and store.refused) else 0


def _evaluate(argv: list[str]) -> int:
    try:
        from sinergi.detection.engine import evaluate
    except ImportError:
        _error(
            "perintah 'evaluate' belum tersedia di instalasi ini (modul sinergi.detection.engine.evaluate tidak ada)"
        )
        return 2
    main = getattr(evaluate, "main", None)
    if main is None:
        _error("modul evaluasi tidak punya fungsi main()")
        return 2
    result = main(argv)
    return int(result or 0)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sinergi",
        description="Sinergi: deteksi dini tawaran kerja berisiko TPPO.",
    )
    sub = parser.add_subparsers(dest="command", metavar="PERINTAH")
    p = sub.add_parser(
        "screen",
        help="saring berkas JSONL unggahan/lowongan",
        description="Saring berkas JSONL (satu objek JSON per baris, minimal kolom 'text').",
    )
    p.add_argument("input", help="berkas JSONL masukan ('-' untuk stdin)")
    p.add_argument("-o", "--output", required=True, help="berkas JSONL hasil (ditulis utuh di akhir)")
    p.add_argument("--store", action="store_true", help="juga simpan hasil ke platform untuk ditinjau analis")
    p.add_argument("--user", help="nama pengguna platform yang tercatat sebagai pengirim (dengan --store)")
    p.add_argument("--quiet", action="store_true", help="tanpa bilah kemajuan dan pesan per baris")
    link_command.add_parser(sub)
    sub.add_parser(
        "evaluate", help="evaluasi model pada korpus berlabel (presisi, recall, F1)", add_help=False
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "evaluate":
        return _evaluate(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    if args.command == "link":
        return link_command.run(args)
    if args.user and not args.store:
        parser.error("--user hanya dipakai bersama --store")
    try:
        return _screen(args)
    except SystemExit as exc:
        return int(exc.code or 0) if isinstance(exc.code, int) else 2


if __name__ == "__main__":
    sys.exit(main())
