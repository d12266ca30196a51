#!/usr/bin/python3
"""Runs one interop pairing on loopback, bounded in time, and cleans up.

  run_interop.py server-test ECHO_SERVER PEER...   start echo_server, run PEER with its URL
  run_interop.py client-test ECHO_CLIENT PEER...   start PEER as a server, run echo_client against it
  run_interop.py client-violation-test ECHO_CLIENT PEER...   the same, but echo_client must fail

PEER is a command; the literal {url} or {port} in it is replaced.
"""
import socket
import subprocess
import sys
import time

DEADLINE = 240


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


def fill(args, port):
    url = f"ws://127.0.0.1:{port}/"
    return [a.replace("{url}", url).replace("{port}", str(port)) for a in args]


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main():
    mode, program, peer = sys.argv[1], sys.argv[2], sys.argv[3:]
    port = free_port()
    if mode == "server-test":
        background = subprocess.Popen([program, "--port", str(port), "--max-message-size", str(64 << 20)],
                                      stdout=subprocess.PIPE, text=True)
        foreground = fill(peer, port)
        ready = "listening on"
    else:
        background = subprocess.Popen(fill(peer, port), stdout=subprocess.PIPE, text=True)
        foreground = [program, f"ws://127.0.0.1:{port}/"]
        ready = "listening"
    try:
        if not wait_for_line(background, ready):
            print("background process did not start")
            return 1
        code = subprocess.run(foreground, timeout=DEADLINE).returncode
        expect_failure = mode == "client-violation-test"
        if (code != 0) != expect_failure:
            print(f"{foreground[0]} exited with {code}")
            return 1
        if mode != "server-test":
            # The peer server checks the echoes and exits with its verdict.
            rest, _ = background.communicate(timeout=DEADLINE)
            sys.stdout.write("".join("  [bg] " + line + "\n" for line in rest.splitlines()))
            if background.returncode != 0:
                print(f"peer server failed with {background.returncode}")
                return 1
        print("interop passed")
        return 0
    finally:
        stop(background)


if __name__ == "__main__":
    sys.exit(main())
