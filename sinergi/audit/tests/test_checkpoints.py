"""Signed checkpoints of the chain's head catch what the chain alone cannot: a cut tail and a rebuilt chain."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from sinergi.audit.choices import AuditAction
from sinergi.audit.models import AuditEntry
from sinergi.audit.services import audit_record
from sinergi.audit.tests.helpers import tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def anchored(settings, tmp_path, case_worker):
    settings.SINERGI_AUDIT_CHECKPOINT_KEY = "checkpoint-key-kept-off-the-database"
    settings.SINERGI_AUDIT_CHECKPOINT_FILE = str(tmp_path / "anchor" / "checkpoints.jsonl")
    entries = [audit_record(actor=case_worker, action=AuditAction.VIEW, obj=case_worker) for _ in range(5)]
    call_command("audit_checkpoint", stdout=StringIO())
    return entries


def verify(*args: str) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def test_an_untouched_trail_matches_its_checkpoint_and_may_grow(anchored, settings, case_worker):
    line = json.loads(Path(settings.SINERGI_AUDIT_CHECKPOINT_FILE).read_text())
    chain = anchored[-1].chain
    assert line["format"] == 2 and line["heads"] == [[chain, anchored[-1].pk, anchored[-1].entry_hash, 5]]
    assert "checkpoint-key" not in str(line) and len(line["hmac"]) == 64
    audit_record(actor=case_worker, action=AuditAction.VIEW, obj=case_worker)
    status, output = verify()
    assert status == 0 and "matches the checkpoint" in output and "(entry" in output


def test_a_cut_tail_is_reported(anchored):
    tamper("DELETE FROM audit_auditentry WHERE id >= %s", [anchored[3].pk])
    status, output = verify()
    assert status == 1 and "checkpoint mismatch: cut" in output and str(anchored[-1].pk) in output


def test_a_rebuilt_chain_is_reported(anchored, case_worker):
    # The intruder empties the trail and writes a fresh, internally perfect chain of the same length.
    tamper("DELETE FROM audit_auditentry")
    rebuilt = [audit_record(actor=case_worker, action=AuditAction.VIEW, obj=case_worker) for _ in range(5)]
    tamper("UPDATE audit_auditentry SET id = id - %s", [rebuilt[0].pk - anchored[0].pk])
    assert AuditEntry.objects.filter(pk=anchored[-1].pk).exists()
    status, output = verify()
    assert status == 1 and "checkpoint mismatch: rebuilt" in output


def test_an_edited_checkpoint_file_is_reported(anchored, settings):
    path = settings.SINERGI_AUDIT_CHECKPOINT_FILE
    line = json.loads(Path(path).read_text())
    line["heads"] = [[anchored[2].chain, anchored[2].pk, anchored[2].entry_hash, 3]]
    with open(path, "a") as handle:
        handle.write(json.dumps(line) + "\n")
    status, output = verify()
    assert status == 1 and "bad_signature" in output


def test_without_a_key_the_checkpoint_command_refuses_and_verify_fails(settings, case_worker, tmp_path):
    from django.core.management.base import CommandError

    settings.SINERGI_AUDIT_CHECKPOINT_KEY = ""
    settings.SINERGI_AUDIT_CHECKPOINT_FILE = str(tmp_path / "c.jsonl")
    audit_record(actor=case_worker, action=AuditAction.VIEW, obj=case_worker)
    with pytest.raises(CommandError, match="SINERGI_AUDIT_CHECKPOINT_KEY"):
        call_command("audit_checkpoint", stdout=StringIO())
    # Nothing was compared, so a cut tail would have passed unseen: a cron job must not read that as "intact".
    status, output = verify()
    assert status == 1 and "not anchored: SINERGI_AUDIT_CHECKPOINT_KEY is not set" in output
    status, output = verify("--no-checkpoint")
    assert status == 0 and "no checkpoint key" in output


@pytest.mark.parametrize("file_state", ["missing", "empty"])
def test_a_missing_or_empty_checkpoint_file_fails_verification(anchored, settings, file_state):
    # The intruder who cuts the tail deletes the checkpoints too (or the file was never shipped back).
    path = Path(settings.SINERGI_AUDIT_CHECKPOINT_FILE)
    if file_state == "missing":
        path.unlink()
    else:
        path.write_text("\n")
    tamper("DELETE FROM audit_auditentry WHERE id >= %s", [anchored[3].pk])
    status, output = verify()
    assert status == 1 and "not anchored: no checkpoint in" in output and "holds 3 entries" in output


def test_a_fresh_install_passes_before_its_first_checkpoint(settings, tmp_path, case_worker):
    settings.SINERGI_AUDIT_CHECKPOINT_KEY = "checkpoint-key-kept-off-the-database"
    settings.SINERGI_AUDIT_CHECKPOINT_FILE = str(tmp_path / "checkpoints.jsonl")
    status, output = verify()
    assert status == 0 and "the trail is empty" in output
    audit_record(actor=case_worker, action=AuditAction.VIEW, obj=case_worker)
    assert verify()[0] == 1
    status, output = verify("--no-checkpoint")
    assert status == 0 and "not anchored" in output


def _checkpoint_of_three_chains(monkeypatch, case_worker):
    from sinergi.audit.tests.helpers import record_on_chain

    entries = [
        record_on_chain(monkeypatch, index % 3, actor=case_worker, action=AuditAction.VIEW, obj=case_worker)
        for index in range(9)
    ]
    call_command("audit_checkpoint", stdout=StringIO())
    return entries


def test_one_checkpoint_signs_every_chains_head(settings, tmp_path, case_worker, monkeypatch):
    settings.SINERGI_AUDIT_CHECKPOINT_KEY = "checkpoint-key-kept-off-the-database"
    settings.SINERGI_AUDIT_CHECKPOINT_FILE = str(tmp_path / "checkpoints.jsonl")
    entries = _checkpoint_of_three_chains(monkeypatch, case_worker)
    line = json.loads(Path(settings.SINERGI_AUDIT_CHECKPOINT_FILE).read_text())
    assert line["heads"] == [[n, entries[6 + n].pk, entries[6 + n].entry_hash, 3] for n in range(3)]
    assert verify()[0] == 0


def test_a_tail_cut_from_one_chain_of_several_is_reported(settings, tmp_path, case_worker, monkeypatch):
    settings.SINERGI_AUDIT_CHECKPOINT_KEY = "checkpoint-key-kept-off-the-database"
    settings.SINERGI_AUDIT_CHECKPOINT_FILE = str(tmp_path / "checkpoints.jsonl")
    entries = _checkpoint_of_three_chains(monkeypatch, case_worker)
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[7].pk])  # chain 1's head; the rest intact
    status, output = verify()
    assert status == 1 and "checkpoint mismatch: cut" in output and "chain 1" in output


def test_a_checkpoint_written_before_there_were_chains_still_checks(anchored, settings):
    """A format-1 line (one chain, written by the single-chain code) is still read and its signature checked."""
    from sinergi.audit.checkpoints import ChainHead, Checkpoint, _sign

    path = Path(settings.SINERGI_AUDIT_CHECKPOINT_FILE)
    old = Checkpoint(
        at="2026-12-01T00:00:00+00:00",
        heads=(ChainHead(0, anchored[-1].pk, anchored[-1].entry_hash, 5),),
        format=1,
    )
    line = {**json.loads(old.payload()), "hmac": _sign(old)}
    assert set(line) == {"format", "at", "last_id", "head", "count", "hmac"}
    path.write_text(json.dumps(line) + "\n")
    expected = 0 if anchored[-1].chain == 0 else 1  # on PostgreSQL the entries may sit on another chain
    assert verify()[0] == expected
    line["count"] = 4  # edited: the signature no longer matches
    path.write_text(json.dumps(line) + "\n")
    status, output = verify()
    assert status == 1 and "bad_signature" in output


def test_production_refuses_to_start_without_the_checkpoint_key(monkeypatch):
    import importlib
    import sys

    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("SECRET_KEY", "s" * 50)
    monkeypatch.setenv("SINERGI_FIELD_KEY", "field-key")
    monkeypatch.delenv("SINERGI_AUDIT_CHECKPOINT_KEY", raising=False)
    sys.modules.pop("config.settings.production", None)
    try:
        with pytest.raises(ImproperlyConfigured, match="SINERGI_AUDIT_CHECKPOINT_KEY"):
            importlib.import_module("config.settings.production")
        monkeypatch.setenv("SINERGI_AUDIT_CHECKPOINT_KEY", "checkpoint-key")
        production = importlib.import_module("config.settings.production")
        assert production.SINERGI_AUDIT_CHECKPOINT_KEY == "checkpoint-key"
    finally:
        sys.modules.pop("config.settings.production", None)


# --- the worker's periodic checkpoint --------------------------------------------------------------------------


@pytest.fixture
def periodic(settings, tmp_path):
    from sinergi.core.testing.tasks import DB_TASKS

    settings.TASKS = DB_TASKS
    settings.SINERGI_AUDIT_CHECKPOINT_KEY = "checkpoint-key-kept-off-the-database"
    settings.SINERGI_AUDIT_CHECKPOINT_FILE = str(tmp_path / "anchor" / "checkpoints.jsonl")
    settings.SINERGI_AUDIT_CHECKPOINT_MINUTES = 60
    return Path(settings.SINERGI_AUDIT_CHECKPOINT_FILE)


def lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_the_running_worker_signs_the_heads_without_cron(periodic, case_worker):
    from sinergi.core.testing.tasks import run_worker

    entries = [audit_record(actor=case_worker, action=AuditAction.VIEW, obj=case_worker) for _ in range(4)]
    run_worker()
    assert len(lines(periodic)) == 1 and verify()[0] == 0
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].pk])
    status, output = verify()
    assert status == 1 and "checkpoint mismatch: cut" in output


def test_a_checkpoint_is_written_once_an_interval_and_only_when_the_heads_moved(periodic, case_worker):
    from datetime import timedelta

    from django.utils import timezone

    from sinergi.audit.checkpoints import audit_checkpoint_if_due

    start = timezone.now()
    assert audit_checkpoint_if_due(now=start) is None  # an empty trail: nothing to anchor
    audit_record(actor=case_worker, action=AuditAction.VIEW, obj=case_worker)
    assert audit_checkpoint_if_due(now=start) is not None
    audit_record(actor=case_worker, action=AuditAction.VIEW, obj=case_worker)
    assert audit_checkpoint_if_due(now=start + timedelta(minutes=30)) is None  # not due yet
    assert audit_checkpoint_if_due(now=start + timedelta(minutes=61)) is not None
    assert audit_checkpoint_if_due(now=start + timedelta(minutes=200)) is None  # due, but nothing moved
    assert [sum(head[3] for head in line["heads"]) for line in lines(periodic)] == [1, 2]


def test_two_workers_due_at_once_write_one_line(periodic, case_worker, monkeypatch):
    import fcntl

    from sinergi.audit import checkpoints

    audit_record(actor=case_worker, action=AuditAction.VIEW, obj=case_worker)
    real_heads, real_latest = checkpoints._current_heads, checkpoints._latest_line

    def heads_while_another_worker_waits():
        # The other worker cannot take the file while this one reads the heads.
        with open(periodic, "a") as other, pytest.raises(BlockingIOError):
            fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return real_heads()

    monkeypatch.setattr(checkpoints, "_current_heads", heads_while_another_worker_waits)
    assert checkpoints.audit_checkpoint_if_due() is not None
    # The second worker looked before the first one wrote, and took the lock after it: it writes nothing.
    looked_before = [None]
    monkeypatch.setattr(
        checkpoints, "_latest_line", lambda: looked_before.pop() if looked_before else real_latest()
    )
    assert checkpoints.audit_checkpoint_if_due() is None
    assert len(lines(periodic)) == 1


def test_zero_minutes_turns_the_periodic_checkpoint_off(periodic, settings, case_worker):
    from sinergi.core.testing.tasks import run_worker

    settings.SINERGI_AUDIT_CHECKPOINT_MINUTES = 0
    audit_record(actor=case_worker, action=AuditAction.VIEW, obj=case_worker)
    run_worker()
    assert not periodic.exists()
    call_command("audit_checkpoint", stdout=StringIO())  # cron users keep the command
    assert len(lines(periodic)) == 1


def test_the_worker_never_signs_over_a_cut_tail(periodic, case_worker, caplog):
    # A new line would make the cut trail the reference, and the next audit_verify would pass.
    from datetime import timedelta

    from django.core.management.base import CommandError
    from django.utils import timezone

    from sinergi.audit.checkpoints import audit_checkpoint_if_due
    from sinergi.core.testing.tasks import run_worker

    entries = [audit_record(actor=case_worker, action=AuditAction.VIEW, obj=case_worker) for _ in range(4)]
    audit_checkpoint_if_due(now=timezone.now() - timedelta(hours=2))  # so the worker's next one is due
    tamper("DELETE FROM audit_auditentry WHERE id >= %s", [entries[2].pk])
    before = periodic.read_text()
    run_worker()  # the refusal is logged; the worker carries on
    assert periodic.read_text() == before and "not signing" in caplog.text
    status, output = verify()
    assert status == 1 and "checkpoint mismatch: cut" in output
    with pytest.raises(CommandError, match="not signing"):
        call_command("audit_checkpoint", stdout=StringIO())
    call_command("audit_checkpoint", "--force", stdout=StringIO())  # after a restore, once the report is read
    assert verify()[0] == 0
