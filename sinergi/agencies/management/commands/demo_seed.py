"""`manage.py demo_seed [--people N] [--seed 42] [--scale 1]`: the synthetic demo (sinergi/core/demo.py runs what
every app registered; the agencies and logins are sinergi/agencies/demo.py)."""

from django.core.management.base import BaseCommand, CommandError

from sinergi.agencies import demo as agencies_demo
from sinergi.agencies.choices import Role
from sinergi.core import demo


class Command(BaseCommand):
    help = "Creates or refreshes the demo agencies, users and synthetic people, then prints the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--people", type=int, default=demo.DEFAULT_PEOPLE, help="People to generate (bulk insert)"
        )
        parser.add_argument("--seed", type=int, default=42, help="Random seed: the same seed, the same data")
        parser.add_argument(
            "--scale", type=int, default=1, help="Multiplier for the other apps' demo data (cases, detection)"
        )
        parser.add_argument(
            "--skip-apps", action="store_true", help="Only agencies, users and people (for benchmarks)"
        )

    def handle(self, *args, people, seed, scale, skip_apps, **options):
        if people < 0 or scale < 1:
            raise CommandError("--people must be 0 or more and --scale 1 or more")
        result = demo.demo_seed(
            people=people, seed=seed, scale=scale, stdout=self.stdout, app_seeders=not skip_apps
        )
        if result.people_created:
            self.stdout.write(f"{result.people_created:,} people created")
        elif result.people_existing:
            self.stdout.write(f"{result.people_existing:,} demo people already present (kept)")
        self.stdout.write("")
        self._logins(result.users)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Password for every demo login: {agencies_demo.DEMO_PASSWORD}"))
        self.stdout.write(f"Demo ready in {result.seconds:.1f} s")

    def _logins(self, users):
        rows = [
            (
                user.username,
                user.agency.name if user.agency else "(platform administrator)",
                ", ".join(sorted(str(Role(code).label) for code in user.role_codes)) or "everything",
            )
            for user in users
        ]
        header = ("username", "agency", "roles")
        widths = [max(len(row[i]) for row in [*rows, header]) for i in range(3)]
        line = "  ".join(f"{{:<{width}}}" for width in widths)
        self.stdout.write(self.style.MIGRATE_HEADING(line.format(*header)))
        for row in rows:
            self.stdout.write(line.format(*row).rstrip())
