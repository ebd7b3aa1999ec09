#!/usr/bin/python3
"""User-space ICMP echo responder for the diemcau network lab.

This kernel has no `tc netem`, so added delay, jitter and seeded loss are made here: the lab runs this
inside a namespace whose kernel ignores echo requests (net.ipv4.icmp_echo_ignore_all=1) and we answer
them ourselves.

Usage: icmp-delay-responder.py --config JSON

  {"seed": 1, "log": "/path/truth.jsonl" | null,
   "hosts": [{"id": "h01-03", "address": "198.18.0.3", "ms": 40, "jitterMs": 15,
              "profile": "alternating" | "uniform", "lossPercent": 5}, ...]}

Delay profiles (per host, over the requests it receives):
  uniform      ms + U(-jitterMs, +jitterMs), as netem without a distribution. Successive differences
               average 2*jitterMs/3 (10 ms for 40 +/- 15).
  alternating  ms +/- jitterMs * U(0.6, 1), the sign flipping on every request, as a congested
               line's queue fills and drains. Still within ms +/- jitterMs, but successive differences
               are jitterMs * (U + U') in [1.2, 2] * jitterMs (18-30 ms, mean 24 ms for 40 +/- 15).

Loss: each request is dropped when the host's own seeded generator draws below lossPercent, so the
drop pattern over the requests is fixed by (seed, address). With a log file every request to a lossy
host is appended to it as a JSON line {"type":"probe", t, iso, host, address, n, lost, seq}: the
ground truth then knows exactly which probes were dropped, and when.

Timing is part of the truth, so a busy machine must not make the lab's lines slower than scripted:
the responder asks for real-time scheduling (SCHED_FIFO 10, else nice -10; it sleeps in poll() and
never spins), and probe lines are written by a separate thread, so a slow disk never holds a reply.

Prints "ready" on stdout once every socket is bound (the lab waits for it), then stays silent;
exits on SIGTERM/SIGINT. Only ever sends to the source of a request it received.
"""

import heapq
import json
import math
import os
import queue
import random
import select
import signal
import socket
import struct
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

VN = timezone(timedelta(hours=7))


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def echo_request(packet: bytes):
    """(icmp body after the type/code/checksum, sequence number) of an echo request, or None."""
    if len(packet) < 20:
        return None
    ihl = (packet[0] & 0x0F) * 4
    icmp = packet[ihl:]
    if len(icmp) < 8 or icmp[0] != 8 or icmp[1] != 0:
        return None
    return icmp[4:], struct.unpack("!H", icmp[6:8])[0]


def echo_reply(rest: bytes) -> bytes:
    body = b"\0\0\0\0" + rest
    return struct.pack("!BBH", 0, 0, checksum(body)) + rest


class Host:
    def __init__(self, spec, seed):
        self.id = str(spec.get("id", spec["address"]))
        self.address = spec["address"]
        socket.inet_aton(self.address)
        self.ms = float(spec.get("ms", 0))
        self.jitter = float(spec.get("jitterMs", 0))
        self.profile = spec.get("profile", "alternating")
        if self.profile not in ("alternating", "uniform"):
            raise ValueError("unknown delay profile %r" % self.profile)
        self.loss = float(spec.get("lossPercent", 0))
        # Separate streams, so the loss pattern does not depend on the delay draws (and vice versa).
        # String seeds hash deterministically (sha512), whatever PYTHONHASHSEED says.
        self.delay_rng = random.Random("%s:%s:delay" % (seed, self.address))
        self.loss_rng = random.Random("%s:%s:loss" % (seed, self.address))
        self.sign = 1
        self.n = 0

    def hold_ms(self) -> float:
        if self.jitter <= 0:
            return self.ms
        if self.profile == "uniform":
            return max(0.0, self.ms + self.delay_rng.uniform(-self.jitter, self.jitter))
        self.sign = -self.sign
        return max(0.0, self.ms + self.sign * self.jitter * self.delay_rng.uniform(0.6, 1.0))

    def drop(self) -> bool:
        return self.loss > 0 and self.loss_rng.random() * 100 < self.loss


def probe_line(host: Host, t: float, lost: bool, seq: int) -> bytes:
    ms = int(round(t * 1000))
    iso = datetime.fromtimestamp(ms / 1000, VN).isoformat(timespec="milliseconds")
    line = {"type": "probe", "t": ms, "iso": iso, "host": host.id, "address": host.address}
    line.update({"n": host.n, "lost": lost, "seq": seq})
    return (json.dumps(line, separators=(",", ":")) + "\n").encode()


class LogWriter:
    """Appends lines from a thread of its own: the reply loop never waits for the disk."""

    def __init__(self, path: str):
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.lines = queue.SimpleQueue()
        threading.Thread(target=self.run, daemon=True).start()

    def run(self):
        while True:
            # One write() per line on an O_APPEND descriptor: lines never interleave with the lab's own.
            os.write(self.fd, self.lines.get())

    def drain(self):
        while True:
            try:
                os.write(self.fd, self.lines.get_nowait())
            except queue.Empty:
                return


def prefer_cpu() -> None:
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
    except (AttributeError, OSError):
        try:
            os.nice(-10)
        except OSError:
            pass  # not root: best effort only


def main(argv) -> int:
    config = None
    args = iter(argv)
    for arg in args:
        if arg == "--config":
            config = json.loads(next(args))
    if not config or not config.get("hosts"):
        print("error: no --config with hosts given", flush=True)
        return 2
    seed = config.get("seed", 1)
    hosts = [Host(h, seed) for h in config["hosts"]]
    log = LogWriter(config["log"]) if config.get("log") and any(h.loss > 0 for h in hosts) else None
    prefer_cpu()

    # One raw socket per address, bound to it: it only receives requests for that address, and the
    # kernel uses it as the source of our replies (fping matches replies by source address).
    sockets = {}
    for h in hosts:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        s.bind((h.address, 0))
        s.setblocking(False)
        sockets[s.fileno()] = (s, h)

    def stop(*_):
        if log is not None:
            log.drain()
        raise SystemExit(0)

    # Raising from the handler interrupts poll(), which Python would otherwise silently restart.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("ready", flush=True)

    pending = []  # heap of (due monotonic time, order, socket, reply bytes, destination)
    order = 0
    poller = select.poll()
    for fd in sockets:
        poller.register(fd, select.POLLIN)
    while True:
        now = time.monotonic()
        while pending and pending[0][0] <= now:
            _, _, s, reply, dest = heapq.heappop(pending)
            try:
                s.sendto(reply, (dest, 0))
            except OSError:
                pass  # no route while the hub's line is cut: the reply is lost, as on a real line
        timeout_ms = None if not pending else max(0, math.ceil((pending[0][0] - time.monotonic()) * 1000))
        events = poller.poll(timeout_ms)
        for fd, _ in events:
            s, h = sockets[fd]
            while True:
                try:
                    packet, (source, _) = s.recvfrom(65535)
                except BlockingIOError:
                    break
                request = echo_request(packet)
                if request is None:
                    continue
                rest, seq = request
                h.n += 1
                lost = h.drop()
                if log is not None and h.loss > 0:
                    log.lines.put(probe_line(h, time.time(), lost, seq))
                if lost:
                    continue
                order += 1
                due = time.monotonic() + h.hold_ms() / 1000
                heapq.heappush(pending, (due, order, s, echo_reply(rest), source))


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as exc:  # reported to the lab, which is still reading stdout at startup
        print("error: %s" % exc, flush=True)
        sys.exit(1)
