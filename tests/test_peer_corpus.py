"""The attack inputs of other sanitizers' test suites (DOMPurify, H5SC, OWASP's filter evasion
cheat sheet, bleach, sanitize-html, ammonia: `../shared/peer-corpus`, beside the clone) added
through the API in a few volumes, then shown in Chromium with the page's own scripts and CSP,
on `/` and in the offline file: nothing runs, loads from elsewhere, navigates or leaves its
volume. Inputs are batched into a few volumes, except the few that would swallow the rest of
theirs."""

from __future__ import annotations

import json
import os
import re
from collections import Counter

import pytest
import requests
from browser_watch import Watch
from conftest import ROOT, open_whole_guide

from study_guide.content.sanitize import clean

pytestmark = pytest.mark.browser

CORPUS_FILE = ROOT.parent / "shared" / "peer-corpus" / "sanitizer-attacks.json"
SOURCES = {"dp": "DOMPurify", "h5sc": "H5SC", "owasp": "OWASP", "bl": "bleach",
           "sanh": "sanitize-html", "amm": "ammonia"}
BATCHES, FIRST_NUMBER = 8, 200


def peer_corpus() -> list[dict]:
    """The entries; CI always has ../shared/peer-corpus beside the clone, so there a missing
    corpus is a failure. A clone on its own skips, saying where it looked."""
    if not CORPUS_FILE.exists():
        message = f"the peer corpus is missing: looked for {CORPUS_FILE}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message + " (only CI is sure to have ../shared/peer-corpus beside the clone)")
    return json.loads(CORPUS_FILE.read_text(encoding="utf-8"))


def marker(entry: dict) -> str:
    return f"[peer {entry['id']}]"


def swallows_what_follows(payload: str) -> bool:
    """An unclosed `<style>`, `<textarea>`, `<title>`… takes everything after it with it."""
    return "[after]" not in clean(f"{payload}<p>[after]</p>")[0]


def add_in_batches(url: str, entries: list[dict], headers: dict) -> list[list[dict]]:
    """The entries as volumes (numbers from FIRST_NUMBER), each payload after a paragraph
    naming it: BATCHES volumes, and one each for the payloads that would swallow the others.
    NUL is refused outright, so those entries go alone and must be refused."""
    with_nul = [entry for entry in entries if "\x00" in entry["payload"]]
    for entry in with_nul:
        refused = requests.post(url + "/api/volumes", headers=headers, timeout=30, json={
            "number": "199", "title": "NUL", "html": entry["payload"]})
        assert refused.status_code == 400 and "NUL" in refused.json()["error"]["message"]
    rest = [entry for entry in entries if entry not in with_nul]
    alone = [entry for entry in rest if swallows_what_follows(entry["payload"])]
    together = [entry for entry in rest if entry not in alone]
    batches = [together[index::BATCHES] for index in range(BATCHES)] + [[e] for e in alone]
    for index, batch in enumerate(batches):
        html = "".join(f"<p>{marker(entry)}</p>{entry['payload']}" for entry in batch)
        added = requests.post(url + "/api/volumes", headers=headers, timeout=60, json={
            "number": str(FIRST_NUMBER + index), "title": f"Peer batch {index}", "html": html})
        assert added.status_code == 201, added.text[:500]
    return batches


MARKER = re.compile(r"\[peer [a-z0-9]+-\d+\]")
SECTIONS = """() => Object.fromEntries(Array.from(document.querySelectorAll('section.volume'))
  .map(s => [s.id, s.textContent]))"""
STRUCTURE = """() => ({
  body: Array.from(document.body.children).map(e => e.tagName.toLowerCase()).slice(0, 3),
  fixed: Array.from(document.querySelectorAll('section.volume *')).filter(
    e => getComputedStyle(e).position === 'fixed').length,
  headers: document.querySelectorAll('header.site-header').length,
  markers: (document.body.textContent.match(/\\[peer [a-z0-9]+-\\d+\\]/g) || []).length,
})"""


def check_page(page, watch: Watch, batches: list[list[dict]], where: str) -> None:
    watch.provoke(page)
    assert watch.in_page(page) == {"hits": [], "violations": []}, where
    assert (watch.outside, watch.dialogs, watch.errors) == ([], [], []), where
    assert len(set(watch.navigations)) == 1, (where, watch.navigations)
    sections = page.evaluate(SECTIONS)
    for index, batch in enumerate(batches):
        found = MARKER.findall(sections[f"vol-{FIRST_NUMBER + index}"])
        assert found == [marker(entry) for entry in batch], (where, index)
    structure = page.evaluate(STRUCTURE)
    assert structure["fixed"] == 0 and structure["headers"] == 1, (where, structure)
    # Every input's marker once, in its own volume: none outside.
    assert structure["markers"] == sum(map(len, batches)), (where, structure)


def test_peer_corpus_runs_nothing_on_the_page_and_in_the_offline_file(
        run_server, chromium, owner_headers, tmp_path):
    entries = peer_corpus()
    counts = Counter(SOURCES[entry["id"].split("-")[0]] for entry in entries)
    print("peer corpus inputs per source:", dict(counts))
    assert set(counts) == set(SOURCES.values()) and sum(counts.values()) == len(entries)
    server = run_server()
    batches = add_in_batches(server.url, entries, owner_headers)

    watch, context = Watch(), chromium.new_context(viewport={"width": 1280, "height": 900})
    watch.attach(context, server.url)
    page = context.new_page()
    watch.watch(page)
    open_whole_guide(page, server.url + "/")
    check_page(page, watch, batches, "/")
    context.close()

    offline = tmp_path / "guide.html"
    offline.write_bytes(requests.get(server.url + "/download", timeout=60).content)
    watch, context = Watch(), chromium.new_context(viewport={"width": 1280, "height": 900})
    watch.attach(context, offline.as_uri())
    page = context.new_page()
    watch.watch(page)
    page.goto(offline.as_uri())
    check_page(page, watch, batches, "offline file")
    context.close()
