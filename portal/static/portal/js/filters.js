/* Facet filters sit in <details data-filter-panel>: closed on narrow screens so the results
   come first, opened here on wide screens where they fit beside the results (the summary is
   then hidden by erfa.css). Without JavaScript the disclosure simply starts closed. */
(function () {
  "use strict";

  var WIDE = "(min-width: 52.01rem)";

  function init() {
    var panels = document.querySelectorAll("[data-filter-panel]");
    if (!panels.length || !window.matchMedia) {
      return;
    }
    var wide = window.matchMedia(WIDE);
    function apply() {
      panels.forEach(function (panel) {
        panel.classList.toggle("filter-panel--wide", wide.matches);
        if (wide.matches) {
          panel.open = true;
        }
      });
    }
    apply();
    if (wide.addEventListener) {
      wide.addEventListener("change", apply);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
