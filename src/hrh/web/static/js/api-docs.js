/* Start Swagger UI (vendored in /static/vendor/swagger-ui) on the schema named by the page.
   Loaded as a file, not inline, so the Content-Security-Policy can forbid inline scripts. */
"use strict";
(function () {
  function start() {
    var node = document.getElementById("swagger-ui");
    if (!node || typeof window.SwaggerUIBundle !== "function") {
      return;
    }
    window.ui = window.SwaggerUIBundle({
      url: node.getAttribute("data-openapi-url"),
      domNode: node,
      deepLinking: true,
      validatorUrl: null, // never ask validator.swagger.io: nothing leaves this server
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
