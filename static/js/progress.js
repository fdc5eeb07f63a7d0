// Reader tools: reading progress. Which volumes are read (a volume's button, its mark in the
// contents and on its overview card; reaching a volume's last section reads it to the end), where
// the reader was, and the offer to continue there.
(function progress(SG) {
  "use strict";

  var read = SG.load("read", {});
  if (!SG.isObject(read)) read = {};
  var tocItems = new Map();  // volume id -> its item in the contents
  Array.prototype.forEach.call(document.querySelectorAll("#toc .toc-volume"), function (item) {
    tocItems.set(item.getAttribute("data-volume"), item);
  });
  function isRead(volumeId) { return read[volumeId] === true; }
  function showRead(volumeId) {
    var done = isRead(volumeId);
    var volume = SG.volumeById.get(volumeId);
    var button = volume && volume.querySelector(".vol-divider .vol-read");
    if (button) {
      button.setAttribute("aria-pressed", done ? "true" : "false");
      button.textContent = done ? "Read ✓" : "Mark as read";
    }
    var item = tocItems.get(volumeId);
    if (item) {
      item.classList.toggle("is-read", done);
      var mark = item.querySelector(".toc-read");
      if (!mark && done) mark = readMark(item);
      if (mark) mark.hidden = !done;
    }
    var card = document.querySelector('.contents a[href="#' + CSS.escape(volumeId) + '"]');
    if (card) card.classList.toggle("is-read", done);
  }
  // The page marks its first volumes' items only; another's mark is made once it is read.
  function readMark(item) {
    var mark = document.createElement("span");
    mark.className = "toc-read";
    mark.title = "Read";
    mark.textContent = "✓";
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " read";
    mark.appendChild(hidden);
    item.querySelector(".toc-row").appendChild(mark);
    return mark;
  }
  function setRead(volumeId, done) {
    if (done) read[volumeId] = true;
    else delete read[volumeId];
    SG.save("read", read);
    showRead(volumeId);
  }
  function wireTools(volume) {
    var tools = volume.querySelector(".vol-divider .vol-tools");
    var button = tools && tools.querySelector(".vol-read");
    if (!button || button.hasAttribute("data-wired")) return;
    button.setAttribute("data-wired", "");
    tools.hidden = false;
    button.addEventListener("click", function () {
      setRead(volume.id, !isRead(volume.id));
    });
  }
  SG.volumes.forEach(function (volume) {
    wireTools(volume);
    showRead(volume.id);
  });
  SG.on("volume-loaded", function (volume) {
    wireTools(volume);
    showRead(volume.id);
  });

  var saved = SG.load("position", null);
  SG.on("current", function (change) {
    var stop = change.stop;
    SG.save("position", { id: stop.id });
    // Reaching a volume's last section is reading it to the end.
    var next = SG.stops[stop.index + 1];
    if ((!next || next.volume !== stop.volume) && stop.el !== stop.volume.querySelector(".vol-divider")) {
      if (!isRead(stop.volume.id)) setRead(stop.volume.id, true);
    }
  });

  // --- the offer to continue where the reader left off -----------------------------------------
  var resume = document.getElementById("resume");
  function offerResume() {
    if (!resume || !SG.isObject(saved) || typeof saved.id !== "string") return;
    // A section of a volume whose body is still to come is offered as its volume.
    var stop = SG.stopById.get(saved.id) || SG.stopById.get(saved.id.replace(/-\d+$/, ""));
    if (!stop || stop.index === 0 || location.hash) return;
    var link = document.getElementById("resume-link");
    link.textContent = stop.el.classList.contains("sl")
      ? SG.volumeLabel(stop.volume).split(" · ")[0] + " · " + SG.stopTitle(stop)
      : SG.volumeLabel(stop.volume);
    link.setAttribute("href", "#" + saved.id);
    resume.hidden = false;
    link.addEventListener("click", function (event) {
      event.preventDefault();
      resume.hidden = true;
      SG.goTo(saved.id, { history: "push" });
    });
    document.getElementById("resume-dismiss").addEventListener("click", function () {
      resume.hidden = true;
    });
    SG.on("current", function (change) { if (change.stop === stop) resume.hidden = true; });
  }
  // A deep link, if any, is where the reader wants to be: no offer then.
  if (!location.hash) SG.on("ready", offerResume);
})(window.StudyGuide);
