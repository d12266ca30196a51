#!/usr/bin/python3
"""Runs one interop pairing on loopback, bounded in time, and cleans up.

  run_interop.py server-test [--server-arg ARG]... [--wire EXPECTATION] SERVER PEER...
      start an echo server (echo_server, asio_echo, uv_echo, ...), run PEER against it,
      then stop the server with SIGTERM: it must exit 0
  run_interop.py client-test [--client-arg ARG]... [--wire EXPECTATION] ECHO_CLIENT PEER...
      start PEER as a server, run echo_client against it (once per connection the
      peer asks for: it prints `listening` or `listening connections=N`, and
      connection i goes to the path /i)
  run_interop.py client-violation-test ECHO_CLIENT PEER...   the same, but echo_client must fail

PEER is a command; the literals {url}, {port} and {pid} (the server's) in it are replaced.
--wire puts wire_witness.py between the two and checks what crossed the wire against
EXPECTATION (RFC 7692): 'deflate' (offered, agreed, compressed messages both ways),
'declined' (offered, not agreed, nothing compressed) or 'not-offered'; what each side
says of itself is not enough.
Every echo server takes --port and --max-message-size, prints `listening on HOST:PORT` once it
accepts connections, and exits 0 on SIGTERM. A server that exits with SKIP (77) before listening
(e.g. io_uring forbidden here) makes this script exit 77, which CTest reports as skipped.
"""
import signal
import socket
import subprocess
import sys
import time

from wire_witness import Witness, check as check_wire

DEADLINE = 240
SKIP = 77
STOP_SECONDS = 30  # the servers' close_timeout (10 s) and then some


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_line(process, needle):
    start = time.time()
    while time.time() - start < 30:
        line = process.stdout.readline()
        if not line:
            break
        sys.stdout.write("  [bg] " + line)
        if needle in line:
            return True
    return False


def fill(args, port, pid=None):
    url = f"ws://127.0.0.1:{port}/"
    return [a.replace("{url}", url).replace("{port}", str(port)).replace("{pid}", str(pid)) for a in args]


def stop(process):
    """SIGTERM, then the exit status (None if it had to be killed)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        rest, _ = process.communicate(timeout=STOP_SECONDS)
        sys.stdout.write("".join("  [bg] " + line + "\n" for line in rest.splitlines()))
        return process.returncode
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return None


def leading_options(args):
    """--server-arg/--client-arg (repeatable) and --wire, before the programs."""
    extra, wire = [], None
    while args[0] in ("--server-arg", "--client-arg", "--wire"):
        if args[0] == "--wire":
            wire = args[1]
        else:
            extra.append(args[1])
        args = args[2:]
    return extra, wire, args


def wire_verdict(witness, wire):
    """The witness's check, printed; True when it passed (or there was none)."""
    if witness is None:
        return True
    failures = check_wire(witness.close(), wire)
    for failure in failures:
        print(f"wire check failed: {failure}")
    return not failures


def server_test(args):
    server_args, wire, args = leading_options(args)
    program, peer = args[0], args[1:]
    port = free_port()
    server = subprocess.Popen([program, "--port", str(port), "--max-message-size", str(64 << 20)] + server_args,
                              stdout=subprocess.PIPE, text=True)
    witness = None
    try:
        if not wait_for_line(server, f"listening on 127.0.0.1:{port}"):
            if server.wait(10) == SKIP:
                print(f"{program} cannot run here: skipped")
                return SKIP
            print("the server did not start")
            return 1
        witness = Witness(port) if wire else None
        code = subprocess.run(fill(peer, witness.port if witness else port, server.pid), timeout=DEADLINE).returncode
        if code != 0:
            print(f"{peer[0]} exited with {code}")
            return 1
    finally:
        status = stop(server)
    if not wire_verdict(witness, wire):
        return 1
    if status != 0:
        print(f"the server did not exit cleanly on SIGTERM: status {status}")
        return 1
    print("interop passed")
    return 0


def client_test(mode, args):
    client_args, wire, args = leading_options(args)
    program, peer = args[0], args[1:]
    port = free_port()
    background = subprocess.Popen(fill(peer, port), stdout=subprocess.PIPE, text=True)
    witness = None
    try:
        started = time.time()
        line = ""
        while "listening" not in line and time.time() - started < 30:
            line = background.stdout.readline()
            if not line:
                break
            sys.stdout.write("  [bg] " + line)
        if "listening" not in line:
            print("background process did not start")
            return 1
        connections = int(line.split("connections=")[1]) if "connections=" in line else 1
        witness = Witness(port) if wire else None
        target = witness.port if witness else port
        for index in range(connections):
            path = f"/{index}" if connections > 1 else "/"
            code = subprocess.run([program] + client_args + [f"ws://127.0.0.1:{target}{path}"],
                                  timeout=DEADLINE).returncode
            if (code != 0) != (mode == "client-violation-test"):
                print(f"{program} exited with {code} (connection {index})")
                return 1
        # The peer server checks the echoes and exits with its verdict.
        rest, _ = background.communicate(timeout=DEADLINE)
        sys.stdout.write("".join("  [bg] " + line + "\n" for line in rest.splitlines()))
        if background.returncode != 0:
            print(f"peer server failed with {background.returncode}")
            return 1
        if not wire_verdict(witness, wire):
            return 1
        print("interop passed")
        return 0
    finally:
        if background.poll() is None:
            background.kill()
            background.wait()


def main():
    mode = sys.argv[1]
    if mode == "server-test":
        return server_test(sys.argv[2:])
    return client_test(mode, sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
