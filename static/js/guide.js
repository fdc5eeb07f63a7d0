// Reader tools, part 1 of 3: guide.js, search.js and study.js load in this order (the page with
// `defer`, the downloaded file inline). This part owns what the others share (storage, dialogs,
// the list of sections) and the tools that need no index: deep links, the contents sidebar,
// reading progress, keyboard shortcuts, the help panel and printing one volume.
// Everything here reads volume content as untrusted: text goes in with textContent, ids only
// ever serve as keys into maps built from the page itself.
(function () {
  "use strict";

  var SG = window.StudyGuide = {};
  var STORAGE_PREFIX = "study-guide:";
  var WIDE = window.matchMedia("(min-width: 1100px)");

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
  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }
  SG.isObject = isObject;

  SG.isTyping = function (target) {
    if (!target || target.nodeType !== 1) return false;
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  };

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
    closeDrawer(false);
    dialog.showModal();
    if (focusTarget) focusTarget.focus();
    dialog.addEventListener("close", function restore() {
      dialog.removeEventListener("close", restore);
      if (opener && document.contains(opener) && typeof opener.focus === "function") {
        opener.focus({ preventScroll: true });
      }
    });
  };
  SG.dialogOpen = function () {
    return document.querySelector(".rt-dialog[open]") !== null;
  };
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
  // Collected again when a volume's body arrives: its labels replace the stand-ins the page
  // had for them. A stop keeps its object (other parts hold it), with the new element.
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
  var current = -1;
  collectStops();
  SG.volumes = volumes;
  SG.volumeById = volumeById;
  SG.stops = stops;
  SG.stopById = stopById;
  SG.volumeLabel = function (volume) {
    var num = volume.querySelector(".vol-num");
    var title = volume.querySelector(".vol-title");
    return (num ? num.textContent.trim() : "") + (title ? " · " + title.textContent.trim() : "");
  };
  SG.stopTitle = function (stop) {
    if (stop.el.classList.contains("sl")) return SG.labelText(stop.el);
    return SG.volumeLabel(stop.volume);
  };
  SG.labelText = function (label) {
    var text = "";
    label.childNodes.forEach(function (node) {
      if (!(node.nodeType === 1 && node.classList.contains("anchor-link"))) {
        text += node.textContent;
      }
    });
    return text.replace(/\s+/g, " ").trim();
  };

  // --- volume bodies that come as the reader nears them ---------------------------------------
  // On the server's page each volume's section holds its divider and stand-ins for its labels
  // (so the contents, deep links and section tracking work at once) and names its body's URL.
  // Bodies are sanitized HTML from this server; they go in through DOMParser, whose scripts
  // never run.
  var pendingBodies = new Map();  // volume -> URL of its body
  var loadingBodies = new Map();  // volume -> promise
  var loadedListeners = [];
  volumes.forEach(function (volume) {
    var url = volume.getAttribute("data-body");
    if (url) pendingBodies.set(volume, url);
  });
  function onVolumeLoaded(listener) { loadedListeners.push(listener); }
  SG.onVolumeLoaded = onVolumeLoaded;
  function volumeOfId(id) {
    for (var i = 0; i < volumes.length; i++) {
      if (id === volumes[i].id || id.indexOf(volumes[i].id + "-") === 0) return volumes[i];
    }
    return null;
  }
  // Puts a fetched body in place of the volume's stand-ins; false if it was already in.
  function insertBody(volume, html) {
    if (!pendingBodies.has(volume)) return false;
    var placeholder = volume.querySelector(".vol-pending");
    var parsed = new DOMParser().parseFromString(html, "text/html");
    var body = document.createDocumentFragment();
    while (parsed.body.firstChild) body.appendChild(document.adoptNode(parsed.body.firstChild));
    // A body arriving above what the reader sees would push it down: keep the current
    // section where it is on screen (it may be one of the labels being replaced).
    var anchor = volume.getBoundingClientRect().top < headerHeight() && stops[current];
    var before = anchor ? anchor.el.getBoundingClientRect().top : 0;
    if (placeholder) placeholder.replaceWith(body);
    else volume.appendChild(body);
    pendingBodies.delete(volume);
    volume.removeAttribute("data-body");
    collectStops();
    if (anchor && stopById.get(anchor.id) === anchor) {
      var shift = anchor.el.getBoundingClientRect().top - before;
      if (Math.abs(shift) > 1) window.scrollBy(0, shift);
    }
    addLinkButtons();
    loadedListeners.forEach(function (listener) { listener(volume); });
    return true;
  }
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
        insertBody(volume, html);
        return volume;
      });
    loadingBodies.set(volume, loading);
    loading.catch(function (error) {
      loadingBodies.delete(volume);  // a later need tries again
      var note = placeholder && placeholder.querySelector(".vol-loading");
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
    // Find in page and printing look at the whole guide: bring every volume in first.
    document.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "f") {
        SG.loadAll().catch(function () {});
      }
    });
    window.addEventListener("beforeprint", loadAllNow);
  }

  // --- boxes that scroll sideways (diagrams, tables, code) take keyboard focus ---------------
  // On phones nearly all of them scroll, so all take it. Wider, only those that overflow do;
  // measuring them lays them out, so each volume is measured when it first renders
  // (content-visibility), never all at once.
  var NARROW = window.matchMedia("(max-width: 640px)");
  var SCROLL_BOXES = "figure.diagram, table, pre, .fml";
  var rendered = new Set();
  function reachable(box, on) {
    if (on && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("data-scroll-box", "");
    } else if (!on && box.hasAttribute("data-scroll-box")) {
      box.removeAttribute("tabindex");
      box.removeAttribute("data-scroll-box");
    }
  }
  function measureBoxes(volume, measure) {
    Array.prototype.forEach.call(volume.querySelectorAll(SCROLL_BOXES), function (box) {
      reachable(box, NARROW.matches || (measure && box.scrollWidth > box.clientWidth + 1));
    });
  }
  function placeBoxes() {
    volumes.forEach(function (volume) { measureBoxes(volume, rendered.has(volume)); });
  }
  var resizing = 0;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(placeBoxes, 250);
  });
  volumes.forEach(function (volume) {
    volume.addEventListener("contentvisibilityautostatechange", function (event) {
      if (event.skipped) return;
      rendered.add(volume);
      if (!NARROW.matches) measureBoxes(volume, true);
    });
  });
  NARROW.addEventListener("change", placeBoxes);
  placeBoxes();
  onVolumeLoaded(function (volume) { measureBoxes(volume, rendered.has(volume)); });

  // --- going to a section --------------------------------------------------------------------
  function headerHeight() {
    var header = document.querySelector(".site-header");
    return header ? header.getBoundingClientRect().height : 0;
  }
  function syncHeaderHeight() {
    document.documentElement.style.setProperty("--header-h", Math.round(headerHeight()) + "px");
  }
  syncHeaderHeight();
  // The header's height changes with the width and once the web fonts arrive.
  if ("ResizeObserver" in window && document.querySelector(".site-header")) {
    new ResizeObserver(syncHeaderHeight).observe(document.querySelector(".site-header"));
  } else {
    window.addEventListener("resize", syncHeaderHeight);
  }

  var goingTo = null;
  SG.goTo = function (id, how) {
    var stop = stopById.get(id);
    var target = stop ? stop.el : null;
    var volume = stop ? stop.volume : volumeOfId(id);
    goingTo = id;
    if (volume && pendingBodies.has(volume)) {
      // Its body is still to come: go to the stand-in now, to the real element once it is in
      // (unless the reader went somewhere else meanwhile).
      SG.loadVolume(volume).then(function () {
        if (goingTo === id) SG.goTo(id, { keepFocus: Boolean(how && how.keepFocus) });
      }, function () {});
      if (!target) target = volume;
    }
    if (!target) {
      var element = document.getElementById(id);
      if (!element || !main.contains(element)) return false;
      target = element;
    }
    if (how && how.history === "push") history.pushState(null, "", "#" + id);
    else if (how && how.history === "replace") history.replaceState(null, "", "#" + id);
    target.scrollIntoView({ block: "start" });
    if (stop) setCurrent(stop.index);
    if (!(how && how.keepFocus)) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: true });
    }
    // Volumes render lazily (content-visibility): once the ones near the target have laid out,
    // their real height can move it, so place it again on the next frames.
    requestAnimationFrame(function () {
      requestAnimationFrame(function () { target.scrollIntoView({ block: "start" }); });
    });
    return true;
  };

  // --- deep links: a copy-link button on every section label --------------------------------
  function sectionUrl(id) {
    return location.href.split("#")[0] + "#" + id;
  }
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }
  function fallbackCopy(text) {
    // Without the async clipboard API (permission refused, file:// in some browsers).
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.className = "visually-hidden";
    document.body.appendChild(field);
    field.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
    field.remove();
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }
  function addLinkButtons() {
    stops.forEach(addLinkButton);
  }
  function addLinkButton(stop) {
    if (!stop.el.classList.contains("sl") || stop.el.querySelector(".anchor-link")) return;
    var label = stop.el;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "anchor-link";
    button.textContent = "#";
    button.setAttribute("aria-label", "Copy a link to this section");
    button.addEventListener("click", function () {
      history.replaceState(null, "", "#" + stop.id);
      copyText(sectionUrl(stop.id)).then(function () {
        button.textContent = "✓";
        SG.announce("Link copied");
        setTimeout(function () { button.textContent = "#"; }, 1500);
      }, function () {
        SG.announce("The link is in the address bar");
      });
    });
    label.appendChild(button);
  }
  addLinkButtons();

  // --- contents sidebar -----------------------------------------------------------------------
  var toc = document.getElementById("toc");
  var tocToggle = document.getElementById("toc-toggle");
  var tocClose = document.getElementById("toc-close");
  var tocLinks = new Map();  // stop id -> link
  var tocVolumes = new Map();  // volume id -> {item, list, button}
  var expandedByUser = new Map();  // volume id -> bool, once the reader used its button
  if (toc) {
    Array.prototype.forEach.call(toc.querySelectorAll(".toc-volume"), function (item) {
      var id = item.getAttribute("data-volume");
      var button = item.querySelector(".toc-expand");
      var list = item.querySelector(".toc-sections");
      tocVolumes.set(id, { item: item, list: list, button: button });
      if (button && list) {
        button.hidden = false;
        setExpanded(id, false);
        button.addEventListener("click", function () {
          var open = button.getAttribute("aria-expanded") !== "true";
          expandedByUser.set(id, open);
          setExpanded(id, open);
        });
      }
    });
    Array.prototype.forEach.call(toc.querySelectorAll("a.toc-link"), function (link) {
      var id = link.getAttribute("href").slice(1);
      if (!tocLinks.has(id)) tocLinks.set(id, link);
      link.addEventListener("click", function (event) {
        if (!stopById.has(id)) return;
        event.preventDefault();
        closeDrawer(false);
        SG.goTo(id, { history: "push" });
      });
    });
  }
  function setExpanded(volumeId, open) {
    var entry = tocVolumes.get(volumeId);
    if (!entry || !entry.button || !entry.list) return;
    entry.button.setAttribute("aria-expanded", open ? "true" : "false");
    entry.list.hidden = !open;
  }

  function tocMode() {
    if (!toc) return;
    var open = WIDE.matches ? SG.load("toc-open", true) !== false : drawerOpen;
    document.body.classList.toggle("toc-closed", WIDE.matches && !open);
    document.body.classList.toggle("toc-drawer-open", !WIDE.matches && open);
    tocToggle.setAttribute("aria-expanded", open ? "true" : "false");
    tocClose.hidden = WIDE.matches;
    // Off screen, the sidebar's links must not take keyboard focus.
    toc.inert = !open;
  }
  var drawerOpen = false;
  function openDrawer() {
    drawerOpen = true;
    tocMode();
    var current = toc.querySelector("[aria-current]") || tocClose;
    current.focus();
  }
  function closeDrawer(restoreFocus) {
    if (!drawerOpen) return;
    drawerOpen = false;
    tocMode();
    if (restoreFocus) tocToggle.focus();
  }
  SG.closeDrawer = closeDrawer;
  if (toc && tocToggle) {
    tocToggle.hidden = false;
    tocToggle.addEventListener("click", function () {
      if (WIDE.matches) {
        SG.save("toc-open", document.body.classList.contains("toc-closed"));
        tocMode();
      } else if (drawerOpen) {
        closeDrawer(true);
      } else {
        openDrawer();
      }
    });
    tocClose.addEventListener("click", function () { closeDrawer(true); });
    document.addEventListener("click", function (event) {
      if (drawerOpen && !toc.contains(event.target) && !tocToggle.contains(event.target)) {
        closeDrawer(false);
      }
    });
    WIDE.addEventListener("change", function () {
      drawerOpen = false;
      tocMode();
    });
    tocMode();
  }

  // --- the current section, followed while scrolling ---------------------------------------
  var listeners = [];
  SG.onCurrent = function (listener) { listeners.push(listener); };
  SG.current = function () { return current; };

  function setCurrent(index) {
    if (index === current || index < 0 || index >= stops.length) return;
    var before = current >= 0 ? stops[current] : null;
    current = index;
    var stop = stops[index];
    if (before && tocLinks.has(before.id)) tocLinks.get(before.id).removeAttribute("aria-current");
    var link = tocLinks.get(stop.id);
    if (link) link.setAttribute("aria-current", "location");
    var volumeId = stop.volume.id;
    if (!before || before.volume !== stop.volume) {
      if (before && !expandedByUser.has(before.volume.id)) setExpanded(before.volume.id, false);
      if (expandedByUser.get(volumeId) !== false) setExpanded(volumeId, true);
      tocVolumes.forEach(function (entry, id) {
        entry.item.classList.toggle("is-current", id === volumeId);
      });
    }
    if (link) keepInView(link);
    listeners.forEach(function (listener) { listener(stop, before); });
  }
  function keepInView(link) {
    if (!toc || toc.inert) return;
    var box = toc.getBoundingClientRect();
    var item = link.getBoundingClientRect();
    if (item.top < box.top + 40 || item.bottom > box.bottom - 20) {
      toc.scrollTop += item.top - box.top - box.height / 3;
    }
  }

  if ("IntersectionObserver" in window && stops.length) {
    // The band is the top quarter of the viewport under the header, where a reader's eyes
    // are: the first stop in it is the current one (so a short section is not skipped when
    // the next label is also near the top); with none in it, the current one stays, unless
    // it left the band downwards (scrolling up), which hands back to the stop before it.
    var inBand = new Set();
    var stopByElement = new Map();
    var observer = new IntersectionObserver(function (entries) {
      var leftBelow = Infinity;
      entries.forEach(function (entry) {
        var stop = stopByElement.get(entry.target);
        if (!stop) return;  // a stand-in replaced by its volume's body since
        if (entry.isIntersecting) {
          inBand.add(stop.index);
        } else {
          inBand.delete(stop.index);
          if (entry.rootBounds && entry.boundingClientRect.top >= entry.rootBounds.bottom) {
            leftBelow = Math.min(leftBelow, stop.index);
          }
        }
      });
      if (inBand.size) setCurrent(Math.min.apply(null, Array.from(inBand)));
      else if (leftBelow !== Infinity && leftBelow <= current) setCurrent(leftBelow - 1);
      atTheEnd();
    }, { rootMargin: "-" + Math.round(headerHeight()) + "px 0px -75% 0px" });
    var observeStops = function () {
      observer.disconnect();
      inBand.clear();
      stopByElement.clear();
      stops.forEach(function (stop) {
        stopByElement.set(stop.el, stop);
        observer.observe(stop.el);
      });
    };
    observeStops();
    onVolumeLoaded(observeStops);
    window.addEventListener("scrollend", atTheEnd);
  }
  // At the bottom of the page the last labels can never reach the band: the last one on
  // screen is the current one.
  function atTheEnd() {
    var doc = document.documentElement;
    if (window.scrollY + window.innerHeight < doc.scrollHeight - 2) return;
    for (var i = stops.length - 1; i > current; i--) {
      if (stops[i].el.getBoundingClientRect().top < window.innerHeight) {
        setCurrent(i);
        return;
      }
    }
  }

  // --- reading progress: where the reader was, and which volumes are read --------------------
  var read = SG.load("read", {});
  if (!isObject(read)) read = {};
  function showRead(volumeId) {
    var isRead = read[volumeId] === true;
    var volume = volumeById.get(volumeId);
    var button = volume && volume.querySelector(".vol-divider .vol-read");
    if (button) {
      button.setAttribute("aria-pressed", isRead ? "true" : "false");
      button.textContent = isRead ? "Read ✓" : "Mark as read";
    }
    var entry = tocVolumes.get(volumeId);
    if (entry) {
      entry.item.classList.toggle("is-read", isRead);
      var mark = entry.item.querySelector(".toc-read");
      if (mark) mark.hidden = !isRead;
    }
    var card = document.querySelector('.contents a[href="#' + CSS.escape(volumeId) + '"]');
    if (card) card.classList.toggle("is-read", isRead);
  }
  function setRead(volumeId, isRead) {
    if (isRead) read[volumeId] = true;
    else delete read[volumeId];
    SG.save("read", read);
    showRead(volumeId);
  }
  SG.isRead = function (volumeId) { return read[volumeId] === true; };
  volumes.forEach(function (volume) {
    var tools = volume.querySelector(".vol-divider .vol-tools");
    if (!tools) return;
    tools.hidden = false;
    tools.querySelector(".vol-read").addEventListener("click", function () {
      setRead(volume.id, !SG.isRead(volume.id));
    });
    tools.querySelector(".vol-print").addEventListener("click", function () {
      printVolume(volume);
    });
    showRead(volume.id);
  });

  var saved = SG.load("position", null);
  SG.onCurrent(function (stop) {
    SG.save("position", { id: stop.id });
    // Reaching a volume's last section is reading it to the end.
    var next = stops[stop.index + 1];
    if ((!next || next.volume !== stop.volume) && stop.el !== stop.volume.querySelector(".vol-divider")) {
      if (!SG.isRead(stop.volume.id)) setRead(stop.volume.id, true);
    }
  });

  var resume = document.getElementById("resume");
  function offerResume() {
    if (!resume || !isObject(saved) || typeof saved.id !== "string") return;
    var stop = stopById.get(saved.id);
    if (!stop || stop.index === 0 || location.hash) return;
    var link = document.getElementById("resume-link");
    link.textContent = stop.el.classList.contains("sl")
      ? SG.volumeLabel(stop.volume).split(" · ")[0] + " · " + SG.stopTitle(stop)
      : SG.volumeLabel(stop.volume);
    link.setAttribute("href", "#" + stop.id);
    resume.hidden = false;
    link.addEventListener("click", function (event) {
      event.preventDefault();
      resume.hidden = true;
      SG.goTo(stop.id, { history: "push" });
    });
    document.getElementById("resume-dismiss").addEventListener("click", function () {
      resume.hidden = true;
    });
    SG.onCurrent(function (now) { if (now === stop) resume.hidden = true; });
  }

  // --- printing one volume -------------------------------------------------------------------
  function printVolume(volume) {
    SG.loadVolume(volume).then(function () {
      document.body.classList.add("print-one");
      volume.classList.add("print-target");
      window.print();
    }, function () {});
  }
  window.addEventListener("afterprint", function () {
    document.body.classList.remove("print-one");
    Array.prototype.forEach.call(document.querySelectorAll(".print-target"), function (el) {
      el.classList.remove("print-target");
    });
  });

  // --- keyboard shortcuts and the help panel --------------------------------------------------
  var help = document.getElementById("help-dialog");
  var helpButton = document.getElementById("help-open");
  SG.openHelp = function () { SG.openDialog(help, help.querySelector(".rt-close")); };
  if (help && helpButton) {
    helpButton.hidden = false;
    helpButton.addEventListener("click", SG.openHelp);
  }

  function step(direction) {
    if (!stops.length) return;
    var index = current < 0 ? 0 : current;
    var top = stops[index].el.getBoundingClientRect().top - headerHeight();
    if (direction > 0) {
      // Already past the top of the current stop's label? The next one is still ahead.
      index = current < 0 && top > 4 ? 0 : index + 1;
    } else if (top > -4) {
      index -= 1;  // at the top of this section: go to the previous one
    }
    if (index < 0 || index >= stops.length) return;
    SG.goTo(stops[index].id, { history: "replace" });
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape" && drawerOpen) {
      closeDrawer(true);
      return;
    }
    if (SG.isTyping(event.target) || SG.dialogOpen()) return;
    var actions = {
      "/": SG.openSearch,
      "j": function () { step(1); },
      "k": function () { step(-1); },
      "f": SG.openStudy,
      "?": SG.openHelp,
    };
    var action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });

  // --- landing on a deep link ----------------------------------------------------------------
  function landOnHash() {
    var id;
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (error) { return; }
    if (id) SG.goTo(id, { keepFocus: true });
  }
  if (location.hash) {
    landOnHash();
    window.addEventListener("load", function () { requestAnimationFrame(landOnHash); });
  } else {
    offerResume();
  }
  window.addEventListener("hashchange", landOnHash);
})();
