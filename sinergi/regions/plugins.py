"""What the regions app adds to core: loading the regions before the demo is seeded; see sinergi.core.demo."""

from __future__ import annotations

from sinergi.core.demo import register_demo_seeder


def register() -> None:
    register_demo_seeder("regions", "sinergi.regions.demo:seed_regions", phase="prepare", order=10)
