// Reader tools: the flashcards' progress, kept in localStorage under "fsrs": one record per
// card, keyed by SG.cardKey (a hash of the question), holding the scheduler's card (fsrs.js:
// state, step, stability, difficulty, due, last review), the number of reviews and a log of
// them ({time, grade, interval in ms, state before}) so parameters can be fitted later.
// Progress of the Leitner boxes that came before ("cards": {box, due, reviews}) is left where it
// is and read for every card without a record: box n becomes a review card whose stability is
// that box's interval, due when it was due. Records are read as untrusted: they come from
// storage and from imported files (study-export.js), and are checked field by field.
(function studyStore(SG) {
  "use strict";

  var FSRS = SG.fsrs;
  var LEITNER_DAYS = [0, 1, 3, 7, 16, 35];  // the old boxes' intervals
  var STORE = "fsrs";
  var LOG_LIMIT = 200;  // reviews kept per card
  var STATES = ["learning", "review", "relearning"];

  function finite(value, fallback) {
    var number = Number(value);
    return value !== null && value !== "" && isFinite(number) ? number : fallback;
  }
  function normalize(record) {
    if (!SG.isObject(record) || STATES.indexOf(record.state) < 0) return null;
    var stability = finite(record.stability, null);
    var difficulty = finite(record.difficulty, null);
    var due = finite(record.due, null);
    if (stability === null || difficulty === null || due === null) return null;
    var log = (Array.isArray(record.log) ? record.log : []).filter(SG.isObject).map(function (r) {
      return { time: finite(r.time, 0), grade: Math.min(4, Math.max(1, finite(r.grade, 3))),
        interval: finite(r.interval, 0), state: String(r.state || "") };
    }).slice(-LOG_LIMIT);
    return { state: record.state, step: record.state === "review" ? null : finite(record.step, 0),
      stability: Math.max(0.001, stability), difficulty: Math.min(10, Math.max(1, difficulty)),
      due: due, last: finite(record.last, due), reviews: finite(record.reviews, log.length),
      log: log };
  }
  function fromLeitner(old) {
    if (!SG.isObject(old)) return null;
    var box = Math.min(LEITNER_DAYS.length - 1, Math.max(0, Math.floor(finite(old.box, 0))));
    var due = finite(old.due, 0);
    // Box 0 ("again") had no interval: it is a lapsed card, relearning from a day's stability.
    var card = box ? FSRS.fromInterval(LEITNER_DAYS[box], due, FSRS.initialDifficulty(3))
      : { state: "relearning", step: 0, stability: 1, difficulty: FSRS.initialDifficulty(1),
        due: due, last: due };
    card.reviews = finite(old.reviews, 0);
    card.log = [];
    return normalize(card);
  }
  function load() {
    var stored = SG.load(STORE, {});
    var records = {};
    if (SG.isObject(stored)) {
      Object.keys(stored).forEach(function (key) {
        var record = normalize(stored[key]);
        if (record) records[key] = record;
      });
    }
    var leitner = SG.load("cards", {});  // kept as it was: nothing of it is lost
    if (SG.isObject(leitner)) {
      Object.keys(leitner).forEach(function (key) {
        if (records[key]) return;
        var record = fromLeitner(leitner[key]);
        if (record) records[key] = record;
      });
    }
    return records;
  }

  // Grade the card `key` of `records` at `now`; the records are saved. Returns the new record,
  // with `interval` (ms) until the card is due.
  function review(records, key, grade, now) {
    var before = Object.prototype.hasOwnProperty.call(records, key) ? records[key] : null;
    var after = FSRS.review(before || FSRS.newCard(now), grade, now);
    var entry = { time: now, grade: grade, interval: after.interval,
      state: before ? before.state : "new" };
    records[key] = { state: after.state, step: after.step, stability: after.stability,
      difficulty: after.difficulty, due: after.due, last: after.last,
      reviews: (before ? before.reviews : 0) + 1,
      log: (before ? before.log : []).concat([entry]).slice(-LOG_LIMIT) };
    SG.save(STORE, records);
    return { record: records[key], interval: after.interval };
  }

  // Records from elsewhere (an imported file) merged into those here: per card the one with the
  // newer last review wins; the two logs are joined. Saved; returns how many cards changed.
  function merge(incoming) {
    var records = load(), changed = 0;
    Object.keys(SG.isObject(incoming) ? incoming : {}).forEach(function (key) {
      var theirs = normalize(incoming[key]);
      if (!theirs) return;
      var mine = Object.prototype.hasOwnProperty.call(records, key) ? records[key] : null;
      var winner = !mine || theirs.last > mine.last ? theirs : mine;
      var seen = new Set(), log = [];
      (mine ? mine.log : []).concat(theirs.log).forEach(function (entry) {
        var id = entry.time + ":" + entry.grade;
        if (!seen.has(id)) log.push(entry);
        seen.add(id);
      });
      log.sort(function (a, b) { return a.time - b.time; });
      var merged = Object.assign({}, winner, { log: log.slice(-LOG_LIMIT) });
      merged.reviews = Math.max(winner.reviews, merged.log.length);
      if (JSON.stringify(merged) !== JSON.stringify(mine)) changed += 1;
      records[key] = merged;
    });
    SG.save(STORE, records);
    return changed;
  }

  SG.studyStore = { load: load, review: review, merge: merge };
})(window.StudyGuide);
