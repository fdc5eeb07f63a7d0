"""The one error type the HTTP layer turns into `{"error": {"code", "message"}}` answers."""

from __future__ import annotations


class AppError(Exception):
    """A refusal with an HTTP status, a stable code and a sentence a person can act on."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None,
                 retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.retry_after = retry_after

    def as_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}
