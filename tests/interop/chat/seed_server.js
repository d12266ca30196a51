#!/usr/bin/env node
// The seed's chat server, as a Node `ws` tutorial writes it: greet each new
// client, broadcast every message to every open client. The subprotocol
// "chat" is selected from the browser's "chat, superchat".
//   seed_server.js PORT
'use strict';
const { WebSocketServer, WebSocket } = require('ws');

const port = Number(process.argv[2] || 8080);
const wss = new WebSocketServer({
  host: '127.0.0.1',
  port,
  handleProtocols: (protocols) => (protocols.has('chat') ? 'chat' : false),
});

wss.on('connection', (ws) => {
  ws.send(JSON.stringify({ type: 'system', text: 'Welcome!', sentAt: new Date().toISOString() }));
  ws.on('message', (data, isBinary) => {
    for (const client of wss.clients) {
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
    }
  });
});

wss.on('listening', () => console.log(`listening on ws://127.0.0.1:${wss.address().port}/`));
process.on('SIGTERM', () => process.exit(0));
