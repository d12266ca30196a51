#!/usr/bin/python3
"""The chat's interop tests: one scenario per run, every process started here
on free loopback ports, bounded in time, and stopped by pid at the end.

  run_chat_test.py --server CHAT_SERVER --client TETHER_CLIENT --load CHAT_LOAD
                   [--node NODE] [--chromium CHROMIUM] [--redis-server REDIS] [--openssl OPENSSL]
                   SCENARIO

Python clients use Debian's python3-websockets (10.4). Checks are on message
types, error names and close codes, never on wording.
"""
import argparse
import asyncio
import base64
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

import websockets
from websockets.extensions.permessage_deflate import PerMessageDeflate

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from wire_witness import Witness, check as check_wire  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
SCENARIOS = {}
started = []  # every Process, stopped at the end whatever happens


def scenario(function):
    SCENARIOS[function.__name__.replace("_", "-")] = function
    return function


class Failure(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failure(what)
    print("ok:", what)


class Process:
    """A background process whose stdout lines are collected as they come."""

    def __init__(self, name, command, env=None):
        self.name = name
        self.lines = []
        self.eof = False
        self.changed = threading.Condition()
        self.popen = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                      env=env, errors="replace")
        started.append(self)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.popen.stdout:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()
        with self.changed:
            self.eof = True
            self.changed.notify_all()

    def wait_for(self, pattern, timeout=20, count=1):
        """The count-th line matching pattern (a regex), waiting for it."""
        regex = re.compile(pattern)
        deadline = time.time() + timeout
        with self.changed:
            while True:
                found = [m for m in map(regex.search, self.lines) if m]
                if len(found) >= count:
                    return found[count - 1]
                left = deadline - time.time()
                if left <= 0 or self.eof:
                    raise Failure(f"{self.name}: no line matching {pattern!r} (x{count}); log:\n  "
                                  + "\n  ".join(self.lines[-30:]))
                self.changed.wait(min(left, 0.2))

    def count(self, pattern):
        regex = re.compile(pattern)
        with self.changed:
            return sum(1 for line in self.lines if regex.search(line))

    def pid(self):
        return self.popen.pid

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        return self.popen.returncode


def stop_all():
    for process in reversed(started):
        process.stop()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_chat_server(args, *extra, env=None, name="chat_server"):
    server = Process(name, [args.server, "--host", "127.0.0.1", "--port", "0", *extra], env=env)
    port = int(server.wait_for(r"listening on https?://127\.0\.0\.1:(\d+)/").group(1))
    return server, port


def start_chat(args, *extra, env=None):
    """chat_server and its WebSocket URL."""
    server, port = start_chat_server(args, *extra, env=env)
    return server, port, f"ws://127.0.0.1:{port}/chat"


def run(command, timeout=60, stdin=None):
    """A foreground process, bounded; returns (exit status, stdout, stderr)."""
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=timeout)
    sys.stdout.write("".join(f"  [{os.path.basename(command[0])}] {line}\n" for line in
                             (done.stdout + done.stderr).splitlines()[-20:]))
    return done.returncode, done.stdout, done.stderr


# ---- Python websockets clients ----------------------------------------------

async def connect(url, **options):
    options.setdefault("subprotocols", ["chat", "superchat"])
    options.setdefault("max_size", None)
    options.setdefault("open_timeout", 10)
    return await websockets.connect(url, **options)


async def receive(ws, timeout=10):
    message = await asyncio.wait_for(ws.recv(), timeout)
    return json.loads(message)


async def welcomed(ws):
    message = await receive(ws)
    if message.get("type") != "system" or message.get("text") != "Welcome!" or not ISO.match(message["sentAt"]):
        raise Failure(f"not a welcome: {message}")
    return message


async def welcomed_clients(*urls):
    """One connected, welcomed client per URL."""
    clients = [await connect(url) for url in urls]
    for ws in clients:
        await welcomed(ws)
    return clients


async def next_chat(ws, timeout=10):
    while True:
        message = await receive(ws, timeout)
        if message.get("type") == "chat":
            return message


def chat(text, sent_at="2024-05-01T12:34:56.789Z"):
    return json.dumps({"type": "chat", "text": text, "sentAt": sent_at})


# ---- scenarios ----------------------------------------------------------------

@scenario
def python_clients(args):
    server, _, url = start_chat(args)

    async def conversation():
        a, b = await welcomed_clients(url, url)
        print("ok: both welcomed with an ISO-8601 sentAt")
        check(a.subprotocol == "chat" and b.subprotocol == "chat", "the server selects 'chat' from 'chat, superchat'")
        await a.send(chat("hello from python \u00e9\u20ac\U0001F600"))
        for ws in (a, b):
            message = await next_chat(ws)
            check(list(message.items()) == [("type", "chat"), ("text", "hello from python \u00e9\u20ac\U0001F600"),
                                            ("sentAt", "2024-05-01T12:34:56.789Z")],
                  "the message reaches both as {type, text, sentAt}, sentAt kept")
        await b.send(json.dumps({"text": "no time given", "type": "system", "extra": [1, 2]}))
        for ws in (a, b):
            message = await next_chat(ws)
            check(message["type"] == "chat" and ISO.match(message["sentAt"]) and "extra" not in message,
                  "a message without sentAt gets the server's; a client cannot speak as 'system'")
        plain = await connect(url, subprotocols=None)
        check(plain.subprotocol is None, "a client that offers no subprotocol gets none")
        await welcomed(plain)
        await plain.close(4000, "custom")
        await a.close()
        await b.close(1001)

    asyncio.run(asyncio.wait_for(conversation(), 60))
    for code in (1000, 1001, 4000):
        server.wait_for(rf"close fd=\d+ .*code={code} ")
    print("ok: the server logs each close with its code")


@scenario
def bad_input(args):
    server, _, url = start_chat(args)

    async def misbehave():
        observer, bad = await welcomed_clients(url, url)
        cases = [("not json {", "invalid_json"), ("[1, 2]", "not_an_object"), ('"a string"', "not_an_object"),
                 ("{}", "text_not_a_string"), ('{"text": 5}', "text_not_a_string"), ("", "invalid_json"),
                 ("[" * 100000 + "]" * 100000, "not_an_object"), (b"\x00\x01", "binary_message")]
        for payload, problem in cases:
            await bad.send(payload)
            reply = await receive(bad)
            check(reply["type"] == "system" and reply.get("error") == problem and ISO.match(reply["sentAt"]),
                  f"{problem}: a system error reply to the sender only")
        await bad.send(chat("a good one after the bad ones"))
        message = await next_chat(observer)
        check(message["text"] == "a good one after the bad ones", "nothing bad was broadcast")
        await bad.send("x" * (20 * 1024 * 1024))
        try:
            await asyncio.wait_for(bad.wait_closed(), 20)
        except asyncio.TimeoutError:
            pass
        check(bad.close_code == 1009, f"a 20 MiB message closes with 1009 (got {bad.close_code})")
        await observer.send(chat("still here"))
        check((await next_chat(observer))["text"] == "still here", "the others chat on")
        await observer.close()

    asyncio.run(asyncio.wait_for(misbehave(), 90))
    server.wait_for(r"close fd=\d+ .*code=1009 ")


def http_request(port, request, timeout=10):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request.encode())
        answer = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return answer.decode(errors="replace")
            answer += chunk


def status_of(answer):
    match = re.match(r"HTTP/1\.1 (\d{3}) ", answer)
    return int(match.group(1)) if match else 0


@scenario
def http_routes(args):
    server, port = start_chat_server(args)
    page = http_request(port, f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n")
    check(status_of(page) == 200 and "text/html" in page and "new WebSocket(url, ['chat', 'superchat'])" in page,
          "GET / serves the chat page")
    head = http_request(port, f"HEAD / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n")
    check(status_of(head) == 200 and head.endswith("\r\n\r\n"), "HEAD / answers without a body")
    check(status_of(http_request(port, "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n")) == 404, "other paths get 404")
    check(status_of(http_request(port, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")) == 405,
          "POST gets 405")
    check(status_of(http_request(port, "NOT HTTP\r\n\r\n")) == 400, "a malformed request gets 400")

    async def upgrades():
        async def refused(path, **options):
            try:
                ws = await connect(f"ws://127.0.0.1:{port}{path}", **options)
            except websockets.exceptions.InvalidStatusCode as error:
                return error.status_code
            await ws.close()
            return 101

        check(await refused("/nope") == 404, "an upgrade on another path is refused with 404")
        check(await refused("/chat", origin="http://evil.example") == 403, "a foreign Origin is refused with 403")
        check(await refused("/chat", origin=f"http://127.0.0.1:{port}") == 101, "the page's own Origin is accepted")
        check(await refused("/chat", subprotocols=["superchat"]) == 400,
              "an offer without 'chat' is refused (a 101 without a selection would fail in a browser)")

    asyncio.run(asyncio.wait_for(upgrades(), 30))
    server.wait_for(r"status=404")

    allow, allow_port = start_chat_server(args, "--allow-origin", "http://good.example", name="allow-list")

    async def allow_list():
        url = f"ws://127.0.0.1:{allow_port}/chat"
        ws = await connect(url, origin="http://good.example")
        await welcomed(ws)
        await ws.close()
        print("ok: --allow-origin lets its origin in")
        try:
            await connect(url, origin=f"http://127.0.0.1:{allow_port}")
            raise Failure("an origin outside the list was accepted")
        except websockets.exceptions.InvalidStatusCode as error:
            check(error.status_code == 403, "with --allow-origin, only the listed origins get in")

    asyncio.run(asyncio.wait_for(allow_list(), 30))


@scenario
def shutdown(args):
    server, port = start_chat_server(args)

    async def clients():
        sockets = await welcomed_clients(*[f"ws://127.0.0.1:{port}/chat"] * 3)
        server.popen.send_signal(signal.SIGTERM)
        for ws in sockets:
            await asyncio.wait_for(ws.wait_closed(), 10)
        return [ws.close_code for ws in sockets]

    codes = asyncio.run(asyncio.wait_for(clients(), 30))
    check(codes == [1001, 1001, 1001], f"SIGTERM closes every client with 1001 ({codes})")
    check(server.popen.wait(10) == 0, "the server exits 0")
    server.wait_for(r"^stopped$")


@scenario
def command_line(args):
    code, out, err = run([args.server, "--help"])
    check(code == 0 and "--redis" in out, "chat_server --help prints the usage and exits 0")
    for bad in (["--bogus"], ["--port"], ["--port", "99999"], ["--port", "12x"], ["--cert", "a.pem"],
                ["--redis", "http://x"], ["--max-message-size", "0"]):
        code, _, err = run([args.server, *bad])
        check(code == 2 and err != "", f"chat_server {' '.join(bad)}: exit 2 with a message")
    for bad in ([], ["--bogus", "ws://127.0.0.1:1/"], ["--header", "no colon", "ws://127.0.0.1:1/"], ["http://x/"]):
        code, _, err = run([args.client, *bad])
        check(code == 2 and err != "", f"tether_client {' '.join(bad)}: exit 2 with a message")
    code, _, err = run([args.client, f"ws://127.0.0.1:{free_port()}/"], stdin="")
    check(code == 1 and err != "", "tether_client: a refused connection exits 1 with the reason")
    server, port = start_chat_server(args)
    url = f"ws://127.0.0.1:{port}/chat"
    code, out, err = run([args.client, "--header", "Origin: http://evil.example", url], stdin="")
    check(code == 1 and "403" in err, "tether_client --header sends the header (a foreign Origin gets 403)")
    code, out, err = run([args.client, "--header", f"Origin: http://127.0.0.1:{port}", url], stdin="")
    check(code == 0 and json.loads(out.splitlines()[0])["text"] == "Welcome!", "with the page's Origin it gets in")
    code, out, err = run([args.client, f"ws://127.0.0.1:{port}/elsewhere"], stdin="")
    check(code == 1 and "404" in err, "tether_client reports a refused upgrade and exits 1")


def vm_peak_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


@scenario
def slow_reader(args):
    # A smaller ASan quarantine, so that resident memory shows what is held.
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=8:thread_local_quarantine_size_kb=64"
    server, port, url = start_chat(args, "--max-message-size", str(1 << 20), env=env)
    messages, size = 600, 64 * 1024

    # The slow client: a raw socket that completes the handshake, then never reads.
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    slow.sendall((f"GET /chat HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    check(slow.recv(12) == b"HTTP/1.1 101", "the slow client is accepted (and reads nothing from now on)")
    server.wait_for(r"open fd=")
    baseline = vm_peak_kib(server.pid())

    async def chatter():
        readers = await welcomed_clients(url, url, url)
        sender = readers[0]  # reads too, as chat clients do
        start = time.time()

        received = [0] * len(readers)

        async def read_all(index, ws):
            for i in range(messages):
                message = await next_chat(ws, timeout=60)
                if not message["text"].startswith(f"{i}:"):
                    raise Failure(f"message {i} out of order: {message['text'][:20]}")
                received[index] = i + 1

        async def send_all():
            # A lively chat, not a flood: bursts of 16 messages, the next when the readers have the last.
            for i in range(messages):
                await sender.send(chat(f"{i}:" + "x" * size))
                while i % 16 == 15 and min(received) <= i:
                    await asyncio.sleep(0.001)

        await asyncio.gather(send_all(), *(read_all(n, ws) for n, ws in enumerate(readers)))
        print(f"  {messages} messages of {size} bytes reached every reader in {time.time() - start:.1f} s")
        for ws in readers:
            await ws.close()

    asyncio.run(asyncio.wait_for(chatter(), 100))
    print("ok: the readers got every message, in order, while one client read nothing")
    server.wait_for(r"slow fd=\d+: \d+ bytes queued, dropping")
    server.wait_for(r"slow fd=\d+: disconnected after missing \d+ messages", timeout=15)
    print("ok: the server dropped messages for the slow client, then disconnected it")
    growth_mib = (vm_peak_kib(server.pid()) - baseline) / 1024
    fanned_mib = messages * size * 4 / (1 << 20)
    check(growth_mib < 48, f"server peak memory grew {growth_mib:.1f} MiB while fanning out {fanned_mib:.0f} MiB "
          "(a slow client would have held a quarter of it)")
    slow.close()


@scenario
def thousand_clients(args):
    server, port = start_chat_server(args)
    code, out, _ = run([args.load, "--clients", "1000", "--messages", "5", "--drain", "30", "--check",
                        f"ws://127.0.0.1:{port}/chat"], timeout=90)
    check(code == 0, "1,000 clients connect at once, are all welcomed, and each gets all 5 messages")
    check(server.count(r"^open fd=") == 1000, "the server opened 1,000 connections")


def make_certificates(args, directory, name="localhost", alt="IP:127.0.0.1,DNS:localhost"):
    """A test CA and a server certificate it signed (openssl CLI). Returns paths and the SPKI hash."""
    openssl = args.openssl
    ca_key, ca = os.path.join(directory, "ca.key"), os.path.join(directory, "ca.pem")
    key, csr, cert = (os.path.join(directory, f"{name}.{ext}") for ext in ("key", "csr", "pem"))
    ext = os.path.join(directory, f"{name}.ext")
    if not os.path.exists(ca):
        subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=tether test CA",
                        "-addext", "basicConstraints=critical,CA:TRUE",
                        "-addext", "keyUsage=critical,keyCertSign"], check=True, capture_output=True)
    subprocess.run([openssl, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", csr, "-subj", f"/CN={name}"], check=True, capture_output=True)
    with open(ext, "w") as f:
        f.write(f"subjectAltName={alt}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n")
    subprocess.run([openssl, "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
                    "-out", cert, "-days", "2", "-extfile", ext], check=True, capture_output=True)
    public = subprocess.run([openssl, "x509", "-in", cert, "-pubkey", "-noout"], check=True, capture_output=True)
    der = subprocess.run([openssl, "pkey", "-pubin", "-outform", "der"], input=public.stdout, check=True,
                         capture_output=True)
    digest = subprocess.run([openssl, "dgst", "-sha256", "-binary"], input=der.stdout, check=True,
                            capture_output=True)
    return ca, cert, key, base64.b64encode(digest.stdout).decode()


@scenario
def client_tls(args):
    with tempfile.TemporaryDirectory() as directory:
        ca, cert, key, _ = make_certificates(args, directory)
        server, port = start_chat_server(args, "--cert", cert, "--key", key)
        lines = chat("over wss") + "\n" + chat("second line") + "\n"
        for host in ("127.0.0.1", "localhost"):
            code, out, err = run([args.client, "--cafile", ca, "--subprotocol", "chat",
                                  f"wss://{host}:{port}/chat"], stdin=lines)
            received = [json.loads(line) for line in out.splitlines()]
            check(code == 0 and received[0]["text"] == "Welcome!" and
                  [m["text"] for m in received[1:]] == ["over wss", "second line"] and "closed: 1000" in err,
                  f"tether_client over wss://{host} with the test CA: welcome, both lines back, clean close 1000")
        code, out, err = run([args.client, "--subprotocol", "chat", f"wss://127.0.0.1:{port}/chat"], stdin=lines)
        check(code == 1 and out == "", "without the test CA the certificate is refused (exit 1)")

        async def python_over_tls():
            context = ssl.create_default_context(cafile=ca)
            ws = await connect(f"wss://127.0.0.1:{port}/chat", ssl=context)
            await welcomed(ws)
            await ws.send(chat("python over wss"))
            check((await next_chat(ws))["text"] == "python over wss", "Python websockets chats over wss://")
            await ws.close()

        asyncio.run(asyncio.wait_for(python_over_tls(), 30))
        # A certificate for another name: the host name check refuses it.
        _, other_cert, other_key, _ = make_certificates(args, directory, "other.example", "DNS:other.example")
        other, other_port = start_chat_server(args, "--cert", other_cert, "--key", other_key, name="other-cert")
        code, out, err = run([args.client, "--cafile", ca, f"wss://127.0.0.1:{other_port}/chat"], stdin="")
        check(code == 1 and out == "", "a certificate for another host name is refused (exit 1)")


@scenario
def redis(args):
    redis_port = free_port()
    redis_command = [args.redis_server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                     "--appendonly", "no", "--protected-mode", "yes"]
    store = Process("redis-server", redis_command)
    store.wait_for(r"Ready to accept connections")
    url = f"redis://127.0.0.1:{redis_port}/0"
    a, port_a = start_chat_server(args, "--redis", url, name="instance A")
    b, port_b = start_chat_server(args, "--redis", url, name="instance B")
    for instance in (a, b):
        instance.wait_for(r"redis subscriber: subscribed")

    async def across(on_a, on_b, text, sender):
        await sender.send(chat(text))
        got = [(await next_chat(ws))["text"] for ws in (on_a, on_b)]
        if got != [text, text]:
            raise Failure(f"{text}: got {got}")

    async def before():
        on_a, on_b = await welcomed_clients(f"ws://127.0.0.1:{port_a}/chat", f"ws://127.0.0.1:{port_b}/chat")
        await across(on_a, on_b, "from B", on_b)
        await across(on_a, on_b, "from A", on_a)
        # Exactly once: the next message after each is the next one sent, not a copy.
        await across(on_a, on_b, "again from B", on_b)
        print("ok: a client on A gets what a client on B sent, and the other way, exactly once")
        return on_a, on_b

    async def scenario_body():
        on_a, on_b = await before()
        store.stop()
        for instance in (a, b):
            instance.wait_for(r"redis (subscriber|publisher): connection to .* lost")
        print("ok: both instances noticed that Redis went away")
        await on_b.send(chat("while Redis is down"))
        check((await next_chat(on_b))["text"] == "while Redis is down",
              "while Redis is down, an instance's own clients still chat")
        restarted = Process("redis-server (restarted)", redis_command)
        restarted.wait_for(r"Ready to accept connections")
        for instance in (a, b):
            instance.wait_for(r"redis subscriber: subscribed", count=2, timeout=20)
        print("ok: both instances reconnected and subscribed again, without a restart")
        await across(on_a, on_b, "after the restart", on_b)
        print("ok: what was sent while Redis was down is lost for the other instance (pub/sub keeps nothing); "
              "chat across instances works again")
        await on_a.close()
        await on_b.close()

    asyncio.run(asyncio.wait_for(scenario_body(), 90))
    check(a.popen.poll() is None and b.popen.poll() is None, "both instances kept running")


def wire_checked(witness, expect, what):
    failures = check_wire(witness.close(), expect)
    check(not failures, f"{what} ({'; '.join(failures) or 'seen on the wire'})")


def agreed_deflate(ws):
    return any(isinstance(e, PerMessageDeflate) for e in ws.extensions)


@scenario
def deflate(args):
    """permessage-deflate (RFC 7692) through the chat, watched on the wire."""
    server, port = start_chat_server(args)
    witness = Witness(port)
    url = f"ws://127.0.0.1:{witness.port}/chat"
    long_text = "the chat compresses well " * 400

    async def conversation():
        a, b = await welcomed_clients(url, url)
        check(agreed_deflate(a) and agreed_deflate(b), "python-websockets clients agree permessage-deflate with chat_server")
        for i in range(6):
            await (a, b)[i % 2].send(chat(f"{long_text} {i}"))
            for ws in (a, b):
                check((await next_chat(ws))["text"] == f"{long_text} {i}", f"compressed chat message {i} reaches both")
        await a.close()
        await b.close()

    asyncio.run(asyncio.wait_for(conversation(), 60))
    code, out, err = run([args.client, url], stdin=chat(long_text) + "\n")
    check(code == 0 and "(extensions: permessage-deflate" in err and long_text in out,
          "tether_client offers permessage-deflate, chat_server agrees, its message comes back")
    wire_checked(witness, "deflate", "every connection agreed and sent compressed messages both ways")


@scenario
def no_deflate(args):
    """chat_server --no-deflate declines the offer; tether_client --no-deflate makes none."""
    server, port = start_chat_server(args, "--no-deflate")
    witness = Witness(port)
    url = f"ws://127.0.0.1:{witness.port}/chat"

    async def conversation():
        a, b = await welcomed_clients(url, url)
        check(not agreed_deflate(a) and not agreed_deflate(b), "chat_server --no-deflate declines permessage-deflate")
        await a.send(chat("plain " * 100))
        for ws in (a, b):
            check((await next_chat(ws))["text"] == "plain " * 100, "the chat message reaches both, uncompressed")
        await a.close()
        await b.close()

    asyncio.run(asyncio.wait_for(conversation(), 60))
    wire_checked(witness, "declined", "offered, declined, nothing compressed")

    _, plain_port = start_chat_server(args, name="chat_server (deflate on)")
    witness = Witness(plain_port)
    code, out, err = run([args.client, "--no-deflate", f"ws://127.0.0.1:{witness.port}/chat"], stdin=chat("plain " * 100))
    check(code == 0 and "(extensions: none)" in err, "tether_client --no-deflate offers nothing")
    wire_checked(witness, "not-offered", "not offered, nothing compressed")


def node_script(args, name):
    if not args.node:
        raise Failure("needs node")
    return [args.node, os.path.join(HERE, name)]


@scenario
def seed_client(args):
    server, port = start_chat_server(args)
    code, _, _ = run(node_script(args, "seed_client.js") + [f"ws://127.0.0.1:{port}/chat"])
    check(code == 0, "two seed browser clients (Node ws) chat through chat_server")


def start_seed_server(args):
    seed = Process("seed_server.js", node_script(args, "seed_server.js") + ["0"])
    port = int(seed.wait_for(r"listening on ws://127\.0\.0\.1:(\d+)/").group(1))
    return seed, port


@scenario
def client_seed_server(args):
    seed, port = start_seed_server(args)

    async def observe_and_drive():
        observer = await connect(f"ws://127.0.0.1:{port}/")
        check(observer.subprotocol == "chat", "the seed server selects 'chat'")
        await welcomed(observer)
        lines = chat("from tether_client") + "\n" + chat("and a second line") + "\n"
        command = [args.client, "--subprotocol", "chat", "--subprotocol", "superchat", f"ws://127.0.0.1:{port}/"]
        code, out, err = await asyncio.to_thread(run, command, 30, lines)
        received = [json.loads(line) for line in out.splitlines()]
        check(code == 0 and received[0]["type"] == "system" and received[0]["text"] == "Welcome!" and
              [m["text"] for m in received[1:]] == ["from tether_client", "and a second line"],
              "tether_client is welcomed by the seed server and gets its own lines back")
        check("closed: 1000" in err and "subprotocol: chat" in err,
              "tether_client closes cleanly on end of input and prints the server's close code")
        texts = [(await next_chat(observer))["text"] for _ in range(2)]
        check(texts == ["from tether_client", "and a second line"], "the seed server broadcast both to a browser-like peer")
        await observer.close()

    asyncio.run(asyncio.wait_for(observe_and_drive(), 60))


@scenario
def tether_clients_seed_server(args):
    seed, port = start_seed_server(args)
    code, _, _ = run([args.load, "--clients", "20", "--messages", "10", "--check", f"ws://127.0.0.1:{port}/"])
    check(code == 0, "20 tether clients are welcomed by the seed server and each gets all 10 messages")


def chromium_session(args, server, url, spki=None):
    command = node_script(args, "chat_browser.js") + [url] + ([spki] if spki else [])
    env = dict(os.environ, CHROMIUM=args.chromium or "/usr/bin/chromium")
    done = subprocess.run(command, capture_output=True, text=True, timeout=100, env=env)
    sys.stdout.write(done.stdout + done.stderr)
    check(done.returncode == 0, "two Chromium tabs: both welcomed, typed messages shown in both with sentAt")
    server.wait_for(r"close fd=\d+ .*code=1001 ")
    print("ok: closing a tab shows 1001 in the server log")


@scenario
def chromium(args):
    server, port = start_chat_server(args)
    chromium_session(args, server, f"http://127.0.0.1:{port}/")


@scenario
def chromium_tls(args):
    with tempfile.TemporaryDirectory() as directory:
        _, cert, key, spki = make_certificates(args, directory)
        server, port = start_chat_server(args, "--cert", cert, "--key", key)
        # Chromium trusts the test certificate's key by its SPKI hash, nothing else.
        chromium_session(args, server, f"https://127.0.0.1:{port}/", spki)


def main():
    parser = argparse.ArgumentParser()
    for option in ("server", "client", "load"):
        parser.add_argument(f"--{option}", required=True)
    for option in ("node", "chromium", "redis-server", "openssl"):
        parser.add_argument(f"--{option}")
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    args = parser.parse_args()
    try:
        SCENARIOS[args.scenario](args)
        print(f"chat scenario {args.scenario}: passed")
        return 0
    except (Failure, subprocess.TimeoutExpired, asyncio.TimeoutError, OSError,
            websockets.exceptions.WebSocketException) as error:
        print(f"FAILED: {type(error).__name__}: {error}")
        return 1
    finally:
        stop_all()


if __name__ == "__main__":
    sys.exit(main())
