/* Error summaries (templates/includes/error_summary.html): the box takes the focus when the
   page loads, so keyboard and screen-reader users hear what went wrong first; a link in it
   moves the focus to the field it is about. A static file: the CSP allows no inline script. */
(function () {
  "use strict";

  function init() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      return;
    }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) {
        return;
      }
      var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!target) {
        return;
      }
      event.preventDefault();
      var holder = target.closest("fieldset") || target.closest(".field") || target;
      holder.scrollIntoView();
      target.focus({ preventScroll: true });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
