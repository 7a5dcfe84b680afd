# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cloudflare_rule_info as Ansible runs it, against the simulator on 127.0.0.1."""

import pytest

from ansible_collections.netedge.cloudflare.plugins.modules import cloudflare_rule_info as module
from ansible_collections.netedge.cloudflare.tests.unit.plugins.simulated import READ_TOKEN, WAF_PHASE, run_simulated, writes

RULES = [
    {"ref": "allow_office", "action": "skip", "expression": "ip.src eq 192.0.2.10", "action_parameters": {"ruleset": "current"}},
    {"ref": "block_listed", "action": "block", "expression": "ip.src in $blocked_ips", "description": "WAF"},
    {"action": "log", "expression": "ip.src eq 192.0.2.99"},
]


pytestmark = pytest.mark.usefixtures("rule_lists")


def run(sim, **params):
    """The module's result on the simulator (no credential or traceback in its output)."""
    return run_simulated(module, sim, **params)


@pytest.mark.parametrize("missing", ["404", "empty"])
def test_a_phase_without_an_entry_point_has_no_rules(sim, missing):
    sim.configure(entrypoint_missing=missing)
    result = run(sim, zone="example.com")
    assert result["_rc"] == 0 and result["changed"] is False
    assert result["rules"] == [] and result["ruleset"] is None


def test_the_rules_in_order_with_their_ruleset(sim):
    stored = sim.set_entrypoint(WAF_PHASE, RULES)
    result = run(sim, zone="example.com")
    assert [rule["id"] for rule in result["rules"]] == [rule["id"] for rule in stored["rules"]]
    assert [rule["ref"] for rule in result["rules"]][:2] == ["allow_office", "block_listed"]
    assert result["rules"][1]["expression"] == "ip.src in $blocked_ips" and result["rules"][1]["description"] == "WAF"
    assert result["ruleset"] == {"id": stored["id"], "phase": WAF_PHASE, "kind": "zone", "version": stored["version"], "num_rules": 3}
    assert writes(sim) == 0


def test_one_rule_by_ref_or_none(sim):
    sim.set_entrypoint(WAF_PHASE, RULES, zone_id=sim.zone_id)
    result = run(sim, zone_id=sim.zone_id, ref="block_listed")
    assert [rule["ref"] for rule in result["rules"]] == ["block_listed"] and result["ruleset"]["num_rules"] == 3
    assert run(sim, zone_id=sim.zone_id, ref="not_there")["rules"] == []


def test_account_level_bulk_redirects_with_a_read_token(sim):
    rule = {"ref": "bulk", "action": "redirect", "expression": "http.request.full_uri in $redirects",
            "action_parameters": {"from_list": {"name": "redirects", "key": "http.request.full_uri"}}}
    stored = sim.set_entrypoint("http_request_redirect", [rule], account_id=sim.account_id)
    result = run(sim, phase="http_request_redirect", api_token=READ_TOKEN)
    assert result["_rc"] == 0 and result["ruleset"]["kind"] == "root" and result["ruleset"]["id"] == stored["id"]
    assert result["rules"][0]["action_parameters"]["from_list"] == {"name": "redirects", "key": "http.request.full_uri"}


def test_a_failed_read_names_the_permission(sim):
    result = run(sim, api_token="not-a-known-token")
    assert result["failed"] is True and result["rules"] == [] and result["ruleset"] is None
    assert result["msg"].startswith("Reading the %s entry point of account %s: HTTP " % (WAF_PHASE, sim.account_id))
    assert "'Account Rulesets Read' (or 'Account WAF Read', or 'Mass URL Redirects Read') permission for account" in result["msg"]


def test_a_zone_that_does_not_exist_fails_naming_it(sim):
    result = run(sim, zone="nowhere.example")
    assert result["failed"] is True and result["msg"].startswith("Finding zone nowhere.example: no zone of that name")


def test_bad_input_is_refused_before_any_request(sim):
    result = run(sim, zone="not a zone", phase="http_nope", ref="")
    assert result["failed"] is True and sim.get_counters()["total"] == 0
    assert "zone must be a domain name" in result["msg"] and "phase must be one of" in result["msg"]
    assert "ref must be 1 to 256" in result["msg"]


def test_a_zone_name_in_two_accounts_is_the_one_of_account_id(sim):
    other, third = "a" * 32, "b" * 32
    sim.add_account(other)
    sim.add_account(third)
    theirs = sim.add_zone("example.com", account_id=other)
    sim.set_entrypoint(WAF_PHASE, RULES[:1], zone_id=sim.zone_id)
    sim.set_entrypoint(WAF_PHASE, [{"ref": "theirs", "action": "log", "expression": "ip.src eq 192.0.2.5"}], zone_id=theirs["id"])
    key = dict(api_token=None, api_email=sim.email, api_key=sim.api_key, zone="example.com")
    assert [rule["ref"] for rule in run(sim, **key)["rules"]] == ["allow_office"]
    assert [rule["ref"] for rule in run(sim, account_id=other, **key)["rules"]] == ["theirs"]
    result = run(sim, account_id=third, **key)
    assert result["failed"] is True and sim.api_key not in result["msg"]
    assert result["msg"] == "Finding zone example.com: 2 zones named example.com are visible to these credentials; give " \
                            "zone_id to choose one"
