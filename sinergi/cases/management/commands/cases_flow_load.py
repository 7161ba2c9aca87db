"""Validates a coordination-flow file and stores it as a new version (optionally for one province)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sinergi.cases.flow import FlowError, parse_flow
from sinergi.cases.services import flow_version_load


class Command(BaseCommand):
    help = "Validate a case flow YAML file and load it as the active flow (nationally or for one province)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Path of the flow YAML file.")
        parser.add_argument("--province", help="Two-digit province code (e.g. 63); default: national flow.")
        parser.add_argument("--check", action="store_true", help="Only validate; store nothing.")

    def handle(self, *args, path, province=None, check=False, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path}: no such file")
        text = file.read_text(encoding="utf-8")
        try:
            flow = parse_flow(text, source=str(file))
            if check:
                self.stdout.write(
                    f"{file}: valid flow {flow.code} ({len(flow.stages)} stages, {len(flow.transitions)} transitions)"
                )
                return
            region = None
            if province:
                from sinergi.regions.models import Region

                region = Region.objects.filter(pk=province, level=1).first()
                if region is None:
                    raise CommandError(f"unknown province code {province}")
            version = flow_version_load(text=text, source=str(file), province=region)
        except FlowError as exc:
            raise CommandError(str(exc.message)) from exc
        scope = f"province {province}" if province else "national"
        self.stdout.write(f"{file}: loaded flow {flow.code} version {version.sha256[:12]} ({scope}, active)")
