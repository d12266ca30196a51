#!/usr/bin/env python3
"""Captures seed inputs from real clients on loopback: Python `websockets`,
Node `ws` and headless Chromium connect to a raw TCP listener here, which
records their upgrade request byte for byte, answers 101 (with
permessage-deflate when it is offered, so compressed frames are captured too),
and records the frames they send (a chat message, binary, a close) until
their close frame. Writes the seeds into tests/fuzz/corpus/:
  http_head/ and handshake/   <peer>_request           the upgrade request
  connection/                 <peer>_frames            the client's frames (masked)
  frame_decoder/              <peer>_frames            4 configuration bytes + frames
Run once by hand when a peer changes (the seeds are committed):
  python3 tests/fuzz/capture_seeds.py
Every process started here is bounded in time and killed by its pid."""
import base64
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
INTEROP = os.path.join(HERE, "..", "interop")
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
CHAT = '{"type":"chat","text":"こんにちは, tether","sentAt":"2026-12-02T18:00:00.000Z"}'


def read_head(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            raise RuntimeError("closed before the end of the head")
        data += chunk
    end = data.index(b"\r\n\r\n") + 4
    return data[:end], data[end:]


def header(head, name):
    for line in head.split(b"\r\n")[1:]:
        if b":" in line:
            key, value = line.split(b":", 1)
            if key.strip().lower() == name:
                return value.strip()
    return b""


def frames_until_close(conn, data):
    """Reads until a complete close frame has arrived; returns all frame bytes."""
    while True:
        at = 0
        while at + 2 <= len(data):
            length = data[at + 1] & 0x7F
            size = 2
            if length == 126:
                if at + 4 > len(data):
                    break
                length, size = int.from_bytes(data[at + 2:at + 4], "big"), 4
            elif length == 127:
                if at + 10 > len(data):
                    break
                length, size = int.from_bytes(data[at + 2:at + 10], "big"), 10
            size += 4 if data[at + 1] & 0x80 else 0
            if at + size + length > len(data):
                break
            if data[at] & 0x0F == 0x8:
                return data[:at + size + length]
            at += size + length
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk


def serve_one(listener, results, name):
    conn, _ = listener.accept()
    conn.settimeout(30)
    with conn:
        head, rest = read_head(conn)
        accept = base64.b64encode(hashlib.sha1(header(head, b"sec-websocket-key") + GUID).digest())
        response = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        response += b"Sec-WebSocket-Accept: " + accept + b"\r\n"
        if b"chat" in header(head, b"sec-websocket-protocol"):
            response += b"Sec-WebSocket-Protocol: chat\r\n"  # a client fails a 101 naming none it offered
        if b"permessage-deflate" in header(head, b"sec-websocket-extensions"):
            response += b"Sec-WebSocket-Extensions: permessage-deflate\r\n"
        conn.sendall(response + b"\r\n")
        frames = frames_until_close(conn, rest)
        conn.sendall(b"\x88\x02\x03\xe8")  # close 1000, unmasked: we are the server
        results[name] = (head, frames)


PYTHON_CLIENT = """
import asyncio, sys
from websockets.client import connect
async def main():
    async with connect(sys.argv[1], subprotocols=["chat", "superchat"]) as ws:
        await ws.send(sys.argv[2])
        await ws.send(bytes(range(200)))
        await ws.ping(b"tether")
asyncio.run(main())
"""

NODE_CLIENT = """
const WebSocket = require('ws');
const ws = new WebSocket(process.argv[1], ['chat', 'superchat'], {perMessageDeflate: {threshold: 0}});
ws.on('open', () => { ws.send(process.argv[2]); ws.send(Buffer.alloc(300, 7)); ws.ping('tether');
                      ws.close(1000, 'bye'); });
ws.on('close', () => process.exit(0));
ws.on('error', (e) => { console.error(e.message); process.exit(1); });
"""

BROWSER_CLIENT = """
const { chromium } = require('playwright-core');
(async () => {
  const browser = await chromium.launch({executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
                                         args: ['--headless', '--no-sandbox', '--disable-gpu']});
  const page = await browser.newPage();
  await page.evaluate(async ([url, text]) => {
    const ws = new WebSocket(url, ['chat', 'superchat']);
    await new Promise((resolve) => { ws.onopen = resolve; });
    ws.send(text);
    ws.send(new Uint8Array(300));
    ws.close(1000, 'bye');
    await new Promise((resolve) => { ws.onclose = resolve; });
  }, [process.argv[1], process.argv[2]]);
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
"""


def run_peer(name, argv, cwd=None):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(60)
    url = "ws://127.0.0.1:%d/chat" % listener.getsockname()[1]
    results = {}
    server = threading.Thread(target=serve_one, args=(listener, results, name), daemon=True)
    server.start()
    process = subprocess.Popen(argv + [url, CHAT], cwd=cwd)
    try:
        process.wait(timeout=90)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    server.join(timeout=30)
    listener.close()
    if name not in results:
        print("%s: nothing captured" % name, file=sys.stderr)
        return False
    head, frames = results[name]
    for folder in ("http_head", "handshake"):
        with open(os.path.join(CORPUS, folder, name + "_request"), "wb") as out:
            out.write(head)
    with open(os.path.join(CORPUS, "connection", name + "_frames"), "wb") as out:
        out.write(frames)
    # fuzz_frame_decoder: server role, RSV1 allowed (permessage-deflate), strict
    # lengths; the largest limits; read in 13-byte steps.
    with open(os.path.join(CORPUS, "frame_decoder", name + "_frames"), "wb") as out:
        out.write(bytes([0x03, 0xFF, 0xFF, 12]) + frames)
    print("%s: %d request bytes, %d frame bytes" % (name, len(head), len(frames)))
    return True


def main():
    # Debian's python3 has python3-websockets (a pyenv python may not).
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    ok = run_peer("python_websockets", [python, "-c", PYTHON_CLIENT])
    node = shutil.which("node")
    if node and os.path.isdir(os.path.join(INTEROP, "node_modules", "ws")):
        ok = run_peer("node_ws", [node, "-e", NODE_CLIENT], cwd=INTEROP) and ok
        if os.path.exists(os.environ.get("CHROMIUM", "/usr/bin/chromium")):
            ok = run_peer("chromium", [node, "-e", BROWSER_CLIENT], cwd=INTEROP) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
