// Owner tools: preview, add, delete and the connection test, over the JSON API.
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var form = document.getElementById("volume-form");
  var errorBox = document.getElementById("form-error");
  var okBox = document.getElementById("form-ok");
  var listError = document.getElementById("list-error");
  var listOk = document.getElementById("list-ok");

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

  function fields() {
    return {
      number: form.number.value.trim(),
      title: form.title.value.trim(),
      html: form.html.value
    };
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

  document.getElementById("preview-button").addEventListener("click", function (event) {
    var button = event.currentTarget;
    if (isBusy(button)) return;
    show(errorBox, ""); show(okBox, "");
    busy(button, true);
    call("POST", "/api/volumes/preview", fields()).then(function (result) {
      busy(button, false);
      if (!result.ok) { show(errorBox, errorText(result)); return; }
      document.getElementById("preview").hidden = false;
      document.getElementById("preview-report").textContent = describeReport(result.data.report);
      // The server's sanitized HTML: the same policy the guide itself renders with.
      document.getElementById("preview-body").innerHTML = result.data.html;
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = document.getElementById("add-button");
    if (isBusy(button)) return;
    show(errorBox, ""); show(okBox, "");
    busy(button, true);
    call("POST", "/api/volumes", fields()).then(function (result) {
      busy(button, false);
      if (!result.ok) {
        // What the owner pasted stays in the form: only a success clears it.
        show(errorBox, errorText(result));
        return;
      }
      var volume = result.data.volume;
      addToList(volume);
      show(okBox, "Added volume " + volume.number + " — " + volume.title + ". " +
        describeReport(result.data.report));
      form.title.value = "";
      form.html.value = "";
      form.number.value = String(Number(volume.number) + 1);
      document.getElementById("preview").hidden = true;
    });
  });

  // "2026-11-22T10:00:00Z" as the server writes it on the page: "2026-11-22 10:00 UTC".
  function readableTime(iso) {
    var match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso || "");
    return match ? match[1] + " " + match[2] + " UTC" : (iso || "");
  }

  function addToList(volume) {
    var list = document.getElementById("added-list");
    var empty = document.getElementById("no-added");
    if (empty) empty.remove();
    var item = document.createElement("li");
    item.dataset.id = volume.id;
    var label = document.createElement("span");
    label.className = "volume-name";
    var strong = document.createElement("strong");
    strong.textContent = volume.numeral + ".";
    label.append(strong, " " + volume.title);
    if (volume.added_at) {
      var meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = "added " + readableTime(volume.added_at);
      label.append(" ", meta);
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "danger delete-button";
    button.dataset.id = volume.id;
    button.dataset.title = volume.title;
    button.setAttribute("aria-label", "Delete volume " + volume.numeral + ", " + volume.title);
    button.textContent = "Delete";
    item.append(label, button);
    list.append(item);
    updateCount(1);
  }

  function updateCount(delta) {
    var count = document.getElementById("status-count");
    var now = Number(count.textContent);
    if (!isNaN(now)) count.textContent = String(now + delta);
  }

  var dialog = document.getElementById("delete-dialog");
  var pending = null;
  document.getElementById("added-list").addEventListener("click", function (event) {
    var button = event.target.closest(".delete-button");
    if (!button || isBusy(button)) return;
    pending = button;
    document.getElementById("delete-dialog-text").textContent =
      "“" + button.dataset.title + "” will be removed from the guide.";
    dialog.showModal();
  });
  document.getElementById("delete-cancel").addEventListener("click", function () {
    var button = pending;
    pending = null;
    dialog.close();
    if (button) button.focus();
  });
  document.getElementById("delete-confirm").addEventListener("click", function () {
    var button = pending;
    pending = null;
    dialog.close();
    if (!button) return;
    show(listError, ""); show(listOk, "");
    busy(button, true);
    call("DELETE", "/api/volumes/" + encodeURIComponent(button.dataset.id)).then(function (result) {
      busy(button, false);
      if (!result.ok) { show(listError, errorText(result)); button.focus(); return; }
      button.closest("li").remove();
      updateCount(-1);
      show(listOk, "Deleted “" + button.dataset.title + "”.");
      // The focused button is gone: keep keyboard users in the list, on what happened.
      listOk.focus();
    });
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

  document.getElementById("test-connection").addEventListener("click", function (event) {
    var button = event.currentTarget;
    var out = document.getElementById("connection-result");
    if (isBusy(button)) return;
    busy(button, true);
    out.textContent = "Testing…";
    call("POST", "/api/connection-test").then(function (result) {
      busy(button, false);
      out.textContent = "";
      if (!result.ok) {
        var p = document.createElement("p");
        p.className = "message error";
        p.textContent = errorText(result);
        out.append(p);
        return;
      }
      out.append(connectionReport(result.data));
    });
  });

  // Problems that mean GitHub answered nothing about the gist: its file, volumes and the
  // token's scopes are then unknown, not "none".
  var NO_ANSWER = ["bad_token", "gist_not_found", "rate_limited", "unreachable", "github_refused"];

  function connectionReport(data) {
    var wrap = document.createElement("div");
    var summary = document.createElement("p");
    var problems = data.problems || [];
    summary.className = "message " + (data.ok ? "ok" : "error");
    var answered = !problems.some(function (p) { return NO_ANSWER.indexOf(p.code) >= 0; });
    summary.textContent = data.ok ? "Connection works." :
      (problems.length === 1 ? "One problem found:" : problems.length + " problems found:") +
      " see the fix under each." + (answered ? "" : " GitHub did not answer, so what the gist " +
      "holds is unknown.");
    var unknown = "unknown";
    var list = document.createElement("dl");
    list.className = "status";
    var rows = [["Backend", data.backend === "gist" ? "gist (GitHub Gist)" : "local (file)"]];
    if (data.backend === "gist") {
      rows.push(["Gist", data.gist_id], ["Token", data.token],
                ["Scopes", answered ? (data.scopes || []).join(", ") || "none listed" : unknown]);
    } else if (data.location) {
      rows.push(["File", data.location]);
    }
    rows.push(["File found", answered ? (data.file_found ? "yes" : "no") : unknown],
              ["Volumes", answered ? String(data.volumes) : unknown]);
    if (data.rate_limit && data.rate_limit.remaining !== undefined &&
        data.rate_limit.remaining !== null) {
      rows.push(["Rate limit", data.rate_limit.remaining + " requests left" +
        (data.rate_limit.reset ? ", resets " + readableTime(data.rate_limit.reset) : "")]);
    }
    rows.forEach(function (row) {
      var dt = document.createElement("dt"); dt.textContent = row[0];
      var dd = document.createElement("dd"); dd.textContent = row[1];
      list.append(dt, dd);
    });
    wrap.append(summary, list);
    if (data.problems && data.problems.length) {
      var ul = document.createElement("ul");
      ul.className = "problems";
      data.problems.forEach(function (problem) {
        var li = document.createElement("li");
        li.dataset.code = problem.code;
        var code = document.createElement("code");
        code.textContent = problem.code;
        var message = document.createElement("p");
        message.append(code, " " + problem.message);
        var fix = document.createElement("p");
        fix.className = "fix";
        var label = document.createElement("strong");
        label.textContent = "Fix: ";
        fix.append(label, problem.fix);
        li.append(message, fix);
        ul.append(li);
      });
      wrap.append(ul);
    }
    return wrap;
  }

  var revisionsButton = document.getElementById("load-revisions");
  if (revisionsButton) {
    revisionsButton.addEventListener("click", function () {
      var out = document.getElementById("revisions");
      call("GET", "/api/revisions").then(function (result) {
        out.textContent = "";
        if (!result.ok) { out.textContent = errorText(result); return; }
        var current = new Set(Array.from(document.querySelectorAll("#added-list li[data-id]"))
          .map(function (li) { return li.dataset.id; }));
        var ul = document.createElement("ul");
        ul.className = "volume-list";
        result.data.revisions.forEach(function (revision) {
          revision.volumes.filter(function (v) { return !current.has(v.id); }).forEach(function (v) {
            var li = document.createElement("li");
            li.textContent = v.number + ". " + v.title + " (revision " + revision.version.slice(0, 7) +
              ", " + revision.committed_at + ") ";
            var restore = document.createElement("button");
            restore.type = "button";
            restore.textContent = "Restore";
            restore.addEventListener("click", function () {
              if (isBusy(restore)) return;
              busy(restore, true);
              call("POST", "/api/volumes/restore", { revision: revision.version, volume_id: v.id })
                .then(function (r) {
                  busy(restore, false);
                  if (!r.ok) { show(listError, errorText(r)); return; }
                  current.add(v.id);
                  addToList(r.data.volume);
                  li.remove();
                  show(listOk, "Restored “" + r.data.volume.title + "”.");
                  listOk.focus();
                });
            });
            li.append(restore);
            ul.append(li);
          });
        });
        if (!ul.children.length) out.textContent = "No deleted volumes in the recent revisions.";
        else out.append(ul);
      });
    });
  }
})();
