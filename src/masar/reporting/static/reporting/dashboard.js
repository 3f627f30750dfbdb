/* Dashboard charts: each <canvas data-chart="ID"> is drawn from the JSON of
   <script type="application/json" id="chartdata-ID"> (json_script), with the vendored
   Chart.js. No inline script (CSP); right-to-left pages mirror the axes and legends. */
(function () {
  "use strict";
  var PALETTE = ["#0b6e4f", "#e0a458", "#2f6690", "#c2524a", "#7a5c99", "#3a7d44", "#b07d2b", "#5b7083"];

  function draw() {
    if (typeof window.Chart === "undefined") { return; }
    var dirNode = document.getElementById("reporting-dir");
    var rtl = !!(dirNode && dirNode.getAttribute("data-rtl") === "1");
    // Western digits unless the site asks for Arabic-Indic ones (MASAR_ARABIC_INDIC_DIGITS):
    // Intl formats "ar" numbers with Arabic-Indic digits by default.
    var arabicDigits = !!(dirNode && dirNode.getAttribute("data-arabic-digits") === "1");
    var locale = rtl ? (arabicDigits ? "ar-SA" : "ar-SA-u-nu-latn") : "en-GB";
    var font = getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.font.family = font;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var id = canvas.getAttribute("data-chart");
      var source = document.getElementById("chartdata-" + id);
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      // The canvas draws its text left to right: an ISO day ("2026-12-07") drawn in a
      // right-to-left canvas is reordered and its rotated label clipped ("-12-07"). The
      // axes are still mirrored for Arabic below (reverse x, y on the right).
      canvas.setAttribute("dir", "ltr");
      var round = spec.type === "doughnut";
      var datasets = spec.datasets.map(function (ds, i) {
        var colour = PALETTE[i % PALETTE.length];
        return {
          label: ds.label,
          data: ds.data,
          borderColor: round ? "#ffffff" : colour,
          backgroundColor: round ? spec.labels.map(function (_, j) { return PALETTE[j % PALETTE.length]; }) : colour,
          tension: 0.2,
          pointRadius: spec.type === "line" ? 2 : 0
        };
      });
      var options = {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: locale,
        plugins: {
          legend: { rtl: rtl, position: "bottom" },
          tooltip: { rtl: rtl }
        }
      };
      if (!round) {
        options.scales = {
          // "inner": the first and last day are drawn inside the chart, not cut at its edge
          // (reversed for Arabic, the last day sits at the left edge).
          x: { reverse: rtl, ticks: { autoSkip: true, maxRotation: 45, minRotation: 0, align: "inner" } },
          y: { beginAtZero: true, position: rtl ? "right" : "left" }
        };
      }
      var chart = new window.Chart(canvas, { type: spec.type, data: { labels: spec.labels, datasets: datasets }, options: options });
      var points = 0;
      datasets.forEach(function (ds) { ds.data.forEach(function (v) { points += Number(v) || 0; }); });
      canvas.setAttribute("data-drawn", String(points));
      canvas.chart = chart;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
