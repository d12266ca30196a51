#!/usr/bin/env node
// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) as a
// WebSocket client of an echo server: the browser's own WebSocket implementation
// sends text, binary, empty and 16 MiB messages, checks the echoes, and closes
// with a code and reason (a page's WebSocket can neither fragment nor ping).
// The browser always offers permessage-deflate (RFC 7692); the second argument
// says whether the server must agree to it (on, the default) or decline (off).
//   browser_peer.js URL [on|off]
'use strict';
const { chromium } = require('playwright-core');

const TIMEOUT_MS = 120000;

async function main(url, expectDeflate) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    const log = await page.evaluate(async ([target, expectDeflate]) => {
      const lines = [];
      const ws = new WebSocket(target);
      ws.binaryType = 'arraybuffer';
      const next = () => new Promise((resolve, reject) => {
        ws.onmessage = (event) => resolve(event.data);
        ws.onerror = () => reject(new Error('websocket error'));
      });
      await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('open failed')); });
      lines.push('open extensions=' + JSON.stringify(ws.extensions));
      const agreed = /^permessage-deflate(;|$)/.test(ws.extensions);
      if (agreed !== expectDeflate) throw new Error(`extensions ${JSON.stringify(ws.extensions)}, expected deflate ${expectDeflate}`);
      lines.push(`ok: permessage-deflate ${agreed ? 'agreed' : 'declined'}`);
      for (let i = 0; i < 20; i++) {
        const chat = JSON.stringify({ type: 'chat', text: `message number ${i} from the browser`, sentAt: new Date().toISOString() });
        ws.send(chat);
        if ((await next()) !== chat) throw new Error('chat message echo differs');
      }
      lines.push('ok: 20 chat messages');
      const compressible = 'tether '.repeat(1 << 17);  // 896 KiB
      ws.send(compressible);
      if ((await next()) !== compressible) throw new Error('compressible text echo differs');
      lines.push('ok: compressible text');
      const text = 'hello from the browser \u00e9\u20ac\u{1F600}';
      ws.send(text);
      if ((await next()) !== text) throw new Error('text echo differs');
      lines.push('ok: text');
      ws.send('');
      if ((await next()) !== '') throw new Error('empty echo differs');
      lines.push('ok: empty text');
      for (const size of [300, 16 << 20]) {
        const bytes = new Uint8Array(size);
        for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 255;
        ws.send(bytes);
        const echoed = new Uint8Array(await next());
        if (echoed.length !== bytes.length || echoed.some((b, i) => b !== bytes[i])) throw new Error('binary echo differs');
        lines.push(`ok: ${size} bytes binary`);
      }
      const big = '\u00e9'.repeat(8 << 20);  // 16 MiB of UTF-8
      ws.send(big);
      if ((await next()) !== big) throw new Error('16 MiB text echo differs');
      lines.push('ok: 16 MiB text');
      const closed = new Promise((resolve) => { ws.onclose = resolve; });
      ws.close(4005, 'browser says bye');
      const event = await closed;
      if (event.code !== 4005 || !event.wasClean) throw new Error(`close ${event.code} clean=${event.wasClean}`);
      lines.push('ok: close 4005 echoed, clean');
      return lines;
    }, [url, expectDeflate]);
    for (const line of log) console.log(line);
  } finally {
    await browser.close();
  }
}

setTimeout(() => { console.error('FAILED: timed out'); process.exit(1); }, TIMEOUT_MS).unref();
main(process.argv[2], process.argv[3] !== 'off').then(() => process.exit(0), (error) => { console.error('FAILED:', error.message); process.exit(1); });
