"""Misbehaving TCP servers for the real-tools corpus, each the plain socket calls a real backend makes.

  python3 servers.py MODE ADDR PORT

Modes (each serves until it is killed; held connections are dropped after 60 s so nothing lingers):
  mute     accept, read the request, never answer
  close    accept, read the request, close (FIN) without a byte of response
  slowclose  accept, read the request, wait 1.5 s, close (FIN) without a response
  reset    accept, read the request, abort (SO_LINGER 0: RST)
  garbage  accept, read the request, answer bytes that are not HTTP, close
  backlog  listen(0) and never accept: the kernel's accept queue fills and later SYNs are dropped
  firstonly  answer the first connection with 200, then read every later request and never answer
  echo     an interactive session: echo what arrives until the peer closes
"""

import socket
import struct
import sys
import threading
import time

HOLD_SECONDS = 60


def read_request(conn: socket.socket) -> bytes:
    conn.settimeout(10)
    data = b""
    try:
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    return data


served = 0


def echo(conn: socket.socket) -> None:
    conn.settimeout(HOLD_SECONDS)
    try:
        while chunk := conn.recv(4096):
            conn.sendall(chunk)
    except OSError:
        pass
    conn.close()


def handle(mode: str, conn: socket.socket) -> None:
    global served
    if mode == "echo":
        echo(conn)
        return
    read_request(conn)
    if mode == "firstonly":
        served += 1
        if served == 1:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
        else:
            time.sleep(HOLD_SECONDS)
    elif mode == "mute":
        time.sleep(HOLD_SECONDS)
    elif mode == "slowclose":
        time.sleep(1.5)
    elif mode == "reset":
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    elif mode == "garbage":
        conn.sendall(b"SSH-2.0-OpenSSH_9.2p1\r\n")
    conn.close()


def main() -> None:
    mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    if mode == "backlog":
        srv.listen(0)
        print("ready", flush=True)
        time.sleep(3600)
        return
    srv.listen(16)
    print("ready", flush=True)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(mode, conn), daemon=True).start()


if __name__ == "__main__":
    main()
