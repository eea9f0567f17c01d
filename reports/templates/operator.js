// The operator page of rig serve: renders the state the server pushes as
// server-sent events ("state": the whole state, on every change; the same
// JSON as /api/state). Everything a person sees is built here from that
// state, with textContent only, so a serial or a message is never markup.
"use strict";
(function () {
  var byId = function (id) { return document.getElementById(id); };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function pct(v) {
    return (v < 0 ? "\u2212" : "+") + Math.abs(v).toFixed(3) + " %";
  }

  function statusText(s) {
    if (s.status === "waiting") return "Waiting for a run";
    if (s.status === "running") return "Running";
    if (s.status === "done") return "Done: " + s.passed + " PASS, " + s.failed + " FAIL";
    return "Error";
  }

  function card(s, p) {
    var c = el("section", "pos");
    c.setAttribute("data-position", String(p.position));
    var head = el("div", "head");
    head.appendChild(el("span", "number", "Position " + p.position));
    head.appendChild(el("span", "model", p.model || ""));
    c.appendChild(head);
    c.appendChild(el("div", "serial", p.serial || "no serial"));
    if (p.verdict) {
      var pass = p.verdict === "PASS";
      c.className += pass ? " pass" : " fail";
      c.appendChild(el("div", "verdict " + (pass ? "pass" : "fail"), p.verdict));
      var detail = [];
      if (p.sealed !== null) detail.push(p.sealed ? "sealed" : "not sealed");
      if (p.worst_ratio !== null)
        detail.push("worst error " + p.worst_ratio.toFixed(2) + " of the limit");
      if (detail.length) c.appendChild(el("div", "detail", detail.join(" \u00b7 ")));
      if (!pass && p.first_failure)
        c.appendChild(el("div", "fails", "failed: " + p.first_failure));
      return c;
    }
    var step = p.step;
    if (!step) step = s.status === "running" ? "starting" : "waiting for a run";
    c.appendChild(el("div", "step", step));
    if (p.load_point) c.appendChild(el("div", "point", p.load_point));
    if (p.error_pct !== null) {
      var t = "error " + pct(p.error_pct);
      if (p.limit_pct !== null) t += " (limit \u00b1" + Math.abs(p.limit_pct).toFixed(3) + " %)";
      c.appendChild(el("div", "error", t));
    }
    if (p.worst_ratio !== null)
      c.appendChild(el("div", "worst", "worst so far " + p.worst_ratio.toFixed(2) + " of the limit"));
    if (p.failed_checks > 0)
      c.appendChild(el("div", "fails", p.failed_checks + " failed so far: " + p.first_failure));
    return c;
  }

  function render(s) {
    document.title = "Bench " + s.bench + ": " + statusText(s);
    byId("bench").textContent = "Bench " + s.bench;
    var st = byId("status");
    st.className = "status " + s.status;
    st.textContent = statusText(s);
    var run = "";
    if (s.run) {
      run = "run " + s.run;
      if (s.last_record) run += " \u00b7 last record " + s.last_record.replace("T", " ");
    }
    byId("run").textContent = run;
    byId("message").textContent = s.status === "waiting" || s.status === "error" ? s.message : "";
    var list = byId("positions");
    while (list.firstChild) list.removeChild(list.firstChild);
    s.positions.forEach(function (p) { list.appendChild(card(s, p)); });
    var rep = byId("report");
    while (rep.firstChild) rep.removeChild(rep.firstChild);
    if (s.status === "done") {
      if (s.report) {
        var a = el("a", null, "Open the run's report");
        a.id = "report-link";
        a.href = s.report;
        rep.appendChild(a);
      } else {
        rep.appendChild(el("span", null, "The report is being written\u2026"));
      }
    }
  }

  function connection(ok) {
    byId("connection").textContent = ok ? "" : "Connection to the bench lost: reconnecting\u2026";
  }

  var events = new EventSource("/events");
  events.addEventListener("state", function (e) {
    connection(true);
    render(JSON.parse(e.data));
  });
  events.onerror = function () { connection(false); };
})();
