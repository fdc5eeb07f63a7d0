// Reader tools: going to a section, and following the one being read. Owns SG.goTo (used by
// the contents, the resume offer and search), the tracking of the current section while
// scrolling, the j / k keys and landing on a deep link.
(function sections(SG) {
  "use strict";

  var main = document.getElementById("main");
  var stops = SG.stops;

  function syncHeaderHeight() {
    document.documentElement.style.setProperty("--header-h", Math.round(SG.headerHeight()) + "px");
  }
  syncHeaderHeight();
  // The header's height changes with the width and once the web fonts arrive.
  if ("ResizeObserver" in window && document.querySelector(".site-header")) {
    new ResizeObserver(syncHeaderHeight).observe(document.querySelector(".site-header"));
  } else {
    window.addEventListener("resize", syncHeaderHeight);
  }

  // --- going to a section --------------------------------------------------------------------
  function volumeOfId(id) {
    for (var i = 0; i < SG.volumes.length; i++) {
      var volume = SG.volumes[i];
      if (id === volume.id || id.indexOf(volume.id + "-") === 0) return volume;
    }
    return null;
  }
  var goingTo = null;
  SG.goTo = function (id, how) {
    var stop = SG.stopById.get(id);
    var target = stop ? stop.el : null;
    var volume = stop ? stop.volume : volumeOfId(id);
    goingTo = id;
    if (volume && SG.isPending(volume)) {
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
    if (stop) SG.setCurrent(stop.index);
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

  // --- the current section, followed while scrolling ---------------------------------------
  // Watched from "ready" on, once every feature listens for "current".
  if ("IntersectionObserver" in window && stops.length) SG.on("ready", watchBand);
  function watchBand() {
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
      if (inBand.size) SG.setCurrent(Math.min.apply(null, Array.from(inBand)));
      else if (leftBelow !== Infinity && leftBelow <= SG.current()) SG.setCurrent(leftBelow - 1);
      atTheEnd();
    }, { rootMargin: "-" + Math.round(SG.headerHeight()) + "px 0px -75% 0px" });
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
    SG.on("volume-loaded", observeStops);
    window.addEventListener("scrollend", atTheEnd);
  }
  // At the bottom of the page the last labels can never reach the band: the last one on
  // screen is the current one.
  function atTheEnd() {
    var doc = document.documentElement;
    if (window.scrollY + window.innerHeight < doc.scrollHeight - 2) return;
    for (var i = stops.length - 1; i > SG.current(); i--) {
      if (stops[i].el.getBoundingClientRect().top < window.innerHeight) {
        SG.setCurrent(i);
        return;
      }
    }
  }

  // --- j / k: the next or previous section ---------------------------------------------------
  function step(direction) {
    if (!stops.length) return;
    var current = SG.current();
    var index = current < 0 ? 0 : current;
    var top = stops[index].el.getBoundingClientRect().top - SG.headerHeight();
    if (direction > 0) {
      // Already past the top of the current stop's label? The next one is still ahead.
      index = current < 0 && top > 4 ? 0 : index + 1;
    } else if (top > -4) {
      index -= 1;  // at the top of this section: go to the previous one
    }
    if (index < 0 || index >= stops.length) return;
    SG.goTo(stops[index].id, { history: "replace" });
  }
  SG.shortcut({ keys: ["j", "k"], join: " / ", description: "Next / previous section", order: 20,
    run: function (key) { step(key === "j" ? 1 : -1); } });

  // --- landing on a deep link ----------------------------------------------------------------
  // A body that comes in after the landing can lengthen the page under a target that sat near
  // its end: the target is placed again then, until the reader scrolls or acts.
  var landedOn = null;
  function landOnHash() {
    var id;
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (error) { return; }
    if (id) { landedOn = id; SG.goTo(id, { keepFocus: true }); }
  }
  ["wheel", "touchstart", "pointerdown", "keydown"].forEach(function (name) {
    window.addEventListener(name, function () { landedOn = null; }, { passive: true });
  });
  SG.on("volume-loaded", function () {
    if (landedOn && landedOn === goingTo) SG.goTo(landedOn, { keepFocus: true });
  });
  if (location.hash) {
    SG.on("ready", landOnHash);
    window.addEventListener("load", function () { requestAnimationFrame(landOnHash); });
  }
  window.addEventListener("hashchange", landOnHash);
})(window.StudyGuide);
