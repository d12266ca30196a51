#!/usr/bin/env node
// Node `ws` against tether's examples.
//   node_peer.js client URL   drive echo_server: every scenario, checked
//   node_peer.js server PORT  serve echo_client: send every scenario, check the echoes
//   node_peer.js deflate-client URL on|off   permessage-deflate (RFC 7692): one connection per
//       parameter set in CLIENT_DEFLATE, each checked for what the server agreed to (on) or for
//       no extension (off, against a server run with --no-deflate), then compressed scenarios
//   node_peer.js deflate-server PORT on|off  the same as a server for echo_client: connection i
//       (path /i) gets SERVER_DEFLATE[i]
// Exits 0 when every check passed.
'use strict';
const crypto = require('crypto');
const http = require('http');
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

// permessage-deflate parameter sets, threshold 0 so that every message is
// compressed, and the answer expected from tether's default policy (12-bit
// windows both ways, context takeover allowed) as its parameters.
const CLIENT_DEFLATE = [
  ['ws default offer', {},
   { server_max_window_bits: '12', client_max_window_bits: '12' }],
  ['no context takeover both ways', { serverNoContextTakeover: true, clientNoContextTakeover: true },
   { server_no_context_takeover: true, client_no_context_takeover: true, server_max_window_bits: '12',
     client_max_window_bits: '12' }],
  ['windows 8 both ways', { serverMaxWindowBits: 8, clientMaxWindowBits: 8 },
   { server_max_window_bits: '8', client_max_window_bits: '8' }],
  ['server window 10, client window 9', { serverMaxWindowBits: 10, clientMaxWindowBits: 9 },
   { server_max_window_bits: '10', client_max_window_bits: '9' }],
  ['server no context takeover, server window 9', { serverNoContextTakeover: true, serverMaxWindowBits: 9 },
   { server_no_context_takeover: true, server_max_window_bits: '9', client_max_window_bits: '12' }],
];
// Against tether's offer "server_max_window_bits=12; client_max_window_bits=12".
const SERVER_DEFLATE = [
  ['ws defaults', {},
   { server_max_window_bits: '12', client_max_window_bits: '12' }],
  ['no context takeover both ways', { serverNoContextTakeover: true, clientNoContextTakeover: true },
   { server_no_context_takeover: true, client_no_context_takeover: true, server_max_window_bits: '12',
     client_max_window_bits: '12' }],
  ['windows 9 both ways', { serverMaxWindowBits: 9, clientMaxWindowBits: 9 },
   { server_max_window_bits: '9', client_max_window_bits: '9' }],
  ['client window 8 imposed, server window 10', { serverMaxWindowBits: 10, clientMaxWindowBits: 8 },
   { server_max_window_bits: '10', client_max_window_bits: '8' }],
  ['server window 8 (ws compresses with 9)', { serverMaxWindowBits: 8 },
   { server_max_window_bits: '8', client_max_window_bits: '12' }],
];
const MIB = 1024 * 1024;

// A Sec-WebSocket-Extensions answer as {param: value or true}, or null without permessage-deflate.
function parseAnswer(value) {
  if (!value) return null;
  const [name, ...params] = value.split(';').map((part) => part.trim());
  if (name !== 'permessage-deflate') return null;
  const result = {};
  for (const param of params) {
    const [key, v] = param.split('=');
    result[key] = v === undefined ? true : v.replace(/"/g, '');
  }
  return result;
}

function sameParams(a, b) {
  const keys = (o) => Object.keys(o).sort();
  return JSON.stringify(keys(a)) === JSON.stringify(keys(b)) && keys(a).every((k) => a[k] === b[k]);
}

function deflateScenarios() {
  const list = [['tiny text', ['hi'], false], ['empty binary', [Buffer.alloc(0)], true]];
  for (let i = 0; i < 20; i++) {
    list.push([`chat message ${i}`,
      [JSON.stringify({ type: 'chat', text: `message number ${i} in the room`, sentAt: '2024-05-01T12:34:56.789Z' })],
      false]);
  }
  const mixed = Buffer.alloc(MIB);
  for (let i = 0; i < MIB / 2; i++) mixed[i] = i & 255;
  crypto.randomFillSync(mixed, MIB / 2);
  list.push(['1 MiB compressible text', ['tether '.repeat(MIB / 8) + '!'.repeat(MIB - 7 * (MIB / 8))], false]);
  list.push(['1 MiB incompressible binary', [crypto.randomBytes(MIB)], true]);
  list.push(['1 MiB mixed binary', [mixed], true]);
  list.push(['fragmented compressible text', ['fragmented '.repeat(1000), '', 'text '.repeat(5000), '\u00fcber'.repeat(100)],
    false]);
  list.push(['fragmented binary', [crypto.randomBytes(70000), Buffer.alloc(70000, 'z')], true]);
  return list;
}

// Checks what was agreed, echoes every deflate scenario (sent compressed), pings, closes with 1000.
function playDeflate(ws, name, answer, expectedParams, expectOn, done) {
  const params = parseAnswer(answer);
  const agreedOk = expectOn ? params !== null && sameParams(params, expectedParams) && ws.extensions === 'permessage-deflate'
    : params === null && ws.extensions === '';
  if (!agreedOk) {
    return done(new Error(`${name}: agreed [${answer}] (ws.extensions '${ws.extensions}'), expected ` +
                          (expectOn ? JSON.stringify(expectedParams) : 'none')));
  }
  console.log(`ok: ${name}: ${expectOn ? 'agreed ' + answer : 'no extension'}`);
  const list = deflateScenarios();
  let index = 0;
  const next = () => {
    if (index === list.length) {
      console.log(`ok: ${name}: every message echoed byte for byte`);
      ws.once('pong', () => ws.close(1000));
      ws.ping('deflate ping');
      return;
    }
    const [label, fragments, isBinary] = list[index];
    ws.once('message', (data, binary) => {
      if (binary !== isBinary || !Buffer.from(data).equals(expected(fragments, isBinary))) {
        return done(new Error(`${name}: ${label}: echo differs`));
      }
      index += 1;
      next();
    });
    fragments.forEach((fragment, i) => {
      ws.send(fragment, { binary: isBinary, fin: i === fragments.length - 1, compress: true });
    });
  };
  ws.on('close', (code) => done(code === 1000 ? null : new Error(`${name}: closed with ${code}`)));
  ws.on('error', done);
  next();
}

function deflateClient(url, expectOn, index) {
  if (index === CLIENT_DEFLATE.length) return finish(null);
  const [name, options, expectedParams] = CLIENT_DEFLATE[index];
  const ws = new WebSocket(url, { perMessageDeflate: { threshold: 0, ...options }, maxPayload: 64 * MIB });
  let answer = '';
  ws.on('upgrade', (response) => { answer = response.headers['sec-websocket-extensions'] || ''; });
  ws.on('open', () => playDeflate(ws, name, answer, expectedParams, expectOn, (error) => {
    if (error) return finish(error);
    deflateClient(url, expectOn, index + 1);
  }));
  ws.on('error', finish);
}

function deflateServer(port, expectOn) {
  const servers = SERVER_DEFLATE.map(([name, options, expectedParams]) => {
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: { threshold: 0, ...options }, maxPayload: 64 * MIB });
    let answer = '';
    wss.on('headers', (headers) => {
      const line = headers.find((h) => h.toLowerCase().startsWith('sec-websocket-extensions:'));
      answer = line ? line.slice(line.indexOf(':') + 1).trim() : '';
    });
    return { wss, name, expectedParams, answer: () => answer };
  });
  let finished = 0;
  const front = http.createServer((request, response) => { response.writeHead(404); response.end(); });
  front.on('upgrade', (request, socket, head) => {
    const server = servers[Number(request.url.slice(1))];
    if (!server) return socket.destroy();
    server.wss.handleUpgrade(request, socket, head, (ws) => {
      playDeflate(ws, server.name, server.answer(), server.expectedParams, expectOn, (error) => {
        if (error) return finish(error);
        finished += 1;
        if (finished === servers.length) front.close(() => finish(null));
      });
    });
  });
  front.listen(port, '127.0.0.1', () => console.log(`listening connections=${servers.length}`));
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
} else if (mode === 'deflate-client') {
  deflateClient(target, process.argv[4] === 'on', 0);
} else if (mode === 'deflate-server') {
  deflateServer(Number(target), process.argv[4] === 'on');
} else {
  finish(new Error(`unknown mode ${mode}`));
}
