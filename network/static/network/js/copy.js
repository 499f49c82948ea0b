/* Copy buttons: <button data-copy-target="ID" data-copied="…" data-copy-failed="…" hidden>.
   The address stays in a visible, selectable field; without JavaScript (or a clipboard) the
   button stays hidden. The outcome is announced in the element [data-copy-status] next to it. */
(function () {
  "use strict";

  function announce(button, text) {
    var status = button.parentNode.querySelector("[data-copy-status]");
    if (status) {
      status.textContent = "";
      // A fresh text node each time, so the same word is announced again on a second copy.
      window.setTimeout(function () { status.textContent = text; }, 50);
    }
  }

  function init() {
    if (!navigator.clipboard || !window.isSecureContext) {
      return;
    }
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      var field = document.getElementById(button.getAttribute("data-copy-target"));
      if (!field) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(
          function () { announce(button, button.getAttribute("data-copied")); },
          function () {
            field.select();
            announce(button, button.getAttribute("data-copy-failed"));
          }
        );
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
