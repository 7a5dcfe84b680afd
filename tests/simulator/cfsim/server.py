# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP server: reads requests, hands them to the simulator, applies faults on the way out."""

import http.server
import socket
import struct
import sys
import threading
import time
from urllib.parse import parse_qs, urlsplit

from .common import ADMIN_PREFIX, MAX_BODY_BYTES, envelope, error, json_response


class SimServer(http.server.ThreadingHTTPServer):
    """Threaded HTTP/1.1 server that counts accepted TCP connections and can drop them all."""

    daemon_threads = True

    def __init__(self, address, sim):
        self.sim = sim
        self.open_sockets = set()
        self.sockets_lock = threading.Lock()
        super().__init__(address, SimHandler)

    def get_request(self):
        sock, address = super().get_request()
        # Headers and body leave in two writes; without TCP_NODELAY the body would wait for
        # the client's delayed ACK (40 ms per answer).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.sockets_lock:
            self.open_sockets.add(sock)
        self.sim.count_connection()
        return sock, address

    def shutdown_request(self, request):
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address):
        # A client that hung up (timeouts, resets) is part of the game, not a simulator bug.
        if isinstance(sys.exc_info()[1], (ConnectionError, socket.timeout)):
            return
        super().handle_error(request, client_address)

    def drop_connections(self):
        """Shut down kept-alive connections so their threads end with the server."""
        with self.sockets_lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class SimHandler(http.server.BaseHTTPRequestHandler):
    """Reads one request, lets the simulator answer it, and applies any fault on the way out."""

    protocol_version = "HTTP/1.1"
    timeout = 120
    carried_api_request = False
    answering_api_request = False

    def version_string(self):
        return "cloudflare"

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.sim.verbose:
            super().log_message(format, *args)

    def do_GET(self):  # pylint: disable=invalid-name
        """Answer a GET."""
        self.dispatch("GET")

    def do_POST(self):  # pylint: disable=invalid-name
        """Answer a POST."""
        self.dispatch("POST")

    def do_PUT(self):  # pylint: disable=invalid-name
        """Answer a PUT."""
        self.dispatch("PUT")

    def do_DELETE(self):  # pylint: disable=invalid-name
        """Answer a DELETE."""
        self.dispatch("DELETE")

    def do_PATCH(self):  # pylint: disable=invalid-name
        """Answer a PATCH (no Lists route takes one)."""
        self.dispatch("PATCH")

    def dispatch(self, method):
        """Route to the admin API or the Cloudflare API, with faults."""
        body = self.read_body()
        if body is None:
            return
        split = urlsplit(self.path)
        sim = self.server.sim
        if split.path.startswith(ADMIN_PREFIX):
            self.send(sim.admin(method, split.path, body))
            return
        request = {"method": method, "path": split.path, "query": parse_qs(split.query, keep_blank_values=True),
                   "headers": self.headers, "body": body}
        fault = sim.begin_request(method, split.path, first_on_connection=not self.carried_api_request, request=request)
        self.carried_api_request = True
        self.answering_api_request = True
        if fault is None:
            self.send(sim.answer(request))
        else:
            self.answer_with_fault(sim, request, fault)

    def answer_with_fault(self, sim, request, fault):
        """Answer a request that a fault hits."""
        kind = fault["kind"]
        processed = None
        if fault["after"] or kind in ("truncate", "operation"):
            processed = sim.answer(request, op_fault=fault if kind == "operation" else None)
        if kind == "reset":
            self.reset_connection()
        elif kind == "slow":
            time.sleep(float(fault["delay"]))
            self.send(processed or sim.answer(request))
        elif kind == "truncate":
            self.send(processed, truncate=True, incomplete=bool(fault.get("incomplete")))
        elif kind == "status":
            self.send(sim.status_fault(fault))
        elif kind == "success_false":
            code_message = (fault.get("code", 10002), fault.get("message", "An internal error occurred, please try again"))
            self.send(json_response(200, envelope(None, [error(code_message)])))
        else:
            self.send(processed)

    def read_body(self):
        """The request body (Content-Length or chunked), or None after answering 413."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self.read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            self.close_connection = True
            self.send(json_response(413, envelope(None, [error((413, "Request body too large or Content-Length invalid"))])))
            return None
        return self.rfile.read(length) if length else b""

    def read_chunked(self):
        """A chunked request body."""
        chunks = []
        for dummy in range(100000):
            try:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            except ValueError:
                self.close_connection = True
                break
            if not size:
                break
            chunks.append(self.rfile.read(size))
            self.rfile.readline()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass
        return b"".join(chunks)

    def send(self, response, truncate=False, incomplete=False):
        """Write (status, headers, bytes); ``truncate`` sends only the first half of the body."""
        status, headers, data = response
        if self.answering_api_request:
            self.answering_api_request = False
            self.server.sim.count_status(status)
        sent = data[: len(data) // 2] if truncate else data
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("CF-RAY", self.server.sim.ray_id())
        self.send_header("Content-Length", str(len(data) if incomplete else len(sent)))
        if self.close_connection:
            # The client asked to close (or the body could not be read): say so, or it may
            # reuse a socket this side is about to close.
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(sent)
        if incomplete:
            self.close_connection = True

    def reset_connection(self):
        """Close the socket with SO_LINGER 0: the client sees a TCP reset, no answer."""
        self.close_connection = True
        self.answering_api_request = False
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
