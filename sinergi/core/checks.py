"""System checks of core, run by `manage.py check` (those tagged deploy only with --deploy)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def stored_files_sealed(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Warns while the files stored before encryption at rest may still be plaintext on disk. It reads no file:
    `encrypt_stored_files` leaves a mark at the storage root once a run found none left."""
    from sinergi.core.stored_files import MARKER, sealing_completed

    if sealing_completed() is not False:
        return []
    return [
        Warning(
            "Stored files written before encryption at rest may still be plaintext on disk.",
            hint=(
                "Run `manage.py encrypt_stored_files` (--dry-run first to count them); it seals them in place "
                f"and writes {MARKER} at MEDIA_ROOT when none is left (docs/deploy.md, section 7)."
            ),
            id="sinergi.core.W001",
        )
    ]
