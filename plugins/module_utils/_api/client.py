# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one HTTP client of this collection.

It owns the requests Session, the auth headers, the base URL, TLS, timeouts,
retries and the unwrapping of Cloudflare's envelope. It never calls
fail_json: every problem becomes a CloudflareError (see errors.py), and the
module decides how to fail. Private to the collection: not a public API.
"""

import random
import threading
import time

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by the sanity import test
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

from ansible_collections.netedge.cloudflare.plugins.module_utils._api.answers import (
    never_connected,
    read_timed_out,
    root_cause,
    unwrap,
)
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.errors import (
    CloudflareError,
    redact,
    secrets_in,
)
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.pacer import Pacer
from ansible_collections.netedge.cloudflare.plugins.module_utils._version import COLLECTION_VERSION

USER_AGENT = "netedge.cloudflare/%s (+https://github.com/netedge/cloudflare)" % COLLECTION_VERSION

# Statuses worth another try: throttling and the edge's transient failures.
# Cloudflare's own SDKs retry the same set (plus 408/409, which a GET of a
# status does not produce).
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))

# Which failures are retried, for which methods, and why:
# - A read (GET) changes nothing, so any failure worth another try is retried: a connection
#   error, a timeout, a truncated answer, 429 and the 5xx above.
# - A write (POST, PUT, PATCH, DELETE) is retried only when the failure proves that nothing was done:
#   a 429 (Cloudflare's rate limiter, and the refusal of a second pending bulk operation, answer
#   before doing anything) and a connection that was never made (refused, no route, name not
#   resolved, connect timeout). Every other failure of a write (a reset or timeout after the
#   request left, a truncated answer, a 5xx that the edge may have sent after the origin acted)
#   leaves its outcome unknown: the error says so (``outcome_unknown``), and the caller reads
#   the state again and decides, so that a change is never applied twice. An item write that was
#   applied twice is not harmless: an append of items already there can fail the whole operation.
READ_METHODS = frozenset(("GET", "HEAD", "OPTIONS"))
WRITE_RETRY_STATUSES = frozenset((429,))

# Back-off without Retry-After: 0.5 s doubling, capped at 8 s, with jitter.
# These are the numbers of Cloudflare's official SDKs.
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0

# The longest Retry-After honoured. Cloudflare's SDKs honour 0-60 s; a longer
# ask (a 5-minute rate-limit ban) means the budget is spent, and waiting it out
# inside one task would look like a hang, so the client gives up and says so.
RETRY_AFTER_MAX = 60.0

# A bulk-operation status is a few hundred bytes and a page of 500 items about
# 150 KB; anything far larger is not Cloudflare's JSON and is not read.
MAX_BODY_BYTES = 8 * 1024 * 1024

# Half of Cloudflare's 1,200 requests per 5 minutes (see pacer.py): the token is shared by every
# tool that uses it, and the other half stays for them.
DEFAULT_RATE_BUDGET = 600

# Connecting to Cloudflare's anycast edge takes milliseconds; Cloudflare's
# SDKs allow 5 s. Connecting gets at most 10 s of the request timeout.
CONNECT_TIMEOUT_MAX = 10.0


def backoff_delay(attempt, rand=random.random):
    """Jittered exponential back-off for retry number ``attempt`` (1-based).

    Between half and all of min(cap, base * 2**(attempt-1)): the jitter keeps
    many parallel tasks from retrying in lock-step.
    """
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** (attempt - 1)))
    return ceiling * (0.5 + 0.5 * rand())


class CloudflareClient:
    """A requests Session bound to one base URL and one set of credentials.

    ``clock`` (monotonic seconds), ``sleep`` and ``rand`` are injectable so
    that tests never wait for real; they default to the ``time`` and
    ``random`` functions, looked up when the client is made.
    """

    def __init__(self, base_url, headers, timeout=30.0, max_retries=3, validate_certs=True,
                 clock=None, sleep=None, rand=None, bypass_proxies=False, rate_budget=DEFAULT_RATE_BUDGET):
        if not HAS_REQUESTS:
            raise CloudflareError("the Python library 'requests' is required")
        self.base_url = base_url.rstrip("/")
        self.timeout = float(timeout)
        self.max_retries = int(max_retries)
        # One clock per module run: waits use the client's clock and sleep too,
        # so a deadline means the same thing to the waiter and to the retries.
        self.clock = clock or time.monotonic
        self.sleep = sleep or time.sleep
        self.rand = rand or random.random
        self.requests_sent = 0
        # Every attempt, retries and polls included, spends from this task's share of the budget.
        self.pacer = Pacer(rate_budget, self.clock, self.sleep)
        self._secrets = secrets_in(headers)
        self.session = requests.Session()
        self.session.headers.update(headers)
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"
        # Passed with every request: a session-wide False would lose to
        # REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE from the environment, which
        # requests merges in per request.
        self._verify = None if validate_certs else False
        if not validate_certs:
            self.session.verify = False
        # Credentials for a loopback base URL must not be handed to an
        # HTTP(S)_PROXY from the environment; an empty proxy means "direct".
        self._proxies = {"http": "", "https": ""} if bypass_proxies else None

    def close(self):
        self.session.close()

    def get(self, path, deadline=None, params=None, null_ok=False):
        """GET ``path`` and return Cloudflare's ``result`` (None for a null result, with ``null_ok``)."""
        return self.request("GET", path, deadline=deadline, params=params, null_ok=null_ok)

    def get_page(self, path, params=None, deadline=None):
        """GET ``path`` and return ``(result, result_info)``, for calls that page."""
        return self.request("GET", path, deadline=deadline, params=params, with_info=True)

    def post(self, path, json_body, deadline=None):
        return self.request("POST", path, json_body=json_body, deadline=deadline)

    def put(self, path, json_body, deadline=None):
        return self.request("PUT", path, json_body=json_body, deadline=deadline)

    def patch(self, path, json_body, deadline=None):
        return self.request("PATCH", path, json_body=json_body, deadline=deadline)

    def delete(self, path, json_body=None, deadline=None):
        return self.request("DELETE", path, json_body=json_body, deadline=deadline)

    def request(self, method, path, json_body=None, deadline=None, params=None, with_info=False, null_ok=False):
        """Send one API call, retrying what is worth retrying (see READ_METHODS).

        ``deadline`` is a value of ``clock``: no attempt starts, and no
        back-off sleeps, past it. Returns the envelope's ``result``, or
        ``(result, result_info)`` with ``with_info``.
        """
        try:
            return self._request(method.upper(), path, json_body, deadline, params, (with_info, null_ok))
        except CloudflareError as err:
            # A server or proxy may echo the request's headers in its answer,
            # and error texts quote answers: no credential leaves this client
            # in an error, whatever the caller does with it.
            redact(err, self._secrets)
            raise

    def _request(self, method, path, json_body, deadline, params, shape):
        attempt = 0
        while True:
            try:
                return self._attempt(method, path, json_body, deadline, params, shape)
            except CloudflareError as err:
                attempt += 1
                if method not in READ_METHODS and _outcome_unknown(err):
                    err.outcome_unknown = True
                delay = self._retry_delay(method, err, attempt)
                if delay is None:
                    raise
                if deadline is not None and self.clock() + delay > deadline:
                    err.note("not retried because the wait deadline comes first")
                    raise
                self.sleep(delay)

    def _retry_delay(self, method, err, attempt):
        """Seconds to sleep before retrying ``err``, or None to give up."""
        if attempt > self.max_retries:
            return None
        if not (err.transient or err.status in RETRY_STATUSES):
            return None
        if method not in READ_METHODS and err.sent and err.status not in WRITE_RETRY_STATUSES:
            return None
        if err.retry_after is not None:
            if err.retry_after > RETRY_AFTER_MAX:
                asked = ("%d" % err.retry_after) if err.retry_after < 1e9 else "%.3g" % err.retry_after
                err.note("Cloudflare asked to retry after %s s, longer than the %d s this module waits" % (asked, RETRY_AFTER_MAX))
                return None
            return err.retry_after
        return backoff_delay(attempt, self.rand)

    def _attempt(self, method, path, json_body, deadline, params, shape):
        url = self.base_url + path
        timeout = self.timeout
        if deadline is not None:
            # A request may not stretch far past the wait deadline, but it
            # keeps up to a second so that a last poll can still be answered.
            timeout = max(min(1.0, timeout), min(timeout, deadline - self.clock()))
        self.pacer.take(deadline)
        self.requests_sent += 1

        def exchange():
            response = self.session.request(method, url, json=json_body, params=params, timeout=(min(timeout, CONNECT_TIMEOUT_MAX), timeout),
                                            stream=True, proxies=self._proxies, allow_redirects=False,
                                            verify=self._verify)
            try:
                return response, self._read_body(response)
            finally:
                response.close()

        try:
            response, body = _within(exchange, timeout)
        except requests.exceptions.SSLError as exc:
            raise _transport_error(
                "TLS verification failed for %s (%s). Set validate_certs=false only for a trusted test "
                "endpoint, or point REQUESTS_CA_BUNDLE at the CA that signed its certificate" % (self.base_url, root_cause(exc)),
                transient=False)
        except requests.exceptions.ConnectTimeout:
            raise _transport_error("could not connect to %s within %g s" % (self.base_url, min(timeout, CONNECT_TIMEOUT_MAX)),
                                   sent=False)
        except requests.exceptions.Timeout:
            raise _transport_error("no answer from %s within %g s" % (self.base_url, timeout))
        except requests.exceptions.ConnectionError as exc:
            if never_connected(exc):
                raise _transport_error("could not connect to %s (%s)" % (self.base_url, root_cause(exc)), sent=False)
            if read_timed_out(exc):
                raise _transport_error("no answer from %s within %g s" % (self.base_url, timeout))
            raise _transport_error("the connection to %s failed (%s)" % (self.base_url, root_cause(exc)))
        except requests.exceptions.ChunkedEncodingError as exc:
            # The connection closed before the whole answer arrived (a body
            # shorter than its Content-Length, a broken chunk): a truncated
            # answer, worth another try like a reset.
            raise _transport_error("the answer from %s was cut short (%s)" % (self.base_url, root_cause(exc)))
        except requests.exceptions.RequestException as exc:
            raise _transport_error("request to %s failed (%s)" % (self.base_url, root_cause(exc)), transient=False)
        return unwrap(response, body, *shape)

    def _read_body(self, response):
        """The whole body; _within bounds how long reading it may take."""
        chunks = []
        size = 0
        for chunk in response.iter_content(65536):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise _transport_error("the answer from %s is larger than %d bytes" % (self.base_url, MAX_BODY_BYTES),
                                       transient=False)
        return b"".join(chunks)


def _within(func, seconds):
    """``func()``, or requests' Timeout once ``seconds`` have passed, whatever ``func`` is doing.

    A socket timeout bounds each read, not a whole answer: a server (or proxy)
    that drips a byte now and then, during the TLS handshake, the headers or
    the body, keeps every read short and the request alive for ever; so does
    a name lookup that hangs. The exchange runs in a daemon thread, and the
    caller stops waiting for it at the deadline. The thread, if still stuck,
    ends with its socket's own timeout, or with the module's process.
    """
    box = {}

    def run():
        try:
            box["value"] = func()
        except BaseException as exc:  # pylint: disable=broad-exception-caught  # re-raised in the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=run, name="netedge-cloudflare-request", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise requests.exceptions.Timeout("no complete answer within %g s" % seconds)
    if "error" in box:
        raise box["error"]
    return box["value"]


def _transport_error(description, transient=True, sent=True):
    err = CloudflareError(description, transient=transient)
    err.sent = sent
    return err


def _outcome_unknown(err):
    """Whether a failed write may have been applied: it left, and no 4xx refusal came back.

    A 4xx (429 included) is Cloudflare refusing the request before acting on it. No answer, a 5xx,
    or a 2xx whose body could not be read all leave open whether the change was made.
    """
    if not err.sent:
        return False
    return err.status is None or err.status >= 500 or err.status < 400
