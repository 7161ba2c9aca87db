"""Model fields for encrypted personal identifiers. See sinergi/core/crypto.py for the scheme."""

from __future__ import annotations

from django.db import models

from sinergi.core import crypto


class EncryptedTextField(models.TextField):
    """A text value stored as an AES-GCM token; Python code sees the plaintext.

    Encrypted values cannot be filtered on: query the companion blind-index field instead.
    """

    description = "Encrypted text"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)
