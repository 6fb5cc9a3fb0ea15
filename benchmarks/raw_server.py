"""A minimal HTTP server for the benchmarks: reads each request, answers the API's "00" answer.

Run as ``python raw_server.py``: prints its URL, serves (HTTP/1.1 keep-alive, a thread per
connection) until its stdin closes. No framework, no parsing beyond Content-Length, no logging:
what a client achieves against it is the client's own cost plus the loopback's.
"""
import os
import socket
import sys
import threading

BODY = b'{"Message":{"Code":"00","Description":"Job data recorded."}}'
RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
            b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY)


def serve(conn):
    buffer = b""
    with conn:
        while True:
            while b"\r\n\r\n" not in buffer:
                data = conn.recv(65536)
                if not data:
                    return
                buffer += data
            head, _, rest = buffer.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            while len(rest) < length:
                data = conn.recv(65536)
                if not data:
                    return
                rest += data
            buffer = rest[length:]
            conn.sendall(RESPONSE)


def main():
    server = socket.create_server(("127.0.0.1", 0))
    print(f"http://127.0.0.1:{server.getsockname()[1]}", flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    while True:
        conn, _ = server.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
