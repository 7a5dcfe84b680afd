# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The planner as a pure function: stored items and wanted items in, steps out; no HTTP."""

import itertools

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.item_keys import item_key
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.items import normalize_items
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.plan import (
    make_plan,
    removal_limit,
    removal_problem,
)

_ids = itertools.count(1)


def stored(kind, value, comment=None, **extra):
    """An item as Cloudflare returns it."""
    item = {"id": "%032x" % next(_ids), kind: value, "created_on": "2026-11-01T00:00:00Z", "modified_on": "2026-11-01T00:00:00Z"}
    if comment is not None:
        item["comment"] = comment
    item.update(extra)
    return item


def wanted_of(kind, entries):
    wanted, problems = normalize_items(kind, entries)
    assert problems == []
    return wanted


def plan_for(state, stored_items, entries, kind="ip"):
    return make_plan(kind, state, wanted_of(kind, entries), stored_items)


def actions(plan):
    return [step.action for step in plan.steps]


@pytest.mark.parametrize("state", ["present", "exact"])
def test_nothing_differs_means_no_write(state):
    items = [stored("ip", "192.0.2.1"), stored("ip", "198.51.100.0/24", "x")]
    plan = plan_for(state, items, ["192.0.2.1/32", "198.51.100.0/24"])
    assert plan.steps == [] and not plan.changed
    assert plan.counts() == {"added": 0, "removed": 0, "updated": 0, "unchanged": 2}


def test_absent_of_missing_items_means_no_write():
    plan = plan_for("absent", [stored("ip", "192.0.2.1")], ["192.0.2.2"])
    assert plan.steps == [] and plan.removed == []


def test_present_appends_only_what_is_missing():
    plan = plan_for("present", [stored("ip", "192.0.2.1")], ["192.0.2.1", "192.0.2.2"])
    assert actions(plan) == ["append"]
    assert plan.steps[0].body == [{"ip": "192.0.2.2"}]


def test_exact_appends_first_then_deletes_by_id_and_keeps_the_rest():
    keep, drop = stored("ip", "192.0.2.1"), stored("ip", "192.0.2.9")
    plan = plan_for("exact", [keep, drop], ["192.0.2.1", "192.0.2.2"])
    assert actions(plan) == ["append", "delete"]
    assert plan.steps[0].body == [{"ip": "192.0.2.2"}]
    assert plan.steps[1].body == [drop["id"]]
    assert keep["id"] not in plan.steps[1].body


def test_exact_with_nothing_kept_is_one_replace():
    plan = plan_for("exact", [stored("ip", "192.0.2.9")], ["192.0.2.1"])
    assert actions(plan) == ["replace"]
    assert plan.steps[0].body == [{"ip": "192.0.2.1"}]


def test_exact_to_empty_is_one_replace_with_no_items_and_needs_allow_empty():
    plan = plan_for("exact", [stored("ip", "192.0.2.1"), stored("ip", "192.0.2.2")], [])
    assert actions(plan) == ["replace"] and plan.steps[0].body == []
    assert "allow_empty" in removal_problem(plan, None, allow_empty=False)
    assert removal_problem(plan, None, allow_empty=True) is None


def test_absent_deletes_by_id_even_when_it_empties_the_list():
    item = stored("ip", "192.0.2.1")
    plan = plan_for("absent", [item], ["192.0.2.1"])
    assert actions(plan) == ["delete"] and plan.steps[0].body == [item["id"]]


def test_a_changed_comment_is_one_replace_that_keeps_every_other_item_and_its_comment():
    other = stored("ip", "203.0.113.5", "kept comment")
    target = stored("ip", "192.0.2.1", "old")
    unset = stored("ip", "192.0.2.2", "task sets no comment")
    plan = plan_for("present", [other, target, unset], [{"ip": "192.0.2.1", "comment": "new"}, "192.0.2.2", "192.0.2.3"])
    assert actions(plan) == ["replace"]
    body = sorted(plan.steps[0].body, key=lambda item: item["ip"])
    assert body == [{"ip": "192.0.2.1", "comment": "new"}, {"ip": "192.0.2.2", "comment": "task sets no comment"},
                    {"ip": "192.0.2.3"}, {"ip": "203.0.113.5", "comment": "kept comment"}]
    assert plan.counts() == {"added": 1, "removed": 0, "updated": 1, "unchanged": 1}


def test_a_comment_the_task_does_not_set_is_not_compared():
    plan = plan_for("exact", [stored("ip", "192.0.2.1", "set elsewhere")], ["192.0.2.1"])
    assert plan.steps == []


def test_exact_replace_for_an_update_leaves_out_what_is_removed():
    plan = plan_for("exact", [stored("ip", "192.0.2.1", "a"), stored("ip", "192.0.2.9")], [{"ip": "192.0.2.1", "comment": "b"}])
    assert actions(plan) == ["replace"]
    assert plan.steps[0].body == [{"ip": "192.0.2.1", "comment": "b"}]
    assert len(plan.removed) == 1


def test_an_ipv6_address_stored_as_its_slash64_counts_as_present():
    plan = plan_for("exact", [stored("ip", "2001:db8::/64")], ["2001:DB8::1"])
    assert plan.steps == []
    plan = plan_for("absent", [stored("ip", "2001:db8::/64")], ["2001:db8::1"])
    assert actions(plan) == ["delete"]


def test_a_second_stored_form_of_one_wanted_item_is_removed_by_exact():
    first, second = stored("ip", "192.0.2.1"), stored("ip", "192.0.2.1/32")
    plan = plan_for("exact", [first, second], ["192.0.2.1"])
    assert plan.steps[-1].action == "delete" and plan.steps[-1].body == [second["id"]]


def test_diff_lines_one_per_item():
    plan = plan_for("exact", [stored("ip", "192.0.2.9"), stored("ip", "192.0.2.1", "old")],
                    ["192.0.2.2", {"ip": "192.0.2.1", "comment": "new"}])
    lines = plan.diff_lines()
    assert len(lines) == 3
    assert [line[0] for line in lines] == ["+", "-", "~"]
    assert "192.0.2.2" in lines[0] and "192.0.2.9" in lines[1] and "new" in lines[2] and "old" in lines[2]


def test_removal_limit_default_and_explicit():
    assert removal_limit(None, 0) == 10
    assert removal_limit(None, 1000) == 250
    assert removal_limit(5, 1000) == 5
    assert removal_limit(-1, 1000) is None


def test_removal_guard_names_the_numbers():
    items = [stored("ip", "10.0.%d.%d" % (i // 250, i % 250)) for i in range(100)]
    plan = plan_for("exact", items, ["10.0.0.0"] + ["192.0.2.%d" % i for i in range(1, 11)])
    problem = removal_problem(plan, None, allow_empty=False)
    assert "99" in problem and "default limit of 25" in problem
    assert "more than max_removals (50)" in removal_problem(plan, 50, False)
    assert removal_problem(plan, 99, False) is None
    assert removal_problem(plan, -1, False) is None


def test_redirects_are_keyed_by_source_url_and_their_fields_compared_when_set():
    old = stored("redirect", {"source_url": "example.com/a", "target_url": "https://example.com/b", "status_code": 301,
                              "include_subdomains": False, "subpath_matching": False, "preserve_query_string": False,
                              "preserve_path_suffix": False})
    same = [{"source_url": "example.com/a", "target_url": "https://example.com/b"}]
    assert plan_for("exact", [old], same, kind="redirect").steps == []
    moved = [{"source_url": "example.com/a", "target_url": "https://example.com/b", "status_code": 302}]
    plan = plan_for("exact", [old], moved, kind="redirect")
    assert actions(plan) == ["replace"] and plan.steps[0].body[0]["redirect"]["status_code"] == 302


# ----------------------------------------------------------------------------------------------
# Property: plan then apply reaches the wanted state, and a kept item is never missing between steps.
# ----------------------------------------------------------------------------------------------

POOL = ["192.0.2.%d" % i for i in range(1, 13)]


def apply_step(state, step):
    """A model of Cloudflare applying one bulk operation to {id: item}."""
    if step.action == "delete":
        return dict((item_id, item) for item_id, item in state.items() if item_id not in set(step.body))
    base = dict(state) if step.action == "append" else {}
    for body in step.body:
        base[next(_ids)] = dict(body)
    return base


def keys(state):
    return set(item_key("ip", item) for item in state.values())


@settings(max_examples=300, deadline=None, derandomize=True)
@given(before=st.lists(st.sampled_from(POOL), unique=True), after=st.lists(st.sampled_from(POOL), unique=True),
       commented=st.lists(st.sampled_from(POOL), unique=True), state_name=st.sampled_from(["present", "absent", "exact"]))
def test_plan_then_apply_reaches_the_wanted_state_without_dropping_kept_items(before, after, commented, state_name):
    entries = [{"ip": value, "comment": "c"} if value in commented else value for value in after]
    current = dict((next(_ids), {"ip": value}) for value in before)
    plan = make_plan("ip", state_name, wanted_of("ip", entries), [dict(item, id=item_id) for item_id, item in current.items()])
    kept = set(before) & set(after) if state_name != "absent" else set(before) - set(after)
    if state_name == "present":
        kept = set(before)
    for step in plan.steps:
        current = apply_step(current, step)
        assert kept <= keys(current), "a kept item was missing after %s" % step.action
    expected = {"present": set(before) | set(after), "absent": set(before) - set(after), "exact": set(after)}[state_name]
    assert keys(current) == expected
    assert len(plan.steps) <= 2
    for value in after:
        if value in commented and state_name != "absent":
            assert any(item.get("comment") == "c" for item in current.values() if item["ip"] == value)
    replan = make_plan("ip", state_name, wanted_of("ip", entries), [dict(item, id=item_id) for item_id, item in current.items()])
    assert replan.steps == [], "a second run must change nothing"


def test_two_wanted_ipv6_addresses_held_by_one_stored_slash64_are_both_present():
    plan = plan_for("exact", [stored("ip", "2001:db8::/64")], ["2001:db8::1", "2001:db8::2"])
    assert plan.steps == [] and plan.counts()["unchanged"] == 1
    plan = plan_for("present", [stored("ip", "2001:db8::/64")], ["2001:db8::1", "2001:db8::2"])
    assert plan.steps == []


def test_a_stored_cidr_with_host_bits_is_the_item_of_its_network():
    plan = plan_for("exact", [stored("ip", "10.0.0.1/24")], ["10.0.0.0/24"])
    assert plan.steps == []
    plan = plan_for("absent", [stored("ip", "10.0.0.1/24")], ["10.0.0.0/24"])
    assert actions(plan) == ["delete"]


def test_compact_wanted_items_plan_the_same_as_full_ones():
    entries = ["192.0.2.1", "192.0.2.2", {"ip": "192.0.2.3", "comment": "c"}, "2001:db8::1"]
    compact, problems = normalize_items("ip", entries, compact=True)
    assert problems == [] and compact["192.0.2.1"] == "192.0.2.1" and compact["192.0.2.3"] == {"ip": "192.0.2.3", "comment": "c"}
    before = [stored("ip", "192.0.2.1", "kept"), stored("ip", "192.0.2.3"), stored("ip", "192.0.2.9")]
    full = make_plan("ip", "exact", wanted_of("ip", entries), before)
    slim = make_plan("ip", "exact", compact, before)
    assert [(step.action, step.body) for step in slim.steps] == [(step.action, step.body) for step in full.steps]
    assert slim.added == full.added == [{"ip": "192.0.2.2"}, {"ip": "2001:db8::1"}]
