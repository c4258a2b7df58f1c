// Opens wsspec HTML reports in real headless Chromium (playwright-core + /usr/bin/chromium)
// and checks them the way a person would use them. Used by test_report_browser.sh.
//   node report_browser_check.js WORKDIR SCREENSHOT.png
// WORKDIR holds report directories (index.html, and wsspec.json except for big/):
//   single/    one run of `wsspec serve` with defects
//   merged/    five agents merged (`wsspec report --merge`)
//   baseline/  one run checked against a baseline (`wsspec report --baseline`)
//   big/       600 cases, for the rendering time
//   sample/    a committed sample of a real server (reports/samples/), close-only failures
// Timings are printed, and asserted only against a bound no healthy run comes near.
"use strict";
const fs = require("fs");
const path = require("path");

const [workDir, screenshotPath] = process.argv.slice(2);
const sourceDir = process.env.WSSPEC_SOURCE_DIR || path.resolve(__dirname, "../..");
const { chromium } = require(path.join(sourceDir, "tools/node_modules/playwright-core"));

function check(cond, message) {
  if (!cond) throw new Error("check failed: " + message);
}
const report = (name) => path.resolve(workDir, name, "index.html");
const results = (name) => JSON.parse(fs.readFileSync(path.join(workDir, name, "wsspec.json"), "utf8"));
const runsOf = (doc) => doc.runs || [doc];
const fails = (c) => c.ran && !c.passed;
const fine = (v, strict) => ["OK", "INFORMATIONAL", "UNIMPLEMENTED"].includes(v) || (!strict && v === "NON-STRICT");
// The permalink of a case of one agent, as the page writes it.
const caseHash = (agent, id) => "#case=" + encodeURIComponent(agent) + "/" + encodeURIComponent(id);

let browser;
const problems = [];
const network = [];

async function open(name, width, hash) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  page.on("console", (msg) => { if (msg.type() === "error" || msg.type() === "warning") problems.push(name + ": " + msg.type() + ": " + msg.text()); });
  page.on("pageerror", (err) => problems.push(name + ": pageerror: " + err.message));
  page.on("request", (req) => { if (!req.url().startsWith("file:")) network.push(req.url()); });
  await page.goto("file://" + report(name) + (hash || ""), { waitUntil: "load", timeout: 30000 });
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  return page;
}
const shown = async (page) => Number(await page.getAttribute("#shown-count", "data-shown"));
const visibleIds = (page) => page.$$eval("#matrix tr.case-row:not([hidden])", (trs) => trs.map((tr) => tr.getAttribute("data-case")));
const hashOf = (page) => page.evaluate(() => location.hash);
// The row's box against the viewport: on screen when it is between the sticky header and the bottom.
const rowBox = (page, id) => page.$eval(`#matrix tr.case-row[data-case="${id}"]`, (tr) => {
  const r = tr.getBoundingClientRect();
  return { top: r.top, bottom: r.bottom, vh: innerHeight };
});
const onScreen = (b) => b.top >= 0 && b.bottom <= b.vh;

async function checkSingle() {
  const doc = results("single");
  const run = runsOf(doc)[0];
  const summary = run.summary;
  const page = await open("single", 1400);

  // Counts match wsspec.json, failures broken out into behavior and close-only ones.
  const count = async (key) => Number(await page.textContent(`#totals td[data-agent-index="0"][data-count="${key}"]`));
  check(await count("total") === summary.total, "total " + summary.total);
  check(await count("passed") === summary.passed, "passed " + summary.passed);
  check(await count("failed") === summary.failed, "failed " + summary.failed);
  check(await count("not_run") === summary.not_run, "not_run " + summary.not_run);
  for (const v of ["OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"]) {
    check(await count("behavior:" + v) === (summary.behavior[v] || 0), "behavior " + v);
  }
  const closeOnly = run.cases.filter((c) => fails(c) && fine(c.behavior, run.strict)).length;
  check(await count("failed_close_only") === closeOnly, `close-only failures ${closeOnly}`);
  check(await count("failed_behavior") === summary.failed - closeOnly, "behavior failures");
  for (const [cat, byVerdict] of Object.entries(summary.categories || {})) {
    const n = await page.getAttribute(`#cats tr[data-category="${cat}"] td.agent[data-agent-index="0"]`, "data-count-failed");
    check(Number(n) === (byVerdict.FAILED || 0), "category " + cat + " FAILED");
  }
  // Category summary rows link to their section of the matrix.
  const someCat = Object.keys(summary.categories).pop();
  await page.click(`#cats tr[data-category="${someCat}"] a[data-nav=category]`);
  await page.waitForFunction((c) => { const r = document.getElementById("c-" + c).getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }, someCat, { timeout: 5000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  const rows = await page.$$eval("#matrix tr.case-row", (trs) => trs.length);
  check(rows === run.cases.length, `matrix rows ${rows} vs ${run.cases.length} cases`);
  const failedIds = run.cases.filter(fails).map((c) => c.id);
  check(failedIds.length > 0, "the defects should make some cases fail");

  // The failures panel lists exactly the failing cases, each with verdicts, a reason and a link.
  const panel = await page.$$eval("#failures-table tbody tr", (trs) => trs.map((tr) => ({
    id: tr.getAttribute("data-case"), href: tr.querySelector("a").getAttribute("href"),
    reason: tr.lastElementChild.textContent.trim(), badges: tr.querySelectorAll(".v").length })));
  check(JSON.stringify(panel.map((p) => p.id)) === JSON.stringify(failedIds), "failures panel = failing cases");
  check(panel.every((p) => p.reason.length > 0 && p.badges === 2), "each failure has both verdicts and a reason");
  check(panel.every((p) => p.href === caseHash(run.agent, p.id)), "each failure links to its case");
  // Compact rows.
  const rowHeight = await page.$$eval("#matrix tr.case-row", (trs) => trs.slice(0, 30).reduce((a, tr) => a + tr.getBoundingClientRect().height, 0) / Math.min(30, trs.length));
  check(rowHeight <= 30, `rows ${rowHeight.toFixed(1)} px high`);

  // Filters reduce the rows, show in the hash and survive a reload.
  await page.click('#show button[data-show="failing"]');
  check(await shown(page) === failedIds.length, "the failing filter shows the failing cases");
  check(JSON.stringify(await visibleIds(page)) === JSON.stringify(failedIds), "the visible rows are the failing cases");
  check((await hashOf(page)).includes("show=failing"), "the filter is in the hash");
  await page.reload({ waitUntil: "load" });
  await page.waitForSelector("body[data-ready=true]");
  check(await shown(page) === failedIds.length, "the filter survives a reload");
  check(await page.getAttribute('#show button[data-show="failing"]', "aria-pressed") === "true", "the chip shows the filter");
  await page.fill("#search", failedIds[0]);
  const afterSearch = await shown(page);
  check(afterSearch >= 1 && afterSearch < run.cases.length, "search narrows the rows");
  await page.fill("#search", "");
  await page.click('#show button[data-show="all"]');
  const target = run.cases.filter((c) => fails(c) && c.behavior === "FAILED" && c.wire.length > 1).pop() || run.cases.filter(fails).pop();
  await page.selectOption("#category", target.category);
  const expectedInCategory = run.cases.filter((c) => c.category === target.category).length;
  check(await shown(page) === expectedInCategory, `category filter ${await shown(page)} vs ${expectedInCategory}`);
  check((await hashOf(page)).includes("cat=" + encodeURIComponent(target.category)), "the category is in the hash");
  await page.selectOption("#category", "");
  check(await shown(page) === run.cases.length, "all cases again");

  // Clicking a row far down opens the detail at the row, not at the top of the page.
  const rowSel = `#matrix tr.case-row[data-case="${target.id}"]`;
  await page.$eval(rowSel, (tr) => tr.scrollIntoView({ block: "center" }));
  const yBefore = await page.evaluate(() => scrollY);
  await page.click(`${rowSel} td.cell[data-agent-index="0"]`);
  await page.waitForSelector("#detail", { timeout: 5000 });
  check(await page.getAttribute("#detail", "data-case") === target.id, "detail shows the clicked case");
  check(await page.$eval("#detail-row", (tr) => tr.previousElementSibling.getAttribute("data-case")) === target.id, "detail opens under its row");
  check(onScreen(await rowBox(page, target.id)), "the clicked row stays on screen");
  const yAfter = await page.evaluate(() => scrollY);
  check(yBefore > 1000 && Math.abs(yAfter - yBefore) < 900, `no jump to the top (scroll ${yBefore} -> ${yAfter})`);
  check((await hashOf(page)) === caseHash(run.agent, target.id), "the case is in the hash");
  const detailText = await page.textContent("#detail");
  check(detailText.includes(target.description), "detail has the description");
  check(detailText.includes("Wire log"), "detail has the wire log heading");
  check(detailText.includes(target.result), "detail has the reason");
  const wireRows = await page.$$eval("#detail table.wire tr", (trs) => trs.length - 1);
  check(wireRows === target.wire.length, `wire log rows ${wireRows} vs ${target.wire.length}`);
  const firstHex = (target.wire.find((w) => w.hex) || {}).hex;
  if (firstHex) check(detailText.includes(firstHex.slice(0, 8).replace(/(..)/g, "$1 ").trim()), "wire log shows hex");
  const decoded = target.wire.filter((w) => w.decoded).map((w) => w.decoded);
  const shownDecoded = await page.$$eval("#detail table.wire td.frame .dec", (els) => els.map((e) => e.textContent));
  check(JSON.stringify(shownDecoded) === JSON.stringify(decoded), "received frames show their decoded form");
  // RFC references link to the section at rfc-editor.org; nothing is fetched.
  const rfcLinks = await page.$$eval("#detail a.rfc", (as) => as.map((a) => [a.textContent, a.getAttribute("href")]));
  const m = /^RFC (\d+) ([\d.]+)$/.exec(target.rfc[0]);
  check(rfcLinks.some(([t, h]) => t === target.rfc[0] && h === `https://www.rfc-editor.org/rfc/rfc${m[1]}#section-${m[2]}`),
    "RFC link for " + target.rfc[0] + ": " + JSON.stringify(rfcLinks.slice(0, 3)));
  await page.screenshot({ path: path.join(workDir, "single-detail.png") });

  // Back closes the case and keeps the page; Forward opens it again.
  await page.goBack();
  await page.waitForSelector("#detail", { state: "detached", timeout: 5000 });
  check((await hashOf(page)) === "", "Back returns to the page without the case");
  check(page.url().startsWith("file:"), "Back stays in the report");
  await page.goForward();
  await page.waitForSelector("#detail", { timeout: 5000 });
  check(await page.getAttribute("#detail", "data-case") === target.id, "Forward opens the case again");
  await page.keyboard.press("Escape");
  await page.waitForSelector("#detail", { state: "detached", timeout: 5000 });

  // A permalink from the failures panel, with a filter set: opens the case at its row, Back
  // returns to the filtered list, and the permalink survives a reload.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.click('#show button[data-show="failing"]');
  const stateBefore = await hashOf(page);
  const linked = failedIds[failedIds.length - 1];
  await page.click(`#failures-table a[data-case="${linked}"]`);
  await page.waitForSelector(`#detail[data-case="${linked}"]`, { timeout: 5000 });
  check(onScreen(await rowBox(page, linked)), "the linked case is on screen");
  check((await hashOf(page)).startsWith(caseHash(run.agent, linked)), "the permalink is in the hash");
  await page.goBack();
  await page.waitForSelector("#detail", { state: "detached", timeout: 5000 });
  check((await hashOf(page)) === stateBefore, `Back returns to the previous state (${await hashOf(page)})`);
  check(await shown(page) === failedIds.length, "the filter is still set after Back");
  const permalinked = await open("single", 1400, caseHash(run.agent, linked));
  await permalinked.waitForSelector(`#detail[data-case="${linked}"]`, { timeout: 5000 });
  await permalinked.waitForTimeout(300);
  check(onScreen(await rowBox(permalinked, linked)), "a loaded permalink scrolls to its case");
  await permalinked.reload({ waitUntil: "load" });
  await permalinked.waitForSelector(`#detail[data-case="${linked}"]`, { timeout: 5000 });
  await permalinked.waitForTimeout(300);
  check(onScreen(await rowBox(permalinked, linked)), "the permalink survives a reload");
  await permalinked.close();
  // junit.xml links "index.html#case=<id>", without the agent.
  const junitLink = await open("single", 1400, "#case=" + linked);
  await junitLink.waitForSelector(`#detail[data-case="${linked}"]`, { timeout: 5000 });
  await junitLink.close();

  // Keyboard: rows take the focus, Enter opens, Escape closes, the focus is visible.
  await page.click('#show button[data-show="all"]');
  const firstId = run.cases[0].id;
  await page.focus(`#matrix tr.case-row[data-case="${firstId}"]`);
  await page.keyboard.press("ArrowDown");
  const secondId = await page.evaluate(() => document.activeElement.getAttribute("data-case"));
  check(secondId === run.cases[1].id, "ArrowDown moves to the next case");
  await page.keyboard.press("Enter");
  await page.waitForSelector(`#detail[data-case="${secondId}"]`, { timeout: 5000 });
  const focusRing = await page.$eval(`#matrix tr.case-row[data-case="${secondId}"] td`, (td) => getComputedStyle(td).boxShadow);
  check(focusRing && focusRing !== "none", "the focused row is outlined");
  await page.keyboard.press("Escape");
  await page.waitForSelector("#detail", { state: "detached", timeout: 5000 });
  check(await page.evaluate(() => document.activeElement.getAttribute("data-case")) === secondId, "Escape returns the focus to the row");
  await page.close();

  // 420 px: the verdict column of the first row is on screen.
  const narrow = await open("single", 420);
  await narrow.$eval("#matrix tr.case-row", (tr) => tr.scrollIntoView({ block: "center" }));
  const cell = await narrow.$eval("#matrix tr.case-row td.cell", (td) => { const r = td.getBoundingClientRect(); return { left: r.left, right: r.right, vw: document.documentElement.clientWidth }; });
  check(cell.left >= 0 && cell.right <= cell.vw, `420 px: verdict cell at ${cell.left}-${cell.right} of ${cell.vw}`);
  await narrow.screenshot({ path: path.join(workDir, "single-420.png") });
  await narrow.close();
  console.log(`single: ${run.cases.length} cases, ${summary.failed} failed (${closeOnly} close only), opened ${target.id}, rows ${rowHeight.toFixed(1)} px`);
}

async function checkMerged() {
  const doc = results("merged");
  const runs = runsOf(doc);
  check(runs.length === 5, "five agents");
  const page = await open("merged", 1400);
  // Nothing clipped: the last agent's column is on screen and the page does not scroll sideways.
  const box = await page.evaluate(() => {
    const ths = document.querySelectorAll("#matrix thead th.agent");
    const last = ths[ths.length - 1].getBoundingClientRect();
    const cell = document.querySelector("#matrix tr.case-row td.cell:last-child").getBoundingClientRect();
    return { agents: ths.length, right: Math.max(last.right, cell.right), vw: document.documentElement.clientWidth,
      scrollWidth: document.documentElement.scrollWidth };
  });
  check(box.agents === 5, "five agent columns");
  check(box.right <= box.vw && box.scrollWidth <= box.vw, `1400 px: last column ends at ${box.right}, page ${box.scrollWidth} of ${box.vw}`);
  // The failures panel has every failing case of every agent.
  const pairs = [];
  runs.forEach((r, i) => r.cases.filter(fails).forEach((c) => pairs.push(c.id + "@" + i)));
  const panel = await page.$$eval("#failures-table tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-case") + "@" + tr.getAttribute("data-agent-index")));
  check(JSON.stringify(panel.slice().sort()) === JSON.stringify(pairs.slice().sort()), `failures panel ${panel.length} vs ${pairs.length}`);
  // One agent's failures.
  await page.selectOption("#failures-agent", "3");
  const mine = await page.$$eval("#failures-table tbody tr:not([hidden])", (trs) => trs.map((tr) => tr.getAttribute("data-agent-index")));
  check(mine.length === pairs.filter((p) => p.endsWith("@3")).length && mine.every((a) => a === "3"), "the failures of one agent");
  await page.selectOption("#failures-agent", "");
  await page.screenshot({ path: screenshotPath, fullPage: false });
  // The header row naming the agents stays on screen while scrolling.
  await page.evaluate(() => window.scrollTo(0, document.getElementById("matrix").offsetTop + 2500));
  const head = await page.$eval("#matrix thead th.agent:last-child", (th) => ({ top: th.getBoundingClientRect().top, text: th.textContent }));
  check(head.top >= 0 && head.top < 150 && head.text === runs[4].agent, `sticky agent header at ${head.top}`);
  // A case of the fourth agent: its permalink names the agent.
  const pick = pairs.find((p) => p.endsWith("@3")) || pairs[0];
  const [pid, pagent] = pick.split("@");
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.click(`#failures-table a[data-case="${pid}"][data-agent-index="${pagent}"]`);
  await page.waitForSelector(`#detail[data-case="${pid}"][data-agent-index="${pagent}"]`, { timeout: 5000 });
  check((await hashOf(page)) === caseHash(runs[pagent].agent, pid), "the permalink names the agent");
  check(onScreen(await rowBox(page, pid)), "the linked case is on screen");
  // Agents that disagree can be listed.
  const differs = await page.$('#show button[data-show="differs"]');
  check(differs, "an 'agents differ' filter");
  await page.close();
  const timing = await renderTime("merged", 1400);
  console.log(`merged: 5 agents, ${pairs.length} failures; render ${timing}`);
}

async function checkBaseline() {
  const doc = results("baseline");
  const run = runsOf(doc)[0];
  const regressions = run.baseline.regressions.map((x) => x.id);
  check(regressions.length > 0, "the baseline check finds regressions");
  const page = await open("baseline", 1400);
  const chip = '#show button[data-show="regression"]';
  check(Number(await page.textContent(chip + " .n")) === regressions.length, "the regression filter counts the regressions");
  await page.click(chip);
  check(JSON.stringify(await visibleIds(page)) === JSON.stringify(regressions), "the regression filter shows the regressions");
  check((await hashOf(page)).includes("show=regression"), "the regression filter is in the hash");
  const tagged = await page.$$eval("#failures-table tbody tr .tag.reg", (t) => t.length);
  check(tagged === regressions.length, "regressions are marked in the failures panel");
  await page.close();
  console.log(`baseline: ${regressions.length} regressions`);
}

async function checkSample() {
  const doc = results("sample");
  const run = runsOf(doc)[0];
  const page = await open("sample", 1400);
  const failing = run.cases.filter(fails);
  const closeOnly = failing.filter((c) => fine(c.behavior, run.strict));
  const panel = await page.$$eval("#failures-table tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-kind")));
  check(panel.length === failing.length, "sample: failures panel");
  check(panel.filter((k) => k === "close").length === closeOnly.length, "sample: close-only failures marked");
  check(Number(await page.textContent('#totals td[data-count="failed_close_only"]')) === closeOnly.length, "sample: close-only count");
  // Results recorded before cases carried their group's title get them from the catalog.
  check((await page.textContent('#matrix tr.group-row[data-group="1.1"]')).includes("Text messages"), "sample: group titles");
  check((await page.textContent('#cats tr[data-category="hs"] td.title')).includes("Handshake"), "sample: category titles");
  await page.close();
  console.log(`sample ${run.agent}: ${failing.length} failures, ${closeOnly.length} close only`);
}

// Time from navigation to the page built (script done) and painted, as the page records it.
async function renderTime(name, width) {
  const page = await open(name, width);
  await page.waitForSelector("body[data-painted-ms]", { timeout: 30000 });
  const t = await page.evaluate(() => ({ rows: document.querySelectorAll("#matrix tr.case-row").length,
    ready: Number(document.body.dataset.renderMs), script: Number(document.body.dataset.scriptMs), painted: Number(document.body.dataset.paintedMs) }));
  await page.close();
  check(t.painted < 15000, `${name}: rendered in ${t.painted} ms`);
  return `${t.rows} rows: ready ${t.ready.toFixed(0)} ms (script ${t.script.toFixed(0)} ms), painted ${t.painted.toFixed(0)} ms`;
}

(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    timeout: 60000,
  });
  try {
    await checkSingle();
    await checkMerged();
    await checkBaseline();
    await checkSample();
    const bigSize = fs.statSync(report("big")).size;
    const times = [];
    for (let i = 0; i < 3; i++) times.push(await renderTime("big", 1400));
    console.log(`big (${(bigSize / 1e6).toFixed(1)} MB): ${times.join("; ")}`);
    check(problems.length === 0, "console errors: " + problems.join("; "));
    check(network.length === 0, "network requests: " + network.join(", "));
    console.log(`report_browser_check: OK (screenshot ${screenshotPath})`);
  } finally {
    await browser.close();
  }
})().catch((err) => {
  console.error("report_browser_check: " + err.message);
  process.exit(1);
});
