// Owner tools, the core: loaded first on /manage. What the owner page's features share: calls
// to the JSON API (with the CSRF token), error sentences, status boxes, busy buttons and the
// time format. The features follow, each a named closure owning its part of the page:
// volume-list.js (the list of added volumes, delete), volume-form.js (preview, add, edit, the
// prompt), draft.js (drafting from notes on the server) and connection.js (connection test,
// revisions, restore). A feature asks a later one
// for something through a DOM event on the document ("volume-edit"), never by calling it.
window.Manage = (function manageCore() {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var form = document.getElementById("volume-form");

  function call(method, url, body) {
    var options = { method: method, headers: { "X-CSRFToken": csrf }, credentials: "same-origin" };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      if (response.status === 204) return { ok: true, status: 204, data: null };
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        return { ok: response.ok, status: response.status, data: data };
      });
    }, function () {
      return { ok: false, status: 0, data: null };
    });
  }

  function errorText(result) {
    if (result.data && result.data.error) return result.data.error.message;
    if (result.status === 0) return "The server could not be reached: check your connection and try again.";
    if (result.status === 413) return "The request is too large: a volume can be at most " + form.dataset.maxSize + " of HTML.";
    return "The server answered " + result.status + ": try again.";
  }

  function show(box, text) {
    box.textContent = text;
    box.hidden = !text;
  }

  // aria-disabled, not disabled: disabling the focused button would drop keyboard focus to
  // the page, and the owner would have to find their place again.
  function busy(button, state) {
    if (state) {
      button.setAttribute("aria-disabled", "true");
      button.setAttribute("aria-busy", "true");
    } else {
      button.removeAttribute("aria-disabled");
      button.removeAttribute("aria-busy");
    }
  }

  function isBusy(button) {
    return button.getAttribute("aria-busy") === "true";
  }

  // "2026-11-22T10:00:00Z" as the server writes it on the page: "2026-11-22 10:00 UTC".
  function readableTime(iso) {
    var match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso || "");
    return match ? match[1] + " " + match[2] + " UTC" : (iso || "");
  }

  return { call: call, errorText: errorText, show: show, busy: busy, isBusy: isBusy,
           readableTime: readableTime };
})();
