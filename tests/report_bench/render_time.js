// Rendering time of an HTML report in headless Chromium (playwright-core + /usr/bin/chromium):
// opens the page three times and takes the time the page itself records from navigation
// until its matrix is built (data-render-ms) and painted (data-painted-ms). Prints the
// median with PASS/MISS against the floor (painted in under 1 s); with --check, exits 1 on
// a MISS. Used by tools/bench.sh (section bench_reports).
//   node render_time.js REPORT.html [--check]
"use strict";
const path = require("path");

const [file, flag] = process.argv.slice(2);
const sourceDir = process.env.WSSPEC_SOURCE_DIR || path.resolve(__dirname, "../..");
const { chromium } = require(path.join(sourceDir, "tools/node_modules/playwright-core"));
const floorMs = 1000;
const runs = 3;

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    timeout: 60000,
  });
  const times = [];
  let rows = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto("file://" + path.resolve(file));
      await page.waitForSelector("body[data-painted-ms]", { timeout: 30000 });
      const t = await page.evaluate(() => ({
        rows: document.querySelectorAll("#matrix tr.case-row").length,
        ready: Number(document.body.dataset.renderMs),
        painted: Number(document.body.dataset.paintedMs),
      }));
      rows = t.rows;
      times.push(t);
      await page.close();
    }
  } finally {
    await browser.close();
  }
  times.sort((a, b) => a.painted - b.painted);
  const median = times[Math.floor(times.length / 2)];
  const pass = median.painted < floorMs;
  console.log(`render of ${rows} rows in Chromium: ready ${median.ready.toFixed(0)} ms, painted ` +
    `${median.painted.toFixed(0)} ms (median of ${runs}; floor: painted under ${floorMs} ms) ${pass ? "PASS" : "MISS"}`);
  if (!pass && flag === "--check") process.exit(1);
})().catch((err) => {
  console.error("render_time: " + err.message);
  process.exit(2);
});
