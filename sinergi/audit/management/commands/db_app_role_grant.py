"""`manage.py db_app_role_grant ROLE`: as the owner, after `migrate`, give the application role its rights."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from sinergi.audit.dbrole import app_role_grant


class Command(BaseCommand):
    help = (
        "Grants the application's database role read/write on every table but only read/append on the audit "
        "trail (PostgreSQL; run as the owner after each migrate)."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the application connects as, e.g. sinergi_app")

    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            raise CommandError("database roles exist only on PostgreSQL")
        app_role_grant(role=role)
        self.stdout.write(self.style.SUCCESS(f"granted the application's rights to {role}"))
