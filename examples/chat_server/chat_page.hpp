// The page GET / serves: the seed's browser client. It connects to /chat on
// the same host (ws:// or wss:// as the page came), offers the subprotocols
// "chat, superchat", says hello, shows every message with its time, sends
// what is typed, and shows the close code and reason when the socket closes.
#ifndef TETHER_EXAMPLES_CHAT_SERVER_CHAT_PAGE_HPP
#define TETHER_EXAMPLES_CHAT_SERVER_CHAT_PAGE_HPP

#include <string_view>

namespace chat {

inline constexpr std::string_view page_html = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>tether chat</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; }
  #log { list-style: none; padding: 0; border: 1px solid #ccc; height: 22rem; overflow-y: auto; }
  #log li { padding: .2rem .5rem; }
  #log li.system { color: #666; font-style: italic; }
  #log time { color: #999; font-size: 80%; margin-right: .5rem; }
  form { display: flex; gap: .5rem; margin-top: .5rem; }
  #text { flex: 1; }
</style>
</head>
<body>
<h1>tether chat</h1>
<p id="status">connecting…</p>
<ul id="log"></ul>
<form id="form"><input id="text" autocomplete="off" placeholder="Say something" autofocus><button>Send</button></form>
<script>
'use strict';
const log = document.getElementById('log');
const status = document.getElementById('status');
const input = document.getElementById('text');
const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/chat';
const ws = new WebSocket(url, ['chat', 'superchat']);

function show(message) {
  const item = document.createElement('li');
  item.className = message.type;
  const time = document.createElement('time');
  time.textContent = message.sentAt;
  item.append(time, document.createTextNode(message.text));
  log.append(item);
  log.scrollTop = log.scrollHeight;
}

function send(text) {
  ws.send(JSON.stringify({ type: 'chat', text, sentAt: new Date().toISOString() }));
}

ws.onopen = () => {
  status.textContent = 'connected to ' + url + ' (subprotocol ' + ws.protocol + ')';
  send('hello');
};
ws.onmessage = (event) => show(JSON.parse(event.data));
ws.onclose = (event) => {
  status.textContent = 'closed: ' + event.code + (event.reason ? ' ' + event.reason : '');
  status.dataset.code = event.code;
};
ws.onerror = () => { status.textContent = 'error'; };
document.getElementById('form').onsubmit = (event) => {
  event.preventDefault();
  if (input.value && ws.readyState === WebSocket.OPEN) send(input.value);
  input.value = '';
};
</script>
</body>
</html>
)html";

}  // namespace chat

#endif
