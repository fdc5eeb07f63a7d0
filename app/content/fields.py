"""What an add or edit request must hold: a number, a title, and the volume's content as HTML
or as Markdown."""

from __future__ import annotations

from dataclasses import dataclass

from study_guide.content.volume import MAX_NUMBER, VolumeError

FORMATS = ("html", "markdown")
MAX_TITLE = 200


@dataclass(frozen=True)
class VolumeFields:
    number: str
    title: str  # "" when the owner left it empty (the content may offer one)
    text: str  # as sent
    format: str  # "html" or "markdown"


def validate_fields(payload: object) -> VolumeFields:
    """The fields of an API body, trimmed; VolumeError says what is wrong."""
    if not isinstance(payload, dict):
        raise VolumeError('Send a JSON object with "number", "title" and "html" (or '
                          '"markdown").')
    number = payload.get("number")
    number = str(number).strip() if isinstance(number, (str, int)) else ""
    title = payload.get("title")
    title = title.strip() if isinstance(title, str) else ""
    given = [name for name in FORMATS if payload.get(name) is not None]
    if len(given) > 1:
        raise VolumeError('Send the content once: as "html" or as "markdown", not both.')
    format = given[0] if given else "html"
    text = payload.get(format)
    if not number:
        raise VolumeError("The volume number is missing: give a whole number such as 10.")
    if not number.isdigit() or not 1 <= int(number) <= MAX_NUMBER:
        raise VolumeError(f"The volume number must be a whole number from 1 to {MAX_NUMBER}; "
                          f"got {number[:20]!r}.")
    check_title(title, allow_empty=True)
    if not isinstance(text, str) or not text.strip():
        raise VolumeError("The HTML is empty: paste the volume's HTML." if format == "html"
                          else "The Markdown is empty: paste the volume's Markdown.")
    if "\x00" in text or "\x00" in title:
        raise VolumeError("The text contains NUL characters, which are not text: the paste is "
                          "probably a binary file. Paste the volume's content instead.")
    return VolumeFields(str(int(number)), title, text, format)


def check_title(title: str, *, allow_empty: bool = False) -> None:
    if not title and not allow_empty:
        raise VolumeError("The title is empty: give the volume a title.")
    if len(title) > MAX_TITLE:
        raise VolumeError(f"The title is longer than {MAX_TITLE} characters: shorten it.")
