#!/usr/bin/python3
"""User-space ICMP echo responder for the diemcau network lab.

This kernel has no `tc netem`, so added delay and jitter are made here: the lab runs this inside a
namespace whose kernel ignores echo requests (net.ipv4.icmp_echo_ignore_all=1) and we answer them
ourselves, each reply held back by delay +/- jitter (uniform, as netem does without a distribution).

Usage: icmp-delay-responder.py [--seed N] ADDRESS:DELAY_MS:JITTER_MS [...]

Prints "ready" on stdout once every socket is bound (the lab waits for it), then stays silent;
exits on SIGTERM/SIGINT. Only ever sends to the source of a request it received.
"""

import heapq
import math
import random
import select
import signal
import socket
import struct
import sys
import time


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def echo_reply(packet: bytes):
    """The ICMP echo reply for a raw IPv4 packet holding an echo request, or None."""
    if len(packet) < 20:
        return None
    ihl = (packet[0] & 0x0F) * 4
    icmp = packet[ihl:]
    if len(icmp) < 8 or icmp[0] != 8 or icmp[1] != 0:
        return None
    body = b"\0\0\0\0" + icmp[4:]
    return struct.pack("!BBH", 0, 0, checksum(body)) + icmp[4:]


def parse_host(spec: str):
    address, delay, jitter = spec.split(":")
    socket.inet_aton(address)
    return address, float(delay), float(jitter)


def main(argv) -> int:
    seed = None
    specs = []
    args = iter(argv)
    for arg in args:
        if arg == "--seed":
            seed = int(next(args))
        else:
            specs.append(parse_host(arg))
    if not specs:
        print("error: no ADDRESS:DELAY_MS:JITTER_MS given", flush=True)
        return 2
    rng = random.Random(seed)

    # One raw socket per address, bound to it: it only receives requests for that address, and the
    # kernel uses it as the source of our replies (fping matches replies by source address).
    sockets = {}
    for address, delay, jitter in specs:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        s.bind((address, 0))
        s.setblocking(False)
        sockets[s.fileno()] = (s, delay, jitter)

    def stop(*_):
        raise SystemExit(0)

    # Raising from the handler interrupts poll(), which Python would otherwise silently restart.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("ready", flush=True)

    pending = []  # heap of (due monotonic time, seq, socket, reply bytes, destination)
    seq = 0
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
            s, delay, jitter = sockets[fd]
            while True:
                try:
                    packet, (source, _) = s.recvfrom(65535)
                except BlockingIOError:
                    break
                reply = echo_reply(packet)
                if reply is None:
                    continue
                hold = max(0.0, delay + rng.uniform(-jitter, jitter)) / 1000
                seq += 1
                heapq.heappush(pending, (time.monotonic() + hold, seq, s, reply, source))


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as exc:  # reported to the lab, which is still reading stdout at startup
        print("error: %s" % exc, flush=True)
        sys.exit(1)
