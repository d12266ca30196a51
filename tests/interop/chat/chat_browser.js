#!/usr/bin/env node
// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
// opens chat_server's page in two tabs: both are welcomed, a message typed in
// one appears in both with its sentAt, then the second tab is closed (the
// browser sends 1001; the test runner finds it in the server's log).
//   chat_browser.js URL [SPKI_SHA256_BASE64]
// With the hash, the server's certificate key is trusted (for https://).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const TIMEOUT_MS = 90000;

async function lines(tab, type) {
  return tab.$$eval(`#log li.${type}`, (items) => items.map((li) => ({
    time: li.querySelector('time').textContent,
    text: li.childNodes[1] ? li.childNodes[1].textContent : '',
  })));
}

async function waitForLine(tab, type, text) {
  await tab.waitForFunction(([t, x]) => [...document.querySelectorAll(`#log li.${t}`)]
    .some((li) => li.childNodes[1] && li.childNodes[1].textContent === x), [type, text], { timeout: 20000 });
  const found = (await lines(tab, type)).find((line) => line.text === text);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(found.time)) throw new Error(`time shown: ${found.time}`);
  return found;
}

async function main(url, spki) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tether-chromium-'));
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'];
  if (spki) args.push(`--ignore-certificate-errors-spki-list=${spki}`);
  // A persistent context is how playwright passes a fresh --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args,
  });
  try {
    const tabs = [await context.newPage(), await context.newPage()];
    for (const tab of tabs) {
      await tab.goto(url);
      await waitForLine(tab, 'system', 'Welcome!');
      const status = await tab.textContent('#status');
      if (!status.includes('subprotocol chat')) throw new Error(`status: ${status}`);
    }
    console.log('ok: both tabs welcomed, subprotocol chat');
    // The page says hello on open; the second tab's hello reaches the first.
    await waitForLine(tabs[0], 'chat', 'hello');
    await tabs[0].fill('#text', 'hi from tab one \u00e9\u{1F600}');
    await tabs[0].press('#text', 'Enter');
    const seen = [];
    for (const tab of tabs) seen.push(await waitForLine(tab, 'chat', 'hi from tab one \u00e9\u{1F600}'));
    if (seen[0].time !== seen[1].time) throw new Error(`sentAt differs: ${seen[0].time} ${seen[1].time}`);
    console.log(`ok: typed in tab one, shown in both with sentAt ${seen[0].time}`);
    await tabs[1].fill('#text', 'and back from tab two');
    await tabs[1].press('#text', 'Enter');
    for (const tab of tabs) await waitForLine(tab, 'chat', 'and back from tab two');
    console.log('ok: typed in tab two, shown in both');
    await tabs[1].close();
    console.log('closed tab two');
    // Give the server a moment to log the close, while tab one is still open.
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

setTimeout(() => { console.error('FAILED: timed out'); process.exit(1); }, TIMEOUT_MS).unref();
main(process.argv[2], process.argv[3]).then(() => process.exit(0), (error) => {
  console.error('FAILED:', error.message);
  process.exit(1);
});
