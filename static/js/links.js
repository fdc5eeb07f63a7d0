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
    var button = SG.copyButton("anchor-link", "#", "Copy a link to this section", {
      text: function () { return sectionUrl(stop.id); },
      shown: "✓", said: "Link copied", failed: "The link is in the address bar",
    });
    button.addEventListener("click", function () {
      history.replaceState(null, "", "#" + stop.id);
    });
    label.appendChild(button);
  }
  addLinkButtons();
  SG.on("volume-loaded", addLinkButtons);
})(window.StudyGuide);
