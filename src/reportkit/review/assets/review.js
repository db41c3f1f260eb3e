
/* reportkit review: an Edit button on each row; a change is sent to the server, which writes it to the
   overrides file and makes the index again; then the page reloads. Built with DOM calls only (values go in
   as text, never as markup). */
(function () {
  var data = JSON.parse(document.getElementById("rk-data").textContent);
  var table = document.getElementById("chronology");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var ids = rows.map(function (r) { return r.id; });
  var saving = false;

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) { node[k] = props[k]; });
    (children || []).forEach(function (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function labelled(text, input) { return el("label", {}, [text + " ", input]); }
  function select(id, values, current) {
    var s = el("select", { id: id });
    values.forEach(function (v) {
      var o = el("option", { value: v[0] }, [v[1]]);
      if (v[0] === current) { o.selected = true; }
      s.appendChild(o);
    });
    return s;
  }

  var banner = el("p", { id: "rk-banner", className: "rk-banner" },
    ["Review mode: each change is saved to " + data.overrides + " and the index is made again."]);
  var stale = el("p", { id: "rk-stale", className: "rk-stale", hidden: true },
    ["This page is out of date: the index or " + data.overrides + " changed (another tab, or an edit by hand). " +
     "Reload before changing anything."]);
  document.body.insertBefore(stale, document.body.firstChild);
  document.body.insertBefore(banner, document.body.firstChild);

  var dialog = el("dialog", { id: "rk-edit" });
  document.body.appendChild(dialog);

  function open(row) {
    var d = row.dataset, first = Number(d.first), last = Number(d.last);
    var types = data.doc_types.map(function (t) { return [t, t.replace(/_/g, " ")]; });
    var splits = [["", "(no split)"]];
    for (var p = first + 1; p <= last; p += 1) { splits.push([String(p), "page " + p + " starts another document"]); }
    var dups = [["", d.dup ? "(keep: duplicate of " + d.dup + ")" : "(not a duplicate)"]];
    if (d.dup) { dups.push(["none", "not a duplicate"]); }
    ids.forEach(function (i) { if (i !== row.id && i !== d.dup) { dups.push([i, "duplicate of " + i]); } });
    var f = {
      doc_type: select("rk-type", types, d.type),
      date: el("input", { id: "rk-date", type: "date", value: d.date }),
      provider: el("input", { id: "rk-provider", type: "text", value: d.provider, size: 40 }),
      facility: el("input", { id: "rk-facility", type: "text", value: d.facility, size: 40 }),
      title: el("input", { id: "rk-title", type: "text", value: d.title, size: 40 })
    };
    var split = select("rk-split", splits, "");
    var merge = el("input", { id: "rk-merge", type: "checkbox", disabled: row === rows[rows.length - 1] });
    var dup = select("rk-dup", dups, "");
    var confirm = el("input", { id: "rk-confirm", type: "checkbox" });
    var message = el("p", { id: "rk-message", className: "warn", role: "alert" });
    var save = el("button", { id: "rk-save", type: "submit" }, ["Save"]);
    var cancel = el("button", { type: "button" }, ["Cancel"]);
    var form = el("form", { method: "dialog" }, [
      el("h2", {}, ["Correct " + row.id + (last > first ? " (pages " + first + "–" + last + ")" : " (page " + first + ")")]),
      labelled("Type", f.doc_type), labelled("Date", f.date), labelled("Provider", f.provider),
      labelled("Facility", f.facility), labelled("Title", f.title),
      labelled("Split", split), labelled("Merge with the next document", merge), labelled("Duplicate", dup)
    ]);
    if (d.other === "1") { form.appendChild(labelled("Belongs to this case (confirm the patient)", confirm)); }
    form.appendChild(message);
    form.appendChild(el("p", {}, [save, " ", cancel]));
    cancel.addEventListener("click", function () { dialog.close(); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var was = { doc_type: d.type, date: d.date, provider: d.provider, facility: d.facility, title: d.title };
      var fields = {};
      Object.keys(f).forEach(function (k) {
        var v = f[k].value.trim();
        if (v !== was[k]) { fields[k] = v === "" ? null : v; }
      });
      var change = {
        version: data.version, doc: row.id, first: first, last: last, fields: fields,
        split_at: split.value ? Number(split.value) : null, merge_next: merge.checked,
        duplicate_of: dup.value || null, confirm_patient: confirm.checked
      };
      saving = true;
      save.disabled = true;
      message.textContent = "Saving and indexing again…";
      fetch("edit", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(change) })
        .then(function (r) { return r.json().then(function (body) { return [r.status, body]; }); })
        .then(function (answer) {
          if (answer[0] === 200) { location.reload(); return; }
          saving = false; save.disabled = false;
          message.textContent = answer[1].error || "The change was not saved.";
          if (answer[0] === 409) { stale.hidden = false; }
        })
        .catch(function () {
          saving = false; save.disabled = false;
          message.textContent = "The review server does not answer (stopped?): nothing was saved.";
        });
    });
    dialog.replaceChildren(form);
    dialog.showModal();
  }

  rows.forEach(function (row) {
    var button = el("button", { type: "button", className: "rk-open", title: "Correct this document" }, ["Edit"]);
    button.addEventListener("click", function () { open(row); });
    row.cells[0].appendChild(el("br"));
    row.cells[0].appendChild(button);
  });

  setInterval(function () {
    if (saving) { return; }
    fetch("version").then(function (r) { return r.json(); }).then(function (v) {
      if (v.version !== data.version) { stale.hidden = false; }
    }).catch(function () { banner.textContent = "The review server has stopped: changes cannot be saved."; });
  }, 3000);
}());
