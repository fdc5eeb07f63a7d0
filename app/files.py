"""Files other processes read too: replacing one whole, so that readers (other processes, a web
server) see the old file or the new one and never a part of either, and telling its versions
apart without reading it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def replace_file(path: Path, data: bytes, *, durable: bool = False,
                 mode: int | None = None) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`.

    `durable` also waits until the file and its name are on disk (stored volumes must survive
    a power cut; caches need not). `mode` sets the permissions (the temporary file is private).
    """
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    if durable:
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def stat_key(path: Path) -> tuple | None:
    """What tells a file's versions apart without reading it (None: no such file)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size
