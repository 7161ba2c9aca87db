"""`manage.py audit_checkpoint`: sign the audit chains' heads and append it outside the database, now.

The background worker already does this every SINERGI_AUDIT_CHECKPOINT_MINUTES when the heads moved; the command
is for installations that prefer cron, for a checkpoint before maintenance, and (`--force`) for the first
checkpoint after a restore or a key change, which the worker refuses to sign by itself.
"""

from django.core.management.base import BaseCommand, CommandError

from sinergi.audit.checkpoints import CheckpointKeyMissing, CheckpointRefused, audit_checkpoint_write


class Command(BaseCommand):
    help = (
        "Signs the audit chain's head (HMAC, key outside the database) and appends it to the checkpoint file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Sign even though the trail no longer matches the latest checkpoint (after a restore or a key "
                "change, once audit_verify's report has been read): the trail as it is becomes the reference, "
                "and the line is marked so that audit_verify no longer compares the lines before it."
            ),
        )

    def handle(self, *args, **options):
        try:
            checkpoint = audit_checkpoint_write(force=options["force"])
        except (CheckpointKeyMissing, CheckpointRefused) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"checkpoint {checkpoint.count} entries in {len(checkpoint.heads)} chains")
        for head in checkpoint.heads:
            self.stdout.write(f"chain {head.chain}: {head.count} entries, head {head.last_id} {head.head}")
