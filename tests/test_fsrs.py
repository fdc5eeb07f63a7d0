"""The flashcards' scheduler (static/js/fsrs.js, run with node) against py-fsrs, the reference
FSRS-6 implementation, on the same review sequences with fuzz off: after every review the state,
learning step, stability, difficulty and due time must agree."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

fsrs = pytest.importorskip("fsrs")

FSRS_JS = Path(__file__).resolve().parent.parent / "static" / "js" / "fsrs.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="needs node to run static/js/fsrs.js")

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
STATES = {fsrs.State.Learning: "learning", fsrs.State.Review: "review",
          fsrs.State.Relearning: "relearning"}

# Replays each sequence of [grade, time in ms] on a new card and prints the card after each review.
REPLAY = """
const F = require(process.argv[1]);
const sequences = JSON.parse(require('fs').readFileSync(0, 'utf8'));
console.log(JSON.stringify(sequences.map(seq => {
  let card = F.newCard(seq.length ? seq[0][1] : 0);
  return seq.map(([grade, now]) => (card = F.review(card, grade, now)));
})));
"""


def run_js(script: str, payload) -> object:
    done = subprocess.run([NODE, "-e", script, str(FSRS_JS)], input=json.dumps(payload),
                          capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def reference(plan: list[tuple[int, float]]) -> tuple[list[list], list[dict]]:
    """Review a new card with py-fsrs: each step is (grade, when), `when` a fraction of the time
    from the last review to the due time (1.0: on time; 0.5: early; 3: late), or at START for
    the first. Returns the sequence as [grade, ms] and the card after each review."""
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    card = fsrs.Card()
    moment = START
    sequence, cards = [], []
    for grade, when in plan:
        if card.last_review is not None:
            moment = card.last_review + (card.due - card.last_review) * when
            moment = moment.replace(microsecond=0)
        card, _ = scheduler.review_card(card, fsrs.Rating(grade), review_datetime=moment)
        sequence.append([grade, ms(moment)])
        cards.append({"state": STATES[card.state], "step": card.step,
                      "stability": card.stability, "difficulty": card.difficulty,
                      "due": ms(card.due), "last": ms(card.last_review)})
    return sequence, cards


def on_time(*grades: int) -> list[tuple[int, float]]:
    return [(g, 1.0) for g in grades]


def seeded(seed: int, length: int) -> list[tuple[int, float]]:
    rng = random.Random(seed)
    return [(rng.choice([1, 2, 3, 3, 3, 4]), rng.choice([0.3, 0.8, 1.0, 1.0, 1.7, 4.0]))
            for _ in range(length)]


PLANS = {
    "good every time": on_time(3, 3, 3, 3, 3, 3, 3, 3),
    "easy every time": on_time(4, 4, 4, 4, 4, 4),
    "hard every time": on_time(2, 2, 2, 2, 2, 2, 2),
    "again then climb": on_time(1, 1, 2, 3, 3, 4, 3, 3),
    # ts-fsrs's interval-history test: good six times, two lapses, then good five times
    "lapses in review": on_time(3, 3, 3, 3, 3, 3, 1, 1, 3, 3, 3, 3, 3),
    "easy then forgotten": on_time(4, 3, 1, 2, 3, 1, 3, 4),
    "early and late reviews": [(3, 1), (3, 1), (3, 0.5), (3, 3.0), (2, 0.2), (1, 6.0), (3, 1),
                               (4, 2.5), (3, 0.05)],
    **{f"seeded {seed}": seeded(seed, 40) for seed in range(6)},
}


@pytest.fixture(scope="module")
def replayed() -> dict[str, tuple[list, list, list]]:
    """Every plan: its sequence, py-fsrs's cards and ours (one node run for them all)."""
    references = {name: reference(plan) for name, plan in PLANS.items()}
    ours = run_js(REPLAY, [sequence for sequence, _ in references.values()])
    return {name: (sequence, expected, got)
            for (name, (sequence, expected)), got in zip(references.items(), ours, strict=True)}


@pytest.mark.parametrize("name", list(PLANS))
def test_scheduler_matches_py_fsrs(name, replayed):
    sequence, expected, got = replayed[name]
    assert len(got) == len(expected)
    for i, (mine, theirs) in enumerate(zip(got, expected, strict=True)):
        where = f"{name}, review {i + 1} (grade {sequence[i][0]})"
        assert mine["state"] == theirs["state"], where
        assert mine["step"] == theirs["step"], where
        assert mine["stability"] == pytest.approx(theirs["stability"], rel=1e-9), where
        assert mine["difficulty"] == pytest.approx(theirs["difficulty"], rel=1e-9), where
        assert mine["due"] == theirs["due"], where
        assert mine["last"] == theirs["last"], where


def test_sequences_reach_every_state_and_long_intervals(replayed):
    """The plans above exercise what they should: relearning, and intervals of months."""
    seen, longest = set(), timedelta(0)
    for _, cards, _ in replayed.values():
        seen.update(c["state"] for c in cards)
        longest = max(longest, *(timedelta(milliseconds=c["due"] - c["last"]) for c in cards))
    assert seen == {"learning", "review", "relearning"}
    assert longest > timedelta(days=100)


# The first review's intervals for a new card, and FSRS-6's defaults, in JS and in py-fsrs.
FIRST = """
const F = require(process.argv[1]);
const now = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const shown = F.preview(F.newCard(now), now);
console.log(JSON.stringify({intervals: shown.map(c => c.interval),
  labels: shown.map(c => F.label(c.interval)), parameters: F.parameters, config: F.config}));
"""


def test_new_card_intervals_and_defaults():
    got = run_js(FIRST, ms(START))
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    assert got["parameters"] == pytest.approx(list(fsrs.scheduler.DEFAULT_PARAMETERS))
    assert got["config"]["retention"] == scheduler.desired_retention
    assert got["config"]["maximumInterval"] == scheduler.maximum_interval
    assert got["config"]["learningSteps"] == [s / timedelta(milliseconds=1)
                                              for s in scheduler.learning_steps]
    assert got["config"]["relearningSteps"] == [s / timedelta(milliseconds=1)
                                                for s in scheduler.relearning_steps]
    minute, day = 60_000, 86_400_000
    assert got["intervals"] == [1 * minute, 5.5 * minute, 10 * minute, 8 * day]
    assert got["labels"] == ["<1m", "<6m", "<10m", "8d"]


def test_interval_ladder_matches_ts_fsrs(replayed):
    """ts-fsrs 5.4.2 (no fuzz) schedules its interval-history sequence in these whole days."""
    _, _, cards = replayed["lapses in review"]
    days = [round((c["due"] - c["last"]) / 86_400_000) for c in cards]
    assert days == [0, 2, 11, 46, 163, 498, 0, 0, 2, 4, 7, 12, 21]


LABELS = """
const F = require(process.argv[1]);
const values = JSON.parse(require('fs').readFileSync(0, 'utf8'));
console.log(JSON.stringify(values.map(F.label)));
"""


def test_interval_labels_read_like_ankis():
    minute, hour, day = 60_000, 3_600_000, 86_400_000
    values = [30_000, 10 * minute, 3 * hour, day, 3 * day, 45 * day, 400 * day]
    assert run_js(LABELS, values) == ["<1m", "<10m", "3h", "1d", "3d", "1.5mo", "1.1y"]
