# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test helpers shared by the plugin tests: a fake clock, Cloudflare envelopes, and a
raw TCP server for faults that an HTTP server library cannot produce (resets, silence)."""

import contextlib
import json
import socket
import struct
import threading
import time

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

try:
    from ansible.module_utils.testing import patch_module_args  # pylint: disable=unused-import  # re-exported for the tests
except ImportError:  # ansible-core < 2.19 has no patch_module_args
    @contextlib.contextmanager
    def patch_module_args(args):
        """Expose ``args`` to AnsibleModule instances made inside the block."""
        old = basic._ANSIBLE_ARGS  # pylint: disable=protected-access
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))  # pylint: disable=protected-access
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = old  # pylint: disable=protected-access

ACCOUNT = "0123456789abcdef0123456789abcdef"
OPERATION = "4da8780eeb215e6cb7f48dd981c4ea02"
TOKEN = "tok-SECRET-5e9f0c1d2b3a"
API_KEY = "key-SECRET-77aa88bb99cc"
EMAIL = "ops@example.com"


class FakeClock:
    """A monotonic clock that moves only when something sleeps on it."""

    def __init__(self, start=1000.0):
        self.now = start
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        assert seconds >= 0, "negative sleep %r" % seconds
        self.sleeps.append(seconds)
        self.now += seconds


def envelope(result, success=True, errors=None, messages=None):
    return json.dumps({"result": result, "success": success, "errors": errors or [], "messages": messages or []})


class RawServer:
    """A TCP server on 127.0.0.1 that answers each connection with the next scripted action.

    Actions: ("reset",) closes with RST; ("silent", seconds) says nothing;
    ("http", status, body) answers once with Connection: close.
    """

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = "http://127.0.0.1:%d/client/v4" % self.port
        self.actions = []
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _addr = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.connections += 1
            action = self.actions.pop(0) if self.actions else ("reset",)
            threading.Thread(target=self._handle, args=(conn, action), daemon=True).start()

    @staticmethod
    def _handle(conn, action):
        conn.settimeout(2)
        try:
            conn.recv(65536)
            if action[0] == "reset":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            elif action[0] == "silent":
                time.sleep(action[1])
            elif action[0] == "http":
                body = action[2].encode()
                conn.sendall(b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                             b"Connection: close\r\n\r\n%s" % (action[1], len(body), body))
        except OSError:
            pass
        finally:
            conn.close()

    def close(self):
        self._stop.set()
        self.sock.close()
        self._thread.join(2)


class KeepAliveServer:
    """An HTTP/1.1 server on 127.0.0.1 that keeps connections open and counts them.

    Every GET is answered with ``body`` (the latest value set).
    """

    def __init__(self, body):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # pylint: disable=import-outside-toplevel

        owner = self
        self.body = body
        self.connections = 0
        self.requests = 0

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # pylint: disable=invalid-name
                owner.requests += 1
                data = owner.body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # pylint: disable=arguments-differ
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def get_request(self):
                owner.connections += 1
                return ThreadingHTTPServer.get_request(self)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/client/v4" % self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class FakeTime:
    """Stands in for the ``time`` module inside the client: a fake monotonic clock, real wall time."""

    def __init__(self, clock):
        self.monotonic = clock
        self.sleep = clock.sleep
        self.time = time.time
