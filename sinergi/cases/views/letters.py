"""The case letters as PDF downloads: a referral's surat rujukan, the case summary, a transfer's handover record.

Each reaches its record through the reader's CaseView (404 for a case, referral or transfer the reader may not
see, exactly like one that does not exist), fills the letter with what that reader may see (cases/letters.py),
takes the issuing agency's letter number and writes the download to the audit trail (services.letter_issue).
"""

from __future__ import annotations

import re

from django.http import HttpResponse

from sinergi.agencies.choices import LetterKind
from sinergi.cases import letters, services
from sinergi.cases.views._shared import CasePageView
from sinergi.core.pdf import render_pdf


def _pdf_response(content: bytes, name: str, reference: str) -> HttpResponse:
    safe = re.sub(r"[^A-Za-z0-9]+", "-", reference).strip("-").lower()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}-{safe}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


class LetterView(CasePageView):
    """A letter of the case as a PDF download (GET only)."""

    http_method_names = ["get", "head"]


class ReferralLetterView(LetterView):
    def get(self, request, case_id: int, referral_id: int):
        view = self.case_view
        referral = self.scoped_child(view.referrals(), "referral_id")
        number = services.letter_issue(
            actor=request.user, agency=referral.from_agency, kind=LetterKind.REFERRAL, record=referral
        )
        data = letters.referral_letter(view=view, referral=referral, number=number)
        return _pdf_response(render_pdf(letters.TEMPLATE, data=data), "surat-rujukan", view.case.reference)


referral_letter = ReferralLetterView.as_view()


class CaseSummaryView(LetterView):
    def get(self, request, case_id: int):
        view = self.case_view
        number = services.letter_issue(
            actor=request.user, agency=request.user.agency, kind=LetterKind.CASE_SUMMARY, record=view.case
        )
        data = letters.case_summary(view=view, number=number)
        return _pdf_response(render_pdf(letters.TEMPLATE, data=data), "ringkasan-kasus", view.case.reference)


case_summary = CaseSummaryView.as_view()


class HandoverRecordView(LetterView):
    def get(self, request, case_id: int, transfer_id: int):
        view = self.case_view
        transfer = self.scoped_child(view.transfers(), "transfer_id")
        number = services.letter_issue(
            actor=request.user, agency=transfer.from_agency, kind=LetterKind.HANDOVER, record=transfer
        )
        data = letters.handover_record(view=view, transfer=transfer, number=number)
        return _pdf_response(
            render_pdf(letters.TEMPLATE, data=data), "berita-acara-serah-terima", view.case.reference
        )


handover_record = HandoverRecordView.as_view()
