#!/usr/bin/env node
// The node `ws` twin of deflate_fuzzingserver.py: a minimal fuzzingserver with
// perMessageDeflate on, for a driver loop such as `wsspec client`. /getCaseCount answers
// the number of cases, /runCase?case=N sends that case's messages and checks every echo,
// /updateReports writes what happened as JSON (--results) and exits. Each result records
// the offer and the answer of its handshake.
//
//   node deflate_fuzzingserver.js --port 0 --results out.json [--no-deflate]
'use strict';

const fs = require('fs');
const path = require('path');
const WebSocket = require(path.join(__dirname, '..', '..', '..', 'tools', 'node_modules', 'ws'));

const args = { port: 0, results: null, deflate: true };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--port') args.port = Number(process.argv[++i]);
  else if (a === '--results') args.results = process.argv[++i];
  else if (a === '--no-deflate') args.deflate = false;
  else { console.error(`unknown argument ${a}`); process.exit(2); }
}

// A message is a string, a Buffer, or an array of pieces sent as one fragmented message.
const ticks = [];
for (let i = 0; i < 20; i++) {
  ticks.push(JSON.stringify({ event: 'tick', sequence: i, payload: 'same words again' }));
}
const CASES = [
  ['Hello, deflate', Buffer.from([0, 1, 0xfe, 0xff])],
  ['wsspec client compresses this line again and again. '.repeat(30000), Buffer.alloc(5 << 20, 'wsspec')],
  ticks,
  [['fragmented ', 'message ', 'in three parts'], [Buffer.alloc(70000, 1), Buffer.alloc(70000, 2)]],
];
const joined = (m) => (Array.isArray(m) ? (typeof m[0] === 'string' ? m.join('') : Buffer.concat(m)) : m);

const results = { cases: [], updated: false };
const answers = new WeakMap();
const wss = new WebSocket.Server({
  host: '127.0.0.1', port: args.port, perMessageDeflate: args.deflate, maxPayload: 64 << 20,
});
wss.on('headers', (headers, req) => {
  const line = headers.find((h) => h.toLowerCase().startsWith('sec-websocket-extensions:'));
  answers.set(req, line ? line.slice(line.indexOf(':') + 1).trim() : '');
});
wss.on('listening', () => {
  const { address, port } = wss.address();
  console.log(`listening on ${address}:${port}`);
});

function runCase(ws, n, entry) {
  const messages = CASES[n - 1];
  let at = 0;
  const sendNext = () => {
    const m = messages[at];
    if (!Array.isArray(m)) return ws.send(m);
    m.forEach((piece, i) => ws.send(piece, { fin: i === m.length - 1 }));
  };
  ws.on('message', (data, isBinary) => {
    const want = joined(messages[at]);
    const same = Buffer.isBuffer(want)
      ? isBinary && Buffer.compare(data, want) === 0
      : !isBinary && data.toString() === want;
    if (!same && entry.error === null) entry.error = `echo of a ${want.length}-byte message differs`;
    if (++at < messages.length && entry.error === null) return sendNext();
    ws.close(1000);
  });
  ws.on('close', () => results.cases.push(entry));
  sendNext();
}

wss.on('connection', (ws, req) => {
  const url = new URL(req.url, 'ws://localhost');
  if (url.pathname.endsWith('/getCaseCount')) {
    ws.send(String(CASES.length));
    ws.close(1000);
  } else if (url.pathname.endsWith('/updateReports')) {
    results.updated = true;
    ws.close(1000);
    ws.on('close', () => {
      if (args.results) fs.writeFileSync(args.results, JSON.stringify(results, null, 1));
      wss.close();
      process.exit(0);
    });
  } else if (url.pathname.endsWith('/runCase')) {
    runCase(ws, Number(url.searchParams.get('case')), {
      case: Number(url.searchParams.get('case')),
      offer: req.headers['sec-websocket-extensions'] || '',
      answer: answers.get(req) || '',
      error: null,
    });
  } else {
    ws.close(1008);
  }
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
