"""`module_world` (sinergi/conftest.py): one world for a module, and still every test starts from it as built.

Both tests check that the world is as `build_world` made it and then change it; whichever runs second finds the
first one's change if the savepoint of a test did not roll it back.
"""

from __future__ import annotations

import pytest

from sinergi.cases.models import Case, Note

pytestmark = pytest.mark.django_db


def _check_then_change(world) -> None:
    case = Case.objects.get(pk=world.ids["case_id"])
    assert case.narrative == "Direkrut lewat Facebook ke Kamboja."
    assert Note.objects.filter(case=case).count() == 1
    Case.objects.filter(pk=case.pk).update(narrative="Diubah oleh tes.")
    Note.objects.filter(case=case).delete()


def test_a_test_that_changes_the_world(module_world):
    _check_then_change(module_world)


def test_the_next_test_finds_the_world_as_built(module_world):
    _check_then_change(module_world)
