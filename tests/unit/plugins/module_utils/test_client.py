# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The HTTP client against a real HTTP server on 127.0.0.1 (pytest-httpserver), with a fake clock."""

import email.utils
import json
import re

import pytest

from ansible_collections.netedge.cloudflare.plugins.module_utils._api import client as _client
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.client import (
    CloudflareClient,
    backoff_delay,
)
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.answers import parse_retry_after
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.errors import CloudflareError
from ansible_collections.netedge.cloudflare.plugins.module_utils._version import COLLECTION_VERSION
from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import API_KEY, EMAIL, TOKEN, KeepAliveServer, envelope
from ansible_collections.netedge.cloudflare.tests.unit.plugins.scripted_server import http_response

PATH = "/accounts/0123456789abcdef0123456789abcdef/rules/lists/bulk_operations/abc"
OK_OP = {"id": "abc", "status": "running"}
HTML_PAGE = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>"


def make_client(base, clock, **kwargs):
    kwargs.setdefault("max_retries", 3)
    kwargs.setdefault("timeout", 5)
    return CloudflareClient(base, {"Authorization": "Bearer " + TOKEN}, clock=clock, sleep=clock.sleep,
                            rand=lambda: 1.0, **kwargs)


@pytest.fixture
def base(httpserver):
    return httpserver.url_for("/client/v4")


def expect(httpserver, body, status=200, headers=None, content_type="application/json"):
    httpserver.expect_ordered_request("/client/v4" + PATH, method="GET").respond_with_data(
        body, status=status, headers=headers or {}, content_type=content_type)


def test_returns_result_and_sends_auth_and_user_agent(httpserver, base, clock):
    expect(httpserver, envelope(OK_OP))
    assert make_client(base, clock).get(PATH) == OK_OP
    request = httpserver.log[0][0]
    assert request.headers["Authorization"] == "Bearer " + TOKEN
    assert request.headers["User-Agent"].startswith("netedge.cloudflare/%s " % COLLECTION_VERSION)
    assert re.match(r"^netedge\.cloudflare/[0-9]+\.[0-9]+\.[0-9]+ ", request.headers["User-Agent"])
    assert clock.sleeps == []


def test_email_and_key_headers(httpserver, base, clock):
    expect(httpserver, envelope(OK_OP))
    client = CloudflareClient(base, {"X-Auth-Email": EMAIL, "X-Auth-Key": API_KEY}, clock=clock, sleep=clock.sleep)
    client.get(PATH)
    request = httpserver.log[0][0]
    assert request.headers["X-Auth-Email"] == EMAIL
    assert request.headers["X-Auth-Key"] == API_KEY
    assert "Authorization" not in request.headers


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_retries_transient_statuses_then_succeeds(httpserver, base, clock, status):
    expect(httpserver, envelope(None, False, [{"code": 1000, "message": "try later"}]), status=status)
    expect(httpserver, envelope(OK_OP))
    assert make_client(base, clock).get(PATH) == OK_OP
    assert len(httpserver.log) == 2
    assert clock.sleeps == [0.5]  # first back-off step, rand() == 1.0


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 409, 501])
def test_does_not_retry_other_statuses(httpserver, base, clock, status):
    expect(httpserver, envelope(None, False, [{"code": 7003, "message": "Could not route"}]), status=status)
    with pytest.raises(CloudflareError) as info:
        make_client(base, clock).get(PATH)
    assert info.value.status == status
    assert info.value.codes() == [7003]
    assert str(info.value) == "HTTP %d: Could not route (7003)" % status
    assert len(httpserver.log) == 1


def test_gives_up_after_max_retries_with_cloudflare_errors(httpserver, base, clock):
    for _attempt in range(3):
        expect(httpserver, envelope(None, False, [{"code": 971, "message": "Please wait"}]), status=429)
    with pytest.raises(CloudflareError) as info:
        make_client(base, clock, max_retries=2).get(PATH)
    assert len(httpserver.log) == 3
    assert info.value.summary() == "HTTP 429: Please wait (971)"
    assert info.value.to_result() == {"status": 429, "errors": [{"code": 971, "message": "Please wait"}], "messages": []}


def test_max_retries_zero_makes_one_request(httpserver, base, clock):
    expect(httpserver, "", status=503)
    with pytest.raises(CloudflareError):
        make_client(base, clock, max_retries=0).get(PATH)
    assert len(httpserver.log) == 1
    assert clock.sleeps == []


def test_retry_after_seconds_is_honoured(httpserver, base, clock):
    expect(httpserver, envelope(None, False, [{"code": 971, "message": "wait"}]), status=429, headers={"Retry-After": "7"})
    expect(httpserver, envelope(OK_OP))
    make_client(base, clock).get(PATH)
    assert clock.sleeps == [7.0]


def test_retry_after_ms_wins_over_retry_after(httpserver, base, clock):
    expect(httpserver, envelope(None, False), status=429, headers={"retry-after-ms": "1500", "Retry-After": "9"})
    expect(httpserver, envelope(OK_OP))
    make_client(base, clock).get(PATH)
    assert clock.sleeps == [1.5]


def test_retry_after_http_date_is_honoured(httpserver, base, clock):
    when = email.utils.formatdate(_client.time.time() + 12, usegmt=True)
    expect(httpserver, envelope(None, False), status=503, headers={"Retry-After": when})
    expect(httpserver, envelope(OK_OP))
    make_client(base, clock).get(PATH)
    assert len(clock.sleeps) == 1 and 10 <= clock.sleeps[0] <= 12


def test_retry_after_beyond_cap_fails_at_once_and_says_why(httpserver, base, clock):
    expect(httpserver, envelope(None, False, [{"code": 10100, "message": "rate limited"}]), status=429,
           headers={"Retry-After": "300"})
    with pytest.raises(CloudflareError) as info:
        make_client(base, clock).get(PATH)
    assert clock.sleeps == []
    assert "retry after 300 s" in info.value.description
    assert info.value.codes() == [10100]


def test_parse_retry_after_rejects_garbage():
    assert parse_retry_after({"Retry-After": "soon"}) is None
    assert parse_retry_after({"Retry-After": "-3"}) is None
    assert parse_retry_after({"retry-after-ms": "x", "Retry-After": "2"}) == 2.0
    past = email.utils.formatdate(0, usegmt=True)
    assert parse_retry_after({"Retry-After": past}) == 0.0


def test_backoff_doubles_with_jitter_and_caps_at_8s():
    assert [backoff_delay(n, lambda: 1.0) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert [backoff_delay(n, lambda: 0.0) for n in range(1, 7)] == [0.25, 0.5, 1.0, 2.0, 4.0, 4.0]


def test_backoff_sequence_used_by_retries(httpserver, base, clock):
    for _attempt in range(5):
        expect(httpserver, envelope(None, False), status=500)
    expect(httpserver, envelope(OK_OP))
    make_client(base, clock, max_retries=5).get(PATH)
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0, 8.0]


def test_html_error_page_is_retried_then_reported_briefly(httpserver, base, clock):
    for _attempt in range(2):
        expect(httpserver, HTML_PAGE * 20, status=502, content_type="text/html")
    with pytest.raises(CloudflareError) as info:
        make_client(base, clock, max_retries=1).get(PATH)
    message = str(info.value)
    assert message.startswith("HTTP 502: Cloudflare answered with an HTML page instead of JSON: <!DOCTYPE html>")
    assert len(message) < 300
    assert len(httpserver.log) == 2


def test_html_429_is_retried(httpserver, base, clock):
    expect(httpserver, "<html>slow down</html>", status=429, headers={"Retry-After": "2"}, content_type="text/html")
    expect(httpserver, envelope(OK_OP))
    assert make_client(base, clock).get(PATH) == OK_OP
    assert clock.sleeps == [2.0]


def test_truncated_json_is_retried_then_reported(httpserver, base, clock):
    body = envelope(OK_OP)
    for _attempt in range(2):
        expect(httpserver, body[: len(body) // 2])
    with pytest.raises(CloudflareError) as info:
        make_client(base, clock, max_retries=1).get(PATH)
    assert "HTTP 200: Cloudflare answered with a body that is not valid JSON" in str(info.value)
    assert len(httpserver.log) == 2


def test_truncated_json_then_good_answer_succeeds(httpserver, base, clock):
    expect(httpserver, envelope(OK_OP)[:20])
    expect(httpserver, envelope(OK_OP))
    assert make_client(base, clock).get(PATH) == OK_OP


def test_success_false_with_http_200_is_an_error_not_retried(httpserver, base, clock):
    expect(httpserver, envelope(None, False, [{"code": 10001, "message": "internal"}]))
    with pytest.raises(CloudflareError) as info:
        make_client(base, clock).get(PATH)
    assert str(info.value) == "HTTP 200: internal (10001)"
    assert len(httpserver.log) == 1


@pytest.mark.parametrize("body", [
    json.dumps({"success": True, "errors": [], "messages": []}),
    envelope(None),
])
def test_missing_or_null_result_is_an_error(httpserver, base, clock, body):
    expect(httpserver, body)
    with pytest.raises(CloudflareError) as info:
        make_client(base, clock).get(PATH)
    assert str(info.value) == "HTTP 200: Cloudflare's answer has no result"


@pytest.mark.parametrize("body", ["[1, 2]", "\"text\"", "null"])
def test_json_that_is_not_an_envelope_is_an_error(httpserver, base, clock, body):
    expect(httpserver, body)
    with pytest.raises(CloudflareError) as info:
        make_client(base, clock).get(PATH)
    assert "not its response envelope" in str(info.value)


def test_error_chain_is_shown(httpserver, base, clock):
    errors = [{"code": 6003, "message": "Invalid request headers",
               "error_chain": [{"code": 6111, "message": "Invalid format for Authorization header"}]}]
    expect(httpserver, envelope(None, False, errors), status=400)
    with pytest.raises(CloudflareError) as info:
        make_client(base, clock).get(PATH)
    assert str(info.value) == "HTTP 400: Invalid request headers [Invalid format for Authorization header (6111)] (6003)"


def test_connection_reset_is_retried_then_reported(raw_server, clock):
    raw_server.queue = [[("reset",)], [("reset",)]]
    with pytest.raises(CloudflareError) as info:
        make_client(raw_server.url, clock, max_retries=1).get(PATH)
    assert info.value.status is None
    assert "could not connect to %s" % raw_server.url in str(info.value) or "reset" in str(info.value).lower()
    assert raw_server.connections == 2
    assert "Traceback" not in str(info.value)


def test_connection_reset_then_answer_succeeds(raw_server, clock):
    raw_server.queue = [[("reset",)], http_response(200, envelope(OK_OP).encode(), {"Content-Type": "application/json"})]
    assert make_client(raw_server.url, clock).get(PATH) == OK_OP
    assert clock.sleeps == [0.5]


def test_timeout_is_retried_and_reported(raw_server, clock):
    raw_server.queue = [[("silent", 1.0)], [("silent", 1.0)]]
    with pytest.raises(CloudflareError) as info:
        make_client(raw_server.url, clock, max_retries=1, timeout=0.2).get(PATH)
    assert str(info.value) == "no answer from %s within 0.2 s" % raw_server.url
    assert raw_server.connections == 2


def test_connection_refused_names_the_url(clock):
    with pytest.raises(CloudflareError) as info:
        make_client("http://127.0.0.1:9/client/v4", clock, max_retries=0).get(PATH)
    assert str(info.value).startswith("could not connect to http://127.0.0.1:9/client/v4 (")
    assert "object at 0x" not in str(info.value)


def test_retries_do_not_sleep_past_the_deadline(httpserver, base, clock):
    expect(httpserver, envelope(None, False), status=429, headers={"Retry-After": "30"})
    with pytest.raises(CloudflareError) as info:
        make_client(base, clock).get(PATH, deadline=clock() + 10)
    assert clock.sleeps == []
    assert "deadline" in info.value.description


def test_one_session_reuses_one_connection(clock):
    server = KeepAliveServer(envelope(OK_OP))
    try:
        client = make_client(server.url, clock)
        for _attempt in range(5):
            assert client.get(PATH) == OK_OP
        client.close()
    finally:
        server.close()
    assert (server.requests, server.connections) == (5, 1)


def test_loopback_base_url_ignores_proxy_environment(httpserver, base, clock, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    expect(httpserver, envelope(OK_OP))
    client = CloudflareClient(base, {}, clock=clock, sleep=clock.sleep, bypass_proxies=True, max_retries=0)
    assert client.get(PATH) == OK_OP


def test_oversized_body_is_refused(httpserver, base, clock, monkeypatch):
    monkeypatch.setattr(_client, "MAX_BODY_BYTES", 1000)
    expect(httpserver, envelope({"id": "x" * 5000, "status": "running"}))
    with pytest.raises(CloudflareError) as info:
        make_client(base, clock).get(PATH)
    assert "larger than 1000 bytes" in str(info.value)


def test_no_secret_in_any_error(httpserver, base, clock, raw_server):
    failures = []
    cases = [
        (envelope(None, False, [{"code": 10000, "message": "Authentication error"}]), 403),
        (HTML_PAGE, 502),
        ("{\"result\": ", 200),
        (envelope(None, False), 200),
    ]
    for body, status in cases:
        httpserver.clear()
        expect(httpserver, body, status=status)
        with pytest.raises(CloudflareError) as info:
            make_client(base, clock, max_retries=0).get(PATH)
        failures.append(info.value)
    raw_server.queue = [[("reset",)]]
    with pytest.raises(CloudflareError) as info:
        make_client(raw_server.url, clock, max_retries=0).get(PATH)
    failures.append(info.value)
    for err in failures:
        text = " ".join([str(err), err.description, json.dumps(err.to_result()), repr(err.__dict__)])
        assert TOKEN not in text and API_KEY not in text
