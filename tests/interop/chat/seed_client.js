#!/usr/bin/env node
// The seed's browser client logic, in Node with `ws` instead of a page: it
// connects offering "chat, superchat", says hello, and shows every message
// with its time. Run as a program it checks a conversation between two of
// them against a chat server:
//   seed_client.js URL     two clients: both welcomed, each one's messages reach both
// Exits 0 when every check passed.
'use strict';
const { WebSocket } = require('ws');

const TIMEOUT_MS = 60000;

// The seed client: returns the socket; onShow gets every message as shown.
function seedClient(url, name, onShow) {
  const ws = new WebSocket(url, ['chat', 'superchat']);
  const send = (text) => ws.send(JSON.stringify({ type: 'chat', text, sentAt: new Date().toISOString() }));
  ws.on('open', () => send(`hello from ${name}`));
  ws.on('message', (data) => onShow(JSON.parse(data.toString())));
  ws.on('close', (code, reason) => onShow({ type: 'close', code, reason: reason.toString() }));
  ws.chat = send;
  return ws;
}

// Resolves when `predicate` holds for a message shown to `log` (past or future).
function waitFor(log, predicate, what) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const found = log.messages.find(predicate);
      if (found) return resolve(found);
      return false;
    };
    if (check()) return;
    log.waiters.push(() => check());
    setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 20000).unref();
  });
}

function recorder(name) {
  const log = { messages: [], waiters: [] };
  log.show = (message) => {
    console.log(`${name}: [${message.sentAt || ''}] ${message.type}: ${message.text || message.code}`);
    log.messages.push(message);
    for (const waiter of log.waiters) waiter();
  };
  return log;
}

const isIso = (text) => typeof text === 'string' && !Number.isNaN(Date.parse(text)) && /T.*Z$/.test(text);

async function conversation(url) {
  const alice = recorder('alice');
  const bob = recorder('bob');
  const a = seedClient(url, 'alice', alice.show);
  await new Promise((resolve, reject) => { a.on('open', resolve); a.on('error', reject); });
  if (a.protocol !== 'chat') throw new Error(`subprotocol ${a.protocol}`);
  const b = seedClient(url, 'bob', bob.show);
  await new Promise((resolve, reject) => { b.on('open', resolve); b.on('error', reject); });
  for (const log of [alice, bob]) {
    const welcome = await waitFor(log, (m) => m.type === 'system' && m.text === 'Welcome!', 'the welcome');
    if (!isIso(welcome.sentAt)) throw new Error(`welcome sentAt ${welcome.sentAt}`);
  }
  // Bob's hello went out after both were open: both see it.
  for (const log of [alice, bob]) await waitFor(log, (m) => m.type === 'chat' && m.text === 'hello from bob', 'bob\'s hello');
  const sentAt = new Date().toISOString();
  a.send(JSON.stringify({ type: 'chat', text: 'how are you, bob? \u00e9\u20ac\u{1F600}', sentAt }));
  for (const log of [alice, bob]) {
    const m = await waitFor(log, (x) => x.type === 'chat' && x.text.startsWith('how are you'), 'alice\'s question');
    if (m.sentAt !== sentAt) throw new Error(`sentAt changed: ${m.sentAt} != ${sentAt}`);
  }
  b.chat('fine, thanks');
  for (const log of [alice, bob]) await waitFor(log, (m) => m.text === 'fine, thanks', 'bob\'s answer');
  b.close(1000, 'bye');
  const closed = await waitFor(bob, (m) => m.type === 'close', 'bob\'s close');
  if (closed.code !== 1000) throw new Error(`bob closed with ${closed.code}`);
  a.close(1000, 'bye');
  await waitFor(alice, (m) => m.type === 'close', 'alice\'s close');
  console.log('ok: two seed clients chatted');
}

module.exports = { seedClient };

if (require.main === module) {
  setTimeout(() => { console.error('FAILED: timed out'); process.exit(1); }, TIMEOUT_MS).unref();
  conversation(process.argv[2]).then(() => process.exit(0), (error) => {
    console.error('FAILED:', error.message);
    process.exit(1);
  });
}
