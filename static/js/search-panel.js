// Reader tools: the search panel (the / key and the header's Search button). Results are
// ranked by the engine (search.js), listed as a combobox's options with the matched words
// marked, and chosen with the arrow keys and Enter.
(function searchPanel(SG) {
  "use strict";

  var engine = SG.searchEngine;
  var SHOWN = 20;  // results listed; the status says how many matched
  var dialog = document.getElementById("search-dialog");
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var openButton = document.getElementById("search-open");
  if (!dialog || !input || !list || !status) return;

  var index = null;
  var shown = [];  // {stop, option}
  var active = -1;

  function loadIndex() {
    return engine.load(dialog.getAttribute("data-index-url")).then(function (prepared) {
      index = prepared;
      return index;
    });
  }

  // Text with the matched words marked, built from text nodes: volume text never becomes HTML.
  function highlighted(text, terms) {
    var fragment = document.createDocumentFragment();
    var at = 0;
    engine.tokenise(text).forEach(function (token) {
      if (!terms.has(token.term)) return;
      if (token.start > at) fragment.appendChild(document.createTextNode(text.slice(at, token.start)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(token.start, token.end);
      fragment.appendChild(mark);
      at = token.end;
    });
    if (at < text.length) fragment.appendChild(document.createTextNode(text.slice(at)));
    return fragment;
  }

  // Where a result leads: {id, volume, stop}. A volume whose body is still to come has no stop
  // for its sections yet: the result is shown from the index, and its body brought in.
  function targetOfSection(section) {
    var entry = index.raw.sections[section];
    var id = String(entry[1]);
    var indexed = index.raw.volumes[entry[0]];
    var volume = indexed && SG.volumeById.get(String(indexed[0]));
    // The section must be in the volume the index says: a stale index never points elsewhere.
    if (!volume) return null;
    var stop = SG.stopById.get(id);
    if (stop) return stop.volume === volume ? { id: id, volume: volume, stop: stop } : null;
    return SG.isPending(volume) ? { id: id, volume: volume, stop: null, title: entry[2] } : null;
  }

  // `reveal`: scroll the option into the list's view (arrow keys); a fresh list starts at the top.
  function setActive(position, reveal) {
    if (active >= 0 && shown[active]) shown[active].option.setAttribute("aria-selected", "false");
    active = position;
    if (active >= 0 && shown[active]) {
      var option = shown[active].option;
      option.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", option.id);
      if (reveal) option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function render(text) {
    list.textContent = "";
    list.scrollTop = 0;
    shown = [];
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (!text.trim()) {
      status.textContent = index.count + " sections in " + index.raw.volumes.length +
        " volumes. Type a word, the start of one, or a symbol.";
      input.setAttribute("aria-expanded", "false");
      return;
    }
    var found = engine.query(index, text);
    var hits = [];
    for (var i = 0; i < found.hits.length && hits.length < SHOWN; i++) {
      var target = targetOfSection(found.hits[i].section);
      if (target) hits.push(target);
    }
    var coming = hits.filter(function (target) { return SG.isPending(target.volume); });
    if (coming.length) {
      // Snippets are cut from the page: once these bodies are in, the list is drawn again.
      Promise.all(coming.map(function (target) { return SG.loadVolume(target.volume); }))
        .then(function () { if (dialog.open && input.value === text) render(text); },
              function () {});
    }
    hits.forEach(function (target, position) {
      var stop = target.stop;
      var option = document.createElement("li");
      option.className = "search-result";
      option.id = "search-result-" + position;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      var where = document.createElement("span");
      where.className = "sr-where";
      where.textContent = SG.volumeLabel(target.volume);
      var title = document.createElement("span");
      title.className = "sr-title";
      var heading = stop ? (stop.el.classList.contains("sl") ? SG.stopTitle(stop) : "")
        : String(target.title || "");
      title.appendChild(highlighted(heading || "Introduction", found.terms));
      var body = document.createElement("span");
      body.className = "sr-snippet";
      body.appendChild(SG.isPending(target.volume) ? document.createTextNode("…")
        : highlighted(engine.snippet(stop, found.terms), found.terms));
      option.appendChild(where);
      option.appendChild(title);
      option.appendChild(body);
      option.addEventListener("click", function () { go(target); });
      option.addEventListener("mousemove", function () {
        if (active !== position) setActive(position, false);
      });
      list.appendChild(option);
      shown.push({ target: target, option: option });
    });
    var total = found.hits.length;
    status.textContent = total === 0 ? "No section matches “" + text.trim() + "”."
      : total + (total === 1 ? " section matches" : " sections match") +
        (total > hits.length ? "; the best " + hits.length + " are listed." : ".");
    input.setAttribute("aria-expanded", hits.length ? "true" : "false");
    if (hits.length) setActive(0, false);
  }

  function go(target) {
    dialog.close();
    SG.goTo(target.id, { history: "push" });
  }

  var pending = 0;
  input.addEventListener("input", function () {
    if (!index) return;
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () { render(input.value); });
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!shown.length) return;
      var step = event.key === "ArrowDown" ? 1 : -1;
      setActive((active + step + shown.length) % shown.length, true);
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (index && pending) {
        cancelAnimationFrame(pending);
        pending = 0;
        render(input.value);
      }
      if (shown[active]) go(shown[active].target);
    }
  });

  SG.openSearch = function () {
    SG.openDialog(dialog, input);
    input.select();
    if (index) {
      render(input.value);
      return;
    }
    status.textContent = "Loading the search index…";
    loadIndex().then(function () { render(input.value); }, function (error) {
      status.textContent = "Search is not available: " + error.message + ". Reload the page " +
        "and try again.";
    });
  };
  if (openButton) {
    openButton.hidden = false;
    openButton.addEventListener("click", SG.openSearch);
  }
  SG.shortcut({ keys: ["/"], description: "Search the guide", order: 10, run: SG.openSearch });

  // For bench/search.py and the tests: the same code the panel runs.
  SG.search = {
    load: loadIndex,
    query: function (text) { return engine.query(index, text); },
    render: render,
    tokenise: engine.tokenise,
  };
})(window.StudyGuide);
