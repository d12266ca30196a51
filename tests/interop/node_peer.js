#!/usr/bin/env node
// Node `ws` against tether's examples.
//   node_peer.js client URL   drive echo_server: every scenario, checked
//   node_peer.js server PORT  serve echo_client: send every scenario, check the echoes
// Exits 0 when every check passed.
'use strict';
const crypto = require('crypto');
const { WebSocket, WebSocketServer } = require('ws');

const BIG = 16 * 1024 * 1024;
const TIMEOUT_MS = 120000;

// [name, fragments, isBinary]: one fragment is a whole message.
function scenarios() {
  return [
    ['text', ['hello from node \u00e9\u20ac\u{1F600}'], false],
    ['binary', [crypto.randomBytes(300)], true],
    ['empty text', [''], false],
    ['empty binary', [Buffer.alloc(0)], true],
    ['fragmented text', ['frag', 'mented ', '\u00fcber'], false],
    ['fragmented binary', [Buffer.from([0, 1]), Buffer.alloc(0), Buffer.from([2, 3])], true],
    ['16 MiB binary', [crypto.randomBytes(BIG)], true],
    ['16 MiB text', ['y'.repeat(BIG)], false],
  ];
}

function sendScenario(ws, fragments, isBinary) {
  fragments.forEach((fragment, i) => {
    ws.send(fragment, { binary: isBinary, fin: i === fragments.length - 1, compress: false });
  });
}

function expected(fragments, isBinary) {
  return Buffer.concat(fragments.map((f) => Buffer.from(f)));
}

// Plays every scenario over `ws`, then pings and closes with `code`.
function play(ws, code, done) {
  const list = scenarios();
  let index = 0;
  const next = () => {
    if (index === list.length) {
      ws.once('pong', (data) => {
        if (data.toString() !== 'node ping') return done(new Error('pong payload differs'));
        console.log('ok: ping answered with pong');
        ws.close(code, 'node says bye');
      });
      ws.ping('node ping');
      return;
    }
    const [name, fragments, isBinary] = list[index];
    ws.once('message', (data, binary) => {
      if (binary !== isBinary || !Buffer.from(data).equals(expected(fragments, isBinary))) {
        return done(new Error(`${name}: echo differs`));
      }
      console.log(`ok: ${name}`);
      index += 1;
      next();
    });
    sendScenario(ws, fragments, isBinary);
  };
  ws.on('close', (closeCode) => {
    if (closeCode !== code) return done(new Error(`close echoed as ${closeCode}`));
    console.log(`ok: close ${code} echoed`);
    done(null);
  });
  ws.on('error', done);
  next();
}

function finish(error) {
  if (error) {
    console.error('FAILED:', error.message);
    process.exit(1);
  }
  process.exit(0);
}

setTimeout(() => finish(new Error('timed out')), TIMEOUT_MS).unref();
const [mode, target] = process.argv.slice(2);
if (mode === 'client') {
  const ws = new WebSocket(target, { perMessageDeflate: false, maxPayload: 2 * BIG });
  ws.on('open', () => play(ws, 4003, finish));
  ws.on('error', finish);
} else if (mode === 'server') {
  const server = new WebSocketServer({ host: '127.0.0.1', port: Number(target), perMessageDeflate: false, maxPayload: 2 * BIG });
  server.on('listening', () => console.log('listening'));
  server.on('connection', (ws) => play(ws, 4004, (error) => { server.close(); finish(error); }));
} else {
  finish(new Error(`unknown mode ${mode}`));
}
