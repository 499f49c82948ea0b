// The semantic map: a click on a case's point opens the case. Keyboards and screen readers
// reach the same cases through the links in the table under the map.
(function () {
  "use strict";
  document.querySelectorAll(".datalab-map [data-url]").forEach(function (point) {
    point.addEventListener("click", function () {
      var url = point.getAttribute("data-url");
      if (url.charAt(0) === "/" && url.charAt(1) !== "/") {
        window.location.href = url; // this site's own pages only
      }
    });
  });
})();
