"""What an add request must hold: a number, a title and the volume's HTML."""

from __future__ import annotations

from study_guide.content.volume import MAX_NUMBER, VolumeError


def validate_fields(payload: object) -> tuple[str, str, str]:
    """Number, title and HTML from an API body, trimmed; VolumeError says what is wrong."""
    if not isinstance(payload, dict):
        raise VolumeError('Send a JSON object with "number", "title" and "html".')
    number = payload.get("number")
    number = str(number).strip() if isinstance(number, (str, int)) else ""
    title = payload.get("title")
    title = title.strip() if isinstance(title, str) else ""
    html = payload.get("html")
    if not number:
        raise VolumeError("The volume number is missing: give a whole number such as 10.")
    if not number.isdigit() or not 1 <= int(number) <= MAX_NUMBER:
        raise VolumeError(f"The volume number must be a whole number from 1 to {MAX_NUMBER}; "
                          f"got {number[:20]!r}.")
    if not title:
        raise VolumeError("The title is empty: give the volume a title.")
    if len(title) > 200:
        raise VolumeError("The title is longer than 200 characters: shorten it.")
    if not isinstance(html, str) or not html.strip():
        raise VolumeError("The HTML is empty: paste the volume's HTML.")
    if "\x00" in html or "\x00" in title:
        raise VolumeError("The text contains NUL characters, which are not text: the paste is "
                          "probably a binary file. Paste the volume's HTML instead.")
    return str(int(number)), title, html
