"""The deploy guide tells an operator what the checkpoints need: every setting, and where the file must live."""

from pathlib import Path

from django.conf import settings

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "deploy.md"


def _environment_rows() -> dict[str, str]:
    rows = [line for line in GUIDE.read_text().splitlines() if line.startswith("| `")]
    return {row.split("|")[1].strip().strip("`"): row for row in rows}


def test_every_checkpoint_setting_is_in_the_environment_table():
    names = {name for name in dir(settings) if name.startswith("SINERGI_AUDIT_CHECKPOINT_")}
    rows = _environment_rows()
    assert names <= set(rows), names - set(rows)
    assert rows["SINERGI_AUDIT_CHECKPOINT_KEY"].split("|")[2].strip() == "yes"  # production refuses without


def test_the_guide_says_the_default_checkpoint_file_is_on_the_application_host():
    # An intruder holding that host deletes the file with the trail's tail; the guide must say so plainly.
    row = _environment_rows()["SINERGI_AUDIT_CHECKPOINT_FILE"]
    assert "on the application host" in row and "second system" in row
    guide = GUIDE.read_text()
    assert "**Where the checkpoints live.**" in guide
    assert "no HTTP or syslog sender of its own" in guide  # no transport is promised that does not exist
