"""Kernel-side TCP peer for the end-to-end tests, run inside the test's namespace.

Data is random.Random(seed) bytes in 1 MiB blocks, so both sides can hash what they expect.
Every mode prints one result line; servers print "listening" once they accept connections.
"""
import hashlib
import random
import socket
import struct
import sys
import threading

BLOCK = 1 << 20


def blocks(seed, total):
    generator = random.Random(seed)
    left = total
    while left > 0:
        size = min(BLOCK, left)
        yield generator.randbytes(size)
        left -= size


def listen(port):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("198.18.0.1", port))
    server.listen(8)
    print("listening", flush=True)
    return server


def drain(connection):
    digest = hashlib.sha256()
    count = 0
    while True:
        data = connection.recv(1 << 16)
        if not data:
            return digest.hexdigest(), count
        digest.update(data)
        count += len(data)


def echo_client(host, port, total, seed):
    connection = socket.create_connection((host, port), timeout=60)
    sent = hashlib.sha256()

    def send():
        for block in blocks(seed, total):
            sent.update(block)
            connection.sendall(block)
        connection.shutdown(socket.SHUT_WR)

    sender = threading.Thread(target=send)
    sender.start()
    received, count = drain(connection)
    sender.join()
    connection.close()
    print("sent", sent.hexdigest(), "received", received, count, flush=True)


def sink_server(port):
    server = listen(port)
    connection, _ = server.accept()
    connection.settimeout(60)
    received, count = drain(connection)
    connection.close()
    print("received", received, count, flush=True)


def source_server(port, total, seed):
    server = listen(port)
    connection, _ = server.accept()
    connection.settimeout(60)
    sent = hashlib.sha256()
    for block in blocks(seed, total):
        sent.update(block)
        connection.sendall(block)
    connection.shutdown(socket.SHUT_WR)
    drain(connection)
    connection.close()
    print("sent", sent.hexdigest(), flush=True)


def reset_server(port):
    server = listen(port)
    connection, _ = server.accept()
    connection.recv(16)
    # SO_LINGER on with a zero timeout: close() sends RST instead of FIN
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()
    print("reset", flush=True)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "echo-client":
        echo_client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    elif mode == "sink-server":
        sink_server(int(sys.argv[2]))
    elif mode == "source-server":
        source_server(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    elif mode == "reset-server":
        reset_server(int(sys.argv[2]))
    else:
        raise SystemExit("unknown mode " + mode)
