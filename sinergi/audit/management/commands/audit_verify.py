"""`manage.py audit_verify`: recompute the audit trail's hash chain and report the first broken link, then
compare the trail with every signed checkpoint kept outside the database, in the same pass."""

from django.core.management.base import BaseCommand

from sinergi.audit.checkpoint_history import CheckpointHistory
from sinergi.audit.checkpoints import CheckpointKeyMissing, checkpoint_file
from sinergi.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Checks that no audit entry was altered, removed or re-linked, and that the trail still holds the heads "
        "of every signed checkpoint (nothing cut from the end, no rebuilt chain), whose lines must be signed and "
        "in order. Exit status 1 if not, naming the first bad line of the checkpoint file, and also when there "
        "is no checkpoint key or no checkpoint to compare with (see --no-checkpoint)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-checkpoint",
            action="store_true",
            help=(
                "Do not fail for want of a checkpoint key or of a first checkpoint (a fresh install, a "
                "development copy); a checkpoint that exists is still compared."
            ),
        )

    def _fail(self, message: str) -> None:
        self.stderr.write(self.style.ERROR(message))
        raise SystemExit(1)

    def handle(self, *args, **options):
        # The file is read before the trail: a line signed meanwhile names entries the pass will see.
        try:
            history: CheckpointHistory | None = CheckpointHistory.read()
        except CheckpointKeyMissing:
            history = None
        except (OSError, UnicodeError) as error:
            self._fail(f"checkpoint mismatch: unreadable: checkpoint file unreadable: {error}")
            return
        report = audit_chain_verify(observe=history.observe if history is not None else None)
        if not report.intact:
            self._fail(
                f"chain broken at entry {report.broken_id}: {report.problem}: {report.detail} "
                f"({report.count} entries verified before it)"
            )
        self.stdout.write(self.style.SUCCESS(f"chain intact ({report.count} entries)"))
        for chain, head in sorted(report.heads.items()):
            self.stdout.write(f"head {head}" if chain == 0 else f"head {head} (chain {chain})")
        # Without a checkpoint, a cut tail or a rebuilt chain looks exactly like an intact trail: passing then
        # would tell a cron job all is well when nothing was compared, so it takes --no-checkpoint to accept it.
        tolerated = options["no_checkpoint"]
        if history is None:
            if not tolerated:
                self._fail(
                    "not anchored: SINERGI_AUDIT_CHECKPOINT_KEY is not set, so the head was not compared with "
                    "a signed checkpoint (pass --no-checkpoint to check the chain alone)"
                )
            self.stdout.write(
                self.style.WARNING("no checkpoint key: the head was not compared with a checkpoint")
            )
            return
        if history.lines == 0:
            detail = f"no checkpoint in {checkpoint_file()}"
            if report.count == 0:
                self.stdout.write("no checkpoint yet: the trail is empty, there is nothing to anchor")
                return
            if not tolerated:
                self._fail(
                    f"not anchored: {detail}, although the trail holds {report.count} entries: the "
                    "checkpoint file is missing, empty or elsewhere (SINERGI_AUDIT_CHECKPOINT_FILE); pass "
                    "--no-checkpoint only before the first checkpoint of a new installation"
                )
            self.stdout.write(self.style.WARNING(f"not anchored: {detail}"))
            return
        anchored = history.report()
        if not anchored.ok:
            self._fail(
                f"checkpoint mismatch: {anchored.problem} at line {anchored.line} of {checkpoint_file()}: "
                f"{anchored.detail}"
            )
        latest = anchored.latest
        since = f", from the reference signed with --force at line {anchored.reference_line}"
        self.stdout.write(
            f"matches the checkpoint of {latest.at} (entry {latest.last_id}, {latest.count} entries); "
            f"{anchored.compared} checkpoint lines verified{since if anchored.reference_line else ''}"
        )
