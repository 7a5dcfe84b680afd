# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Carry out a plan of item writes (see plan.py), one bulk operation after another.

Each step is sent through the one client and waited on through the one waiter. What can go
wrong, and what is done about it:

- Another bulk operation of the account is pending (ours or anyone's): Cloudflare queues the
  write, or refuses it (HTTP 429, or a 4xx that says a bulk operation is pending). A refused
  write changed nothing, so it is sent again, on the waiter's schedule, until the task's
  ``wait_timeout`` runs out.
- A write whose outcome is unknown (the connection broke after it left, a 5xx): it may have
  been applied, or be pending. It is never sent blindly again: the list is read again and the
  change planned anew from what it holds. Once that has happened, a step refused as busy, or a
  failed operation, also leads to a new reading before anything more is sent, since the write
  whose outcome was unknown may be the pending one, or may have done the work already.
- A body Cloudflare refuses as too large (HTTP 413): an append or delete is split in halves,
  which is safe because the refused write changed nothing. A replace that keeps no item becomes
  an append then a delete, split in turn. A replace that updates items cannot be split without
  a moment in which items are missing, so it fails and says so.
- A failed operation fails the task with Cloudflare's text, names the step, and says what
  the list holds now (a failed operation changes nothing).

No AnsibleModule here: the outcome is returned as data.
"""

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import lookup as _lists
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.bulk_operations import check_operation
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.errors import CloudflareError, excerpt, explain
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.plan import Step
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.waiter import next_pause

# How many times a run may read the list again and plan anew after writes whose outcome was
# unknown. Each costs one full read; three unknown outcomes in one run mean the path to
# Cloudflare is broken, and the task stops and says so instead of reading on.
MAX_REPLANS = 3

# Words of Cloudflare's answer to a write sent while another bulk operation is pending. Its
# status and code are not documented (429 and 400 have both been reported); its reference says
# "There is a limit of 1 pending bulk operation per account".
BUSY_WORDS = ("pending", "in progress", "outstanding")

WRITERS = {"append": _lists.append_items, "replace": _lists.replace_items, "delete": _lists.delete_items}


def is_busy(err):
    """True if a write was refused because another bulk operation of the account is pending."""
    if err.status == 429:
        return True
    if err.status is None or not 400 <= err.status < 500:
        return False
    text = " ".join(str(entry.get("message", "")) for entry in err.errors + err.messages if isinstance(entry, dict)).lower()
    return "bulk operation" in text and any(word in text for word in BUSY_WORDS)


def is_too_large(err):
    return err.status == 413


class Applied:
    """What carrying out a plan did: operation ids and their last statuses, and why it failed, if it did."""

    def __init__(self):
        self.operation_ids = []
        self.bulk_operations = []
        self.failure = None
        self.error = None
        self.plan = None          # the plan last carried out (a new one after a re-reading)
        self.replans = 0
        self.done_steps = []
        # A write whose outcome was unknown was sent: the list may have changed without an operation_id.
        self.unsure = False

        # What the list held when a step failed, read again for the message (None otherwise).
        self.num_items_now = None

    @property
    def changed(self):
        """True if the list was (or may have been) changed: a step completed, or a write's fate is unknown.

        A failed bulk operation changes nothing, so a run whose only operation failed is not changed.
        """
        return bool(self.done_steps) or self.unsure

    def result(self):
        result = {"operation_ids": list(self.operation_ids), "bulk_operations": list(self.bulk_operations)}
        if self.error is not None:
            result.update(self.error.to_result())
        return result


class Applier:
    """Runs the steps of a plan; ``replan()`` reads the list again and returns a new plan."""

    def __init__(self, client, account_id, lst, wait, wait_timeout, wait_sleep, replan, warn):
        self.client = client
        self.account_id = account_id
        self.list = lst
        self.wait = wait
        self.wait_sleep = wait_sleep
        self.deadline = client.clock() + wait_timeout
        self.replan = replan
        self.warn = warn
        self._busy_since = None   # when the current write was first refused as busy
        self.out = Applied()

    def run(self, plan):
        """Carry out ``plan``; returns an Applied. Never raises CloudflareError."""
        self.out.plan = plan
        steps = list(plan.steps)
        try:
            while steps:
                step = steps.pop(0)
                last = not steps
                sent = self._send(step)
                if sent is None:
                    steps = self._read_again()
                    continue
                if isinstance(sent, list):
                    steps = sent + steps
                    continue
                outcome = self._wait(sent, must_wait=not last or self.wait)
                if outcome is None:
                    self.out.done_steps.append(step)
                    continue
                if self.out.unsure and outcome.operation is not None and outcome.operation.get("status") == "failed":
                    # The write whose outcome was unknown may have been applied after the list was read,
                    # and this step, planned on that reading, then clashed with it (a duplicate append).
                    # If reading again shows less left to do than before, that is what happened: go on.
                    left = self.out.plan.size()
                    steps = self._read_again()
                    if not steps or self.out.plan.size() < left:
                        continue
                    self._fail_step(step, outcome.failure, outcome.error)
                    return self.out
                self._fail_step(step, outcome.failure, outcome.error)
                return self.out
        except CloudflareError as err:
            self.out.error = err
            self.out.failure = explain(err, "Changing the items of list %r (%s)" % (self.list["name"], self.list["id"]), write=True)
        return self.out

    def _read_again(self):
        """Plan anew from the list as it is now; the new plan's steps."""
        if self.out.replans >= MAX_REPLANS:
            raise CloudflareError("the outcome of %d writes was unknown (connection failures after sending); stopped "
                                  "rather than read the list again. Check the path to Cloudflare and run the task again"
                                  % (self.out.replans + 1))
        self.out.replans += 1
        self.out.plan = self.replan()
        return list(self.out.plan.steps)

    def _send(self, step):
        """The operation id; None when the outcome is unknown; two half steps when the body is too large."""
        while True:
            try:
                operation_id = WRITERS[step.action](self.client, self.account_id, self.list["id"], step.body)
                self.out.operation_ids.append(operation_id)
                return operation_id
            except CloudflareError as err:
                if err.outcome_unknown:
                    self.out.unsure = True
                    self.warn("The outcome of a write (%s) is unknown: %s. The list is read again before anything "
                              "more is sent." % (step.describe(), err.summary()))
                    return None
                if is_too_large(err) and step.action != "replace" and len(step.body) > 1:
                    half = len(step.body) // 2
                    return [Step(step.action, step.body[:half], half), Step(step.action, step.body[half:], len(step.body) - half)]
                if is_too_large(err) and not self.out.plan.updated:
                    # A replace that keeps no item (see plan.py) is the same change as appending the new
                    # items then deleting the old ones, and those can be split.
                    plan = self.out.plan
                    ids = [item.get("id") for item in plan.removed]
                    steps = [Step("append", list(plan.added), len(plan.added)), Step("delete", ids, len(ids))]
                    return [part for part in steps if part.body]
                if is_too_large(err):
                    err.note("Cloudflare refused a replace of %d items as too large; a replace cannot be split without "
                             "leaving items missing for a while. Change fewer comments or redirect fields at once" % step.count)
                    raise
                if not is_busy(err):
                    raise
                self._pause_for_busy(err)
                if self.out.unsure:
                    # The pending operation may be the write whose outcome was unknown.
                    return None

    def _pause_for_busy(self, err):
        now = self.client.clock()
        if now >= self.deadline:
            err.note("another bulk operation of the account was still pending when wait_timeout ran out")
            raise err
        if self._busy_since is None:
            self._busy_since = now
        started = self._busy_since
        pause = min(next_pause(now - started, self.wait_sleep), self.deadline - now)
        self.client.sleep(max(pause, 0.0))

    def _wait(self, operation_id, must_wait):
        """None when the operation completed (or need not be waited on); else the failed Outcome."""
        self._busy_since = None
        remaining = max(0.0, self.deadline - self.client.clock())
        outcome = check_operation(self.client, self.account_id, operation_id, must_wait, remaining,
                                  self.wait_sleep, self.warn)
        if outcome.operation is not None:
            self.out.bulk_operations.append(outcome.operation)
        if outcome.failure is None:
            return None
        if not must_wait:
            # The write was accepted; only the one status read after it failed.
            self.warn("Bulk operation %s was started, but its status could not be read: %s" % (operation_id, outcome.failure))
            return None
        return outcome

    def _fail_step(self, step, failure, error):
        total = len(self.out.done_steps) + 1
        doing = "Step %d of the change to list %r (%s)" % (total, self.list["name"], step.describe())
        message = "%s: %s" % (doing, failure)
        if error is None and _is_item_limit(failure):
            message += (". Cloudflare's lists hold at most 10,000 items per account in all (500,000 on Enterprise), and "
                        "this change would leave this list with %d. Remove items from this or other lists of the account, "
                        "or ask Cloudflare for a higher limit" % self.out.plan.items_after())
        failed = error is None and failure is not None and failure.startswith("Bulk operation") and " failed: " in failure
        if not failed:
            # Accepted, and not known to have failed (a timeout, an error reading its status): it may still apply.
            self.out.unsure = True
        message += ". " + self._holds_now(failed)
        self.out.failure = message
        self.out.error = error

    def _holds_now(self, failed):
        """What the list holds now, in words: its item count, and which steps were applied."""
        done = ", ".join(step.describe() for step in self.out.done_steps)
        try:
            now = _lists.get_list(self.client, self.account_id, self.list["id"])
            self.out.num_items_now = (now or {}).get("num_items")
            count = "The list now holds %s item(s)" % self.out.num_items_now
        except CloudflareError as err:
            count = "The list could not be read again (%s)" % err.summary()
        before = ("the steps before it were applied (%s)" % done) if done else "no earlier step was applied"
        if failed:
            return "%s: %s, and a failed operation changes nothing." % (count, before)
        return "%s: %s; this step may still complete, so run the task again to see." % (count, before)


def _is_item_limit(text):
    text = excerpt(text or "", 2000).lower()
    return "maximum number of items" in text or "item limit" in text
