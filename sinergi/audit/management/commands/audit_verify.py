"""`manage.py audit_verify`: recompute the audit trail's hash chain and report the first broken link, then
compare its head with the latest signed checkpoint kept outside the database."""

from django.core.management.base import BaseCommand

from sinergi.audit.checkpoints import CheckpointKeyMissing, audit_checkpoint_check
from sinergi.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Checks that no audit entry was altered, removed or re-linked, and that the trail still holds the head "
        "of the latest signed checkpoint (nothing cut from the end, no rebuilt chain). Exit status 1 if not."
    )

    def handle(self, *args, **options):
        report = audit_chain_verify()
        if not report.intact:
            self.stderr.write(
                self.style.ERROR(
                    f"chain broken at entry {report.broken_id}: {report.problem}: {report.detail} "
                    f"({report.count} entries verified before it)"
                )
            )
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(f"chain intact ({report.count} entries)"))
        for chain, head in sorted(report.heads.items()):
            self.stdout.write(f"head {head}" if chain == 0 else f"head {head} (chain {chain})")
        try:
            anchored = audit_checkpoint_check()
        except CheckpointKeyMissing:
            self.stdout.write(
                self.style.WARNING("no checkpoint key: the head was not compared with a checkpoint")
            )
            return
        if anchored.problem == "no_checkpoint":
            self.stdout.write(self.style.WARNING(f"not anchored: {anchored.detail}"))
            return
        if not anchored.ok:
            self.stderr.write(self.style.ERROR(f"checkpoint mismatch: {anchored.problem}: {anchored.detail}"))
            raise SystemExit(1)
        checkpoint = anchored.checkpoint
        self.stdout.write(
            f"matches the checkpoint of {checkpoint.at} (entry {checkpoint.last_id}, {checkpoint.count} entries)"
        )
