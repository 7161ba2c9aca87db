"""Models of the exchange app, one module per capability (imports, linkage; events, exports beside)."""

from sinergi.exchange.models.agreements import SharingAgreement
from sinergi.exchange.models.events import Delivery, OutboxEvent, Subscription
from sinergi.exchange.models.exports import ExportRun
from sinergi.exchange.models.imports import ImportBatch, ImportedRecord, ImportMapping, ImportRowResult
from sinergi.exchange.models.linkage import CandidatePair, LinkRun

__all__ = [
    "CandidatePair",
    "Delivery",
    "ExportRun",
    "ImportBatch",
    "ImportMapping",
    "ImportRowResult",
    "ImportedRecord",
    "LinkRun",
    "OutboxEvent",
    "SharingAgreement",
    "Subscription",
]
