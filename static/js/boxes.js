// Reader tools: boxes that scroll sideways (diagrams, tables, code, display formulas) take
// keyboard focus.
// On phones nearly all of them scroll, so all take it. Wider, only those that overflow do;
// measuring them lays them out, so each volume is measured when it first renders
// (content-visibility), never all at once.
(function scrollBoxes(SG) {
  "use strict";

  var NARROW = window.matchMedia("(max-width: 640px)");
  var SCROLL_BOXES = "figure.diagram, table, pre, .fml, math[display=block]";
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
    SG.volumes.forEach(function (volume) { measureBoxes(volume, rendered.has(volume)); });
  }
  var resizing = 0;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(placeBoxes, 250);
  });
  SG.volumes.forEach(function (volume) {
    volume.addEventListener("contentvisibilityautostatechange", function (event) {
      if (event.skipped) return;
      rendered.add(volume);
      if (!NARROW.matches) measureBoxes(volume, true);
    });
  });
  NARROW.addEventListener("change", placeBoxes);
  placeBoxes();
  SG.on("volume-loaded", function (volume) { measureBoxes(volume, rendered.has(volume)); });
})(window.StudyGuide);
