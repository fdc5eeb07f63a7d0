"""One pipeline from what the owner sends to what is stored: fields checked, the paste
unwrapped, Markdown converted, HTML sanitized, formulas and code typeset (and sanitized
again). Preview, add and edit all run it, so a preview is exactly what an add then stores."""

from __future__ import annotations

import html as entities
from dataclasses import dataclass

from study_guide.content.budget import Deadline, TooComplex
from study_guide.content.fields import MAX_TITLE, check_title, validate_fields
from study_guide.content.markdown import markdown_to_html
from study_guide.content.sanitize import MarkupTooDeep, Report, clean
from study_guide.content.tags import tags, without_tags
from study_guide.content.typeset import typeset
from study_guide.content.unwrap import unwrap
from study_guide.content.volume import VolumeError


@dataclass(frozen=True)
class PreparedVolume:
    number: str
    title: str
    html: str  # sanitized: what readers get
    report: Report
    format: str  # "html" or "markdown"
    source: str  # what the owner wrote, unwrapped (kept for Markdown, to edit it again)

    def stored_fields(self) -> dict:
        """The record's fields for this content: Markdown keeps its source for editing."""
        fields = {"number": self.number, "title": self.title, "html": self.html}
        if self.format == "markdown":
            fields |= {"format": "markdown", "source": self.source}
        return fields


def prepare_volume(payload: object, max_bytes: int, *,
                   require_title: bool = True) -> PreparedVolume:
    """`require_title=False` for a draft, whose title the owner may still type."""
    deadline = Deadline()
    fields = validate_fields(payload)
    size = len(fields.text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise VolumeError(
            f"The {'HTML' if fields.format == 'html' else 'Markdown'} is "
            f"{size / 1_048_576:.1f} MB; a volume can be at most {max_bytes // 1_048_576} MB. "
            "Split it into two volumes.", status=413, code="too_large")
    unwrapped = unwrap(fields.text, fields.format)
    title = fields.title or unwrapped.title[:MAX_TITLE]
    if title and not fields.title:
        unwrapped.notes.append(f"Took the title from the paste: {title[:80]}.")
    check_title(title, allow_empty=not require_title)
    html = (markdown_to_html(unwrapped.content) if unwrapped.format == "markdown"
            else unwrapped.content)
    try:
        safe, report = clean(html, deadline=deadline)
        typeset_html = typeset(safe)
        if typeset_html.html != safe:
            safe = clean(typeset_html.html, deadline=deadline)[0]
    except MarkupTooDeep as exc:
        raise VolumeError(str(exc)) from exc
    except TooComplex as exc:
        raise VolumeError(str(exc), status=422, code="too_complex") from exc
    report.notes = unwrapped.notes + typeset_html.notes
    if not has_content(safe):
        raise VolumeError("Nothing is left after sanitizing: the HTML held only markup "
                          "that is not allowed (see the report). Paste the volume's "
                          "content itself.", status=422, code="empty_after_sanitizing")
    return PreparedVolume(fields.number, title, safe, report, unwrapped.format,
                          unwrapped.content)


def has_content(html: str) -> bool:
    """True when sanitized HTML still shows something: text or a drawing."""
    if any(name.lower() in {"svg", "hr"} for closing, name, _ in tags(html) if not closing):
        return True
    return bool(entities.unescape(without_tags(html)).strip())
