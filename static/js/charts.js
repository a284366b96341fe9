// Runs each chart's toolbar (chart/table toggle, and the PNG download of a browser-drawn chart), and
// draws every bar chart the server has not drawn from its json_script payload with plotly.js (no inline
// script: the Content-Security-Policy allows scripts from our origin only). A server-drawn chart is an
// <img> of its SVG and the page loads no plotly.js; a browser-drawn container names its payload element
// in data-chart-payload. The toolbar buttons name their chart's container id.
(function () {
  "use strict";

  // Paper width (px) a chart is laid out for when printed: half of A4 less the page margins in
  // portal.css, two charts a row (the builders fit labels and notes to a phone's width, about as wide).
  var PRINT_WIDTH = 330;

  function charts() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-chart-payload]"));
  }

  // The SVG drawing is one image named by the figure's caption; plotly's other layers
  // (hover labels, the empty mode bar) are hidden from assistive technology, not the container,
  // so the toolbar next to it stays reachable.
  function describe(container) {
    var svgs = container.querySelectorAll("svg.main-svg");
    Array.prototype.forEach.call(svgs, function (svg, index) {
      if (index === 0) {
        svg.setAttribute("role", "img");
        svg.setAttribute("aria-labelledby", container.id + "-title");
      } else {
        svg.setAttribute("aria-hidden", "true");
      }
    });
  }

  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-chart-payload"));
    if (!source) {
      return;
    }
    var payload = JSON.parse(source.textContent);
    window.Plotly.newPlot(container, payload.data, payload.layout, payload.config).then(function () {
      describe(container);
      container.setAttribute("data-chart-drawn", "true");
      var tools = document.querySelectorAll(
        '[data-chart-toggle="' + container.id + '"], [data-chart-png="' + container.id + '"]'
      );
      Array.prototype.forEach.call(tools, function (tool) {
        tool.hidden = false;
      });
    });
  }

  function toggle(button) {
    var container = document.getElementById(button.getAttribute("data-chart-toggle"));
    var table = document.getElementById(container.id + "-table");
    var showTable = button.getAttribute("aria-pressed") !== "true";
    var label = button.getAttribute("data-label-chart");
    button.setAttribute("data-label-chart", button.textContent);
    button.textContent = label;
    button.setAttribute("aria-pressed", showTable ? "true" : "false");
    table.hidden = !showTable;
    container.hidden = showTable;
    if (!showTable && container.hasAttribute("data-chart-payload")) {
      window.Plotly.Plots.resize(container);
    }
  }

  function downloadPng(button) {
    var container = document.getElementById(button.getAttribute("data-chart-png"));
    window.Plotly.downloadImage(container, {
      format: "png",
      filename: button.getAttribute("data-filename"),
      width: container._fullLayout.width,
      height: container._fullLayout.height,
      scale: 2,
    });
  }

  function relayoutAll(update) {
    charts().forEach(function (container) {
      if (container.getAttribute("data-chart-drawn")) {
        window.Plotly.relayout(container, update);
      }
    });
  }

  // A server-drawn chart needs no drawing: its table toggle works at once.
  function showImageTools() {
    var images = document.querySelectorAll(".chart-image[id]");
    Array.prototype.forEach.call(images, function (container) {
      var toggle = document.querySelector('[data-chart-toggle="' + container.id + '"]');
      if (toggle) {
        toggle.hidden = false;
      }
    });
  }

  function start() {
    showImageTools();
    if (window.Plotly) {
      charts().forEach(draw);
    }
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-chart-toggle], [data-chart-png]");
      if (!button) {
        return;
      }
      if (button.hasAttribute("data-chart-toggle")) {
        toggle(button);
      } else {
        downloadPng(button);
      }
    });
    // Screen-sized charts would overflow or shrink on paper: lay them out for the page, then back
    // (a server-drawn chart is an image that portal.css fits to the column).
    window.addEventListener("beforeprint", function () {
      relayoutAll({ width: PRINT_WIDTH, autosize: false });
    });
    window.addEventListener("afterprint", function () {
      relayoutAll({ width: null, autosize: true });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
