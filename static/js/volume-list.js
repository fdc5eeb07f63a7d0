// Owner tools: the list of added volumes. Each has Edit (handed to the volume form through a
// "volume-edit" event) and Delete (confirmed in a dialog). Manage.list.upsert puts a volume
// just added, edited or restored in its place.
(function volumeList() {
  "use strict";
  var M = window.Manage;
  var list = document.getElementById("added-list");
  var listError = document.getElementById("list-error");
  var listOk = document.getElementById("list-ok");

  function itemFor(volumeId) {
    return Array.from(list.querySelectorAll("li[data-id]")).find(function (li) {
      return li.dataset.id === volumeId;
    }) || null;
  }

  function button(className, text, volume, verb) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.dataset.id = volume.id;
    element.dataset.title = volume.title;
    element.setAttribute("aria-label", verb + " volume " + volume.numeral + ", " + volume.title);
    element.textContent = text;
    return element;
  }

  function upsert(volume) {
    var empty = document.getElementById("no-added");
    if (empty) empty.remove();
    var label = document.createElement("span");
    label.className = "volume-name";
    var strong = document.createElement("strong");
    strong.textContent = volume.numeral + ".";
    label.append(strong, " " + volume.title);
    var when = volume.edited_at ? "edited " + M.readableTime(volume.edited_at) :
      volume.added_at ? "added " + M.readableTime(volume.added_at) : "";
    if (when) {
      var meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = when;
      label.append(" ", meta);
    }
    var actions = document.createElement("span");
    actions.className = "volume-actions";
    actions.append(button("edit-button", "Edit", volume, "Edit"),
                   button("danger delete-button", "Delete", volume, "Delete"));
    var item = itemFor(volume.id);
    if (item) {
      item.replaceChildren(label, actions);
      return;
    }
    item = document.createElement("li");
    item.dataset.id = volume.id;
    item.append(label, actions);
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
  list.addEventListener("click", function (event) {
    var edit = event.target.closest(".edit-button");
    if (edit) {
      document.dispatchEvent(new CustomEvent("volume-edit", { detail: { id: edit.dataset.id } }));
      return;
    }
    var remove = event.target.closest(".delete-button");
    if (!remove || M.isBusy(remove)) return;
    pending = remove;
    document.getElementById("delete-dialog-text").textContent =
      "“" + remove.dataset.title + "” will be removed from the guide.";
    dialog.showModal();
  });
  document.getElementById("delete-cancel").addEventListener("click", function () {
    var remove = pending;
    pending = null;
    dialog.close();
    if (remove) remove.focus();
  });
  document.getElementById("delete-confirm").addEventListener("click", function () {
    var remove = pending;
    pending = null;
    dialog.close();
    if (!remove) return;
    M.show(listError, ""); M.show(listOk, "");
    M.busy(remove, true);
    M.call("DELETE", "/api/volumes/" + encodeURIComponent(remove.dataset.id)).then(function (result) {
      M.busy(remove, false);
      if (!result.ok) { M.show(listError, M.errorText(result)); remove.focus(); return; }
      remove.closest("li").remove();
      updateCount(-1);
      M.show(listOk, "Deleted “" + remove.dataset.title + "”.");
      document.dispatchEvent(new CustomEvent("volume-deleted", { detail: { id: remove.dataset.id } }));
      // The focused button is gone: keep keyboard users in the list, on what happened.
      listOk.focus();
    });
  });

  M.list = { upsert: upsert, has: function (volumeId) { return itemFor(volumeId) !== null; },
             error: function (text) { M.show(listError, text); },
             ok: function (text) { M.show(listOk, text); listOk.focus(); } };
})();
