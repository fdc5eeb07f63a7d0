// Owner tools: the storage connection test, and (with Gist storage) the deleted volumes of recent
// revisions, each with a Restore button.
(function connection() {
  "use strict";
  var M = window.Manage;

  document.getElementById("test-connection").addEventListener("click", function (event) {
    var button = event.currentTarget;
    var out = document.getElementById("connection-result");
    if (M.isBusy(button)) return;
    M.busy(button, true);
    out.textContent = "Testing…";
    M.call("POST", "/api/connection-test").then(function (result) {
      M.busy(button, false);
      out.textContent = "";
      if (!result.ok) {
        var p = document.createElement("p");
        p.className = "message error";
        p.textContent = M.errorText(result);
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
        (data.rate_limit.reset ? ", resets " + M.readableTime(data.rate_limit.reset) : "")]);
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
      M.call("GET", "/api/revisions").then(function (result) {
        out.textContent = "";
        if (!result.ok) { out.textContent = M.errorText(result); return; }
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
              if (M.isBusy(restore)) return;
              M.busy(restore, true);
              M.call("POST", "/api/volumes/restore", { revision: revision.version, volume_id: v.id })
                .then(function (r) {
                  M.busy(restore, false);
                  if (!r.ok) { M.list.error(M.errorText(r)); return; }
                  current.add(v.id);
                  M.list.upsert(r.data.volume);
                  li.remove();
                  M.list.ok("Restored “" + r.data.volume.title + "”.");
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
