// Small enhancements only: every page works without this file.
(function () {
  "use strict";
  // Submit a filter form as soon as a select changes, keeping the explicit
  // button for keyboard users who prefer it. A form navigates once: a click
  // on the button after the select's own submit would start a second
  // navigation that replaces the first page while the user types in it.
  document.querySelectorAll("form.filters").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (form.dataset.sent) { e.preventDefault(); return; }
      form.dataset.sent = "1";
    });
    form.querySelectorAll("select").forEach(function (sel) {
      sel.addEventListener("change", function () {
        if (form.dataset.sent) return;
        form.dataset.sent = "1";
        form.submit();
      });
    });
  });
  // Coming back through the history restores the page as it was left, sent
  // flag included; the form must work again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form.filters").forEach(function (form) { delete form.dataset.sent; });
  });
  // Filter the league table while typing, without a round trip; the form
  // still submits ?q= for a server-side search.
  var q = document.getElementById("f-q");
  var table = document.getElementById("league");
  var shown = document.getElementById("shown");
  if (q && table) {
    q.addEventListener("input", function () {
      var needle = q.value.trim().toLowerCase();
      var n = 0;
      table.querySelectorAll("tbody tr[data-iso]").forEach(function (tr) {
        var name = tr.cells[1].textContent.toLowerCase();
        var ok = needle === "" || name.indexOf(needle) >= 0;
        tr.hidden = !ok;
        if (ok) n++;
      });
      if (shown) shown.firstChild.textContent = "Показано: " + n + " из " + shown.dataset.total + ". ";
    });
  }
})();
