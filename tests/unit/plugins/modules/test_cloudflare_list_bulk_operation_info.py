# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The module as Ansible runs it: arguments in, JSON result out, against a real loopback server."""


import pytest


from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.bulk_operations import operation_path
from ansible_collections.netedge.cloudflare.plugins.modules import cloudflare_list_bulk_operation_info as module
from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import (
    run_module,
    ACCOUNT,
    API_KEY,
    EMAIL,
    OPERATION,
    TOKEN,
    envelope,
    warnings_of,
)

PATH = "/client/v4" + operation_path(ACCOUNT, OPERATION)
DONE = {"id": OPERATION, "status": "completed", "completed": "2026-11-22T19:00:01.000000Z"}
FAILED = {"id": OPERATION, "status": "failed", "completed": "2026-11-22T19:00:01.000000Z", "error": "bad item"}


def run(args):
    result, raw, code = run_module(module, args)
    result["_rc"] = code
    result["_raw"] = raw
    return result


def args(httpserver, **extra):
    base = dict(account_id=ACCOUNT, operation_id=OPERATION, api_token=TOKEN, base_url=httpserver.url_for("/client/v4"))
    base.update(extra)
    return base


def serve(httpserver, *ops):
    for op in ops:
        httpserver.expect_ordered_request(PATH).respond_with_data(envelope(op), content_type="application/json")


def test_status_check_returns_bulk_operation(httpserver):
    serve(httpserver, DONE)
    result = run(args(httpserver))
    assert result["_rc"] == 0
    assert result["changed"] is False
    assert result["bulk_operation"] == DONE
    assert "elapsed" not in result and "polls" not in result
    assert TOKEN not in result["_raw"]


def test_failed_status_without_wait_is_reported_not_failed(httpserver):
    serve(httpserver, FAILED)
    result = run(args(httpserver))
    assert result["_rc"] == 0 and "failed" not in result
    assert result["bulk_operation"] == FAILED


def test_wait_to_completed_returns_elapsed_and_polls(httpserver, clock):
    serve(httpserver, {"id": OPERATION, "status": "pending"}, {"id": OPERATION, "status": "running"}, DONE)
    result = run(args(httpserver, wait=True))
    assert result["_rc"] == 0
    assert result["bulk_operation"] == DONE
    assert result["polls"] == 3 and result["elapsed"] == 1.0
    assert clock.sleeps == [0.5, 0.5]


def test_wait_to_failed_fails_the_task_and_keeps_the_operation(httpserver):
    serve(httpserver, FAILED)
    result = run(args(httpserver, wait=True))
    assert result["_rc"] == 1 and result["failed"] is True
    assert result["msg"] == "Bulk operation %s failed: bad item" % OPERATION
    assert result["bulk_operation"] == FAILED
    assert result["polls"] == 1


def test_wait_timeout_fails_with_last_status(httpserver):
    httpserver.expect_request(PATH).respond_with_data(envelope({"id": OPERATION, "status": "pending"}),
                                                      content_type="application/json")
    result = run(args(httpserver, wait=True, wait_timeout=3, wait_sleep=1))
    assert result["failed"] is True
    assert result["msg"].startswith("Timed out after 3 seconds waiting for bulk operation %s to finish; its last "
                                    "status was 'pending'." % OPERATION)
    assert result["bulk_operation"]["status"] == "pending"
    assert result["elapsed"] == 3


def test_unknown_status_warns(httpserver):
    serve(httpserver, {"id": OPERATION, "status": "queued"})
    result = run(args(httpserver))
    assert result["_rc"] == 0
    assert any("status 'queued'" in warning for warning in warnings_of(result))


def test_api_error_fails_with_status_codes_and_no_secret(httpserver):
    httpserver.expect_request(PATH).respond_with_data(
        envelope(None, False, [{"code": 10000, "message": "Authentication error"}]), status=403,
        content_type="application/json")
    result = run(args(httpserver))
    assert result["failed"] is True
    assert "HTTP 403: Authentication error (10000)" in result["msg"]
    assert result["status"] == 403
    assert result["errors"] == [{"code": 10000, "message": "Authentication error"}]
    assert TOKEN not in result["_raw"]


def test_email_and_key_from_environment(httpserver, monkeypatch):
    monkeypatch.setenv("CLOUDFLARE_EMAIL", EMAIL)
    monkeypatch.setenv("CLOUDFLARE_API_KEY", API_KEY)
    monkeypatch.setenv("CLOUDFLARE_ACCOUNT_ID", ACCOUNT)
    monkeypatch.setenv("CLOUDFLARE_BASE_URL", httpserver.url_for("/client/v4"))
    serve(httpserver, DONE)
    result = run(dict(operation_id=OPERATION))
    assert result["_rc"] == 0 and result["bulk_operation"] == DONE
    request = httpserver.log[0][0]
    assert (request.headers["X-Auth-Email"], request.headers["X-Auth-Key"]) == (EMAIL, API_KEY)
    assert API_KEY not in result["_raw"]


@pytest.mark.parametrize("env", ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_TOKEN"])
def test_token_from_environment(httpserver, monkeypatch, env):
    monkeypatch.setenv(env, TOKEN)
    serve(httpserver, DONE)
    params = args(httpserver)
    del params["api_token"]
    result = run(params)
    assert result["_rc"] == 0
    assert httpserver.log[0][0].headers["Authorization"] == "Bearer " + TOKEN


@pytest.mark.parametrize("extra, expected", [
    (dict(account_id="nope"), "account_id must be the 32-character hexadecimal account ID"),
    (dict(operation_id="../../x"), "operation_id must be the operation_id that Cloudflare returned"),
    (dict(api_email=EMAIL), "Both an API token and a global API key/email are set"),
    (dict(base_url="http://api.example.com/client/v4"), "uses plain http to a host that is not loopback"),
    (dict(wait=True, wait_sleep=0.1), "wait_sleep must be between 0.5 and 300 seconds"),
    (dict(timeout=0), "timeout must be more than 0"),
])
def test_bad_input_is_refused_before_any_request(httpserver, extra, expected):
    result = run(args(httpserver, **extra))
    assert result["failed"] is True
    assert result["msg"].startswith("Invalid options: ")
    assert expected in result["msg"]
    assert httpserver.log == []
    assert TOKEN not in result["_raw"]


def test_all_problems_are_reported_together(httpserver):
    result = run(args(httpserver, account_id="x", operation_id="a/b", api_token=None))
    for expected in ("account_id must be", "operation_id must be", "No Cloudflare credentials were given"):
        assert expected in result["msg"]


def test_check_mode_reads_as_usual(httpserver):
    serve(httpserver, DONE)
    result = run(dict(args(httpserver), _ansible_check_mode=True))
    assert result["_rc"] == 0 and result["bulk_operation"] == DONE


def test_validate_certs_false_warns(httpserver):
    serve(httpserver, DONE)
    result = run(args(httpserver, validate_certs=False))
    assert any("validate_certs is false" in warning for warning in warnings_of(result))
