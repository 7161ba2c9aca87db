"""Two words that must not meet (docs/glossary.md): a victim's consent to share is "persetujuan (berbagi data)",
a supervisor's approval is "pengesahan". A translation that calls an approval "persetujuan" fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

SINERGI = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(SINERGI.glob("*/locale/id/LC_MESSAGES/django.po"))
AGREE = re.compile(r"setuju|nyetuju", re.IGNORECASE)  # persetujuan, disetujui, menyetujui
RATIFY = re.compile(r"\bsah|ngesah|pengesahan|disahkan", re.IGNORECASE)


def _messages():
    for path in CATALOGUES:
        with path.open("rb") as handle:
            for message in read_po(handle):
                if not message.id:
                    continue
                msgid = message.id if isinstance(message.id, str) else message.id[0]
                msgstr = message.string if isinstance(message.string, str) else " ".join(message.string)
                yield path.parts[-5], msgid, msgstr


@pytest.mark.parametrize("word", ["approv"])
def test_an_approval_is_never_called_persetujuan(word):
    wrong = [
        f"{app}: {msgid!r} -> {msgstr!r}"
        for app, msgid, msgstr in _messages()
        if word in msgid.lower() and "consent" not in msgid.lower() and AGREE.search(msgstr)
    ]
    assert wrong == []


def test_consent_is_persetujuan_and_never_pengesahan():
    wrong = [
        f"{app}: {msgid!r} -> {msgstr!r}"
        for app, msgid, msgstr in _messages()
        if "consent" in msgid.lower() and (RATIFY.search(msgstr) or not AGREE.search(msgstr))
    ]
    assert wrong == []
