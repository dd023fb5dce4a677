// Small enhancements only: every page works without this file.
(function () {
  "use strict";
  // Submit a filter form as soon as a select changes, keeping the explicit
  // button for keyboard users who prefer it.
  document.querySelectorAll("form.filters select").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
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
