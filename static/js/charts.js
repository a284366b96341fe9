// Draws every chart on the page from its json_script payload (CONVENTIONS 5: no inline script).
// Each chart container names its payload element in data-chart-payload.
(function () {
  "use strict";

  function drawCharts() {
    var containers = document.querySelectorAll("[data-chart-payload]");
    Array.prototype.forEach.call(containers, function (container) {
      var source = document.getElementById(container.getAttribute("data-chart-payload"));
      if (!source) {
        return;
      }
      var payload = JSON.parse(source.textContent);
      window.Plotly.newPlot(container, payload.data, payload.layout, payload.config);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawCharts);
  } else {
    drawCharts();
  }
})();
