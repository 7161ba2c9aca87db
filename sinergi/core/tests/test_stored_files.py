"""`manage.py encrypt_stored_files` seals in place the files stored before encryption at rest, once; and
`check --deploy` warns until it has."""

from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.files.storage import default_storage
from django.core.management import call_command

from sinergi.core import stored_files
from sinergi.core.uploads import is_sealed

PLAIN = b"%PDF-1.4\nSurat keterangan: Siti Aminah, NIK 6371012345670001\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "protected")
    root = Path(settings.MEDIA_ROOT)
    root.mkdir()
    return root


def stored_before_encryption(media: Path, name: str, data: bytes = PLAIN) -> Path:
    """A file as the storage wrote it before it sealed anything: the plaintext, under its stored name."""
    path = media / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def encrypt(*args: str) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("encrypt_stored_files", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(path.relative_to(root)): (path.read_bytes(), path.stat().st_ino)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_a_plaintext_file_is_sealed_in_place_and_still_reads_through_the_app(media):
    path = stored_before_encryption(media, "portal/2025/03/Siti Aminah surat.pdf")
    status, output = encrypt()
    assert status == 0
    on_disk = path.read_bytes()
    assert is_sealed(on_disk) and b"6371012345670001" not in on_disk and b"Siti" not in on_disk
    name = "portal/2025/03/Siti Aminah surat.pdf"
    with default_storage.open(name) as handle:
        assert handle.read() == PLAIN
    assert default_storage.size(name) == len(PLAIN)
    # Counts only: the stored name holds the uploader's original file name, a person's name.
    assert "1 sealed now" in output and "Siti" not in output and "portal" not in output
    assert (media / stored_files.MARKER).is_file()
    assert not list(media.rglob(".sealing-*"))


def test_a_second_run_changes_nothing(media):
    stored_before_encryption(media, "cases/7/a1b2c3")
    default_storage.save("cases/7/new-upload", BytesIO(b"sealed when it was stored"))
    assert encrypt()[0] == 0
    before = snapshot(media)
    status, output = encrypt()
    assert status == 0 and "2 already sealed, 0 sealed now" in output
    assert {name: content for name, content in snapshot(media).items() if name != stored_files.MARKER} == {
        name: content for name, content in before.items() if name != stored_files.MARKER
    }


def test_a_dry_run_counts_and_changes_nothing(media):
    stored_before_encryption(media, "cases/7/a1b2c3")
    stored_before_encryption(media, "cases/8/d4e5f6", b"catatan " * 10)
    before = snapshot(media)
    status, output = encrypt("--dry-run")
    assert status == 0 and "2 would be sealed" in output and "nothing was changed" in output
    assert snapshot(media) == before and not (media / stored_files.MARKER).exists()


def test_a_stopped_run_is_resumed_and_its_partial_file_removed(media):
    sealed_first = stored_before_encryption(media, "cases/7/a1b2c3")
    assert encrypt()[0] == 0
    (media / stored_files.MARKER).unlink()
    # Stopped after writing the next file's new copy but before renaming it: the plaintext is still whole.
    left = stored_before_encryption(media, "cases/7/d4e5f6")
    (media / "cases/7/.sealing-x1y2").write_bytes(b"SNGF1 half written")
    first_after = sealed_first.read_bytes()
    status, output = encrypt()
    assert status == 0 and "1 already sealed, 1 sealed now" in output and "1 partial files" in output
    assert sealed_first.read_bytes() == first_after and is_sealed(left.read_bytes())
    assert sorted(p.name for p in (media / "cases/7").iterdir()) == ["a1b2c3", "d4e5f6"]


def test_a_file_that_cannot_be_written_fails_the_run_without_naming_it(media, monkeypatch):
    path = stored_before_encryption(media, "portal/2025/03/Siti.pdf")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(stored_files.tempfile, "mkstemp", disk_full)
    status, output = encrypt()
    assert status == 1 and "1 failed" in output and "OSError 1" in output and "Siti" not in output
    assert path.read_bytes() == PLAIN and not (media / stored_files.MARKER).exists()


def test_a_file_changed_while_it_is_sealed_is_left_for_the_next_run(media, monkeypatch):
    path = stored_before_encryption(media, "cases/7/a1b2c3")
    real_seal = stored_files.seal

    def seal_while_the_file_is_replaced(data: bytes) -> bytes:
        path.write_bytes(PLAIN + b"more")  # someone else changed it between the read and the rename
        return real_seal(data)

    monkeypatch.setattr(stored_files, "seal", seal_while_the_file_is_replaced)
    status, output = encrypt()
    assert status == 0 and "1 skipped" in output and path.read_bytes() == PLAIN + b"more"
    assert not (media / stored_files.MARKER).exists() and not list(media.rglob(".sealing-*"))


def test_the_file_keeps_its_permissions(media):
    path = stored_before_encryption(media, "cases/7/a1b2c3")
    path.chmod(0o640)
    encrypt()
    assert path.stat().st_mode & 0o777 == 0o640


def deploy_warnings() -> list[str]:
    return [
        message.id
        for message in run_checks(include_deployment_checks=True)
        if message.id.startswith("sinergi")
    ]


def test_check_deploy_warns_until_the_stored_files_are_sealed(media):
    assert deploy_warnings() == []  # nothing stored yet: nothing to seal
    stored_before_encryption(media, "cases/7/a1b2c3")
    assert deploy_warnings() == ["sinergi.core.W001"]
    encrypt("--dry-run")
    assert deploy_warnings() == ["sinergi.core.W001"]
    encrypt()
    assert deploy_warnings() == []
