import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from study_guide.content.builtin import (
    builtin_files,
    builtin_folder,
    load_builtins,
    parse_builtin,
    structure,
)
from study_guide.content.fields import VolumeFields, validate_fields
from study_guide.content.sanitize import clean
from study_guide.content.volume import VolumeError, anchor_sections, roman
from study_guide.storage.document import DocumentError, derived_id, parse_document
from study_guide.storage.merge import merge_documents

BUILTIN_FILES = builtin_files()


class Events(HTMLParser):
    """A fragment as a sequence of (kind, name, attributes, text), for semantic comparison."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.events.append(("start", tag, sorted(attrs)))

    def handle_endtag(self, tag):
        self.events.append(("end", tag))

    def handle_data(self, data):
        if self.events and self.events[-1][0] == "text":
            self.events[-1] = ("text", self.events[-1][1] + data)
        else:
            self.events.append(("text", data))


def events(html: str) -> list[tuple]:
    parser = Events()
    parser.feed(html)
    # Void and self-closed elements: compare starts and text, ends follow from the tree.
    return [event for event in parser.events if event[0] != "end"]


def test_roman_numerals():
    assert [roman(n) for n in (1, 4, 9, 14, 40, 90, 400, 1994, 3999)] == [
        "I", "IV", "IX", "XIV", "XL", "XC", "CD", "MCMXCIV", "MMMCMXCIX"]


def test_builtins_load_in_number_order():
    volumes = load_builtins()
    assert len(volumes) == len(BUILTIN_FILES) >= 1
    numbers = [int(v.number) for v in volumes]
    assert numbers == sorted(numbers)
    assert all(v.builtin and v.id == f"builtin-{int(v.number):02d}" for v in volumes)


@pytest.mark.parametrize("path", BUILTIN_FILES, ids=lambda p: p.name)
def test_builtin_comes_through_the_sanitizer_unchanged(path: Path):
    record = parse_builtin(path.read_text(encoding="utf-8"), path.name)
    safe, report = clean(record["html"])
    assert report.as_dict() == {"removed_tags": {}, "removed_attributes": {},
                                "removed_classes": {}, "removed_styles": {},
                                "changed": False, "notes": []}
    assert events(safe) == events(record["html"])


def test_volume_one_is_complete():
    path = builtin_folder() / "01-neural-network-foundations.html"
    record = parse_builtin(path.read_text(encoding="utf-8"), path.name)
    assert record["title"] == "Neural Network Foundations"
    counts = structure(record["html"])
    assert 8 <= counts["sections"] <= 14
    assert counts["svg"] >= 4 and counts["svg_with_viewbox"] == counts["svg"]
    assert counts["tables"] >= 3 and counts["cheat_grids"] == 1
    assert 6 <= counts["flashcards"] <= 10 and counts["source_links"] >= 3


def test_metadata_comment_is_required():
    with pytest.raises(VolumeError, match="must start with"):
        parse_builtin("<p>no metadata</p>", "x.html")
    with pytest.raises(VolumeError, match="no title"):
        parse_builtin("<!--\nnumber: 3\n-->\n<p>x</p>", "x.html")


def test_sections_get_stable_deep_link_anchors():
    html = '<div class="sl">01 — A</div><p>x</p><div id="p-q" class="sl">02 — B</div>'
    assert anchor_sections(html, "vol-3") == (
        '<div id="vol-3-01" class="sl">01 — A</div><p>x</p><div id="vol-3-02" class="sl">'
        '02 — B</div>')


def test_document_keeps_unknown_keys_and_derives_missing_ids():
    text = json.dumps({"volumes": [{"number": "10", "title": "T", "html": "<p>x</p>",
                                    "colour": "teal"}], "owner_note": "keep me"})
    document = parse_document(text)
    assert document["owner_note"] == "keep me"
    record = document["volumes"][0]
    assert record["colour"] == "teal"
    assert record["id"] == derived_id({"number": "10", "title": "T", "html": "<p>x</p>"})


@pytest.mark.parametrize("text, reason", [
    ("", "empty"), ("{not json", "not valid JSON"), ('{"vols": []}', 'no "volumes" list'),
    ('{"volumes": {}}', 'no "volumes" list'), ('{"volumes": [1]}', "not an object"),
    ("[]", 'no "volumes" list'),
])
def test_unreadable_documents_are_reported(text, reason):
    with pytest.raises(DocumentError, match=reason):
        parse_document(text)


@pytest.mark.parametrize("payload, message", [
    ({"title": "T", "html": "<p>x</p>"}, "number is missing"),
    ({"number": "ten", "title": "T", "html": "<p>x</p>"}, "whole number"),
    ({"number": "0", "title": "T", "html": "<p>x</p>"}, "whole number"),
    ({"number": "10", "title": "T" * 201, "html": "<p>x</p>"}, "longer than 200"),
    ({"number": "10", "title": "T", "html": " "}, "HTML is empty"),
    ({"number": "10", "title": "T", "markdown": "\n"}, "Markdown is empty"),
    ({"number": "10", "title": "T", "html": "<p>x</p>", "markdown": "x"}, "not both"),
    ("not an object", "JSON object"),
])
def test_fields_are_validated_with_a_reason(payload, message):
    with pytest.raises(VolumeError, match=message):
        validate_fields(payload)


def test_fields_are_trimmed():
    assert validate_fields({"number": " 010 ", "title": "  Diffusion  ", "html": "<p>x</p>"}) \
        == VolumeFields("10", "Diffusion", "<p>x</p>", "html")


def test_an_empty_title_is_left_for_the_content_to_offer():
    assert validate_fields({"number": "10", "title": "  ", "markdown": "# T"}).title == ""


def test_merge_keeps_both_writers_changes():
    a, b, c, d = ({"id": i, "number": str(n)} for n, i in enumerate("abcd", start=10))
    base = {"volumes": [a, b]}
    theirs = {"volumes": [a, b, c], "extra": 1}  # they added c
    ours = {"volumes": [b, d]}  # we deleted a and added d
    merged = merge_documents(base, theirs, ours)
    assert [r["id"] for r in merged["volumes"]] == ["b", "d", "c"]
    assert merged["extra"] == 1


def test_merge_honours_their_delete():
    a, b = {"id": "a"}, {"id": "b"}
    ours = {"volumes": [a, b, {"id": "n"}]}
    merged = merge_documents({"volumes": [a, b]}, {"volumes": [a]}, ours)
    assert [r["id"] for r in merged["volumes"]] == ["a", "n"]


def test_merge_keeps_their_edit_of_a_volume_we_left_alone():
    a, b = {"id": "a", "title": "A"}, {"id": "b", "title": "B"}
    theirs = {"volumes": [a, {"id": "b", "title": "B edited"}]}
    ours = {"volumes": [{"id": "a", "title": "A edited"}, b]}
    merged = merge_documents({"volumes": [a, b]}, theirs, ours)
    assert merged["volumes"] == [{"id": "a", "title": "A edited"},
                                 {"id": "b", "title": "B edited"}]


def test_merge_where_both_edited_one_volume_keeps_ours():
    a = {"id": "a", "title": "A"}
    merged = merge_documents({"volumes": [a]}, {"volumes": [{"id": "a", "title": "theirs"}]},
                             {"volumes": [{"id": "a", "title": "ours"}]})
    assert merged["volumes"] == [{"id": "a", "title": "ours"}]


def test_merge_keeps_our_edit_of_a_volume_they_deleted():
    a = {"id": "a", "title": "A"}
    merged = merge_documents({"volumes": [a]}, {"volumes": []},
                             {"volumes": [{"id": "a", "title": "ours"}]})
    assert merged["volumes"] == [{"id": "a", "title": "ours"}]
