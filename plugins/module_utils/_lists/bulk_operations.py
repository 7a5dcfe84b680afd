# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Rules Lists bulk operations: read one, wait for one, and judge the outcome.

Every module that changes list items returns an operation_id and can wait on
it through ``check_operation``; this is the only place that knows what the
statuses mean. No AnsibleModule here: the outcome is returned as data.
"""

from ansible_collections.netedge.cloudflare.plugins.module_utils._api.errors import CloudflareError, excerpt, explain
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.waiter import wait_until

TERMINAL_STATUSES = ("completed", "failed")
KNOWN_STATUSES = ("pending", "running") + TERMINAL_STATUSES
# The longest part of a failed operation's error text that a failure message quotes
# (the whole text stays in the returned bulk_operation).
ERROR_TEXT_CHARS = 1000


def operation_path(account_id, operation_id):
    return "/accounts/%s/rules/lists/bulk_operations/%s" % (account_id, operation_id)


def get_operation(client, account_id, operation_id, deadline=None):
    """The operation as Cloudflare returns it; its shape is checked, its content kept as is."""
    result = client.get(operation_path(account_id, operation_id), deadline=deadline)
    if not isinstance(result, dict) or not isinstance(result.get("status"), str):
        raise CloudflareError("Cloudflare's answer is not a bulk operation (no status): %s" % excerpt(result), status=200)
    return result


def is_finished(operation):
    return operation.get("status") in TERMINAL_STATUSES


class Outcome:
    """What a status check found, as the keys a task returns plus why it fails, if it does.

    ``error`` is the CloudflareError that stopped it, if any; ``operation`` is
    then the last status seen before it (or None).
    """

    def __init__(self, operation, failure=None, elapsed=None, polls=None, error=None):
        self.operation = operation
        self.failure = failure
        self.elapsed = elapsed
        self.polls = polls
        self.error = error

    def result(self):
        result = {"changed": False}
        if self.operation is not None:
            result["bulk_operation"] = self.operation
        if self.elapsed is not None:
            result["elapsed"] = round(self.elapsed, 3)
            result["polls"] = self.polls
        if self.error is not None:
            result.update(self.error.to_result())
        return result


def describe_api_error(err, account_id, operation_id):
    """The failure message for an API error met while reading an operation."""
    doing = "Reading bulk operation %s in account %s" % (operation_id, account_id)
    if err.status == 404:
        return ("%s: %s. Cloudflare has no bulk operation with that id in that account: check that operation_id "
                "comes from a list change in this same account." % (doing, err.summary()))
    return explain(err, doing)


def check_operation(client, account_id, operation_id, wait, wait_timeout, wait_sleep, warn):
    """Read the operation once, or wait for it to finish, and return an Outcome. Never raises CloudflareError.

    Waiting uses the client's clock and sleep, so tests drive both at once.
    """
    warned = set()
    seen = []
    polls = [0]

    def poll(deadline):
        polls[0] += 1
        operation = get_operation(client, account_id, operation_id, deadline=deadline)
        status = operation["status"]
        if status not in KNOWN_STATUSES and status not in warned:
            warned.add(status)
            warn("Bulk operation %s has status %r, which this collection does not know; it is treated as not "
                 "finished. A newer version of netedge.cloudflare may know it." % (operation_id, status[:50]))
        seen[:] = [operation]
        return operation

    started = client.clock()
    try:
        if not wait:
            return Outcome(poll(None))
        waited = wait_until(poll, is_finished, wait_timeout, wait_sleep, clock=client.clock, sleep=client.sleep)
    except CloudflareError as err:
        outcome = Outcome(seen[0] if seen else None, error=err,
                          failure=describe_api_error(err, account_id, operation_id))
        if wait:
            outcome.elapsed = client.clock() - started
            outcome.polls = polls[0]
        return outcome
    operation = waited.value
    outcome = Outcome(operation, elapsed=waited.elapsed, polls=waited.polls)
    if not waited.done:
        outcome.failure = ("Timed out after %s seconds waiting for bulk operation %s to finish; its last status was %r. "
                           "The change may still complete: check again later, or raise wait_timeout."
                           % (_seconds(wait_timeout), operation_id, excerpt(operation.get("status"), 50)))
    elif operation["status"] == "failed":
        # Cloudflare's reason is shown as it is, up to a length that keeps the message readable.
        reason = excerpt(operation.get("error") or "", ERROR_TEXT_CHARS) or "Cloudflare gave no error text"
        outcome.failure = "Bulk operation %s failed: %s" % (operation_id, reason)
    return outcome


def _seconds(value):
    return ("%d" % value) if float(value).is_integer() else ("%g" % value)
