"""audit_verify checks every line of the checkpoint file, not only the latest: each line's signature, lines that
never go back in time or in length, and each line's heads on the trail, in one pass over the chain."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sinergi.audit.checkpoints import Checkpoint, _append, _current_heads
from sinergi.audit.choices import AuditAction
from sinergi.audit.models import AuditEntry
from sinergi.audit.services import HASHED_FIELDS, audit_record, entry_digest
from sinergi.audit.tests.helpers import tamper
from sinergi.audit.tests.test_checkpoints import verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkpoint_file(settings, tmp_path) -> Path:
    settings.SINERGI_AUDIT_CHECKPOINT_KEY = "checkpoint-key-kept-off-the-database"
    settings.SINERGI_AUDIT_CHECKPOINT_FILE = str(tmp_path / "anchor" / "checkpoints.jsonl")
    return Path(settings.SINERGI_AUDIT_CHECKPOINT_FILE)


def record(user, count: int = 1) -> list[AuditEntry]:
    return [audit_record(actor=user, action=AuditAction.VIEW, obj=user) for _ in range(count)]


def checkpoint(*args: str) -> None:
    call_command("audit_checkpoint", *args, stdout=StringIO())


def three_lines(user) -> list[AuditEntry]:
    """Three checkpoints, after 3, 5 and 7 entries."""
    entries = record(user, 3)
    checkpoint()
    entries += record(user, 2)
    checkpoint()
    entries += record(user, 2)
    checkpoint()
    return entries


def rewrite_and_relink(entry: AuditEntry, summary: str) -> None:
    """What someone holding the database does to change an old entry unseen by the chain: edit it, then give it
    and every later entry of its chain the hashes they would have had."""
    tamper("UPDATE audit_auditentry SET summary = %s WHERE id = %s", [summary, entry.pk])
    before = AuditEntry.objects.filter(chain=entry.chain, pk__lt=entry.pk).order_by("-id").first()
    previous = before.entry_hash if before else entry.prev_hash
    rows = AuditEntry.objects.filter(chain=entry.chain, pk__gte=entry.pk).order_by("id")
    for row in list(rows.values("id", *HASHED_FIELDS)):
        row["prev_hash"] = previous
        previous = entry_digest(row)
        tamper(
            "UPDATE audit_auditentry SET prev_hash = %s, entry_hash = %s WHERE id = %s",
            [row["prev_hash"], previous, row["id"]],
        )


def test_every_line_of_an_untouched_file_is_verified(checkpoint_file, case_worker):
    three_lines(case_worker)
    status, output = verify()
    assert status == 0 and "3 checkpoint lines verified" in output


def test_a_tampered_middle_line_is_reported_by_its_number(checkpoint_file, case_worker):
    three_lines(case_worker)
    lines = checkpoint_file.read_text().splitlines()
    middle = json.loads(lines[1])
    middle["heads"][0][3] -= 1  # one entry fewer: the signature no longer holds
    lines[1] = json.dumps(middle)
    checkpoint_file.write_text("\n".join(lines) + "\n")
    status, output = verify()
    assert status == 1 and "checkpoint mismatch: bad_signature at line 2 of" in output


def test_a_rewritten_entry_only_an_older_checkpoint_covers_is_reported(checkpoint_file, case_worker):
    entries = record(case_worker, 3)
    checkpoint()
    entries += record(case_worker, 3)
    rewrite_and_relink(entries[1], "nothing happened")
    # Someone who holds the key signs the rewritten trail: the latest line matches it, the chain is intact.
    _append(Checkpoint(at=timezone.now().isoformat(), heads=_current_heads()))
    status, output = verify()
    assert status == 1 and "chain intact" in output
    assert "checkpoint mismatch: rebuilt at line 1 of" in output and str(entries[2].pk) in output


def test_a_reordered_file_is_reported_where_it_goes_back(checkpoint_file, case_worker):
    three_lines(case_worker)
    first, second, third = checkpoint_file.read_text().splitlines()
    checkpoint_file.write_text("\n".join([first, third, second]) + "\n")
    status, output = verify()
    assert status == 1 and "checkpoint mismatch: out_of_order at line 3 of" in output


def test_an_old_line_copied_to_the_end_is_reported(checkpoint_file, case_worker):
    # The intruder cuts the tail back to the first checkpoint and appends a copy of it, so the "latest" matches.
    entries = three_lines(case_worker)
    first = checkpoint_file.read_text().splitlines()[0]
    tamper("DELETE FROM audit_auditentry WHERE id > %s", [entries[2].pk])
    with checkpoint_file.open("a") as handle:
        handle.write(first + "\n")
    status, output = verify()
    assert status == 1 and "checkpoint mismatch: cut at line 2 of" in output and "bad lines in all" in output


def test_blank_lines_count_in_the_numbering_and_junk_is_unreadable(checkpoint_file, case_worker):
    three_lines(case_worker)
    lines = checkpoint_file.read_text().splitlines()
    checkpoint_file.write_text("\n".join([lines[0], "", "not json", *lines[1:]]) + "\n")
    status, output = verify()
    assert status == 1 and "checkpoint mismatch: unreadable at line 3 of" in output


def test_a_forced_checkpoint_is_the_reference_from_then_on(checkpoint_file, case_worker, settings):
    entries = three_lines(case_worker)
    tamper("DELETE FROM audit_auditentry WHERE id > %s", [entries[3].pk])  # a restore from an older backup
    assert "checkpoint mismatch: cut at line 2" in verify()[1]
    settings.SINERGI_AUDIT_CHECKPOINT_KEY = "a-new-key-after-the-restore"  # the old lines no longer verify
    checkpoint("--force")
    record(case_worker)
    checkpoint()
    status, output = verify()
    assert (
        status == 0
        and "2 checkpoint lines verified, from the reference signed with --force at line 4" in output
    )
    assert json.loads(checkpoint_file.read_text().splitlines()[3])["forced"] is True


def test_verification_takes_the_same_queries_for_three_lines_or_thirty(checkpoint_file, case_worker):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert verify()[0] == 0
        return len(captured)

    three_lines(case_worker)
    few = queries()
    for _ in range(27):
        record(case_worker)
        checkpoint()
    assert queries() == few


def test_a_line_signed_back_in_time_is_reported_beyond_the_clocks_skew(checkpoint_file, case_worker):
    from datetime import timedelta

    record(case_worker, 2)
    checkpoint()
    # Another host's clock a minute behind: two clocks, not a reordered file.
    _append(Checkpoint(at=(timezone.now() - timedelta(minutes=1)).isoformat(), heads=_current_heads()))
    assert verify()[0] == 0
    _append(Checkpoint(at=(timezone.now() - timedelta(hours=1)).isoformat(), heads=_current_heads()))
    status, output = verify()
    assert (
        status == 1
        and "checkpoint mismatch: out_of_order at line 3 of" in output
        and "before the line" in output
    )
