
/* reportkit review: an Edit button on each row; a change is sent to the server, which writes it to the
   overrides file and makes the index again; then the page reloads. Built with DOM calls only (values go in
   as text, never as markup). */
(function () {
  var data = JSON.parse(document.getElementById("rk-data").textContent);
  var table = document.getElementById("chronology");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var byPage = rows.slice().sort(function (a, b) { return Number(a.dataset.first) - Number(b.dataset.first); });
  var saving = false;
  var KEEP = "rk-review-state";
  function named(r) {
    var d = r.dataset, first = Number(d.first), last = Number(d.last);
    return r.id + " (" + (last > first ? "pp. " + first + "–" + last : "p. " + first) + ", " +
      d.type.replace(/_/g, " ") + ", " + (d.date || "undated") + ")";
  }

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
  var undo = el("p", { id: "rk-undo", className: "rk-banner", hidden: !data.undo });
  if (data.undo) {
    var undoButton = el("button", { id: "rk-undo-button", type: "button" }, ["Undo the last change"]);
    var undoMessage = el("span", { id: "rk-undo-message", className: "warn", role: "alert" });
    undo.replaceChildren(undoButton, " (" + data.undo + ") ", undoMessage);
    undoButton.addEventListener("click", function () {
      undoMessage.textContent = "Undoing and indexing again…";
      send("undo", { version: data.version }, undoButton, undoMessage, "undone",
           function (answer) { keep(null, 0, answer.undone); });
    });
  }
  document.body.insertBefore(undo, document.body.firstChild);
  document.body.insertBefore(stale, document.body.firstChild);
  document.body.insertBefore(banner, document.body.firstChild);

  var dialog = el("dialog", { id: "rk-edit" });
  document.body.appendChild(dialog);

  function open(row) {
    var d = row.dataset, first = Number(d.first), last = Number(d.last);
    var types = data.doc_types.map(function (t) { return [t, t.replace(/_/g, " ")]; });
    var splits = [["", "(no split)"]];
    for (var p = first + 1; p <= last; p += 1) { splits.push([String(p), "page " + p + " starts another document"]); }
    var dups = [["", d.dup ? "(as it is: a duplicate of " + d.dup + ")" : "(as it is: not a duplicate)"]];
    if (d.dup) { dups.push(["none", "not a duplicate"]); }
    byPage.forEach(function (r) { if (r !== row && r.id !== d.dup) { dups.push([r.id, "duplicate of " + named(r)]); } });
    var next = byPage[byPage.indexOf(row) + 1];
    var f = {
      doc_type: select("rk-type", types, d.type),
      date: el("input", { id: "rk-date", type: "date", value: d.date }),
      provider: el("input", { id: "rk-provider", type: "text", value: d.provider, size: 40 }),
      facility: el("input", { id: "rk-facility", type: "text", value: d.facility, size: 40 }),
      title: el("input", { id: "rk-title", type: "text", value: d.title, size: 40 })
    };
    var split = select("rk-split", splits, "");
    var merge = el("input", { id: "rk-merge", type: "checkbox", disabled: !next });
    var dup = select("rk-dup", dups, "");
    var confirm = el("input", { id: "rk-confirm", type: "checkbox" });
    var message = el("p", { id: "rk-message", className: "warn", role: "alert" });
    var save = el("button", { id: "rk-save", type: "submit" }, ["Save"]);
    var cancel = el("button", { type: "button" }, ["Cancel"]);
    var form = el("form", { method: "dialog" }, [
      el("h2", {}, ["Correct " + row.id + (last > first ? " (pages " + first + "–" + last + ")" : " (page " + first + ")")]),
      labelled("Type", f.doc_type), labelled("Date", f.date), labelled("Provider", f.provider),
      labelled("Facility", f.facility), labelled("Title", f.title),
      labelled("Split", split),
      labelled(next ? "Merge with the next document by page, " + named(next) : "Merge (no document follows)", merge),
      labelled("Duplicate", dup)
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
      message.textContent = "Saving and indexing again…";
      send("edit", change, save, message, "saved", function (answer) { keep(row.id, answer.saved); });
    });
    dialog.replaceChildren(form);
    dialog.showModal();
  }

  /* POST a change (or an undo) to the server; on success remember the page's state and reload, else say why
     in ``message`` ("not saved", "nothing was undone"...) and let ``button`` be pressed again. */
  function send(route, body, button, message, what, done) {
    saving = true;
    button.disabled = true;
    fetch(route, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (answer) { return [r.status, answer]; }); })
      .then(function (answer) {
        if (answer[0] === 200) { done(answer[1]); location.reload(); return; }
        saving = false; button.disabled = false;
        message.textContent = answer[1].error || "The change was not " + what + ".";
        if (answer[0] === 409) { stale.hidden = false; }
      })
      .catch(function () {
        saving = false; button.disabled = false;
        message.textContent = "The review server does not answer (stopped?): nothing was " + what + ".";
      });
  }

  function keep(id, saved, undone) {  /* the filters and the place on the page, across the reload that shows it */
    var state = { id: id, saved: saved, undone: undone || "", y: window.scrollY, fields: {} };
    ["f-type", "f-provider", "f-from", "f-to"].forEach(function (f) { state.fields[f] = document.getElementById(f).value; });
    state.review = document.getElementById("f-review").checked;
    sessionStorage.setItem(KEEP, JSON.stringify(state));
  }
  function restore() {
    var raw = sessionStorage.getItem(KEEP);
    if (!raw) { return; }
    sessionStorage.removeItem(KEEP);
    var state = JSON.parse(raw);
    Object.keys(state.fields).forEach(function (f) {
      var input = document.getElementById(f);
      input.value = state.fields[f];
      input.dispatchEvent(new Event("change"));
    });
    var box = document.getElementById("f-review");
    if (box.checked !== state.review) { box.click(); }
    window.scrollTo(0, state.y);
    banner.textContent = (state.undone ? "Undone: " + state.undone + "; the index was made again." :
      state.saved ? "Saved to " + data.overrides + "; the index was made again." :
      "Nothing to save: the values were already so.") + " Each change is saved as you make it.";
  }

  rows.forEach(function (row) {
    var button = el("button", { type: "button", className: "rk-open", title: "Correct this document" }, ["Edit"]);
    button.addEventListener("click", function () { open(row); });
    row.cells[0].appendChild(el("br"));
    row.cells[0].appendChild(button);
  });

  restore();
  setInterval(function () {
    if (saving) { return; }
    fetch("version").then(function (r) { return r.json(); }).then(function (v) {
      if (v.version !== data.version) { stale.hidden = false; }
    }).catch(function () { banner.textContent = "The review server has stopped: changes cannot be saved."; });
  }, 3000);
}());
