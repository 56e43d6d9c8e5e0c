"""The Python client stack of the real-tools corpus: urllib over http.client and socket.

  python3 client.py URL [--timeout S] [--ipv4] [--cafile F] [--tls12 | --tls13] [--burst N] [--half-close]
                       [--pause S]

Prints the status line or the error, exits 0 on an HTTP answer and 1 otherwise.
--burst N opens N connections at once (threads) and sends a request on each, as a client pool does.
--half-close sends an HTTP/1.0 request and shuts down its sending side (FIN) at once, then reads
the answer: the half-close that HTTP/1.0 and scripted clients do.
--pause S connects, holds the idle connection S seconds, then sends the request on it, as a client
reusing a pooled connection does (plain HTTP).
"""

import argparse
import socket
import ssl
import sys
import threading
import time
import urllib.request
from urllib.parse import urlsplit


def tls_context(args: argparse.Namespace) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=args.cafile)
    if args.tls12:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    if args.tls13:
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    return ctx


def fetch(args: argparse.Namespace) -> int:
    handlers = []
    if args.url.startswith("https:"):
        handlers.append(urllib.request.HTTPSHandler(context=tls_context(args)))
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(args.url, timeout=args.timeout) as r:
            r.read()
            print(r.status, r.reason)
            return 0
    except Exception as e:  # the corpus wants the failure on the wire, the message is for the log
        print("error:", repr(e))
        return 1


def burst(args: argparse.Namespace) -> int:
    u = urlsplit(args.url)
    results: list[str] = []

    def one() -> None:
        try:
            with socket.create_connection((u.hostname, u.port or 80), timeout=args.timeout) as s:
                s.sendall(f"GET {u.path or '/'} HTTP/1.1\r\nHost: {u.hostname}\r\n\r\n".encode())
                results.append(repr(s.recv(100)))
        except Exception as e:
            results.append(repr(e))

    threads = [threading.Thread(target=one) for _ in range(args.burst)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(args.timeout * 4)
    print("\n".join(results))
    return 1


def half_close(args: argparse.Namespace) -> int:
    u = urlsplit(args.url)
    try:
        with socket.create_connection((u.hostname, u.port or 80), timeout=args.timeout) as s:
            s.sendall(f"GET {u.path or '/'} HTTP/1.0\r\nHost: {u.hostname}\r\n\r\n".encode())
            s.shutdown(socket.SHUT_WR)
            data = read_reply(s)
    except Exception as e:
        print("error:", repr(e))
        return 1
    return status_of(data)


def read_reply(s: socket.socket) -> bytes:
    """Everything the server sends until it closes, at most 1 MiB."""
    data = b""
    while len(data) < 1 << 20:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def status_of(data: bytes) -> int:
    """Prints the reply's status line; 0 for an HTTP reply."""
    print(data.split(b"\r\n", 1)[0].decode(errors="replace") or "error: empty reply")
    return 0 if data.startswith(b"HTTP/") else 1


def paused(args: argparse.Namespace) -> int:
    u = urlsplit(args.url)
    try:
        with socket.create_connection((u.hostname, u.port or 80), timeout=args.timeout) as s:
            time.sleep(args.pause)
            s.sendall(f"GET {u.path or '/'} HTTP/1.1\r\nHost: {u.hostname}\r\nConnection: close\r\n\r\n".encode())
            data = read_reply(s)
    except Exception as e:
        print("error:", repr(e))
        return 1
    return status_of(data)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("--timeout", type=float, default=3)
    p.add_argument("--ipv4", action="store_true")
    p.add_argument("--cafile")
    p.add_argument("--tls12", action="store_true")
    p.add_argument("--tls13", action="store_true")
    p.add_argument("--burst", type=int, default=0)
    p.add_argument("--half-close", action="store_true")
    p.add_argument("--pause", type=float, default=0)
    args = p.parse_args()
    if args.ipv4:
        # Ask the resolver for IPv4 only, as a client configured for one family does (A queries only).
        real = socket.getaddrinfo
        socket.getaddrinfo = lambda host, port, family=0, *a, **k: real(host, port, socket.AF_INET, *a, **k)
    if args.half_close:
        return half_close(args)
    if args.pause:
        return paused(args)
    return burst(args) if args.burst else fetch(args)


if __name__ == "__main__":
    sys.exit(main())
