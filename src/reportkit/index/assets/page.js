"use strict";
(function () {
  var table = document.getElementById("chronology");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var order = rows.slice();
  var field = function (id) { return document.getElementById(id); };
  function apply() {
    var type = field("f-type").value, who = field("f-provider").value;
    var from = field("f-from").value, to = field("f-to").value, review = field("f-review").checked;
    var shown = 0;
    var list = review ? order.slice().sort(function (a, b) {
      return Number(a.dataset.rank) - Number(b.dataset.rank) || Number(a.dataset.sure) - Number(b.dataset.sure) ||
        Number(a.dataset.n) - Number(b.dataset.n);
    }) : order;
    list.forEach(function (row) {
      var d = row.dataset, ok = (!type || d.type === type) && (!who || d.provider === who) &&
        (!from || (d.date && d.date >= from)) && (!to || (d.date && d.date <= to)) &&
        (!review || d.review === "1");
      row.hidden = !ok; if (ok) { shown += 1; } body.appendChild(row);
    });
    field("shown").textContent = shown + " of " + rows.length + " rows shown";
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    var button = th.querySelector("button");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var down = th.getAttribute("aria-sort") === "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", down ? "descending" : "ascending");
      order = rows.slice().sort(function (a, b) {
        var x = a.cells[col].dataset.key || a.cells[col].textContent;
        var y = b.cells[col].dataset.key || b.cells[col].textContent;
        var c = x < y ? -1 : x > y ? 1 : Number(a.dataset.n) - Number(b.dataset.n);
        return down ? -c : c;
      });
      apply();
    });
  });
  ["f-type", "f-provider", "f-from", "f-to", "f-review"].forEach(function (id) {
    field(id).addEventListener("input", apply); field(id).addEventListener("change", apply);
  });
  apply();
}());
