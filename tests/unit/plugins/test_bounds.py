# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The documented time bounds, measured on the wall clock against servers that stall.

* One attempt lasts at most ``timeout``, whatever the server does: a socket timeout bounds
  each read, so these servers keep every read short (a byte every 0.2 s) and would otherwise
  stretch one request for as long as they like.
* One request (with its retries) lasts at most
  ``(max_retries + 1) * (timeout + 10) + max_retries * 60`` seconds (doc fragment ``api``).
* A waiting task lasts at most ``wait_timeout + timeout`` (doc fragment ``wait``).

Each case has a few seconds of real time; sleeps between retries are real here too, except
where a fake clock is named.
"""

import json
import time

import pytest


from ansible_collections.netedge.cloudflare.plugins.module_utils._api.client import CloudflareClient
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.errors import CloudflareError
from ansible_collections.netedge.cloudflare.plugins.modules import cloudflare_list_bulk_operation_info as module
from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import ACCOUNT, OPERATION, TOKEN, FakeClock, run_module
from ansible_collections.netedge.cloudflare.tests.unit.plugins.scripted_server import ScriptedServer, http_response

PATH = "/accounts/%s/rules/lists/bulk_operations/%s" % (ACCOUNT, OPERATION)
RUNNING = json.dumps({"result": {"id": OPERATION, "status": "running"}, "success": True, "errors": [], "messages": []})
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(RUNNING)
# Scheduling slack for a loaded 2-core machine: thread start-up, connection set-up.
SLACK = 0.75
# No credential from the environment; the clock stays real (conftest.py).
pytestmark = pytest.mark.usefixtures("real_time_env")

STALLS = {
    # Headers one byte at a time: each read is short, the answer never completes in time.
    "drip-fed headers": [("drip", HEAD, 0.2), RUNNING.encode()],
    # Headers at once, then the body one byte at a time.
    "drip-fed body": [HEAD, ("drip", RUNNING.encode(), 0.2)],
    # Connection accepted, then nothing at all.
    "silence": [("silent", 30)],
    # Half of the body, then silence.
    "half then silence": [HEAD + RUNNING.encode()[:20], ("silent", 30)],
}


@pytest.fixture
def server():
    srv = ScriptedServer()
    yield srv
    srv.close()


@pytest.mark.parametrize("stall", sorted(STALLS))
def test_one_attempt_ends_within_timeout(server, stall):  # pylint: disable=redefined-outer-name
    server.answer = STALLS[stall]
    client = CloudflareClient(server.url, {"Authorization": "Bearer " + TOKEN}, timeout=0.5, max_retries=0)
    started = time.monotonic()
    with pytest.raises(CloudflareError) as info:
        client.get(PATH)
    elapsed = time.monotonic() - started
    client.close()
    assert str(info.value) == "no answer from %s within 0.5 s" % server.url
    assert info.value.transient
    assert elapsed <= 0.5 + SLACK, elapsed


@pytest.mark.parametrize("stall", ["drip-fed headers", "drip-fed body"])
def test_retries_of_a_stalled_request_stay_within_the_documented_bound(server, stall):  # pylint: disable=redefined-outer-name
    server.answer = STALLS[stall]
    clock = FakeClock()  # the back-off sleeps are counted, not slept
    timeout, max_retries = 0.5, 2
    client = CloudflareClient(server.url, {"Authorization": "Bearer " + TOKEN}, timeout=timeout, max_retries=max_retries,
                              sleep=clock.sleep)
    started = time.monotonic()
    with pytest.raises(CloudflareError):
        client.get(PATH)
    elapsed = time.monotonic() - started
    client.close()
    assert client.requests_sent == max_retries + 1
    # Measured: each attempt within its timeout; documented: (max_retries+1)*(timeout+10)+max_retries*60.
    assert elapsed <= (max_retries + 1) * timeout + SLACK, elapsed
    assert elapsed + sum(clock.sleeps) <= (max_retries + 1) * (timeout + 10) + max_retries * 60
    assert len(clock.sleeps) == max_retries and all(s <= 8 for s in clock.sleeps)


def run_timed(args):
    started = time.monotonic()
    result, _raw, code = run_module(module, args)
    return result, code, time.monotonic() - started


@pytest.mark.parametrize("stall", ["drip-fed body", "silence", "slow running", "429 storm"])
def test_a_waiting_task_ends_within_wait_timeout_plus_timeout(server, stall):  # pylint: disable=redefined-outer-name
    if stall == "slow running":
        # Every answer comes, but only after 0.4 s of a 0.5 s timeout.
        server.answer = [("sleep", 0.4), HEAD + RUNNING.encode()]
    elif stall == "429 storm":
        server.answer = http_response(429, json.dumps({"result": None, "success": False, "messages": [],
                                                       "errors": [{"code": 971, "message": "slow down"}]}),
                                      {"Retry-After": "1"})
    else:
        server.answer = STALLS[stall]
    wait_timeout, timeout = 1.0, 0.5
    result, code, elapsed = run_timed(dict(account_id=ACCOUNT, operation_id=OPERATION, api_token=TOKEN,
                                           base_url=server.url, wait=True, wait_timeout=wait_timeout, timeout=timeout,
                                           max_retries=3))
    assert code == 1
    assert elapsed <= wait_timeout + timeout + SLACK, (elapsed, result["msg"])
    if stall == "slow running":
        assert result["msg"].startswith("Timed out after 1 seconds waiting for bulk operation %s" % OPERATION)
        assert result["bulk_operation"]["status"] == "running"
    elif stall == "429 storm":
        assert "HTTP 429: slow down (971); not retried because the wait deadline comes first." in result["msg"]
        assert "rate limit" in result["msg"]
    else:
        assert "no answer from %s within" % server.url in result["msg"]


def test_a_retry_after_longer_than_60_s_fails_at_once_and_says_so(server):  # pylint: disable=redefined-outer-name
    server.answer = http_response(429, json.dumps({"result": None, "success": False, "messages": [],
                                                   "errors": [{"code": 971, "message": "slow down"}]}),
                                  {"Retry-After": "299"})
    result, code, elapsed = run_timed(dict(account_id=ACCOUNT, operation_id=OPERATION, api_token=TOKEN,
                                           base_url=server.url, wait=True, wait_timeout=600, timeout=1))
    assert code == 1
    assert elapsed <= 1 + SLACK
    assert ("HTTP 429: slow down (971); Cloudflare asked to retry after 299 s, longer than the 60 s this module waits."
            in result["msg"]), result["msg"]
    assert server.connections == 1
