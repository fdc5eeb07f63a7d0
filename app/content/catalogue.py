"""The guide's volumes: built-ins plus the added ones from the store, and the owner's changes.

Writes go validate -> sanitize -> store (read-modify-write under the store's lock), and every
check that depends on the other volumes runs inside the change, against the current document.
"""

from __future__ import annotations

import logging
from html.parser import HTMLParser

from study_guide.content.fields import validate_fields
from study_guide.content.sanitize import MarkupTooDeep, Report, clean
from study_guide.content.volume import Volume, VolumeError, stored_volumes
from study_guide.errors import AppError
from study_guide.storage import Snapshot, Store
from study_guide.storage.document import (
    add_record,
    empty_document,
    find_record,
    new_record,
    remove_record,
)

log = logging.getLogger("study_guide")
UNREADABLE_NOTICE = ("The added volumes cannot be read right now — showing the built-in volumes "
                     "only. They come back by themselves once the storage answers again.")


class Catalogue:
    def __init__(self, store: Store, builtins: list[Volume], max_html_bytes: int) -> None:
        self.store = store
        self.builtins = sorted(builtins, key=lambda v: v.sort_key)
        self.max_html_bytes = max_html_bytes
        # The volumes of the last stored version: deriving them (a hash and an anchoring pass
        # over every added volume's HTML) costs 20 ms a page view with 50 added volumes.
        self._derived: tuple[str, list[Volume]] | None = None
        self._unreadable = ""  # the store's last error, while it lasts

    def snapshot(self) -> tuple[list[Volume], Snapshot]:
        """Every volume in display order, and the stored snapshot they came from."""
        snapshot = self.store.load()
        derived = self._derived  # one read: another thread may replace it meanwhile
        if derived is None or derived[0] != snapshot.version:
            added = [volume for volume, _ in stored_volumes(snapshot.document)]
            derived = (snapshot.version, sorted(self.builtins + added, key=lambda v: v.sort_key))
            self._derived = derived
        return list(derived[1]), snapshot

    def readers_snapshot(self) -> tuple[list[Volume], Snapshot]:
        """What readers are shown: `snapshot()`, or, when the added volumes cannot be read at
        all (the store fails and no earlier copy is kept), the built-in volumes with a notice
        rather than an error page. The owner's pages and the API still report the error."""
        try:
            volumes_and_snapshot = self.snapshot()
        except AppError as error:
            if error.message != self._unreadable:  # once per outage, not once per page view
                log.warning("showing the built-in volumes only: %s", error.message)
            self._unreadable = error.message
            return list(self.builtins), Snapshot(
                document=empty_document(), version=f"none:{error.code}", notice=UNREADABLE_NOTICE)
        self._unreadable = ""
        return volumes_and_snapshot

    def prepare(self, payload: object) -> tuple[str, str, str, Report]:
        """Validate and sanitize an add request: number, title, safe HTML and the report."""
        number, title, html = validate_fields(payload)
        size = len(html.encode("utf-8", "surrogatepass"))
        if size > self.max_html_bytes:
            raise VolumeError(
                f"The HTML is {size / 1_048_576:.1f} MB; a volume can be at most "
                f"{self.max_html_bytes // 1_048_576} MB. Split it into two volumes.",
                status=413, code="too_large")
        try:
            safe, report = clean(html)
        except MarkupTooDeep as exc:
            raise VolumeError(str(exc)) from exc
        if not has_content(safe):
            raise VolumeError("Nothing is left after sanitizing: the HTML held only markup "
                              "that is not allowed (see the report). Paste the volume's "
                              "content itself.", status=422, code="empty_after_sanitizing")
        return number, title, safe, report

    def add(self, payload: object) -> tuple[dict, Report]:
        number, title, safe, report = self.prepare(payload)
        record = new_record(number, title, safe)

        def change(document: dict) -> dict:
            self._refuse_taken_number(document, number)
            return add_record(document, record)

        self.store.modify(change)
        return record, report

    def delete(self, volume_id: str) -> None:
        if any(volume.id == volume_id for volume in self.builtins):
            raise AppError("Built-in volumes are part of the guide and cannot be deleted.",
                           status=403, code="builtin")

        def change(document: dict) -> dict:
            if find_record(document, volume_id) is None:
                raise AppError(f"No added volume has the id {volume_id!r}: reload the list.",
                               status=404, code="unknown_volume")
            return remove_record(document, volume_id)

        self.store.modify(change)

    def restore(self, version: str, volume_id: str) -> dict:
        """Bring back a volume from an earlier revision of the stored document."""
        record = self.store.revision_record(version, volume_id)
        number = str(record.get("number", "")).strip()

        def change(document: dict) -> dict:
            self._refuse_taken_number(document, number, ignore_id=volume_id)
            return add_record(document, record)  # already there: unchanged

        self.store.modify(change)
        return record

    def _refuse_taken_number(self, document: dict, number: str, ignore_id: str = "") -> None:
        taken = {v.number: v.title for v in self.builtins}
        taken.update({str(r.get("number", "")).strip(): str(r.get("title", ""))
                      for r in document["volumes"] if r.get("id") != ignore_id})
        if number in taken:
            raise AppError(f"Volume {number} already exists ({taken[number]}). Choose another "
                           "number, or delete that volume first.", status=409,
                           code="number_taken")


class _VisibleContent(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def handle_data(self, data: str) -> None:
        self.found = self.found or bool(data.strip())

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.found = self.found or tag in {"svg", "hr"}


def has_content(html: str) -> bool:
    """True when sanitized HTML still shows something: text or a drawing."""
    parser = _VisibleContent()
    parser.feed(html)
    return parser.found
