# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Property-based tests: whatever the input or the answer, the module ends cleanly.

* Arbitrary ``account_id``, ``operation_id`` and ``base_url`` never crash the module: it either
  runs or refuses with "Invalid options: ...", before any request.
* No value of ``operation_id`` or ``account_id`` reaches a path other than the bulk-operation path.
* Credentials never travel in clear to a host that is not loopback, whatever ``base_url`` says.
* Any status code with any body (JSON, bytes, cut short, badly framed) and any ``Retry-After``
  gives either a result or a CloudflareError with a short, one-line message.

Answers come from a real server on 127.0.0.1 (scripted_server.py); requests is not patched.
"""

import json
import os
import re
import time

import pytest
import requests
import urllib3

from hypothesis import HealthCheck, event, example, given, settings, strategies as st


from ansible_collections.netedge.cloudflare.plugins.module_utils._api import client as _client
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.bulk_operations import operation_path
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.client import (
    CloudflareClient,
)
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.answers import parse_retry_after
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.errors import CloudflareError
from ansible_collections.netedge.cloudflare.plugins.module_utils._options import is_loopback_host
from ansible_collections.netedge.cloudflare.plugins.modules import cloudflare_list_bulk_operation_info as module
from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import ACCOUNT, OPERATION, TOKEN, FakeClock, FakeTime, run_module
from ansible_collections.netedge.cloudflare.tests.unit.plugins.scripted_server import ScriptedServer, http_response

# Bounded: every property runs in a few seconds, and never writes an example database into the
# tree. The examples are derandomized, so that every run of the test suite tries the same ones;
# NETEDGE_HYPOTHESIS_EXPLORE=1 draws twenty times as many, at random, to look for new failures.
EXPLORE = os.environ.get("NETEDGE_HYPOTHESIS_EXPLORE") == "1"
SCALE = 20 if EXPLORE else 1
FAST = settings(max_examples=150 * SCALE, deadline=None, database=None, derandomize=not EXPLORE,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

ENV_VARS = ("CLOUDFLARE_API_TOKEN", "CLOUDFLARE_TOKEN", "CLOUDFLARE_EMAIL", "CLOUDFLARE_API_KEY",
            "CLOUDFLARE_BASE_URL", "CLOUDFLARE_ACCOUNT_ID", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY",
            "http_proxy", "https_proxy", "all_proxy", "no_proxy", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")

# The longest failure message a task may show: a few hundred characters plus the base URL.
MAX_MESSAGE = 1500

DONE = {"id": OPERATION, "status": "completed", "completed": "2026-11-22T19:00:01.000000Z"}


def envelope_bytes(result, success=True, errors=None):
    return json.dumps({"result": result, "success": success, "errors": errors or [], "messages": []}).encode()


@pytest.fixture(scope="module")
def env():
    """No Cloudflare settings or proxies from the environment, and a clock that never really sleeps."""
    patcher = pytest.MonkeyPatch()
    for name in ENV_VARS:
        patcher.delenv(name, raising=False)
    clock = FakeClock()
    patcher.setattr(_client, "time", FakeTime(clock))
    yield patcher
    patcher.undo()


@pytest.fixture(scope="module")
def server(env):  # pylint: disable=redefined-outer-name,unused-argument
    srv = ScriptedServer(http_response(200, envelope_bytes(DONE), {"Content-Type": "application/json"}))
    yield srv
    srv.close()


def run(args):
    return run_module(module, args)


def assert_clean(result, raw):
    """A result Ansible can show as it is: no traceback, no secret, a short message."""
    assert "Traceback" not in raw
    assert "exception" not in result
    assert TOKEN not in raw
    if result.get("failed"):
        assert isinstance(result["msg"], str) and result["msg"]


def module_args(**overrides):
    args = dict(account_id=ACCOUNT, operation_id=OPERATION, api_token=TOKEN, timeout=2, max_retries=0)
    args.update(overrides)
    return args


# ---------------------------------------------------------------------------------------------
# Arbitrary input

# Pieces that attack a URL path: traversal, encoded separators, query and fragment, control
# characters, look-alikes; joined at random, and mixed with arbitrary text.
PATH_PIECES = ["..", ".", "/", "\\", "%2e", "%2F", "%2f", "%00", "?", "#", "&", "=", ";", " ", "\t", "\n", "\r\n", "\x00",
               "bulk_operations", "items", "lists", "accounts", "user", "tokens", "verify", "a", "0", "f", "-", "_",
               "\u00e9", "\u0660", "\uff10", "\u202e", "\u0131", "\ufeff", "A" * 40, OPERATION]
hostile = st.lists(st.sampled_from(PATH_PIECES), min_size=0, max_size=8).map("".join)
ids = st.one_of(st.text(max_size=200), hostile, st.from_regex(r"[A-Za-z0-9_-]{1,128}", fullmatch=True),
                st.from_regex(r"[0-9a-fA-F]{32}", fullmatch=True))


@FAST
@given(operation_id=ids)
@example(operation_id="../../../../user/tokens/verify")
@example(operation_id=OPERATION + "\n")
@example(operation_id="a" * 129)
@example(operation_id="\u0660" * 4)
@example(operation_id="\x00")
def test_any_operation_id_runs_or_is_refused_and_reaches_only_its_path(server, operation_id):  # pylint: disable=redefined-outer-name
    server.reset()
    result, raw, code = run(module_args(base_url=server.url, operation_id=operation_id))
    assert_clean(result, raw)
    event("valid" if re.fullmatch(r"[A-Za-z0-9_-]{1,128}", operation_id) else "refused")
    if re.fullmatch(r"[A-Za-z0-9_-]{1,128}", operation_id):
        assert code == 0 and result["bulk_operation"]["status"] == "completed"
        assert server.paths() == ["/client/v4" + operation_path(ACCOUNT, operation_id)]
    else:
        assert code == 1
        assert result["msg"].startswith(
            "Invalid options: operation_id must be the operation_id that Cloudflare returned"), result["msg"]
        assert len(result["msg"]) < 300
        assert server.paths() == []


@FAST
@given(account_id=ids)
@example(account_id=ACCOUNT + "\n")
@example(account_id=ACCOUNT[:31] + "\u0660")
@example(account_id="../" + ACCOUNT[3:])
@example(account_id=ACCOUNT[:31] + "\x00")
def test_any_account_id_runs_or_is_refused_and_reaches_only_its_path(server, account_id):  # pylint: disable=redefined-outer-name
    server.reset()
    result, raw, code = run(module_args(base_url=server.url, account_id=account_id))
    assert_clean(result, raw)
    event("valid" if re.fullmatch(r"[0-9a-fA-F]{32}", account_id) else "refused")
    if re.fullmatch(r"[0-9a-fA-F]{32}", account_id):
        assert code == 0
        assert server.paths() == ["/client/v4" + operation_path(account_id, OPERATION)]
    else:
        assert code == 1
        assert result["msg"].startswith(
            "Invalid options: account_id must be the 32-character hexadecimal account ID"), result["msg"]
        assert server.paths() == []


HOSTS = ["127.0.0.1", "127.0.0.2", "localhost", "LOCALHOST", "[::1]", "[::ffff:127.0.0.1]", "example.com",
         "localhost.", "127.0.0.1.nip.io", "localhost.example.com", "127.1", "0x7f000001", "2130706433", "0.0.0.0",
         "[::]", "evil.com\\@127.0.0.1", "127.0.0.1\\@evil.com", "127.0.0.1@evil.com", "evil.com@127.0.0.1",
         "evil.com#@127.0.0.1", "127.0.0.1%2f@evil.com", "127.0.0.1\t.evil.com", "127.0.0.1\n", "[127.0.0.1]",
         "\u0131ocalhost", "\uff11\uff12\uff17.0.0.1", ""]


def mostly(usual, *unusual):
    """``usual`` most of the time (7 in 10), one of ``unusual`` otherwise."""
    return st.integers(0, 9).flatmap(lambda n: st.just(usual) if n < 7 else st.sampled_from(unusual))


def assemble_url(scheme, userinfo, host, port, path, noise, where):
    """A URL from its parts, with one piece of noise inserted at ``where``."""
    url = scheme + userinfo + host + port + path
    return url[:where] + noise + url[where:]


url_like = st.builds(
    assemble_url,
    st.one_of(st.sampled_from(["http://", "https://"]),
              st.sampled_from(["HTTP://", "hTTps://", "ftp://", "http:/", "http:\\\\", "//", "", "javascript:", " http://"])),
    mostly("", "user@", "user:pass@", ":@", "@"),
    st.sampled_from(HOSTS),
    mostly("", ":9", ":0", ":65536", ":-1", ":x", ":"),
    mostly("/client/v4", "", "/", "/client/v4?x=1", "/client/v4#f", "/a b", "/%zz", "/\x00"),
    mostly("", " ", "\t", "\n", "\x00", "@", "#", "?", "\\", "/", "%", "[", "]"),
    st.integers(0, 60),
)


@pytest.fixture(scope="module")
def proxy(env):  # pylint: disable=redefined-outer-name
    """A proxy from the environment that records what reaches it and answers 502."""
    srv = ScriptedServer(http_response(502, b"no"))
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env.setenv(name, "http://127.0.0.1:%d" % srv.port)
    yield srv
    srv.close()
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env.delenv(name, raising=False)


def host_requests_would_contact(url):
    """The host requests and urllib3 would connect to for ``url``, or None if they refuse it."""
    try:
        prepared = requests.Request("GET", url).prepare()
        return urllib3.util.parse_url(prepared.url).host or ""
    except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, ValueError, UnicodeError):
        return None


@settings(FAST, max_examples=300 * SCALE)
@given(base_url=st.one_of(url_like, st.text(max_size=120)))
@example(base_url="http://192.0.2.1/client/v4")
@example(base_url="http://localhost.evil.com/client/v4")
@example(base_url="http://127.0.0.1\\@evil.com/client/v4")
@example(base_url="https://exa\x00mple.com/client/v4")
@example(base_url="http://[::1/client/v4")
def test_any_base_url_runs_or_is_refused_and_never_sends_credentials_in_clear(proxy, base_url):  # pylint: disable=redefined-outer-name
    proxy.reset()
    started = time.monotonic()
    result, raw, code = run(module_args(base_url=base_url, timeout=1))
    assert_clean(result, raw)
    # Whatever base_url says, no request with credentials reached the proxy in clear: only
    # CONNECT (a TLS tunnel) may go through a proxy.
    for request in proxy.requests:
        assert request.method == "CONNECT" and "authorization" not in request.headers, request.raw
    if code == 1 and result["msg"].startswith("Invalid options: "):
        event("refused before any request")
        assert proxy.requests == []
        return
    # Accepted: a request was tried, so the URL is https, or http to a host that requests
    # itself (not only our own parsing) takes for loopback.
    scheme = base_url.strip().split(":", 1)[0].lower()
    assert scheme in ("http", "https"), base_url
    event("accepted: %s" % scheme)
    if scheme == "http":
        host = host_requests_would_contact(base_url + "/x")
        assert host is None or is_loopback_host(host.strip("[]")), (base_url, host)
    if code == 1:
        assert result["msg"].startswith("Reading bulk operation %s in account %s: " % (OPERATION, ACCOUNT))
    assert time.monotonic() - started < 5


# ---------------------------------------------------------------------------------------------
# Arbitrary answers

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20)
cf_errors = st.one_of(
    json_values,
    st.lists(st.one_of(json_values, st.fixed_dictionaries({}, optional={
        "code": json_values, "message": json_values,
        "error_chain": st.lists(st.fixed_dictionaries({}, optional={"code": json_values, "message": json_values}),
                                max_size=3)})), max_size=6))
operations = st.fixed_dictionaries(
    {"id": st.text(max_size=40),
     "status": st.one_of(st.sampled_from(["pending", "running", "completed", "failed"]), st.text(max_size=300))},
    optional={"completed": json_values, "error": json_values})
envelopes = st.fixed_dictionaries({}, optional={
    "result": st.one_of(operations, json_values), "success": st.one_of(st.just(True), json_values),
    "errors": cf_errors, "messages": cf_errors})
good_envelopes = operations.map(lambda op: json.dumps({"result": op, "success": True, "errors": [], "messages": []}).encode())
bodies = st.one_of(good_envelopes, st.one_of(
    envelopes.map(lambda e: json.dumps(e).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda t: t.encode("utf-8")),
    st.sampled_from([b"", b"<html><body>502 Bad Gateway</body></html>", b'{"result": ', b"\xff\xfe\x00",
                     b"[" * 5000, b'{"success": true, "result": ' + b"[" * 3000 + b"]" * 3000 + b"}"])))
header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7e), max_size=30)
retry_values = st.one_of(st.none(), header_text, st.integers(-5, 10 ** 12).map(str), st.floats().map(repr),
                         st.sampled_from(["inf", "-inf", "nan", "1e400", "0", "0.5", "61", "Wed, 21 Oct 2015 07:28:00 GMT",
                                          "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT"]))
statuses = st.one_of(st.just(200), st.integers(100, 599), st.sampled_from([400, 403, 404, 429, 500, 502, 503, 504]))
framings = st.one_of(st.sampled_from(["exact", "close", "chunked"]),
                     st.sampled_from(["short", "long", "bad-chunked", "gzip-garbage"]))
content_types = st.sampled_from([None, "application/json", "text/html; charset=UTF-8", "text/plain"])


def framed(status, body, framing, content_type, retry_after, retry_after_ms):
    """(raw answer, the body the client reads when the framing is sound)."""
    headers = {}
    if content_type:
        headers["Content-Type"] = content_type
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    if retry_after_ms is not None:
        headers["retry-after-ms"] = retry_after_ms
    if framing == "exact":
        return http_response(status, body, headers), body
    if framing == "short":
        half = body[: len(body) // 2]
        return http_response(status, half, headers), half
    if framing == "long":
        return http_response(status, body, headers, length=len(body) + 10), None
    if framing == "close":
        return http_response(status, body, headers, length=False), body
    if framing == "gzip-garbage":
        headers["Content-Encoding"] = "gzip"
        return http_response(status, b"\x1f\x8bnot gzip" + body, headers), None
    headers["Transfer-Encoding"] = "chunked"
    if framing == "chunked":
        chunked = (b"%x\r\n%s\r\n" % (len(body), body) if body else b"") + b"0\r\n\r\n"
        return http_response(status, chunked, headers, length=False), body
    return http_response(status, b"zz\r\n" + body, headers, length=False), None


def check_client_outcome(server, status, body, framing, content_type, retry_after, retry_after_ms):  # pylint: disable=redefined-outer-name
    answer, delivered = framed(status, body, framing, content_type, retry_after, retry_after_ms)
    server.reset(answer)
    clock = FakeClock()
    client = CloudflareClient(server.url, {"Authorization": "Bearer " + TOKEN}, timeout=2, max_retries=1,
                              clock=clock, sleep=clock.sleep, bypass_proxies=True)
    started = time.monotonic()
    try:
        result = client.get("/accounts/%s/rules/lists/bulk_operations/%s" % (ACCOUNT, OPERATION))
    except CloudflareError as err:
        event("CloudflareError")
        summary = err.summary()
        assert isinstance(err.description, str) and err.description
        assert len(summary) <= MAX_MESSAGE, summary
        assert "\n" not in summary and "Traceback" not in summary
        assert TOKEN not in summary
        json.dumps(err.to_result())
        # Retries are bounded, and their sleeps are Cloudflare's Retry-After (at most 60 s) or the back-off.
        assert client.requests_sent <= 2
        assert all(0 <= s <= 60 for s in clock.sleeps)
    else:
        event("result")
        # Only a 2xx whose envelope says success, with a result, is a result.
        assert 200 <= status < 300 and delivered is not None
        envelope = json.loads(delivered.decode("utf-8"))
        assert envelope["success"] is True and envelope["result"] == result
    finally:
        client.close()
    assert time.monotonic() - started < 2 * 2 + 1


@FAST
@given(status=statuses, body=bodies, framing=framings, content_type=content_types, retry_after=retry_values,
       retry_after_ms=retry_values)
@example(status=429, body=b"{}", framing="exact", content_type=None, retry_after="inf", retry_after_ms=None)
@example(status=503, body=b"{}", framing="exact", content_type=None, retry_after="1e400", retry_after_ms="nan")
@example(status=200, body=b"[" * 100000, framing="exact", content_type=None, retry_after=None, retry_after_ms=None)
@example(status=200, body=envelope_bytes(DONE), framing="long", content_type=None, retry_after=None, retry_after_ms=None)
@example(status=403, body=envelope_bytes(None, False, [{"code": 10000, "message": "x" * 100000}] * 50), framing="exact",
         content_type=None, retry_after=None, retry_after_ms=None)
@example(status=400, body=envelope_bytes(None, False, [{"code": [[[1]]], "message": {"a": "\n" * 50},
                                                        "error_chain": [{"error_chain": [{"message": "y" * 999}] * 9}] * 9}]),
         framing="exact", content_type=None, retry_after=None, retry_after_ms=None)
@example(status=200, body=json.dumps({"result": None, "success": "s" * 100000}).encode(), framing="exact",
         content_type=None, retry_after=None, retry_after_ms=None)
def test_any_answer_gives_a_result_or_a_short_cloudflare_error(server, status, body, framing, content_type,  # pylint: disable=redefined-outer-name
                                                               retry_after, retry_after_ms):
    check_client_outcome(server, status, body, framing, content_type, retry_after, retry_after_ms)


@settings(FAST, max_examples=100 * SCALE)
@given(status=statuses, body=bodies, framing=framings, retry_after=retry_values, wait=st.booleans())
@example(status=200, body=envelope_bytes({"id": OPERATION, "status": "failed", "error": "e" * 100000}), framing="exact",
         retry_after=None, wait=True)
@example(status=200, body=envelope_bytes({"id": OPERATION, "status": "s" * 100000}), framing="exact", retry_after=None,
         wait=True)
@example(status=200, body=b'{"success": true, "result": ' + b"[" * 900 + b"]" * 900 + b"}", framing="exact",
         retry_after=None, wait=False)
@example(status=200, body=b'{"success": true, "result": {"status": "running", "x": ' + b"[" * 900 + b"]" * 900 + b"}}",
         framing="exact", retry_after=None, wait=True)
def test_any_answer_ends_the_module_cleanly(server, status, body, framing, retry_after, wait):  # pylint: disable=redefined-outer-name
    answer, _delivered = framed(status, body, framing, "application/json", retry_after, None)
    server.reset(answer)
    result, raw, code = run(module_args(base_url=server.url, max_retries=1, wait=wait, wait_timeout=0))
    assert_clean(result, raw)
    event("ran" if code == 0 else "failed")
    if code == 0:
        assert 200 <= status < 300
        assert isinstance(result["bulk_operation"]["status"], str)
        if wait:
            assert result["bulk_operation"]["status"] == "completed"
    else:
        assert len(result["msg"]) <= MAX_MESSAGE + 200
        assert "\n" not in result["msg"]


@FAST
@given(ms=st.one_of(st.none(), st.text(max_size=40)), seconds=st.one_of(st.none(), st.text(max_size=40)))
@example(ms="inf", seconds=None)
@example(ms=None, seconds="1e400")
@example(ms="nan", seconds="-inf")
@example(ms=None, seconds="Fri, 31 Dec 9999 23:59:59 GMT")
def test_parse_retry_after_gives_none_or_a_finite_delay(ms, seconds):
    headers = {}
    if ms is not None:
        headers["retry-after-ms"] = ms
    if seconds is not None:
        headers["Retry-After"] = seconds
    delay = parse_retry_after(headers, now=1.7e9)
    assert delay is None or (isinstance(delay, float) and 0 <= delay < float("inf"))
