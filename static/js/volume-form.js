// Owner tools: the volume form. Preview and Add send what is in the form to the API; the server
// unwraps a pasted chat answer or document, converts Markdown and sanitizes, and its notes and
// report are shown above the preview. Edit (from the list) loads a volume as its owner wrote
// it; Save replaces its content under the same id; Cancel leaves it untouched. A draft from
// draft.js ("volume-drafted") fills the form and shows its preview. Also the volume-builder
// prompt's copy button.
(function volumeForm() {
  "use strict";
  var M = window.Manage;
  var form = document.getElementById("volume-form");
  var errorBox = document.getElementById("form-error");
  var okBox = document.getElementById("form-ok");
  var submit = document.getElementById("add-button");
  var cancel = document.getElementById("edit-cancel");
  var heading = document.getElementById("builder-h");
  var editing = null;  // the id of the volume being edited, or null when adding

  function fields() {
    var body = { number: form.number.value.trim(), title: form.title.value.trim() };
    body[form.format.value === "markdown" ? "markdown" : "html"] = form.html.value;
    return body;
  }

  function describeReport(report) {
    if (!report || !report.changed) return "Nothing was removed.";
    var parts = [];
    [["removed_tags", "elements"], ["removed_attributes", "attributes"],
     ["removed_classes", "classes"], ["removed_styles", "style properties"]].forEach(function (pair) {
      var entries = Object.entries(report[pair[0]] || {});
      if (entries.length) {
        parts.push("Removed " + pair[1] + ": " + entries.map(function (e) {
          return e[0] + " ×" + e[1];
        }).join(", "));
      }
    });
    return parts.join(". ") + ".";
  }

  function showNotes(report) {
    var list = document.getElementById("preview-notes");
    list.replaceChildren.apply(list, ((report && report.notes) || []).map(function (note) {
      var item = document.createElement("li");
      item.textContent = note;
      return item;
    }));
    list.hidden = !list.children.length;
  }

  function reset() {
    editing = null;
    form.title.value = "";
    form.html.value = "";
    form.format.value = "auto";
    submit.textContent = "Add volume";
    heading.textContent = "Add a volume";
    cancel.hidden = true;
    document.getElementById("preview").hidden = true;
  }

  document.getElementById("preview-button").addEventListener("click", function (event) {
    var button = event.currentTarget;
    if (M.isBusy(button)) return;
    M.show(errorBox, ""); M.show(okBox, "");
    M.busy(button, true);
    M.call("POST", "/api/volumes/preview", fields()).then(function (result) {
      M.busy(button, false);
      if (!result.ok) { M.show(errorBox, M.errorText(result)); return; }
      showPreview(result.data);
    });
  });

  function showPreview(data) {
    if (!form.title.value.trim() && data.title) form.title.value = data.title;
    document.getElementById("preview").hidden = false;
    showNotes(data.report);
    document.getElementById("preview-report").textContent = describeReport(data.report);
    // The server's sanitized HTML: the same policy the guide itself renders with.
    document.getElementById("preview-body").innerHTML = data.html;
  }

  // A draft from draft.js: its sanitized HTML goes into the form as a new volume, with its
  // preview. Nothing is sent: the owner adds it (or not) with the Add button.
  document.addEventListener("volume-drafted", function (event) {
    var title = form.title.value;
    if (editing) reset();
    form.title.value = title;
    form.format.value = "auto";
    form.html.value = event.detail.html;
    M.show(errorBox, ""); M.show(okBox, "");
    showPreview(event.detail);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (M.isBusy(submit)) return;
    M.show(errorBox, ""); M.show(okBox, "");
    M.busy(submit, true);
    var saving = editing;
    var request = saving ? M.call("PUT", "/api/volumes/" + encodeURIComponent(saving), fields())
      : M.call("POST", "/api/volumes", fields());
    request.then(function (result) {
      M.busy(submit, false);
      if (!result.ok) {
        // What the owner wrote stays in the form: only a success clears it.
        M.show(errorBox, M.errorText(result));
        return;
      }
      var volume = result.data.volume;
      M.list.upsert(volume);
      var notes = (result.data.report.notes || []).join(" ");
      M.show(okBox, (saving ? "Saved" : "Added") + " volume " + volume.number + " — " +
        volume.title + ". " + (notes ? notes + " " : "") + describeReport(result.data.report));
      reset();
      if (!saving) form.number.value = String(Number(volume.number) + 1);
    });
  });

  document.addEventListener("volume-edit", function (event) {
    var volumeId = event.detail.id;
    M.show(errorBox, ""); M.show(okBox, "");
    M.call("GET", "/api/volumes/" + encodeURIComponent(volumeId)).then(function (result) {
      if (!result.ok) { M.list.error(M.errorText(result)); return; }
      var volume = result.data;
      editing = volume.id;
      form.number.value = volume.number;
      form.title.value = volume.title;
      form.format.value = volume.format === "markdown" ? "markdown" : "auto";
      form.html.value = volume.format === "markdown" ? volume.source : volume.html;
      submit.textContent = "Save changes";
      heading.textContent = "Edit volume " + volume.number;
      cancel.hidden = false;
      document.getElementById("preview").hidden = true;
      document.getElementById("builder").scrollIntoView();
      form.html.focus();
    });
  });

  document.addEventListener("volume-deleted", function (event) {
    if (editing === event.detail.id) reset();
  });

  cancel.addEventListener("click", function () {
    var volumeId = editing;
    reset();
    M.show(errorBox, "");
    var edit = document.querySelector('#added-list .edit-button[data-id="' + CSS.escape(volumeId) + '"]');
    if (edit) edit.focus();
  });

  var COPIED = "Copied: paste it into your LLM, then your notes where it says [PASTE YOUR NOTES HERE].";
  document.getElementById("copy-prompt").addEventListener("click", function () {
    var area = document.getElementById("prompt-text");
    var status = document.getElementById("copy-status");
    function done(ok) {
      status.className = "copy-status " + (ok ? "ok" : "error");
      status.textContent = ok ? COPIED : "Copy failed: open the prompt below, select it and copy it.";
      if (!ok) area.closest("details").open = true;
    }
    status.textContent = "";
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(area.value).then(function () { done(true); },
                                                     function () { done(false); });
    } else {
      area.closest("details").open = true;
      area.select();
      done(document.execCommand("copy"));
    }
  });
})();
