// A choropleth of regencies (or provinces): the boundaries and the values are both served by Sinergi, no tiles.
// Every value is also written in the table below the map, so the map is never read from colour alone.
(function () {
  "use strict";
  var CLASSES = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"];

  function classOf(value, max) {
    if (!value) { return 0; }
    return Math.min(CLASSES.length - 1, 1 + Math.floor((value / (max + 1)) * (CLASSES.length - 1)));
  }

  function text(tag, content, className) {
    var node = document.createElement(tag);
    node.textContent = content;
    if (className) { node.className = className; }
    return node;
  }

  function drawTable(container, rows, legend) {
    var table = document.createElement("table");
    table.className = "list";
    var caption = text("caption", legend);
    table.appendChild(caption);
    var head = document.createElement("tr");
    head.appendChild(text("th", container.dataset.regionLabel || "Wilayah"));
    head.appendChild(text("th", legend));
    var thead = document.createElement("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var body = document.createElement("tbody");
    rows.forEach(function (row) {
      var tr = document.createElement("tr");
      tr.dataset.region = row.code;
      tr.appendChild(text("td", row.name + " (" + row.code + ")"));
      tr.appendChild(text("td", row.detail));
      body.appendChild(tr);
    });
    table.appendChild(body);
    container.replaceChildren(table);
  }

  function start(element) {
    var boundaries = fetch(element.dataset.boundaries, { credentials: "same-origin" }).then(function (r) { return r.json(); });
    var values = fetch(element.dataset.values, { credentials: "same-origin" }).then(function (r) { return r.json(); });
    Promise.all([boundaries, values]).then(function (loaded) {
      var geo = loaded[0], data = loaded[1], regions = data.regions || {};
      var max = 0;
      Object.keys(regions).forEach(function (code) { max = Math.max(max, regions[code].value || 0); });
      var map = L.map(element, { zoomSnap: 0.25, attributionControl: true });
      map.attributionControl.setPrefix(false);
      map.attributionControl.addAttribution("Batas: cahyadsn/wilayah_boundaries (MIT)");
      var rows = [];
      var layer = L.geoJSON(geo, {
        style: function (feature) {
          var row = regions[feature.properties.kode];
          return { color: "#555", weight: 0.5, fillOpacity: 0.85, fillColor: CLASSES[classOf(row ? row.value : 0, max)] };
        },
        onEachFeature: function (feature, shape) {
          var row = regions[feature.properties.kode];
          var detail = row ? String(row.value) + (row.last ? " · " + element.dataset.lastLabel + " " + row.last : "") + (row.spike ? " ⚠ " + row.spike : "")
            : element.dataset.emptyLabel;
          shape.bindTooltip(feature.properties.nama + ": " + detail, { sticky: true });
          if (row) { rows.push({ code: feature.properties.kode, name: feature.properties.nama, detail: detail, value: row.value }); }
        }
      }).addTo(map);
      var focus = element.dataset.focus ? layer.getLayers().filter(function (shape) {
        return shape.feature.properties.kode.indexOf(element.dataset.focus) === 0;
      }) : [];
      var bounds = focus.length ? L.featureGroup(focus).getBounds() : layer.getBounds();
      map.fitBounds(bounds);
      element.dataset.ready = "true";
      var table = element.parentNode.querySelector(".choropleth-table");
      if (table) {
        rows.sort(function (a, b) { return b.value - a.value; });
        drawTable(table, rows, data.legend || "");
      }
    }).catch(function () {
      element.replaceChildren(text("p", element.dataset.errorLabel || "Peta tidak dapat dimuat.", "msg msg-error"));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".choropleth").forEach(start);
  });
})();
