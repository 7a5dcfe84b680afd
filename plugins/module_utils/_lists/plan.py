# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Plan a change to a list's items: a pure function of the items read and the items wanted.

No HTTP and no Ansible here. The same plan is printed by check mode and diff mode and
carried out by apply.py, so what ``--check --diff`` shows is what a run does.

The rules, and why:

1. Nothing differs: no write at all. A second run with the same input is ``changed: false``.
2. An item the wanted state keeps is never absent from the list, not even for a moment: no
   step deletes an item that a later step adds back. On a live firewall list, a blocked
   address that is deleted and re-added is unblocked in between.
3. Items that do not change keep their ids and ``created_on``: additions are appended and
   removals are deleted by id, so the other items are not touched.
4. A field the task does not set (a comment, a redirect's optional field) is not compared,
   and a replace keeps the value Cloudflare holds for it.
5. An item whose comment or redirect fields change can only be written by replacing every
   item of the list (Cloudflare has no call that edits an item). Then the whole change is one
   replace: additions, removals and updates in a single bulk operation, which Cloudflare
   applies all at once, so no kept item is ever missing. Its cost: every item gets a new id.
6. Additions and removals that keep at least one item are an append then a delete: the append
   first, so that at every moment the list holds at least what it holds before and after (a
   blocklist never blocks less than either). When no item is kept, one replace does it all in
   one bulk operation instead of two.
7. Emptying a list is one replace with no items, whatever its size.

The fewest bulk operations under these rules: 0, 1 (append, delete or replace) or 2 (append
then delete). Operations run one after another: an account has one pending at a time.
"""

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.item_keys import alias_keys, item_key, stored_aliases
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.item_compare import describe, differences, write_form
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.items import item_of

STATES = ("present", "absent", "exact")


class Step:
    """One write: ``action`` is append, delete or replace; ``body`` is what is sent."""

    def __init__(self, action, body, count):
        self.action = action
        self.body = body
        self.count = count

    def describe(self):
        what = {"append": "append %d item(s)", "delete": "delete %d item(s)", "replace": "replace all items with %d item(s)"}
        return what[self.action] % self.count


class Plan:
    """What a run would do: the items added, removed and updated, and the steps that do it."""

    def __init__(self, kind, total=None):
        self.kind = kind
        # The items the list holds: those read, or, when only some were looked up by search,
        # the count Cloudflare gives for the list.
        self._total = total
        self.added = []      # wanted items (write form) that are not in the list
        self.removed = []    # stored items to remove (as read, with id)
        self.updated = []    # (stored item, wanted write form) pairs whose set fields differ
        self.unchanged = 0   # items found and up to date
        self.read = 0        # items read
        self.steps = []

    @property
    def changed(self):
        return bool(self.steps)

    def counts(self):
        return {"added": len(self.added), "removed": len(self.removed), "updated": len(self.updated),
                "unchanged": self.unchanged}

    def size(self):
        """How many items the plan changes."""
        return len(self.added) + len(self.removed) + len(self.updated)

    @property
    def total(self):
        return self.read if self._total is None else self._total

    def items_after(self):
        return self.total + len(self.added) - len(self.removed)

    def diff_lines(self):
        """One line per item, for a reviewer: ``+`` added, ``-`` removed, ``~`` updated (old -> new)."""
        lines = ["+ " + describe(self.kind, item) for item in self.added]
        lines += ["- " + describe(self.kind, item) for item in self.removed]
        for stored, wanted in self.updated:
            lines.append("~ %s  (was: %s)" % (describe(self.kind, wanted), describe(self.kind, stored)))
        return lines


class Planner:
    """Builds a Plan from stored items fed one at a time, so a list of any size is read once
    without holding every item: only the wanted items, the items to remove or update, and,
    for ``present`` (whose replace must keep the items it does not name), the others.
    """

    def __init__(self, kind, state, wanted, total=None):
        if state not in STATES:
            raise ValueError("state must be one of %s" % ", ".join(STATES))
        self.kind = kind
        self.state = state
        self.wanted = wanted
        self.plan = Plan(kind, total)
        # Cloudflare may store a wanted item under another key (an IPv6 address as its /64); several
        # wanted addresses of one /64 are then all held by the one stored item.
        self._aliases = {}
        for key in wanted:
            for alias in alias_keys(kind, key):
                self._aliases.setdefault(alias, []).append(key)
        # Wanted keys found in the list; for the few whose stored item has fields the task does not set
        # (a comment), the merged write form a replace must send. A set, not a dict of every item:
        # a list of 500,000 unchanged items costs 500,000 keys here, not 500,000 dicts.
        self._found = set()
        self._merged = {}
        self._others = []    # present only: write forms of stored items the task does not name

    def _wanted_keys(self, key):
        """The wanted keys a stored item of key ``key`` holds: its own, or those it stands for."""
        if key in self.wanted:
            return [key]
        keys = self._aliases.get(key)
        if keys is None:
            for other in stored_aliases(self.kind, key):
                if other in self.wanted:
                    return [other]
                keys = self._aliases.get(other)
                if keys:
                    break
        return [wanted for wanted in keys or () if wanted not in self._found]

    def names(self, stored):
        """Whether the task names this stored item (it holds a wanted item), found already or not."""
        key = item_key(self.kind, stored)
        if key in self.wanted or key in self._aliases:
            return True
        return any(other in self.wanted or other in self._aliases for other in stored_aliases(self.kind, key))

    def feed(self, stored):
        """Take one item as read from Cloudflare."""
        self.plan.read += 1
        keys = self._wanted_keys(item_key(self.kind, stored))
        if self.state == "absent":
            if keys:
                self.plan.removed.append(stored)
            return
        if not keys or keys[0] in self._found:
            # Not named by the task, or a second stored item for the same wanted one.
            if self.state == "exact":
                self.plan.removed.append(stored)
            else:
                self._others.append(write_form(self.kind, stored))
            return
        for found in keys:
            # The wanted dict's own string when it keeps the item as its key (compact): the stored item's
            # copy of the text then goes with its page, half a million strings fewer at 500,000 items.
            own = self.wanted[found]
            self._found.add(own if own.__class__ is str else found)
        key = keys[0]
        wanted = item_of(self.kind, key, self.wanted[key])
        merged = write_form(self.kind, stored, wanted)
        if merged != wanted:
            self._merged[key] = merged
        if differences(self.kind, wanted, stored):
            self.plan.updated.append((stored, merged))
        else:
            self.plan.unchanged += 1

    def finish(self):
        """The Plan, once every stored item was fed."""
        plan = self.plan
        if self.state != "absent":
            plan.added = [item_of(self.kind, key, item) for key, item in self.wanted.items() if key not in self._found]
        kept = plan.unchanged + len(plan.updated) + len(self._others)
        if plan.updated:
            body = self._others + [self._merged.get(key) or item_of(self.kind, key, item) for key, item in self.wanted.items()]
            plan.steps = [Step("replace", body, len(body))]
        elif plan.added and plan.removed and kept == 0:
            plan.steps = [Step("replace", list(plan.added), len(plan.added))]
        elif self.state == "exact" and plan.removed and not plan.added and kept == 0:
            plan.steps = [Step("replace", [], 0)]
        else:
            if plan.added:
                plan.steps.append(Step("append", list(plan.added), len(plan.added)))
            if plan.removed:
                ids = [item.get("id") for item in plan.removed]
                plan.steps.append(Step("delete", ids, len(ids)))
        self._others = []
        return plan


def make_plan(kind, state, wanted, stored_items, total=None):
    """The Plan from all stored items at once (an iterable is read once)."""
    planner = Planner(kind, state, wanted, total)
    for stored in stored_items:
        planner.feed(stored)
    return planner.finish()


# Without max_removals, a run may remove up to 10 items or a quarter of the list, whichever is
# more: everyday churn of a feed (a few percent a day) passes, a small list can be edited freely,
# and a feed cut off half-way (a failed download, a truncated file) is stopped before any write.
DEFAULT_REMOVALS_FLOOR = 10
DEFAULT_REMOVALS_FRACTION = 0.25


def removal_limit(max_removals, items_read):
    """The most items a run may remove: ``max_removals`` if set (-1: no limit), else the default above."""
    if max_removals is not None:
        return None if max_removals < 0 else max_removals
    return max(DEFAULT_REMOVALS_FLOOR, int(items_read * DEFAULT_REMOVALS_FRACTION))


def removal_problem(plan, max_removals, allow_empty):
    """Why the plan must not run, or None: the guard against removing many items by accident.

    Checked before any write, in check mode too, so a truncated or empty feed stops the task.
    """
    if plan.removed and plan.items_after() == 0 and not allow_empty:
        return ("This change would remove all %d item(s) of the list and leave it empty. If that is what you want, "
                "set allow_empty: true; otherwise check the items given (an empty or unreadable feed?)." % len(plan.removed))
    limit = removal_limit(max_removals, plan.total)
    if limit is not None and len(plan.removed) > limit:
        how = "max_removals (%d)" % limit if max_removals is not None else (
            "the default limit of %d (10 items or a quarter of the list's %d, whichever is more)" % (limit, plan.total))
        return ("This change would remove %d item(s), more than %s. Check the items given (a truncated feed?), or set "
                "max_removals higher (-1 for no limit)." % (len(plan.removed), how))
    return None
