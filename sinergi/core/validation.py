"""Model validation that does not ask the database again about a related row the model already holds."""

from __future__ import annotations

from django.db import models


class LoadedRelationsMixin:
    """`full_clean()` without one existence query per foreign key whose related object is already loaded.

    Django's `ForeignKey.validate` asks the database whether the row exists even when the model holds that row
    as an instance (the actor, the locked case, the agency read with the user): a case intake ran eleven such
    queries, a note three. An instance the service holds was read in this request, and the database's own
    foreign key still refuses a row deleted since. Uniqueness and constraints are checked as before; only the
    per-field check of these relations is skipped. A relation given by id alone is still checked.
    """

    def clean_fields(self, exclude=None):
        loaded = set()
        for field in self._meta.concrete_fields:
            if not field.many_to_one or not field.is_cached(self):
                continue
            related = field.get_cached_value(self)
            if (
                isinstance(related, models.Model)
                and not related._state.adding  # read from, or saved to, the database
                and getattr(related, field.target_field.attname) == getattr(self, field.attname)
            ):
                loaded.add(field.name)
        super().clean_fields(exclude=set(exclude or ()) | loaded)
