"""`manage.py audit_checkpoint`: sign the audit chains' heads and append it outside the database.

Run it periodically (cron, a systemd timer: every 5 minutes is a good default) with the key in the environment.
"""

from django.core.management.base import BaseCommand, CommandError

from sinergi.audit.checkpoints import CheckpointKeyMissing, audit_checkpoint_write


class Command(BaseCommand):
    help = (
        "Signs the audit chain's head (HMAC, key outside the database) and appends it to the checkpoint file."
    )

    def handle(self, *args, **options):
        try:
            checkpoint = audit_checkpoint_write()
        except CheckpointKeyMissing as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"checkpoint {checkpoint.count} entries in {len(checkpoint.heads)} chains")
        for head in checkpoint.heads:
            self.stdout.write(f"chain {head.chain}: {head.count} entries, head {head.last_id} {head.head}")
