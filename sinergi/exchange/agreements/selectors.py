"""Reads of data-sharing agreements, through `SharingAgreement.objects.restrict`."""

from __future__ import annotations

from django.db.models import QuerySet

from sinergi.agencies.models import User
from sinergi.exchange.models import SharingAgreement


def agreement_list(*, user: User) -> QuerySet[SharingAgreement]:
    return SharingAgreement.objects.restrict(user, "view").select_related(
        "granting_agency", "receiving_agency", "created_by", "signed_by", "revoked_by"
    )
