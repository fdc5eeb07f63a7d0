"""A bound on the work of checking one volume: however the HTML is built, sanitizing it stops
at a deadline with a clear refusal instead of holding a worker."""

from __future__ import annotations

import time

# Seconds one volume's checks may take. Every step is linear in the size of the HTML and a
# volume is at most 2 MB, so a real volume needs a fraction of this; the budget only bounds
# what no one has thought of yet.
SANITIZE_SECONDS = 3.0
# html5ever compares each attribute of an element with the ones before it (quadratic): 50,000
# attributes on one element cost seconds. No real element carries more than a few dozen.
MAX_ATTRIBUTES = 1000


class TooComplex(ValueError):
    """The HTML would take too long to check: refused, nothing stored."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"This volume is too complex to check: {reason}. Split it into "
                         "smaller volumes, or remove the generated markup.")


class Deadline:
    """When the checks of one volume must end; `check` raises once it has passed."""

    def __init__(self, seconds: float = SANITIZE_SECONDS) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    @property
    def passed(self) -> bool:
        return time.monotonic() > self.ends

    def check(self, step: str) -> None:
        if self.passed:
            raise TooComplex(f"{step} took longer than the {self.seconds:g} s allowed")
