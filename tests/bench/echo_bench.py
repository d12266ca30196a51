#!/usr/bin/python3
"""Every echo server under echo_load, side by side with Boost.Beast, in one run; prints a table.
Called by run_echo_bench.sh after the release build; not a pass/fail test.

  echo_bench.py BUILD_DIR [--seconds 5] [--rounds 3] [--server-core 0] [--load-core 1]
                          [--servers NAME,...] [--scaling]

Each measurement: the server pinned to one core, echo_load to another, 1 s of warm-up, then
--seconds of load; echoes/s from echo_load, the server's CPU time (user + system, all threads,
/proc/PID/stat) per echo. Rounds visit the servers in a rotating order (the machine's speed
drifts); the table shows medians. --scaling measures echo_server with 1 thread on one core
against 2 threads on two cores instead.
"""
import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys

SERVERS = [  # name, binary (relative to the build directory), extra arguments
    ("echo_server (epoll)", "examples/echo_server", []),
    ("asio_echo", "examples/asio_echo", []),
    ("uv_echo", "examples/uv_echo", []),
    ("uring_echo", "examples/uring_echo", []),
    ("Beast", "tests/bench/beast_echo", []),
]
WORKLOADS = [  # title, connections, depth, message size
    ("100 x 32 B, depth 1", 100, 1, 32),
    ("100 x 32 B, depth 8", 100, 8, 32),
    ("10 x 64 KiB, depth 1", 10, 1, 64 * 1024),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(build, binary, extra, server_cores, load_cores, workload, seconds):
    """(echoes per second, server CPU microseconds per echo) for one server under one workload."""
    _, connections, depth, size = workload
    port = free_port()
    server = subprocess.Popen(["taskset", "-c", server_cores, os.path.join(build, binary), "--port", str(port)] + extra,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline()
        if f"listening on 127.0.0.1:{port}" not in line:
            raise RuntimeError(f"{binary} did not start: {line!r}")
        load = ["taskset", "-c", load_cores, os.path.join(build, "tests/bench/echo_load"), "--port", str(port),
                "--connections", str(connections), "--window", str(depth), "--size", str(size),
                "--seconds", str(seconds), "--warmup", "1", "--server-pid", str(server.pid)]
        out = subprocess.run(load, capture_output=True, text=True, timeout=seconds + 60)
        found = re.search(r"echoes_per_second=(\S+) server_cpu_us_per_echo=(\S+)", out.stdout)
        if out.returncode != 0 or not found:
            raise RuntimeError(f"echo_load failed against {binary}: {out.stdout}{out.stderr}")
        return float(found.group(1)), float(found.group(2))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def table(samples, names, columns, reference):
    """Markdown: one row per server; per workload the median echoes/s and CPU us/echo, and the median
    of the per-round ratios to the reference's CPU us/echo (rounds are close in time, so their ratios
    drift less than the numbers themselves)."""
    head = "| server | " + " | ".join(f"{c}: echoes/s | CPU µs/echo" for c in columns) + " |"
    lines = [head, "|---" * (1 + 2 * len(columns)) + "|"]
    for name in names:
        cells = []
        for column in columns:
            runs = samples[(name, column)]
            rate, cpu = statistics.median(r for r, _ in runs), statistics.median(c for _, c in runs)
            ratio = ""
            if name != reference and (reference, column) in samples:
                paired = zip(runs, samples[(reference, column)])
                ratio = f" ({statistics.median(mine[1] / theirs[1] for mine, theirs in paired):.2f}x)"
            cells += [f"{rate / 1000:.1f} k", f"{cpu:.2f}{ratio}"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--server-core", default="0")
    parser.add_argument("--load-core", default="1")
    parser.add_argument("--servers", help="comma-separated names (default: all that were built)")
    parser.add_argument("--scaling", action="store_true")
    args = parser.parse_args()

    if args.scaling:
        both = f"{args.server_core},{args.load_core}"
        servers = [("echo_server --threads 1, 1 core", "examples/echo_server", ["--threads", "1"], args.server_core,
                    args.load_core),
                   ("echo_server --threads 2, 2 cores", "examples/echo_server", ["--threads", "2"], both, both)]
    else:
        wanted = args.servers.split(",") if args.servers else None
        servers = [(name, binary, extra, args.server_core, args.load_core) for name, binary, extra in SERVERS
                   if os.path.exists(os.path.join(args.build, binary)) and (not wanted or name.split()[0] in wanted)]
    samples = {(s[0], w[0]): [] for s in servers for w in WORKLOADS}
    for round_number in range(args.rounds):
        order = servers[round_number % len(servers):] + servers[:round_number % len(servers)]
        for workload in WORKLOADS:
            for name, binary, extra, server_cores, load_cores in order:
                result = measure(args.build, binary, extra, server_cores, load_cores, workload, args.seconds)
                samples[(name, workload[0])].append(result)
                print(f"round {round_number + 1}: {name:<34} {workload[0]:<22} {result[0]:>10.0f} echoes/s "
                      f"{result[1]:>7.2f} us/echo", file=sys.stderr, flush=True)
    print(table(samples, [s[0] for s in servers], [w[0] for w in WORKLOADS], "Beast"))


if __name__ == "__main__":
    main()
