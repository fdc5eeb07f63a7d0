// Reader tools: the search engine. The index (built by app/content/search.py when the page renders)
// says which sections hold which words; it is fetched when search first opens, or read from the
// `search-index` JSON block of the downloaded file. Snippets are cut from the page itself, so
// the index carries no text. Tokens must match app/content/search.py exactly: see its docstring.
// The panel (search-panel.js) is its one user, through SG.searchEngine.
(function searchEngine(SG) {
  "use strict";

  var SUPSUB = "\u00b2\u00b3\u00b9\u02b0-\u02b8\u1d2c-\u1d6a\u1d9b-\u1dbf\u2070-\u209c\u2c7c\u2c7d";
  var TOKEN = new RegExp("[" + SUPSUB + "]+|(?:(?![" + SUPSUB + "])[\\p{L}\\p{N}])+|" +
    "(?![\\u0000-\\u007f])\\p{Sm}", "gu");
  var FOLD = { "ς": "σ", "∑": "σ", "∏": "π" };
  // Names a reader may type for a symbol, and back: "sqrt" finds √ and "√" finds torch.sqrt.
  var ALIASES = {
    sqrt: "√", root: "√", partial: "∂", nabla: "∇", grad: "∇", sum: "σ", sigma: "σ",
    prod: "π", product: "π", pi: "π", integral: "∫", infinity: "∞", inf: "∞", approx: "≈",
    alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", eta: "η", theta: "θ",
    lambda: "λ", mu: "μ", rho: "ρ", tau: "τ", phi: "φ", omega: "ω",
  };
  var SYMBOL_NAMES = {};
  Object.keys(ALIASES).forEach(function (name) {
    var symbol = ALIASES[name];
    (SYMBOL_NAMES[symbol] = SYMBOL_NAMES[symbol] || []).push(name);
  });
  var INLINE = new Set(["A", "ABBR", "B", "CODE", "DEL", "EM", "I", "INS", "KBD", "MARK", "Q",
    "S", "SAMP", "SMALL", "SPAN", "STRONG", "U", "VAR"]);
  var K1 = 1.2, B = 0.75;

  var ASCII = /^[\x00-\x7f]*$/;

  function normalise(token) {
    if (ASCII.test(token)) return token.toLowerCase();  // the forms below change no ASCII
    return token.normalize("NFKC").toLowerCase().normalize("NFD").replace(/\p{Mn}/gu, "")
      .normalize("NFC").replace(/[ς∑∏]/g, function (c) { return FOLD[c]; });
  }

  // Tokens of a text with their places: [{term, start, end}].
  function tokenise(text) {
    var out = [];
    var match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(text)) !== null) {
      out.push({ term: normalise(match[0]), start: match.index, end: TOKEN.lastIndex });
    }
    return out;
  }

  function checkIndex(raw) {
    var ok = SG.isObject(raw) && raw.version === 1 && Array.isArray(raw.volumes) &&
      Array.isArray(raw.sections) && Array.isArray(raw.terms) &&
      Array.isArray(raw.postings) && raw.terms.length === raw.postings.length;
    if (!ok) throw new Error("the search index is not in the expected format");
    return raw;
  }

  // The index, ready to query: section lengths and title tokens worked out once.
  function prepare(raw) {
    checkIndex(raw);
    var count = raw.sections.length;
    var lengths = new Float64Array(count);
    var total = 0;
    var titles = [];
    raw.sections.forEach(function (section, i) {
      lengths[i] = Number(section[3]) || 0;
      total += lengths[i];
      titles.push(new Set(tokenise(String(section[2] || "")).map(function (t) { return t.term; })));
    });
    var volumeTitles = raw.volumes.map(function (volume) {
      return new Set(tokenise(String(volume[2] || "")).map(function (t) { return t.term; }));
    });
    return {
      raw: raw, count: count, lengths: lengths, average: total / Math.max(count, 1),
      titles: titles, volumeTitles: volumeTitles, decoded: new Map(),
    };
  }

  // A term's postings (see app/content/search.py) as [section, count, section, count, ...], decoded
  // once, when a query first touches the term.
  function postingsOf(index, at) {
    var cached = index.decoded.get(at);
    if (cached) return cached;
    var entries = String(index.raw.postings[at]).split(" ");
    var out = new Int32Array(entries.length * 2);
    var section = 0;
    for (var i = 0; i < entries.length; i++) {
      var entry = entries[i];
      var colon = entry.indexOf(":");
      section += parseInt(colon < 0 ? entry : entry.slice(0, colon), 36);
      out[2 * i] = section;
      out[2 * i + 1] = colon < 0 ? 1 : parseInt(entry.slice(colon + 1), 36);
    }
    index.decoded.set(at, out);
    return out;
  }

  // First position in the sorted terms that is not below `prefix` (UTF-16 order, as sorted).
  function lowerBound(terms, prefix) {
    var low = 0, high = terms.length;
    while (low < high) {
      var mid = (low + high) >>> 1;
      if (terms[mid] < prefix) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  // What one query word matches: Map(index term -> weight). Words of two or more letters are
  // prefixes ("transf" finds transformer); a single character must match a whole token, or
  // "x" would match every word starting with x.
  function expand(index, word) {
    var terms = index.raw.terms;
    var found = new Map();
    function add(term, weight) {
      if ((found.get(term) || 0) < weight) found.set(term, weight);
    }
    function addExact(term, weight) {
      var at = lowerBound(terms, term);
      if (terms[at] === term) add(term, weight);
    }
    function addPrefix(prefix, weight) {
      for (var at = lowerBound(terms, prefix); at < terms.length; at++) {
        var term = terms[at];
        if (term.lastIndexOf(prefix, 0) !== 0) break;
        // Close completions ("transformer" for "transformers") beat far ones.
        add(term, term === prefix ? weight : weight * (0.55 + 0.3 * prefix.length / term.length));
      }
    }
    if (word.length >= 2) addPrefix(word, 1);
    else addExact(word, 1);
    if (Object.prototype.hasOwnProperty.call(ALIASES, word)) addExact(ALIASES[word], 0.9);
    (SYMBOL_NAMES[word] || []).forEach(function (name) { addExact(name, 0.9); });
    if (!found.size && word.length > 3 && word.charAt(word.length - 1) === "s") {
      addPrefix(word.slice(0, -1), 0.7);  // a plural where the guide has the singular
    }
    return found;
  }

  function titleMatches(set, word, matched) {
    if (set.has(word)) return true;
    var hit = false;
    set.forEach(function (term) {
      if (!hit && ((word.length >= 2 && term.lastIndexOf(word, 0) === 0) || matched.has(term))) {
        hit = true;
      }
    });
    return hit;
  }

  // Ranked sections for a query: [{section, score}], best first, plus the matched terms.
  function query(index, text) {
    var words = [];
    tokenise(text).forEach(function (t) { if (words.indexOf(t.term) < 0) words.push(t.term); });
    var result = { words: words, terms: new Set(), hits: [] };
    if (!words.length) return result;
    var count = index.count;
    var score = new Float64Array(count);
    var matchedWords = new Uint8Array(count);
    var raw = index.raw;
    for (var w = 0; w < words.length; w++) {
      var matches = expand(index, words[w]);
      var best = new Float64Array(count);
      var topIdf = 0;
      matches.forEach(function (weight, term) {
        result.terms.add(term);
        var postings = postingsOf(index, lowerBound(raw.terms, term));
        var df = postings.length / 2;
        var idf = Math.log(1 + (count - df + 0.5) / (df + 0.5));
        topIdf = Math.max(topIdf, idf * weight);
        for (var p = 0; p < postings.length; p += 2) {
          var section = postings[p];
          var tf = postings[p + 1];
          var norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * index.lengths[section] / index.average));
          var value = weight * idf * norm;
          if (value > best[section]) best[section] = value;
        }
      });
      var word = words[w];
      var inVolumeTitle = index.volumeTitles.map(function (set) {
        return titleMatches(set, word, matches);
      });
      for (var s = 0; s < count; s++) {
        var value = best[s];
        if (titleMatches(index.titles[s], word, matches)) value += 1.5 * (topIdf || 1);
        if (inVolumeTitle[raw.sections[s][0]]) value += 0.5 * (topIdf || 1);
        if (value > 0) {
          score[s] += value;
          matchedWords[s] += 1;
        }
      }
    }
    for (var i = 0; i < count; i++) {
      if (matchedWords[i] === words.length) result.hits.push({ section: i, score: score[i] });
    }
    result.hits.sort(function (a, b) { return b.score - a.score || a.section - b.section; });
    return result;
  }

  // --- snippets from the page ----------------------------------------------------------------
  function blockOf(node) {
    var el = node.parentElement;
    while (el && INLINE.has(el.tagName)) el = el.parentElement;
    return el;
  }

  // The text under a stop up to the next stop, block boundaries as spaces (like app/content/search.py).
  function stopText(stop, limit) {
    var next = SG.stops[stop.index + 1];
    var end = next && next.volume === stop.volume ? next.el : null;
    var walker = document.createTreeWalker(stop.volume, NodeFilter.SHOW_TEXT);
    walker.currentNode = stop.el;
    var parts = [];
    var length = 0;
    var previousBlock = null;
    var node;
    while ((node = walker.nextNode()) !== null && length < limit) {
      if (stop.el.contains(node)) continue;
      if (end && (end === node || end.compareDocumentPosition(node) &
        (Node.DOCUMENT_POSITION_FOLLOWING | Node.DOCUMENT_POSITION_CONTAINED_BY))) break;
      var block = blockOf(node);
      if (block !== previousBlock) parts.push(" ");
      previousBlock = block;
      parts.push(node.nodeValue);
      length += node.nodeValue.length;
    }
    return parts.join("").replace(/\s+/g, " ").trim();
  }

  function firstMatch(text, terms) {
    var match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(text)) !== null) {
      if (terms.has(normalise(match[0]))) return match.index;
    }
    return -1;
  }

  function snippet(stop, terms) {
    var text = stopText(stop, 40000);
    var first = firstMatch(text, terms);
    var start = first < 0 ? 0 : Math.max(0, first - 60);
    if (start > 0) {
      var space = text.indexOf(" ", start);
      if (space >= 0 && space < first) start = space + 1;
    }
    var cut = text.slice(start, start + 220);
    if (start + 220 < text.length) cut = cut.replace(/\s+\S*$/, "");
    return (start > 0 ? "…" : "") + cut + (start + cut.length < text.length ? "…" : "");
  }

  // --- the index ----------------------------------------------------------------------------
  var loading = null;
  // The prepared index, from the downloaded file's own copy or else from `url`; fetched once
  // (a failed attempt is tried again on the next call).
  function load(url) {
    if (loading) return loading;
    var embedded = document.getElementById("search-index");
    if (embedded && embedded.type === "application/json") {
      loading = new Promise(function (resolve) { resolve(JSON.parse(embedded.textContent)); });
    } else {
      loading = fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error("the server answered " + response.status);
        return response.json();
      });
    }
    loading = loading.then(prepare);
    loading.catch(function () { loading = null; });
    return loading;
  }

  SG.searchEngine = { tokenise: tokenise, load: load, query: query, snippet: snippet };
})(window.StudyGuide);
