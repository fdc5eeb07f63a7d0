// Reader tools: copying to the clipboard, shared by the section links' "#" and the code blocks'
// Copy buttons. In the standalone file over file://, where the clipboard API is missing, it falls
// back to a selected field.
(function clipboard(SG) {
  "use strict";

  // A button that copies `copy.text()`: it then shows `copy.shown` for a moment and
  // `copy.said` is announced; `copy.failed` is announced when the page may not copy.
  SG.copyButton = function (className, label, ariaLabel, copy) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = className;
    button.textContent = label;
    button.setAttribute("aria-label", ariaLabel);
    button.addEventListener("click", function () {
      copyText(copy.text()).then(function () {
        button.textContent = copy.shown;
        SG.announce(copy.said);
        setTimeout(function () { button.textContent = label; }, 1500);
      }, function () { SG.announce(copy.failed); });
    });
    return button;
  };
  // The async clipboard API where allowed, else execCommand on a selected field (file://).
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }
  function fallbackCopy(text) {
    var field = document.createElement("textarea");
    field.value = text;
    field.readOnly = true;  // no on-screen keyboard on phones
    field.className = "visually-hidden";
    document.body.appendChild(field);
    field.select();
    var ok;
    try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
    field.remove();
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }
})(window.StudyGuide);
