// The graph of one group, drawn by the vendored Cytoscape.js from the JSON the page names. Kinds differ by
// shape as well as colour; a click opens the entity's page (its cases and posts).
(function () {
  "use strict";
  var SHAPES = {
    "case": ["rectangle", "#1f4e79"], "person": ["ellipse", "#2e7d32"], "phone": ["diamond", "#b35900"],
    "handle": ["triangle", "#6a1b9a"], "contact": ["triangle", "#6a1b9a"], "org": ["hexagon", "#8b0000"],
    "post": ["round-rectangle", "#555555"], "bank": ["star", "#9e7c00"], "address": ["pentagon", "#00695c"]
  };

  function start(element) {
    fetch(element.dataset.elements, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var graph = cytoscape({
          container: element,
          elements: data.elements,
          layout: { name: data.elements.length > 600 ? "grid" : "cose", animate: false, randomize: false },
          wheelSensitivity: 0.3,
          style: [
            { selector: "node", style: {
              "label": "data(label)", "font-size": 9, "text-valign": "bottom", "text-margin-y": 3,
              "width": 18, "height": 18, "border-width": 1, "border-color": "#222",
              "shape": function (node) { return (SHAPES[node.data("kind")] || ["ellipse"])[0]; },
              "background-color": function (node) { return (SHAPES[node.data("kind")] || [0, "#777"])[1]; }
            } },
            { selector: "edge", style: { "width": 1, "line-color": "#999" } },
            { selector: "node:selected", style: { "border-width": 3, "border-color": "#000" } }
          ]
        });
        graph.on("tap", "node", function (event) {
          window.location.href = element.dataset.nodeUrl + "?key=" + encodeURIComponent(event.target.id());
        });
        element.dataset.ready = "true";
        element.dataset.nodes = String(graph.nodes().length);
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".network[data-elements]").forEach(start);
  });
})();
