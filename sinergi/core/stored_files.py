"""Seals in place the stored files written before encryption at rest existed (issue 14 point 6).

    report = stored_files_seal(dry_run=False)     # manage.py encrypt_stored_files

Every file under the default storage's root (MEDIA_ROOT) that does not begin with the sealed format's mark is
read, sealed with `core.uploads.seal` (the key every new upload is sealed with) and put back under its own name:
written to a new file beside it, flushed to disk, then renamed over the old one, so the file on disk is always
either the whole plaintext or the whole sealed file, never half of one. A run stopped half-way is run again:
sealed files are passed over, and the new files a stopped run left behind are removed. The app reads a sealed
and a plaintext file alike (`unseal`), so documents stay readable during the run.

A run that leaves no plaintext writes MARKER at the root; `check --deploy` warns while there is none (checks.py).
Nothing here names a file: stored names can hold an uploader's original file name, so only counts are reported.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.core.files.storage import storages

from sinergi.core.uploads import EncryptedFileSystemStorage, is_sealed, seal

MARKER = ".sinergi-sealed.json"
_PARTIAL_PREFIX = ".sealing-"  # a new file not yet renamed over its plaintext one
_MARK_LENGTH = 16  # enough of a file's start to tell whether it is sealed


class NotEncryptedStorage(Exception):
    """The default storage does not seal files (another backend is configured): there is nothing to do here."""


@dataclass
class SealReport:
    """Counts only, never names."""

    dry_run: bool
    examined: int = 0
    already_sealed: int = 0
    sealed: int = 0  # on a dry run: would be sealed
    sealed_bytes: int = 0
    skipped: int = 0  # not a regular file (a link), or changed or removed while it was being sealed
    partial_removed: int = 0
    failed: int = 0
    failures: dict[str, int] = field(default_factory=dict)  # error kind -> count

    @property
    def plaintext_left(self) -> bool:
        return (self.dry_run and self.sealed > 0) or self.failed > 0 or self.skipped > 0


def storage_root() -> Path:
    storage = storages["default"]
    if not isinstance(storage, EncryptedFileSystemStorage):
        raise NotEncryptedStorage(
            f"the default storage is {type(storage).__name__}, which does not seal files"
        )
    return Path(storage.location)


def stored_files_seal(*, dry_run: bool = False) -> SealReport:
    """Seals every plaintext file under the default storage's root (on a dry run only counts them)."""
    root = storage_root()
    report = SealReport(dry_run=dry_run)
    if not root.is_dir():
        return report
    for directory, subdirectories, names in os.walk(root):
        subdirectories.sort()
        for name in sorted(names):
            path = Path(directory) / name
            if path.parent == root and name == MARKER:
                continue
            if name.startswith(_PARTIAL_PREFIX):
                if not dry_run:
                    path.unlink(missing_ok=True)
                report.partial_removed += 1
                continue
            _seal_one(path, report)
    if not dry_run and not report.plaintext_left:
        _write_marker(root, report)
    return report


def _seal_one(path: Path, report: SealReport) -> None:
    report.examined += 1
    try:
        if path.is_symlink() or not path.is_file():
            report.skipped += 1
            return
        before = path.stat()
        with path.open("rb") as handle:
            if is_sealed(handle.read(_MARK_LENGTH)):
                report.already_sealed += 1
                return
            if report.dry_run:
                report.sealed += 1
                report.sealed_bytes += before.st_size
                return
            handle.seek(0)
            plain = handle.read()
        if _replace_atomically(path, seal(plain), before):
            report.sealed += 1
            report.sealed_bytes += len(plain)
        else:
            report.skipped += 1
    except OSError as error:
        report.failed += 1
        kind = type(error).__name__
        report.failures[kind] = report.failures.get(kind, 0) + 1


def _replace_atomically(path: Path, sealed: bytes, before: os.stat_result) -> bool:
    """Writes `sealed` beside `path`, flushes it, and renames it over `path` unless `path` changed since it was
    read (then the new file is dropped and False returned: the next run looks at it again)."""
    descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=_PARTIAL_PREFIX)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(sealed)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(partial, before.st_mode & 0o7777)
        now = path.stat()
        if (now.st_ino, now.st_size, now.st_mtime_ns) != (before.st_ino, before.st_size, before.st_mtime_ns):
            os.unlink(partial)
            return False
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)
    return True


def _fsync_directory(directory: Path) -> None:
    # The rename is durable only once the directory entry is on disk.
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_marker(root: Path, report: SealReport) -> None:
    content = json.dumps(
        {
            "format": "SNGF1",
            "completed_at": datetime.now(UTC).isoformat(),
            "sealed": report.sealed,
            "already_sealed": report.already_sealed,
        }
    ).encode()
    descriptor, partial = tempfile.mkstemp(dir=root, prefix=_PARTIAL_PREFIX)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, root / MARKER)
    _fsync_directory(root)


def sealing_completed() -> bool | None:
    """Whether a run of `stored_files_seal` found no plaintext left; None when there are no stored files at all
    (nothing to seal) or the storage does not seal. Cheap: looks at the root only, reads no file."""
    try:
        root = storage_root()
    except NotEncryptedStorage:
        return None
    if (root / MARKER).is_file():
        return True
    try:
        with os.scandir(root) as entries:
            if not any(entries):
                return None
    except FileNotFoundError:
        return None
    return False
