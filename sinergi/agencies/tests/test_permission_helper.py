"""The shared permission-matrix helper must fail when it should, or every app's matrix proves nothing."""

import pytest
from django.urls import reverse

from sinergi.agencies.models import UserRole
from sinergi.core.testing.permissions import assert_permission_matrix, db_snapshot

pytestmark = pytest.mark.django_db


def test_passes_for_the_expected_statuses(client, case_worker):
    responses = assert_permission_matrix(client, url=reverse("core:home"), allowed=[(case_worker, 200)])
    assert responses["caseworker"].status_code == 200


def test_fails_on_a_wrong_status(client, case_worker):
    with pytest.raises(AssertionError, match="expected 403, got 200"):
        assert_permission_matrix(client, url=reverse("core:home"), denied=[(case_worker, 403)])


def test_fails_when_a_denied_request_changes_data(client, case_worker):
    # A snapshot that differs before and after, as it would if the view leaked a write.
    snapshots = iter([1, 2])
    with pytest.raises(AssertionError, match="data changed"):
        assert_permission_matrix(
            client,
            url=reverse("core:home"),
            anonymous=False,
            denied=[(case_worker, 200)],
            snapshot=lambda: next(snapshots),
        )


def test_api_anonymous_must_answer_401_json(client):
    with pytest.raises(AssertionError, match="expected 401"):
        # A page answers with a redirect, so treating it as an API must fail.
        assert_permission_matrix(client, url=reverse("core:home"), api=True)


def test_db_snapshot_sees_edits_in_a_queryset(case_worker):
    take = db_snapshot(UserRole, type(case_worker).objects.filter(pk=case_worker.pk))
    before = take()
    type(case_worker).objects.filter(pk=case_worker.pk).update(first_name="Changed")
    assert take() != before
