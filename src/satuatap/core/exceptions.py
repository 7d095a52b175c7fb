"""The one domain error type. Views show its message; the API turns it into JSON."""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken. `code` is stable for API clients; `message` is translated."""

    status = 400

    def __init__(self, code: str, message: str, *, status: int | None = None, details=None):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.details = details
        if status is not None:
            self.status = status
