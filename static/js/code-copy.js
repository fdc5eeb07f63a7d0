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
    var button = SG.copyButton("code-copy no-print", "Copy", "Copy the code", {
      text: function () { return pre.textContent; },
      shown: "Copied", said: "Copied",
      failed: "Copying is not allowed here: select the code and copy it",
    });
    box.appendChild(button);
  }
  SG.volumes.forEach(addCopyButtons);
  SG.on("volume-loaded", addCopyButtons);
})(window.StudyGuide);
