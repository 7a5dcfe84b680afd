# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cloudflare_rule when writes fail (429, 5xx, resets, lost answers), races, and credentials that cannot do the job."""

import pytest

from ansible_collections.netedge.cloudflare.plugins.modules import cloudflare_rule as module
from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import API_KEY, run_module, warnings_of
from ansible_collections.netedge.cloudflare.tests.unit.plugins.simulated import (
    BLOCK_TASK, READ_TOKEN, RULESETS_ROUTE, RULES_ROUTE, WAF_PHASE, count, module_args, run_simulated, writes)

BLOCK_RULE = {"ref": "block_listed", "action": "log", "expression": "ip.src in $blocked_ips"}
OTHER = {"ref": "allow_office", "action": "skip", "expression": "ip.src eq 192.0.2.10", "action_parameters": {"ruleset": "current"}}
# The writes of each kind of change: (seeded rules, the task, the write's method and path fragment).
WRITES = {
    "create_entrypoint": ([], {}, "POST", "/rulesets"),
    "add": ([OTHER], {}, "POST", "/rules"),
    "update": ([OTHER, BLOCK_RULE], {}, "PATCH", "/rules/"),
    "move": ([dict(BLOCK_RULE, action="block"), OTHER], {"after": "allow_office"}, "PATCH", "/rules/"),
    "delete": ([OTHER, dict(BLOCK_RULE, action="block")], {"state": "absent"}, "DELETE", "/rules/"),
}


pytestmark = pytest.mark.usefixtures("rule_lists")


def run(sim, **params):
    """The module's result on the simulator (no credential or traceback in its output)."""
    return run_simulated(module, sim, **params)


def prepare(sim, change):
    seeded, extra, method, path = WRITES[change]
    if seeded:
        sim.set_entrypoint(WAF_PHASE, seeded)
    params = dict(BLOCK_TASK, **extra)
    if params.get("state") == "absent":
        params = dict(zone="example.com", ref="block_listed", state="absent")
    return params, method, path


def wanted_state(sim, change):
    """The refs in order (and the rule's action) once the change is done."""
    rules = sim.get_entrypoint_rules(WAF_PHASE)
    return [(rule["ref"], rule["action"]) for rule in rules], {
        "create_entrypoint": [("block_listed", "block")],
        "add": [("allow_office", "skip"), ("block_listed", "block")],
        "update": [("allow_office", "skip"), ("block_listed", "block")],
        "move": [("allow_office", "skip"), ("block_listed", "block")],
        "delete": [("allow_office", "skip")],
    }[change]


@pytest.mark.parametrize("change", sorted(WRITES))
def test_a_429_on_the_write_is_retried_and_the_change_made_once(sim, change):
    params, method, path = prepare(sim, change)
    sim.add_fault("status", status=429, method=method, path=path)
    result = run(sim, **params)
    assert result["_rc"] == 0 and result["changed"] is True
    held, expected = wanted_state(sim, change)
    assert held == expected
    assert writes(sim) == 2 and warnings_of(result) == []


@pytest.mark.parametrize("kind", ["status", "reset"])
@pytest.mark.parametrize("change", sorted(WRITES))
def test_a_lost_answer_before_the_change_reads_again_and_sends_once_more(sim, change, kind):
    params, method, path = prepare(sim, change)
    sim.add_fault(kind, method=method, path=path, **({"status": 503} if kind == "status" else {}))
    result = run(sim, **params)
    assert result["_rc"] == 0 and result["changed"] is True
    held, expected = wanted_state(sim, change)
    assert held == expected
    assert writes(sim) == 2
    [warning] = warnings_of(result)
    assert "the answer was lost" in warning and "showed the change not made, so it was sent once more" in warning


@pytest.mark.parametrize("kind", ["status", "reset"])
@pytest.mark.parametrize("change", sorted(WRITES))
def test_a_lost_answer_after_the_change_is_not_sent_again(sim, change, kind):
    params, method, path = prepare(sim, change)
    sim.add_fault(kind, method=method, path=path, after=True, **({"status": 502} if kind == "status" else {}))
    result = run(sim, **params)
    assert result["_rc"] == 0 and result["changed"] is True
    held, expected = wanted_state(sim, change)
    assert held == expected
    assert writes(sim) == 1
    [warning] = warnings_of(result)
    assert "shows the change made, so it was not sent again" in warning
    if change != "delete":
        assert result["rule"]["id"] == sim.get_entrypoint_rules(WAF_PHASE)[-1]["id"]


def test_a_rule_whose_add_was_applied_but_unanswered_is_not_added_twice(sim):
    sim.set_entrypoint(WAF_PHASE, [OTHER])
    sim.add_fault("reset", method="POST", path="/rules", after=True)
    result = run(sim, **BLOCK_TASK)
    assert result["changed"] is True
    assert [rule["ref"] for rule in sim.get_entrypoint_rules(WAF_PHASE)] == ["allow_office", "block_listed"]
    assert count(sim, "POST", RULES_ROUTE) == 1
    sim.reset_counters()
    assert run(sim, **BLOCK_TASK)["changed"] is False and writes(sim) == 0


def test_two_lost_answers_fail_saying_the_change_may_be_made(sim):
    sim.add_fault("reset", method="POST", path="/rulesets", count=2)
    result = run(sim, **BLOCK_TASK)
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"].startswith("Creating the %s entry point of zone example.com (%s) with rule 'block_listed': "
                                    "the connection to " % (WAF_PHASE, sim.zone_id))
    assert result["msg"].endswith("Cloudflare may have made the change. Run the task again: it reads the entry point "
                                  "first and finds the rule by its ref, so nothing is done twice.")
    assert sim.get_entrypoint(WAF_PHASE) is None


def test_an_entry_point_made_meanwhile_gets_the_rule_beside_its_own(sim):
    sim.configure(entrypoint_race=True)
    result = run(sim, **BLOCK_TASK)
    assert result["_rc"] == 0 and result["changed"] is True
    rules = sim.get_entrypoint_rules(WAF_PHASE)
    assert [rule["ref"] for rule in rules] == ["made_elsewhere", "block_listed"]
    assert rules[0]["version"] == "1"
    assert count(sim, "POST", RULESETS_ROUTE) == 1 and count(sim, "POST", RULES_ROUTE) == 1
    assert count(sim, "PUT", RULESETS_ROUTE + "/phases/{ruleset_phase}/entrypoint") == 0
    [warning] = warnings_of(result)
    assert "another tool made the entry point meanwhile; rule 'block_listed' was added" in warning


def test_a_refused_create_with_no_entry_point_after_it_fails_with_cloudflares_error(sim):
    sim.add_fault("status", status=400, code=10999, message="something else", method="POST", path="/rulesets")
    result = run(sim, **BLOCK_TASK)
    assert result["failed"] is True and result["status"] == 400
    assert result["msg"] == ("Creating the %s entry point of zone example.com (%s) with rule 'block_listed': HTTP 400: "
                             "something else (10999)" % (WAF_PHASE, sim.zone_id))


def read_token(sim, **params):
    args = dict(params, api_token=READ_TOKEN)
    return run(sim, **args)


def test_a_read_token_can_check_but_not_write_and_the_failure_names_the_permission(sim):
    checked = read_token(sim, check=True, **BLOCK_TASK)
    assert checked["_rc"] == 0 and checked["changed"] is True
    result = read_token(sim, **BLOCK_TASK)
    assert result["failed"] is True and result["status"] == 403
    assert result["msg"] == ("Creating the %s entry point of zone example.com (%s) with rule 'block_listed': HTTP 403: "
                             "Authentication error (10000). Check the credentials: an API token needs the 'Zone WAF "
                             "Write' permission for zone example.com." % (WAF_PHASE, sim.zone_id))


def test_account_rules_name_the_account_permissions(sim):
    result = read_token(sim, phase="http_request_redirect", ref="bulk", action="redirect",
                        expression="http.request.full_uri in $redirects",
                        action_parameters={"from_list": {"name": "redirects", "key": "http.request.full_uri"}})
    assert result["failed"] is True
    assert result["msg"].endswith("an API token needs the 'Account Rulesets Write' (or 'Account WAF Write', or 'Mass URL "
                                  "Redirects Write') permission for account %s." % sim.account_id)


def test_an_unknown_token_fails_the_read_naming_the_read_permission(sim):
    result = run(sim, **dict(BLOCK_TASK, api_token="not-a-known-token"))
    assert result["failed"] is True
    assert result["msg"].startswith("Finding zone example.com: HTTP ")
    assert "'Zone Read' permission for the zone" in result["msg"]
    params = dict(BLOCK_TASK, api_token="not-a-known-token", zone_id=sim.zone_id)
    del params["zone"]
    result = run(sim, **params)
    assert result["msg"].startswith("Reading the %s entry point of zone %s: HTTP " % (WAF_PHASE, sim.zone_id))
    assert "'Zone WAF Read' permission for zone %s" % sim.zone_id in result["msg"]


def test_a_zone_id_that_does_not_exist_fails_on_the_read(sim):
    params = dict(BLOCK_TASK, zone_id="f" * 32)
    del params["zone"]
    result = run(sim, **params)
    assert result["failed"] is True and result["status"] == 404 and writes(sim) == 0
    assert result["msg"].startswith("Reading the %s entry point of zone %s: HTTP 404: Could not route" % (WAF_PHASE, "f" * 32))


def test_global_key_credentials_never_show(sim):
    params = module_args(sim, **BLOCK_TASK)
    del params["api_token"]
    params.update(api_email="wrong@example.com", api_key=API_KEY)
    result, raw, _code = run_module(module, params)
    assert result["failed"] is True and API_KEY not in raw


@pytest.mark.parametrize("change", ["add", "update", "move", "delete"])
def test_a_rule_or_ruleset_not_found_on_the_write_is_read_again_and_decided_again(sim, change):
    params, method, path = prepare(sim, change)
    sim.add_fault("status", status=404, code=10124, message="could not find rule", method=method, path=path)
    result = run(sim, **params)
    assert result["_rc"] == 0 and result["changed"] is True
    held, expected = wanted_state(sim, change)
    assert held == expected and writes(sim) == 2
    [warning] = warnings_of(result)
    assert "Cloudflare did not find it (HTTP 404: could not find rule (10124)), as another tool changed the entry point " \
           "meanwhile; read again, the rule was" in warning


def test_a_rule_deleted_elsewhere_meanwhile_is_not_a_change(sim):
    params, method, path = prepare(sim, "delete")
    sim.add_fault("status", status=404, code=10124, message="could not find rule", method=method, path=path, after=True)
    result = run(sim, **params)
    assert result["_rc"] == 0 and result["changed"] is False and warnings_of(result) == []
    assert [rule["ref"] for rule in sim.get_entrypoint_rules(WAF_PHASE)] == ["allow_office"] and writes(sim) == 1
