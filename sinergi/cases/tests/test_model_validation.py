"""Validation of a new record: relations the service holds are not asked for again, others still are."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergi.cases import services
from sinergi.cases.choices import Sensitivity
from sinergi.cases.models import Note

pytestmark = pytest.mark.django_db
# What ForeignKey.validate runs: SELECT 1 AS "a" FROM <table> WHERE id = ... LIMIT 1 (a placeholder on PostgreSQL).
EXISTENCE_CHECK = re.compile(r'SELECT (1|%s|\$1) AS "a" FROM "(agencies_user|cases_case|agencies_agency)"')


def test_a_note_on_a_case_the_service_holds_is_written_without_asking_again_whether_case_and_author_exist(
    cast, make_case
):
    case = make_case()
    with CaptureQueriesContext(connection) as queries:
        note = services.note_add(actor=cast.bp3mi.worker, case=case, text="Keluarga dihubungi.")
    existence_checks = [q["sql"] for q in queries if EXISTENCE_CHECK.match(q["sql"])]
    assert existence_checks == [], existence_checks
    assert Note.objects.get(pk=note.pk).author == cast.bp3mi.worker


def test_a_relation_given_by_id_alone_is_still_checked(cast, make_case):
    case = make_case()
    note = Note(
        case=case,
        author_id=10**9,  # no such user
        agency=cast.bp3mi.agency,
        text="Catatan",
        sensitivity=Sensitivity.GENERAL,
    )
    with pytest.raises(ValidationError) as error:
        note.full_clean(exclude=["search_vector"])
    assert "author" in error.value.message_dict
