"""The guide's volumes: built-ins plus the added ones from the store, and the owner's changes.

Writes go validate -> sanitize -> store (read-modify-write under the store's lock), and every
check that depends on the other volumes runs inside the change, against the current document.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from study_guide.content.prepare import PreparedVolume, prepare_volume
from study_guide.content.sanitize import Report
from study_guide.content.volume import Unshown, Volume, stored_volumes
from study_guide.errors import AppError
from study_guide.storage import Snapshot, Store
from study_guide.storage.document import (
    add_record,
    empty_document,
    find_record,
    new_record,
    remove_record,
    replace_record,
    utc_now,
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
        self._derived: tuple[str, list[Volume], list[Unshown]] | None = None
        self._unreadable = ""  # the store's last error, while it lasts

    def snapshot(self) -> tuple[list[Volume], Snapshot]:
        """Every volume in display order, and the stored snapshot they came from."""
        volumes, _, snapshot = self._current()
        return volumes, snapshot

    def unshown(self) -> list[Unshown]:
        """The stored records that cannot be shown, and why (for the owner's page)."""
        return self._current()[1]

    def _current(self) -> tuple[list[Volume], list[Unshown], Snapshot]:
        snapshot = self.store.load()
        derived = self._derived  # one read: another thread may replace it meanwhile
        if derived is None or derived[0] != snapshot.version:
            added, unshown = stored_volumes(snapshot.document)
            for record in unshown:
                log.warning("stored volume %s is not shown: %s", record.id, record.problem)
            derived = (snapshot.version, sorted(self.builtins + added, key=lambda v: v.sort_key),
                       unshown)
            self._derived = derived
        return list(derived[1]), list(derived[2]), snapshot

    def readers_snapshot(self) -> tuple[list[Volume], Snapshot]:
        """What readers are shown: `snapshot()`, or, when the added volumes cannot be read at
        all (the store fails and no earlier copy is kept), the built-in volumes with a notice
        rather than an error page. The owner's pages and the API still report the error."""
        try:
            volumes, unshown, snapshot = self._current()
        except AppError as error:
            if error.message != self._unreadable:  # once per outage, not once per page view
                log.warning("showing the built-in volumes only: %s", error.message)
            self._unreadable = error.message
            return list(self.builtins), Snapshot(
                document=empty_document(), version=f"none:{error.code}", notice=UNREADABLE_NOTICE)
        self._unreadable = ""
        if unshown:
            snapshot = replace(snapshot, notice=" ".join(filter(None, (
                snapshot.notice, unshown_notice(len(unshown))))))
        return volumes, snapshot

    def prepare(self, payload: object, *, require_title: bool = True) -> PreparedVolume:
        """Validate, unwrap, convert and sanitize what the owner sent; nothing is stored."""
        return prepare_volume(payload, self.max_html_bytes, require_title=require_title)

    def add(self, payload: object) -> tuple[dict, Report]:
        prepared = self.prepare(payload)
        record = new_record(**prepared.stored_fields())

        def change(document: dict) -> dict:
            self._refuse_taken_number(document, prepared.number)
            return add_record(document, record)

        self.store.modify(change)
        return record, prepared.report

    def record(self, volume_id: str) -> dict:
        """An added volume as its owner wrote it, for editing."""
        self._refuse_builtin(volume_id, "edited")
        document = self.store.load().document
        record = find_record(document, volume_id)
        if record is None:
            raise _unknown(volume_id)
        return record

    def edit(self, volume_id: str, payload: object) -> tuple[dict, Report]:
        """New content for an added volume, under the same id: one write, all or nothing."""
        self._refuse_builtin(volume_id, "edited")
        prepared = self.prepare(payload)
        edited: dict = {}

        def change(document: dict) -> dict:
            current = find_record(document, volume_id)
            if current is None:
                raise _unknown(volume_id)
            self._refuse_taken_number(document, prepared.number, ignore_id=volume_id)
            kept = {key: value for key, value in current.items()
                    if key not in ("format", "source")}
            edited.update(kept | prepared.stored_fields() | {"edited_at": utc_now()})
            return replace_record(document, edited)

        self.store.modify(change)
        return edited, prepared.report

    def delete(self, volume_id: str) -> None:
        self._refuse_builtin(volume_id, "deleted")

        def change(document: dict) -> dict:
            if find_record(document, volume_id) is None:
                raise _unknown(volume_id)
            return remove_record(document, volume_id)

        self.store.modify(change)

    def restore(self, version: str, volume_id: str) -> dict:
        """Bring back a volume from an earlier revision of the stored document."""
        record = self.store.revision_record(version, volume_id)
        number = str(record.get("number", "")).strip()

        def change(document: dict) -> dict:
            self._refuse_taken_number(document, number, ignore_id=volume_id)
            # Still there (an edit since): the earlier content comes back under its id.
            return replace_record(document, record)

        self.store.modify(change)
        return record

    def _refuse_builtin(self, volume_id: str, verb: str) -> None:
        if any(volume.id == volume_id for volume in self.builtins):
            raise AppError(f"Built-in volumes are part of the guide and cannot be {verb}.",
                           status=403, code="builtin")

    def _refuse_taken_number(self, document: dict, number: str, ignore_id: str = "") -> None:
        taken = {v.number: v.title for v in self.builtins}
        taken.update({str(r.get("number", "")).strip(): str(r.get("title", ""))
                      for r in document["volumes"] if r.get("id") != ignore_id})
        if number in taken:
            raise AppError(f"Volume {number} already exists ({taken[number]}). Choose another "
                           "number, or delete that volume first.", status=409,
                           code="number_taken")


def unshown_notice(count: int) -> str:
    those = "One added volume" if count == 1 else f"{count} added volumes"
    return (f"{those} cannot be shown: the stored copy holds HTML that cannot be checked. The "
            "owner's page says which and why.")


def _unknown(volume_id: str) -> AppError:
    return AppError(f"No added volume has the id {volume_id!r}: reload the list.", status=404,
                    code="unknown_volume")
