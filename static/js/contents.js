// Reader tools: the contents sidebar. A sidebar on wide screens (open or closed as the reader
// left it), a drawer on narrow ones; it marks the section being read and opens that volume's
// list of sections, unless the reader closed it. The page lists the sections of its first
// volumes only; another volume's list is built here once its body is in.
(function contents(SG) {
  "use strict";

  var WIDE = window.matchMedia("(min-width: 1100px)");
  var toc = document.getElementById("toc");
  var tocToggle = document.getElementById("toc-toggle");
  var tocClose = document.getElementById("toc-close");
  if (!toc) return;
  var tocLinks = new Map();  // stop id -> link
  var tocVolumes = new Map();  // volume id -> {item, list, button}
  var expandedByUser = new Map();  // volume id -> bool, once the reader used its button
  var currentVolume = null;
  Array.prototype.forEach.call(toc.querySelectorAll(".toc-volume"), function (item) {
    var id = item.getAttribute("data-volume");
    tocVolumes.set(id, { item: item, list: null, button: null });
    var list = item.querySelector(".toc-sections");
    if (list) addList(id, item.querySelector(".toc-expand"), list);
  });
  Array.prototype.forEach.call(toc.querySelectorAll("a.toc-link"), followLink);
  function followLink(link) {
    var id = link.getAttribute("href").slice(1);
    if (!tocLinks.has(id)) tocLinks.set(id, link);
    link.addEventListener("click", function (event) {
      if (!SG.stopById.has(id)) return;
      event.preventDefault();
      closeDrawer(false);
      SG.goTo(id, { history: "push" });
    });
  }
  function addList(id, button, list) {
    var entry = tocVolumes.get(id);
    if (!button) return;
    entry.button = button;
    entry.list = list;
    button.hidden = false;
    setExpanded(id, currentVolume === id && expandedByUser.get(id) !== false);
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      expandedByUser.set(id, open);
      setExpanded(id, open);
    });
  }
  function chevron() {  // as the page draws it (templates/guide/index.html)
    var SVG = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(SVG, "svg");
    var path = document.createElementNS(SVG, "path");
    [["aria-hidden", "true"], ["viewBox", "0 0 12 12"], ["width", "12"], ["height", "12"]]
      .forEach(function (pair) { svg.setAttribute(pair[0], pair[1]); });
    [["d", "M4 2.5L8 6l-4 3.5"], ["fill", "none"], ["stroke", "currentColor"],
      ["stroke-width", "1.8"], ["stroke-linecap", "round"], ["stroke-linejoin", "round"]]
      .forEach(function (pair) { path.setAttribute(pair[0], pair[1]); });
    svg.appendChild(path);
    return svg;
  }
  // A volume's list of sections, from its labels, once its body is in (unless the page had it).
  SG.on("volume-loaded", function (volume) {
    var entry = tocVolumes.get(volume.id);
    var labels = SG.stops.filter(function (stop) {
      return stop.volume === volume && stop.el.classList.contains("sl");
    });
    if (!entry || entry.list || !labels.length) return;
    var list = document.createElement("ol");
    list.className = "toc-sections";
    list.id = "toc-" + volume.id;
    list.hidden = true;
    labels.forEach(function (stop) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.className = "toc-link";
      link.href = "#" + stop.id;
      link.textContent = SG.stopTitle(stop);
      item.appendChild(link);
      list.appendChild(item);
      followLink(link);
    });
    var button = document.createElement("button");
    button.type = "button";
    button.className = "toc-expand";
    button.setAttribute("aria-controls", list.id);
    button.setAttribute("aria-label", "Sections of volume " +
      entry.item.querySelector(".toc-num").textContent);
    button.appendChild(chevron());
    var row = entry.item.querySelector(".toc-row");
    row.insertBefore(button, row.firstChild);
    entry.item.appendChild(list);
    addList(volume.id, button, list);
    var current = SG.stops[SG.current()];
    if (current && current.volume === volume && tocLinks.has(current.id)) {
      tocLinks.get(current.id).setAttribute("aria-current", "location");
    }
  });
  function setExpanded(volumeId, open) {
    var entry = tocVolumes.get(volumeId);
    if (!entry || !entry.button || !entry.list) return;
    entry.button.setAttribute("aria-expanded", open ? "true" : "false");
    entry.list.hidden = !open;
  }

  // --- sidebar or drawer -----------------------------------------------------------------------
  var drawerOpen = false;
  function tocMode() {
    var open = WIDE.matches ? SG.load("toc-open", true) !== false : drawerOpen;
    document.body.classList.toggle("toc-closed", WIDE.matches && !open);
    document.body.classList.toggle("toc-drawer-open", !WIDE.matches && open);
    tocToggle.setAttribute("aria-expanded", open ? "true" : "false");
    tocClose.hidden = WIDE.matches;
    // Off screen, the sidebar's links must not take keyboard focus.
    toc.inert = !open;
  }
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
  SG.on("dialog-open", function () { closeDrawer(false); });
  SG.shortcut({ keys: ["Escape"], anywhere: true, run: function () {
    if (!drawerOpen) return false;
    closeDrawer(true);
  } });
  if (tocToggle) {
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

  // --- the section being read ------------------------------------------------------------------
  SG.on("current", function (change) {
    var stop = change.stop;
    var before = change.before;
    if (before && tocLinks.has(before.id)) tocLinks.get(before.id).removeAttribute("aria-current");
    var link = tocLinks.get(stop.id);
    if (link) link.setAttribute("aria-current", "location");
    var volumeId = stop.volume.id;
    currentVolume = volumeId;
    if (!before || before.volume !== stop.volume) {
      if (before && !expandedByUser.has(before.volume.id)) setExpanded(before.volume.id, false);
      if (expandedByUser.get(volumeId) !== false) setExpanded(volumeId, true);
      tocVolumes.forEach(function (entry, id) {
        entry.item.classList.toggle("is-current", id === volumeId);
      });
    }
    if (link) keepInView(link);
  });
  function keepInView(link) {
    if (toc.inert) return;
    var box = toc.getBoundingClientRect();
    var item = link.getBoundingClientRect();
    if (item.top < box.top + 40 || item.bottom > box.bottom - 20) {
      toc.scrollTop += item.top - box.top - box.height / 3;
    }
  }
})(window.StudyGuide);
