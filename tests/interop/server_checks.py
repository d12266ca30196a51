#!/usr/bin/python3
"""How an echo server treats clients that do not play along; each check needs the server's pid.

  server_checks.py sigterm URL PID         open clients, SIGTERM the server: each gets close 1001
  server_checks.py stalled-reader URL PID  a client that never reads and then closes: the server
                                           closes its socket within close_timeout anyway
  server_checks.py ping-flood URL PID      a client that pings fast and reads slowly: the server's
                                           memory (RSS) stays bounded

Exits 0 when the check passed; prints what failed otherwise. run_interop.py then stops the server
(SIGTERM) and requires exit status 0.
"""
import asyncio
import os
import signal
import struct
import sys
import threading
import time

import websockets

from python_peer import TIMEOUT, raw_client

CLOSE_TIMEOUT = 10  # tether's default close_timeout, which the servers keep


def client_frame(opcode, payload):
    """A masked client frame (RFC 6455 §5.2); the zero key keeps the payload as it is."""
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, size)
    return header + b"\0\0\0\0" + payload


def sockets_held(pid):
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            count += os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
        except OSError:
            pass  # closed meanwhile
    return count


def exited(pid):
    """True once the process is a zombie (its parent reaps it) or gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def resident_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


async def still_echoes(url):
    async with websockets.connect(url, ping_interval=None, compression=None) as ws:
        await ws.send("still there?")
        if await asyncio.wait_for(ws.recv(), TIMEOUT) != "still there?":
            raise AssertionError("the server no longer echoes")
    print("ok: the server still echoes")


async def sigterm(url, pid):
    clients = [await websockets.connect(url, ping_interval=None, compression=None) for _ in range(3)]
    for i, ws in enumerate(clients):
        await ws.send(f"client {i}")
        if await asyncio.wait_for(ws.recv(), TIMEOUT) != f"client {i}":
            raise AssertionError("echo differs")
    os.kill(pid, signal.SIGTERM)
    for ws in clients:
        await asyncio.wait_for(ws.wait_closed(), TIMEOUT)
        if ws.close_code != 1001:
            raise AssertionError(f"closed with {ws.close_code}, expected 1001 (going away)")
    print(f"ok: {len(clients)} open clients got close 1001 on SIGTERM")
    # Wait for the exit here: a second SIGTERM from run_interop.py could otherwise
    # arrive after the server's handler was removed, just before it exits.
    start = time.time()
    while not exited(pid):
        if time.time() - start > TIMEOUT:
            raise AssertionError("the server did not exit after its clients were closed")
        await asyncio.sleep(0.05)
    print("ok: the server exited")


def stalled_reader(url, pid):
    """5 MiB of echoes pile up behind a client that reads nothing (its receive window is a few KiB;
    the server's kernel takes about 3 MiB, the rest stays queued in tether, below the read pause),
    then it closes: the server's close frame waits behind them and can never be written. After
    close_timeout the server must close the socket anyway rather than hold it (and them) forever."""
    before = sockets_held(pid)
    sock = raw_client(url, receive_buffer=4096)
    message = client_frame(0x2, os.urandom(64 * 1024))
    sock.sendall(message * 80 + client_frame(0x8, struct.pack("!H", 1000) + b"stalled"))
    start = time.time()
    while sockets_held(pid) > before:
        if time.time() - start > CLOSE_TIMEOUT + 10:
            raise AssertionError(f"the server still holds the socket of a client that stopped reading after "
                                 f"{time.time() - start:.0f} s (close_timeout is {CLOSE_TIMEOUT} s)")
        time.sleep(0.2)
    print(f"ok: socket of a client that stopped reading closed after {time.time() - start:.1f} s")
    sock.close()
    asyncio.run(still_echoes(url))


def ping_flood(url, pid, seconds=6, read_rate=32 << 20, limit_kib=48 << 10):
    """Pings as fast as the socket takes them while reading half as fast as the pongs could come:
    output backs up in the server and never drains, for a few seconds. Its RSS may grow by a
    bounded amount (its read-pause threshold and buffers), not with the bytes that went through."""
    sock = raw_client(url)
    before = resident_kib(pid)
    batch = client_frame(0x9, b"p" * 125) * 512
    stop = time.time() + seconds
    failure = []

    def pinger():
        try:
            while time.time() < stop:
                sock.sendall(batch)
        except OSError as error:
            failure.append(error)

    thread = threading.Thread(target=pinger)
    thread.start()
    received, peak = 0, before
    started = time.time()
    while thread.is_alive():  # after `stop`, reads at full speed so the last sendall() finishes
        received += len(sock.recv(1 << 20))
        if time.time() < stop:
            time.sleep(max(0.0, started + received / read_rate - time.time()))
        peak = max(peak, resident_kib(pid))
    sock.close()
    if failure:
        raise AssertionError(f"sending pings failed: {failure[0]}")
    print(f"server RSS {before} KiB before, {peak} KiB at most while {received >> 20} MiB of pongs were read")
    if peak - before > limit_kib:
        raise AssertionError(f"the server's RSS grew by {(peak - before) >> 10} MiB (limit {limit_kib >> 10} MiB)")
    print("ok: memory stayed bounded under a ping flood")
    asyncio.run(still_echoes(url))


def main():
    mode, url, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "sigterm":
        asyncio.run(asyncio.wait_for(sigterm(url, pid), 4 * TIMEOUT))
    elif mode == "stalled-reader":
        stalled_reader(url, pid)
    elif mode == "ping-flood":
        ping_flood(url, pid)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
