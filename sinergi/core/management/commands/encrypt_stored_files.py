"""`manage.py encrypt_stored_files`: seal in place the stored files written before encryption at rest existed
(core/stored_files.py). Safe to stop and run again; --dry-run only counts."""

from django.core.management.base import BaseCommand, CommandError

from sinergi.core.stored_files import NotEncryptedStorage, stored_files_seal


class Command(BaseCommand):
    help = (
        "Encrypts, in place, the uploaded files stored before encryption at rest (every file under MEDIA_ROOT "
        "not yet sealed), each written anew, flushed and renamed over the old one. Idempotent and resumable; "
        "reports counts only, never file names. Exit status 1 if a file could not be sealed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the files that would be sealed; change nothing."
        )

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        try:
            report = stored_files_seal(dry_run=dry_run)
        except NotEncryptedStorage as error:
            raise CommandError(str(error)) from error
        done = "would be sealed" if dry_run else "sealed now"
        self.stdout.write(
            f"{report.examined} stored files examined: {report.already_sealed} already sealed, "
            f"{report.sealed} {done} ({report.sealed_bytes} bytes), {report.skipped} skipped, "
            f"{report.failed} failed"
        )
        if report.partial_removed:
            verb = "would be removed" if dry_run else "removed"
            self.stdout.write(f"{report.partial_removed} partial files of a stopped run {verb}")
        if report.skipped:
            self.stdout.write(
                self.style.WARNING(
                    "skipped: links or other non-regular files, or files that changed while being sealed; "
                    "run the command again"
                )
            )
        if report.failed:
            kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(report.failures.items()))
            self.stderr.write(
                self.style.ERROR(f"could not seal {report.failed} files ({kinds}); run it again")
            )
            raise SystemExit(1)
        if dry_run:
            self.stdout.write("dry run: nothing was changed")
        elif not report.plaintext_left:
            self.stdout.write(self.style.SUCCESS("no plaintext stored file is left"))
