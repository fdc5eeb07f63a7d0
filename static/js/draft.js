// Owner tools: drafting a volume from notes on the server. Owns the notes box, the Draft and
// Stop buttons and the progress line. Draft posts the notes to /api/volumes/draft asking for an
// event stream, shows the characters received and the time taken while the model writes, and
// hands the finished draft to the volume form with a "volume-drafted" event (volume-form.js
// fills the form and shows the preview). Stop aborts the request. Nothing is stored here: the
// owner adds the draft with the form's Add button.
(function draftFromNotes() {
  "use strict";
  var M = window.Manage;
  var button = document.getElementById("draft-button");
  if (!button) return;  // drafting is off on this server: the page says what to set
  var notes = document.getElementById("draft-notes");
  var stop = document.getElementById("draft-stop");
  var progress = document.getElementById("draft-progress");
  var errorBox = document.getElementById("draft-error");
  var warning = document.getElementById("draft-warning");
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var running = null;  // {controller, started, chars, timer} while a draft is on its way

  function seconds() {
    return Math.round((Date.now() - running.started) / 1000);
  }

  function showProgress() {
    progress.textContent = "Drafting… " + running.chars.toLocaleString("en") +
      " characters received, " + seconds() + " s";
  }

  function finish(text) {
    clearInterval(running.timer);
    running = null;
    M.busy(button, false);
    var hadFocus = document.activeElement === stop;
    stop.hidden = true;
    if (hadFocus) button.focus();
    progress.textContent = text;
  }

  function failed(message) {
    finish("");
    M.show(errorBox, message);
  }

  function drafted(data) {
    var text = "Drafted " + running.chars.toLocaleString("en") + " characters in " + seconds() +
      " s with " + data.model + ". Review the preview below, then press Add volume.";
    finish(text);
    M.show(warning, data.truncated ? "The model stopped at its output limit: this draft is " +
      "probably cut off at the end. Check the last section before adding it, or draft again " +
      "from fewer notes." : "");
    document.dispatchEvent(new CustomEvent("volume-drafted", { detail: data }));
  }

  // One server-sent event: "event: name" and "data: {json}" lines.
  function handle(block) {
    var name = "message", data = "";
    block.split("\n").forEach(function (line) {
      if (line.indexOf("event:") === 0) name = line.slice(6).trim();
      else if (line.indexOf("data:") === 0) data += line.slice(5).trim();
    });
    if (!data || !running) return;
    var value = JSON.parse(data);
    if (name === "progress") { running.chars = value.chars; showProgress(); }
    else if (name === "draft") drafted(value);
    else if (name === "error") failed(value.error.message);
  }

  function read(response) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    function next() {
      return reader.read().then(function (chunk) {
        if (chunk.done) {
          if (running) failed("The answer ended before the draft was complete: try again.");
          return;
        }
        buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n/g, "\n");
        var blocks = buffer.split("\n\n");
        buffer = blocks.pop();
        blocks.forEach(handle);
        return next();
      });
    }
    return next();
  }

  function refused(response) {
    return response.text().then(function (text) {
      var data = null;
      try { data = JSON.parse(text); } catch (e) { data = null; }
      failed(M.errorText({ ok: false, status: response.status, data: data }));
    });
  }

  button.addEventListener("click", function () {
    if (M.isBusy(button)) return;
    M.show(errorBox, ""); M.show(warning, "");
    if (!notes.value.trim()) {
      M.show(errorBox, "Write or paste your notes first.");
      notes.focus();
      return;
    }
    var body = { notes: notes.value, title: document.getElementById("title").value.trim(),
                 number: document.getElementById("number").value.trim() };
    running = { controller: new AbortController(), started: Date.now(), chars: 0 };
    running.timer = setInterval(showProgress, 1000);
    M.busy(button, true);
    stop.hidden = false;
    showProgress();
    fetch("/api/volumes/draft", {
      method: "POST", credentials: "same-origin", signal: running.controller.signal,
      headers: { "Content-Type": "application/json", "Accept": "text/event-stream",
                 "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.ok ? read(response) : refused(response);
    }).catch(function (error) {
      if (error && error.name === "AbortError") return;  // Stop said what happened
      if (running) failed(M.errorText({ ok: false, status: 0, data: null }));
    });
  });

  stop.addEventListener("click", function () {
    if (!running) return;
    running.controller.abort();
    finish("Stopped: nothing was drafted and nothing was changed.");
  });
})();
