// Swagger UI over this deployment's own OpenAPI document; the assets are served from the
// swagger-ui-bundle package (no CDN: the docs work on an intranet, and no third party sees staff).
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
