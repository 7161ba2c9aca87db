"""Bahasa Indonesia is the default language: every string an app marks for translation must be translated."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

SINERGI = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(SINERGI.glob("*/locale/id/LC_MESSAGES/django.po"))


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_indonesian_catalogue_is_complete(path):
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    missing = [
        message.id
        for message in catalogue
        if message.id
        and (
            not (message.string if isinstance(message.string, str) else all(message.string)) or message.fuzzy
        )
    ]
    assert not missing, f"{path.relative_to(SINERGI)}: untranslated or fuzzy: {missing[:10]}"
