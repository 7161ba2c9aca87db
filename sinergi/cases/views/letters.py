"""The case letters as PDF downloads: a referral's surat rujukan, the case summary, a transfer's handover record.

Each reaches its record through the reader's CaseView (404 for a case, referral or transfer the reader may not
see, exactly like one that does not exist), fills the letter with what that reader may see (cases/letters.py),
takes the issuing agency's letter number and writes the download to the audit trail (services.letter_issue).
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from sinergi.agencies.choices import LetterKind
from sinergi.cases import letters, services
from sinergi.cases.views._shared import _view_for
from sinergi.core.pdf import render_pdf


def _pdf_response(content: bytes, name: str, reference: str) -> HttpResponse:
    safe = re.sub(r"[^A-Za-z0-9]+", "-", reference).strip("-").lower()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}-{safe}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def referral_letter(request, case_id: int, referral_id: int):
    view = _view_for(request, case_id)
    referral = view.referrals().filter(pk=referral_id).first()
    if referral is None:
        raise Http404
    number = services.letter_issue(
        actor=request.user, agency=referral.from_agency, kind=LetterKind.REFERRAL, record=referral
    )
    data = letters.referral_letter(view=view, referral=referral, number=number)
    return _pdf_response(render_pdf(letters.TEMPLATE, data=data), "surat-rujukan", view.case.reference)


@login_required
@require_GET
def case_summary(request, case_id: int):
    view = _view_for(request, case_id)
    number = services.letter_issue(
        actor=request.user, agency=request.user.agency, kind=LetterKind.CASE_SUMMARY, record=view.case
    )
    data = letters.case_summary(view=view, number=number)
    return _pdf_response(render_pdf(letters.TEMPLATE, data=data), "ringkasan-kasus", view.case.reference)


@login_required
@require_GET
def handover_record(request, case_id: int, transfer_id: int):
    view = _view_for(request, case_id)
    transfer = view.transfers().filter(pk=transfer_id).first()
    if transfer is None:
        raise Http404
    number = services.letter_issue(
        actor=request.user, agency=transfer.from_agency, kind=LetterKind.HANDOVER, record=transfer
    )
    data = letters.handover_record(view=view, transfer=transfer, number=number)
    return _pdf_response(
        render_pdf(letters.TEMPLATE, data=data), "berita-acara-serah-terima", view.case.reference
    )
