"""A loopback relay that watches the WebSocket frames going through it.

The interop runner puts it between a peer and a tether example to see what
really crossed the wire, whatever each side reports about itself: the
extensions the client offered and the server agreed to (the handshake heads),
and per direction how many messages began with RSV1 set (compressed, RFC 7692
§6) and how many frames carried RSV1 where it is forbidden (continuation and
control frames, RFC 7692 §6.1). Payloads are skipped, never buffered.
"""
import socket
import threading

CHUNK = 256 * 1024


class FrameCounter:
    """One direction: the HTTP head, then frame headers (RFC 6455 §5.2)."""

    def __init__(self):
        self.head = bytearray()
        self.head_text = None
        self.header = bytearray()
        self.skip = 0
        self.messages = 0  # data frames that begin a message
        self.compressed = 0  # ... with RSV1
        self.misplaced_rsv1 = 0  # RSV1 on a continuation or control frame
        self.other_rsv = 0  # RSV2/RSV3: no extension here defines them

    def feed(self, data):
        data = memoryview(data)
        if self.head_text is None:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            self.head_text = bytes(self.head[:end]).decode("latin-1")
            data = memoryview(bytes(self.head[end + 4:]))
            self.head = None
        header = self.header
        while True:
            if self.skip:
                if not len(data):
                    return
                taken = min(self.skip, len(data))
                self.skip -= taken
                data = data[taken:]
                continue
            need = 2
            if len(header) >= 2:
                need += {126: 2, 127: 8}.get(header[1] & 0x7F, 0) + (4 if header[1] & 0x80 else 0)
            if len(header) < need:
                if not len(data):
                    return
                taken = need - len(header)
                header += data[:taken]
                data = data[taken:]
                continue
            self.frame(bytes(header))  # sets skip to the payload length
            header.clear()

    def frame(self, header):
        opcode = header[0] & 0x0F
        rsv1 = bool(header[0] & 0x40)
        short_length = header[1] & 0x7F
        if short_length == 126:
            length = int.from_bytes(header[2:4], "big")
        elif short_length == 127:
            length = int.from_bytes(header[2:10], "big")
        else:
            length = short_length
        if opcode in (1, 2):
            self.messages += 1
            self.compressed += rsv1
        elif rsv1:
            self.misplaced_rsv1 += 1
        if header[0] & 0x30:
            self.other_rsv += 1
        self.skip = length

    def header_values(self, name):
        if self.head_text is None:
            return []
        prefix = name.lower() + ":"
        return [line.split(":", 1)[1].strip() for line in self.head_text.split("\r\n")[1:]
                if line.lower().startswith(prefix)]

    def summary(self):
        return (f"messages={self.messages} compressed={self.compressed} "
                f"rsv1-misplaced={self.misplaced_rsv1} rsv2/3={self.other_rsv}")


class Connection:
    def __init__(self):
        self.to_server = FrameCounter()  # the client's bytes
        self.to_client = FrameCounter()  # the server's bytes
        self.done = threading.Event()

    @property
    def upgraded(self):
        return self.to_client.head_text is not None and self.to_client.head_text.startswith("HTTP/1.1 101")

    @property
    def offer(self):
        return ", ".join(self.to_server.header_values("Sec-WebSocket-Extensions"))

    @property
    def answer(self):
        return ", ".join(self.to_client.header_values("Sec-WebSocket-Extensions"))

    def describe(self):
        return (f"offer=[{self.offer}] answer=[{self.answer}]\n"
                f"      client->server {self.to_server.summary()}\n"
                f"      server->client {self.to_client.summary()}")


class Witness:
    """Listens on a free loopback port and relays every connection to `target_port`."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            try:
                server = socket.create_connection(("127.0.0.1", self.target_port), timeout=10)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            connection = Connection()
            with self.lock:
                self.connections.append(connection)
            pumps = [threading.Thread(target=self._pump, args=(client, server, connection.to_server), daemon=True),
                     threading.Thread(target=self._pump, args=(server, client, connection.to_client), daemon=True)]
            for pump in pumps:
                pump.start()
            threading.Thread(target=self._finish, args=(pumps, client, server, connection), daemon=True).start()

    @staticmethod
    def _pump(source, sink, counter):
        """Copies one direction; an end of stream is passed on as a half-close."""
        try:
            while True:
                data = source.recv(CHUNK)
                if not data:
                    sink.shutdown(socket.SHUT_WR)
                    return
                counter.feed(data)
                sink.sendall(data)
        except OSError:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    @staticmethod
    def _finish(pumps, client, server, connection):
        for pump in pumps:
            pump.join()
        client.close()
        server.close()
        connection.done.set()

    def close(self, wait=10):
        """Stops listening; waits (bounded) for the relayed connections to end."""
        self.listener.close()
        with self.lock:
            connections = list(self.connections)
        for connection in connections:
            connection.done.wait(wait)
        return connections


EXPECTATIONS = ("deflate", "declined", "not-offered")


def check(connections, expect):
    """For every upgraded connection, expect
      'deflate': the client offered permessage-deflate, the server agreed, and
                 compressed messages went both ways;
      'declined': the client offered it, the server declined, nothing was compressed;
      'not-offered': the client did not offer it, nothing was compressed.
    Returns a list of failures."""
    if expect not in EXPECTATIONS:
        return [f"unknown expectation {expect}"]
    failures = []
    upgraded = [c for c in connections if c.upgraded]
    for index, c in enumerate(connections):
        print(f"  [wire] connection {index}{'' if c.upgraded else ' (not upgraded)'}: {c.describe()}")
    if not upgraded:
        return ["no connection was upgraded"]
    for index, c in enumerate(upgraded):
        where = f"connection {index}"
        if c.to_server.misplaced_rsv1 or c.to_client.misplaced_rsv1 or c.to_server.other_rsv or c.to_client.other_rsv:
            failures.append(f"{where}: RSV bits where RFC 7692 §6.1 forbids them")
        offered = "permessage-deflate" in c.offer
        if offered != (expect != "not-offered"):
            failures.append(f"{where}: the client {'offered' if offered else 'did not offer'} permessage-deflate")
        if expect == "deflate":
            if "permessage-deflate" not in c.answer:
                failures.append(f"{where}: the server did not agree to permessage-deflate")
            if not c.to_client.compressed:
                failures.append(f"{where}: no compressed message from the server")
            if not c.to_server.compressed:
                failures.append(f"{where}: no compressed message from the client")
        else:
            if c.answer:
                failures.append(f"{where}: the server agreed to extensions: {c.answer}")
            if c.to_client.compressed or c.to_server.compressed:
                failures.append(f"{where}: compressed messages without an agreed extension")
    return failures
