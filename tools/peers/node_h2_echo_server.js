#!/usr/bin/env node
// A WebSocket echo over HTTP/2 with Node's own http2 module (RFC 8441: the server's
// SETTINGS carry enableConnectProtocol, a CONNECT with :protocol websocket gets 200), h2c
// with prior knowledge. Node has no WebSocket server of its own, so the RFC 6455 framing
// is done here, by hand and small: masked client frames, fragmented messages reassembled,
// UTF-8 checked with TextDecoder's fatal mode, Pings answered, Close answered and followed
// by END_STREAM; protocol errors fail the WebSocket with 1002/1007 (RFC 6455 7.1.7).
// What is judged is mostly Node's HTTP/2 (the extended CONNECT, flow control, stream ends).
//
//   node node_h2_echo_server.js --host 127.0.0.1 --port PORT
'use strict';
const http2 = require('http2');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const host = opt('--host', '127.0.0.1');
const port = Number(opt('--port', '0'));

const OP_CONT = 0x0, OP_TEXT = 0x1, OP_BINARY = 0x2, OP_CLOSE = 0x8, OP_PING = 0x9, OP_PONG = 0xa;
const MAX_MESSAGE = 64 * 1024 * 1024;

function frame(opcode, payload) {
  const len = payload.length;
  let head;
  if (len < 126) {
    head = Buffer.from([0x80 | opcode, len]);
  } else if (len < 65536) {
    head = Buffer.alloc(4);
    head[0] = 0x80 | opcode; head[1] = 126; head.writeUInt16BE(len, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = 0x80 | opcode; head[1] = 127; head.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([head, payload]);
}

function validCloseCode(code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) ||
         (code >= 3000 && code <= 4999);
}

function serveWebSocket(stream) {
  let buf = Buffer.alloc(0);
  let fragments = null;  // {opcode, parts, size}
  let closed = false;
  const utf8 = () => new TextDecoder('utf-8', {fatal: true});

  const fail = (code, reason) => {
    if (closed) return;
    closed = true;
    const body = Buffer.alloc(2); body.writeUInt16BE(code, 0);
    stream.end(frame(OP_CLOSE, Buffer.concat([body, Buffer.from(reason)])));
  };

  stream.on('data', (chunk) => {
    if (closed) return;
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (buf.length < 2) return;
      const b0 = buf[0], b1 = buf[1];
      const fin = (b0 & 0x80) !== 0, rsv = b0 & 0x70, opcode = b0 & 0x0f;
      const masked = (b1 & 0x80) !== 0;
      let len = b1 & 0x7f, at = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2); at = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        const big = buf.readBigUInt64BE(2);
        if (big > BigInt(MAX_MESSAGE)) return fail(1009, 'too big');
        len = Number(big); at = 10;
      }
      if (rsv) return fail(1002, 'reserved bits');
      if (!masked) return fail(1002, 'unmasked client frame');
      if (buf.length < at + 4 + len) return;
      const key = buf.subarray(at, at + 4);
      const payload = Buffer.from(buf.subarray(at + 4, at + 4 + len));
      for (let i = 0; i < payload.length; ++i) payload[i] ^= key[i & 3];
      buf = buf.subarray(at + 4 + len);
      if (opcode >= 0x8) {
        if (!fin || len > 125) return fail(1002, 'bad control frame');
        if (opcode === OP_PING) {
          stream.write(frame(OP_PONG, payload));
        } else if (opcode === OP_PONG) {
          // nothing to do
        } else if (opcode === OP_CLOSE) {
          if (len === 1) return fail(1002, 'close payload of 1 octet');
          if (len >= 2) {
            const code = payload.readUInt16BE(0);
            if (!validCloseCode(code)) return fail(1002, 'invalid close code');
            try { utf8().decode(payload.subarray(2)); } catch (e) { return fail(1007, 'bad reason'); }
          }
          closed = true;
          // RFC 6455 5.5.1 answer, then END_STREAM: the orderly close (RFC 8441 5).
          stream.end(frame(OP_CLOSE, len >= 2 ? payload.subarray(0, 2) : Buffer.alloc(0)));
          return;
        } else {
          return fail(1002, 'reserved opcode');
        }
        continue;
      }
      if (opcode === OP_TEXT || opcode === OP_BINARY) {
        if (fragments) return fail(1002, 'new message inside a fragmented one');
        fragments = {opcode, parts: [payload], size: payload.length, decoder: utf8()};
      } else if (opcode === OP_CONT) {
        if (!fragments) return fail(1002, 'continuation without a message');
        fragments.parts.push(payload);
        fragments.size += payload.length;
        if (fragments.size > MAX_MESSAGE) return fail(1009, 'too big');
      } else {
        return fail(1002, 'reserved opcode');
      }
      if (fragments.opcode === OP_TEXT) {
        try {
          fragments.decoder.decode(payload, {stream: !fin});
        } catch (e) {
          return fail(1007, 'invalid UTF-8');
        }
      }
      if (fin) {
        stream.write(frame(fragments.opcode, Buffer.concat(fragments.parts)));
        fragments = null;
      }
    }
  });
  // The client's END_STREAM is its TCP close (RFC 8441 5): end ours too.
  stream.on('end', () => { if (!stream.writableEnded) stream.end(); });
  stream.on('error', () => {});
}

const server = http2.createServer({settings: {enableConnectProtocol: true}});
server.on('stream', (stream, headers) => {
  // RFC 9110 7.8: protocol names compare case-insensitively.
  if (headers[':method'] === 'CONNECT' && (headers[':protocol'] || '').toLowerCase() === 'websocket') {
    if (headers['sec-websocket-version'] !== '13') {
      stream.respond({':status': 400, 'sec-websocket-version': '13'}, {endStream: true});
      return;
    }
    stream.respond({':status': 200});
    serveWebSocket(stream);
    return;
  }
  stream.respond({':status': headers[':method'] === 'CONNECT' ? 501 : 404}, {endStream: true});
});
server.on('sessionError', () => {});
server.listen(port, host, () => {
  console.log(`listening on ${host}:${server.address().port}`);
});
