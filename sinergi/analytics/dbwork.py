"""Settings of the database session for the analytics app's big statements."""

from __future__ import annotations

from django.db import connection

# The rebuild's GROUP BY over millions of rows and the reader's hash joins spill to disk with PostgreSQL's
# default of 4 MB, and the reader's subqueries are scanned per row instead of hashed; inside one transaction
# (SET LOCAL) they may use this much.
WORK_MEM = "256MB"


def roomy_transaction() -> None:
    """Call inside transaction.atomic(): the rest of the transaction may sort and hash in memory, and is not
    JIT-compiled (the statements' huge cost estimates make PostgreSQL spend seconds compiling them)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
            cursor.execute("SET LOCAL jit = off")
