"""`manage.py audit_verify`: recompute the audit trail's hash chain and report the first broken link."""

from django.core.management.base import BaseCommand

from sinergi.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Checks that no audit entry was altered, removed or re-linked. Exit status 1 if one was."

    def handle(self, *args, **options):
        report = audit_chain_verify()
        if report.intact:
            self.stdout.write(self.style.SUCCESS(f"chain intact ({report.count} entries)"))
            self.stdout.write(f"head {report.head}")
            return
        self.stderr.write(
            self.style.ERROR(
                f"chain broken at entry {report.broken_id}: {report.problem}: {report.detail} "
                f"({report.count} entries verified before it)"
            )
        )
        raise SystemExit(1)
