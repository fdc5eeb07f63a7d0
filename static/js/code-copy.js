// Reader tools: a Copy button on every code block. The button copies the block's text as
// typed (not the token spans' markup) and says "Copied" through the live region; in the
// standalone file, where the clipboard API may be missing, the core falls back to a selection.
(function codeCopy(SG) {
  "use strict";

  function addCopyButtons(volume) {
    Array.prototype.forEach.call(volume.querySelectorAll("pre"), addCopyButton);
  }
  function addCopyButton(pre) {
    if (pre.parentElement.classList.contains("code-box")) return;
    var box = document.createElement("div");
    box.className = "code-box";
    pre.replaceWith(box);
    box.appendChild(pre);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "code-copy no-print";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy the code");
    button.addEventListener("click", function () {
      SG.copyText(pre.textContent).then(function () {
        button.textContent = "Copied";
        SG.announce("Copied");
        setTimeout(function () { button.textContent = "Copy"; }, 1500);
      }, function () {
        SG.announce("Copying is not allowed here: select the code and copy it");
      });
    });
    box.appendChild(button);
  }
  SG.volumes.forEach(addCopyButtons);
  SG.on("volume-loaded", addCopyButtons);
})(window.StudyGuide);
