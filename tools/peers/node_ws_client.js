#!/usr/bin/env node
// Autobahn-style fuzzingserver client driver built on the npm package `ws`,
// the same loop as ws's own test/autobahn.js:
//
//   1. ws://HOST:PORT/getCaseCount            -> read N
//   2. ws://HOST:PORT/runCase?case=i&agent=A  for i in 1..N, echo every
//                                                message until closed
//   3. ws://HOST:PORT/updateReports?agent=A   -> wait for the close
//
//   node tools/peers/node_ws_client.js --url ws://127.0.0.1:9001 --agent ws [--no-deflate]
//
// Like a default `ws` client it offers permessage-deflate; --no-deflate turns
// that off. maxPayload is 64 MiB. Exits 0 once the loop has run to the end,
// 1 if getCaseCount or updateReports could not be reached.
'use strict';

const path = require('path');
const WebSocket = require(path.join(__dirname, '..', 'node_modules', 'ws'));

function parseArgs(argv) {
  const opts = {
    url: 'ws://127.0.0.1:9001',
    agent: `node-ws-${require(path.join(__dirname, '..', 'node_modules', 'ws', 'package.json')).version}`,
    deflate: true,
    quiet: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage(`missing value for ${a}`);
      return argv[++i];
    };
    if (a === '--url') opts.url = next().replace(/\/+$/, '');
    else if (a === '--agent') opts.agent = next();
    else if (a === '--no-deflate') opts.deflate = false;
    else if (a === '--deflate') opts.deflate = true;
    else if (a === '--quiet') opts.quiet = true;
    else if (a === '-h' || a === '--help') usage(null);
    else usage(`unknown argument ${a}`);
  }
  return opts;
}

function usage(err) {
  const text =
    'usage: node_ws_client.js [--url ws://127.0.0.1:9001] [--agent NAME] [--no-deflate] [--quiet]';
  if (err) {
    console.error(`${err}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

const opts = parseArgs(process.argv.slice(2));
const agent = encodeURIComponent(opts.agent);
const wsOptions = { perMessageDeflate: opts.deflate, maxPayload: 64 * 1024 * 1024 };

function getCaseCount() {
  return new Promise((resolve, reject) => {
    let count = null;
    const ws = new WebSocket(`${opts.url}/getCaseCount`, wsOptions);
    ws.on('message', (data) => {
      count = parseInt(data.toString(), 10);
    });
    ws.on('error', reject);
    ws.on('close', () => {
      if (Number.isInteger(count)) resolve(count);
      else reject(new Error('no case count received'));
    });
  });
}

function runCase(n) {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${opts.url}/runCase?case=${n}&agent=${agent}`, wsOptions);
    ws.on('message', (data, isBinary) => {
      ws.send(data, { binary: isBinary });
    });
    // Errors (bad frames, handshake refused, resets) end the case; 'close'
    // follows every 'error', so the loop goes on from there.
    ws.on('error', (e) => console.error(`case ${n}: ${e.message}`));
    ws.on('close', () => resolve());
  });
}

function updateReports() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${opts.url}/updateReports?agent=${agent}`, wsOptions);
    let failed = null;
    ws.on('error', (e) => {
      failed = e;
    });
    ws.on('close', () => (failed ? reject(failed) : resolve()));
  });
}

async function main() {
  let count;
  try {
    count = await getCaseCount();
  } catch (e) {
    console.error(`getCaseCount failed: ${e.message}`);
    return 1;
  }
  console.log(`${count} cases`);
  for (let n = 1; n <= count; n++) {
    if (!opts.quiet) console.log(`running case ${n}/${count}`);
    await runCase(n);
  }
  try {
    await updateReports();
  } catch (e) {
    console.error(`updateReports failed: ${e.message}`);
    return 1;
  }
  console.log('done');
  return 0;
}

main().then((code) => process.exit(code));
