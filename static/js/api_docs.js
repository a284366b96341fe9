// Draws the API documentation from the schema URL the page names (no inline script: the CSP allows none).
(function () {
  "use strict";
  var target = document.getElementById("swagger-ui");
  if (!target || typeof SwaggerUIBundle === "undefined") {
    return;
  }
  SwaggerUIBundle({
    url: target.getAttribute("data-schema-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    // The schema is read from this site only; no validator badge that would call out.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
  });
})();
