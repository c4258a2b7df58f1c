// Opens a wsspec HTML report in real headless Chromium (playwright-core + /usr/bin/chromium)
// and checks it the way a person would use it. Used by test_report_browser.sh.
//   node report_browser_check.js REPORT.html WSSPEC.json SCREENSHOT.png
"use strict";
const fs = require("fs");
const path = require("path");

const [htmlPath, jsonPath, screenshotPath] = process.argv.slice(2);
const sourceDir = process.env.WSSPEC_SOURCE_DIR || path.resolve(__dirname, "../..");
const { chromium } = require(path.join(sourceDir, "tools/node_modules/playwright-core"));

function check(cond, message) {
  if (!cond) throw new Error("check failed: " + message);
}

(async () => {
  const results = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
  const summary = results.summary;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    timeout: 60000,
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems = [];
    const network = [];
    page.on("console", (msg) => { if (msg.type() === "error" || msg.type() === "warning") problems.push(msg.type() + ": " + msg.text()); });
    page.on("pageerror", (err) => problems.push("pageerror: " + err.message));
    page.on("request", (req) => { if (!req.url().startsWith("file:")) network.push(req.url()); });

    await page.goto("file://" + path.resolve(htmlPath), { waitUntil: "load", timeout: 30000 });
    await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });

    // Counts in the page match wsspec.json.
    const count = async (key) => {
      const t = await page.textContent(`#totals td[data-agent-index="0"][data-count="${key}"]`);
      return Number(t);
    };
    check(await count("total") === summary.total, "total " + summary.total);
    check(await count("passed") === summary.passed, "passed " + summary.passed);
    check(await count("failed") === summary.failed, "failed " + summary.failed);
    check(await count("not_run") === summary.not_run, "not_run " + summary.not_run);
    for (const v of ["OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"]) {
      check(await count("behavior:" + v) === (summary.behavior[v] || 0), "behavior " + v);
    }
    // Per category, FAILED counts match.
    for (const [cat, byVerdict] of Object.entries(summary.categories || {})) {
      const t = await page.textContent(`table.cats tr[data-category="${cat}"] td[data-count="FAILED"]`);
      check(Number(t) === (byVerdict.FAILED || 0), "category " + cat + " FAILED");
    }
    const rows = await page.$$eval("#matrix tr.case-row", (trs) => trs.length);
    check(rows === results.cases.length, `matrix rows ${rows} vs ${results.cases.length} cases`);
    check(summary.failed > 0, "the defects should make some cases fail");

    // Filter: only FAILED.
    await page.check("#only-failed");
    const shown = Number(await page.getAttribute("#shown-count", "data-shown"));
    check(shown === summary.failed, `only-FAILED shows ${shown}, expected ${summary.failed}`);
    const visibleFailed = await page.$$eval("#matrix tr.case-row:not([hidden])", (trs) =>
      trs.map((tr) => tr.getAttribute("data-case")));
    const failedIds = results.cases.filter((c) => c.ran && !c.passed).map((c) => c.id);
    check(JSON.stringify(visibleFailed) === JSON.stringify(failedIds), "the FAILED rows are the failed cases");

    // Text search narrows to one case.
    await page.fill("#search", failedIds[0]);
    const afterSearch = Number(await page.getAttribute("#shown-count", "data-shown"));
    check(afterSearch >= 1 && afterSearch <= shown, "search narrows the rows");
    await page.fill("#search", "");

    // Click into a FAILED case with a wire log and see it.
    const target = results.cases.find((c) => c.ran && !c.passed && c.behavior === "FAILED" && c.wire.length > 1) ||
      results.cases.find((c) => c.ran && !c.passed);
    await page.click(`#matrix tr[data-case="${target.id}"] td.cell[data-agent-index="0"]`);
    await page.waitForSelector("#detail:not([hidden])", { timeout: 5000 });
    check(await page.getAttribute("#detail", "data-case") === target.id, "detail shows the clicked case");
    const detailText = await page.textContent("#detail");
    check(detailText.includes(target.description), "detail has the description");
    check(detailText.includes("Wire log"), "detail has the wire log heading");
    check(detailText.includes(target.result), "detail has the reason");
    const wireRows = await page.$$eval("#detail table.wire tr", (trs) => trs.length - 1);
    check(wireRows === target.wire.length, `wire log rows ${wireRows} vs ${target.wire.length}`);
    const firstHex = (target.wire.find((w) => w.hex) || {}).hex;
    if (firstHex) {
      const pairs = firstHex.slice(0, 8).replace(/(..)/g, "$1 ").trim();
      check(detailText.includes(pairs), "wire log shows hex " + pairs);
    }
    await page.screenshot({ path: screenshotPath, fullPage: false });

    // Category filter.
    await page.uncheck("#only-failed");
    await page.selectOption("#category", target.category);
    const inCategory = Number(await page.getAttribute("#shown-count", "data-shown"));
    const expectedInCategory = results.cases.filter((c) => c.category === target.category).length;
    check(inCategory === expectedInCategory, `category filter ${inCategory} vs ${expectedInCategory}`);

    check(problems.length === 0, "console errors: " + problems.join("; "));
    check(network.length === 0, "network requests: " + network.join(", "));
    console.log(`report_browser_check: OK (${results.cases.length} cases, ${summary.failed} failed, opened ${target.id}, screenshot ${screenshotPath})`);
  } finally {
    await browser.close();
  }
})().catch((err) => {
  console.error("report_browser_check: " + err.message);
  process.exit(1);
});
