"""Reads of data-sharing agreements, through `SharingAgreement.objects.restrict`."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from sinergi.exchange.models import SharingAgreement


def agreement_list(*, user) -> QuerySet[SharingAgreement]:
    return SharingAgreement.objects.restrict(user, "view").select_related(
        "granting_agency", "receiving_agency", "created_by", "signed_by", "revoked_by"
    )


def access_agreement_by_id(*, user, agreement_id) -> SharingAgreement:
    """The agreement if the user may read it; Http404 alike for a missing one and another agency's."""
    try:
        pk = int(agreement_id)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    agreement = agreement_list(user=user).filter(pk=pk).first()
    if agreement is None:
        raise Http404
    return agreement
