// Reader tools, the core: loaded first (READER_SCRIPTS in app/publish/page.py gives the order;
// the page loads them with `defer`, the downloaded file inline). Then come one file per feature,
// each a named closure that owns its elements and state, like mdBook's book.js. The core holds
// only what the features share: storage, announcements, one event bus, dialogs, the volumes and their
// sections ("stops"), volume bodies brought in as the reader nears them, and the keyboard
// shortcuts, which each feature registers and which also write the help panel's list.
// Everything here reads volume content as untrusted: text goes in with textContent, ids only
// ever serve as keys into maps built from the page itself.
//
// Events, heard with SG.on(name, fn) (only the core emits them):
//   "ready"          every script has run (DOMContentLoaded): features start watching the
//                    page; volume bodies go in only from then on, so every feature sees them
//   "dialog-open"    a panel is about to open (detail: the dialog)
//   "volume-loaded"  a volume's body is in and the stops are collected again (detail: volume)
//   "current"        the section being read changed (detail: {stop, before})
window.StudyGuide = (function core() {
  "use strict";

  var SG = {};
  var STORAGE_PREFIX = "study-guide:";

  // --- the event bus ---------------------------------------------------------------------------
  var handlers = new Map();  // event name -> [fn] in the order they came
  SG.on = function (name, fn) {
    if (!handlers.has(name)) handlers.set(name, []);
    handlers.get(name).push(fn);
  };
  function emit(name, detail) {  // only the core announces events, so only it emits them
    (handlers.get(name) || []).slice().forEach(function (fn) { fn(detail); });
  }
  // Deferred and inline scripts all run before DOMContentLoaded.
  document.addEventListener("DOMContentLoaded", function () { emit("ready"); });
  var whenReady = new Promise(function (resolve) { SG.on("ready", resolve); });

  // --- storage: localStorage can be missing, full or forbidden; the tools then just forget --
  SG.load = function (key, fallback) {
    try {
      var text = window.localStorage.getItem(STORAGE_PREFIX + key);
      return text === null ? fallback : JSON.parse(text);
    } catch (error) {
      return fallback;
    }
  };
  SG.save = function (key, value) {
    try {
      window.localStorage.setItem(STORAGE_PREFIX + key, JSON.stringify(value));
    } catch (error) { /* private mode or full: progress is simply not kept */ }
  };
  SG.isObject = function (value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  };

  function isTyping(target) {
    if (!target || target.nodeType !== 1) return false;
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  var live = document.createElement("div");
  live.className = "visually-hidden";
  live.setAttribute("role", "status");
  document.body.appendChild(live);
  SG.announce = function (text) {
    live.textContent = "";
    setTimeout(function () { live.textContent = text; }, 30);
  };

  // --- dialogs: native <dialog> gives the focus trap, inert page and Escape ----------------
  SG.openDialog = function (dialog, focusTarget) {
    if (dialog.open) return;
    var opener = document.activeElement;
    var others = document.querySelectorAll(".rt-dialog[open]");
    for (var i = 0; i < others.length; i++) others[i].close();
    emit("dialog-open", dialog);
    dialog.showModal();
    if (focusTarget) focusTarget.focus();
    dialog.addEventListener("close", function restore() {
      dialog.removeEventListener("close", restore);
      if (opener && document.contains(opener) && typeof opener.focus === "function") {
        opener.focus({ preventScroll: true });
      }
    });
  };
  function dialogOpen() {
    return document.querySelector(".rt-dialog[open]") !== null;
  }
  Array.prototype.forEach.call(document.querySelectorAll(".rt-dialog"), function (dialog) {
    dialog.addEventListener("click", function (event) {
      // A click on the backdrop lands on the dialog element itself, outside its box.
      if (event.target === dialog) {
        var box = dialog.getBoundingClientRect();
        var inside = event.clientX >= box.left && event.clientX <= box.right &&
          event.clientY >= box.top && event.clientY <= box.bottom;
        if (!inside) dialog.close();
      }
      if (event.target.closest && event.target.closest(".rt-close")) dialog.close();
    });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        // Handled here so a search field's own Escape (clear) cannot swallow it.
        event.preventDefault();
        dialog.close();
      }
    });
  });

  // --- the sections: each volume's divider, then its labelled sections, in page order ------
  var main = document.getElementById("main");
  var volumes = main ? Array.prototype.filter.call(main.children, function (el) {
    return el.tagName === "SECTION" && el.classList.contains("volume") && el.id;
  }) : [];
  var stops = [];  // {id, el, volume, index}
  var stopById = new Map();
  var volumeById = new Map();
  volumes.forEach(function (volume) { volumeById.set(volume.id, volume); });
  var current = -1;  // index of the stop being read
  // Collected again when a volume's body arrives: its labels replace the stand-ins the page
  // had for them. A stop keeps its object (features hold it), with the new element.
  function collectStops() {
    var known = new Map(stopById);
    var currentId = current >= 0 && stops[current] ? stops[current].id : null;
    stops.length = 0;
    stopById.clear();
    volumes.forEach(function (volume) {
      var divider = volume.querySelector(".vol-divider");
      addStop(volume.id, divider || volume, volume, known);
      Array.prototype.forEach.call(volume.querySelectorAll(".sl[id]"), function (label) {
        addStop(label.id, label, volume, known);
      });
    });
    if (currentId !== null) current = stopById.has(currentId) ? stopById.get(currentId).index : -1;
  }
  function addStop(id, el, volume, known) {
    if (stopById.has(id)) return;  // a duplicated id cannot take over another section's place
    var stop = known.get(id) || { id: id };
    stop.el = el;
    stop.volume = volume;
    stop.index = stops.length;
    stops.push(stop);
    stopById.set(id, stop);
  }
  collectStops();
  SG.volumes = volumes;
  SG.volumeById = volumeById;
  SG.stops = stops;
  SG.stopById = stopById;
  SG.current = function () { return current; };
  SG.setCurrent = function (index) {
    if (index === current || index < 0 || index >= stops.length) return;
    var before = current >= 0 ? stops[current] : null;
    current = index;
    emit("current", { stop: stops[index], before: before });
  };
  SG.volumeLabel = function (volume) {
    var num = volume.querySelector(".vol-num");
    var title = volume.querySelector(".vol-title");
    return (num ? num.textContent.trim() : "") + (title ? " · " + title.textContent.trim() : "");
  };
  SG.stopTitle = function (stop) {
    if (stop.el.classList.contains("sl")) return labelText(stop.el);
    return SG.volumeLabel(stop.volume);
  };
  function labelText(label) {
    var text = "";
    label.childNodes.forEach(function (node) {
      if (!(node.nodeType === 1 && node.classList.contains("anchor-link"))) {
        text += node.textContent;
      }
    });
    return text.replace(/\s+/g, " ").trim();
  }
  SG.headerHeight = function () {
    var header = document.querySelector(".site-header");
    return header ? header.getBoundingClientRect().height : 0;
  };

  // --- volume bodies that come as the reader nears them ---------------------------------------
  // On the server's page each volume's section holds its divider and stand-ins for its labels
  // (so the contents, deep links and section tracking work at once) and names its body's URL.
  // Bodies are sanitized HTML from this server; they go in through DOMParser, whose scripts
  // never run.
  var pendingBodies = new Map();  // volume -> URL of its body
  var loadingBodies = new Map();  // volume -> promise
  volumes.forEach(function (volume) {
    var url = volume.getAttribute("data-body");
    if (url) pendingBodies.set(volume, url);
  });
  // Puts a fetched body in place of the volume's stand-ins; false if it was already in.
  function insertBody(volume, html) {
    if (!pendingBodies.has(volume)) return false;
    var placeholder = volume.querySelector(".vol-pending");
    var parsed = new DOMParser().parseFromString(html, "text/html");
    var body = document.createDocumentFragment();
    while (parsed.body.firstChild) body.appendChild(document.adoptNode(parsed.body.firstChild));
    // A body arriving above what the reader sees would push it down: keep the current
    // section where it is on screen (it may be one of the labels being replaced).
    var anchor = volume.getBoundingClientRect().top < SG.headerHeight() && stops[current];
    var before = anchor ? anchor.el.getBoundingClientRect().top : 0;
    if (placeholder) placeholder.replaceWith(body);
    else volume.appendChild(body);
    pendingBodies.delete(volume);
    volume.removeAttribute("data-body");
    addTools(volume);
    collectStops();
    if (anchor && stopById.get(anchor.id) === anchor) {
      var shift = anchor.el.getBoundingClientRect().top - before;
      if (Math.abs(shift) > 1) window.scrollBy(0, shift);
    }
    emit("volume-loaded", volume);
    return true;
  }
  // The page gives only its first volumes their divider's buttons (progress.js and print.js
  // wire them): another volume gets a copy of them with its body.
  function addTools(volume) {
    var divider = volume.querySelector(".vol-divider");
    var model = main.querySelector(".vol-divider .vol-tools");
    if (!divider || !model || divider.querySelector(".vol-tools")) return;
    var tools = model.cloneNode(true);
    tools.hidden = true;
    Array.prototype.forEach.call(tools.querySelectorAll("[data-wired]"), function (button) {
      button.removeAttribute("data-wired");  // the copy's buttons are wired afresh
    });
    divider.insertBefore(tools, divider.querySelector(".vol-title").nextSibling);
  }
  SG.isPending = function (volume) { return pendingBodies.has(volume); };
  SG.loadVolume = function (volume) {
    if (!pendingBodies.has(volume)) return Promise.resolve(volume);
    if (loadingBodies.has(volume)) return loadingBodies.get(volume);
    var placeholder = volume.querySelector(".vol-pending");
    var loading = fetch(pendingBodies.get(volume), { credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 404) {
          throw new Error("This volume is no longer in the guide: reload the page for the " +
            "current list.");
        }
        if (!response.ok) {
          throw new Error("This volume could not be loaded (the server answered " +
            response.status + "). Reload the page to try again.");
        }
        return response.text();
      })
      .then(function (html) {
        return whenReady.then(function () {
          insertBody(volume, html);
          return volume;
        });
      });
    loadingBodies.set(volume, loading);
    loading.catch(function (error) {
      loadingBodies.delete(volume);  // a later need tries again
      var note = placeholder && (placeholder.classList.contains("vol-loading") ? placeholder
        : placeholder.querySelector(".vol-loading"));
      if (note) {
        note.textContent = error instanceof TypeError  // fetch's word for no connection
          ? "This volume could not be loaded: check the connection, then reload the page."
          : error.message;
      }
    });
    return loading;
  };
  // The browser's own Print menu gives the page only the beforeprint event, and lays the page
  // out as soon as the handler returns: the one moment a synchronous request is the right tool.
  function loadAllNow() {
    if (document.body.classList.contains("print-one")) return;  // its body is in already
    pendingBodies.forEach(function (url, volume) {
      var request = new XMLHttpRequest();
      try {
        request.open("GET", url, false);
        request.send();
      } catch (error) {
        return;  // no connection: this volume prints as its labels
      }
      if (request.status === 200) insertBody(volume, request.responseText);
    });
  }
  SG.allLoaded = function () { return pendingBodies.size === 0; };
  SG.loadAll = function () {
    return Promise.all(volumes.map(SG.loadVolume));
  };
  if (pendingBodies.size) {
    SG.on("ready", function () {
      if ("IntersectionObserver" in window) {
        var nearing = new IntersectionObserver(function (entries) {
          entries.forEach(function (entry) {
            if (!entry.isIntersecting) return;
            nearing.unobserve(entry.target);
            SG.loadVolume(entry.target).catch(function () {});
          });
        }, { rootMargin: "150% 0px" });
        pendingBodies.forEach(function (url, volume) { nearing.observe(volume); });
      } else {
        SG.loadAll();
      }
    });
    // Find in page and printing look at the whole guide: bring every volume in first.
    document.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "f") {
        SG.loadAll().catch(function () {});
      }
    });
    window.addEventListener("beforeprint", loadAllNow);
  }

  // --- keyboard shortcuts, and the help panel that lists them ---------------------------------
  // SG.shortcut({keys, run, description, order, join, within, anywhere}):
  //   keys         the KeyboardEvent.key values it takes (never with Ctrl, Alt or Meta)
  //   run(key, e)  does it; returning false leaves the key to whoever else wants it (and to
  //                the browser), anything else takes it (its default is prevented)
  //   within       a panel whose own keys these are, taken while focus is inside it; without
  //                it, a key of the page, taken while no panel is open
  //   anywhere     a page key taken even while a panel is open or a field has focus
  //   description  its line in the help panel, shown as its keys joined by `join` (" ");
  //                lines go by ascending `order`; a key without a description is not listed
  // A feature registers only its own keys, so a key never calls into a file not yet loaded.
  var KEY_NAMES = { " ": "Space", Escape: "Esc" };
  var shortcuts = [];
  var scopes = new Set();  // panels with a keydown listener of their own
  SG.shortcut = function (spec) {
    shortcuts.push(spec);
    var scope = spec.within;
    if (scope && !scopes.has(scope)) {
      scopes.add(scope);
      scope.addEventListener("keydown", function (event) { dispatch(event, scope); });
    }
  };
  function dispatch(event, scope) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var busy = isTyping(event.target) || (!scope && dialogOpen());
    for (var i = 0; i < shortcuts.length; i++) {
      var shortcut = shortcuts[i];
      if ((shortcut.within || null) !== scope || !shortcut.run) continue;
      if (shortcut.keys.indexOf(event.key) < 0 || (busy && !shortcut.anywhere)) continue;
      if (shortcut.run(event.key, event) === false) continue;
      event.preventDefault();
      return;
    }
  }
  document.addEventListener("keydown", function (event) {
    if (!event.defaultPrevented) dispatch(event, null);
  });

  var help = document.getElementById("help-dialog");
  var helpButton = document.getElementById("help-open");
  function listShortcuts(list) {
    list.textContent = "";
    shortcuts.filter(function (shortcut) { return shortcut.description; })
      .sort(function (a, b) { return (a.order || 0) - (b.order || 0); })
      .forEach(function (shortcut) {
        var keys = document.createElement("dt");
        shortcut.keys.forEach(function (key, i) {
          if (i) keys.appendChild(document.createTextNode(shortcut.join || " "));
          var kbd = document.createElement("kbd");
          kbd.textContent = KEY_NAMES[key] || key;
          keys.appendChild(kbd);
        });
        var what = document.createElement("dd");
        what.textContent = shortcut.description;
        list.appendChild(keys);
        list.appendChild(what);
      });
  }
  function openHelp() {
    var list = help.querySelector(".keys");
    if (list) listShortcuts(list);
    SG.openDialog(help, help.querySelector(".rt-close"));
  }
  if (help) {
    SG.shortcut({ keys: ["?"], description: "This list", order: 60, run: openHelp });
    if (helpButton) {
      helpButton.hidden = false;
      helpButton.addEventListener("click", openHelp);
    }
  }
  // Every panel closes on Escape (see the dialogs above); the contents drawer adds its own.
  SG.shortcut({ keys: ["Escape"], description: "Close a panel", order: 70 });

  return SG;
})();
