// Reader tools: deep links. A copy-link button on every section label; the section's URL goes
// to the clipboard and its id to the address bar.
(function links(SG) {
  "use strict";

  function sectionUrl(id) {
    return location.href.split("#")[0] + "#" + id;
  }
  function addLinkButtons() {
    SG.stops.forEach(addLinkButton);
  }
  function addLinkButton(stop) {
    if (!stop.el.classList.contains("sl") || stop.el.querySelector(".anchor-link")) return;
    var label = stop.el;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "anchor-link";
    button.textContent = "#";
    button.setAttribute("aria-label", "Copy a link to this section");
    button.addEventListener("click", function () {
      history.replaceState(null, "", "#" + stop.id);
      SG.copyText(sectionUrl(stop.id)).then(function () {
        button.textContent = "✓";
        SG.announce("Link copied");
        setTimeout(function () { button.textContent = "#"; }, 1500);
      }, function () {
        SG.announce("The link is in the address bar");
      });
    });
    label.appendChild(button);
  }
  addLinkButtons();
  SG.on("volume-loaded", addLinkButtons);
})(window.StudyGuide);
