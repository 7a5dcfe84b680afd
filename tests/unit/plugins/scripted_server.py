# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A scripted HTTP(S) server on 127.0.0.1 that answers with raw bytes, for the reliability tests.

Every connection carries one request: the server reads its head, records the method, the
request target and the headers, then plays the answer (raw bytes, or a list of steps such as
"send these bytes", "sleep", "reset") and closes. Nothing in requests is patched: the client
under test talks to a real socket.
"""

import socket
import ssl
import struct
import threading
import time


def http_response(status, body=b"", headers=None, reason="X", length=None):
    """The raw bytes of an HTTP/1.1 answer; ``length`` overrides the Content-Length sent."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    lines = ["HTTP/1.1 %d %s" % (status, reason)]
    for name, value in (headers or {}).items():
        lines.append("%s: %s" % (name, value))
    if length is not False:
        lines.append("Content-Length: %d" % (len(body) if length is None else length))
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class Request:
    """What the server saw of one request."""

    def __init__(self, head):
        text = head.decode("latin-1")
        request_line, _sep, rest = text.partition("\r\n")
        parts = request_line.split(" ")
        self.method = parts[0] if parts else ""
        self.target = parts[1] if len(parts) > 1 else ""
        self.headers = {}
        for line in rest.split("\r\n"):
            name, sep, value = line.partition(":")
            if sep:
                self.headers[name.strip().lower()] = value.strip()
        self.raw = text


class ScriptedServer:
    """An HTTP server on 127.0.0.1 that plays scripted answers.

    ``answer`` is what every connection gets unless ``queue`` holds something; an answer is
    bytes, a list of steps (``bytes``, ``("sleep", s)``, ``("drip", bytes, s)``,
    ``("reset",)``, ``("silent", s)``), or a callable ``f(request) -> answer``.
    With ``tls_context`` it speaks HTTPS.
    """

    def __init__(self, answer=b"", tls_context=None):
        self.answer = answer
        self.queue = []
        self.requests = []
        self.connections = 0
        self.tls_context = tls_context
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        scheme = "https" if tls_context else "http"
        self.url = "%s://127.0.0.1:%d/client/v4" % (scheme, self.port)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def reset(self, answer=None):
        with self._lock:
            if answer is not None:
                self.answer = answer
            self.queue = []
            self.requests = []
            self.connections = 0

    def _next_answer(self):
        with self._lock:
            self.connections += 1
            return self.queue.pop(0) if self.queue else self.answer

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _addr = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn):
        answer = self._next_answer()
        conn.settimeout(5)
        try:
            if self.tls_context is not None:
                try:
                    conn = self.tls_context.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError):
                    return  # the client refused the certificate: no request
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                head += chunk
            request = Request(head.split(b"\r\n\r\n", 1)[0])
            with self._lock:
                self.requests.append(request)
            if callable(answer):
                answer = answer(request)
            self._play(conn, answer)
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    @staticmethod
    def _play(conn, answer):
        steps = answer if isinstance(answer, list) else [answer]
        for step in steps:
            if isinstance(step, bytes):
                conn.sendall(step)
            elif step[0] == "sleep" or step[0] == "silent":
                time.sleep(step[1])
            elif step[0] == "drip":
                for byte in step[1]:
                    conn.sendall(bytes([byte]))
                    time.sleep(step[2])
            elif step[0] == "reset":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return

    def paths(self):
        with self._lock:
            return [request.target for request in self.requests]

    def close(self):
        self._stop.set()
        self.sock.close()
        self._thread.join(2)
