"""Django's PostgreSQL backend, kept within the protocol's limit of parameters when the server binds them.

With `server_side_binding` (config/database.py) every value travels as a bound parameter, and PostgreSQL's
wire protocol counts them in 16 bits: a statement with more than 65,535 fails ("number of parameters must be
between 0 and 65535"). Django batches bulk inserts, bulk updates, cascading deletes and `in_bulk` only for the
backends it knows to have such a limit, so on PostgreSQL a graph rebuild or an upload's 20,000 contacts would
fail in one statement. Declaring the limit here batches them all; nothing else of the backend changes.
"""

from __future__ import annotations

from functools import cached_property

from django.db.backends.postgresql import base, features, operations

# The protocol's field is an unsigned 16-bit count.
MAX_BOUND_PARAMETERS = 65_535


class DatabaseFeatures(features.DatabaseFeatures):
    @cached_property
    def max_query_params(self) -> int | None:  # type: ignore[override]
        return MAX_BOUND_PARAMETERS if self.uses_server_side_binding else None


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields, objs):
        if not self.connection.features.uses_server_side_binding:
            return super().bulk_batch_size(fields, objs)
        # A bulk update sends two parameters per field and object (WHEN pk = %s THEN %s), which Django counts
        # as one: halving keeps both inserts and updates inside the limit.
        return max(MAX_BOUND_PARAMETERS // (2 * max(len(fields), 1)), 1)


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
    ops_class = DatabaseOperations
