// Shared by the HTML pages wsspec writes (report.html: test-server / test-client results;
  // fuzz_report.html: a fuzz-server / fuzz-client run): DOM helpers, verdict badges, RFC
  // links, and a case record's facts and wire log. Inserted into each page's script at build
  // time (harness/CMakeLists.txt), inside the page's function, so nothing here is global.
  const RFC_BASE = "https://www.rfc-editor.org/rfc/rfc";
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    if (attrs) {
      for (const k in attrs) {
        const v = attrs[k];
        if (v === undefined || v === null || v === false) continue;
        if (k === "class") e.className = v;
        else if (k === "text") e.textContent = v;
        else if (k.startsWith("data-") || k.startsWith("aria-") || k === "role" || k === "tabindex") e.setAttribute(k, v);
        else e[k] = v;
      }
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return e;
  }
  const $ = (id) => document.getElementById(id);
  function vclass(v) { return "v v-" + String(v || "NOT-RUN").replace(/ /g, "-"); }
  function badge(v) { return el("span", { class: vclass(v), text: v || "NOT RUN" }); }
  function fmtMs(ms) {
    if (ms === undefined || ms === null) return "";
    return ms >= 1000 ? (ms / 1000).toFixed(2) + " s" : ms.toFixed(1) + " ms";
  }
  function oneLine(s) { return String(s || "").replace(/\s+/g, " ").trim(); }
  // "RFC 6455 5.2" -> a link to that section at rfc-editor.org (a link only: nothing is fetched).
  const RFC_RE = /\bRFC ?(\d{3,5})(?:,? (?:[Ss]ection |\u00a7 ?)?(\d+(?:\.\d+)*))?/g;
  function rfcLinked(text) {
    const frag = document.createDocumentFragment();
    const s = String(text || "");
    let last = 0, m;
    RFC_RE.lastIndex = 0;
    while ((m = RFC_RE.exec(s)) !== null) {
      if (m.index > last) frag.appendChild(document.createTextNode(s.slice(last, m.index)));
      frag.appendChild(el("a", { class: "rfc", href: RFC_BASE + m[1] + (m[2] ? "#section-" + m[2] : ""),
        target: "_blank", rel: "noopener noreferrer", text: m[0] }));
      last = m.index + m[0].length;
    }
    if (last < s.length) frag.appendChild(document.createTextNode(s.slice(last)));
    return frag;
  }
  function rfcList(list) {
    const span = el("span");
    (list || []).forEach((r, i) => { if (i) span.appendChild(document.createTextNode(", ")); span.appendChild(rfcLinked(r)); });
    return span;
  }
  function kv(table, key, value) {
    if (value === undefined || value === null || value === "") return;
    const v = typeof value === "string" ? el("td", { text: value }) : el("td", null, value);
    table.appendChild(el("tr", null, el("th", { text: key }), v));
  }
  function hexPairs(hex) { return (hex || "").replace(/(..)/g, "$1 ").trim(); }
  function hexText(hex) {
    let s = "";
    for (let i = 0; i + 1 < (hex || "").length; i += 2) {
      const b = parseInt(hex.substr(i, 2), 16);
      s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
    }
    return s;
  }
  // Wire entries come packed (html_writer.cpp page_wire_entry): [t, "NOTE", text] or
  // [t, kind, length, hex, opcode, flags, decoded], flags: 1 not FIN, RSV << 1, 16 masked.
  const OPCODE_NAMES = { 0: "continuation", 1: "text", 2: "binary", 8: "close", 9: "ping", 10: "pong" };
  function unpackWire(a) {
    if (!Array.isArray(a)) return a;
    if (a[1] === "NOTE") return { t: a[0], kind: "NOTE", text: a[2] };
    const w = { t: a[0], kind: a[1], length: a[2], hex: a[3] };
    if (a.length > 4) {
      w.opcode = a[4];
      w.opcode_name = OPCODE_NAMES[a[4]] || (a[4] & 8 ? "reserved-control" : "reserved-data");
      w.fin = !(a[5] & 1);
      w.rsv = (a[5] >> 1) & 7;
      w.mask = !!(a[5] & 16);
      if (a[6]) w.decoded = a[6];
    }
    w.truncated = w.hex.length / 2 < w.length;
    return w;
  }
  function wireTable(wire) {
    const t = el("table", { class: "wire" });
    t.appendChild(el("tr", null, ...["#", "t", "", "frame", "length", "hex", "text"].map((h) => el("th", { text: h }))));
    (wire || []).map(unpackWire).forEach((w, n) => {
      if (w.kind === "NOTE") {
        t.appendChild(el("tr", { class: "note" }, el("td", { class: "num", text: String(n + 1) }),
          el("td", { class: "num", text: w.t === undefined ? "" : w.t.toFixed(3) }), el("td", { text: "note" }),
          el("td", { colSpan: 4, text: w.text || "" })));
        return;
      }
      const tx = w.kind === "TO" || w.kind === "TF";
      const frame = w.opcode !== undefined
        ? (w.opcode_name || "op " + w.opcode) + (w.fin ? " fin" : " !fin") + (w.rsv ? " rsv=" + w.rsv : "") + (w.mask ? " masked" : "")
        : "";
      const more = w.truncated ? " \u2026" : "";
      t.appendChild(el("tr", { class: tx ? "dir-tx" : "dir-rx" },
        el("td", { class: "num", text: String(n + 1) }), el("td", { class: "num", text: w.t === undefined ? "" : w.t.toFixed(3) }),
        el("td", { class: "kind", text: w.kind + (tx ? " \u2192" : " \u2190") }),
        el("td", { class: "frame" }, frame, w.decoded ? el("span", { class: "dec", text: w.decoded }) : null),
        el("td", { class: "num", text: String(w.length) }),
        el("td", { class: "hex", text: hexPairs(w.hex) + more }), el("td", { class: "text", text: hexText(w.hex) + more })));
    });
    return t;
  }
  // The rows of a case record that ran (wsspec.json's case fields, as html_writer.cpp trims
  // them): verdicts with their reasons, expected vs observed, timings, close details, what
  // the budgets dropped, the handshake and the events.
  function caseFacts(t, c) {
    kv(t, "behavior", el("span", null, badge(c.behavior), " ", rfcLinked(c.result || "")));
    kv(t, "close", el("span", null, badge(c.behavior_close), " ", rfcLinked(c.result_close || "")));
    kv(t, "expected", c.expected);
    kv(t, "observed", c.observed);
    kv(t, "started", c.started);
    kv(t, "duration", fmtMs(c.duration_ms));
    kv(t, "bytes sent / received", (c.bytes_sent || 0) + " / " + (c.bytes_received || 0));
    if (c.throughput_mbps !== null && c.throughput_mbps !== undefined) kv(t, "throughput", c.throughput_mbps + " MB/s");
    if (c.close) {
      const cl = c.close;
      kv(t, "close details", "closed by " + (cl.closed_by_me ? "wsspec" : "peer") + ", clean: " + cl.was_clean +
        ", local code " + cl.local_close_code + ", remote code " + cl.remote_close_code +
        (cl.remote_close_reason ? " \"" + cl.remote_close_reason + "\"" : "") + (cl.timed_out ? ", timed out" : "") +
        (cl.peer_violation ? "; peer violation: " + cl.peer_violation : ""));
    }
    if (c.flood) kv(t, "flood", c.flood.description);
    const dropped = c.dropped || {};
    if (dropped.events || dropped.event_bytes || dropped.wire_entries || dropped.pongs) {
      kv(t, "not kept (budgets)", dropped.events + " events, " + dropped.event_bytes + " payload bytes, " +
        dropped.wire_entries + " wire log entries; " + dropped.pongs + " Pongs replaced by newer ones");
    }
    if (c.connect_error) kv(t, "connect error", c.connect_error);
    if (c.peer_crash) kv(t, "peer crash", c.peer_crash);
    if (c.handshake) {
      if (c.handshake.request) kv(t, "handshake request", el("pre", { text: c.handshake.request }));
      if (c.handshake.response) kv(t, "handshake response", el("pre", { text: c.handshake.response }));
      if (c.handshake.failure) kv(t, "handshake failure", c.handshake.failure);
    }
    if (c.events && c.events.length) kv(t, "events", el("pre", { text: c.events.map((e) => e.description).join("\n") }));
  }
  // A case record's wire log: a heading saying whether it is whole, then the table.
  function wireSection(c) {
    const box = el("div", { class: "wire-section" });
    const x = c.wire_excerpt;
    box.appendChild(el("h3", { text: x
      ? "Wire log (an excerpt of " + x.entries + " entries: the case passed)"
      : "Wire log (" + (c.wire ? c.wire.length : 0) + " entries)" }));
    box.appendChild(wireTable(c.wire));
    return box;
  }
