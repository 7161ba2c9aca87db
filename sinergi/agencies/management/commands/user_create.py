"""`manage.py user_create USERNAME --agency CODE --role AGENCY_ADMIN` for a first deployment.

`--platform-admin` creates the platform administrator (no agency needed). The password is read from the
SINERGI_NEW_USER_PASSWORD environment variable or asked interactively, never taken from the command line
(it would stay in the shell history and the process list).
"""

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sinergi.agencies import services
from sinergi.agencies.choices import Role, UserKind
from sinergi.agencies.management.commands.agency_create import _format
from sinergi.agencies.models import Agency


class Command(BaseCommand):
    help = "Creates a user with roles; with --platform-admin, the platform administrator."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--agency", default="", help="Code of the agency the user belongs to")
        parser.add_argument(
            "--role",
            action="append",
            default=[],
            choices=Role.values,
            dest="roles",
            help="Repeat for several",
        )
        parser.add_argument("--platform-admin", action="store_true", help="Create a platform administrator")
        parser.add_argument("--system", action="store_true", help="An integrated system (API tokens only)")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--no-password", action="store_true", help="Create without a password (set later by e-mail link)"
        )

    def handle(self, *args, **options):
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"].strip().lower()).first()
            if agency is None:
                raise CommandError(
                    f"No agency has the code {options['agency']!r}. Create it with agency_create."
                )
        elif not options["platform_admin"]:
            raise CommandError("Give --agency CODE (or --platform-admin for the platform administrator).")
        if options["platform_admin"] and options["system"]:
            raise CommandError("An integrated system cannot be a platform administrator.")
        kind = UserKind.SYSTEM if options["system"] else UserKind.PERSON
        password = None
        if kind == UserKind.PERSON and not options["no_password"]:
            password = os.environ.get("SINERGI_NEW_USER_PASSWORD") or self._ask_password()
        try:
            user = services.user_create(
                actor=None,
                agency=agency,
                username=options["username"],
                roles=options["roles"],
                kind=kind,
                password=password,
                is_superuser=options["platform_admin"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                email=options["email"],
            )
        except ValidationError as error:
            raise CommandError(_format(error)) from error
        roles = ", ".join(sorted(user.role_codes)) or "none"
        where = agency.code if agency else "platform"
        self.stdout.write(self.style.SUCCESS(f"User {user.username} created ({where}; roles: {roles})."))

    def _ask_password(self) -> str:
        if not os.isatty(0):
            raise CommandError("Set SINERGI_NEW_USER_PASSWORD, or run interactively, or pass --no-password.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return first
