"""The demo's regions: every Indonesian region, loaded once (the demo's addresses and NIKs need villages)."""

from __future__ import annotations

from sinergi.core.demo import DemoRun
from sinergi.regions.choices import RegionLevel
from sinergi.regions.models import Region


def regions_ensure(*, stdout) -> None:
    """Loads every Indonesian region when none are loaded yet (the demo's addresses and NIKs need villages)."""
    from sinergi.regions.services import regions_load

    if Region.objects.filter(level=RegionLevel.VILLAGE).exists():
        return
    stdout.write("Loading the Kemendagri regions (about 92,000; once)...\n")
    count = regions_load()
    stdout.write(f"  {count} regions loaded\n")


def seed_regions(run: DemoRun) -> None:
    """Prepare phase."""
    regions_ensure(stdout=run.stdout)
