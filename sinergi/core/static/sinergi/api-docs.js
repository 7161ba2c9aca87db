// Starts Swagger UI on the API documentation page (a static file, so the CSP can forbid inline scripts).
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle === "undefined") return;
  var csrfHeader = root.dataset.csrfHeader;
  var csrfToken = root.dataset.csrfToken;
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    domNode: root,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    persistAuthorization: false,
    displayRequestDuration: true,
    // Same-origin writes with the session cookie need Django's CSRF token, as the HTMX pages send it.
    requestInterceptor: function (request) {
      if (request.method && request.method !== "GET" && csrfToken) {
        request.headers[csrfHeader] = csrfToken;
      }
      return request;
    },
  });
});
