# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What cloudflare_list_items does, from checked parameters to the task's result.

Find the list, read its items once (all pages) into the planner, guard against mass removal,
then either report the plan (check mode) or carry it out. Returns ``(failure, result)``;
the module only passes them to fail_json or exit_json.
"""

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import lookup as _lists
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.apply import Applier
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.errors import CloudflareError, explain
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.item_keys import search_term
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.feed import FEED_KINDS, Feed, wanted_items
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.items import KINDS, kinds_named
from ansible_collections.netedge.cloudflare.plugins.module_utils._options import check_list_id, check_list_name
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.plan import STATES, Planner, removal_problem

# The most items each of added/removed/updated carries in the result, and lines in the diff,
# unless max_reported_items says otherwise. Ansible copies, masks and prints a module's whole
# result on the controller: half a million items would cost more than the sync itself, and a
# reviewer reads a thousand lines at most. The counts are always exact.
DEFAULT_REPORTED_ITEMS = 1000

ITEMS_SPEC = dict(
    list_name=dict(type="str"),
    list_id=dict(type="str"),
    items=dict(type="list", elements="raw"),
    src=dict(type="path"),
    state=dict(type="str", default="present", choices=list(STATES)),
    max_removals=dict(type="int"),
    allow_empty=dict(type="bool", default=False),
    max_reported_items=dict(type="int", default=DEFAULT_REPORTED_ITEMS),
)


def check_list_choice(params):
    """Exactly one of list_name and list_id, each well formed."""
    given = [name for name in ("list_name", "list_id") if params.get(name) not in (None, "")]
    problems = []
    if len(given) != 1:
        problems.append("Give exactly one of list_name and list_id (got %s)." % (" and ".join(given) or "neither"))
    return problems + check_list_name(params.get("list_name") or None, "list_name") + check_list_id(params.get("list_id") or None)


def check_sources(params):
    """The items come from items, src or both."""
    if params.get("items") is None and params.get("src") in (None, ""):
        return ["Give items, src (a feed file), or both."]
    return []


def feed_of(params):
    """The Feed that src names, or None."""
    if params.get("src") in (None, ""):
        return None
    return Feed(params["src"])


def check_numbers(params):
    problems = []
    if params.get("max_removals") is not None and params["max_removals"] < -1:
        problems.append("max_removals must be -1 (no limit), 0 or more.")
    if params.get("max_reported_items", 0) < -1:
        problems.append("max_reported_items must be -1 (all), 0 or more.")
    return problems


def infer_kind(entries, feed=None):
    """(kind, wanted, problems): the first kind every entry (and line of ``feed``) is valid for, checked
    before any request.

    The list's kind is only known after a request; entries that suit no kind at all are refused
    before it, with the problems of the kind that fits them best.
    """
    named = kinds_named(entries)
    if feed is not None:
        for kind, count in feed.kinds_named().items():
            named[kind] += count
    kinds = KINDS
    if feed is not None and not named["redirect"]:
        kinds = FEED_KINDS  # a line is never a redirect: that guess would only hide the lines' problems
    best = None
    # Kinds whose fields the entries use come first; otherwise ip, hostname, asn, redirect.
    for kind in sorted(kinds, key=lambda kind: -named[kind]):
        wanted, problems = wanted_items(kind, entries, feed)
        if not problems:
            return kind, wanted, []
        if best is None or len(problems) < len(best[2]):
            best = (kind, wanted, problems)
    if not entries and feed is None:
        return None, {}, []
    return best


class ItemsCheck:
    """The items' problems against the kind they fit best; all of them, before any request.

    It keeps the items it normalised, so that the run does not normalise them again when the
    list turns out to be of that kind (half a million items take a second and 100 MB).
    """

    def __init__(self):
        self.kind = None
        self.wanted = None

    def __call__(self, params):
        feed = feed_of(params)
        if feed is not None and feed.unreadable():
            return [feed.unreadable()]
        self.kind, self.wanted, problems = infer_kind(params.get("items") or [], feed)
        if problems:
            what = "items" if feed is None else ("lines of src" if params.get("items") is None else "items and lines of src")
            return ["Invalid %s (checked as a list of kind %r): %s" % (what, self.kind, " ".join(problems))]
        return []

    def take(self, kind):
        """The normalised items if they were checked as ``kind``, once; else None."""
        wanted, self.wanted = self.wanted, None
        return wanted if kind == self.kind else None


def _capped(values, limit):
    return list(values) if limit < 0 else list(values)[:limit]


def plan_result(lst, plan, limit):
    """The keys a task returns about a plan, items capped at ``limit`` (-1: all)."""
    result = {
        "changed": plan.changed,
        "list": {"id": lst["id"], "name": lst["name"], "kind": lst["kind"], "num_items": plan.items_after()},
        "added": _capped(plan.added, limit),
        "removed": _capped(plan.removed, limit),
        "updated": [{"before": before, "after": after} for before, after in _capped(plan.updated, limit)],
        "counts": plan.counts(),
        "steps": [step.describe() for step in plan.steps],
    }
    result["truncated"] = any(len(full) > len(result[key]) for key, full in
                              (("added", plan.added), ("removed", plan.removed), ("updated", plan.updated)))
    return result


def invocation_of(params):
    """The module arguments a result echoes (ansible-core before 2.19 always, later at the controller's
    request), with ``items`` cut to max_reported_items: half a million items would be sent back to the
    controller and parsed there for nothing. The secrets are masked by AnsibleModule as usual."""
    limit = params.get("max_reported_items", DEFAULT_REPORTED_ITEMS)
    items = params.get("items") or []
    args = dict(params)
    if 0 <= limit < len(items):
        args["items"] = list(items[:limit]) + ["... and %d more item(s)" % (len(items) - limit)]
    return {"module_args": args}


def diff_of(lst, plan, limit):
    """Diff mode's text: a header with the counts and steps, then one line per item."""
    counts = plan.counts()
    header = ("List %s (%s, %s): %d added, %d removed, %d updated, %d unchanged; %s"
              % (lst["name"], lst["kind"], lst["id"], counts["added"], counts["removed"], counts["updated"],
                 counts["unchanged"], "; then ".join(step.describe() for step in plan.steps) or "no write"))
    lines = plan.diff_lines()
    shown = _capped(lines, limit)
    if len(shown) < len(lines):
        shown.append("... and %d more line(s); raise max_reported_items to see them" % (len(lines) - len(shown)))
    return {"prepared": "\n".join([header] + shown) + "\n"}


class ItemsTask:
    """One run of cloudflare_list_items against one client."""

    def __init__(self, client, params, check_mode, diff_mode, warn, checked=None):
        self.checked = checked
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.warn = warn
        self.account_id = params["account_id"]

    def find(self):
        params = self.params
        what = ("list %r" % params["list_name"]) if params.get("list_name") else ("list id %s" % params["list_id"])
        try:
            lst = _lists.find_list(self.client, self.account_id, name=params.get("list_name"), list_id=params.get("list_id"))
        except CloudflareError as err:
            return None, explain(err, "Looking up %s in account %s" % (what, self.account_id)), err
        if lst is None:
            return None, ("No %s in account %s. Create it first with netedge.cloudflare.cloudflare_list, or check the "
                          "name and account." % (what, self.account_id)), None
        return lst, None, None

    def read_plan(self, lst, wanted):
        """The plan, from the fewest reads: the items looked up one by one, or the whole list."""
        plan = self.search_plan(lst, wanted)
        if plan is not None:
            return plan
        planner = Planner(lst["kind"], self.params["state"], wanted)
        for stored in _lists.iter_items(self.client, self.account_id, lst["id"]):
            planner.feed(stored)
        return planner.finish()

    def search_plan(self, lst, wanted):
        """The plan from Cloudflare's ``search``, one look-up per item, when that costs fewer requests than
        reading the whole list; else None.

        Only for present and absent: they need the list's items that the task names, nothing else
        (exact needs every item, to remove the others). A few addresses blocked or unblocked in a
        list of 500,000 items cost a few requests instead of 1,000. If the look-ups turn out to cost
        as much as a full read (a search text that matches many items), or an item's comment must
        change (a replace needs every item), the whole list is read after all.
        """
        kind, state = lst["kind"], self.params["state"]
        pages = -(-(lst.get("num_items") or 0) // _lists.ITEMS_PER_PAGE)
        if state == "exact" or not wanted or len(wanted) >= pages:
            return None
        terms = {}
        for key in wanted:
            term = search_term(kind, key)
            if term is None:
                return None
            terms[term] = True
        if len(terms) >= pages:
            return None
        planner = Planner(kind, state, wanted, total=lst["num_items"])
        seen = set()
        budget = self.client.requests_sent + pages - 1
        for term in terms:
            for stored in _lists.iter_items(self.client, self.account_id, lst["id"], search=term):
                if self.client.requests_sent > budget:
                    return None
                if stored.get("id") not in seen and planner.names(stored):
                    seen.add(stored.get("id"))
                    planner.feed(stored)
        plan = planner.finish()
        return None if plan.updated and state == "present" else plan

    def run(self):
        """(failure message or None, result dict)."""
        params = self.params
        lst, failure, err = self.find()
        if failure:
            return failure, err.to_result() if err is not None else {}
        wanted = self.checked.take(lst["kind"]) if self.checked is not None else None
        problems = []
        if wanted is None:
            wanted, problems = wanted_items(lst["kind"], params.get("items"), feed_of(params))
        if problems:
            return ("The items do not fit list %r, whose kind is %r: %s" % (lst["name"], lst["kind"], " ".join(problems)),
                    {"list": lst})
        try:
            plan = self.read_plan(lst, wanted)
        except CloudflareError as err:
            return explain(err, "Reading the items of list %r (%s)" % (lst["name"], lst["id"])), err.to_result()
        limit = params["max_reported_items"]
        problem = removal_problem(plan, params.get("max_removals"), params["allow_empty"])
        if problem:
            result = plan_result(lst, plan, limit)
            result["changed"] = False
            return problem, result
        if self.check_mode or not plan.changed:
            return None, self._finish(lst, plan, limit, None)
        applier = Applier(self.client, self.account_id, lst, params["wait"], params["wait_timeout"], params["wait_sleep"],
                          replan=lambda: self.read_plan(lst, wanted), warn=self.warn)
        applied = applier.run(plan)
        # The result reports the plan the run set out from: after a re-reading (a write whose outcome was
        # unknown) the later plan only holds what was left to do.
        return applied.failure, self._finish(lst, plan, limit, applied)

    def _finish(self, lst, plan, limit, applied):
        result = plan_result(lst, plan, limit)
        if applied is not None:
            result.update(applied.result())
            result["changed"] = applied.changed
            if applied.num_items_now is not None:
                result["list"]["num_items"] = applied.num_items_now
        else:
            result.update(operation_ids=[], bulk_operations=[])
        if self.diff_mode:
            result["diff"] = diff_of(lst, plan, limit)
        return result
