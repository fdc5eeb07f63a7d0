// Reader tools: flashcard study mode over every `qa` card on the page (the f key and the
// header's Flashcards button).
// Scheduling is FSRS (fsrs.js): four grades, again, hard, good and easy (keys 1-4), each
// button showing when it would bring the card back. Progress (study-store.js) is one record
// per card keyed by a hash of its question text, so cards keep their progress when volumes are
// added, removed or renumbered. SG.study gives study-export.js the whole deck.
(function study(SG) {
  "use strict";

  var FSRS = SG.fsrs;
  var store = SG.studyStore;
  var GRADES = ["again", "hard", "good", "easy"];
  var DAY = FSRS.DAY;
  var AGAIN_GAP = 3;  // an "again" card returns after this many other cards

  var dialog = document.getElementById("study-dialog");
  var openButton = document.getElementById("study-open");
  if (!dialog) return;
  var els = {};
  ["picked", "volumes", "stats", "card", "where", "q", "a", "actions", "flip", "grades", "done",
    "done-text", "ahead", "retention"].forEach(function (name) {
    els[name] = document.getElementById("study-" + name);
  });
  if (els.retention) els.retention.textContent = Math.round(FSRS.config.retention * 100) + "%";

  // cyrb53: a fast 53-bit string hash; collisions among a few thousand questions are negligible.
  function hash(text) {
    var h1 = 0xdeadbeef, h2 = 0x41c6ce57;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
  }
  SG.cardKey = function (question) {
    return "q" + hash(question.replace(/\s+/g, " ").trim());
  };

  var deck = null;  // [{key, volume, section, question el, answer el}] in page order
  function collect() {
    var cards = [];
    var seen = new Set();
    SG.volumes.forEach(function (volume) {
      var stops = SG.stops.filter(function (stop) { return stop.volume === volume; });
      Array.prototype.forEach.call(volume.querySelectorAll(".qa"), function (qa) {
        var question = qa.querySelector(".qa-q");
        var answer = qa.querySelector(".qa-a");
        if (!question || !question.textContent.trim()) return;
        var key = SG.cardKey(question.textContent);
        if (seen.has(key)) return;  // the same question twice is one card
        seen.add(key);
        var section = stops[0];
        stops.forEach(function (stop) {
          if (stop.el.compareDocumentPosition(qa) & Node.DOCUMENT_POSITION_FOLLOWING) section = stop;
        });
        cards.push({ key: key, volume: volume, section: section, question: question,
          answer: answer });
      });
    });
    return cards;
  }

  var progress = store.load();
  function stateOf(card) {
    return Object.prototype.hasOwnProperty.call(progress, card.key) ? progress[card.key] : null;
  }

  function excluded() {
    var list = SG.load("study-excluded", []);
    return new Set(Array.isArray(list) ? list.map(String) : []);
  }
  function chosenCards() {
    var skip = excluded();
    return deck.filter(function (card) { return !skip.has(card.volume.id); });
  }

  // --- the session -----------------------------------------------------------------------------
  var queue = [];
  var card = null;
  var flipped = false;

  function dueQueue(now) {
    var due = [], fresh = [];
    chosenCards().forEach(function (c) {
      var state = stateOf(c);
      if (!state) fresh.push(c);
      else if (state.due <= now) due.push({ card: c, due: state.due });
    });
    due.sort(function (a, b) { return a.due - b.due; });
    return due.map(function (d) { return d.card; }).concat(fresh);
  }

  // `focusCard`: move focus to the card; not when the reader is ticking volumes in the picker.
  function startSession(everything, focusCard) {
    queue = everything ? chosenCards() : dueQueue(Date.now());
    next(focusCard);
  }

  // Due today: due before the coming midnight; retention: the share of review-state cards
  // (not those still in their learning steps) recalled in the last 30 days' reviews.
  function stats() {
    var now = Date.now(), due = 0, fresh = 0, learned = 0, cards = chosenCards();
    var midnight = new Date(now);
    midnight.setHours(24, 0, 0, 0);
    var reviewed = 0, recalled = 0;
    cards.forEach(function (c) {
      var state = stateOf(c);
      if (!state) fresh += 1;
      else if (state.due < midnight.getTime()) due += 1;
      else learned += 1;
      if (state) state.log.forEach(function (r) {
        if (r.state !== "review" || r.time < now - 30 * DAY) return;
        reviewed += 1;
        if (r.grade > 1) recalled += 1;
      });
    });
    els.stats.textContent = cards.length + " cards · " + due + " due today · " + fresh + " new · " +
      learned + " learned · 30-day retention " +
      (reviewed ? Math.round(100 * recalled / reviewed) + "%" : "–") +
      (queue.length ? " · " + queue.length + " left in this round" : "");
  }

  function clone(source) {
    // The card's own (already sanitized) markup, without ids that would repeat on the page,
    // and without the page's buttons (a Copy button on code): a clone has no listeners.
    var copy = document.createDocumentFragment();
    if (!source) return copy;
    source.childNodes.forEach(function (node) {
      if (node.nodeType === 1 && node.matches("button")) return;
      var twin = node.cloneNode(true);
      if (twin.nodeType === 1) {
        twin.removeAttribute("id");
        Array.prototype.forEach.call(twin.querySelectorAll("[id], button"), function (el) {
          if (el.matches("button")) el.remove();
          else el.removeAttribute("id");
        });
      }
      copy.appendChild(twin);
    });
    return copy;
  }

  function next(focusCard) {
    card = queue.shift() || null;
    flipped = false;
    stats();
    var hasCard = card !== null;
    els.card.hidden = !hasCard;
    els.actions.hidden = !hasCard;
    els.done.hidden = hasCard;
    if (!hasCard) {
      showDone(focusCard);
      return;
    }
    els.where.textContent = SG.volumeLabel(card.volume) +
      (card.section && card.section.el.classList.contains("sl") ? " — " + SG.stopTitle(card.section) : "");
    els.q.textContent = "";
    els.q.appendChild(clone(card.question));
    els.a.textContent = "";
    els.a.appendChild(clone(card.answer));
    els.a.hidden = true;
    els.flip.hidden = false;
    els.grades.hidden = true;
    if (focusCard) els.flip.focus();
  }

  function showDone(focusCard) {
    var cards = chosenCards();
    if (!cards.length) {
      els["done-text"].textContent = "No flashcards in the chosen volumes: pick some above.";
      els.ahead.hidden = true;
      return;
    }
    var soonest = Infinity;
    cards.forEach(function (c) {
      var state = stateOf(c);
      if (state) soonest = Math.min(soonest, state.due);
    });
    els["done-text"].textContent = "All caught up: nothing is due in the chosen volumes. " +
      "The next card is due in " + inWords(soonest - Date.now()) + ".";
    els.ahead.hidden = false;
    if (focusCard) els.ahead.focus();
  }

  function inWords(ms) {
    var minutes = Math.max(1, Math.ceil(ms / 60000));
    var hours = Math.round(minutes / 60), days = Math.max(1, Math.round(ms / DAY));
    if (minutes < 60) return minutes + (minutes === 1 ? " minute" : " minutes");
    if (hours < 24) return hours + (hours === 1 ? " hour" : " hours");
    return days + (days === 1 ? " day" : " days");
  }

  function flip() {
    if (!card || flipped) return;
    flipped = true;
    var now = Date.now();
    var shown = FSRS.preview(stateOf(card) || FSRS.newCard(now), now);
    GRADES.forEach(function (how, i) {
      var button = els.grades.querySelector('[data-grade="' + how + '"]');
      var label = FSRS.label(shown[i].interval);
      button.querySelector(".grade-ivl").textContent = label;
      button.setAttribute("aria-label", how.charAt(0).toUpperCase() + how.slice(1) + ", " +
        "comes back in " + inWords(shown[i].interval) + " (key " + (i + 1) + ")");
    });
    els.a.hidden = false;
    els.flip.hidden = true;
    els.grades.hidden = false;
    els.grades.querySelector(".grade-good").focus();
  }

  function grade(how) {
    if (!card || !flipped) return;
    progress = store.load();  // another tab may have studied meanwhile
    var after = store.review(progress, card.key, GRADES.indexOf(how) + 1, Date.now());
    if (how === "again") queue.splice(Math.min(AGAIN_GAP, queue.length), 0, card);
    SG.announce((how === "again" ? "Again" : "Recorded: " + how) + ", back in " +
      inWords(after.interval));
    next(true);
  }

  // --- the volume picker -----------------------------------------------------------------------
  function renderPicker() {
    els.volumes.textContent = "";
    var skip = excluded();
    SG.volumes.forEach(function (volume) {
      var count = deck.filter(function (c) { return c.volume === volume; }).length;
      if (!count) return;
      var item = document.createElement("li");
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.value = volume.id;
      box.checked = !skip.has(volume.id);
      box.addEventListener("change", pickChanged);
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + SG.volumeLabel(volume) + " (" + count + ")"));
      item.appendChild(label);
      els.volumes.appendChild(item);
    });
    summarisePicker();
  }
  function summarisePicker() {
    var boxes = els.volumes.querySelectorAll("input");
    var on = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
    els.picked.textContent = on === boxes.length ? "all " + on : on + " of " + boxes.length;
  }
  function pickChanged() {
    var skip = [];
    Array.prototype.forEach.call(els.volumes.querySelectorAll("input"), function (box) {
      if (!box.checked) skip.push(box.value);
    });
    SG.save("study-excluded", skip);
    summarisePicker();
    startSession(false, false);
  }
  dialog.querySelectorAll("[data-pick]").forEach(function (button) {
    button.addEventListener("click", function () {
      var all = button.getAttribute("data-pick") === "all";
      els.volumes.querySelectorAll("input").forEach(function (box) { box.checked = all; });
      pickChanged();
    });
  });

  // --- wiring ------------------------------------------------------------------------------------
  els.flip.addEventListener("click", flip);
  els.grades.addEventListener("click", function (event) {
    var button = event.target.closest("[data-grade]");
    if (button) grade(button.getAttribute("data-grade"));
  });
  els.ahead.addEventListener("click", function () { startSession(true, true); });
  // The panel's own keys; on the picker's summary they are the summary's.
  function onSummary(event) {
    return Boolean(event.target.closest && event.target.closest("summary"));
  }
  SG.shortcut({ keys: [" "], within: dialog, description: "Flashcards: show the answer", order: 40,
    run: function (key, event) {
      if (onSummary(event)) return false;
      // Space always means "show the answer" here, never "press the focused grade button".
      flip();
    } });
  SG.shortcut({ keys: ["1", "2", "3", "4"], within: dialog,
    description: "Flashcards: again, hard, good, easy (each button shows when the card returns)",
    order: 50, run: function (key, event) {
      if (onSummary(event) || !flipped) return false;
      grade(GRADES[Number(key) - 1]);
    } });

  SG.on("volume-loaded", function () { deck = null; });
  SG.openStudy = function () {
    SG.openDialog(dialog, null);
    if (SG.allLoaded()) {
      start();
      return;
    }
    // Cards come from every volume: those not on the page yet are brought in first.
    els.card.hidden = true;
    els.actions.hidden = true;
    els.stats.textContent = "Gathering the cards of every volume…";
    SG.loadAll().then(start, start);
  };
  function start() {
    if (!dialog.open) return;
    if (!deck) deck = collect();
    progress = store.load();
    renderPicker();
    startSession(false, true);
    if (!card && els.ahead.hidden) dialog.querySelector(".study-picker summary").focus();
  }

  // For study-export.js: every card of the guide (call once every volume is in), a card's
  // side as markup, and a fresh round after progress came in from a file.
  SG.study = {
    deck: function () { return deck || (deck = collect()); },
    markup: function (el) {
      var box = document.createElement("div");
      box.appendChild(clone(el));
      return box.innerHTML;
    },
    restart: function () {
      progress = store.load();
      if (dialog.open && deck) startSession(false, false);
    }
  };
  if (openButton) {
    openButton.hidden = false;
    openButton.addEventListener("click", SG.openStudy);
  }
  SG.shortcut({ keys: ["f"], description: "Flashcards", order: 30, run: SG.openStudy });
})(window.StudyGuide);
