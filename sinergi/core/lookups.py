"""`AnyOf(F("case_id"), ids)`: a column among ids read beforehand, bound as one array on PostgreSQL.

`Q(case_id__in=ids)` prepares and binds every id as a parameter of its own, which for the 1,500 cases referred
to a busy agency cost about 10 ms of CPU to build and 4 ms to compile, on every search. `= ANY(%s)` binds the
list once (and PostgreSQL hashes it); elsewhere (SQLite) it is the same IN list as before. The array travels as
its text (`{1,2,3}`, cast to bigint[]): the ids are integers, and Django's client-side binding quoted a list of
2,000 ids element by element in Python, 3.5 ms against 0.04 ms for the one string.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import Lookup


class AnyOf(Lookup):
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet  # as `__in=[]`: matches nothing, and an OR around it keeps its other side
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, "{" + ",".join(map(str, self.rhs)) + "}"]
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*lhs_params, *self.rhs]
