// Reader tools: the contents sidebar. A sidebar on wide screens (open or closed as the reader
// left it), a drawer on narrow ones; it marks the section being read and opens that volume's
// list of sections, unless the reader closed it.
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
      if (!SG.stopById.has(id)) return;
      event.preventDefault();
      closeDrawer(false);
      SG.goTo(id, { history: "push" });
    });
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
