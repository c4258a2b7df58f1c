#!/usr/bin/env node
// Autobahn-style fuzzingserver client driver run by a real browser: headless Chromium
// (Debian `chromium`, driven with the npm package playwright-core) runs the loop in a page
// with the browser's own WebSocket:
//
//   1. ws://HOST:PORT/getCaseCount            -> read N
//   2. ws://HOST:PORT/runCase?case=i&agent=A  for i in 1..N, echo every
//                                                message until closed
//   3. ws://HOST:PORT/updateReports?agent=A   -> wait for the close
//
//   node tools/peers/chromium_client.js --url ws://127.0.0.1:9001 [--agent NAME] [--quiet]
//
// Chromium offers "permessage-deflate; client_max_window_bits" in every handshake (a page
// cannot turn that off). Text messages are echoed as text and binary ones as binary
// (binaryType "arraybuffer"). Exits 0 once the loop has run to the end, 1 if getCaseCount
// or updateReports could not be reached, 2 on a bad argument or when Chromium cannot start.
// Environment: CHROMIUM (default /usr/bin/chromium).
'use strict';

const path = require('path');

function parseArgs(argv) {
  const opts = { url: 'ws://127.0.0.1:9001', agent: 'chromium', quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage(`missing value for ${a}`);
      return argv[++i];
    };
    if (a === '--url') opts.url = next().replace(/\/+$/, '');
    else if (a === '--agent') opts.agent = next();
    else if (a === '--quiet') opts.quiet = true;
    else usage(`unknown argument ${a}`);
  }
  return opts;
}

function usage(err) {
  console.error(`${err}\nusage: chromium_client.js [--url ws://127.0.0.1:9001] [--agent NAME] [--quiet]`);
  process.exit(2);
}

// Runs in the page. Each case ends when the connection closes (however it ends); a case
// whose connection never closes is given up after caseTimeoutMs so one stuck case cannot
// hold the loop.
async function driverLoop({ url, agent, quiet, caseTimeoutMs }) {
  const log = [];
  const open = (target, echo) => new Promise((resolve) => {
    const ws = new WebSocket(target);
    ws.binaryType = 'arraybuffer';
    let first = null;
    const timer = setTimeout(() => { ws.close(); resolve({ first, timedOut: true }); }, caseTimeoutMs);
    ws.onmessage = (e) => {
      if (first === null) first = e.data;
      if (echo) {
        try { ws.send(e.data); } catch (err) { log.push(`send: ${err}`); }
      }
    };
    ws.onclose = (e) => { clearTimeout(timer); resolve({ first, code: e.code }); };
  });
  const count = parseInt((await open(`${url}/getCaseCount`, false)).first, 10);
  if (!Number.isInteger(count)) return { ok: false, log: ['getCaseCount: no count'] };
  for (let i = 1; i <= count; i++) {
    if (!quiet) log.push(`running case ${i}/${count}`);
    await open(`${url}/runCase?case=${i}&agent=${encodeURIComponent(agent)}`, true);
  }
  const done = await open(`${url}/updateReports?agent=${encodeURIComponent(agent)}`, false);
  return { ok: done.code !== 1006 || done.timedOut !== true, count, log };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const sourceDir = path.resolve(__dirname, '..', '..');
  const { chromium } = require(path.join(sourceDir, 'tools', 'node_modules', 'playwright-core'));
  let browser;
  try {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', chromiumSandbox: false });
  } catch (err) {
    console.error(`chromium could not start: ${err.message}`);
    return 2;
  }
  try {
    const page = await browser.newPage();
    page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
    const result = await page.evaluate(driverLoop, { url: opts.url, agent: opts.agent, quiet: opts.quiet, caseTimeoutMs: 120000 });
    for (const line of result.log) console.log(line);
    if (!result.ok) return 1;
    console.log(`${result.count} cases, done (${await browser.version()})`);
    return 0;
  } finally {
    await browser.close();
  }
}

main().then((status) => process.exit(status), (err) => { console.error(err); process.exit(1); });
