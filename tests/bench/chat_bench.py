#!/usr/bin/python3
"""Chat fan-out benchmark (never pass/fail): N clients in one room, each sending
M messages/s, every message delivered to all N. Measures deliveries per second
while sending and the p99 delivery latency, for chat_server and for the seed's
Node ws server in the same run, and for two chat_server instances over Redis.

  python3 tests/bench/chat_bench.py [--duration 10] [--build build/chat-bench]

Builds chat_server and chat_load (-O3) into the build directory first. The
servers run on core 0, the load generator (tether clients, tests/bench/chat_load.cpp)
on core 1; Redis shares core 0 with the two instances.
"""
import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "interop", "chat"))
import run_chat_test as harness  # noqa: E402  (process handling, free ports)

# (clients, messages per second per client)
LOADS = [(100, 10), (1000, 1)]


def build(directory):
    subprocess.run(["cmake", "-S", ROOT, "-B", directory, "-DCMAKE_BUILD_TYPE=Release",
                    "-DCMAKE_CXX_FLAGS_RELEASE=-O3 -DNDEBUG", "-DTETHER_INTEROP_TESTS=ON"],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", directory, "-j2", "--target", "chat_server", "chat_load"],
                   check=True, stdout=subprocess.DEVNULL)
    return (os.path.join(directory, "examples", "chat_server"),
            os.path.join(directory, "tests", "interop", "chat", "chat_load"))


def measure(load, urls, clients, rate, duration):
    command = ["taskset", "-c", "1", load, "--clients", str(clients), "--rate", str(rate),
               "--duration", str(duration), "--drain", "10", *urls]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 120)
    line = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    values = dict(re.findall(r"(\w+)=([\d.]+)", line))
    if not values:
        print("chat_load failed:", done.stderr.strip()[-500:])
    return values


def pinned(command):
    return ["taskset", "-c", "0", *command]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--build", default=os.path.join(ROOT, "build", "chat-bench"))
    args = parser.parse_args()
    server_binary, load = build(args.build)
    results = []
    try:
        for clients, rate in LOADS:
            tether = harness.Process("chat_server", pinned([server_binary, "--port", "0"]))
            port = int(tether.wait_for(r"listening on http://127\.0\.0\.1:(\d+)/").group(1))
            ours = measure(load, [f"ws://127.0.0.1:{port}/chat"], clients, rate, args.duration)
            tether.stop()
            seed = harness.Process("seed_server.js", pinned(["node", os.path.join(ROOT, "tests", "interop", "chat",
                                                                                   "seed_server.js"), "0"]))
            port = int(seed.wait_for(r"listening on ws://127\.0\.0\.1:(\d+)/").group(1))
            theirs = measure(load, [f"ws://127.0.0.1:{port}/"], clients, rate, args.duration)
            seed.stop()

            redis_port = harness.free_port()
            store = harness.Process("redis-server", pinned(["redis-server", "--port", str(redis_port), "--bind",
                                                            "127.0.0.1", "--save", "", "--appendonly", "no"]))
            store.wait_for(r"Ready to accept connections")
            urls = []
            for name in ("A", "B"):
                instance = harness.Process(name, pinned([server_binary, "--port", "0", "--redis",
                                                         f"redis://127.0.0.1:{redis_port}/0"]))
                instance_port = instance.wait_for(r"listening on http://127\.0\.0\.1:(\d+)/").group(1)
                urls.append(f"ws://127.0.0.1:{instance_port}/chat")
                instance.wait_for(r"redis subscriber: subscribed")
            shared = measure(load, urls, clients, rate, args.duration)
            harness.stop_all()
            harness.started.clear()
            results.append((clients, rate, ours, theirs, shared))
    finally:
        harness.stop_all()

    def cell(values, key, digits=0):
        return f"{float(values[key]):,.{digits}f}" if key in values else "failed"

    def ratio(a, b, key):
        try:
            return f"{float(a[key]) / float(b[key]):.2f}x"
        except (KeyError, ZeroDivisionError):
            return "-"

    print(f"\nChat fan-out, {args.duration:g} s per run; deliveries/s while sending (offered = N x N x M), "
          "p99 latency in ms, all delivered after the drain?")
    print("| N | M msg/s each | offered deliveries/s | chat_server | seed (Node ws) | ratio | "
          "p99 chat_server | p99 seed | 2 x chat_server + Redis | p99 (Redis) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for clients, rate, ours, theirs, shared in results:
        offered = clients * clients * rate
        print(f"| {clients} | {rate} | {offered:,} | {cell(ours, 'deliveries_per_s')} | "
              f"{cell(theirs, 'deliveries_per_s')} | {ratio(ours, theirs, 'deliveries_per_s')} | "
              f"{cell(ours, 'p99_ms', 2)} | {cell(theirs, 'p99_ms', 2)} | {cell(shared, 'deliveries_per_s')} | "
              f"{cell(shared, 'p99_ms', 2)} |")
    for clients, rate, ours, theirs, shared in results:
        for name, values in (("chat_server", ours), ("seed", theirs), ("redis", shared)):
            if values and values.get("delivered") != values.get("expected"):
                print(f"note: N={clients} {name}: delivered {values.get('delivered')} of {values.get('expected')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
