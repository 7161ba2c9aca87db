"""The import contracts of pyproject.toml hold: core below every app, the apps layered without cycles, the pure
engines free of Django, the domain free of the API and the views (docs/architecture.md, "Import contracts")."""

import logging
import os
from pathlib import Path

import pytest

from sinergi.core import registry

importlinter_cli = pytest.importorskip("importlinter.cli")

ROOT = Path(__file__).resolve().parents[3]


def test_import_contracts_are_kept(capsys):
    cwd = os.getcwd()
    os.chdir(ROOT)  # the contracts name `sinergi`, read from this checkout
    # import-linter configures logging with dictConfig, which disables every logger already made: the tests run
    # after this one in the same process would no longer see what the app logs.
    loggers = logging.root.manager.loggerDict.values()
    enabled = [found for found in loggers if isinstance(found, logging.Logger) and not found.disabled]
    try:
        code = importlinter_cli.lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    finally:
        os.chdir(cwd)
        for found in enabled:
            found.disabled = False
    output = capsys.readouterr().out
    assert code == 0, output[output.find("Broken contracts") :]


def test_every_app_contributes_its_menu_entry_and_the_modules_to_come_say_so():
    entries = {entry.key: entry for entry in registry.nav_entries()}
    assert [key for key in entries if not entries[key].coming_soon][:3] == ["cases", "detection", "people"]
    assert {"audit", "agencies"} <= set(entries)
    soon = {key for key, entry in entries.items() if entry.coming_soon}
    # Until their app registers an entry, the modules still to come keep a placeholder (and its page).
    assert soon <= set(registry.UPCOMING_MODULES)
    for key in registry.UPCOMING_MODULES:
        assert key in entries and registry.coming_soon_label(key) is not None


def test_an_app_entry_replaces_the_placeholder_of_its_module_for_those_it_opens_to(monkeypatch):
    # Only the module under test besides the placeholders: the apps' own entries expect real users.
    monkeypatch.setattr(registry, "_nav", {})
    key = "exchange"
    registry.register_nav(
        registry.NavEntry(
            key=key,
            label="Built",
            order=40,
            href=lambda user: "/built/" if user == "officer" else None,
            path_prefix="/built/",
        )
    )
    links = {link.key: link for link in registry.nav_for("officer", "/built/page/")}
    assert links[key].href == "/built/" and links[key].current and not links[key].coming_soon
    # A user the module's pages are not open to still sees it as coming, and its page still answers.
    links = {link.key: link for link in registry.nav_for("someone else", "/built/page/")}
    assert links[key].coming_soon and links[key].href == "/modules/exchange/" and not links[key].current
    assert registry.coming_soon_label(key) is not None


def test_a_check_nobody_answers_is_false():
    assert registry.check("nosuchapp.anything", None) is False
