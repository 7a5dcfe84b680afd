# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reading and waiting on bulk operations, against a real loopback server and a fake clock."""

import pytest

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.bulk_operations import check_operation, operation_path
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.client import CloudflareClient
from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import ACCOUNT, OPERATION, TOKEN, envelope

PATH = "/client/v4" + operation_path(ACCOUNT, OPERATION)
DONE = {"id": OPERATION, "status": "completed", "completed": "2026-11-22T19:00:01.000000Z"}
FAILED = {"id": OPERATION, "status": "failed", "completed": "2026-11-22T19:00:01.000000Z",
          "error": "'10.0.0.300' is not a valid IPv4 address or CIDR range"}


def status(name):
    return {"id": OPERATION, "status": name}


def serve(httpserver, *answers):
    for answer in answers:
        if isinstance(answer, tuple):
            body, code = answer
        else:
            body, code = envelope(answer), 200
        httpserver.expect_ordered_request(PATH, method="GET").respond_with_data(body, status=code,
                                                                                content_type="application/json")


def run(httpserver, clock, wait=True, wait_timeout=60, wait_sleep=5, max_retries=0):
    client = CloudflareClient(httpserver.url_for("/client/v4"), {"Authorization": "Bearer " + TOKEN},
                              max_retries=max_retries, clock=clock, sleep=clock.sleep, rand=lambda: 1.0)
    warnings = []
    outcome = check_operation(client, ACCOUNT, OPERATION, wait, wait_timeout, wait_sleep, warn=warnings.append)
    return outcome, warnings


@pytest.mark.parametrize("op", [status("pending"), status("running"), DONE, FAILED])
def test_without_wait_reports_any_status_once(httpserver, clock, op):
    serve(httpserver, op)
    outcome, warnings = run(httpserver, clock, wait=False)
    assert outcome.failure is None
    assert outcome.result() == {"changed": False, "bulk_operation": op}
    assert len(httpserver.log) == 1 and warnings == [] and clock.sleeps == []


def test_wait_until_completed(httpserver, clock):
    serve(httpserver, status("pending"), status("running"), status("running"), DONE)
    outcome, _warnings = run(httpserver, clock)
    assert outcome.failure is None
    assert outcome.result() == {"changed": False, "bulk_operation": DONE, "elapsed": 1.5, "polls": 4}
    assert clock.sleeps == [0.5, 0.5, 0.5]


def test_wait_until_failed_fails_with_cloudflare_error_text(httpserver, clock):
    serve(httpserver, status("running"), FAILED)
    outcome, _warnings = run(httpserver, clock)
    assert outcome.failure == ("Bulk operation %s failed: '10.0.0.300' is not a valid IPv4 address or CIDR range"
                               % OPERATION)
    assert outcome.result()["bulk_operation"] == FAILED


def test_wait_times_out_with_last_status(httpserver, clock):
    httpserver.expect_request(PATH).respond_with_data(envelope(status("running")), content_type="application/json")
    outcome, _warnings = run(httpserver, clock, wait_timeout=10)
    assert outcome.failure == ("Timed out after 10 seconds waiting for bulk operation %s to finish; its last status "
                               "was 'running'. The change may still complete: check again later, or raise wait_timeout."
                               % OPERATION)
    result = outcome.result()
    assert result["bulk_operation"] == status("running")
    assert result["elapsed"] == 10
    assert result["polls"] == len(httpserver.log)


def test_unknown_status_is_not_finished_and_warned_once(httpserver, clock):
    serve(httpserver, status("validating"), status("validating"), DONE)
    outcome, warnings = run(httpserver, clock)
    assert outcome.failure is None and outcome.operation == DONE
    assert warnings == ["Bulk operation %s has status 'validating', which this collection does not know; it is "
                        "treated as not finished. A newer version of netedge.cloudflare may know it." % OPERATION]


def test_unknown_status_without_wait_is_returned_with_a_warning(httpserver, clock):
    serve(httpserver, status("archived"))
    outcome, warnings = run(httpserver, clock, wait=False)
    assert outcome.failure is None and outcome.operation == status("archived")
    assert len(warnings) == 1


NOT_FOUND = [{"code": 7003, "message": "Could not route to /accounts/x, perhaps your object identifier is invalid?"}]


def test_not_found_says_so(httpserver, clock):
    serve(httpserver, (envelope(None, False, NOT_FOUND), 404))
    outcome, _warnings = run(httpserver, clock)
    assert outcome.failure.startswith("Reading bulk operation %s in account %s: HTTP 404: Could not route" % (OPERATION, ACCOUNT))
    assert "Cloudflare has no bulk operation with that id in that account" in outcome.failure
    assert outcome.result() == {"changed": False, "elapsed": 0, "polls": 1, "status": 404, "errors": NOT_FOUND,
                                "messages": []}


def test_auth_error_names_code_and_permission(httpserver, clock):
    serve(httpserver, (envelope(None, False, [{"code": 10000, "message": "Authentication error"}]), 403))
    outcome, _warnings = run(httpserver, clock, wait=False)
    assert outcome.failure.startswith("Reading bulk operation %s in account %s: HTTP 403: Authentication error (10000). "
                                      % (OPERATION, ACCOUNT))
    assert "Account Filter Lists Read" in outcome.failure
    assert outcome.result()["status"] == 403


def test_wrong_global_key_points_at_email_and_key(httpserver, clock):
    serve(httpserver, (envelope(None, False, [{"code": 9103, "message": "Unknown X-Auth-Key or X-Auth-Email"}]), 403))
    outcome, _warnings = run(httpserver, clock, wait=False)
    assert outcome.failure == ("Reading bulk operation %s in account %s: HTTP 403: Unknown X-Auth-Key or X-Auth-Email "
                               "(9103). Check api_email and api_key (or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY); a "
                               "scoped API token with 'Account Filter Lists Read' is the safer choice."
                               % (OPERATION, ACCOUNT))


def test_codes_that_are_not_numbers_or_strings_are_ignored(httpserver, clock):
    serve(httpserver, (envelope(None, False, [{"code": []}, {"code": {"a": 1}}, {"code": True}, {"code": 10000}]), 403))
    outcome, _warnings = run(httpserver, clock, wait=False)
    assert outcome.error.codes() == [10000]
    assert "Account Filter Lists Read" in outcome.failure


def test_error_in_the_middle_of_a_wait_keeps_the_last_status(httpserver, clock):
    serve(httpserver, status("running"), (envelope(None, False, [{"code": 10000, "message": "Authentication error"}]), 403))
    outcome, _warnings = run(httpserver, clock)
    result = outcome.result()
    assert result["bulk_operation"] == status("running")
    assert result["polls"] == 2 and result["status"] == 403


def test_rate_limit_during_a_wait_is_retried_and_the_wait_goes_on(httpserver, clock):
    serve(httpserver, status("running"), (envelope(None, False, [{"code": 971, "message": "wait"}]), 429), DONE)
    outcome, _warnings = run(httpserver, clock, max_retries=2)
    assert outcome.failure is None and outcome.operation == DONE
    assert outcome.polls == 2 and len(httpserver.log) == 3


def test_result_without_status_is_an_error(httpserver, clock):
    serve(httpserver, {"id": OPERATION})
    outcome, _warnings = run(httpserver, clock, wait=False)
    assert "is not a bulk operation (no status)" in outcome.failure
