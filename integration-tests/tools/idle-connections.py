#!/usr/bin/env python3
"""Holds many idle HTTP/1.1 keep-alive connections open against a server, then uses each once more.

Run it inside a network namespace as the kernel-side client of a server under test:

  python3 idle-connections.py --host 198.18.0.2 --port 8080 --connections 10000 --hold 30

It opens N connections (round-robin over the --source addresses, each bound with port 0), sends
"GET <path>" with keep-alive on each and reads the whole response (by its Content-Length). Once every
connection is open and answered it prints "ready connections=N" and creates --ready-file, so a caller can
measure the server while they are held. It then holds them idle for --hold seconds, sends one more GET on
each and expects 200, closes them all and prints one summary line:

  connections=N opened=N first_ok=N second_ok=N errors=E elapsed_s=T

The exit status is 0 only if every connection succeeded both times. Python 3 standard library only.
"""

import argparse
import asyncio
import resource
import socket
import sys
import time

# linux/in.h: let connect() choose the source port, so one address serves a whole port range per destination.
IP_BIND_ADDRESS_NO_PORT = 24
# Descriptors the interpreter needs besides the connections (stdio, the event loop's selector and pipes).
SPARE_DESCRIPTORS = 64
MAX_HEADER_BYTES = 64 * 1024
ERRORS_SHOWN = 5


class Tally:
    """What happened so far, kept outside the tasks so a timeout can still report it."""

    def __init__(self, connections):
        self.connections = connections
        self.opened = 0
        self.first_ok = 0
        self.second_ok = 0
        self.errors = 0
        self.messages = []

    def fail(self, index, phase, error):
        self.errors += 1
        if len(self.messages) < ERRORS_SHOWN:
            detail = str(error) or type(error).__name__
            self.messages.append(f"connection {index} {phase}: {type(error).__name__}: {detail}")


class HttpError(Exception):
    pass


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", required=True, help="server address")
    parser.add_argument("--port", type=int, required=True, help="server port")
    parser.add_argument("--connections", type=int, required=True, help="how many connections to hold")
    parser.add_argument("--hold", type=float, required=True, help="seconds to hold them idle")
    parser.add_argument("--source", action="append", default=[],
                        help="local address to connect from (repeat for more; ~60k connections each)")
    parser.add_argument("--path", default="/", help="request path (default /)")
    parser.add_argument("--connect-concurrency", type=int, default=500,
                        help="connections being opened, or requests in flight, at once (default 500)")
    parser.add_argument("--ready-file", help="file created once all connections are open and answered")
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed for the whole run (default 300)")
    arguments = parser.parse_args(argv)
    if arguments.connections < 1:
        parser.error("--connections must be at least 1")
    if arguments.connect_concurrency < 1:
        parser.error("--connect-concurrency must be at least 1")
    if arguments.hold < 0 or arguments.timeout <= 0:
        parser.error("--hold must not be negative and --timeout must be positive")
    return arguments


def raise_descriptor_limit(connections):
    """Every connection is a descriptor: lift the soft limit to the hard one and warn if that is still short."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        print(f"raised RLIMIT_NOFILE soft limit from {soft} to {hard}", flush=True)
    needed = connections + SPARE_DESCRIPTORS
    if hard != resource.RLIM_INFINITY and hard < needed:
        print(f"warning: RLIMIT_NOFILE hard limit {hard} is below the {needed} descriptors "
              f"{connections} connections need; raise it (ulimit -Hn) or expect EMFILE", flush=True)


def warn_if_port_range_short(connections, sources):
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as ports:
            low, high = (int(word) for word in ports.read().split())
    except (OSError, ValueError):
        return
    per_source = -(-connections // max(len(sources), 1))
    if per_source > high - low + 1:
        print(f"warning: {per_source} connections per source address exceed the {high - low + 1} ports of "
              f"net.ipv4.ip_local_port_range; add --source addresses or widen the range", flush=True)


def request_bytes(host, port, path):
    return (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: keep-alive\r\n"
            f"User-Agent: idle-connections\r\n\r\n").encode("ascii")


async def read_response(reader):
    """Reads one response whole; returns its status code. Needs Content-Length, as keep-alive framing does."""
    head = await reader.readuntil(b"\r\n\r\n")
    if len(head) > MAX_HEADER_BYTES:
        raise HttpError(f"response head of {len(head)} bytes")
    lines = head.decode("iso-8859-1").split("\r\n")
    status_line = lines[0].split(" ", 2)
    if len(status_line) < 2 or not status_line[0].startswith("HTTP/1.") or not status_line[1].isdigit():
        raise HttpError(f"bad status line {lines[0]!r}")
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length is None:
        raise HttpError(f"response without Content-Length: {lines[0]!r}")
    await reader.readexactly(length)
    return int(status_line[1])


async def open_connection(host, port, source):
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setblocking(False)
        if source:
            sock.setsockopt(socket.IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1)
            sock.bind((source, 0))
        await loop.sock_connect(sock, (host, port))
        return await asyncio.open_connection(sock=sock, limit=MAX_HEADER_BYTES)
    except BaseException:
        sock.close()
        raise


async def exchange(reader, writer, request):
    writer.write(request)
    await writer.drain()
    status = await read_response(reader)
    if status != 200:
        raise HttpError(f"status {status}")


async def run(arguments, tally, ready_time):
    request = request_bytes(arguments.host, arguments.port, arguments.path)
    in_flight = asyncio.Semaphore(arguments.connect_concurrency)
    streams = [None] * arguments.connections

    async def open_and_ask(index):
        source = arguments.source[index % len(arguments.source)] if arguments.source else None
        async with in_flight:
            try:
                reader, writer = await open_connection(arguments.host, arguments.port, source)
            except (OSError, asyncio.IncompleteReadError) as error:
                tally.fail(index, "connect", error)
                return
            tally.opened += 1
            streams[index] = (reader, writer)
            try:
                await exchange(reader, writer, request)
                tally.first_ok += 1
            except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, HttpError) as error:
                tally.fail(index, "first request", error)

    async def ask_again(index):
        reader, writer = streams[index]
        async with in_flight:
            try:
                await exchange(reader, writer, request)
                tally.second_ok += 1
            except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, HttpError) as error:
                tally.fail(index, "request after hold", error)

    try:
        await asyncio.gather(*(open_and_ask(i) for i in range(arguments.connections)))
        if tally.first_ok != arguments.connections:
            return
        ready_time.append(time.monotonic())
        print(f"ready connections={arguments.connections}", flush=True)
        if arguments.ready_file:
            with open(arguments.ready_file, "w") as ready:
                ready.write(f"connections={arguments.connections}\n")
        await asyncio.sleep(arguments.hold)
        await asyncio.gather(*(ask_again(i) for i in range(arguments.connections)))
    finally:
        open_writers = [stream[1] for stream in streams if stream is not None]
        for writer in open_writers:
            writer.close()
        await asyncio.gather(*(writer.wait_closed() for writer in open_writers), return_exceptions=True)


async def run_with_deadline(arguments, tally, ready_time):
    try:
        await asyncio.wait_for(run(arguments, tally, ready_time), arguments.timeout)
    except asyncio.TimeoutError:
        tally.errors += 1
        tally.messages.append(f"the run exceeded --timeout {arguments.timeout:g} s "
                              f"(opened={tally.opened} first_ok={tally.first_ok} second_ok={tally.second_ok})")


def main(argv):
    arguments = parse_arguments(argv)
    raise_descriptor_limit(arguments.connections)
    warn_if_port_range_short(arguments.connections, arguments.source)
    tally = Tally(arguments.connections)
    ready_time = []
    start = time.monotonic()
    asyncio.run(run_with_deadline(arguments, tally, ready_time))
    elapsed = time.monotonic() - start
    if ready_time:
        opening = ready_time[0] - start
        print(f"opened and answered {arguments.connections} connections in {opening:.2f} s "
              f"({arguments.connections / max(opening, 1e-9):.0f} connections/s)", flush=True)
    for message in tally.messages:
        print(f"error: {message}", file=sys.stderr, flush=True)
    if tally.errors > len(tally.messages):
        print(f"error: ... and {tally.errors - len(tally.messages)} more", file=sys.stderr, flush=True)
    print(f"connections={arguments.connections} opened={tally.opened} first_ok={tally.first_ok} "
          f"second_ok={tally.second_ok} errors={tally.errors} elapsed_s={elapsed:.2f}", flush=True)
    succeeded = tally.errors == 0 and tally.second_ok == arguments.connections
    return 0 if succeeded else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
