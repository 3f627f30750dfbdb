// "Select every application on this page": the header checkbox ticks or clears the rows'
// boxes of the same form; it shows "mixed" when only some are ticked. Without this
// script each row is ticked by hand.
(function () {
  "use strict";
  function rows(master) {
    var form = master.form;
    if (!form) return [];
    return Array.prototype.slice.call(
      form.querySelectorAll("input[type=checkbox][name=" + master.dataset.selectAll + "]")
    );
  }
  function sync(master) {
    var boxes = rows(master);
    var ticked = boxes.filter(function (b) { return b.checked; }).length;
    master.checked = boxes.length > 0 && ticked === boxes.length;
    master.indeterminate = ticked > 0 && ticked < boxes.length;
  }
  function start() {
    document.querySelectorAll("input[data-select-all]").forEach(function (master) {
      master.addEventListener("change", function () {
        rows(master).forEach(function (b) { b.checked = master.checked; });
      });
      rows(master).forEach(function (b) { b.addEventListener("change", function () { sync(master); }); });
      sync(master);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
