// Opens the HTML reports of fuzz runs in real headless Chromium (playwright-core +
// /usr/bin/chromium): no console errors or network requests; the findings, their kinds and
// counts as in fuzz.json; the chart (four series drawn, a mark per finding); each finding's
// minimized steps, case JSON and the wire log of its confirming run. Used by
// test_report_browser.sh.
//   node fuzz_report_browser_check.js SCREENSHOT.png REPORT_DIR...
// Each REPORT_DIR holds index.html and fuzz.json.
"use strict";
const fs = require("fs");
const path = require("path");

const [screenshotPath, ...dirs] = process.argv.slice(2);
const sourceDir = process.env.WSSPEC_SOURCE_DIR || path.resolve(__dirname, "../..");
const { chromium } = require(path.join(sourceDir, "tools/node_modules/playwright-core"));

function check(cond, message) {
  if (!cond) throw new Error("check failed: " + message);
}

(async () => {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
  const problems = [];
  const network = [];
  try {
    for (const [n, dir] of dirs.entries()) {
      const run = JSON.parse(fs.readFileSync(path.join(dir, "fuzz.json"), "utf8"));
      const findings = run.findings || [];
      for (const width of [1300, 420]) {
        const name = path.basename(dir) + "@" + width;
        const page = await browser.newPage({ viewport: { width, height: 900 } });
        page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(name + ": " + m.type() + ": " + m.text()); });
        page.on("pageerror", (e) => problems.push(name + ": pageerror: " + e.message));
        page.on("request", (r) => { if (!r.url().startsWith("file:")) network.push(r.url()); });
        await page.goto("file://" + path.resolve(dir, "index.html"), { waitUntil: "load", timeout: 30000 });
        await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });

        // The findings, by kind, as fuzz.json has them.
        const ids = await page.$$eval("section.finding", (s) => s.map((x) => x.getAttribute("data-finding")));
        check(JSON.stringify(ids) === JSON.stringify(findings.map((f) => f.id)), name + ": findings " + ids.join(","));
        const byKind = {};
        findings.forEach((f) => { byKind[f.kind] = (byKind[f.kind] || 0) + 1; });
        for (const kind of ["crash", "hang", "judge", "liveness", "resource"]) {
          const shown = Number(await page.textContent(`#kinds td[data-count="${kind}"]`));
          check(shown === (byKind[kind] || 0), `${name}: ${kind} count ${shown}, fuzz.json ${byKind[kind] || 0}`);
        }
        const banners = await page.$$eval("#banners [data-banner]", (b) => b.map((x) => x.getAttribute("data-banner")));
        check(banners.includes("interrupted") === !!run.interrupted, name + ": interrupted banner " + banners);
        check(banners.includes("clean") === (findings.length === 0), name + ": no-findings banner " + banners);

        // The chart: four series with a line each, and a mark for each finding in each.
        const series = await page.$$eval("#charts svg.chart", (svgs) => svgs.map((s) => ({
          key: s.getAttribute("data-series"),
          path: (s.querySelector("path") || { getAttribute: () => "" }).getAttribute("d") || "",
          marks: s.querySelectorAll("line.mark").length,
          width: s.getBoundingClientRect().width,
        })));
        check(series.map((s) => s.key).join() === "execs,signatures,corpus,findings", name + ": series " + series.map((s) => s.key));
        for (const s of series) {
          check(/^M[\d.]+ [\d.]+( [LHV][\d. ]+)+$/.test(s.path), `${name}: ${s.key} line "${s.path.slice(0, 80)}"`);
          check(s.marks === findings.length, `${name}: ${s.key} has ${s.marks} finding marks`);
          check(s.width > 200 && s.width <= width, `${name}: ${s.key} chart ${s.width} px wide`);
        }

        // Each finding: steps, case JSON, result, and the wire log of its confirming run.
        for (const f of findings) {
          const sel = `section.finding[data-finding="${f.id}"]`;
          const steps = await page.$$eval(sel + " ol.steps > li", (li) => li.length);
          check(steps === Math.max(1, (f.case.steps || []).length), `${name}: ${f.id} shows ${steps} steps`);
          const caseJson = JSON.parse(await page.textContent(sel + " pre.case-json"));
          check(caseJson.id === f.id, name + ": case JSON of " + f.id);
          const text = await page.textContent(sel);
          check(text.includes(f.signature), name + ": " + f.id + " signature");
          if (f.replay) {
            const rows = await page.$$eval(sel + " table.wire tr", (tr) => tr.length);
            check(rows > 1, `${name}: ${f.id} wire log rows ${rows}`);
          }
          if (f.kind === "crash" && f.output_tail) {
            const tail = await page.textContent(sel + " pre.tail");
            check(tail.length > 0 && f.output_tail.includes(tail.split("\n").pop()), name + ": " + f.id + " output tail");
          }
        }
        // Nothing runs off a narrow screen but the tables inside their scroll boxes.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
        if (width === 420) check(overflow <= 40, name + ": page " + overflow + " px wider than the screen");
        if (n === 0 && width === 1300) await page.screenshot({ path: screenshotPath, fullPage: false });
        const ms = await page.getAttribute("body", "data-script-ms");
        console.log(`${name}: ${findings.length} findings, ${run.execs} execs, built in ${ms} ms`);
        await page.close();
      }
    }
  } finally {
    await browser.close();
  }
  check(problems.length === 0, "console: " + problems.join("; "));
  check(network.length === 0, "network requests: " + network.join(", "));
  console.log("fuzz_report_browser_check: OK");
})().catch((e) => { console.error(e.message || e); process.exit(1); });
