// Keyboard use of the hotel front desk (as the border desk) (no inline script: the CSP allows only this file).
//   Enter        in the scan field: check (a lone first MRZ line gets its line break instead,
//                as a scanner types line 1, Enter, line 2, Enter); Shift+Enter: a new line
//   Enter        after a verdict the record button has the focus: record
//   Ctrl+Enter   record, wherever the focus is
//   Esc          clear the verdict and the scan field, focus it for the next passport
//   Alt+I / Alt+O  check-in / check-out (by key position, so an Arabic layout works too)
// Without this script the page works as plain forms.
(function () {
  "use strict";

  var MRZ_LINE = /^[A-Z0-9<]{44}$/;

  function scanField() { return document.getElementById("id_scan"); }
  function verdictArea() { return document.getElementById("verdict"); }

  function submit(form) {
    if (!form) return;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  function clearVerdict() {
    var area = verdictArea();
    if (area) area.innerHTML = "";
  }

  function focusScan(clear) {
    var field = scanField();
    if (!field) return;
    if (clear) field.value = "";
    field.focus();
  }

  // Unread input stays visible but selected: the next scan replaces it.
  function selectScan() {
    var field = scanField();
    if (!field) return;
    field.focus();
    field.select();
  }

  function chooseDirection(value) {
    var radio = document.querySelector("#check-form input[name=kind][value=" + value + "]");
    if (!radio || radio.checked) return;
    radio.checked = true;
    clearVerdict();
  }

  function onScanEnter(event) {
    var field = event.target;
    if (event.shiftKey) return; // a new line, as typed
    var lines = field.value.toUpperCase().split(/\r?\n/).filter(function (l) { return l.trim() !== ""; });
    var onlyFirstMrzLine = lines.length === 1 && MRZ_LINE.test(lines[0].replace(/\s+/g, ""));
    if (onlyFirstMrzLine) return; // let the scanner's line break in; the second line follows
    event.preventDefault();
    submit(document.getElementById("check-form"));
  }

  function start() {
    var form = document.getElementById("check-form");
    if (!form) return;
    var field = scanField();

    field.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.ctrlKey && !event.metaKey && !event.altKey) onScanEnter(event);
    });
    form.addEventListener("change", function (event) {
      if (event.target && (event.target.name === "kind")) clearVerdict();
    });

    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        clearVerdict();
        focusScan(true);
        return;
      }
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        var record = document.getElementById("record-form");
        if (record) { event.preventDefault(); submit(record); }
        return;
      }
      if (event.altKey && !event.ctrlKey && !event.metaKey) {
        if (event.code === "KeyI") { event.preventDefault(); chooseDirection("check_in"); focusScan(false); }
        else if (event.code === "KeyO") { event.preventDefault(); chooseDirection("check_out"); focusScan(false); }
      }
    });

    // After htmx puts a verdict in: the record button takes the focus (Enter records);
    // after a record: the scan field is emptied and focused for the next passport.
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.target !== verdictArea()) return;
      var area = verdictArea();
      if (area.querySelector("[data-recorded]")) { focusScan(true); return; }
      if (area.querySelector("[data-not-read]")) { selectScan(); return; }
      var next = area.querySelector("[data-focus]");
      if (next) next.focus(); else focusScan(false);
    });

    // Without htmx (full page answer) the same focus rules apply on load.
    var area = verdictArea();
    if (area && area.querySelector("[data-recorded]")) focusScan(true);
    else if (area && area.querySelector("[data-not-read]")) selectScan();
    else if (area && area.querySelector("[data-focus]")) area.querySelector("[data-focus]").focus();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
