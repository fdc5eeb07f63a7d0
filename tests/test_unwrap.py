"""The step that turns a pasted chat answer, document or Markdown into a volume's content
(study_guide.content.unwrap): one test per rule, and properties over generated fragments."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from study_guide.content.sanitize import clean
from study_guide.content.unwrap import unwrap

VOLUME = '<div class="sl">01 — Noise</div>\n<p>The forward process adds noise.</p>'
DOCUMENT = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>Diffusion Models</title>\n<style>body { color: red }</style>\n</head>\n"
            f"<body>\n{VOLUME}\n</body>\n</html>")
CHAT = ("Here is your volume, following the format you asked for:\n\n```html\n"
        f"{DOCUMENT}\n```\n\nLet me know if you want another volume!")


def test_a_chat_answer_keeps_only_the_volume():
    result = unwrap(CHAT)
    assert result.content == VOLUME
    assert result.format == "html" and result.title == "Diffusion Models"
    assert not result.cut_off
    assert result.notes == [
        "Removed the chat text before the ```html block.",
        "Removed the chat text after the ```html block.",
        "Kept the inside of the ```html block and dropped its fence marks.",
        "Kept the inside of <body>; dropped the <head> with its <title> and <style> and "
        "<meta>.",
    ]


def test_the_html_block_wins_over_longer_blocks():
    text = (f"Install it:\n```bash\n{'pip install x' * 40}\n```\nThe volume:\n```html\n"
            f"{VOLUME}\n```\n")
    assert unwrap(text).content == VOLUME


def test_without_an_html_block_the_longest_untagged_block_holding_html_wins():
    text = f"```\n<p>short</p>\n```\nand\n```\n{VOLUME}\n```"
    assert unwrap(text).content == VOLUME


@pytest.mark.parametrize("fence", ["````", "~~~", "~~~~~"])
def test_fences_of_three_or_more_backticks_or_tildes(fence):
    assert unwrap(f"Sure:\n{fence}html\n{VOLUME}\n{fence}\nDone.").content == VOLUME


def test_an_unclosed_fence_is_read_to_the_end_and_reported_cut_off():
    result = unwrap(f"Here:\n```html\n{VOLUME}\n<p>and then the model stopp")
    assert result.content.endswith("<p>and then the model stopp")
    assert result.cut_off
    assert any("not closed" in note and "cut off" in note for note in result.notes)


def test_code_fences_in_markdown_notes_are_not_taken_for_the_volume():
    notes = "## Setup\n\nRun this:\n\n```python\nprint('hi')\n```\n\nThen read on.\n"
    result = unwrap(notes)
    assert result.format == "markdown" and "Run this:" in result.content
    assert "```python" in result.content


def test_a_markdown_block_keeps_its_own_code_fences():
    text = "Sure!\n```markdown\n## A\n\n```python\nx = 1\n```\n\nText.\n```\nBye."
    result = unwrap(text)
    assert result.format == "markdown"
    assert result.content == "## A\n\n```python\nx = 1\n```\n\nText."


def test_without_a_fence_prose_before_and_after_the_html_is_dropped():
    result = unwrap(f"Here is the volume:\n\n{VOLUME}\n\nHope this helps!")
    assert result.content == VOLUME
    assert result.notes == ["Removed the chat text before the HTML.",
                            "Removed the chat text after the HTML."]


def test_long_text_around_the_html_is_content_not_chat():
    intro = "\n".join(f"Line {n} of a long introduction." for n in range(6))
    assert unwrap(f"{intro}\n{VOLUME}").content == f"{intro}\n{VOLUME}"


def test_a_document_without_body_tags_keeps_what_follows_the_head():
    result = unwrap(f"<html><head><title>T</title></head>{VOLUME}</html>")
    assert result.content == VOLUME and result.title == "T"


@pytest.mark.parametrize("wrapper", ["main", "article", "section"])
def test_one_wrapper_around_everything_is_unwrapped(wrapper):
    result = unwrap(f'<{wrapper} class="x">{VOLUME}</{wrapper}>')
    assert result.content == VOLUME
    assert result.notes == [f"Removed the <{wrapper}> element wrapped around the whole volume."]


def test_two_sections_side_by_side_are_not_a_wrapper():
    text = "<section><p>a</p></section>\n<section><p>b</p></section>"
    assert unwrap(text).content == text


def test_a_leading_h1_is_offered_as_the_title():
    result = unwrap(f"<h1>Diffusion <em>Models</em></h1>\n{VOLUME}")
    assert result.title == "Diffusion Models" and result.content == VOLUME


def test_bom_zero_width_characters_and_windows_line_endings_are_normalised():
    result = unwrap("\ufeff<p>zero\u200bwidth</p>\r\n<p>two</p>\r\n")
    assert result.content == "<p>zerowidth</p>\n<p>two</p>"
    assert result.notes == ["Removed invisible characters (a byte-order mark or zero-width "
                            "spaces)."]


def test_text_without_tags_that_reads_as_markdown_is_markdown():
    result = unwrap("# Diffusion\n\n## Noise\n\n- a list\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert result.format == "markdown" and result.title == "Diffusion"
    assert result.content.startswith("## Noise")
    assert any("Markdown" in note for note in result.notes)


def test_plain_prose_without_tags_or_markdown_stays_html():
    result = unwrap("Just one sentence of text.")
    assert result.format == "html" and result.content == "Just one sentence of text."


def test_markdown_sent_as_markdown_is_not_looked_at_for_html():
    result = unwrap("## A\n\n<b>bold</b> text", format="markdown")
    assert result.format == "markdown" and result.content == "## A\n\n<b>bold</b> text"


# --- properties -----------------------------------------------------------------------------

BLOCKS = st.sampled_from([
    '<div class="sl">01 — Title</div>', "<p>Some text &amp; more.</p>",
    '<div class="card"><p>card</p></div>', "<table><tr><td>1</td></tr></table>",
    '<pre><code class="language-python">x = 1\n```\n</code></pre>',
    '<svg viewBox="0 0 10 10"><path d="M0 0L10 10"></path></svg>',
    "<ul><li>item</li></ul>", '<div class="qa"><div class="qa-q">Q</div>'
    '<div class="qa-a">A</div></div>', "<section><p>inner</p></section>",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(BLOCKS, min_size=1, max_size=8), st.sampled_from(["\n", "", "\n\n"]))
def test_unwrapping_a_clean_fragment_changes_nothing(blocks, joiner):
    fragment, _ = clean(joiner.join(blocks))
    result = unwrap(fragment)
    assert result.content == fragment.strip("\n") and result.notes == []


@settings(max_examples=200, deadline=None)
@given(st.lists(BLOCKS, min_size=1, max_size=8),
       st.sampled_from(["Here is your volume:", "Sure! Below is the HTML.", ""]),
       st.sampled_from(["Let me know if you want changes.", "", "Enjoy!"]),
       st.sampled_from(["```html", "```", "~~~html", "````HTML"]))
def test_a_fenced_clean_fragment_comes_back_whole(blocks, before, after, fence):
    # A bare fence line inside the volume would end the block early, as in CommonMark: left out.
    blocks = [block for block in blocks if "```" not in block]
    fragment, _ = clean("\n".join(blocks) or "<p>x</p>")
    closing = fence.rstrip("htmlHTML")
    text = f"{before}\n\n{fence}\n{fragment}\n{closing}\n\n{after}"
    assert unwrap(text).content == fragment.strip("\n")
