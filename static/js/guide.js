// Reader tools on the guide page and in the downloaded file: a copy-link button on every
// section label, and landing on a deep link once fonts and lazily rendered volumes settle.
(function () {
  "use strict";

  function sectionUrl(id) {
    return location.href.split("#")[0] + "#" + id;
  }

  function addLinkButtons() {
    document.querySelectorAll(".volume .sl[id]").forEach(function (label) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "anchor-link";
      button.textContent = "#";
      button.setAttribute("aria-label", "Copy a link to this section");
      button.addEventListener("click", function () {
        var url = sectionUrl(label.id);
        history.replaceState(null, "", "#" + label.id);
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(url).then(function () {
            button.textContent = "✓";
            setTimeout(function () { button.textContent = "#"; }, 1500);
          }, function () {});
        }
      });
      label.appendChild(button);
    });
  }

  function landOnHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target) target.scrollIntoView();
  }

  addLinkButtons();
  if (location.hash) {
    // Volumes above the target render lazily (content-visibility); scroll again once laid out.
    landOnHash();
    window.addEventListener("load", function () { requestAnimationFrame(landOnHash); });
  }
})();
