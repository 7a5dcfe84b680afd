# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pure decision of cloudflare_rule: what it compares, where it places a rule, what it sends. No Ansible, no HTTP."""

import pytest

from ansible_collections.netedge.cloudflare.plugins.module_utils._rulesets.plan import decide, list_problems

WHERE = "the http_request_firewall_custom entry point of zone example.com"


def rule(ref, rule_id=None, **fields):
    made = {"id": rule_id or (ref * 32)[:32].replace("_", "a"), "ref": ref, "version": "1", "action": "block",
            "expression": "ip.src eq 192.0.2.1", "description": "", "enabled": True, "last_updated": "2026-01-01T00:00:00Z"}
    made.update(fields)
    return made


def ruleset(*rules):
    return {"id": "f" * 32, "phase": "http_request_firewall_custom", "kind": "zone", "version": "3", "rules": list(rules)}


def params(**given):
    base = dict(ref="mine", state="present", action="block", expression="ip.src eq 192.0.2.1", enabled=True,
                description=None, action_parameters=None, position=None, before=None, after=None)
    base.update(given)
    return base


def ids(rules):
    return [r["id"] for r in rules]


A, B, C = rule("a", "a" * 32), rule("b", "b" * 32), rule("c", "c" * 32)


def test_no_entry_point_creates_it_with_only_this_rule():
    decision = decide(None, params(description="why"), WHERE)
    assert decision.action == "create_entrypoint" and decision.position is None
    assert decision.definition == {"ref": "mine", "action": "block", "expression": "ip.src eq 192.0.2.1",
                                   "enabled": True, "description": "why"}
    assert decision.diff() == {"before": {}, "after": {"ref": "mine", "action": "block", "expression": "ip.src eq 192.0.2.1",
                                                       "description": "why", "enabled": True, "position": 1}}


def test_a_new_rule_goes_last_without_a_position_and_sends_none():
    decision = decide(ruleset(A, B), params(), WHERE)
    assert decision.action == "add" and decision.position is None and decision.diff()["after"]["position"] == 3


@pytest.mark.parametrize("given, position, place", [
    (dict(position="first"), {"before": ""}, 1),
    (dict(position="last"), {"after": ""}, 3),
    (dict(before="b"), {"before": "b" * 32}, 2),
    (dict(after="a"), {"after": "a" * 32}, 2),
])
def test_a_new_rule_is_placed_by_rule_ids_never_refs(given, position, place):
    decision = decide(ruleset(A, B), params(**given), WHERE)
    assert decision.action == "add" and decision.position == position
    assert decision.diff()["after"]["position"] == place


def test_the_same_rule_is_nothing_to_do_whatever_cloudflare_adds():
    held = rule("mine", categories=["custom"], logging={"enabled": True})
    decision = decide(ruleset(A, held, B), params(), WHERE)
    assert decision.action == "none" and not decision.changes
    assert decision.diff()["before"] == decision.diff()["after"]


def test_fields_not_set_are_not_compared():
    held = rule("mine", description="made in the dashboard")
    assert decide(ruleset(held), params(), WHERE).action == "none"


def test_enabled_is_compared_with_its_default():
    held = rule("mine", enabled=False)
    decision = decide(ruleset(held), params(), WHERE)
    assert decision.action == "update" and decision.definition["enabled"] is True


def test_action_parameters_are_compared_as_a_subset():
    held = rule("mine", action="redirect", expression="http.request.full_uri in $redirects",
                action_parameters={"from_list": {"name": "redirects", "key": "http.request.full_uri"}, "extra": 1})
    wanted = dict(action="redirect", expression="http.request.full_uri in $redirects",
                  action_parameters={"from_list": {"name": "redirects", "key": "http.request.full_uri"}})
    assert decide(ruleset(held), params(**wanted), WHERE).action == "none"
    other = dict(wanted)
    other["action_parameters"] = {"from_list": {"name": "other", "key": "http.request.full_uri"}}
    assert decide(ruleset(held), params(**other), WHERE).action == "update"


def test_a_boolean_never_equals_a_number():
    held = rule("mine", action_parameters={"flag": 1})
    assert decide(ruleset(held), params(action_parameters={"flag": True}), WHERE).action == "update"


def test_an_update_sends_the_whole_definition_and_keeps_what_the_task_does_not_set():
    held = rule("mine", description="kept", logging={"enabled": False}, categories=["custom"],
                action_parameters={"response": {"status_code": 403}})
    decision = decide(ruleset(A, held), params(expression="ip.src eq 192.0.2.9"), WHERE)
    assert decision.action == "update" and decision.position is None and decision.places is None
    assert decision.definition == {"ref": "mine", "action": "block", "expression": "ip.src eq 192.0.2.9",
                                   "description": "kept", "enabled": True, "logging": {"enabled": False},
                                   "action_parameters": {"response": {"status_code": 403}}}
    assert decision.diff() == {
        "before": {"ref": "mine", "action": "block", "expression": "ip.src eq 192.0.2.1", "description": "kept",
                   "enabled": True, "action_parameters": {"response": {"status_code": 403}}},
        "after": {"ref": "mine", "action": "block", "expression": "ip.src eq 192.0.2.9", "description": "kept",
                  "enabled": True, "action_parameters": {"response": {"status_code": 403}}}}


@pytest.mark.parametrize("order, given", [
    ("mine a b", dict(position="first")),
    ("a b mine", dict(position="last")),
    ("mine a b", dict(before="b")),
    ("a mine b", dict(before="b")),
    ("a b mine", dict(after="a")),
    ("a mine b", dict(after="a")),
    ("b mine a", {}),
])
def test_a_rule_in_the_place_asked_is_not_moved(order, given):
    by_ref = {"a": A, "b": B, "mine": rule("mine")}
    decision = decide(ruleset(*[by_ref[ref] for ref in order.split()]), params(**given), WHERE)
    assert decision.action == "none"


@pytest.mark.parametrize("order, given, position, places", [
    ("a mine b", dict(position="first"), {"before": ""}, (2, 1)),
    ("a mine b", dict(position="last"), {"after": ""}, (2, 3)),
    ("a b mine", dict(before="a"), {"before": "a" * 32}, (3, 1)),
    ("mine a b", dict(after="b"), {"after": "b" * 32}, (1, 3)),
    ("mine a b", dict(after="a"), {"after": "a" * 32}, (1, 2)),
])
def test_a_rule_elsewhere_is_moved_by_position_only(order, given, position, places):
    by_ref = {"a": A, "b": B, "mine": rule("mine")}
    decision = decide(ruleset(*[by_ref[ref] for ref in order.split()]), params(**given), WHERE)
    assert decision.action == "move" and decision.definition is None
    assert decision.position == position and decision.places == places
    diff = decision.diff()
    assert (diff["before"]["position"], diff["after"]["position"]) == places


def test_an_update_and_a_move_go_in_one_patch():
    decision = decide(ruleset(A, rule("mine")), params(description="new", position="first"), WHERE)
    assert decision.action == "update" and decision.position == {"before": ""} and decision.definition["description"] == "new"


@pytest.mark.parametrize("rs, there", [
    (None, "there is no entry point yet, so no rule at all"),
    (ruleset(), "it has no rules"),
    (ruleset(A, B), "its rules have the refs 'a', 'b'"),
])
def test_before_or_after_a_missing_ref_fails_naming_it(rs, there):
    decision = decide(rs, params(before="gone"), WHERE)
    assert decision.failure == ("Placing rule 'mine' before rule 'gone' in %s: no rule has the ref 'gone' there (%s). "
                                "Check before, or add that rule first." % (WHERE, there))
    assert not decision.changes


def test_a_long_list_of_refs_is_cut_short():
    many = [rule("r%02d" % n, "%032x" % n) for n in range(15)]
    failure = decide(ruleset(*many), params(after="gone"), WHERE).failure
    assert "'r09', and 5 more)" in failure and "'r10'" not in failure


def test_absent_deletes_only_a_rule_that_is_there():
    held = rule("mine")
    decision = decide(ruleset(A, held), params(state="absent"), WHERE)
    assert decision.action == "delete" and decision.before is held
    assert decision.diff() == {"before": {"ref": "mine", "action": "block", "expression": "ip.src eq 192.0.2.1",
                                          "description": "", "enabled": True}, "after": {}}
    assert decide(ruleset(A), params(state="absent"), WHERE).action == "none"
    assert decide(None, params(state="absent"), WHERE).action == "none"


def test_a_rule_is_never_found_by_its_description_or_expression():
    other = rule("someone_elses", description="mine", expression="ip.src eq 192.0.2.1")
    assert decide(ruleset(other), params(description="mine"), WHERE).action == "add"


def test_missing_lists_and_a_from_list_of_another_kind_are_named():
    lists = [{"name": "blocked_ips", "kind": "ip"}, {"name": "partners", "kind": "ip"}]
    assert list_problems([("blocked_ips", None)], lists, "mine", "acc") is None
    assert list_problems([("gone", None), ("also_gone", None)], lists, "mine", "acc") == (
        "Rule 'mine' uses lists that it cannot use: lists 'gone' and 'also_gone' are not in account acc. Create each "
        "first with netedge.cloudflare.cloudflare_list (name and kind), then run the task again.")
    assert list_problems([("partners", "redirect")], lists, "mine", "acc") == (
        "Rule 'mine' uses lists that it cannot use: action_parameters.from_list names list 'partners', of kind ip; a "
        "Bulk Redirect rule needs a list of kind redirect.")


def test_fields_without_an_option_are_sent_back_as_held():
    held = rule("mine", ratelimit={"period": 60}, exposed_credential_check={"username_expression": "u"}, categories=["custom"])
    definition = decide(ruleset(held), params(description="new"), WHERE).definition
    assert definition["ratelimit"] == {"period": 60} and definition["exposed_credential_check"] == {"username_expression": "u"}
    assert not set(definition) & {"id", "version", "last_updated", "categories"}
