"""`manage.py agency_create CODE NAME --type BP3MI [--jurisdiction 63]` for a first deployment."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sinergi.agencies import services
from sinergi.agencies.choices import AgencyType
from sinergi.agencies.models import Agency
from sinergi.regions.models import Region


class Command(BaseCommand):
    help = "Creates an agency (the platform administrator can also do this in the web interface)."

    def add_arguments(self, parser):
        parser.add_argument("code", help="Short unique code, e.g. bp3mi-kalsel")
        parser.add_argument("name", help='Full name, e.g. "BP3MI Kalimantan Selatan"')
        parser.add_argument("--type", required=True, choices=AgencyType.values, dest="agency_type")
        parser.add_argument("--jurisdiction", default="", help="Kemendagri region code, e.g. 63 or 63.71")
        parser.add_argument(
            "--country", default="ID", help="ISO 3166-1 alpha-2 code (embassies: MY, SA, ...)"
        )
        parser.add_argument("--email", default="")
        parser.add_argument("--phone", default="")

    def handle(self, *args, **options):
        code = options["code"].strip().lower()
        if Agency.objects.filter(code=code).exists():
            raise CommandError(f"An agency with code {code!r} already exists.")
        jurisdiction = None
        if options["jurisdiction"]:
            wanted = options["jurisdiction"].strip()
            jurisdiction = (
                Region.objects.filter(code=wanted).first() or Region.objects.filter(digits=wanted).first()
            )
            if jurisdiction is None:
                raise CommandError(
                    f"No region has the code {wanted!r}. Load the regions first (manage.py regions_load)."
                )
        try:
            agency = services.agency_create(
                actor=None,
                code=code,
                name=options["name"].strip(),
                type=options["agency_type"],
                jurisdiction=jurisdiction,
                country=options["country"].strip().upper(),
                email=options["email"],
                phone=options["phone"],
            )
        except ValidationError as error:
            raise CommandError(_format(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Agency {agency.code} created (id {agency.pk})."))


def _format(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
    return " ".join(error.messages)
