// Reader tools: the flashcards leave the guide and come back. "Export to Anki" writes a text
// file Anki imports as it is (File › Import): one Basic note per flashcard of the whole guide
// (every volume's body is brought in first), the card's own HTML on both sides, a deck per
// volume ("Study Guide::<volume title>"), tags for the volume and the section, and a guid made
// from the card's key, so a second export updates the notes instead of adding them again.
// "Export progress" writes the review state and log (study-store.js) as JSON; "Import progress"
// merges such a file in, keeping the newer review of each card. Files are made in the page and
// saved through a Blob and <a download>, so all of it works in the downloaded file too.
(function studyExport(SG) {
  "use strict";

  var FORMAT = "study-guide-progress";
  var els = {};
  ["anki", "export", "import", "import-file"].forEach(function (name) {
    els[name] = document.getElementById("study-" + name);
  });
  if (!els.anki || !SG.study) return;

  function save(name, type, text) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }
  function today() {
    var now = new Date();
    return now.getFullYear() + "-" + String(now.getMonth() + 1).padStart(2, "0") + "-" +
      String(now.getDate()).padStart(2, "0");
  }

  // --- Anki ------------------------------------------------------------------------------------
  // Every field is quoted (Anki reads the file as CSV with tabs: quotes doubled inside, and a
  // line starting with # would otherwise be a comment).
  function field(text) { return '"' + String(text).replace(/"/g, '""') + '"'; }
  function tag(text) {  // Anki splits tags at spaces
    return text.trim().replace(/["\s]+/g, "_").replace(/^_+|_+$/g, "") || "untitled";
  }
  function titleOf(volume) {
    var title = volume.querySelector(".vol-title");
    return (title ? title.textContent : volume.id).replace(/\s+/g, " ").trim();
  }
  var HEADER = ["#separator:tab", "#html:true", "#notetype:Basic", "#deck column:3",
    "#tags column:4", "#guid column:5"];
  function ankiText(cards) {
    var lines = HEADER.slice();
    cards.forEach(function (card) {
      var volume = tag(titleOf(card.volume));
      var tags = ["Study_Guide::" + volume];
      if (card.section && card.section.el.classList.contains("sl")) {
        tags.push("Study_Guide::" + volume + "::" + tag(SG.stopTitle(card.section)));
      }
      lines.push([SG.study.markup(card.question), SG.study.markup(card.answer),
        "Study Guide::" + titleOf(card.volume).replace(/::/g, ":"), tags.join(" "),
        "study-guide-" + card.key].map(field).join("\t"));
    });
    return lines.join("\n") + "\n";
  }
  function exportAnki() {
    els.anki.disabled = true;
    SG.loadAll().then(function () {
      var cards = SG.study.deck();
      save("study-guide-anki-" + today() + ".txt", "text/plain;charset=utf-8",
        ankiText(cards));
      SG.announce("Saved " + cards.length + " flashcards for Anki");
    }).catch(function () {
      SG.announce("Some volumes could not be loaded: nothing was exported");
    }).then(function () { els.anki.disabled = false; });
  }

  // --- progress --------------------------------------------------------------------------------
  function exportProgress() {
    var file = { format: FORMAT, version: 1, exported: new Date().toISOString(),
      cards: SG.studyStore.load() };
    save("study-guide-progress-" + today() + ".json", "application/json",
      JSON.stringify(file, null, 1));
    SG.announce("Saved the progress of " + Object.keys(file.cards).length + " cards");
  }
  function importProgress(file) {
    var reader = new FileReader();
    reader.onload = function () {
      var data = null;
      try { data = JSON.parse(String(reader.result)); } catch (error) { data = null; }
      if (!SG.isObject(data) || data.format !== FORMAT || !SG.isObject(data.cards)) {
        SG.announce("That file is not flashcard progress from this guide");
        return;
      }
      var changed = SG.studyStore.merge(data.cards);
      SG.study.restart();
      SG.announce("Imported: " + changed + (changed === 1 ? " card" : " cards") + " updated");
    };
    reader.onerror = function () { SG.announce("The file could not be read"); };
    reader.readAsText(file);
  }

  els.anki.addEventListener("click", exportAnki);
  els.export.addEventListener("click", exportProgress);
  els.import.addEventListener("click", function () { els["import-file"].click(); });
  els["import-file"].addEventListener("change", function () {
    var file = els["import-file"].files[0];
    if (file) importProgress(file);
    els["import-file"].value = "";
  });
})(window.StudyGuide);
