"""The `Volume` record: one volume as the guide shows it, built from a stored or built-in record
with its HTML sanitized and its sections anchored."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property

from study_guide.content.budget import TooComplex
from study_guide.content.sanitize import MarkupTooDeep, Report, clean_cached
from study_guide.errors import AppError

MAX_NUMBER = 3999  # the largest number a roman numeral writes
SECTION_LABEL = re.compile(r'<(div|p|h2|h3)( id="[^"]*")? class="sl">', re.IGNORECASE)


class VolumeError(AppError):
    """A volume is not acceptable; the message says what to change."""

    status = 400
    code = "bad_input"


@dataclass(frozen=True)
class Volume:
    """One volume as the guide shows it: built-in or added, with its sanitized HTML."""

    id: str
    number: str
    title: str
    subtitle: str
    html: str
    builtin: bool
    added_at: str = ""
    edited_at: str = ""

    @property
    def anchor(self) -> str:
        return f"vol-{self.number}"

    @cached_property
    def digest(self) -> str:
        """Names this content: the URL of the volume's body changes exactly when it does."""
        return hashlib.sha256(self.html.encode("utf-8", "surrogatepass")).hexdigest()[:16]

    @property
    def numeral(self) -> str:
        return numeral_of(self.number)

    @property
    def sort_key(self) -> tuple[int, str, str]:
        numeric = int(self.number) if self.number.isdigit() else MAX_NUMBER + 1
        return (numeric, self.number, self.id)

    def summary(self) -> dict:
        return {"id": self.id, "number": self.number, "title": self.title,
                "builtin": self.builtin}


def numeral_of(number: str) -> str:
    """How a volume number is shown: in roman numerals when it is a whole number."""
    return roman(int(number)) if number.isdigit() else number


def roman(number: int) -> str:
    """Roman numeral for 1..3999."""
    numerals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = []
    for value, letters in numerals:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


@dataclass(frozen=True)
class Unshown:
    """A stored record that is not shown, and why: the record itself stays stored."""

    id: str
    number: str
    problem: str


def safe_volume(record: dict, builtin: bool) -> tuple[Volume, Report]:
    """A `Volume` from a record, its HTML sanitized (cached by content) and sections anchored.
    Raises VolumeError when the HTML cannot be checked (too deep, too complex)."""
    number = str(record.get("number", "")).strip()
    volume_id = str(record["id"])
    try:
        html, report = clean_cached(str(record.get("html", "")), f"{volume_id}-")
    except (MarkupTooDeep, TooComplex) as exc:
        raise VolumeError(str(exc)) from None
    except UnicodeError:
        raise VolumeError("The HTML holds characters that are not valid Unicode (lone "
                          "surrogates, from a broken copy or conversion).") from None
    volume = Volume(
        id=volume_id,
        number=number,
        title=str(record.get("title", "")).strip(),
        subtitle=str(record.get("subtitle", "")).strip(),
        html=anchor_sections(html, f"vol-{number}"),
        builtin=builtin,
        added_at=str(record.get("added_at", "")),
        edited_at=str(record.get("edited_at", "")),
    )
    return volume, report


def anchor_sections(html: str, anchor: str) -> str:
    """Give every section label a stable deep-link id: `vol-3-01`, `vol-3-02`, ..."""
    counter = iter(range(1, 10_000))

    def label(match: re.Match[str]) -> str:
        return f'<{match.group(1)} id="{anchor}-{next(counter):02d}" class="sl">'

    return SECTION_LABEL.sub(label, html)


def stored_volumes(document: dict) -> tuple[list[Volume], list[Unshown]]:
    """The added volumes of a document, sanitized (stored HTML is untrusted), and the records
    that cannot be shown: edited outside the app into something no check accepts."""
    volumes, unshown = [], []
    for record in document["volumes"]:
        try:
            volumes.append(safe_volume(record, builtin=False)[0])
        except VolumeError as error:
            unshown.append(Unshown(str(record.get("id", "")),
                                   str(record.get("number", "")).strip(), error.message))
    return volumes, unshown
