"""Writes of the detection app: storing screened posts (with campaign grouping and contacts), uploads, reviews,
departure screenings, and the links a case intake makes back to a post or a screening.

Every service runs in one transaction with its audit row; the retraining task leaves through on_commit. The
package is split along those seams; this module re-exports what callers use, so
`from sinergi.detection.services import post_store_batch` keeps working. Monkeypatch a limit in the module that
reads it (`services.parsing.MAX_UPLOAD_BYTES`, `services.uploads.MAX_ITEMS_PER_UPLOAD`), not here.
"""

from sinergi.detection.services.campaigns import MAX_CANDIDATES, campaign_refresh
from sinergi.detection.services.case_links import departure_screening_link_case, post_link_case
from sinergi.detection.services.contacts import contact_refresh
from sinergi.detection.services.departure_screenings import (
    checkpoint_province,
    departure_screening_create,
    departure_screening_create_in_transaction,
)
from sinergi.detection.services.parsing import (
    MAX_ITEMS_PER_BATCH,
    MAX_TEXT_CHARS,
    MAX_UPLOAD_BYTES,
    LineError,
    PostItem,
    parse_upload,
    validate_item,
    validate_items,
)
from sinergi.detection.services.reviews import MAX_REASON_CHARS, campaign_review, post_review
from sinergi.detection.services.storing import connection_needs_ids, post_store_batch
from sinergi.detection.services.uploads import (
    MAX_ITEMS_PER_UPLOAD,
    post_upload,
    post_upload_process,
    post_uploads_resume,
)

__all__ = [
    "MAX_CANDIDATES",
    "MAX_ITEMS_PER_BATCH",
    "MAX_ITEMS_PER_UPLOAD",
    "MAX_REASON_CHARS",
    "MAX_TEXT_CHARS",
    "MAX_UPLOAD_BYTES",
    "LineError",
    "PostItem",
    "campaign_refresh",
    "campaign_review",
    "checkpoint_province",
    "connection_needs_ids",
    "contact_refresh",
    "departure_screening_create",
    "departure_screening_create_in_transaction",
    "departure_screening_link_case",
    "parse_upload",
    "post_link_case",
    "post_review",
    "post_store_batch",
    "post_upload",
    "post_upload_process",
    "post_uploads_resume",
    "validate_item",
    "validate_items",
]
