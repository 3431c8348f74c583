/* Starts Swagger UI on the API documentation page (kept out of the HTML for the CSP). */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") { return; }
  document.querySelectorAll(".api-docs-fallback").forEach(function (el) { el.hidden = true; });
  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    deepLinking: false,
    validatorUrl: null,
    tryItOutEnabled: false
  });
}());
