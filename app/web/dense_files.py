"""Dense compressions of rendered pages, shared by every process serving one data folder.

gunicorn runs several workers, and each renders a changed page for itself (cheap); compressing
it densely costs about a second per megabyte, which five workers doing the same would pay five
times over, on the CPU that should be painting readers' pages. So the first process to get
there compresses, under a lock on the page's file, and writes the result beside the Gist copy;
the others wait on the lock (serving their fast bytes meanwhile) and read the file.

Files are named by the page's ETag, so a file never changes once written; those not written
for an hour are removed whenever a new one is.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import struct
import time
from pathlib import Path

from study_guide.files import replace_file
from study_guide.publish.compression import DENSE, compress

FOLDER = "pages"
SUFFIX = ".dense"
KEEP_SECONDS = 3600
_LENGTH = struct.Struct(">Q")  # the file: gzip's length, gzip's bytes, brotli's bytes


class DenseFiles:
    def __init__(self, data_dir: Path) -> None:
        self.folder = data_dir / FOLDER

    def get(self, name: str, body: bytes) -> tuple[bytes, bytes]:
        """`body` (named `name`, a hex digest of it) in dense gzip and brotli: from the file if
        some process wrote it, else compressed here and written for the others. Without a
        writable folder, compressed here for this process alone."""
        path = self.folder / (name + SUFFIX)
        found = _read(path)
        if found is not None:
            return found
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            lock = os.open(self.folder / (name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return compress(body, DENSE)
        try:
            # POSIX record locks belong to the process, so a worker forked while its master
            # held one does not hold it too; the holder's death releases it.
            fcntl.lockf(lock, fcntl.LOCK_EX)
            found = _read(path)
            if found is not None:
                return found
            encoded = compress(body, DENSE)
            with contextlib.suppress(OSError):  # a full disk: the others compress for themselves
                replace_file(path, _LENGTH.pack(len(encoded[0])) + encoded[0] + encoded[1])
                self._prune()
            return encoded
        finally:
            os.close(lock)  # releases the lock

    def _prune(self) -> None:
        cutoff = time.time() - KEEP_SECONDS
        for path in self.folder.iterdir():
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()


def _read(path: Path) -> tuple[bytes, bytes] | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if len(data) < _LENGTH.size:
        return None
    (split,) = _LENGTH.unpack_from(data)
    split += _LENGTH.size
    return data[_LENGTH.size:split], data[split:]
