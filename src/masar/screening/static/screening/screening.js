// Keyboard use of the analysts' pages (no inline script: the CSP allows only this file).
//   Review page:  f  false positive   t  true match   j / k  next / previous hit
//                 Ctrl+Enter (or Cmd+Enter)  record the decision
//   Queue page:   j / k  next / previous review (Enter opens it, as any link)
(function () {
  "use strict";

  function typing(target) {
    if (!target) return false;
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  function moveFocus(items, step) {
    if (!items.length) return;
    var index = items.indexOf(document.activeElement);
    var next = index === -1 ? (step > 0 ? 0 : items.length - 1) : index + step;
    if (next < 0 || next >= items.length) return;
    items[next].focus();
    items[next].scrollIntoView({ block: "nearest" });
  }

  function showFieldsFor(form) {
    var chosen = form.querySelector("input[name=decision]:checked");
    var blocks = form.querySelectorAll("[data-for-decision]");
    for (var i = 0; i < blocks.length; i++) {
      var block = blocks[i];
      // Without a choice both stay visible: the page works without this script too.
      block.hidden = chosen ? block.getAttribute("data-for-decision") !== chosen.value : false;
    }
  }

  function choose(form, value) {
    var radio = form.querySelector("input[name=decision][value=" + value + "]");
    if (!radio) return;
    radio.checked = true;
    showFieldsFor(form);
    var field = form.querySelector(value === "false_positive" ? "textarea[name=reason]" : "select[name=reason_code]");
    if (field) field.focus();
  }

  function reviewPage(form) {
    showFieldsFor(form);
    form.addEventListener("change", function (event) {
      if (event.target && event.target.name === "decision") showFieldsFor(form);
    });
    document.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        form.requestSubmit ? form.requestSubmit() : form.submit();
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
      var hits = Array.prototype.slice.call(document.querySelectorAll("[data-hit]"));
      if (event.key === "f") { event.preventDefault(); choose(form, "false_positive"); }
      else if (event.key === "t") { event.preventDefault(); choose(form, "true_match"); }
      else if (event.key === "j") { event.preventDefault(); moveFocus(hits, 1); }
      else if (event.key === "k") { event.preventDefault(); moveFocus(hits, -1); }
    });
  }

  function queuePage(table) {
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
      var links = Array.prototype.slice.call(table.querySelectorAll("[data-row-link]"));
      if (event.key === "j") { event.preventDefault(); moveFocus(links, 1); }
      else if (event.key === "k") { event.preventDefault(); moveFocus(links, -1); }
    });
  }

  function start() {
    var form = document.getElementById("decision-form");
    if (form) reviewPage(form);
    var table = document.querySelector("[data-keyboard-list]");
    if (table) queuePage(table);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
