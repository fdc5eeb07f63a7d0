// Reader tools: printing one volume, from the "Print this volume" button in its divider
// (once its body is in). Printing the whole guide is the browser's own; the core brings every
// volume in before it.
(function print(SG) {
  "use strict";

  function printVolume(volume) {
    SG.loadVolume(volume).then(function () {
      document.body.classList.add("print-one");
      volume.classList.add("print-target");
      window.print();
    }, function () {});
  }
  // Wired for every volume the page gives the button, and for the others as their bodies come.
  function wireButton(volume) {
    var tools = volume.querySelector(".vol-divider .vol-tools");
    var button = tools && tools.querySelector(".vol-print");
    if (!button || button.hasAttribute("data-wired")) return;
    button.setAttribute("data-wired", "");
    tools.hidden = false;
    button.addEventListener("click", function () { printVolume(volume); });
  }
  SG.volumes.forEach(wireButton);
  SG.on("volume-loaded", wireButton);
  window.addEventListener("afterprint", function () {
    document.body.classList.remove("print-one");
    Array.prototype.forEach.call(document.querySelectorAll(".print-target"), function (el) {
      el.classList.remove("print-target");
    });
  });
})(window.StudyGuide);
