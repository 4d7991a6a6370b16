// Tables become cards on narrow screens (design.css, "table.stack"): each cell is labelled with
// its column's heading here, so the CSS can show the label above the value. Runs again after
// htmx swaps in a new table. Without this script, a wide table scrolls inside its own box.
(function () {
  "use strict";

  function label(table) {
    if (table.classList.contains("stack") || table.classList.contains("no-stack")) return;
    var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) return;
    var names = [];
    Array.prototype.forEach.call(head.cells, function (cell) {
      var span = cell.colSpan || 1;
      for (var i = 0; i < span; i += 1) names.push(cell.textContent.replace(/\s+/g, " ").trim());
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label") && (cell.colSpan || 1) === 1) {
            cell.setAttribute("data-label", names[column] || "");
          }
          column += cell.colSpan || 1;
        });
      });
    });
    table.classList.add("stack");
  }

  function labelAll(root) {
    (root || document).querySelectorAll("main table").forEach(label);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { labelAll(); });
  } else {
    labelAll();
  }
  document.addEventListener("htmx:afterSettle", function () { labelAll(); });
})();
