// Draws each chart from the figure JSON the server embedded next to it. Without this
// script (or without JavaScript) the tables below the charts hold the same data.
(function () {
  "use strict";
  if (!window.Plotly) {
    return;
  }
  var config = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
  document.querySelectorAll("[data-figure]").forEach(function (element) {
    var source = document.getElementById(element.dataset.figure);
    if (!source) {
      return;
    }
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
      // The figure's label names the chart and points to the table beside it; the SVG's
      // axis ticks and labels, read one by one, would only be noise to a screen reader. The
      // mode bar's buttons stay reachable (a role="img" around them would hide them).
      element.querySelectorAll("svg.main-svg").forEach(function (svg) {
        svg.setAttribute("aria-hidden", "true");
      });
      element.classList.add("datalab-figure--drawn");
    });
    if (element.hasAttribute("data-clickable")) {
      element.on("plotly_click", function (event) {
        var url = event.points.length && event.points[0].customdata;
        if (url) {
          window.location.href = url;
        }
      });
    }
  });
})();
