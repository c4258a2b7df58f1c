#!/usr/bin/env node
// Echo server built on the npm package `ws` (tools/node_modules/ws).
//
// Same shape as ws's own test/autobahn-server.js: every message is sent back
// with the same opcode (text as text, binary as binary).
//
//   node tools/peers/node_ws_server.js --host 127.0.0.1 --port 9003 [--deflate]
//
// maxPayload is 64 MiB (ws's default is 100 MiB; wsspec sends 16 MiB+).
// permessage-deflate is off unless --deflate is given (ws's server default
// is also off). Prints "listening on HOST:PORT" once bound (with --port 0 the
// port the kernel chose). SIGTERM / SIGINT close every connection with 1001
// and exit 0.
'use strict';

const path = require('path');
const WebSocket = require(path.join(__dirname, '..', 'node_modules', 'ws'));

function parseArgs(argv) {
  const opts = { host: '127.0.0.1', port: 9003, deflate: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage(`missing value for ${a}`);
      return argv[++i];
    };
    if (a === '--host') opts.host = next();
    else if (a === '--port') opts.port = Number(next());
    else if (a === '--deflate') opts.deflate = true;
    else if (a === '--no-deflate') opts.deflate = false;
    else if (a === '-h' || a === '--help') usage(null);
    else usage(`unknown argument ${a}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    usage('bad --port');
  }
  return opts;
}

function usage(err) {
  const text = 'usage: node_ws_server.js [--host H] [--port N] [--deflate]';
  if (err) {
    console.error(`${err}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

const opts = parseArgs(process.argv.slice(2));

const wss = new WebSocket.WebSocketServer(
  {
    host: opts.host,
    port: opts.port,
    maxPayload: 64 * 1024 * 1024,
    perMessageDeflate: opts.deflate,
  },
  () => {
    const addr = wss.address();
    process.stdout.write(`listening on ${addr.address}:${addr.port}\n`);
  }
);

wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    ws.send(data, { binary: isBinary });
  });
  ws.on('error', (e) => console.error(`connection error: ${e.message}`));
});

wss.on('error', (e) => {
  console.error(`server error: ${e.message}`);
  process.exit(1);
});

function shutdown() {
  for (const ws of wss.clients) ws.close(1001, 'server shutting down');
  wss.close(() => process.exit(0));
  // Peers that never answer the close handshake must not keep us alive.
  setTimeout(() => {
    for (const ws of wss.clients) ws.terminate();
    process.exit(0);
  }, 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
