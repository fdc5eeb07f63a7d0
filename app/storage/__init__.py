"""Where added volumes are kept: the `Store` interface and the factory that picks a backend."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

from study_guide.config import Settings
from study_guide.errors import AppError

Change = Callable[[dict], dict]


class StorageError(AppError):
    status = 500
    code = "storage_error"


class StoredDocumentUnreadable(StorageError):
    """The stored document does not parse: reads report it, writes are refused."""

    status = 500
    code = "stored_document_unreadable"


class DocumentTooLarge(StorageError):
    status = 413
    code = "too_large"


@dataclass(frozen=True)
class Snapshot:
    """The stored document as read, with what a reader should be told about its freshness."""

    document: dict
    version: str  # changes whenever the document changes; keys render caches
    synced_at: str = ""  # ISO time the copy was last confirmed current
    notice: str = ""  # e.g. "GitHub unreachable — showing the copy from …"


@dataclass
class ConnectionReport:
    """What `POST /api/connection-test` and `study-guide check` print."""

    backend: str
    ok: bool = True
    gist_id: str = ""
    token: str = ""
    scopes: list[str] = field(default_factory=list)
    file_found: bool = False
    volumes: int = 0
    rate_limit: dict = field(default_factory=dict)
    location: str = ""
    problems: list[dict] = field(default_factory=list)

    def problem(self, code: str, message: str, fix: str) -> None:
        self.ok = False
        self.problems.append({"code": code, "message": message, "fix": fix})

    def as_dict(self) -> dict:
        return {"ok": self.ok, "backend": self.backend, "gist_id": self.gist_id,
                "token": self.token, "scopes": self.scopes, "file_found": self.file_found,
                "volumes": self.volumes, "rate_limit": self.rate_limit,
                "location": self.location, "problems": self.problems}


class Store(ABC):
    """Keeps the stored document. `modify` is read-modify-write: `change` gets the current
    document and returns the new one; it may raise AppError to refuse."""

    backend: str

    @abstractmethod
    def load(self) -> Snapshot: ...

    @abstractmethod
    def modify(self, change: Change) -> dict: ...

    @abstractmethod
    def connection_test(self) -> ConnectionReport: ...

    def describe(self) -> dict:
        """Where volumes are stored, for the manage page."""
        return {"backend": self.backend}

    def revisions(self) -> list[dict]:
        """Recent revisions of the stored document, newest first (Gist storage only)."""
        raise StorageError("Revisions exist only with Gist storage: local storage keeps no "
                           "history.", status=404, code="no_revisions")

    def revision_record(self, version: str, volume_id: str) -> dict:
        """A volume as an earlier revision held it (Gist storage only)."""
        raise StorageError("Restoring needs Gist storage: local storage keeps no history.",
                           status=404, code="no_revisions")


def make_store(settings: Settings) -> Store:
    if settings.backend == "gist":
        from study_guide.storage.gist import GistStore

        return GistStore(settings)
    from study_guide.storage.local import LocalStore

    return LocalStore(settings.data_dir)
