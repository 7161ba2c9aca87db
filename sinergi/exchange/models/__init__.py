"""Models of the exchange app, one module per capability (imports here; linkage, events, exports beside)."""

from sinergi.exchange.models.imports import ImportBatch, ImportedRecord, ImportMapping, ImportRowResult

__all__ = ["ImportBatch", "ImportMapping", "ImportRowResult", "ImportedRecord"]
