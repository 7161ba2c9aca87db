"""Errors that services raise for a user to read. Views show the message; the API returns it with its code."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A refused action with a translated message and a stable code (e.g. `transition_not_allowed`)."""

    status = 400
    # Set by services that refuse many lines at once (a detection upload): the refused lines, for a page to list.
    line_errors: list[Any]

    def __init__(
        self,
        message: Any,
        *,
        code: str = "invalid",
        fields: dict[str, Any] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = fields
        if status is not None:
            self.status = status


class ConflictError(ApplicationError):
    """Someone else changed the record first; nothing was saved."""

    status = 409
