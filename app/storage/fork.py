"""Locks, HTTP sessions and file locks must not cross a fork: gunicorn builds the app in its
master process and then forks the workers. A store registers here once; in each child process
its `renew()` runs before anything else can use the inherited parts."""

from __future__ import annotations

import os
import weakref
from typing import Protocol


class Renewable(Protocol):
    def renew(self) -> None:
        """Make this process's own locks and connections."""


_owners: weakref.WeakSet = weakref.WeakSet()


def renew_in_every_child(owner: Renewable) -> None:
    """Renew the owner's per-process parts now and after every fork."""
    owner.renew()
    _owners.add(owner)


def _renew_all() -> None:
    for owner in list(_owners):
        owner.renew()


if hasattr(os, "register_at_fork"):  # POSIX; elsewhere processes are spawned, not forked
    os.register_at_fork(after_in_child=_renew_all)
