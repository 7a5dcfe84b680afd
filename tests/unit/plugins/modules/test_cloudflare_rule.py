# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cloudflare_rule as Ansible runs it, against the simulator on 127.0.0.1, counting what reaches it."""

import pytest

from ansible_collections.netedge.cloudflare.plugins.modules import cloudflare_rule as module
from ansible_collections.netedge.cloudflare.tests.unit.plugins.simulated import (
    BLOCK_TASK, RULESETS_ROUTE, RULES_ROUTE, RULE_ROUTE, WAF_PHASE, count, run_simulated, writes)

BLOCK_RULE = {"ref": "block_listed", "action": "block", "expression": "ip.src in $blocked_ips"}
# Rules that the dashboard or another tool made: the module must never change them.
ELSEWHERE = [
    {"ref": "allow_office", "action": "skip", "expression": "ip.src eq 192.0.2.10", "description": "office",
     "action_parameters": {"ruleset": "current"}},
    {"action": "managed_challenge", "expression": 'http.request.uri.path eq "/login"', "description": "no ref given"},
    {"ref": "log_admin", "action": "log", "expression": 'starts_with(http.request.uri.path, "/admin")', "enabled": False},
]


pytestmark = pytest.mark.usefixtures("rule_lists")


def task(base, **changes):
    """A copy of the task ``base`` with ``changes``."""
    params = dict(base)
    params.update(changes)
    return params


def run(sim, **params):
    """The module's result on the simulator (no credential or traceback in its output)."""
    return run_simulated(module, sim, **params)


def rules(sim, **scope):
    return sim.get_entrypoint_rules(WAF_PHASE, **scope)


def refs(sim, **scope):
    return [rule["ref"] for rule in rules(sim, **scope)]


def seed(sim):
    """The entry point with the rules made elsewhere; returns them as stored."""
    return sim.set_entrypoint(WAF_PHASE, ELSEWHERE)["rules"]


def others(sim, mine="block_listed"):
    """The other rules as stored (id, version, everything), in order."""
    return [rule for rule in rules(sim) if rule["ref"] != mine]


def test_create_in_a_phase_without_an_entry_point(sim):
    result = run(sim, description="Addresses blocked by the WAF", **BLOCK_TASK)
    assert result["_rc"] == 0 and result["changed"] is True
    [held] = rules(sim)
    assert result["rule"]["id"] == held["id"] and result["rule"]["ref"] == "block_listed"
    assert (held["expression"], held["action"], held["description"], held["enabled"]) == (
        "ip.src in $blocked_ips", "block", "Addresses blocked by the WAF", True)
    ruleset = sim.get_entrypoint(WAF_PHASE)
    assert result["ruleset"] == {"id": ruleset["id"], "phase": WAF_PHASE, "kind": "zone", "version": ruleset["version"], "num_rules": 1}
    assert count(sim, "POST", RULESETS_ROUTE) == 1 and writes(sim) == 1
    assert count(sim, "PUT", RULESETS_ROUTE + "/phases/{ruleset_phase}/entrypoint") == 0


def test_create_beside_rules_made_elsewhere_goes_last_and_leaves_them_alone(sim):
    before = seed(sim)
    result = run(sim, **BLOCK_TASK)
    assert result["changed"] is True and result["ruleset"]["num_rules"] == 4
    assert others(sim) == before
    assert refs(sim)[-1] == "block_listed"
    assert count(sim, "POST", RULES_ROUTE) == 1 and writes(sim) == 1


def test_update_keeps_the_id_and_sends_back_what_the_task_does_not_set(sim):
    seed(sim)
    made = run(sim, description="kept", **BLOCK_TASK)["rule"]
    result = run(sim, **task(BLOCK_TASK, expression="ip.src in $blocked_ips or ip.src eq 192.0.2.66"))
    assert result["changed"] is True
    assert result["rule"]["id"] == made["id"] and result["rule"]["description"] == "kept"
    held = [rule for rule in rules(sim) if rule["ref"] == "block_listed"][0]
    assert held["id"] == made["id"] and held["expression"].endswith("192.0.2.66") and held["description"] == "kept"
    assert refs(sim) == ["allow_office", rules(sim)[1]["ref"], "log_admin", "block_listed"]
    assert count(sim, "PATCH", RULE_ROUTE) == 1


def test_enabled_false_turns_the_rule_off_and_true_on_again(sim):
    run(sim, **BLOCK_TASK)
    assert run(sim, enabled=False, **BLOCK_TASK)["changed"] is True and rules(sim)[0]["enabled"] is False
    assert run(sim, **BLOCK_TASK)["changed"] is True and rules(sim)[0]["enabled"] is True


@pytest.mark.parametrize("mine_first, place, order", [
    (False, dict(position="first"), ["block_listed", "allow_office", "*", "log_admin"]),
    (True, dict(position="last"), ["allow_office", "*", "log_admin", "block_listed"]),
    (False, dict(before="log_admin"), ["allow_office", "*", "block_listed", "log_admin"]),
    (True, dict(after="allow_office"), ["allow_office", "block_listed", "*", "log_admin"]),
])
def test_move_sends_only_a_position_and_keeps_the_rule(sim, mine_first, place, order):
    sim.set_entrypoint(WAF_PHASE, ([BLOCK_RULE] if mine_first else []) + ELSEWHERE + ([] if mine_first else [BLOCK_RULE]))
    made = [rule for rule in rules(sim) if rule["ref"] == "block_listed"][0]
    result = run(sim, **task(BLOCK_TASK, **place))
    assert result["changed"] is True and result["rule"]["id"] == made["id"] and result["rule"]["version"] == made["version"]
    assert [ref if ref in ("block_listed", "allow_office", "log_admin") else "*" for ref in refs(sim)] == order
    assert count(sim, "PATCH", RULE_ROUTE) == 1 and writes(sim) == 1
    sim.reset_counters()
    assert run(sim, **task(BLOCK_TASK, **place))["changed"] is False and writes(sim) == 0


def test_a_rule_already_before_another_is_not_moved_next_to_it(sim):
    sim.set_entrypoint(WAF_PHASE, [dict(BLOCK_RULE), ELSEWHERE[0], ELSEWHERE[2]])
    result = run(sim, before="log_admin", **BLOCK_TASK)
    assert result["changed"] is False and writes(sim) == 0


def test_delete_then_absent_again(sim):
    before = seed(sim)
    made = run(sim, **BLOCK_TASK)["rule"]
    result = run(sim, zone="example.com", ref="block_listed", state="absent")
    assert result["changed"] is True and result["rule"]["id"] == made["id"] and result["ruleset"]["num_rules"] == 3
    assert rules(sim) == before
    again = run(sim, zone="example.com", ref="block_listed", state="absent")
    assert again["changed"] is False and again["rule"] is None
    assert count(sim, "DELETE", RULE_ROUTE) == 1


def test_absent_without_an_entry_point_changes_nothing(sim):
    result = run(sim, zone="example.com", ref="block_listed", state="absent")
    assert result["changed"] is False and result["rule"] is None and result["ruleset"] is None and writes(sim) == 0


def test_the_other_rules_keep_their_ids_versions_and_order_through_every_change(sim):
    before = seed(sim)
    steps = [dict(BLOCK_TASK), dict(BLOCK_TASK, description="changed"), dict(BLOCK_TASK, position="first"),
             dict(BLOCK_TASK, after="log_admin"), dict(zone="example.com", ref="block_listed", state="absent")]
    for step in steps:
        sim.reset_counters()
        assert run(sim, **step)["changed"] is True
        assert others(sim) == before
        assert writes(sim) == 1


SETTINGS = [{}, {"entrypoint_missing": "empty"}, {"entrypoint_race": True}, {"answer_extras": "none"},
            {"patch_same_version": "same"}, {"missing_list_error": "filter_parse"}]
REDIRECT = dict(phase="http_request_redirect", ref="bulk", expression="http.request.full_uri in $redirects",
                action="redirect", action_parameters={"from_list": {"name": "redirects", "key": "http.request.full_uri"}})
TASKS = {
    "create": (False, dict(BLOCK_TASK, description="d")),
    "add": (True, dict(BLOCK_TASK, position="first")),
    "update": (True, dict(BLOCK_TASK, ref="allow_office", action="skip", expression="ip.src eq 192.0.2.11")),
    "skip_with_extras": (False, dict(BLOCK_TASK, action="skip", action_parameters={"ruleset": "current"})),
    "move": (True, dict(BLOCK_TASK, ref="log_admin", action="log", enabled=False,
                        expression='starts_with(http.request.uri.path, "/admin")', before="allow_office")),
    "delete": (True, dict(zone="example.com", ref="log_admin", state="absent")),
    "bulk_redirect": (False, REDIRECT),
}


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: ",".join("%s=%s" % i for i in s.items()) or "defaults")
@pytest.mark.parametrize("task", sorted(TASKS))
def test_the_same_task_twice_changes_then_writes_nothing(sim, settings, task):
    seeded, params = TASKS[task]
    sim.configure(**settings)
    if seeded:
        seed(sim)
    assert run(sim, **params)["changed"] is True
    sim.reset_counters()
    second = run(sim, **params)
    assert second["_rc"] == 0 and second["changed"] is False
    assert writes(sim) == 0


def test_check_mode_and_diff_send_no_write_and_show_the_change(sim):
    seed(sim)
    sim.reset_counters()
    created = run(sim, check=True, diff=True, position="first", **BLOCK_TASK)
    assert created["changed"] is True and writes(sim) == 0 and "block_listed" not in refs(sim)
    assert created["rule"]["id"] is None and created["rule"]["expression"] == "ip.src in $blocked_ips"
    assert created["diff"] == {"before": {}, "after": {"ref": "block_listed", "action": "block", "enabled": True,
                                                       "expression": "ip.src in $blocked_ips", "description": "", "position": 1}}
    run(sim, **BLOCK_TASK)
    sim.reset_counters()
    state = rules(sim)
    moved = run(sim, check=True, diff=True, description="new", position="first", **BLOCK_TASK)
    assert moved["changed"] is True and writes(sim) == 0 and rules(sim) == state
    assert moved["diff"]["before"]["description"] == "" and moved["diff"]["before"]["position"] == 4
    assert moved["diff"]["after"]["description"] == "new" and moved["diff"]["after"]["position"] == 1
    deleted = run(sim, check=True, diff=True, zone="example.com", ref="block_listed", state="absent")
    assert deleted["changed"] is True and deleted["rule"]["ref"] == "block_listed" and deleted["diff"]["after"] == {}
    assert writes(sim) == 0 and rules(sim) == state


def test_missing_lists_are_named_before_any_write(sim):
    seed(sim)
    sim.reset_counters()
    result = run(sim, **task(BLOCK_TASK, expression="ip.src in $gone or ip.src in $blocked_ips or ip.src in $cf.open_proxies "
                                                    "or http.host in $also_gone"))
    assert result["failed"] is True and writes(sim) == 0
    assert result["msg"] == (
        "Rule 'block_listed' uses lists that it cannot use: lists 'gone' and 'also_gone' are not in account %s. Create "
        "each first with netedge.cloudflare.cloudflare_list (name and kind), then run the task again." % sim.account_id)


def test_check_mode_names_missing_lists_too(sim):
    result = run(sim, check=True, **task(BLOCK_TASK, expression="ip.src in $gone"))
    assert result["failed"] is True and "list 'gone' is not in account" in result["msg"] and writes(sim) == 0


def test_from_list_must_name_a_redirect_list(sim):
    result = run(sim, **task(REDIRECT, action_parameters={"from_list": {"name": "blocked_ips", "key": "http.request.full_uri"}}))
    assert result["failed"] is True and writes(sim) == 0
    assert "action_parameters.from_list names list 'blocked_ips', of kind ip; a Bulk Redirect rule needs a list of " \
           "kind redirect" in result["msg"]


def test_bulk_redirect_rule_at_account_level(sim):
    result = run(sim, **REDIRECT)
    assert result["changed"] is True and result["ruleset"]["kind"] == "root"
    [held] = sim.get_entrypoint_rules("http_request_redirect", account_id=sim.account_id)
    assert held["action_parameters"]["from_list"] == {"name": "redirects", "key": "http.request.full_uri"}
    assert sim.get_lists()[1]["num_referencing_filters"] == 1


def test_a_zone_name_that_does_not_exist_fails_naming_it(sim):
    result = run(sim, **task(BLOCK_TASK, zone="nowhere.example"))
    assert result["failed"] is True and writes(sim) == 0
    assert result["msg"] == ("Finding zone nowhere.example: no zone of that name is visible to these credentials. Check "
                             "the name, or give zone_id; an API token needs the 'Zone Read' permission for the zone to "
                             "find it by name.")


def test_zone_id_is_used_without_a_lookup(sim):
    params = dict(BLOCK_TASK, zone_id=sim.zone_id)
    del params["zone"]
    assert run(sim, **params)["changed"] is True
    assert count(sim, "GET", "/client/v4/zones") == 0 and refs(sim) == ["block_listed"]


@pytest.mark.parametrize("where", ["before", "after"])
def test_before_or_after_a_missing_ref_fails_after_the_read_without_a_write(sim, where):
    seed(sim)
    made = run(sim, **BLOCK_TASK)["rule"]
    sim.reset_counters()
    result = run(sim, **task(BLOCK_TASK, **{where: "not_there"}))
    assert result["failed"] is True and writes(sim) == 0 and result["rule"]["id"] == made["id"]
    assert result["msg"].startswith("Placing rule 'block_listed' %s rule 'not_there' in the %s entry point of zone "
                                    "example.com (%s): no rule has the ref 'not_there' there (its rules have the refs "
                                    "'allow_office', '" % (where, WAF_PHASE, sim.zone_id))


def test_bad_input_is_refused_before_any_request(sim):
    result = run(sim, zone="example.com", zone_id="x", ref="", phase="nope", position="first", after="a")
    assert result["failed"] is True and sim.get_counters()["total"] == 0
    assert result["msg"].startswith("Invalid options: ")
    for text in ("zone and zone_id are mutually exclusive", "zone_id must be", "phase must be one of", "ref must be",
                 "position and after are mutually exclusive", "expression is required", "action is required"):
        assert text in result["msg"]
