#!/usr/bin/python3
"""Python `websockets` (Debian python3-websockets) against tether's examples.

  python_peer.py client URL      drive echo_server as a client: every scenario
  python_peer.py server PORT     serve echo_client: send every scenario, check the echoes
  python_peer.py violate URL     handshake by hand, then break a rule; expect the close code
  python_peer.py masked-server PORT   answer 101 by hand, send a masked frame; expect close 1002
  python_peer.py deflate-client URL on|off    permessage-deflate (RFC 7692): one connection per
      client parameter set in CLIENT_DEFLATE, each checked for what was agreed (on) or for
      no extension (off, against a server run with --no-deflate), then compressed scenarios
  python_peer.py deflate-server PORT on|off   the same as a server for echo_client: connection i
      (path /i) gets the server parameter set SERVER_DEFLATE[i]

Exits 0 when every check passed; prints what failed otherwise.
"""
import asyncio
import base64
import os
import socket
import struct
import sys

import websockets
from websockets.extensions.permessage_deflate import (ClientPerMessageDeflateFactory, PerMessageDeflate,
                                                      ServerPerMessageDeflateFactory)
from websockets.legacy.server import WebSocketServerProtocol

BIG = 16 * 1024 * 1024
TIMEOUT = 60
CLOSE_WAIT = 5  # well below tether's close_timeout (10 s)


def scenarios():
    """(name, message or list of fragments) pairs; lists are sent fragmented."""
    return [
        ("text", "hello from python \u00e9\u20ac\U0001F600"),
        ("binary", bytes(range(256))),
        ("empty text", ""),
        ("empty binary", b""),
        ("fragmented text", ["frag", "mented ", "\u00fcber"]),
        ("fragmented binary", [b"\x00\x01", b"", b"\x02\x03"]),
        ("16 MiB binary", os.urandom(BIG)),
        ("16 MiB text", "x" * BIG),
    ]


def joined(message):
    if isinstance(message, list):
        return ("" if isinstance(message[0], str) else b"").join(message)
    return message


async def echo_each(ws, messages, label=""):
    """Sends each (name, message or fragments) and checks that the echo has the same type and bytes."""
    for name, message in messages:
        await ws.send(message)
        echo = await asyncio.wait_for(ws.recv(), TIMEOUT)
        if echo != joined(message) or type(echo) is not type(joined(message)):
            raise AssertionError(f"{label}{name}: echo differs")
        print(f"ok: {label}{name}")


async def play(ws, ping_payload, close_code, close_reason):
    """Every scenario with its echo checked, a ping, then a close whose code must come back."""
    await echo_each(ws, scenarios())
    pong = await ws.ping(ping_payload)
    await asyncio.wait_for(pong, TIMEOUT)
    print("ok: ping answered with pong")
    await ws.close(code=close_code, reason=close_reason)
    if ws.close_code != close_code:
        raise AssertionError(f"close code echoed as {ws.close_code}")
    print(f"ok: close {close_code} echoed")


async def run_client(url):
    async with websockets.connect(url, max_size=2 * BIG, ping_interval=None, compression=None) as ws:
        await play(ws, b"are you alive", 4001, "python says bye")


async def run_server(port):
    result = asyncio.get_running_loop().create_future()

    async def handler(ws, _path=None):
        try:
            await play(ws, b"server ping", 4002, "server closes")
            result.set_result(True)
        except Exception as error:  # report, do not hang
            result.set_exception(error)

    async with websockets.serve(handler, "127.0.0.1", port, max_size=2 * BIG, ping_interval=None, compression=None):
        print("listening", flush=True)
        await asyncio.wait_for(result, 4 * TIMEOUT)


# permessage-deflate parameter sets against tether's default policy (12-bit
# windows both ways, context takeover allowed): (name, factory arguments,
# expected (remote_no_context_takeover, local_no_context_takeover,
# remote_max_window_bits, local_max_window_bits) as python-websockets agreed).
# python-websockets 10.4 cannot compress with an 8-bit window (zlib refuses
# wbits=-8 for a compressor), so its own window is never 8 here; tether's is.
CLIENT_DEFLATE = [
    ("default offer (compression='deflate')", dict(client_max_window_bits=True, compress_settings={"memLevel": 5}),
     (False, False, 12, 12)),
    ("no context takeover both ways", dict(server_no_context_takeover=True, client_no_context_takeover=True),
     (True, True, 12, 12)),
    ("server window 8, client window 9", dict(server_max_window_bits=8, client_max_window_bits=9), (False, False, 8, 9)),
    ("server window 10, no client_max_window_bits", dict(server_max_window_bits=10, client_max_window_bits=None),
     (False, False, 10, 15)),
    ("server window 15 asked, client no context takeover",
     dict(server_max_window_bits=15, client_no_context_takeover=True), (False, True, 12, 12)),
    ("server no context takeover, windows 9", dict(server_no_context_takeover=True, server_max_window_bits=9,
                                                   client_max_window_bits=9), (True, False, 9, 9)),
]
# tether's client offers "permessage-deflate; server_max_window_bits=12; client_max_window_bits=12".
SERVER_DEFLATE = [
    ("python-websockets' default (windows 12, memLevel 5)",
     dict(server_max_window_bits=12, client_max_window_bits=12, compress_settings={"memLevel": 5}),
     (False, False, 12, 12)),
    ("no context takeover both ways", dict(server_no_context_takeover=True, client_no_context_takeover=True),
     (True, True, 12, 12)),
    ("windows 9", dict(server_max_window_bits=9, client_max_window_bits=9), (False, False, 9, 9)),
    ("client window 8 imposed, server window 10", dict(server_max_window_bits=10, client_max_window_bits=8),
     (False, False, 8, 10)),
    ("client no context takeover, windows 15 allowed", dict(client_no_context_takeover=True, server_max_window_bits=15,
                                                            client_max_window_bits=15), (True, False, 12, 12)),
]
MIB = 1024 * 1024


def deflate_scenarios():
    """Messages that compress well, that do not, small ones, repeated ones, fragmented ones."""
    chat = [f'{{"type":"chat","text":"message number {i} in the room","sentAt":"2024-05-01T12:34:{i:02}.000Z"}}'
            for i in range(20)]
    return [("tiny text", "hi"), ("empty binary", b"")] + [(f"chat message {i}", m) for i, m in enumerate(chat)] + [
        ("1 MiB compressible text", "tether " * (MIB // 7) + "!" * (MIB % 7)),
        ("1 MiB incompressible binary", os.urandom(MIB)),
        ("1 MiB mixed binary", (bytes(range(256)) * 2048)[:MIB // 2] + os.urandom(MIB // 2)),
        ("fragmented compressible text", ["fragmented " * 1000, "", "text " * 5000, "\u00fcber" * 100]),
        ("fragmented binary", [os.urandom(70000), b"z" * 70000]),
    ]


def agreed(ws):
    deflate = [e for e in ws.extensions if isinstance(e, PerMessageDeflate)]
    if not deflate:
        return None
    e = deflate[0]
    return (e.remote_no_context_takeover, e.local_no_context_takeover, e.remote_max_window_bits,
            e.local_max_window_bits)


async def play_deflate(ws, name, expected, expect_on):
    got = agreed(ws)
    want = expected if expect_on else None
    if got != want:
        raise AssertionError(f"{name}: agreed {got}, expected {want}")
    print(f"ok: {name}: {'agreed ' + str(got) if got else 'no extension'}")
    await echo_each(ws, deflate_scenarios(), f"{name}: ")
    await ws.ping(b"deflate ping")  # control frames are never compressed (RFC 7692 §6.1)
    await ws.close(code=1000)


async def run_deflate_client(url, expect_on):
    for name, arguments, expected in CLIENT_DEFLATE:
        factory = ClientPerMessageDeflateFactory(**arguments)
        async with websockets.connect(url, max_size=None, ping_interval=None, compression=None,
                                      extensions=[factory]) as ws:
            await play_deflate(ws, name, expected, expect_on)


async def run_deflate_server(port, expect_on):
    done = []
    finished = asyncio.get_running_loop().create_future()

    class Protocol(WebSocketServerProtocol):
        def process_extensions(self, headers, available_extensions):
            # Connection i (path /i) negotiates with parameter set i.
            index = int(self.path.strip("/") or 0)
            return super().process_extensions(headers, [ServerPerMessageDeflateFactory(**SERVER_DEFLATE[index][1])])

    async def handler(ws, path=None):
        index = int((path or ws.path).strip("/") or 0)
        name, _, expected = SERVER_DEFLATE[index]
        try:
            await play_deflate(ws, name, expected, expect_on)
            done.append(index)
            if len(done) == len(SERVER_DEFLATE) and not finished.done():
                finished.set_result(True)
        except Exception as error:  # report, do not hang
            if not finished.done():
                finished.set_exception(error)

    async with websockets.serve(handler, "127.0.0.1", port, max_size=None, ping_interval=None,
                                create_protocol=Protocol):
        print(f"listening connections={len(SERVER_DEFLATE)}", flush=True)
        await asyncio.wait_for(finished, 4 * TIMEOUT)


def read_exactly(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise AssertionError("connection closed early")
        data += chunk
    return data


def raw_client(url, receive_buffer=None):
    """A plain TCP socket that has done the opening handshake by hand (and read nothing more).
    receive_buffer: a small SO_RCVBUF, set before connecting so the window stays small."""
    host_port = url.split("//", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    sock = socket.socket()
    if receive_buffer:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.settimeout(TIMEOUT)
    sock.connect((host, int(port)))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET / HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += read_exactly(sock, 1)
    if not head.startswith(b"HTTP/1.1 101"):
        sock.close()
        raise AssertionError(f"handshake refused: {head!r}")
    return sock


def violate(url):
    """Raw socket: handshake, then frames that break a rule; check the close code."""
    cases = [
        ("unmasked frame from a client", b"\x81\x02hi", 1002),
        ("reserved opcode", b"\x83\x80\x00\x00\x00\x00", 1002),
        ("invalid UTF-8 text", b"\x81\x82\x00\x00\x00\x00\xc0\xaf", 1007),
        ("continuation without a message", b"\x80\x80\x00\x00\x00\x00", 1002),
        ("close code 1005 on the wire", b"\x88\x82\x00\x00\x00\x00\x03\xed", 1002),
        # Not a broken rule: the closing handshake, after which the server closes TCP first.
        ("a clean close", b"\x88\x82\x00\x00\x00\x00\x03\xe8", 1000),
    ]
    for name, payload, expected in cases:
        with raw_client(url) as sock:
            sock.sendall(payload)
            frame = read_exactly(sock, 4)
            if frame[0] != 0x88 or frame[1] != 2:
                raise AssertionError(f"{name}: expected a close frame, got {frame!r}")
            code = struct.unpack("!H", frame[2:4])[0]
            if code != expected:
                raise AssertionError(f"{name}: close code {code}, expected {expected}")
            # RFC 6455 §7.1.1: the server closes TCP once the close frames are exchanged,
            # at once, not when a timer (close_timeout, 10 s) ends the wait.
            sock.settimeout(CLOSE_WAIT)
            if sock.recv(1) != b"":
                raise AssertionError(f"{name}: the server did not close TCP")
            print(f"ok: {name} -> {code}")


def masked_server(port):
    """A server that breaks RFC 6455 §5.1 (masks its frames): the client must fail with 1002."""
    with socket.create_server(("127.0.0.1", port)) as listener:
        print("listening", flush=True)
        listener.settimeout(TIMEOUT)
        sock, _ = listener.accept()
        with sock:
            sock.settimeout(TIMEOUT)
            head = b""
            while b"\r\n\r\n" not in head:
                head += read_exactly(sock, 1)
            key = [line.split(b":", 1)[1].strip() for line in head.split(b"\r\n")
                   if line.lower().startswith(b"sec-websocket-key:")][0]
            import hashlib
            accept = base64.b64encode(hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
            sock.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
            sock.sendall(b"\x81\x82\x01\x02\x03\x04\x69\x6b")  # masked "hi"
            header = read_exactly(sock, 2)
            if header[0] != 0x88 or header[1] != 0x82:
                raise AssertionError(f"expected a masked close frame, got {header!r}")
            mask = read_exactly(sock, 4)
            body = bytes(b ^ mask[i % 4] for i, b in enumerate(read_exactly(sock, 2)))
            code = struct.unpack("!H", body)[0]
            if code != 1002:
                raise AssertionError(f"client closed with {code}, expected 1002")
            print("ok: client failed a masked server frame with 1002")


def main():
    mode, target = sys.argv[1], sys.argv[2]
    if mode == "client":
        asyncio.run(asyncio.wait_for(run_client(target), 4 * TIMEOUT))
    elif mode == "server":
        asyncio.run(run_server(int(target)))
    elif mode == "violate":
        violate(target)
    elif mode == "masked-server":
        masked_server(int(target))
    elif mode == "deflate-client":
        asyncio.run(asyncio.wait_for(run_deflate_client(target, sys.argv[3] == "on"), 8 * TIMEOUT))
    elif mode == "deflate-server":
        asyncio.run(run_deflate_server(int(target), sys.argv[3] == "on"))
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
