# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test helpers shared by the plugin tests: a fake clock, Cloudflare envelopes, a keep-alive
server that counts connections, and the in-process module runner."""

import contextlib
import io
import json
import threading
import time

from ansible.module_utils import basic
from ansible.module_utils.common import warnings as ansible_warnings
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


def run_module(module, args):
    """Run ``module.main()`` in-process as Ansible would; its JSON result, raw stdout, and exit code.

    Warnings are kept per process, and each call here stands for a separate module run.
    """
    getattr(ansible_warnings, "_global_warnings", []).clear()
    out = io.StringIO()
    code = None
    with patch_module_args(args), contextlib.redirect_stdout(out):
        try:
            module.main()
        except SystemExit as exc:
            code = exc.code
    raw = out.getvalue()
    assert code is not None, "the module returned without exit_json or fail_json: %r" % raw
    return json.loads(raw), raw, code


ACCOUNT = "0123456789abcdef0123456789abcdef"
OPERATION = "4da8780eeb215e6cb7f48dd981c4ea02"
TOKEN = "tok-SECRET-5e9f0c1d2b3a"
API_KEY = "key-SECRET-77aa88bb99cc"
EMAIL = "ops@example.com"
# Every environment variable a module reads a setting from; tests clear them so that only their arguments count.
ENV_VARS = ("CLOUDFLARE_API_TOKEN", "CLOUDFLARE_TOKEN", "CLOUDFLARE_EMAIL", "CLOUDFLARE_API_KEY",
            "CLOUDFLARE_BASE_URL", "CLOUDFLARE_ACCOUNT_ID")
# What sends requests to another CA bundle or through a proxy: the TLS and secrets tests clear these too.
NETWORK_VARS = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR",
                "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "all_proxy", "no_proxy")


def isolate(patcher, clock=None, names=ENV_VARS):
    """Clear the environment variables ``names`` and, given a fake clock, make the client sleep on it.

    ``patcher`` is a pytest MonkeyPatch: everything is undone after the test (or the fixture's scope).
    The conftest.py fixtures module_env, network_env and real_time_env use this.
    """
    for name in names:
        patcher.delenv(name, raising=False)
    if clock is not None:
        from ansible_collections.netedge.cloudflare.plugins.module_utils._api import client  # pylint: disable=import-outside-toplevel
        patcher.setattr(client, "time", FakeTime(clock))


def warnings_of(result):
    """Warning texts: plain strings before ansible-core 2.19, structured events since."""
    return [warning["event"]["msg"] if isinstance(warning, dict) else warning for warning in result.get("warnings", [])]


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
