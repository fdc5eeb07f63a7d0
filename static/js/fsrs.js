// Reader tools: the flashcards' scheduler, FSRS-6 (the Free Spaced Repetition Scheduler that Anki
// ships) with its published default parameters, ported from the open algorithm's description
// and checked against py-fsrs (tests/test_fsrs.py). Pure: no page, no storage, no clock (every
// call takes `now` in milliseconds), so the same file also runs under node for those tests.
//
// A card is {state: "learning" | "review" | "relearning", step, stability, difficulty, due,
// last}: times in ms since the epoch, stability in days, difficulty 1..10; a new card is
// newCard(now). Grades are 1 again, 2 hard, 3 good, 4 easy. Like py-fsrs and ts-fsrs, elapsed
// time counts in whole days, and reviews less than a day apart use the short-term formula.
(function fsrs(root) {
  "use strict";

  var W = [0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
    1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542];
  var MINUTE = 60 * 1000;
  var DAY = 24 * 60 * MINUTE;
  var CONFIG = {
    retention: 0.9,                         // the chance of recall a card is scheduled for
    learningSteps: [1 * MINUTE, 10 * MINUTE],
    relearningSteps: [10 * MINUTE],
    maximumInterval: 36500                  // days
  };
  var STABILITY_MIN = 0.001;
  var DECAY = -W[20];
  var FACTOR = Math.pow(0.9, 1 / DECAY) - 1;  // so that R(S days) = 90 %

  function clampDifficulty(d) { return Math.min(10, Math.max(1, d)); }
  function clampStability(s) { return Math.max(STABILITY_MIN, s); }

  // Python's round(): halves go to the even neighbour (py-fsrs rounds intervals with it).
  function roundHalfEven(x) {
    var r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }

  function initialStability(grade) { return clampStability(W[grade - 1]); }
  function initialDifficulty(grade, clamp) {
    var d = W[4] - Math.exp(W[5] * (grade - 1)) + 1;
    return clamp ? clampDifficulty(d) : d;
  }

  // The chance of recalling the card `days` after its last review.
  function forgettingCurve(days, stability) {
    return Math.pow(1 + FACTOR * days / stability, DECAY);
  }

  function nextInterval(stability) {  // whole days
    var days = stability / FACTOR * (Math.pow(CONFIG.retention, 1 / DECAY) - 1);
    return Math.min(CONFIG.maximumInterval, Math.max(1, roundHalfEven(days)));
  }

  function nextDifficulty(d, grade) {
    var delta = -W[6] * (grade - 3);
    var damped = d + (10 - d) * delta / 9;  // linear damping: harder to move near 10
    return clampDifficulty(W[7] * initialDifficulty(4, false) + (1 - W[7]) * damped);
  }

  function shortTermStability(s, grade) {
    var increase = Math.exp(W[17] * (grade - 3 + W[18])) * Math.pow(s, -W[19]);
    if (grade > 1) increase = Math.max(increase, 1);
    return clampStability(s * increase);
  }

  function nextStability(d, s, r, grade) {
    var next;
    if (grade === 1) {
      var longTerm = W[11] * Math.pow(d, -W[12]) * (Math.pow(s + 1, W[13]) - 1) *
        Math.exp((1 - r) * W[14]);
      next = Math.min(longTerm, s / Math.exp(W[17] * W[18]));
    } else {
      var hardPenalty = grade === 2 ? W[15] : 1;
      var easyBonus = grade === 4 ? W[16] : 1;
      next = s * (1 + Math.exp(W[8]) * (11 - d) * Math.pow(s, -W[9]) *
        (Math.exp((1 - r) * W[10]) - 1) * hardPenalty * easyBonus);
    }
    return clampStability(next);
  }

  function elapsedDays(card, now) {
    return card.last === null || card.last === undefined ? null : Math.floor((now - card.last) / DAY);
  }

  function retrievability(card, now) {
    if (card.last === null || card.last === undefined || !card.stability) return 0;
    return forgettingCurve(Math.max(0, elapsedDays(card, now)), card.stability);
  }

  function newCard(now) {
    return { state: "learning", step: 0, stability: null, difficulty: null, due: now, last: null };
  }

  // The card after grading it at `now`, with `interval` (ms) until it is due again.
  function review(card, grade, now) {
    var next = { state: card.state, step: card.step, stability: card.stability,
      difficulty: card.difficulty, due: card.due, last: card.last };
    var days = elapsedDays(card, now);
    if (next.stability === null || next.difficulty === null) {
      next.stability = initialStability(grade);
      next.difficulty = initialDifficulty(grade, true);
    } else {
      next.stability = days !== null && days < 1
        ? shortTermStability(card.stability, grade)
        : nextStability(card.difficulty, card.stability, retrievability(card, now), grade);
      next.difficulty = nextDifficulty(card.difficulty, grade);
    }

    var interval = null;  // ms; null: graduate to a review interval
    if (card.state === "review") {
      if (grade === 1 && CONFIG.relearningSteps.length) {
        next.state = "relearning";
        next.step = 0;
        interval = CONFIG.relearningSteps[0];
      }
    } else {
      var steps = card.state === "relearning" ? CONFIG.relearningSteps : CONFIG.learningSteps;
      var step = card.step || 0;
      if (!steps.length || (step >= steps.length && grade > 1) || grade === 4) {
        interval = null;
      } else if (grade === 1) {
        next.step = 0;
        interval = steps[0];
      } else if (grade === 2) {
        interval = step === 0 ? (steps.length === 1 ? steps[0] * 1.5 : (steps[0] + steps[1]) / 2)
          : steps[step];
      } else if (step + 1 < steps.length) {
        next.step = step + 1;
        interval = steps[next.step];
      }
    }
    if (interval === null) {
      next.state = "review";
      next.step = null;
      interval = nextInterval(next.stability) * DAY;
    }
    next.last = now;
    next.due = now + interval;
    next.interval = interval;
    return next;
  }

  // What each grade would do: [again, hard, good, easy].
  function preview(card, now) {
    return [1, 2, 3, 4].map(function (grade) { return review(card, grade, now); });
  }

  // A card scheduled elsewhere, `days` apart from its last review and due at `due`: it becomes a
  // review card whose stability is that interval (a Leitner box carried over).
  function fromInterval(days, due, difficulty) {
    var stability = clampStability(days);
    return { state: "review", step: null, stability: stability,
      difficulty: clampDifficulty(difficulty), due: due, last: due - days * DAY };
  }

  // An interval as Anki shows it on the grade buttons: "<10m", "3h", "8d", "1.5mo", "2.1y".
  function label(ms) {
    var minutes = ms / MINUTE;
    if (minutes < 60) return "<" + Math.max(1, Math.ceil(minutes)) + "m";
    var days = ms / DAY;
    if (days < 1) return Math.round(minutes / 60) + "h";
    if (days < 30) return Math.round(days) + "d";
    if (days < 365) return Math.round(days / 30 * 10) / 10 + "mo";
    return Math.round(days / 365 * 10) / 10 + "y";
  }

  var api = { parameters: W.slice(), config: CONFIG, DAY: DAY, newCard: newCard, review: review,
    preview: preview, retrievability: retrievability, fromInterval: fromInterval,
    initialDifficulty: function (grade) { return initialDifficulty(grade, true); },
    label: label };
  if (typeof module === "object" && module && module.exports) module.exports = api;
  else root.StudyGuide.fsrs = api;
})(typeof window === "undefined" ? null : window);
