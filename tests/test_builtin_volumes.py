"""Every built-in volume has the structure a volume promises (docs/design-system.md) and loads
nothing from the network."""

import re
from pathlib import Path

import pytest

from study_guide.content.builtin import builtin_files, parse_builtin, structure

FILES = builtin_files()


def record(path: Path) -> dict:
    return parse_builtin(path.read_text(encoding="utf-8"), path.name)


def test_there_is_one_file_per_volume_numbered_from_one():
    numbers = [int(record(path)["number"]) for path in FILES]
    assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_volume_has_sections_diagrams_tables_cheat_grid_cards_and_sources(path):
    html = record(path)["html"]
    counts = structure(html)
    assert 8 <= counts["sections"] <= 14
    assert counts["svg"] >= 4
    assert counts["svg_with_viewbox"] == counts["svg"]
    assert counts["tables"] >= 3
    assert counts["cheat_grids"] == 1
    assert 6 <= counts["flashcards"] <= 10
    assert counts["source_links"] >= 3
    assert counts["insights"] >= 1


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_sections_are_numbered_in_order(path):
    labels = re.findall(r'<div class="sl">(\d\d) — ', record(path)["html"])
    assert labels == [f"{n:02d}" for n in range(1, len(labels) + 1)]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_flashcard_has_a_question_and_an_answer(path):
    cards = re.findall(r'<div class="qa">\s*<div class="qa-q">(.*?)</div>\s*'
                       r'<div class="qa-a">(.*?)</div>\s*</div>', record(path)["html"], re.S)
    assert len(cards) == structure(record(path)["html"])["flashcards"]
    assert all(question.strip() and answer.strip() for question, answer in cards)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_volume_loads_nothing_from_the_network(path):
    html = record(path)["html"]
    assert not re.search(r"<(img|script|iframe|link|object|embed|video|audio|image|use)\b",
                         html, re.I)
    assert not re.search(r"url\(\s*['\"]?(?!#)", html)
    assert not re.search(r'\s(src|xlink:href)=', html)
    sources = html.split('class="sources"', 1)[1]
    assert all(link.startswith(("https://", "http://"))
               for link in re.findall(r'<a href="([^"]+)"', sources))
